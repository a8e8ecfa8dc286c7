"""Sitemaps and robots.txt, read the way a crawler reads them: over HTTP, as XML."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from archive.models import Article
from archive.public.sitemaps import IdRangeSitemap
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

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SM = f"{{{SITEMAP_NS}}}"
NEWS = f"{{{NEWS_NS}}}"
ENTITY_MAKERS = {
    "people": make_person,
    "places": make_place,
    "organisations": make_organisation,
    "incidents": make_incident,
}


def make_in_review(**overrides):
    # In review with a publication time already filled in: still not for readers.
    return make_article(status=Article.Status.REVIEW, **overrides)


UNPUBLISHED_MAKERS = {
    "draft": make_draft,
    "in-review": make_in_review,
    "scheduled": make_scheduled,
    "withdrawn": make_withdrawn,
}


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def index_locations(client):
    root = fetch_xml(client, reverse("archive:sitemap"))
    assert root.tag == f"{SM}sitemapindex"
    return [sitemap.findtext(f"{SM}loc") for sitemap in root.findall(f"{SM}sitemap")]


def section(client, name):
    """The <url> elements of a section, reached the way a crawler does: through the index."""
    [location] = [loc for loc in index_locations(client) if loc.endswith(f"-{name}.xml")]
    root = fetch_xml(client, urlsplit(location).path)
    assert root.tag == f"{SM}urlset"
    return root.findall(f"{SM}url")


def locations(urls):
    return {url.findtext(f"{SM}loc") for url in urls}


def lastmods(urls):
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in urls}


# ---------------------------------------------------------------- the index


def test_sitemap_index_lists_absolute_sections_for_pages_articles_and_each_entity_kind(client):
    make_article(**{prefix: [maker()] for prefix, maker in ENTITY_MAKERS.items()})
    found = index_locations(client)
    expected = {f"{SITE}/sitemap-{name}.xml" for name in ["pages", "articles", *ENTITY_MAKERS]}
    assert expected <= set(found)
    assert all(location.startswith(f"{SITE}/") for location in found)
    for location in found:
        assert client.get(urlsplit(location).path).status_code == 200, location


def test_pages_section_lists_the_home_archive_and_entity_index_pages(client):
    make_article()
    expected = {f"{SITE}/", f"{SITE}/archive/", *(f"{SITE}/{prefix}/" for prefix in ENTITY_MAKERS)}
    assert locations(section(client, "pages")) == expected


# ---------------------------------------------------------------- articles


def test_articles_section_lists_every_published_article_with_its_last_modification(client):
    now = timezone.now()
    # Saved as scheduled five days ago, live since two days ago: modified when it went live.
    went_live = make_article(published_at=now - datetime.timedelta(days=2))
    Article.objects.filter(pk=went_live.pk).update(updated_at=now - datetime.timedelta(days=5))
    # Published a month ago and corrected today.
    corrected = make_article(published_at=now - datetime.timedelta(days=30))
    # Published long ago, untouched since.
    untouched = make_article(published_at=now - datetime.timedelta(days=400))
    Article.objects.filter(pk=untouched.pk).update(updated_at=now - datetime.timedelta(days=400))
    expected = {
        went_live: now - datetime.timedelta(days=2),
        corrected: corrected.updated_at,
        untouched: now - datetime.timedelta(days=400),
    }

    urls = section(client, "articles")
    assert locations(urls) == {f"{SITE}{article.get_absolute_url()}" for article in expected}
    found = lastmods(urls)
    for article, modified in expected.items():
        assert found[f"{SITE}{article.get_absolute_url()}"][:10] == timezone.localdate(modified).isoformat()


@pytest.mark.parametrize("state", UNPUBLISHED_MAKERS)
def test_articles_section_leaves_out_unpublished_articles(client, state):
    visible = make_article(headline="Visible story")
    UNPUBLISHED_MAKERS[state](headline=f"Zqxmarker {state} story")
    assert locations(section(client, "articles")) == {f"{SITE}{visible.get_absolute_url()}"}


def test_article_withdrawn_after_publication_leaves_the_articles_section(client):
    article = make_article()
    assert locations(section(client, "articles")) == {f"{SITE}{article.get_absolute_url()}"}
    article.status = Article.Status.WITHDRAWN
    article.save()
    assert locations(section(client, "articles")) == set()


# ---------------------------------------------------------------- entities


@pytest.mark.parametrize("prefix", ENTITY_MAKERS)
def test_entity_section_lists_public_entities_with_their_last_modification(client, prefix):
    make = ENTITY_MAKERS[prefix]
    first, second = make(name="First entity"), make(name="Second entity")
    latest = timezone.now() - datetime.timedelta(hours=1)
    make_article(published_at=latest - datetime.timedelta(days=5), **{prefix: [first, second]})
    make_article(published_at=latest, **{prefix: [first]})
    # Entities edited long ago: their pages last changed with their latest article.
    type(first).objects.update(updated_at=latest - datetime.timedelta(days=100))

    urls = section(client, prefix)
    assert locations(urls) == {f"{SITE}{first.get_absolute_url()}", f"{SITE}{second.get_absolute_url()}"}
    found = lastmods(urls)
    assert found[f"{SITE}{first.get_absolute_url()}"][:10] == timezone.localdate(latest).isoformat()
    second_latest = latest - datetime.timedelta(days=5)
    assert found[f"{SITE}{second.get_absolute_url()}"][:10] == timezone.localdate(second_latest).isoformat()


@pytest.mark.parametrize("state", UNPUBLISHED_MAKERS)
@pytest.mark.parametrize("prefix", ENTITY_MAKERS)
def test_entity_section_leaves_out_an_entity_without_published_coverage(client, prefix, state):
    make = ENTITY_MAKERS[prefix]
    public, hidden = make(name="Public entity"), make(name="Hidden entity")
    make_article(**{prefix: [public]})
    UNPUBLISHED_MAKERS[state](**{prefix: [hidden]})
    assert locations(section(client, prefix)) == {f"{SITE}{public.get_absolute_url()}"}


# ---------------------------------------------------------------- Google News


def news(client):
    response = client.get(reverse("archive:news_sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SM}urlset"
    return {url.findtext(f"{SM}loc"): url.find(f"{NEWS}news") for url in root.findall(f"{SM}url")}


def test_news_sitemap_lists_articles_of_the_last_two_days_with_news_metadata(client):
    now = timezone.now()
    recent = make_article(headline="Recent story", published_at=now - datetime.timedelta(hours=1))
    yesterday = make_article(headline="Yesterday's story & more", published_at=now - datetime.timedelta(hours=47))
    make_article(headline="Older story", published_at=now - datetime.timedelta(days=3))

    entries = news(client)
    assert set(entries) == {f"{SITE}{recent.get_absolute_url()}", f"{SITE}{yesterday.get_absolute_url()}"}
    for article in [recent, yesterday]:
        entry = entries[f"{SITE}{article.get_absolute_url()}"]
        assert entry.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom Archive"
        assert entry.findtext(f"{NEWS}publication/{NEWS}language") == "en"
        published = datetime.datetime.fromisoformat(entry.findtext(f"{NEWS}publication_date"))
        assert published == article.published_at
        assert entry.findtext(f"{NEWS}title") == article.headline


@pytest.mark.parametrize("state", UNPUBLISHED_MAKERS)
def test_news_sitemap_leaves_out_unpublished_articles(client, state):
    visible = make_article(headline="Visible story")
    UNPUBLISHED_MAKERS[state](headline=f"Zqxmarker {state} story")
    response = client.get(reverse("archive:news_sitemap"))
    assert "zqxmarker" not in response.content.decode().lower()
    assert set(news(client)) == {f"{SITE}{visible.get_absolute_url()}"}


def test_news_sitemap_uses_the_google_news_namespace(client):
    make_article()
    root = ET.fromstring(client.get(reverse("archive:news_sitemap")).content)
    [url] = root.findall(f"{SM}url")
    assert url.find(f"{NEWS}news/{NEWS}publication") is not None
    assert f'xmlns:news="{NEWS_NS}"' in client.get(reverse("archive:news_sitemap")).content.decode()


def test_news_sitemap_stays_well_formed_with_a_hostile_headline(client):
    headline = "</news:title><script>alert(1)</script> & \"quotes\" 'apostrophe'"
    article = make_article(headline=headline)
    entries = news(client)
    assert entries[f"{SITE}{article.get_absolute_url()}"].findtext(f"{NEWS}title") == headline


def test_news_sitemap_stays_well_formed_with_a_control_character_in_a_headline(client):
    # Neither the admin form nor the JSON Lines importer refuses U+0001..U+0008.
    article = make_article(headline="Wire copy\x01 with a stray control character")
    make_article(headline="An ordinary story")
    entries = news(client)
    assert len(entries) == 2
    assert entries[f"{SITE}{article.get_absolute_url()}"].findtext(f"{NEWS}title").startswith("Wire copy")


# ---------------------------------------------------------------- robots.txt


def test_robots_txt_points_to_both_sitemaps_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get(reverse("archive:robots"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
    assert f"{SITE}/sitemap.xml" in sitemaps
    assert f"{SITE}/sitemap-news.xml" in sitemaps
    for location in sitemaps:
        assert client.get(urlsplit(location).path).status_code == 200, location


# ---------------------------------------------------------------- query counts

ARTICLES_SECTION_QUERIES = 2  # the first and last ids, then the page
NEWS_SITEMAP_QUERIES = 1


def make_linked_articles(count):
    entities = {prefix: [maker()] for prefix, maker in ENTITY_MAKERS.items()}
    now = timezone.now()
    for number in range(count):
        make_article(published_at=now - datetime.timedelta(minutes=number + 1), **entities)


@pytest.mark.parametrize("count", [5, 40])
def test_articles_section_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    make_linked_articles(count)
    with django_assert_max_num_queries(ARTICLES_SECTION_QUERIES):
        response = client.get(reverse("archive:sitemap_section", kwargs={"section": "articles"}))
    assert len(ET.fromstring(response.content).findall(f"{SM}url")) == count


@pytest.mark.parametrize("count", [5, 40])
def test_news_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    make_linked_articles(count)
    with django_assert_max_num_queries(NEWS_SITEMAP_QUERIES):
        response = client.get(reverse("archive:news_sitemap"))
    assert len(ET.fromstring(response.content).findall(f"{SM}url")) == count


ENTITY_SECTION_QUERIES = 2  # the first and last ids, the page's entities with their latest coverage
SITEMAP_INDEX_QUERIES = 15  # for each section, its first and last ids and the archive's last change


@pytest.mark.parametrize("count", [5, 40])
def test_the_index_and_entity_sections_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    make_linked_articles(count)
    with django_assert_max_num_queries(SITEMAP_INDEX_QUERIES):
        assert client.get(reverse("archive:sitemap")).status_code == 200
    for prefix in ENTITY_MAKERS:
        cache.clear()
        with django_assert_max_num_queries(ENTITY_SECTION_QUERIES):
            assert client.get(reverse("archive:sitemap_section", kwargs={"section": prefix})).status_code == 200


# ---------------------------------------------------------------- pages of a section


@pytest.fixture
def three_a_page(monkeypatch):
    monkeypatch.setattr(IdRangeSitemap, "limit", 3)


def test_a_section_is_split_into_pages_by_id_and_every_page_is_in_the_index(client, three_a_page):
    articles = [make_article() for _ in range(8)]
    articles[4].status = Article.Status.DRAFT  # a gap: its page lists one less
    articles[4].save()
    first_page_starts = (articles[0].pk - 1) // 3 * 3
    expected = {}
    for article in articles:
        if article.status == Article.Status.PUBLISHED:
            expected.setdefault((article.pk - first_page_starts - 1) // 3, set()).add(SITE + article.get_absolute_url())
    pages = [urlsplit(loc) for loc in index_locations(client) if "-articles.xml" in loc]

    listed = [locations(fetch_xml(client, f"{page.path}?{page.query}")) for page in pages]

    assert len(pages) == max(expected) + 1
    assert listed == [expected.get(number, set()) for number in range(len(pages))]


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "9" * 30])
def test_a_page_outside_a_section_is_not_found(client, three_a_page, page):
    for _ in range(4):
        make_article()
    url = reverse("archive:sitemap_section", kwargs={"section": "articles"})

    assert client.get(url, {"p": page}).status_code == 404
