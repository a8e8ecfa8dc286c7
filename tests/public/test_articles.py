"""The article page: the article, its entities, sources and structured data, nothing unpublished or private,
and withdrawn articles answering 410 wherever they were."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Article, Correction, SourceLink
from tests.helpers.builders import (
    make_article,
    make_draft,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_scheduled,
    make_withdrawn,
)
from tests.helpers.pages import Page
from tests.helpers.public import assert_nothing_hidden, hidden_articles, hours_ago, html_of, structured_data, withdraw

pytestmark = pytest.mark.django_db


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


def test_article_page_describes_itself_as_a_schema_org_news_article(client):
    article, (person, place, organisation, incident) = full_article()
    data = structured_data(html_of(client, article.get_absolute_url()))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ukraine captures soldiers"
    assert data["datePublished"] == article.published_at.replace(microsecond=0).isoformat()
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


MACHINE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def test_every_time_is_written_to_the_second_though_saved_with_microseconds(client):
    moment = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=2)
    article = make_article(headline="Saved through the admin", published_at=moment)
    Correction.objects.create(article=article, text="A date was wrong.", published_at=moment)
    Article.objects.filter(pk=article.pk).update(updated_at=moment + datetime.timedelta(hours=5))

    page = Page(client.get(article.get_absolute_url()).content.decode())
    home = Page(client.get("/").content.decode())

    times = [value for value, _text in page.times() + home.times()]
    assert times and all(MACHINE_TIME.match(value) for value in times), times
    (news,) = [block for block in page.json_ld() if block.get("@type") == "NewsArticle"]
    stamps = [news["datePublished"], news["dateModified"], news["correction"][0]["datePublished"]]
    assert all(MACHINE_TIME.match(value) for value in stamps), stamps


def test_a_long_headline_is_shortened_between_words_for_search_engines(client):
    headline = "Officials say " + "the talks on grain exports continued late into the night " * 5
    article = make_article(headline=headline.strip())

    news = structured_data(html_of(client, article.get_absolute_url()))

    assert len(news["headline"]) <= 110
    assert news["headline"].endswith("…")
    assert headline.startswith(news["headline"][:-1]) and news["headline"][-2] != " "
