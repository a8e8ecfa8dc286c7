"""The benchmark code measures what it says, on both databases: every page and search answers 200."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from archive.benchmarks import measure, measure_search, measure_tagging
from archive.demo import generate
from archive.search import engine
from archive.search.schema import article_id_of
from archive.search.suggestions import refresh_vocabulary
from tests.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated_archive():
    generate(articles=150, seed=3, end_date=datetime.date(2026, 11, 24))
    refresh_vocabulary()


def test_every_page_type_is_measured_and_answers(generated_archive):
    results = measure(repeat=1, samples=2)

    names = {result.name for result in results}
    assert {"home", "article with related coverage", "people index", "archive day", "sitemap index"} <= names
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
    result = measure_tagging(repeat=3)

    assert result["spellings"] > 100
    assert len(result["suggest"].times) == 3


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
