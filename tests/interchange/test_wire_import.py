"""Importing wire files: paragraphs, sources and datelines read as written, bad files refused with their line,
folders read recursively, and a file imported again updating its article."""

import pytest

from archive.models import Article
from tests.helpers.imports import (
    FIRST_PARAGRAPH,
    SAMPLE_HEADLINE,
    SECOND_PARAGRAPH,
    jsonl,
    nothing_written,
    only_article,
    run_failing_import,
    run_import,
    source_rows,
    wire,
    write,
)


@pytest.mark.django_db
def test_sample_wire_file_imports_as_one_unpublished_draft_of_six_paragraphs(sample_wire_file):
    output = run_import(sample_wire_file)

    article = only_article()
    assert article.headline == SAMPLE_HEADLINE
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("Ukrainian officials have confirmed the capture of two North Korean soldiers")
    assert paragraphs[-1].startswith("As the conflict evolves")
    assert not article.sources.exists()
    assert article.status == Article.Status.DRAFT
    assert article.publication == ""
    assert article.published_at is None
    assert "Imported 1 new article(s), updated 0, 0 file(s) failed." in output


@pytest.mark.parametrize(
    ("line", "title", "url", "publisher"),
    [
        ("https://www.reuters.com/world/europe/a-1", "", "https://www.reuters.com/world/europe/a-1", "reuters.com"),
        (
            "Ukraine says it captured soldiers - https://apnews.com/article/b-2",
            "Ukraine says it captured soldiers",
            "https://apnews.com/article/b-2",
            "apnews.com",
        ),
        (
            "Kyiv-based officials confirm capture — https://www.bbc.co.uk/news/c-3",
            "Kyiv-based officials confirm capture",
            "https://www.bbc.co.uk/news/c-3",
            "bbc.co.uk",
        ),
        (
            "Drone strike in Zaporizhzhia – http://www.kyivindependent.com/d-4",
            "Drone strike in Zaporizhzhia",
            "http://www.kyivindependent.com/d-4",
            "kyivindependent.com",
        ),
        (
            "- North Korean troops in Kursk - https://www.Reuters.com/e-5",
            "North Korean troops in Kursk",
            "https://www.Reuters.com/e-5",
            "reuters.com",
        ),
    ],
    ids=["bare-url", "hyphen", "em-dash", "en-dash", "bulleted"],
)
@pytest.mark.django_db
def test_source_line_gives_title_url_and_publisher_without_www(tmp_path, line, title, url, publisher):
    run_import(write(tmp_path / "story.txt", wire(sources=[line])))

    assert source_rows(only_article()) == [(1, title, url, publisher)]


@pytest.mark.django_db
def test_sources_are_stored_in_the_order_of_the_file(tmp_path):
    lines = ["Third - https://c.example.com/3", "https://a.example.com/1", "Second — https://b.example.com/2"]

    run_import(write(tmp_path / "story.txt", wire(sources=lines)))

    assert [(position, url) for position, _, url, _ in source_rows(only_article())] == [
        (1, "https://c.example.com/3"),
        (2, "https://a.example.com/1"),
        (3, "https://b.example.com/2"),
    ]


@pytest.mark.django_db
def test_empty_related_sources_block_gives_an_article_without_sources(tmp_path):
    run_import(write(tmp_path / "story.txt", wire(sources=[])))

    article = only_article()
    assert article.body == FIRST_PARAGRAPH
    assert not article.sources.exists()


def imported_content(article):
    return article.headline, article.body, article.dateline, source_rows(article)


@pytest.mark.parametrize(
    "variant",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace("\n", "   \n"),
        lambda text: "\ufeff" + text.replace("\n", " \t \r\n"),
    ],
    ids=["crlf", "bom", "trailing-spaces", "all-three"],
)
@pytest.mark.django_db
def test_crlf_bom_and_trailing_spaces_give_the_same_article_as_the_clean_file(tmp_path, variant):
    clean = wire(
        paragraphs=["KYIV, Jan 11 (Reuters) - " + FIRST_PARAGRAPH, SECOND_PARAGRAPH],
        sources=["Reuters report - https://www.reuters.com/a"],
    )
    run_import(write(tmp_path / "clean.txt", clean))
    run_import(write(tmp_path / "variant.txt", variant(clean)))

    clean_article, variant_article = Article.objects.order_by("pk")
    assert imported_content(variant_article) == imported_content(clean_article)
    assert variant_article.body == "KYIV, Jan 11 (Reuters) - " + FIRST_PARAGRAPH + "\n\n" + SECOND_PARAGRAPH


@pytest.mark.django_db
def test_hard_wrapped_paragraphs_become_whole_paragraphs(tmp_path):
    text = (
        "Ukraine captures two North Korean soldiers\n"
        "\n"
        "Ukraine said on Saturday it had captured two North\n"
        "Korean soldiers in Russia's Kursk region.\n"
        "\n"
        "The soldiers were wounded and are being\n"
        "questioned by the Security Service of\n"
        "Ukraine.\n"
    )

    run_import(write(tmp_path / "wrapped.txt", text))

    assert only_article().body.split("\n\n") == [FIRST_PARAGRAPH, SECOND_PARAGRAPH]


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"", None, "the file is empty"),
        (b"  \n\t\n   \r\n", None, "the file is empty"),
        (b"Cafe closes\n\nCaf\xe9 au lait is no more.\n", 3, "not UTF-8 text (byte 0xe9 cannot be decoded)"),
        (b"Cafe closes\n\nThe first paragraph.\n\x00\x01\x02\x03", 4, "binary file"),
        (b"Related Sources:\nhttps://www.reuters.com/a\n", 1, "there is no headline"),
        (("x" * 301 + "\n\nA paragraph.\n").encode(), 1, "the first line is 301 characters long"),
        (b"\nA headline alone\n\n\nRelated Sources:\nhttps://www.reuters.com/a\n", 2, "no paragraphs"),
        (
            wire(sources=["https://www.reuters.com/a", "the Reuters website"]).encode(),
            7,
            "“the Reuters website” is not a source",
        ),
    ],
    ids=[
        "empty",
        "whitespace-only",
        "not-utf8",
        "binary",
        "no-headline",
        "first-line-too-long",
        "headline-without-paragraphs",
        "source-not-a-url",
    ],
)
@pytest.mark.django_db
def test_bad_wire_file_is_refused_with_its_path_and_line_and_nothing_is_written(tmp_path, content, line, message):
    path = write(tmp_path / "bad.txt", content)

    summary, errors = run_failing_import(path)

    where = f"{path}:{line}" if line else str(path)
    assert errors.startswith(f"Failed: {where}: ")
    assert message in errors
    assert summary == "Imported 0 new article(s), updated 0, 1 file(s) failed."
    assert nothing_written()


@pytest.mark.django_db
def test_good_file_still_imports_when_another_file_in_the_same_run_fails(tmp_path):
    bad = write(tmp_path / "a_bad.txt", b"Caf\xe9\n\nA paragraph.\n")
    good = write(tmp_path / "b_good.txt", wire())

    summary, errors = run_failing_import(bad, good)

    assert summary == "Imported 1 new article(s), updated 0, 1 file(s) failed."
    assert errors.startswith(f"Failed: {bad}:1: not UTF-8 text")
    assert only_article().headline == "Ukraine captures two North Korean soldiers"


@pytest.mark.django_db
def test_reimporting_a_changed_file_updates_its_article_instead_of_adding_one(tmp_path):
    path = write(tmp_path / "story.txt", wire(sources=["https://www.reuters.com/a"]))
    run_import(path)
    slug = only_article().slug

    write(path, wire("Ukraine says captured soldiers are North Korean regulars", [SECOND_PARAGRAPH], sources=[]))
    output = run_import(path)

    article = only_article()
    assert article.headline == "Ukraine says captured soldiers are North Korean regulars"
    assert article.body == SECOND_PARAGRAPH
    assert article.slug == slug
    assert not article.sources.exists()
    assert "Imported 0 new article(s), updated 1, 0 file(s) failed." in output


@pytest.mark.django_db
def test_reimport_keeps_the_status_an_editor_gave_unless_status_is_given(tmp_path):
    path = write(tmp_path / "story.txt", wire())
    run_import(path)
    Article.objects.update(status=Article.Status.REVIEW)

    run_import(path)
    assert only_article().status == Article.Status.REVIEW

    run_import(path, status="withdrawn")
    assert only_article().status == Article.Status.WITHDRAWN


@pytest.mark.django_db
def test_status_published_publishes_now_and_publication_names_the_outlet(tmp_path):
    run_import(write(tmp_path / "story.txt", wire()), status="published", publication="Reuters")

    article = only_article()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert article.publication == "Reuters"
    assert Article.objects.published().get() == article


@pytest.mark.django_db
def test_reimport_clears_a_dateline_the_file_no_longer_has(tmp_path):
    path = write(tmp_path / "story.txt", wire(paragraphs=["KYIV, Jan 11 (Reuters) - " + FIRST_PARAGRAPH]))
    run_import(path)
    assert only_article().dateline == "KYIV"

    write(path, wire(paragraphs=[FIRST_PARAGRAPH]))
    run_import(path)

    assert only_article().dateline == ""


@pytest.mark.django_db
def test_directory_is_read_recursively_for_known_suffixes_and_other_files_are_skipped(tmp_path):
    write(tmp_path / "a.txt", wire("Top-level wire story"))
    write(tmp_path / "2025" / "01" / "b.TXT", wire("Nested wire story"))
    write(tmp_path / "2025" / "c.jsonl", jsonl({"headline": "JSON Lines story"}))
    write(tmp_path / "2025" / "d.ndjson", jsonl({"headline": "NDJSON story"}))
    write(tmp_path / "notes.md", wire("Markdown notes"))
    write(tmp_path / "2025" / "photo.jpg", b"\xff\xd8\xff\xe0")
    write(tmp_path / ".git" / "e.txt", wire("Inside a hidden folder"))
    write(tmp_path / "2025" / ".cache" / "f.jsonl", jsonl({"headline": "Inside a nested hidden folder"}))

    output = run_import(tmp_path)

    assert set(Article.objects.values_list("headline", flat=True)) == {
        "Top-level wire story",
        "Nested wire story",
        "JSON Lines story",
        "NDJSON story",
    }
    assert "Skipped 2 file(s) that are neither .txt nor .jsonl." in output
    assert "Imported 4 new article(s), updated 0, 0 file(s) failed." in output


@pytest.mark.django_db
def test_missing_path_is_a_failure_and_the_other_paths_still_import(tmp_path):
    missing = tmp_path / "no-such-folder"
    good = write(tmp_path / "story.txt", wire())

    summary, errors = run_failing_import(missing, good)

    assert errors == f"Failed: {missing}: no such file or directory\n"
    assert summary == "Imported 1 new article(s), updated 0, 1 file(s) failed."
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_second_file_with_the_same_name_in_another_folder_is_refused(tmp_path):
    first = write(tmp_path / "desk-a" / "story.txt", wire("Story from desk A"))
    second = write(tmp_path / "desk-b" / "story.txt", wire("Story from desk B"))

    summary, errors = run_failing_import(tmp_path)

    assert errors == f"Failed: {second}: another file in this import has the same name: {first}\n"
    assert summary == "Imported 1 new article(s), updated 0, 1 file(s) failed."
    assert only_article().headline == "Story from desk A"


@pytest.mark.parametrize(
    ("paragraph", "stored"),
    [
        ("1. Ukraine captured two soldiers.", "1\\. Ukraine captured two soldiers."),
        ("12) Ukraine captured two soldiers.", "12\\) Ukraine captured two soldiers."),
        ("# Ukraine captured two soldiers.", "\\# Ukraine captured two soldiers."),
        ("> Ukraine captured two soldiers.", "\\> Ukraine captured two soldiers."),
        ("- Ukraine captured two soldiers.", "\\- Ukraine captured two soldiers."),
    ],
    ids=["numbered", "numbered-paren", "heading", "quote", "bullet"],
)
@pytest.mark.django_db
def test_paragraph_that_looks_like_markdown_is_escaped_to_render_as_written(tmp_path, paragraph, stored):
    run_import(write(tmp_path / "story.txt", wire(paragraphs=[FIRST_PARAGRAPH, paragraph])))

    assert only_article().body == FIRST_PARAGRAPH + "\n\n" + stored


@pytest.mark.parametrize(
    ("first_paragraph", "dateline"),
    [
        ("KYIV, Jan 11 (Reuters) - " + FIRST_PARAGRAPH, "KYIV"),
        ("NEW YORK (Reuters) — " + FIRST_PARAGRAPH, "NEW YORK"),
        ("ZAPORIZHZHIA, Ukraine – " + FIRST_PARAGRAPH, "ZAPORIZHZHIA"),
        (FIRST_PARAGRAPH, ""),
    ],
    ids=["place-date-agency", "place-agency-em-dash", "place-country-en-dash", "none"],
)
@pytest.mark.django_db
def test_dateline_is_read_from_the_start_of_the_first_paragraph(tmp_path, first_paragraph, dateline):
    run_import(write(tmp_path / "story.txt", wire(paragraphs=[first_paragraph])))

    assert only_article().dateline == dateline
