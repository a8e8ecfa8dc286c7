"""What an import leaves in an article's history and must not undo: revisions, edits made since the last import,
withdrawals, corrections and old addresses."""

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from archive.editorial.revisions import record_revision
from archive.interchange.export import export_lines
from archive.models import Article, Correction, Revision, SlugRedirect, SourceLink
from tests.helpers.builders import make_article
from tests.helpers.imports import (
    FIRST_PARAGRAPH,
    SECOND_PARAGRAPH,
    jsonl,
    nothing_written,
    numbered_records,
    only_article,
    run_failing_import,
    run_import,
    source_rows,
    wire,
    write,
)


@pytest.mark.django_db
def test_each_imported_article_gets_an_imported_revision_saying_what_it_holds(tmp_path):
    run_import(write(tmp_path / "story.txt", wire(sources=["https://www.reuters.com/a", "https://apnews.com/b"])))

    (revision,) = Revision.objects.all()
    assert (revision.number, revision.action, revision.user, revision.summary) == (
        1,
        Revision.Action.IMPORTED,
        None,
        "First version: 2 sources",
    )
    assert revision.article_version == only_article().version == 1


@pytest.mark.django_db
def test_reimporting_an_unchanged_file_leaves_version_and_history_alone(tmp_path):
    path = write(tmp_path / "story.txt", wire())
    run_import(path)

    output = run_import(path)

    assert "updated 1" in output
    assert only_article().version == 1
    assert Revision.objects.count() == 1


@pytest.mark.django_db
def test_reimporting_a_changed_wire_file_records_what_changed(tmp_path):
    path = write(tmp_path / "story.txt", wire())
    run_import(path)

    run_import(write(path, wire("Ukraine says it captured two soldiers", sources=["https://www.reuters.com/a"])))

    revision = Revision.objects.get(number=2)
    assert (revision.action, revision.summary) == (Revision.Action.IMPORTED, "Headline edited; 1 source added")
    assert revision.article_version == only_article().version == 2


def edit_in_the_archive(**fields):
    article = only_article()
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    record_revision(article)


@pytest.mark.django_db
def test_a_wire_file_is_refused_over_an_edit_made_since_its_last_import(tmp_path):
    path = write(tmp_path / "story.txt", wire())
    run_import(path)
    edit_in_the_archive(headline="Ukraine captures two North Korean soldiers in Kursk")

    summary, errors = run_failing_import(write(path, wire(paragraphs=[SECOND_PARAGRAPH])))

    assert errors.startswith(f"Failed: {path}:1: “Ukraine captures two North Korean soldiers in Kursk” was edited")
    assert "since its last import (headline); import with --overwrite" in errors
    article = only_article()
    assert (article.headline, article.body) == ("Ukraine captures two North Korean soldiers in Kursk", FIRST_PARAGRAPH)
    assert Revision.objects.count() == 2


@pytest.mark.django_db
def test_overwrite_lets_a_wire_file_replace_edits_made_since_its_last_import(tmp_path):
    path = write(tmp_path / "story.txt", wire(sources=["https://www.reuters.com/a"]))
    run_import(path)
    SourceLink.objects.update(title="Retitled by an editor")
    edit_in_the_archive()

    run_import(write(path, wire(paragraphs=[SECOND_PARAGRAPH], sources=["https://www.reuters.com/a"])), overwrite=True)

    article = only_article()
    assert (article.body, source_rows(article)) == (
        SECOND_PARAGRAPH,
        [(1, "", "https://www.reuters.com/a", "reuters.com")],
    )
    assert Revision.objects.order_by("-number").first().action == Revision.Action.IMPORTED


@pytest.mark.django_db
def test_a_wire_file_updates_an_article_whose_edits_it_does_not_touch(tmp_path):
    path = write(tmp_path / "story.txt", wire())
    run_import(path)
    edit_in_the_archive(status=Article.Status.PUBLISHED, standfirst="Added by an editor.", publication="Reuters")

    run_import(write(path, wire(paragraphs=[SECOND_PARAGRAPH])))

    article = only_article()
    assert (article.body, article.standfirst, article.status) == (
        SECOND_PARAGRAPH,
        "Added by an editor.",
        Article.Status.PUBLISHED,
    )


@pytest.mark.django_db
def test_a_jsonl_line_exported_before_the_article_changed_is_refused_with_its_line(tmp_path):
    run_import(
        write(
            tmp_path / "first.jsonl",
            jsonl({"headline": "Kept", "slug": "kept"}, {"headline": "Story", "slug": "story"}),
        )
    )
    exported = [json.loads(line) for line in export_lines()]
    Article.objects.get(slug="story").save()  # edited in the archive: version 2
    for record in exported:
        record["body"] = "Edited offline."

    summary, errors = run_failing_import(write(tmp_path / "edited.jsonl", jsonl(*exported)))

    assert errors.startswith(
        f"Failed: {tmp_path / 'edited.jsonl'}:2: “Story” changed in the archive since it was exported"
    )
    assert "(it is at version 2, this line is version 1)" in errors
    assert not Article.objects.filter(body="Edited offline.").exists()  # the whole file is refused


@pytest.mark.django_db
def test_a_jsonl_file_imported_twice_is_not_refused_by_its_own_first_import(tmp_path):
    run_import(write(tmp_path / "first.jsonl", jsonl({"headline": "Story", "slug": "story"})))
    exported = [json.loads(line) for line in export_lines()]
    exported[0]["body"] = "Edited offline."

    run_import(write(tmp_path / "edited.jsonl", jsonl(*exported)))
    output = run_import(write(tmp_path / "edited.jsonl", jsonl(*exported)))

    assert "updated 1" in output
    assert (only_article().body, only_article().version) == ("Edited offline.", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [0, -3, "2", 1.5, True])
def test_a_jsonl_version_that_is_not_a_whole_number_from_1_is_refused(tmp_path, version):
    path = write(tmp_path / "bad.jsonl", jsonl({"headline": "Story", "version": version}))

    summary, errors = run_failing_import(path)

    assert errors.startswith(f"Failed: {path}:1: version must be a whole number from 1")
    assert nothing_written()


@pytest.mark.django_db
def test_a_jsonl_article_new_to_the_archive_keeps_its_exported_version(tmp_path):
    run_import(write(tmp_path / "export.jsonl", jsonl({"headline": "Story", "version": 7})))

    assert only_article().version == 7


@pytest.mark.django_db
def test_a_wire_file_that_makes_the_same_edit_as_the_editor_is_not_refused(tmp_path):
    path = write(tmp_path / "story.txt", wire())
    run_import(path)
    edit_in_the_archive(headline="Ukraine captures two North Korean soldiers in Kursk")

    run_import(write(path, wire("Ukraine captures two North Korean soldiers in Kursk", [SECOND_PARAGRAPH])))

    assert (only_article().headline, only_article().body) == (
        "Ukraine captures two North Korean soldiers in Kursk",
        SECOND_PARAGRAPH,
    )


KYIV = {
    "name": "Kyiv",
    "slug": "kyiv",
    "kind": "city",
    "old_slugs": [{"slug": "kiev", "created_at": "2022-04-01T00:00:00Z"}],
}
HISTORY_RECORD = {
    "headline": "Kyiv talks resume",
    "slug": "kyiv-talks-resume",
    "status": "withdrawn",
    "published_at": "2025-01-10T08:00:00+00:00",
    "withdrawn_at": "2025-03-03T11:15:00+02:00",
    "withdrawal_note": "The report relied on a single source, who has since retracted it.",
    "corrections": [
        {"published_at": "2025-01-11T10:00:00+00:00", "text": "An earlier version gave the wrong date."},
        {"published_at": "2025-01-12T10:00:00+00:00", "text": "An earlier version misspelt a name."},
    ],
    "old_slugs": [{"slug": "kiev-talks-resume", "created_at": "2025-01-10T09:00:00+00:00"}],
    "entities": {"places": [KYIV]},
}


def at(text):
    return datetime.datetime.fromisoformat(text)


def corrections_of(article):
    return [(correction.published_at, correction.text) for correction in article.corrections.all()]


def old_addresses():
    """{(model name, old slug): (the slug of what it leads to, since when)}."""
    found = {}
    for redirect in SlugRedirect.objects.all():
        target = ContentType.objects.get_for_id(redirect.content_type_id).get_object_for_this_type(
            pk=redirect.object_id
        )
        found[(type(target).__name__, redirect.slug)] = (target.slug, redirect.created_at)
    return found


@pytest.mark.django_db
def test_jsonl_record_restores_its_withdrawal_corrections_and_old_addresses(tmp_path):
    run_import(write(tmp_path / "export.jsonl", jsonl(HISTORY_RECORD)))

    article = only_article()
    assert (article.status, article.withdrawn_at, article.withdrawal_note) == (
        Article.Status.WITHDRAWN,
        at("2025-03-03T09:15:00+00:00"),  # the exported date, not the import's
        "The report relied on a single source, who has since retracted it.",
    )
    assert corrections_of(article) == [
        (at("2025-01-11T10:00:00+00:00"), "An earlier version gave the wrong date."),
        (at("2025-01-12T10:00:00+00:00"), "An earlier version misspelt a name."),
    ]
    assert old_addresses() == {
        ("Article", "kiev-talks-resume"): ("kyiv-talks-resume", at("2025-01-10T09:00:00+00:00")),
        ("Place", "kiev"): ("kyiv", at("2022-04-01T00:00:00+00:00")),
    }


@pytest.mark.django_db
def test_a_withdrawn_jsonl_article_without_a_withdrawal_time_is_withdrawn_when_imported(tmp_path):
    record = {"headline": "Story", "status": "withdrawn", "published_at": "2025-01-10T08:00:00+00:00"}
    before = timezone.now()

    run_import(write(tmp_path / "old-export.jsonl", jsonl(record)))

    assert before <= only_article().withdrawn_at <= timezone.now()


@pytest.mark.django_db
def test_an_export_from_before_corrections_and_old_addresses_were_exported_leaves_them_alone(tmp_path):
    run_import(write(tmp_path / "export.jsonl", jsonl({**HISTORY_RECORD, "status": "published"})))
    old_format = [json.loads(line) for line in export_lines()]
    for record in old_format:
        for key in ["corrections", "old_slugs", "withdrawn_at", "withdrawal_note"]:
            del record[key]
        for place in record["entities"]["places"]:
            del place["old_slugs"]
        record["body"] = "Edited offline."
    addresses = old_addresses()

    output = run_import(write(tmp_path / "old-export.jsonl", jsonl(*old_format)))

    assert "Imported 0 new article(s), updated 1, 0 file(s) failed." in output
    article = only_article()
    assert article.body == "Edited offline."
    assert len(corrections_of(article)) == 2
    assert old_addresses() == addresses


@pytest.mark.django_db
def test_reimporting_other_corrections_replaces_them_and_keeps_the_unchanged_ones_as_they_are(tmp_path, editor):
    record = {"headline": "Story", "slug": "story", "corrections": HISTORY_RECORD["corrections"]}
    run_import(write(tmp_path / "first.jsonl", jsonl(record)))
    kept = Correction.objects.get(text="An earlier version gave the wrong date.")
    Correction.objects.filter(pk=kept.pk).update(created_by=editor)
    changed = {
        **record,
        "version": 1,
        "corrections": [
            HISTORY_RECORD["corrections"][0],
            {"published_at": "2025-01-13T10:00:00+00:00", "text": "An earlier version named the wrong city."},
        ],
    }

    run_import(write(tmp_path / "changed.jsonl", jsonl(changed)))
    output = run_import(write(tmp_path / "changed.jsonl", jsonl(changed)))

    assert "updated 1" in output
    article = only_article()
    assert [text for _, text in corrections_of(article)] == [
        "An earlier version gave the wrong date.",
        "An earlier version named the wrong city.",
    ]
    assert Correction.objects.get(pk=kept.pk).created_by == editor
    assert article.version == 2  # changed once; the second, identical import changed nothing
    latest = Revision.objects.order_by("-number").first()
    assert (latest.number, latest.action, latest.summary) == (2, Revision.Action.IMPORTED, "Corrections changed")


@pytest.mark.django_db
def test_a_jsonl_line_exported_before_an_editor_added_a_correction_is_refused(tmp_path):
    run_import(write(tmp_path / "first.jsonl", jsonl({"headline": "Story", "slug": "story", "corrections": []})))
    exported = [json.loads(line) for line in export_lines()]
    article = only_article()
    Correction.objects.create(article=article, text="An earlier version gave the wrong date.")
    article.save()  # as the admin saves an article with its corrections: version 2

    summary, errors = run_failing_import(write(tmp_path / "stale.jsonl", jsonl(*exported)))

    assert "“Story” changed in the archive since it was exported" in errors
    assert corrections_of(only_article())[0][1] == "An earlier version gave the wrong date."


@pytest.mark.django_db
def test_an_import_that_moves_an_article_to_another_address_keeps_the_old_one_answering_301(tmp_path, client):
    first = {"headline": "Kiev talks resume", "slug": "kiev-talks-resume", "import_key": "talks", "status": "published"}
    run_import(write(tmp_path / "first.jsonl", jsonl({**first, "published_at": "2025-01-10T08:00:00+00:00"})))

    run_import(write(tmp_path / "second.jsonl", jsonl({**first, "slug": "kyiv-talks-resume"})))

    assert only_article().slug == "kyiv-talks-resume"
    response = client.get("/articles/kiev-talks-resume/")
    assert (response.status_code, response["Location"]) == (301, "/articles/kyiv-talks-resume/")


@pytest.mark.django_db
def test_an_old_address_that_led_to_another_article_leads_to_the_records_article(tmp_path):
    other = make_article(headline="Kiev talks resume", slug="kiev-talks-resume")
    other.slug = "talks-in-kiev"
    other.save()

    run_import(write(tmp_path / "export.jsonl", jsonl({**HISTORY_RECORD, "entities": {}})))

    assert old_addresses()[("Article", "kiev-talks-resume")][0] == "kyiv-talks-resume"


@pytest.mark.django_db
def test_corrections_and_old_addresses_are_written_a_batch_at_a_time(tmp_path, django_assert_max_num_queries):
    records = numbered_records(400, corrections=HISTORY_RECORD["corrections"])
    for record in records:
        record["old_slugs"] = [{"slug": f"old-{record['slug']}"}]
        town = record["entities"]["places"][0]
        town["old_slugs"] = [{"slug": f"old-{town['name'].lower().replace(' ', '-')}"}]
    path = write(tmp_path / "export.jsonl", jsonl(*records))

    # Measured, run alone (content types not yet cached): 66 queries on SQLite (800 corrections in
    # three statements), 50 on PostgreSQL; three of them write the new entities' name keys, one per
    # kind and per layer of places.
    with django_assert_max_num_queries(68):
        run_import(path)

    assert Correction.objects.count() == 800
    assert SlugRedirect.objects.count() == 400 + 11  # an old address for each article, and each town
