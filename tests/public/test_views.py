import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.models import ArchiveState, Article, Correction, SourceLink
from tests.helpers.builders import (
    make_article,
    make_draft,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_scheduled,
    make_staff,
    make_withdrawn,
)

pytestmark = pytest.mark.django_db
HIDDEN = ["Draftmarker", "Reviewmarker", "Schedulemarker", "Withdrawnmarker"]


def hidden_articles(**links):
    """One article of every kind readers must not see, each carrying a marker word."""
    return [
        make_draft(headline="Draftmarker story", body="Draftmarker body", **links),
        make_article(status="review", published_at=None, headline="Reviewmarker story", **links),
        make_scheduled(headline="Schedulemarker story", **links),
        make_withdrawn(headline="Withdrawnmarker story", **links),
    ]


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_nothing_hidden(html):
    for marker in HIDDEN:
        assert marker not in html


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


# ---------------------------------------------------------------- home


def test_home_lists_newest_first_and_hides_unpublished(client):
    make_article(headline="Older story", published_at=hours_ago(72))
    make_article(headline="Newer story", published_at=hours_ago(1))
    hidden_articles()
    html = html_of(client, reverse("archive:home"))
    assert html.index("Newer story") < html.index("Older story")
    assert_nothing_hidden(html)
    assert 'action="/search/"' in html and 'name="q"' in html


def test_home_shows_the_most_covered_entities_of_the_last_30_days(client):
    kyiv, lviv, old_news = make_place("Kyiv"), make_place("Lviv"), make_place("Bakhmut")
    for _ in range(3):
        make_article(places=[kyiv])
    make_article(places=[lviv])
    make_article(places=[old_news], published_at=timezone.now() - datetime.timedelta(days=40))
    hidden_articles(places=[lviv])
    html = html_of(client, reverse("archive:home"))
    side = html[html.index("Most covered in the last 30 days") :]
    assert side.index("Kyiv") < side.index("Lviv")
    assert re.search(r"Lviv</a> <span class=\"count\">1</span>", side)  # the hidden ones are not counted
    assert "Bakhmut" not in side


def test_home_pages_back_through_older_articles(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    for number in range(5):
        make_article(headline=f"Story {number}", published_at=hours_ago(number + 1))
    second = html_of(client, reverse("archive:home"), page=2)
    assert "Story 2" in second and "Story 3" in second and "Story 0" not in second
    assert 'rel="prev"' in second and 'rel="next"' in second


@pytest.mark.parametrize("page", ["abc", "0", "-1", "2", "1\x00", "", "1.5"])
def test_home_survives_any_page_number(client, page):
    make_article()
    assert client.get(reverse("archive:home"), {"page": page}).status_code == 200


@pytest.mark.parametrize("page", ["99999999", "9" * 400])
def test_absurd_page_numbers_are_not_found(client, page):
    make_article()
    assert client.get(reverse("archive:home"), {"page": page}).status_code == 404


# ---------------------------------------------------------------- article


def full_article():
    person = make_person(role="President of Ukraine")
    place = make_place(latitude="50.45000", longitude="30.52000")
    organisation = make_organisation()
    incident = make_incident(place=place)
    article = make_article(
        headline="Ukraine captures soldiers",
        standfirst="Two soldiers were captured.",
        byline="Olena Kovalenko",
        publication="Northern Wire",
        dateline="KYIV",
        body="First paragraph with **bold**.\n\nSecond paragraph.",
        people=[person],
        places=[place],
        organisations=[organisation],
        incidents=[incident],
    )
    SourceLink.objects.create(article=article, position=1, title="Original report", url="https://example.com/r")
    return article, [person, place, organisation, incident]


def test_article_page_shows_the_article_its_entities_and_sources(client):
    article, entities = full_article()
    html = html_of(client, article.get_absolute_url())
    for text in [
        "Ukraine captures soldiers",
        "Two soldiers were captured.",
        "Olena Kovalenko",
        "Northern Wire",
        "KYIV",
    ]:
        assert text in html
    assert "<p>First paragraph with <strong>bold</strong>.</p>" in html
    for entity in entities:
        assert f'href="{entity.get_absolute_url()}"' in html
    assert 'href="https://example.com/r"' in html and "Original report" in html


def test_article_page_has_canonical_open_graph_and_twitter_tags(client):
    article, _ = full_article()
    html = html_of(client, article.get_absolute_url())
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Ukraine captures soldiers">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def structured_data(html):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_article_page_describes_itself_as_a_schema_org_news_article(client):
    article, (person, place, organisation, incident) = full_article()
    data = structured_data(html_of(client, article.get_absolute_url()))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ukraine captures soldiers"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["author"] == [{"@type": "Person", "name": "Olena Kovalenko"}]
    assert data["publisher"]["name"] == "Northern Wire"
    assert [thing["name"] for thing in data["about"]] == [incident.name]
    assert {thing["@type"] for thing in data["mentions"]} == {"Person", "Place", "Organization"}
    place_data = next(thing for thing in data["mentions"] if thing["@type"] == "Place")
    assert place_data["geo"] == {"@type": "GeoCoordinates", "latitude": 50.45, "longitude": 30.52}
    assert data["citation"] == [{"@type": "CreativeWork", "url": "https://example.com/r", "name": "Original report"}]


def test_a_hostile_headline_cannot_break_out_of_the_structured_data(client):
    hostile = '</script><script>alert("x")</script><!--'
    article = make_article(headline=hostile, standfirst="<b>&amp;</b>")
    html = html_of(client, article.get_absolute_url())
    assert "<script>alert" not in html
    assert structured_data(html)["headline"] == hostile


def test_article_body_cannot_run_script(client):
    article = make_article(
        body=(
            "<script>alert(1)</script>\n\n"
            '<img src=x onerror="alert(2)">\n\n'
            "[click](javascript:alert(3))\n\n"
            '<a href="javascript:alert(4)">link</a>\n\n'
            '<svg onload="alert(5)"><circle></circle></svg>'
        )
    )
    html = html_of(client, article.get_absolute_url())
    body = html[html.index('class="article__body"') : html.index("</article>")]
    for payload in ["<script", "onerror", "javascript:", "onload", "<svg"]:
        assert payload not in body


def make_in_review(**overrides):
    return make_article(status=Article.Status.REVIEW, published_at=None, **overrides)


def make_withdrawn_before_its_time(**overrides):
    # Scheduled, then withdrawn before the time came: readers never saw it, so it was never "gone".
    return make_withdrawn(published_at=timezone.now() + datetime.timedelta(days=1), **overrides)


@pytest.mark.parametrize("factory", [make_draft, make_in_review, make_scheduled, make_withdrawn_before_its_time])
def test_unpublished_articles_are_not_found(client, factory):
    article = factory()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_note_is_never_shown(client):
    article = make_article(editor_note="Check the casualty figure with the desk")
    assert "casualty figure" not in html_of(client, article.get_absolute_url())


def test_updated_time_is_shown_only_for_later_changes(client):
    article = make_article(published_at=hours_ago(5))
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at + datetime.timedelta(minutes=2))
    assert ">Updated <time" not in html_of(client, article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at + datetime.timedelta(hours=3))
    assert ">Updated <time" in html_of(client, article.get_absolute_url())


def test_related_coverage_is_shown_and_hides_unpublished(client):
    incident = make_incident()
    article = make_article(incidents=[incident])
    make_article(headline="Other coverage of the capture", incidents=[incident])
    hidden_articles(incidents=[incident])
    html = html_of(client, article.get_absolute_url())
    related = html[html.index('id="related"') :]
    assert "Other coverage of the capture" in related
    assert_nothing_hidden(html)


def test_article_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    people = [make_person(f"Person {n}") for n in range(8)]
    places = [make_place(f"Place {n}") for n in range(8)]
    article = make_article(people=people, places=places)
    for n in range(30):
        make_article(people=people[: n % 8 + 1], places=places[:2])
    for n in range(5):
        SourceLink.objects.create(article=article, position=n, url=f"https://example.com/{n}")
        Correction.objects.create(article=article, text=f"Correction {n}.")
    # One query more than before corrections: they are fetched with the article, however many there are.
    with django_assert_max_num_queries(15):
        assert client.get(article.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------- entities


def test_entity_page_lists_only_published_coverage_and_counts_it(client):
    person = make_person(aliases=["Zelensky"], role="President of Ukraine")
    make_article(headline="Live story", people=[person])
    hidden_articles(people=[person])
    html = html_of(client, person.get_absolute_url())
    assert "Volodymyr Zelenskiy" in html and "Zelensky" in html and "President of Ukraine" in html
    assert "Live story" in html
    assert re.search(r'<span class="count">1 article</span>', html)
    assert_nothing_hidden(html)


def test_an_entity_covered_only_by_unpublished_articles_has_no_page(client):
    person = make_person()
    hidden_articles(people=[person])
    assert client.get(person.get_absolute_url()).status_code == 404


def test_entity_timeline_counts_published_articles_per_month(client):
    place = make_place()
    make_article(places=[place], published_at=datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC))
    make_article(places=[place], published_at=datetime.datetime(2024, 1, 20, tzinfo=datetime.UTC))
    make_article(places=[place], published_at=datetime.datetime(2024, 4, 2, tzinfo=datetime.UTC))
    hidden_articles(places=[place])
    html = html_of(client, place.get_absolute_url())
    assert "Articles per month, May 2023 to April 2024" in html  # at least a year is drawn
    bars = re.findall(r"<title>(\w+ \d{4}): (\d+) articles?</title>", html)
    assert bars == [("January 2024", "2"), ("April 2024", "1")]
    assert "<td>January 2024</td><td>2</td>" in html  # the table readers without the chart get


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
    bars = re.findall(r"<title>(\w+ \d{4}): (\d+) articles?</title>", html)
    assert bars == [("November 2009", "1"), ("January 2024", "1"), ("February 2024", "2")]
    # Each January is labelled; November 2009 is too close to January 2010 for a label of its own.
    labels = re.findall(r'<text class="timeline__year" x="[\d.]+" y="[\d.]+">(\d{4})</text>', html)
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


# ---------------------------------------------------------------- indexes


def test_people_index_lists_public_people_a_to_z_with_counts(client):
    zelenskiy, sybiha = make_person(), make_person("Andriy Sybiha")
    make_article(people=[zelenskiy])
    make_article(people=[zelenskiy, sybiha])
    hidden_articles(people=[sybiha, make_person("Secretive Person")])
    html = html_of(client, "/people/")
    assert html.index("Andriy Sybiha") < html.index("Volodymyr Zelenskiy")
    assert re.search(r"Andriy Sybiha</a>.*?<span class=\"count\">1 article</span>", html, re.S)
    assert re.search(r"Volodymyr Zelenskiy</a>.*?<span class=\"count\">2 articles</span>", html, re.S)
    assert "Secretive Person" not in html


def test_index_letters_filter_by_first_letter_ignoring_diacritics(client):
    for name in ["Łukasz Nowak", "Olena Kovalenko", "Зеленський"]:
        make_article(people=[make_person(name)])
    by_l = html_of(client, "/people/", letter="l")
    assert "Łukasz Nowak" in by_l and "Olena Kovalenko" not in by_l
    assert "Зеленський" in html_of(client, "/people/", letter="other")
    assert "Olena Kovalenko" in html_of(client, "/people/", letter="not-a-letter")


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

    offered = re.findall(r'<option value="(\d{4})"', html_of(client, "/incidents/"))

    assert offered == ["2025", "2024", "2023"]


@pytest.mark.parametrize(
    "params",
    [
        {"type": "nuclear"},
        {"place": "nowhere"},
        {"year": "1800"},
        {"year": "abc"},
        {"place": "\x00"},
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


# ---------------------------------------------------------------- date archives


def test_date_archives_list_published_articles_by_year_month_and_day(client):
    moment = datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC)
    make_article(headline="Spring report", published_at=moment)
    make_draft(headline="Draftmarker story")
    assert "/archive/2024/" in html_of(client, "/archive/")
    assert 'href="/archive/2024/3/"' in html_of(client, "/archive/2024/")
    month = html_of(client, "/archive/2024/3/")
    assert "Spring report" in month and 'href="/archive/2024/3/5/"' in month
    assert "Spring report" in html_of(client, "/archive/2024/3/5/")
    assert_nothing_hidden(month)


def test_a_year_page_never_reads_the_years_articles(client):
    for day in range(1, 21):
        make_article(published_at=datetime.datetime(2024, 3, day, 12, tzinfo=datetime.UTC))

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/archive/2024/").status_code == 200

    article_rows = [q["sql"] for q in queries if 'FROM "archive_article"' in q["sql"] and "LIMIT" not in q["sql"]]
    assert not article_rows, article_rows


def test_the_archive_index_lists_only_years_with_published_articles_newest_first(client):
    for year in (2019, 2024, 2020):
        make_article(published_at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC))
    make_article(status=Article.Status.DRAFT, published_at=datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC))
    make_withdrawn(published_at=datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC))
    make_article(published_at=timezone.now() + datetime.timedelta(days=800))  # scheduled

    years = re.findall(r'href="/archive/(\d+)/"', html_of(client, "/archive/"))

    assert years == ["2024", "2020", "2019"]


def test_the_archive_index_says_so_when_nothing_is_published(client):
    make_draft()
    assert "Nothing published yet." in html_of(client, "/archive/")


def spread_articles(count):
    """`count` articles, a few days apart over several years, for the date pages."""
    start = datetime.datetime(2019, 1, 1, 12, tzinfo=datetime.UTC)
    for number in range(count):
        make_article(published_at=start + datetime.timedelta(days=7 * number + number % 3))


DATE_PAGES = [("/archive/", 2), ("/archive/2019/", 2), ("/archive/2019/1/", 6), ("/archive/2019/1/1/", 7), ("/", 8)]


@pytest.mark.parametrize("path, bound", DATE_PAGES)
def test_date_pages_and_home_run_a_fixed_number_of_queries(
    client, settings, django_assert_max_num_queries, path, bound
):
    settings.ARCHIVE_PAGE_CACHE = False  # count the queries of rendering, every time
    spread_articles(10)
    client.get(path)  # per-process caches (content types) first
    with django_assert_max_num_queries(bound), CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    spread_articles(300)

    with django_assert_max_num_queries(bound), CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200

    assert len(many) == len(few)


@pytest.mark.parametrize("path", ["/archive/", "/archive/2024/"])
def test_the_year_and_month_probes_never_sort_the_articles(client, path):
    # The probes read one row of an outer query; sorted by the model's ordering, PostgreSQL sorts
    # every published article to pick it (70 ms at 100,000 articles).
    make_article(published_at=datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200

    outer_sorts = [q["sql"] for q in queries if re.search(r"ORDER BY [^()]*LIMIT 1$", q["sql"])]
    assert outer_sorts == []


@pytest.mark.parametrize(
    "path", ["/archive/2023/", "/archive/2024/13/", "/archive/2024/2/30/", "/archive/99999/", "/archive/2024/3/6/"]
)
def test_empty_or_impossible_dates_are_not_found(client, path):
    make_article(published_at=datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC))
    assert client.get(path).status_code == 404


def test_a_scheduled_article_is_not_in_the_date_archive_before_its_time(client):
    make_scheduled(headline="Schedulemarker story")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert client.get(f"/archive/{tomorrow.year}/{tomorrow.month}/{tomorrow.day}/").status_code == 404


# ---------------------------------------------------------------- permanence


def test_an_article_keeps_answering_at_every_old_address(client):
    article = make_article(headline="First headline")
    first_url = article.get_absolute_url()
    article.slug = "second-address"
    article.save()
    article.slug = "third-address"
    article.save()
    for old in [first_url, "/articles/second-address/"]:
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/articles/third-address/"
    assert client.get("/articles/third-address/").status_code == 200


def test_an_old_entity_address_keeps_the_page_asked_for(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    place = make_place("Kiev")
    for _ in range(5):
        make_article(places=[place])
    place.name = "Kyiv"
    place.save()

    response = client.get("/places/kiev/", {"page": "3"})

    assert response.status_code == 301 and response["Location"] == "/places/kyiv/?page=3"


def test_renaming_an_entity_moves_its_page_and_redirects_the_old_one(client):
    place = make_place("Kiev")
    make_article(places=[place])
    place.name = "Kyiv"
    place.save()
    assert place.slug == "kyiv"
    response = client.get("/places/kiev/")
    assert response.status_code == 301 and response["Location"] == "/places/kyiv/"


def test_an_old_address_of_an_unpublished_article_is_not_found(client):
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "new-address"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old).status_code == 404


# ---------------------------------------------------------------- conditional GET


def test_pages_answer_304_until_something_changes(client):
    person = make_person()
    article = make_article(people=[person])
    for url in [article.get_absolute_url(), person.get_absolute_url(), "/"]:
        first = client.get(url)
        assert first.has_header("ETag") and first.has_header("Last-Modified")
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    etag = client.get(article.get_absolute_url())["ETag"]
    article.headline = "A corrected headline"
    article.save()
    changed = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "A corrected headline" in changed.content.decode()


def test_a_scheduled_article_going_live_changes_the_validators(client):
    person = make_person()
    make_article(people=[person], published_at=hours_ago(5))
    scheduled = make_scheduled(people=[person], headline="Now it is out")
    ArchiveState.objects.update(changed_at=hours_ago(3))  # the last edit was a while ago
    etag = client.get(person.get_absolute_url())["ETag"]
    # Time passes: no save, only the scheduled moment coming.
    Article.objects.filter(pk=scheduled.pk).update(published_at=hours_ago(1))
    Article.sync_links([scheduled.pk])
    response = client.get(person.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Now it is out" in response.content.decode()


def test_tagging_an_article_changes_the_validators(client):
    person = make_person()
    article = make_article(people=[person])
    other = make_person("Andriy Sybiha")
    make_article(people=[other])
    etag = client.get(other.get_absolute_url())["ETag"]
    article.people.add(other)
    assert client.get(other.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


# ---------------------------------------------------------------- withdrawn articles


def withdraw(article, note="Withdrawn: the account it relied on could not be verified."):
    article.status = Article.Status.WITHDRAWN
    article.withdrawal_note = note
    article.save()
    return article


def test_a_withdrawn_article_answers_410_with_the_date_and_note_but_never_its_text(client):
    article = withdraw(
        make_article(headline="Zephyrheadline", standfirst="Zephyrstandfirst", body="Zephyrbody text."),
        note="Withdrawn on legal advice <b>now</b>.",
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 410
    html = response.content.decode()
    withdrawn_on = f"{timezone.localtime(article.withdrawn_at):%-d %B %Y}"
    assert f'This article was withdrawn on <time datetime="{article.withdrawn_at:%Y-%m-%d}' in html
    assert withdrawn_on in html
    assert "Withdrawn on legal advice &lt;b&gt;now&lt;/b&gt;." in html
    assert "Zephyr" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_withdrawn_article_answers_410_at_its_old_address_too(client):
    article = make_article()
    old = article.get_absolute_url()
    article.slug = "a-newer-address"
    article.save()
    withdraw(article)

    for address in [old, article.get_absolute_url()]:
        response = client.get(address)
        assert response.status_code == 410 and "could not be verified" in response.content.decode()


def test_a_withdrawn_article_is_on_no_public_list_feed_sitemap_or_search(client):
    person, place, incident = make_person(), make_place(), make_incident()
    only_withdrawn = make_person("Quillonly Person")
    day = timezone.now() - datetime.timedelta(hours=2)
    links = {"people": [person], "places": [place], "incidents": [incident]}
    visible = make_article(headline="Visible coverage", published_at=day, **links)
    make_article(headline="More coverage", published_at=day - datetime.timedelta(hours=1), **links)
    withdrawn = make_article(
        headline="Quillmarker headline",
        body="Quillmarker body.",
        published_at=day,
        people=[person, only_withdrawn],
        places=[place],
        incidents=[incident],
    )
    withdraw(withdrawn)
    local = timezone.localtime(day)
    day_url = f"/archive/{local.year}/{local.month}/{local.day}/"
    latest_atom = reverse("archive:feed_latest_atom")
    # Pages that list the visible article: proof that they would list the withdrawn one if they could.
    shows_visible = {"/", day_url, latest_atom, "/sitemap-articles.xml", person.get_absolute_url()}
    pages = [
        "/",
        visible.get_absolute_url(),  # its related coverage
        person.get_absolute_url(),
        place.get_absolute_url(),
        incident.get_absolute_url(),
        "/people/",
        "/people/?letter=q",
        "/places/",
        "/incidents/",
        "/archive/",
        f"/archive/{local.year}/",
        f"/archive/{local.year}/{local.month}/",
        day_url,
        reverse("archive:feed_latest_rss"),
        latest_atom,
        reverse("archive:feed_entity_rss", kwargs={"kind": "people", "slug": person.slug}),
        reverse("archive:feed_entity_atom", kwargs={"kind": "places", "slug": place.slug}),
        "/sitemap-articles.xml",
        "/sitemap-people.xml",
        "/sitemap-news.xml",
        f"/search/?q=Volodymyr&entity=person:{person.slug}",
    ]
    for url in pages:
        html = html_of(client, url)
        assert "Quillmarker" not in html and withdrawn.slug not in html, url
        if url in shows_visible:
            assert visible.slug in html, url
        assert "Quillonly" not in html and only_withdrawn.slug not in html, url
    assert client.get(only_withdrawn.get_absolute_url()).status_code == 404
    entity_page = client.get(person.get_absolute_url())
    assert entity_page.context["page"].paginator.count == 2
    assert sum(bar.count for bar in entity_page.context["timeline"].bars) == 2
    people_index = client.get("/people/")
    assert {entity.name: entity.article_count for entity in people_index.context["page"].object_list} == {
        person.name: 2
    }
    search = client.get("/search/", {"q": "Quillmarker"})  # the page repeats the words searched for
    assert search.context["results"].total == 0 and withdrawn.get_absolute_url() not in search.content.decode()


# ---------------------------------------------------------------- preview


def preview_url(article):
    return reverse("archive:article_preview", args=[article.pk])


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "reader",  # logged in, not staff
        "staff without permission",
        "inactive editor",
    ],
)
def test_preview_is_not_found_for_anyone_but_staff_who_may_view_articles(client, django_user_model, who):
    draft = make_draft(headline="Zephyrpreview")
    if who == "reader":
        client.force_login(django_user_model.objects.create_user("reader", password="a-long-test-password"))
    elif who == "staff without permission":
        client.force_login(django_user_model.objects.create_user("desk", password="x-long-password", is_staff=True))
    elif who == "inactive editor":
        client.force_login(make_staff("Editor", is_active=False))

    response = client.get(preview_url(draft))

    assert response.status_code == 404
    assert "Zephyrpreview" not in response.content.decode()


def test_preview_of_a_missing_article_is_not_found(client_as):
    assert client_as("Reporter").get("/preview/articles/999999/").status_code == 404


@pytest.mark.parametrize(
    "maker, banner",
    [
        (make_draft, "not published — draft"),
        (lambda **kw: make_article(status="review", published_at=None, **kw), "not published — in review"),
        (make_scheduled, "not published — scheduled for"),
        (lambda **kw: withdraw(make_article(**kw)), "not published — withdrawn"),
        (make_article, "published — readers see this at"),
    ],
)
def test_staff_preview_any_article_as_readers_would_see_it_with_a_banner(client_as, maker, banner):
    article = maker(headline="Zephyrpreview", body="The Zephyrbody paragraph.")

    response = client_as("Reporter").get(preview_url(article))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zephyrpreview" in html and "The Zephyrbody paragraph." in html
    assert re.search(r'class="preview-banner".*?Preview:</strong>\s*' + re.escape(banner), html, re.S)
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")


def test_preview_runs_a_fixed_number_of_queries(client_as, django_assert_max_num_queries):
    reporter = client_as("Reporter")
    people = [make_person(f"Person {n}") for n in range(6)]
    draft = make_draft(people=people)
    for n in range(20):
        make_article(people=people[: n % 6 + 1])
    for n in range(4):
        Correction.objects.create(article=draft, text=f"Correction {n}.")

    # Measured: the article page's queries but conditional GET's, and the session, the user, their permissions.
    with django_assert_max_num_queries(16):
        assert reporter.get(preview_url(draft)).status_code == 200


def test_preview_never_answers_304(client_as):
    editor = client_as("Editor")
    article = make_article()
    public = editor.get(article.get_absolute_url())

    response = editor.get(
        preview_url(article),
        HTTP_IF_NONE_MATCH=public["ETag"],
        HTTP_IF_MODIFIED_SINCE=public["Last-Modified"],
    )

    assert response.status_code == 200


def test_preview_lists_only_published_related_coverage(client_as):
    incident = make_incident()
    draft = make_draft(incidents=[incident])
    make_article(headline="Published companion", incidents=[incident])
    make_draft(headline="Draftmarker companion", incidents=[incident])

    html = client_as("Reporter").get(preview_url(draft)).content.decode()

    related = html[html.index('id="related"') :]
    assert "Published companion" in related and "Draftmarker" not in html


def test_robots_txt_keeps_crawlers_out_of_previews(client):
    assert "Disallow: /preview/" in client.get("/robots.txt").content.decode().splitlines()


# ---------------------------------------------------------------- corrections


def make_correction(article, text, days_ago=0, **fields):
    return Correction.objects.create(
        article=article, text=text, published_at=timezone.now() - datetime.timedelta(days=days_ago), **fields
    )


def test_article_page_shows_its_corrections_dated_newest_last_with_a_notice_at_the_top(client):
    article = make_article()
    first = make_correction(article, "The first error.", days_ago=3)
    latest = make_correction(article, "The second error.", days_ago=1)

    html = html_of(client, article.get_absolute_url())

    notice = f'This article was corrected on <a href="#corrections"><time datetime="{latest.published_at:%Y-%m-%d}'
    assert notice in html
    assert html.index(notice) < html.index('class="article__body"')
    section = html[html.index('<h2 id="corrections">Corrections</h2>') :]
    assert section.index("The first error.") < section.index("The second error.")
    assert f'id="correction-{first.pk}"' in section
    assert f"{timezone.localtime(first.published_at):%-d %B %Y}" in section


def test_an_article_without_corrections_says_nothing_about_them(client):
    html = html_of(client, make_article().get_absolute_url())
    assert "corrected on" not in html and 'id="corrections"' not in html


def test_corrections_are_in_the_structured_data_escaped_like_the_rest(client):
    article = make_article()
    correction = make_correction(article, 'The mayor said "no" </script><script>alert(1)</script>')

    html = html_of(client, article.get_absolute_url())

    assert "</script><script>alert(1)" not in html
    assert structured_data(html)["correction"] == [
        {"@type": "CorrectionComment", "text": correction.text, "datePublished": correction.published_at.isoformat()}
    ]


def test_adding_a_correction_changes_the_validators(client):
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]

    make_correction(article, "A late correction.")

    response = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "A late correction." in response.content.decode()


def test_corrections_page_lists_corrections_newest_first_with_their_articles(client):
    older = make_article(headline="The older story")
    newer = make_article(headline="The newer story")
    make_correction(older, "Older correction.", days_ago=5)
    make_correction(newer, "Newer correction.", days_ago=1)

    html = html_of(client, reverse("archive:corrections"))

    assert html.index("Newer correction.") < html.index("Older correction.")
    assert f'href="{newer.get_absolute_url()}#correction-' in html and "The older story" in html
    assert reverse("archive:feed_corrections_atom") in html and reverse("archive:feed_corrections_rss") in html


def test_corrections_page_hides_corrections_of_articles_readers_may_not_see(client):
    make_correction(make_article(), "Shown correction.")
    for article in hidden_articles():
        make_correction(article, f"Correction of {article.headline}")

    html = html_of(client, reverse("archive:corrections"))

    assert "Shown correction." in html
    assert_nothing_hidden(html)


def test_corrections_page_is_paginated(client, settings):
    settings.ARCHIVE_PAGE_SIZE = 3
    article = make_article()
    for number in range(7):
        make_correction(article, f"Correction number {number}.", days_ago=number)

    first = html_of(client, reverse("archive:corrections"))
    last = html_of(client, reverse("archive:corrections"), page=3)

    assert "Correction number 0." in first and "Correction number 3." not in first and "Page 1 of 3" in first
    assert "Correction number 6." in last and "Correction number 0." not in last


@pytest.mark.parametrize("count", [3, 30])
def test_corrections_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    for number in range(count):
        make_correction(make_article(), f"Correction {number}.")

    # Measured: archive state and latest publication (conditional GET), the count, the page.
    with django_assert_max_num_queries(4):
        assert client.get(reverse("archive:corrections")).status_code == 200
