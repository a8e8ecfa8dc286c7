"""An anonymous crawler follows every link a reader can reach and finds nothing unpublished.

The archive is seeded with a draft, an article in review, a scheduled one and a withdrawn one, each
carrying marker words in every field and linked to entities only they cover (whose names carry
markers too). The crawl starts from the home page, the indexes, the feeds, the sitemaps and
searches for the markers, and reads every page it can reach on this site.
"""

import datetime
import xml.etree.ElementTree as ET
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from archive.models import Article
from tests.helpers.builders import make_article, make_incident, make_person, make_place
from tests.helpers.pages import Page

pytestmark = pytest.mark.django_db

MARKERS = {
    Article.Status.DRAFT: "zqxdraftmarker",
    Article.Status.REVIEW: "zqxreviewmarker",
    "scheduled": "zqxschedulemarker",
    Article.Status.WITHDRAWN: "zqxwithdrawnmarker",
}
START = [
    "/",
    "/people/",
    "/places/",
    "/organisations/",
    "/incidents/",
    "/archive/",
    "/feeds/latest.rss",
    "/feeds/latest.atom",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/search/?q=drone",
    "/search/?q=kyiv&order=newest",
    *(f"/search/?q={marker}" for marker in MARKERS.values()),
    *(f"/search/feed/?q={marker}" for marker in MARKERS.values()),
]
MAX_PAGES = 3000


@pytest.fixture
def seeded_archive():
    kyiv = make_place("Kyiv")
    public_person = make_person("Volodymyr Zelenskiy")
    now = timezone.now()
    for number in range(12):
        make_article(
            headline=f"Drone strike on Kyiv, report {number}",
            body="Officials in Kyiv said drones struck overnight.",
            people=[public_person],
            places=[kyiv],
            published_at=now - datetime.timedelta(days=number * 40 + 1),
        )
    for state, marker in MARKERS.items():
        status = Article.Status.PUBLISHED if state == "scheduled" else state
        published_at = {
            "scheduled": now + datetime.timedelta(days=2),
            Article.Status.WITHDRAWN: now - datetime.timedelta(days=3),
        }.get(state)
        hidden_person = make_person(f"Persona {marker.capitalize()}", aliases=[f"{marker}alias"])
        hidden_place = make_place(f"{marker.capitalize()}ville", parent=kyiv)
        hidden_incident = make_incident(f"Incident {marker}", place=hidden_place)
        make_article(
            headline=f"Drone strike {marker} headline",
            standfirst=f"{marker} standfirst",
            body=f"Drones struck Kyiv. {marker} in the body.",
            byline=f"{marker} byline",
            publication=f"{marker} Wire",
            dateline=marker.upper(),
            slug=f"{marker}-slug",
            status=status,
            published_at=published_at,
            people=[public_person, hidden_person],
            places=[kyiv, hidden_place],
            incidents=[hidden_incident],
        )
    return kyiv


def addresses(response):
    """Every address a response refers to: the href and src attributes of a page, and of a feed or sitemap
    also the text of its <loc>, <link> and <id> elements."""
    kind = response.get("Content-Type", "")
    if "html" in kind:
        return Page(response).urls()
    if "xml" not in kind:
        return []
    found = []
    for element in ET.fromstring(response.content).iter():
        found += [value for name, value in element.attrib.items() if local_name(name).endswith(("href", "src"))]
        if local_name(element.tag) in {"loc", "link", "id"} and element.text:
            found.append(element.text)
    return found


def local_name(name):
    """A tag or attribute name without its XML namespace: "{http://www.w3.org/2005/Atom}link" is "link"."""
    return name.rsplit("}", 1)[-1]


def crawl(client):
    """Every page reachable from START on this site: {url: text}."""
    seen, pages, queue = set(START), {}, deque(START)
    while queue:
        assert len(pages) < MAX_PAGES, "the crawl did not end: a page links to endless new addresses"
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200:
            pages[url] = ""
            continue
        text = response.content.decode()
        pages[url] = text
        for address in addresses(response):
            target = urljoin(url, address.strip())
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local.startswith(("/admin/", "/static/")) or local in seen:
                continue
            seen.add(local)
            queue.append(local)
    return pages


def leaks(pages):
    """(url, marker) for each marker on a page; a search page may echo the words it was asked for."""
    return [
        (url, marker)
        for url, text in pages.items()
        for marker in MARKERS.values()
        if marker in text.lower() and marker not in url
    ]


def test_an_anonymous_crawl_finds_no_unpublished_article_or_entity(client, seeded_archive):
    pages = crawl(client)
    read = [url for url, text in pages.items() if text]
    # It read every kind of public page, not only a few: articles, entities of each kind and their
    # feeds, indexes, date archives, corrections, sitemaps and search.
    for prefix in [
        "/articles/",
        "/people/",
        "/places/",
        "/incidents/",
        "/archive/2",
        "/feeds/people/",
        "/feeds/latest.",
        "/corrections/",
        "/sitemap-",
        "/search/?",
        "/search/feed/",
    ]:
        assert any(url.startswith(prefix) for url in read), prefix
    assert len(read) > 100
    assert leaks(pages) == []


def test_a_warm_cache_leaks_nothing_either(client, seeded_archive):
    crawl(client)  # fills the page cache
    pages = crawl(client)
    assert leaks(pages) == []


def test_staff_previews_leave_nothing_for_the_next_reader(client, seeded_archive, editor):
    crawl(client)  # a warm cache, as on a live site
    client.force_login(editor)
    for article in Article.objects.all():
        response = client.get(f"/preview/articles/{article.pk}/")
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        client.get(article.get_absolute_url())  # staff read the public page too, while logged in
    client.logout()
    pages = crawl(client)
    assert leaks(pages) == []
    assert all(client.get(f"/preview/articles/{article.pk}/").status_code == 404 for article in Article.objects.all())
