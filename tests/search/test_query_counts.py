"""The search page and feed run as many queries for 60 matches as for 5."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers.builders import make_article, make_place
from tests.helpers.search import FEED, at, get_page, shown_headlines, total_line

pytestmark = pytest.mark.django_db(transaction=False)


def build_matches(count, kyiv, zelenskiy):
    for number in range(count):
        make_article(
            headline=f"Kyiv drone report {number}",
            standfirst="Drone attack.",
            body="Drone attack on the capital.",
            places=[kyiv],
            people=[zelenskiy],
            published_at=at(2024, 1, 1) + datetime.timedelta(hours=number),
        )


# Measured on both databases, once caches are warm: 12 queries for a word search, 14 when the words
# name an entity (its lookup and its article count), 10 in date order, 6 for browsing an entity;
# the same for 5 matching articles as for 60.
QUERY_BOUND = 14


@pytest.mark.parametrize(
    "params", [{"q": "drone"}, {"q": "zelensky drone"}, {"q": "drone", "order": "newest"}, {"entity": "place:kyiv"}]
)
def test_the_search_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, zelenskiy, params):
    kyiv = make_place("Kyiv")
    build_matches(5, kyiv, zelenskiy)
    get_page(client, **params)  # warm the per-process caches (content types) first
    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as five:
        assert total_line(get_page(client, **params)) == "5 results"
    build_matches(55, kyiv, zelenskiy)

    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as sixty:
        page = get_page(client, **params)

    assert total_line(page) == "60 results"
    assert len(shown_headlines(page)) == 20
    assert len(sixty) == len(five)


def test_the_search_feed_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, zelenskiy):
    kyiv = make_place("Kyiv")
    build_matches(5, kyiv, zelenskiy)
    client.get(FEED, {"q": "drone"})  # warm the per-process caches (content types) first
    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as five:
        assert len(feedparser.parse(client.get(FEED, {"q": "drone"}).content).entries) == 5
    build_matches(55, kyiv, zelenskiy)

    with django_assert_max_num_queries(QUERY_BOUND), CaptureQueriesContext(connection) as sixty:
        parsed = feedparser.parse(client.get(FEED, {"q": "drone"}).content)

    assert len(parsed.entries) == 20
    # Each entry names the entities its article covers, fetched for the page at once.
    assert {tag.term for tag in parsed.entries[0].tags} == {"Kyiv", zelenskiy.name}
    assert len(sixty) == len(five)
