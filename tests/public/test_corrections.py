"""Corrections: on the article, in its structured data, and on the corrections page, for published articles only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import Correction
from tests.helpers.builders import make_article
from tests.helpers.public import assert_nothing_hidden, hidden_articles, html_of, structured_data

pytestmark = pytest.mark.django_db


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
    published = correction.published_at.replace(microsecond=0).isoformat()
    assert structured_data(html)["correction"] == [
        {"@type": "CorrectionComment", "text": correction.text, "datePublished": published}
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
