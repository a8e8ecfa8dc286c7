"""The labelled name-search set: every query is labelled with the articles it should find, its
figures are measured through the public search and the suggestions, and nothing is left behind."""

from types import SimpleNamespace

import pytest

from archive.models import Alias, Article, Person, Place
from archive.tools.benchmarks.names import PEOPLE, PLACES, Written, describe, labelled_queries, measure_names
from tests.helpers.builders import make_article

pytestmark = pytest.mark.django_db


def test_the_set_is_measured_and_rolled_back():
    make_article(headline="An article of the archive underneath")

    quality = measure_names(seed=2)

    assert quality.articles > 100
    assert quality.overall.queries > 50
    # What the set shows today, as a floor: a change that loses names fails here first.
    assert quality.overall.recall >= 0.7 and quality.overall.precision >= 0.95
    assert quality.suggestions.recall >= 0.75 and quality.suggestions.precision >= 0.95
    assert [article.headline for article in Article.objects.all()] == ["An article of the archive underneath"]
    assert not Person.objects.exists() and not Place.objects.exists() and not Alias.objects.exists()


def test_each_kind_of_query_is_reported_with_its_figures():
    rows = dict(describe(measure_names(seed=2)))

    assert any(label.startswith("name searches, labelled set") for label in rows)
    for kind in ["surname, inflected", "surname, another transliteration", "place, Ukrainian or Russian"]:
        (label,) = [label for label in rows if label.startswith(f"name searches: {kind} (")]
        assert rows[label].startswith("recall ")


def test_a_surname_alone_is_labelled_with_every_namesakes_articles_and_a_full_name_with_its_own():
    serhii, vasyl = (next(p for p in PEOPLE if p.name == name) for name in ["Serhii Pylypchuk", "Vasyl Pylypchuk"])
    written = [Written(SimpleNamespace(pk=1), serhii, PLACES[0]), Written(SimpleNamespace(pk=2), vasyl, PLACES[1])]

    queries = {query: expected for _kind, query, expected in labelled_queries(written)}

    assert queries["Pylypchuk"] == {1, 2}
    assert queries["Пилипчуком"] == {1, 2}
    assert queries["Serhii Pylypchuk"] == {1}
    assert queries["Vasyl Pylypchuk"] == {2}
    assert queries["Прилуках"] == {1}
