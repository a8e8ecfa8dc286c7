"""Unpublished articles are never found, counted, suggested or shown, whatever a search asks."""

import feedparser
import pytest

from archive.models import Article
from archive.search.engine import SearchRequest, search
from archive.search.suggestions import refresh_vocabulary
from tests.helpers.builders import make_article, make_draft, make_person, make_place, make_scheduled, make_withdrawn
from tests.helpers.search import (
    FEED,
    at,
    entity_facets,
    entity_filter,
    found,
    get_page,
    matched_block,
    shown_headlines,
    suggestion_texts,
    total_line,
    year_facets,
)

pytestmark = pytest.mark.django_db(transaction=False)


HIDDEN_MARKERS = ["Draftmarker", "Reviewmarker", "Schedulemarker", "Withdrawnmarker"]


@pytest.fixture
def mixed_archive():
    """Two public articles and one of every kind readers must not see, all about the same things."""
    kyiv = make_place("Kyiv")
    hidden_person = make_person("Secretus Hiddenovych", aliases=["Hiddenovych"])
    public = [
        make_article(
            headline="Sharedword public one", body="Sharedword text.", places=[kyiv], published_at=at(2024, 1, 1)
        ),
        make_article(
            headline="Sharedword public two", body="Sharedword text.", places=[kyiv], published_at=at(2024, 2, 1)
        ),
    ]
    for marker, build in [
        ("Draftmarker", make_draft),
        ("Reviewmarker", lambda **kw: make_article(status=Article.Status.REVIEW, published_at=None, **kw)),
        ("Schedulemarker", make_scheduled),
        ("Withdrawnmarker", lambda **kw: make_withdrawn(published_at=at(2019, 5, 5), **kw)),
    ]:
        for number in range(2):  # twice, so their words would be in the vocabulary if drafts counted
            build(
                headline=f"Sharedword {marker} headline {number}",
                standfirst=f"{marker} standfirst.",
                body=f"Sharedword {marker} body text.",
                places=[kyiv],
                people=[hidden_person],
            )
    refresh_vocabulary()
    return kyiv, hidden_person, public


def assert_no_markers(page):
    for marker in HIDDEN_MARKERS:
        assert marker not in page and marker.lower() not in page, marker
    assert "Hiddenovych" not in page


def test_unpublished_articles_are_never_found_counted_or_shown(client, mixed_archive):
    page = get_page(client, q="sharedword")

    assert sorted(shown_headlines(page)) == ["Sharedword public one", "Sharedword public two"]
    assert total_line(page) == "2 results"
    assert_no_markers(page)
    assert search(SearchRequest(query="sharedword")).total == 2


@pytest.mark.parametrize("marker", HIDDEN_MARKERS)
def test_a_word_only_unpublished_articles_contain_finds_nothing(client, mixed_archive, marker):
    page = get_page(client, q=marker)

    assert shown_headlines(page) == []
    assert total_line(page) == "0 results"
    assert search(SearchRequest(query=marker)).total == 0
    assert found(query=marker, order="newest") == []


def test_unpublished_articles_are_not_in_facets_or_entity_counts(client, mixed_archive):
    kyiv, _hidden_person, _public = mixed_archive

    page = get_page(client, q="kyiv")

    assert [(y, c) for y, c, _ in year_facets(page)] == [(2024, 2)]
    assert entity_facets(page, "People") == []
    assert "2 articles" in matched_block(page).text
    assert_no_markers(page)
    browse = get_page(client, entity=entity_filter(kyiv))
    assert total_line(browse) == "2 results"
    assert_no_markers(browse)


def test_unpublished_words_and_entities_are_never_suggested(client, mixed_archive):
    for typo in ["Draftmarkr", "Schedulemarkr", "Hidenovych", "Secretus Hidenovych"]:
        page = get_page(client, q=typo)
        assert suggestion_texts(page) == [], typo
        assert "Did you mean" not in page
        assert_no_markers(page)


def test_unpublished_articles_are_not_in_the_search_feed(client, mixed_archive):
    parsed = feedparser.parse(client.get(FEED, {"q": "sharedword"}).content)

    assert parsed.bozo == 0
    assert [entry.title for entry in parsed.entries] == ["Sharedword public two", "Sharedword public one"]


def test_an_entity_known_only_from_unpublished_articles_filters_to_nothing(client, mixed_archive):
    _kyiv, hidden_person, _public = mixed_archive

    page = get_page(client, entity=entity_filter(hidden_person))

    assert shown_headlines(page) == []
    assert total_line(page) == "0 results"
