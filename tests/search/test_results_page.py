"""The results page: snippets and highlighted headlines, entity chips, the total, pages, and the search's feed."""

import feedparser
import pytest

from archive.public.views import search as search_views
from archive.search import engine
from archive.search.engine import SearchRequest, search
from tests.helpers.builders import make_article, make_draft, make_place, make_scheduled
from tests.helpers.pages import Page
from tests.helpers.search import (
    FEED,
    at,
    follow,
    get_page,
    result_items,
    shown_headline_html,
    shown_headlines,
    snippets,
    total_line,
)

pytestmark = pytest.mark.django_db(transaction=False)


def test_snippets_mark_the_searched_words_and_their_other_forms(client):
    body = " ".join(["Quiet morning in the city."] * 12) + " Then two missile strikes hit the power plant."
    make_article(headline="Power plant damaged", body=body)

    page = get_page(client, q="strike plant")

    [snippet] = snippets(page)
    assert "<mark>strikes</mark>" in snippet
    assert "<mark>plant</mark>" in snippet
    assert snippet.startswith("… ")  # the passage is the part around the words, not the start
    assert shown_headline_html(page) == ["Power <mark>plant</mark> damaged"]


def test_only_the_shown_results_get_snippets(client, monkeypatch):
    monkeypatch.setattr(engine, "PAGE_SIZE", 1)
    make_article(headline="Evacuation one", body="Alphaword evacuation of the town.", published_at=at(2024, 1, 2))
    make_article(headline="Evacuation two", body="Betaword evacuation of the village.", published_at=at(2024, 1, 1))

    page = get_page(client, q="evacuation", order="newest")

    assert len(snippets(page)) == 1
    assert "Alphaword" in page and "Betaword" not in page


def test_headlines_are_highlighted_and_escaped(client):
    make_article(headline="Strikes & <b>bold</b> claims", body="Nothing.")

    page = get_page(client, q="strike")

    assert shown_headline_html(page) == ["<mark>Strikes</mark> &amp; &lt;b&gt;bold&lt;/b&gt; claims"]


def test_common_words_are_not_highlighted_outside_the_phrase(client):
    make_article(headline="Rates", body="The Bank of England raised rates. The rest of the week was quiet.")

    [snippet] = snippets(get_page(client, q='"Bank of England"'))

    assert "<mark>Bank</mark>" in snippet and "<mark>England</mark>" in snippet
    assert "rest of the week" in snippet  # "of" is not a searched word: "rest <mark>of</mark> the week" is noise


def test_results_show_the_entities_of_each_article_as_chips(client, zelenskiy):
    kyiv = make_place("Kyiv")
    make_article(headline="Capital visit", body="Speech.", people=[zelenskiy], places=[kyiv])

    [item] = result_items(get_page(client, q="speech"))

    chips = [(chip["class"], chip["href"], chip.text) for chip in item.select("a.chip")]
    assert ("chip chip--person", zelenskiy.get_absolute_url(), "Volodymyr Zelenskiy") in chips
    assert ("chip chip--place", kyiv.get_absolute_url(), "Kyiv") in chips


@pytest.mark.parametrize("matches, expected", [(0, "0 results"), (1, "1 result"), (3, "3 results")])
def test_the_total_count_is_shown(client, matches, expected):
    for number in range(matches):
        make_article(headline=f"Convoy {number}", body="Aid convoy arrived.")
    make_article(headline="Other", body="Nothing.")

    page = get_page(client, q="convoy")

    assert total_line(page) == expected
    assert len(shown_headlines(page)) == matches


def test_a_count_over_the_cap_is_shown_as_the_cap_plus(client, monkeypatch):
    # The real cap is 10,000 ("10,000+ results"); a cap of 5 shows the same rule with a small archive.
    monkeypatch.setattr(engine, "COUNT_CAP", 5)
    monkeypatch.setattr(search_views, "COUNT_CAP", 5, raising=False)
    for number in range(5):
        make_article(headline=f"Shelter {number}", body="Bomb shelter.")

    assert total_line(get_page(client, q="shelter")) == "5 results"  # exactly the cap: counted exactly

    make_article(headline="Shelter 5", body="Bomb shelter.")
    assert search(SearchRequest(query="shelter")).total_is_capped
    assert total_line(get_page(client, q="shelter")) == "5+ results"
    assert total_line(get_page(client, q="shelter", order="newest")) == "5+ results"


@pytest.mark.parametrize("order", ["", "newest", "oldest"])
def test_the_total_is_counted_exactly_beyond_the_results_read_for_facets(monkeypatch, order):
    # Fewer matches than the engine reads for facets are counted from those; more are counted apart.
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    for number in range(4):
        make_article(headline=f"Convoy {number}" if number % 2 else f"Report {number}", body="A convoy passed.")
    make_draft(headline="Draft convoy", body="A convoy passed.")
    make_scheduled(headline="Scheduled convoy", body="A convoy passed.")

    results = search(SearchRequest(query="convoy", order=order))

    assert len(results.candidate_ids) == 2
    assert results.total == 4


def test_the_real_cap_is_shown_as_10000_plus(client, monkeypatch):
    make_article(headline="Shelter", body="Bomb shelter.")
    results = search(SearchRequest(query="shelter"))
    results.total, results.total_is_capped = 10_001, True
    monkeypatch.setattr(search_views, "search", lambda request: results)

    assert total_line(get_page(client, q="shelter")) == "10,000+ results"


def test_results_are_paginated_without_gaps_or_repeats(client, monkeypatch):
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    for day in range(1, 6):
        make_article(headline=f"Bridge day {day}", body="Bridge repairs.", published_at=at(2024, 7, day))

    first = get_page(client, q="bridge", order="newest")
    assert shown_headlines(first) == ["Bridge day 5", "Bridge day 4"]
    assert 'rel="prev"' not in first and "Page 1" in first
    second = follow(client, Page(first).one('a[rel="next"]')["href"])
    assert shown_headlines(second) == ["Bridge day 3", "Bridge day 2"]
    assert 'rel="prev"' in second
    third = follow(client, Page(second).one('a[rel="next"]')["href"])
    assert shown_headlines(third) == ["Bridge day 1"]
    assert 'rel="next"' not in third
    assert total_line(third) == "5 results"

    relevance = [shown_headlines(get_page(client, q="bridge", page=number)) for number in (1, 2, 3)]
    assert sorted(sum(relevance, [])) == [f"Bridge day {day}" for day in range(1, 6)]


def test_the_feed_of_a_search_lists_the_newest_matching_published_articles(client):
    make_article(headline="Dam breach older", body="Flooding downstream.", published_at=at(2023, 6, 6))
    make_article(headline="Dam breach newer", body="Flooding downstream.", published_at=at(2024, 6, 6))
    make_article(headline="Unrelated", body="Elections.", published_at=at(2024, 7, 7))
    make_draft(headline="Dam breach draft", body="Flooding downstream.")
    make_scheduled(headline="Dam breach scheduled", body="Flooding downstream.")

    response = client.get(FEED, {"q": "flooding", "order": "oldest", "page": "2"})

    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert "flooding" in parsed.feed.title
    assert [entry.title for entry in parsed.entries] == ["Dam breach newer", "Dam breach older"]


def test_the_search_page_links_its_feed(client):
    make_article(headline="Dam breach", body="Flooding.")

    page = get_page(client, q="flooding", page="1", order="oldest")

    href = Page(page).link("Atom feed")
    assert href == f"{FEED}?q=flooding"
    assert [e.title for e in feedparser.parse(client.get(href).content).entries] == ["Dam breach"]
