"""Reading the public pages, and articles of every kind readers must not see."""

import datetime

from django.utils import timezone

from archive.models import Article
from tests.helpers.builders import make_article, make_draft, make_scheduled, make_withdrawn
from tests.helpers.pages import Page

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


def structured_data(html):
    """The page's one JSON-LD block, parsed."""
    (data,) = Page(html).json_ld()
    return data


def withdraw(article, note="Withdrawn: the account it relied on could not be verified."):
    article.status = Article.Status.WITHDRAWN
    article.withdrawal_note = note
    article.save()
    return article
