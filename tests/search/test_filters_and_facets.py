"""Filters by entity, date, year, incident type and publication, and the facets that count the matches and
narrow them."""

import datetime

import pytest

from archive.models import Incident
from archive.search import engine
from tests.helpers.builders import make_article, make_draft, make_incident, make_person, make_place
from tests.helpers.search import (
    PERSON,
    PLACE,
    at,
    entity_facets,
    entity_filter,
    follow,
    found,
    get_page,
    notes,
    shown_headlines,
    total_line,
    year_facets,
)

pytestmark = pytest.mark.django_db(transaction=False)


def test_entity_filters_all_must_match(client):
    sybiha, zelenskiy = make_person("Andriy Sybiha"), make_person("Volodymyr Zelenskiy")
    both = make_article(headline="Both meet", people=[sybiha, zelenskiy], published_at=at(2024, 1, 3))
    make_article(headline="Only the minister", people=[sybiha], published_at=at(2024, 1, 2))
    make_article(headline="Only the president", people=[zelenskiy], published_at=at(2024, 1, 1))

    assert found(entities=[(PERSON, sybiha), (PERSON, zelenskiy)]) == ["Both meet"]
    assert found(entities=[(PERSON, sybiha)]) == ["Both meet", "Only the minister"]
    page = get_page(client, entity=[entity_filter(sybiha), entity_filter(zelenskiy)])
    assert shown_headlines(page) == [both.headline]
    assert "Only articles about:" in page


def test_a_valid_entity_filter_is_applied_without_an_error_note(client):
    kyiv = make_place("Kyiv")
    make_article(headline="Kyiv story", places=[kyiv])
    make_article(headline="Elsewhere")

    page = get_page(client, entity=entity_filter(kyiv))

    assert shown_headlines(page) == ["Kyiv story"]
    # The filter was applied, so nothing should say it was "left out of the search".
    assert notes(page) == []


def test_date_from_and_date_to_are_inclusive_days(client):
    make_article(headline="January end", body="Blackout report.", published_at=at(2024, 1, 31, 23, 30))
    make_article(headline="February start", body="Blackout report.", published_at=at(2024, 2, 1, 0, 30))
    make_article(headline="February end", body="Blackout report.", published_at=at(2024, 2, 29, 23, 30))
    make_article(headline="March start", body="Blackout report.", published_at=at(2024, 3, 1, 0, 30))
    dates = {"date_from": datetime.date(2024, 2, 1), "date_to": datetime.date(2024, 2, 29)}

    assert found(query="blackout", order="newest", **dates) == ["February end", "February start"]
    assert found(**dates) == ["February end", "February start"]  # browsing by date only
    page = get_page(client, q="blackout", date_from="2024-02-01", date_to="2024-02-29", order="oldest")
    assert shown_headlines(page) == ["February start", "February end"]
    assert found(query="blackout", date_from=datetime.date(2024, 3, 1)) == ["March start"]
    assert found(query="blackout", date_to=datetime.date(2024, 1, 31)) == ["January end"]


def test_year_filter_keeps_only_that_year(client):
    make_article(headline="Old flood", body="Flood waters rose.", published_at=at(2023, 6, 6))
    make_article(headline="New flood", body="Flood waters rose.", published_at=at(2024, 6, 6))

    assert found(query="flood", year=2023) == ["Old flood"]
    assert shown_headlines(get_page(client, q="flood", year="2024")) == ["New flood"]
    assert shown_headlines(get_page(client, year="2023")) == ["Old flood"]


def test_incident_type_filter_matches_articles_linked_to_incidents_of_that_type(client):
    strike = make_incident("Strike on Okhmatdyt hospital", incident_type=Incident.Type.AIR_DRONE_STRIKE)
    battle = make_incident("Battle of Avdiivka", incident_type=Incident.Type.BATTLE)
    make_article(headline="Hospital hit", body="Casualty report.", incidents=[strike])
    make_article(headline="Town falls", body="Casualty report.", incidents=[battle])
    make_article(headline="No incident", body="Casualty report.")

    assert found(query="casualty", incident_type="air_drone_strike") == ["Hospital hit"]
    assert shown_headlines(get_page(client, type="battle")) == ["Town falls"]
    assert shown_headlines(get_page(client, q="casualty", type="protest")) == []


def test_publication_filter_keeps_only_that_publication(client):
    make_article(headline="Wire copy", body="Grain deal.", publication="Northern Wire", published_at=at(2024, 2, 2))
    make_article(headline="Paper copy", body="Grain deal.", publication="Kyiv Ledger", published_at=at(2024, 2, 3))

    assert found(query="grain", publication="Northern Wire") == ["Wire copy"]
    assert shown_headlines(get_page(client, publication="Kyiv Ledger")) == ["Paper copy"]


def test_an_empty_query_with_filters_browses_the_filtered_archive_newest_first(client):
    kyiv = make_place("Kyiv")
    for day in [3, 9, 5]:
        make_article(headline=f"Kyiv day {day}", places=[kyiv], published_at=at(2024, 4, day))
    make_article(headline="Elsewhere", published_at=at(2024, 4, 10))
    make_draft(headline="Kyiv draft", places=[kyiv])

    page = get_page(client, entity=entity_filter(kyiv))

    assert shown_headlines(page) == ["Kyiv day 9", "Kyiv day 5", "Kyiv day 3"]
    assert total_line(page) == "3 results"
    assert shown_headlines(get_page(client, year="2024")) == ["Elsewhere", "Kyiv day 9", "Kyiv day 5", "Kyiv day 3"]


def test_excluded_words_apply_when_the_rest_of_the_search_is_filters(client):
    kyiv = make_place("Kyiv")
    make_article(headline="Ceasefire hopes", body="Talks.", places=[kyiv], published_at=at(2024, 5, 1))
    make_article(headline="Budget vote", body="Parliament.", places=[kyiv], published_at=at(2024, 5, 2))

    assert found(query="-ceasefire", entities=[(PLACE, kyiv)]) == ["Budget vote"]
    assert found(query="-ceasefire", year=2024) == ["Budget vote"]
    assert shown_headlines(get_page(client, q="-ceasefire", year="2024")) == ["Budget vote"]


@pytest.fixture
def faceted_archive():
    kyiv, lviv = make_place("Kyiv"), make_place("Lviv")
    budanov = make_person("Kyrylo Budanov")
    make_article(headline="Drone 2024 a", body="Drone.", places=[kyiv], people=[budanov], published_at=at(2024, 3, 1))
    make_article(headline="Drone 2024 b", body="Drone.", places=[kyiv], published_at=at(2024, 4, 1))
    make_article(headline="Drone 2024 c", body="Drone.", places=[lviv], published_at=at(2024, 5, 1))
    make_article(headline="Drone 2023 a", body="Drone.", places=[kyiv], published_at=at(2023, 3, 1))
    make_article(headline="Drone 2023 b", body="Drone.", published_at=at(2023, 4, 1))
    make_article(headline="Unrelated 2022", body="Nothing.", places=[lviv], published_at=at(2022, 1, 1))
    return kyiv, lviv, budanov


def test_year_facets_count_matches_and_following_one_narrows_the_results(client, faceted_archive):
    page = get_page(client, q="drone")

    facets = year_facets(page)
    assert [(year, count) for year, count, _href in facets] == [(2024, 3), (2023, 2)]
    narrowed = follow(client, facets[1][2])
    assert sorted(shown_headlines(narrowed)) == ["Drone 2023 a", "Drone 2023 b"]
    assert total_line(narrowed) == "2 results"
    assert 'aria-current="true">2023</a>' in narrowed


def test_entity_facets_list_top_entities_per_kind_and_following_one_adds_the_filter(client, faceted_archive):
    kyiv, lviv, budanov = faceted_archive

    page = get_page(client, q="drone")

    places = entity_facets(page, "Places")
    assert [(name, count) for name, count, _href in places] == [("Kyiv", 3), ("Lviv", 1)]
    assert [(name, count) for name, count, _href in entity_facets(page, "People")] == [("Kyrylo Budanov", 1)]
    narrowed = follow(client, places[0][2])
    assert sorted(shown_headlines(narrowed)) == ["Drone 2023 a", "Drone 2024 a", "Drone 2024 b"]
    assert "Only articles about:" in narrowed
    # The filtered entity is no longer offered; the others are counted within the narrower results.
    assert [(name, count) for name, count, _href in entity_facets(narrowed, "Places")] == []
    person_href = entity_facets(narrowed, "People")[0][2]
    assert shown_headlines(follow(client, person_href)) == ["Drone 2024 a"]


def test_facet_counts_do_not_change_from_page_to_page(client, monkeypatch, faceted_archive):
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)

    first = get_page(client, q="drone", order="newest")
    second = get_page(client, q="drone", order="newest", page=2)

    assert [(y, c) for y, c, _ in year_facets(first)] == [(2024, 3), (2023, 2)]
    # The same search has the same years and entities whichever page of it is shown.
    assert [(y, c) for y, c, _ in year_facets(second)] == [(2024, 3), (2023, 2)]
    assert entity_facets(second, "Places") == entity_facets(first, "Places")
