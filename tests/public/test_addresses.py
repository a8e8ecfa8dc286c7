"""Addresses that last: old addresses of articles and entities redirect, and pages answer 304 until something
they show changes."""

import pytest

from archive.models import ArchiveState, Article
from tests.helpers.builders import make_article, make_person, make_place, make_scheduled
from tests.helpers.public import hours_ago

pytestmark = pytest.mark.django_db


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
