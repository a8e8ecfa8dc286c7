"""Whatever a client sends, search answers with a normal page and feed, and says what it left out and why."""

import datetime

import feedparser
import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.models import Incident
from tests.helpers.builders import make_article, make_draft, make_incident, make_place
from tests.helpers.search import FEED, SEARCH, found, get_page, notes, shown_headlines, total_line

pytestmark = pytest.mark.django_db(transaction=False)


BAD_INPUT = [
    pytest.param({"q": "war\x00crimes"}, id="nul-inside-word"),
    pytest.param({"q": "\x00"}, id="nul-alone"),
    pytest.param({"q": "drone " * 1700}, id="10000-chars-of-words"),
    pytest.param({"q": "x" * 10_000}, id="10000-char-word"),
    pytest.param({"q": '"drone strike'}, id="unbalanced-quote-before"),
    pytest.param({"q": 'drone "strike'}, id="unbalanced-quote-inside"),
    pytest.param({"q": "the of and"}, id="only-stop-words"),
    pytest.param({"q": "!!! ... ,,, ???"}, id="only-punctuation"),
    pytest.param({"q": "&|!():*^"}, id="tsquery-fts5-operators"),
    pytest.param({"q": "drone & strike | !kyiv"}, id="tsquery-expression"),
    pytest.param({"q": "NEAR("}, id="fts5-near-open"),
    pytest.param({"q": "NEAR(drone strike, 2)"}, id="fts5-near-call"),
    pytest.param({"q": "drone*"}, id="prefix-star"),
    pytest.param({"q": "headline:drone"}, id="column-filter"),
    pytest.param({"q": "{headline}: drone"}, id="fts5-column-set"),
    pytest.param({"q": "drone <-> strike"}, id="tsquery-followed-by"),
    pytest.param({"q": "'drone' & 'strike'"}, id="tsquery-quoted-lexemes"),
    pytest.param({"q": '"'}, id="double-quote-alone"),
    pytest.param({"q": '""'}, id="empty-phrase"),
    pytest.param({"q": '-"'}, id="minus-quote"),
    pytest.param({"q": "-"}, id="minus-alone"),
    pytest.param({"q": "--"}, id="double-minus"),
    pytest.param({"q": "OR"}, id="or-alone"),
    pytest.param({"q": "OR OR drone OR"}, id="dangling-ors"),
    pytest.param({"q": "AND NOT"}, id="and-not"),
    pytest.param({"q": "Київ Харків"}, id="cyrillic"),
    pytest.param({"q": "🔥💥🚀"}, id="emoji-only"),
    pytest.param({"q": "drone 🔥"}, id="word-and-emoji"),
    pytest.param({"q": "ﷺ" * 500}, id="500-ligatures"),
    pytest.param({"q": "\u200b\u200e\ufeff"}, id="invisible-characters"),
    pytest.param({"q": "%s %d {} \\"}, id="format-strings"),
    pytest.param({"q": "<script>alert(1)</script>"}, id="markup"),
    pytest.param({"q": "drone", "date_from": "2024-13-45"}, id="invalid-date-from"),
    pytest.param({"q": "drone", "date_to": "not a date"}, id="invalid-date-to"),
    pytest.param({"q": "drone", "date_from": "2024-12-31", "date_to": "2024-01-01"}, id="dates-reversed"),
    pytest.param({"q": "drone", "date_from": "2300-01-01"}, id="date-from-far-future"),
    pytest.param({"q": "drone", "date_from": "0001-01-01"}, id="date-from-year-1"),
    pytest.param({"q": "drone", "date_to": "9999-12-31"}, id="date-to-year-9999"),
    pytest.param({"date_from": "1000-01-01"}, id="browse-from-year-1000"),
    pytest.param({"publication": "Northern Wire", "date_to": "0001-1-1"}, id="publication-and-date-to-year-1"),
    pytest.param({"entity": "person:nobody"}, id="unknown-slug"),
    pytest.param({"q": "drone", "entity": "person:nobody"}, id="words-and-unknown-slug"),
    pytest.param({"entity": "weapon:x"}, id="unknown-kind"),
    pytest.param({"entity": "person:"}, id="kind-without-slug"),
    pytest.param({"entity": ":"}, id="colon-alone"),
    pytest.param({"entity": "person:\x00"}, id="nul-slug"),
    pytest.param({"entity": "x" * 5000}, id="huge-entity"),
    pytest.param({"q": "drone", "page": "99999999"}, id="huge-page"),
    pytest.param({"q": "drone", "page": "10000"}, id="last-allowed-page"),
    pytest.param({"q": "drone", "page": "0"}, id="page-zero"),
    pytest.param({"q": "drone", "page": "-1"}, id="negative-page"),
    pytest.param({"q": "drone", "page": "abc"}, id="page-abc"),
    pytest.param({"page": "10000", "year": "2024"}, id="browse-last-page"),
    pytest.param({"q": "drone", "year": "abc"}, id="year-abc"),
    pytest.param({"q": "drone", "year": "1899"}, id="year-too-early"),
    pytest.param({"q": "drone", "year": "99999999999999999999"}, id="year-huge"),
    pytest.param({"q": "drone", "type": "nuclear"}, id="unknown-type"),
    pytest.param({"q": "drone", "order": "random"}, id="unknown-order"),
    pytest.param({"q": "drone", "order": "relevance"}, id="order-relevance-spelled"),
    pytest.param({"q": "drone", "publication": "x" * 500}, id="long-publication"),
    pytest.param({"q": "drone", "publication": "Wire\x00"}, id="nul-publication"),
    pytest.param({"publication": "Wire\x01"}, id="control-publication"),
]


@pytest.fixture
def small_archive():
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    strike = make_incident("Strike on Kyiv", incident_type=Incident.Type.AIR_DRONE_STRIKE)
    make_article(headline="Drone strike on Kyiv", body="Drones hit the city.", places=[kyiv], incidents=[strike])
    make_article(headline="Київ after the strike", body="Харків too.", publication="Northern Wire")
    make_draft(headline="Drone draft")
    return kyiv


def looks_helpful(page):
    """A normal search page: results, or a message saying why there are none."""
    return (
        'role="search"' in page
        and "Traceback" not in page
        and (
            'class="result"' in page
            or 'class="notes"' in page
            or "Nothing published matches this search." in page
            or 'class="lede"' in page
        )
    )


@pytest.mark.parametrize("params", BAD_INPUT)
def test_bad_input_gives_a_normal_page_and_feed(client, small_archive, params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert looks_helpful(response.content.decode())
    feed = client.get(FEED, params)
    assert feed.status_code == 200
    assert feedparser.parse(feed.content).bozo == 0


@pytest.mark.parametrize("entity", ["person:nobody", "weapon:x"])
def test_an_unknown_entity_filter_gives_no_results_and_says_why(client, small_archive, entity):
    page = get_page(client, q="drone", entity=entity)

    assert shown_headlines(page) == []
    assert total_line(page) == "0 results"
    assert f"Nothing in the archive matches the filter “{entity}”." in notes(page)


@pytest.mark.parametrize(
    "params, note",
    [
        ({"q": "drone", "date_from": "2024-13-45"}, "From: Enter a valid date. It was left out of the search."),
        ({"q": "drone", "year": "abc"}, "Year: Enter a whole number. It was left out of the search."),
        ({"q": "the of and"}, "Words as common as “the” or “of” are not searched for on their own."),
        ({"q": "drone " * 200}, "Only the first 500 characters of the search were used."),
    ],
)
def test_ignored_input_is_explained_and_the_rest_still_searched(client, small_archive, params, note):
    page = get_page(client, **params)

    assert note in notes(page)


def test_a_bad_filter_is_left_out_and_the_words_still_search(client, small_archive):
    page = get_page(client, q="drone", date_from="2024-13-45", year="abc", page="abc")

    assert shown_headlines(page) == ["Drone strike on Kyiv"]


def test_unbalanced_quotes_search_the_phrase_to_the_end(small_archive):
    assert found(query='"drone strike') == ["Drone strike on Kyiv"]
    assert found(query='"strike drone') == []


def test_database_operators_are_just_punctuation(small_archive):
    for query in [
        "drone & strike",
        "drone | strike",
        "(drone) strike*",
        "drone:* ^strike",
        "drone AND strike",
        "drone NOT strike",
    ]:
        assert found(query=query) == ["Drone strike on Kyiv"], query


def test_a_search_that_only_leaves_words_out_says_to_add_a_word(client, small_archive):
    page = get_page(client, q="-drone")

    assert "A search cannot only leave words out: add a word to look for." in notes(page)


def test_a_huge_page_number_is_an_empty_page_not_an_error(client, small_archive):
    page = get_page(client, q="drone", page="10000")

    assert shown_headlines(page) == []
    assert total_line(page) == "1 result"
    assert 'rel="prev"' in page


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
FRAGMENTS = st.sampled_from(
    ['"', "-", "OR", "drone", "strike", "Kyiv", "Kiev", "Київ", "the", "NEAR(", "*", "&|!():*^", "\x00", "-drone"]
)
LONG_WORDS = st.integers(1, 1200).map(lambda length: "z" * length)
QUERIES = st.one_of(TEXT, LONG_WORDS, st.lists(st.one_of(FRAGMENTS, TEXT, LONG_WORDS), max_size=8).map(" ".join))
DATES = st.one_of(TEXT, st.dates().map(datetime.date.isoformat), st.sampled_from(["", "2024-13-45", "2024-02-29"]))
ENTITIES = st.lists(
    st.one_of(TEXT, st.sampled_from(["place:kyiv", "person:nobody", "weapon:x", "incident:strike-on-kyiv", ":"])),
    max_size=3,
)


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=QUERIES,
    entity=ENTITIES,
    date_from=DATES,
    date_to=DATES,
    year=st.one_of(TEXT, st.integers(-10_000, 10_000).map(str)),
    type=st.one_of(TEXT, st.sampled_from([value for value, _label in Incident.Type.choices])),
    publication=st.one_of(TEXT, st.just("Northern Wire")),
    order=st.one_of(TEXT, st.sampled_from(["", "newest", "oldest", "relevance"])),
    page=st.one_of(TEXT, st.integers(-5, 10**12).map(str)),
)
@example(q="drone", entity=[], date_from="2300-01-01", date_to="", year="", type="", publication="", order="", page="")
@example(q="z" * 300, entity=[], date_from="", date_to="", year="", type="", publication="", order="", page="")
def test_no_combination_of_parameters_gives_a_server_error(
    client, small_archive, q, entity, date_from, date_to, year, type, publication, order, page
):
    params = {
        "q": q,
        "entity": entity,
        "date_from": date_from,
        "date_to": date_to,
        "year": year,
        "type": type,
        "publication": publication,
        "order": order,
        "page": page,
    }
    # A savepoint per example: on PostgreSQL a failed statement would otherwise poison the next examples.
    with transaction.atomic():
        assert client.get(SEARCH, params).status_code < 500
        assert client.get(FEED, params).status_code < 500
