"""The benchmark code measures what it says, on both databases: every page and search answers 200."""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection

from archive.models import Article
from archive.search import engine
from archive.search.keys import article_id_of
from archive.search.suggestions import refresh_vocabulary
from archive.tools.benchmarks import (
    Measurement,
    measure,
    measure_admin,
    measure_loading,
    measure_search,
    measure_tagging,
)
from archive.tools.benchmarks.editors import submitted_form
from archive.tools.benchmarks.loading import describe_loading, generation_row, record_generation
from archive.tools.benchmarks.report import table, write_results
from archive.tools.demo.generator import generate
from tests.helpers.builders import make_article, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated_archive():
    # Numbered from 1, as in the new database the benchmark generates into: the admin measurement picks
    # articles by drawing ids from 1 up. PostgreSQL's sequences outlive the rollback of the tests before.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Article]):
            cursor.execute(sql)
    generate(articles=150, seed=3, end_date=datetime.date(2026, 11, 24))
    refresh_vocabulary()


def test_every_page_type_is_measured_and_answers(generated_archive):
    results = measure(repeat=1, samples=2)

    names = {result.name for result in results}
    assert {"home", "article with related coverage", "people index", "archive day", "sitemap index"} <= names
    assert {"archive index (years)", "articles sitemap, page 1", "search feed (Atom), most covered place"} <= names
    assert any(name.startswith("place page (most covered") for name in names)
    assert all(result.statuses == {200} for result in results), [(r.name, r.statuses) for r in results]
    assert all(result.times and min(result.queries) > 0 for result in results)


def test_the_search_mix_has_over_200_searches_that_all_answer(generated_archive):
    results, overlaps = measure_search()

    code, page = results["all"]
    assert len(code.times) == len(page.times) >= 200
    assert page.statuses == {200}
    kinds = {"common word", "rare word", "two words", "phrase", "person name", "place name", "with a filter"}
    assert kinds <= set(results)
    assert sum(len(results[kind][0].times) for kind in kinds) == len(code.times)
    assert overlaps and all(0 <= overlap <= 1 for overlap in overlaps)


def test_tagging_is_measured_against_every_name_and_alias(generated_archive):
    result = measure_tagging(repeat=3, sample=50)

    assert result["spellings"] > 100
    assert len(result["suggest"].times) == 3
    # The archive has fewer entities than 100,000: made-up people make up the rest.
    assert result["spellings_100k"] >= 100_000 and result["build_100k_seconds"] > 0
    assert len(result["suggest_100k"].times) == 3
    quality = result["quality"]
    assert 0 < quality.articles <= 50 and quality.links > 0
    assert quality.recall >= 0.9 and quality.wrong_share <= 0.1


def test_exhaustive_ranking_puts_the_article_densest_in_the_words_first():
    dense = make_article(headline="Drone strike on a depot", body="A drone strike, then another drone strike.")
    passing = make_article(headline="Weather report", body="Rain fell all day. A drone strike was reported.")
    make_article(headline="Harvest report", body="Wheat came in early.")

    ranked = [article_id_of(key) for key in engine.exhaustive_top("drone strike", 10)]

    assert ranked == [dense.pk, passing.pk]


def test_the_benchmark_never_generates_into_another_archive():
    make_article(headline="A real article")

    with pytest.raises(CommandError, match=r"another archive \(1 article, not 500\)"):
        call_command("benchmark", articles=500)


# ---------------------------------------------------------------- the admin, loading, the report


def test_every_admin_measurement_answers_and_leaves_the_archive_as_it_was(generated_archive, django_user_model):
    before = (Article.objects.count(), max(Article.objects.values_list("updated_at", flat=True)))

    results = measure_admin(repeat=2, samples=2)

    by_name = {result.name: result for result in results}
    assert {"admin: article list", "admin: article list, searched", "admin: person list"} <= set(by_name)
    assert any(name.startswith("admin: article list, page ") for name in by_name)
    assert {"autocomplete: common prefix", "autocomplete: rare text inside a name", "autocomplete: an alias"} <= set(
        by_name
    )
    saves = by_name.pop("admin: save an article (change form POST)")
    assert saves.statuses == {302}, "the change form was not accepted as posted"
    assert all(result.statuses == {200} for result in by_name.values()), [
        (result.name, result.statuses) for result in by_name.values()
    ]
    assert all(min(result.queries) > 0 and len(result.times) == 2 for result in results)
    assert (Article.objects.count(), max(Article.objects.values_list("updated_at", flat=True))) == before
    assert not django_user_model.objects.exists()


def test_the_change_form_is_read_as_a_browser_submits_it(editor_client):
    person = make_person()
    article = make_article(headline="Form as posted", body="Line one.\n\nLine two.", people=[person])

    page = editor_client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    data = submitted_form(page, "article_form")

    assert data["headline"] == ["Form as posted"]
    assert data["body"] == ["Line one.\r\n\r\nLine two."] or data["body"] == ["Line one.\n\nLine two."]
    assert data["people"] == [str(person.pk)]
    assert data["status"] == ["published"]
    assert data["sources-TOTAL_FORMS"] == ["0"]
    response = editor_client.post(f"/admin/archive/article/{article.pk}/change/", data | {"_save": ["Save"]})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, list(article.people.all())) == ("Form as posted", [person])


@pytest.mark.django_db(transaction=True)
def test_import_and_index_rebuild_are_timed_in_a_scratch_database(tmp_path):
    generate(articles=40, seed=4, end_date=datetime.date(2026, 11, 24))

    ballast = b"x" * (400 * 1024 * 1024)  # the measuring process is big, as on a million articles

    results = measure_loading(25, tmp_path)

    assert len(ballast) and results.articles == 25
    assert results.imported.seconds > 0 and results.rebuilt.seconds > 0
    # The import's own peak, not the 400 MB more of the process it was started from.
    assert 20 < results.imported.peak_mb < 300
    assert "Imported 25 new article(s)" in results.imported.output
    assert Article.objects.count() == 40  # the archive measured is untouched
    assert not list(tmp_path.iterdir())  # scratch database and export removed
    rows = dict(describe_loading(results, archive_articles=40))
    assert re.search(
        r"articles/s\*\*, peak \d+ MB", rows["import_articles, 25 exported articles into an empty database"]
    )
    assert "Imported 6 new article(s)" in results.quarter.output
    memory = "import_articles memory: peak for that file cut after a quarter of its articles, and for all of it"
    assert re.fullmatch(r"\d+ MB, \d+ MB", rows[memory])


def test_generation_speed_is_kept_with_the_archive():
    assert generation_row()[1].startswith("not recorded")

    record_generation(articles=150, seconds=2.0)

    assert "**75 articles/s**" in generation_row()[1]


def test_the_results_document_keeps_each_database_and_size_in_its_own_section(tmp_path):
    results = tmp_path / "results.md"

    write_results(results, "sqlite 1000000", "## SQLite, a million\n\nfirst run")
    write_results(results, "postgresql 100000", "## PostgreSQL\n\npostgres run")
    write_results(results, "sqlite 100000", "## SQLite, 100,000\n\nsmall run")
    write_results(results, "sqlite 1000000", "## SQLite, a million\n\nsecond run")

    text = results.read_text()
    assert text.startswith("# Benchmark results")
    assert "first run" not in text and text.count("second run") == 1
    assert text.index("postgres run") < text.index("small run") < text.index("second run")


def test_the_results_go_after_what_the_document_says_by_hand(tmp_path):
    document = tmp_path / "benchmarks.md"
    document.write_text("# Benchmarks\n\nWhat was slow and why.\n\n## Results\n")

    write_results(document, "sqlite 100000", "## SQLite\n\nfirst run")
    write_results(document, "sqlite 100000", "## SQLite\n\nsecond run")

    text = document.read_text()
    assert text.startswith("# Benchmarks\n\nWhat was slow and why.\n\n## Results\n\n<!-- results: sqlite 100000 -->")
    assert "first run" not in text and text.count("second run") == 1


def test_the_table_shows_times_queries_statuses_and_one_off_figures():
    measured = [Measurement("home", [0.010, 0.020, 0.030], [5, 5, 6], {200})]

    text = table(measured, [("generate_demo", "5 s, **2,000 articles/s**")])

    assert "| home | 20.0 | 30.0 | 5–6 | 200 |" in text
    assert "| generate_demo | 5 s, **2,000 articles/s** | | | |" in text
