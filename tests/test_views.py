import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import SourceLink
from tests.helpers import (
    make_article,
    make_draft,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_scheduled,
    make_withdrawn,
)

pytestmark = pytest.mark.django_db


def unpublished_articles():
    return [
        make_draft(headline="Draft marker"),
        make_article(status="review", published_at=None, headline="Review marker"),
        make_scheduled(headline="Scheduled marker"),
        make_withdrawn(headline="Withdrawn marker"),
    ]


def assert_no_unpublished(html):
    for marker in ["Draft marker", "Review marker", "Scheduled marker", "Withdrawn marker"]:
        assert marker not in html


# ---------------------------------------------------------------- home


def test_home_lists_published_articles_newest_first(client):
    now = timezone.now()
    newer = make_article(headline="Newer story", published_at=now - datetime.timedelta(hours=1))
    older = make_article(headline="Older story", published_at=now - datetime.timedelta(days=3))
    html = client.get(reverse("archive:home")).content.decode()
    assert html.index(newer.headline) < html.index(older.headline)


def test_home_shows_no_unpublished_article(client):
    make_article(headline="Live story")
    unpublished_articles()
    html = client.get(reverse("archive:home")).content.decode()
    assert "Live story" in html
    assert_no_unpublished(html)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999", "1\x00", "9" * 400])
def test_home_survives_any_page_number(client, page):
    make_article()
    assert client.get(reverse("archive:home"), {"page": page}).status_code == 200


def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(30):
        make_article(people=[])
    with django_assert_max_num_queries(2):
        client.get(reverse("archive:home"))


# ---------------------------------------------------------------- article


def test_article_page_shows_the_article_its_entities_and_sources(client):
    person = make_person(role="President of Ukraine")
    place = make_place()
    organisation = make_organisation()
    incident = make_incident()
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
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Ukraine captures soldiers",
        "Two soldiers were captured.",
        "Olena Kovalenko",
        "Northern Wire",
        "KYIV",
    ]:
        assert text in html
    assert "<p>First paragraph with <strong>bold</strong>.</p>" in html
    for entity in (person, place, organisation, incident):
        assert f'href="{entity.get_absolute_url()}"' in html
    assert 'href="https://example.com/r"' in html and "Original report" in html


def test_article_body_cannot_run_script(client):
    article = make_article(
        body=(
            "<script>alert(1)</script>\n\n"
            '<img src=x onerror="alert(2)">\n\n'
            "[click](javascript:alert(3))\n\n"
            '<a href="javascript:alert(4)">link</a>'
        )
    )
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('class="article__body"') :]
    for payload in ["<script>alert", "onerror", "javascript:"]:
        assert payload not in body


@pytest.mark.parametrize("factory", [make_draft, make_scheduled, make_withdrawn])
def test_unpublished_articles_are_not_found(client, factory):
    article = factory()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_note_is_never_shown(client):
    article = make_article(editor_note="Check the casualty figure with the desk")
    assert "casualty figure" not in client.get(article.get_absolute_url()).content.decode()


def test_article_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    people = [make_person(f"Person {n}") for n in range(8)]
    places = [make_place(f"Place {n}") for n in range(8)]
    article = make_article(people=people, places=places)
    for n in range(5):
        SourceLink.objects.create(article=article, position=n, url=f"https://example.com/{n}")
    with django_assert_max_num_queries(6):
        assert client.get(article.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------- entities


def test_entity_page_lists_only_published_coverage(client):
    person = make_person(aliases=["Zelensky"], role="President of Ukraine")
    make_article(headline="Live story", people=[person])
    for article in unpublished_articles():
        article.people.add(person)
    response = client.get(person.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Volodymyr Zelenskiy" in html and "Zelensky" in html and "President of Ukraine" in html
    assert "Live story" in html
    assert "1 article" in html
    assert_no_unpublished(html)


def test_incident_page_shows_unknown_casualties_as_unknown(client):
    place = make_place("Sumy")
    incident = make_incident("Sumy drone strike", place=place, killed=None, injured=0, incident_type="air_drone_strike")
    html = client.get(incident.get_absolute_url()).content.decode()
    assert "Unknown" in html
    assert "Air or drone strike" in html
    assert f'href="{place.get_absolute_url()}"' in html


def test_place_page_shows_its_parent_and_coordinates(client):
    russia = make_place("Russia", kind="country")
    kursk = make_place("Kursk region", kind="region", parent=russia, latitude="51.73000", longitude="36.19000")
    html = client.get(kursk.get_absolute_url()).content.decode()
    assert f'href="{russia.get_absolute_url()}"' in html
    assert "51.73000, 36.19000" in html


@pytest.mark.parametrize(
    "path",
    ["/people/nobody/", "/places/%D0%BA%D0%B8%D1%97%D0%B2/", "/incidents/a%00b/", "/unicorns/kyiv/", "/people/"],
)
def test_unknown_or_malformed_entity_addresses_are_not_found(client, path):
    make_person()
    assert client.get(path).status_code == 404


def test_entity_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    place = make_place("Sumy", parent=make_place("Sumy region"))
    incident = make_incident(place=place)
    for _ in range(25):
        make_article(incidents=[incident])
    with django_assert_max_num_queries(4):
        assert client.get(incident.get_absolute_url()).status_code == 200
