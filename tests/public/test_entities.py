"""Entity pages and the indexes of people, places, organisations and incidents: published coverage only,
counted, charted by month and paged, in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.helpers.builders import (
    make_article,
    make_draft,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_scheduled,
)
from tests.helpers.pages import Page
from tests.helpers.public import assert_nothing_hidden, hidden_articles, hours_ago, html_of

pytestmark = pytest.mark.django_db


def test_entity_page_lists_only_published_coverage_and_counts_it(client):
    person = make_person(aliases=["Zelensky"], role="President of Ukraine")
    make_article(headline="Live story", people=[person])
    hidden_articles(people=[person])
    html = html_of(client, person.get_absolute_url())
    assert "Volodymyr Zelenskiy" in html and "Zelensky" in html and "President of Ukraine" in html
    assert "Live story" in html
    assert "1 article" in [count.text for count in Page(html).select("span.count")]
    assert_nothing_hidden(html)


def test_an_entity_covered_only_by_unpublished_articles_has_no_page(client):
    person = make_person()
    hidden_articles(people=[person])
    assert client.get(person.get_absolute_url()).status_code == 404


def timeline_bars(html):
    """[(month, count)] of the bars of an entity's timeline chart, read from the title each bar has."""
    titles = [title.text for title in Page(html).select("svg.timeline__chart rect.timeline__bar > title")]
    return [re.fullmatch(r"(\w+ \d{4}): (\d+) articles?", title).groups() for title in titles]


def test_entity_timeline_counts_published_articles_per_month(client):
    place = make_place()
    make_article(places=[place], published_at=datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC))
    make_article(places=[place], published_at=datetime.datetime(2024, 1, 20, tzinfo=datetime.UTC))
    make_article(places=[place], published_at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC))
    hidden_articles(places=[place])
    html = html_of(client, place.get_absolute_url())
    assert "Articles per month, May 2023 to April 2024" in html  # at least a year is drawn
    assert timeline_bars(html) == [("January 2024", "2"), ("April 2024", "1")]
    # The table readers without the chart get; each month leads to that month's coverage.
    (january,) = [row for row in Page(html).select("details.timeline__table tr") if "January 2024" in row.text]
    assert [cell.text for cell in january.select("td")] == ["January 2024", "2"]
    bar_links = [link.attrs["href"] for link in Page(html).select("svg.timeline__chart a")]
    assert bar_links[0] == january.one("a").attrs["href"] == "?from=2024-01-01&to=2024-01-31#coverage"
    period = html_of(client, place.get_absolute_url() + bar_links[0].split("#")[0])
    assert "Published from 1 January 2024 to 31 January 2024" in period
    assert len(Page(period).select("ol.article-list > li")) == 2


def test_an_incident_covered_within_days_has_a_timeline_day_by_day(client):
    incident = make_incident("Strike on Odesa port", date=datetime.date(2025, 3, 5))
    for hour in [6, 9, 20]:
        make_article(incidents=[incident], published_at=datetime.datetime(2025, 3, 5, hour, tzinfo=datetime.UTC))
    make_article(incidents=[incident], published_at=datetime.datetime(2025, 3, 7, 8, tzinfo=datetime.UTC))

    html = html_of(client, incident.get_absolute_url())

    assert "Articles per day, 22 February 2025 to 7 March 2025" in html  # a fortnight at least
    titles = [title.text for title in Page(html).select("svg.timeline__chart rect.timeline__bar > title")]
    assert titles == ["5 March 2025: 3 articles", "7 March 2025: 1 article"]
    first_bar = Page(html).select("svg.timeline__chart a")[0].attrs["href"]
    assert first_bar == "?from=2025-03-05&to=2025-03-05#coverage"
    day = html_of(client, incident.get_absolute_url() + "?from=2025-03-05&to=2025-03-05")
    assert "Published on 5 March 2025" in day and len(Page(day).select("ol.article-list > li")) == 3


@pytest.mark.parametrize("query", ["?from=2025-13-01&to=2025-03-05", "?from=2025-03-07&to=2025-03-05", "?from=x"])
def test_a_period_that_is_no_period_shows_all_coverage(client, query):
    place = make_place()
    make_article(places=[place], published_at=datetime.datetime(2025, 3, 5, tzinfo=datetime.UTC))
    make_article(places=[place], published_at=datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC))

    html = html_of(client, place.get_absolute_url() + query)

    assert "Published on" not in html and len(Page(html).select("ol.article-list > li")) == 2


def test_entity_timeline_splits_months_at_midnight_utc_across_many_years(client):
    place = make_place()
    for moment in [
        datetime.datetime(2009, 11, 5, 8, tzinfo=datetime.UTC),
        datetime.datetime(2024, 1, 31, 23, 59, 59, tzinfo=datetime.UTC),
        datetime.datetime(2024, 2, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC),
    ]:
        make_article(places=[place], published_at=moment)

    html = html_of(client, place.get_absolute_url())

    assert "Articles per month, November 2009 to February 2024" in html
    assert timeline_bars(html) == [("November 2009", "1"), ("January 2024", "1"), ("February 2024", "2")]
    # Each January is labelled; November 2009 is too close to January 2010 for a label of its own.
    labels = [label.text for label in Page(html).select("svg.timeline__chart text.timeline__year")]
    assert labels == [str(year) for year in range(2010, 2025)]


def test_entity_page_shows_what_it_is_most_often_covered_with(client):
    kyiv = make_place("Kyiv")
    zelenskiy, sybiha = make_person(), make_person("Andriy Sybiha")
    for _ in range(3):
        make_article(places=[kyiv], people=[zelenskiy])
    make_article(places=[kyiv], people=[sybiha])
    make_draft(places=[kyiv], people=[make_person("Hidden Companion")])
    html = html_of(client, kyiv.get_absolute_url())
    side = html[html.index("Often covered with") :]
    assert side.index("Volodymyr Zelenskiy") < side.index("Andriy Sybiha")
    assert "Hidden Companion" not in html


def test_place_page_shows_parent_sub_places_and_incidents_inside_it(client):
    russia = make_place("Russia", kind="country")
    kursk_region = make_place("Kursk region", kind="region", parent=russia, latitude="51.73000", longitude="36.19000")
    sudzha = make_place("Sudzha", kind="town", parent=kursk_region)
    capture = make_incident("Capture near Sudzha", place=sudzha)
    secret = make_incident("Unpublished incident", place=sudzha)
    make_article(places=[russia])
    make_article(places=[kursk_region])
    make_article(places=[sudzha], incidents=[capture])
    make_draft(incidents=[secret])
    html = html_of(client, kursk_region.get_absolute_url())
    assert f'href="{russia.get_absolute_url()}"' in html
    assert "51.73000, 36.19000" in html
    assert f'href="{sudzha.get_absolute_url()}"' in html  # a sub-place
    assert "Capture near Sudzha" in html  # an incident in a sub-place
    assert "Unpublished incident" not in html


def test_incident_page_shows_its_facts_with_unknown_as_unknown(client):
    place = make_place("Sumy")
    incident = make_incident(
        "Sumy drone strike",
        place=place,
        killed=None,
        injured=0,
        incident_type="air_drone_strike",
        date_precision="month",
    )
    make_article(incidents=[incident], places=[place])
    html = html_of(client, incident.get_absolute_url())
    assert "<dt>Killed</dt><dd>Unknown</dd>" in html
    assert "<dt>Injured</dt><dd>0</dd>" in html
    assert "January 2025" in html and "known to the month" in html
    assert "Air or drone strike" in html
    assert f'href="{place.get_absolute_url()}"' in html


def test_entity_pages_link_their_feeds(client):
    organisation = make_organisation()
    make_article(organisations=[organisation])
    html = html_of(client, organisation.get_absolute_url())
    assert f'href="/feeds/organisations/{organisation.slug}.rss"' in html
    assert f'href="/feeds/organisations/{organisation.slug}.atom"' in html


def test_entity_coverage_is_paginated_newest_first(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    place = make_place()
    for number in range(5):
        make_article(headline=f"Report {number}", places=[place], published_at=hours_ago(number + 1))
    first = html_of(client, place.get_absolute_url())
    third = html_of(client, place.get_absolute_url(), page=3)
    assert "Report 0" in first and "Report 1" in first and "Report 2" not in first
    assert "Report 4" in third and "Page 3 of 3" in third


@pytest.mark.parametrize(
    "path",
    [
        "/people/nobody/",
        "/places/%D0%BA%D0%B8%D1%97%D0%B2/",
        "/incidents/a%00b/",
        "/unicorns/kyiv/",
        "/people/kyiv%20/",
        "/articles/%F0%9F%9A%80/",
        "/articles/nothing-here/",
    ],
)
def test_unknown_or_malformed_addresses_are_not_found(client, path):
    make_article(people=[make_person()])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "99999999", "1\x00", "-5"])
def test_entity_page_survives_any_page_number(client, page):
    place = make_place()
    make_article(places=[place])
    assert client.get(place.get_absolute_url(), {"page": page}).status_code in {200, 404}


def test_entity_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    region = make_place("Sumy region", kind="region")
    place = make_place("Sumy", parent=region)
    incident = make_incident(place=place)
    for number in range(25):
        make_article(incidents=[incident], places=[place, region], people=[make_person(f"Person {number}")])
    with django_assert_max_num_queries(18):
        assert client.get(place.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(incident.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", ["person", "place", "organisation", "incident"])
def test_every_kind_of_entity_page_runs_the_same_queries_for_5_and_for_65_articles(client, settings, kind):
    settings.ARCHIVE_PAGE_CACHE = False  # count the queries of rendering, every time
    region = make_place("Sumy region", kind="region")
    place = make_place("Sumy", parent=region)
    incident = make_incident(place=place)
    entity = {
        "person": make_person(),
        "place": place,
        "organisation": make_organisation(),
        "incident": incident,
    }[kind]

    def cover(count, start):
        for number in range(start, start + count):
            make_article(
                people=[entity if kind == "person" else make_person(f"Person {number}")],
                places=[place, region],
                organisations=[entity] if kind == "organisation" else [],
                incidents=[incident],
                published_at=timezone.now() - datetime.timedelta(days=9 * number + 1),
            )

    cover(5, 0)
    client.get(entity.get_absolute_url())  # per-process caches (content types) first
    with CaptureQueriesContext(connection) as few:
        assert client.get(entity.get_absolute_url()).status_code == 200
    cover(60, 5)

    with CaptureQueriesContext(connection) as many:
        assert client.get(entity.get_absolute_url()).status_code == 200

    assert len(many) == len(few) <= 18


def test_people_index_lists_public_people_a_to_z_with_counts(client):
    zelenskiy, sybiha = make_person(), make_person("Andriy Sybiha")
    make_article(people=[zelenskiy])
    make_article(people=[zelenskiy, sybiha])
    hidden_articles(people=[sybiha, make_person("Secretive Person")])
    html = html_of(client, "/people/")
    assert html.index("Andriy Sybiha") < html.index("Volodymyr Zelenskiy")
    counts = {item.one("a").text: item.one("span.count").text for item in Page(html).select("ul.index-list > li")}
    assert (counts["Andriy Sybiha"], counts["Volodymyr Zelenskiy"]) == ("1 article", "2 articles")
    assert "Secretive Person" not in html


def test_people_are_indexed_by_surname_ignoring_diacritics(client):
    for name in ["Marek Łukaszewski", "Olena Kovalenko", "Зеленський", "Volodymyr Zelenskyy"]:
        make_article(people=[make_person(name)])
    by_l = html_of(client, "/people/", letter="l")
    assert "Marek Łukaszewski" in by_l and "Olena Kovalenko" not in by_l
    assert "Volodymyr Zelenskyy" in html_of(client, "/people/", letter="z")
    assert "Volodymyr Zelenskyy" not in html_of(client, "/people/", letter="v")
    assert "Зеленський" in html_of(client, "/people/", letter="other")
    everyone = html_of(client, "/people/", letter="not-a-letter")
    assert everyone.index("Olena Kovalenko") < everyone.index("Marek Łukaszewski") < everyone.index("Zelenskyy")


def test_numbers_in_names_sort_as_numbers(client):
    for name in ["246th Territorial Defence Battalion", "3rd Assault Brigade", "48th Artillery Brigade"]:
        make_article(organisations=[make_organisation(name)])

    html = html_of(client, "/organisations/")

    assert html.index("3rd Assault") < html.index("48th Artillery") < html.index("246th Territorial")


def test_places_index_shows_the_hierarchy_with_counts(client):
    ukraine = make_place("Ukraine", kind="country")
    region = make_place("Kharkiv region", kind="region", parent=ukraine)
    city = make_place("Kharkiv", kind="city", parent=region)
    for place in (ukraine, region, city):
        make_article(places=[place])
    html = html_of(client, "/places/")
    section = html[html.index('id="place-ukraine"') :]
    assert section.index("Kharkiv region") < section.index(">Kharkiv</a>")


def test_incidents_index_filters_by_type_place_and_year(client):
    ukraine = make_place("Ukraine", kind="country")
    region = make_place("Sumy region", kind="region", parent=ukraine)
    town = make_place("Sumy", kind="city", parent=region)
    elsewhere = make_place("Lviv", kind="city")
    strike = make_incident("Sumy strike", place=town, incident_type="air_drone_strike", date=datetime.date(2024, 3, 1))
    battle = make_incident("Lviv battle", place=elsewhere, incident_type="battle", date=datetime.date(2025, 5, 1))
    make_article(incidents=[strike], places=[ukraine, region, town])
    make_article(incidents=[battle], places=[elsewhere])
    make_draft(incidents=[make_incident("Unpublished battle", incident_type="battle")])

    everything = html_of(client, "/incidents/")
    assert everything.index("Lviv battle") < everything.index("Sumy strike")
    assert "Unpublished battle" not in everything
    assert "Sumy strike" not in html_of(client, "/incidents/", type="battle")
    assert "Lviv battle" not in html_of(client, "/incidents/", place=region.slug)
    assert "Sumy strike" in html_of(client, "/incidents/", place=ukraine.slug)
    assert "Sumy strike" not in html_of(client, "/incidents/", year="2025")
    # The filter form says where it goes: an empty action is invalid HTML.
    assert Page(everything).one("form.filters").attrs["action"] == "/incidents/"


def test_a_filter_error_never_repeats_control_characters(client):
    make_incident("Sumy strike")

    html = html_of(client, "/incidents/", type="battle\x07\x1b[31m", year="20\x0024")

    assert "Select a valid choice" in html
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)


def test_all_incidents_in_a_village_lists_the_villages_incidents(client):
    village = make_place("Staromaiorske", kind="village")
    make_article(incidents=[make_incident("Village shelling", place=village)], places=[village])
    make_article(incidents=[make_incident("Elsewhere shelling")])

    page = html_of(client, "/incidents/", place=village.slug)

    assert "form-error" not in page
    assert "Village shelling" in page and "Elsewhere shelling" not in page
    assert f'<option value="{village.slug}" selected>' in page


def test_the_incident_year_filter_offers_only_years_of_public_incidents(client):
    make_article(incidents=[make_incident("Public strike", date=datetime.date(2023, 5, 1))])
    make_article(incidents=[make_incident("Later strike", date=datetime.date(2025, 5, 1))])
    make_draft(incidents=[make_incident("Hidden strike", date=datetime.date(2019, 5, 1))])
    make_scheduled(incidents=[make_incident("Coming strike", date=datetime.date(2026, 5, 1))])

    years = Page(html_of(client, "/incidents/")).select('select[name="year"] option')
    offered = [option["value"] for option in years if option["value"]]  # not the blank "any year"

    assert offered == ["2025", "2024", "2023"]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "nuclear"},
        {"place": "nowhere"},
        {"year": "1800"},
        {"year": "abc"},
        {"place": "no\x00where"},
        {"year": "9" * 50},
    ],
)
def test_incidents_index_survives_bad_filters(client, params):
    make_article(incidents=[make_incident()])
    response = client.get("/incidents/", params)
    assert response.status_code == 200
    assert 'class="form-error" role="alert"' in response.content.decode()


def test_index_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    country = make_place("Ukraine", kind="country")
    for number in range(20):
        make_article(
            people=[make_person(f"Person {number}")],
            places=[make_place(f"Region {number}", kind="region", parent=country)],
            incidents=[make_incident(f"Incident {number}")],
        )
    for path, bound in [("/people/", 6), ("/places/", 6), ("/incidents/", 9), ("/organisations/", 6)]:
        with django_assert_max_num_queries(bound):
            assert client.get(path).status_code == 200


def test_a_bidirectional_override_in_a_name_or_a_search_never_reaches_a_page(client):
    person = make_person("Olena \u202eKovalenko\u202c")
    make_article(headline="Kovalenko visits \u2067the front\u2069", people=[person])

    pages = [person.get_absolute_url(), "/", "/people/", "/search/?q=Kovalenko\u202e+front", "/feeds/latest.atom"]
    for path in pages:
        text = client.get(path).content.decode()
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", text), path
    person.refresh_from_db()
    assert person.name == "Olena Kovalenko"
