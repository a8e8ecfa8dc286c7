"""The home page and the archive by date: newest first, only what is published, pages that stay cheap."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.models import Article
from tests.helpers.builders import make_article, make_draft, make_place, make_scheduled, make_withdrawn
from tests.helpers.pages import Page
from tests.helpers.public import assert_nothing_hidden, hidden_articles, hours_ago, html_of

pytestmark = pytest.mark.django_db


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
    (lviv,) = [link for link in Page(html).select("aside.columns__side li > a") if link.text == "Lviv"]
    assert lviv.next_node == " " and lviv.next_element.html == '<span class="count">1</span>'  # hidden ones not counted
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


def test_a_year_page_counts_each_months_articles_without_loading_them(client):
    for day in range(1, 21):
        make_article(published_at=datetime.datetime(2024, 3, day, 12, tzinfo=datetime.UTC))
    make_article(published_at=datetime.datetime(2024, 7, 1, 12, tzinfo=datetime.UTC))
    make_draft(headline="Draft of July")

    with CaptureQueriesContext(connection) as queries:
        html = html_of(client, "/archive/2024/")

    months = {
        item.one("a").text.split()[0]: item.one("span.count").text for item in Page(html).select(".month-list li")
    }
    assert months == {"March": "20 articles", "July": "1 article"}
    # One count per month, in one query; no article is loaded.
    article_rows = [q["sql"] for q in queries if 'FROM "archive_article"' in q["sql"] and "LIMIT" not in q["sql"]]
    assert len(article_rows) == 1 and "COUNT(" in article_rows[0], article_rows


def test_the_archive_index_lists_only_years_with_published_articles_newest_first(client):
    for year in (2019, 2024, 2020):
        make_article(published_at=datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC))
    make_article(status=Article.Status.DRAFT, published_at=datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC))
    make_withdrawn(published_at=datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC))
    make_article(published_at=timezone.now() + datetime.timedelta(days=800))  # scheduled

    addresses = Page(html_of(client, "/archive/")).urls()
    years = [match.group(1) for address in addresses if (match := re.fullmatch(r"/archive/(\d+)/", address))]

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


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/archive/2024/03/", "/archive/2024/3/"),
        ("/archive/2024/3/05/", "/archive/2024/3/5/"),
        ("/archive/02024/", "/archive/2024/"),
        ("/archive/2024/03/?page=2", "/archive/2024/3/?page=2"),
    ],
)
def test_a_date_written_with_leading_zeros_redirects_to_its_one_address(client, path, canonical):
    make_article(published_at=datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC))

    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == canonical


@pytest.mark.parametrize("page", ["abc", "", "-3", "1.5"])
def test_a_page_number_that_is_not_one_shows_the_first_page_on_every_list(client, page):
    place = make_place("Kherson")
    make_article(headline="Dated story", published_at=datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC))
    make_article(headline="Placed story", places=[place])

    for path in ["/", "/archive/2024/3/", "/archive/2024/3/5/", place.get_absolute_url(), "/corrections/", "/places/"]:
        response = client.get(path, {"page": page})
        assert response.status_code == 200, path
