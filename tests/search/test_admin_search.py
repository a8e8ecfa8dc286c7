"""The admin's article search: drafts found by words and by entity aliases, and a note when only the newest
matches are listed."""

import pytest
from django.urls import reverse

from archive.search import engine
from tests.helpers.builders import make_article, make_draft, make_person, make_scheduled

pytestmark = pytest.mark.django_db(transaction=False)


def changelist_ids(response):
    assert response.status_code == 200
    return sorted(article.pk for article in response.context["cl"].result_list)


def test_admin_article_search_finds_drafts_by_words(editor_client):
    draft = make_draft(headline="Embargoed reservoir report", body="Water.")
    published = make_article(headline="Reservoir levels fall", body="Water.")
    make_article(headline="Unrelated", body="Elections.")

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "reservoir"})

    assert changelist_ids(response) == sorted([draft.pk, published.pk])


def test_admin_article_search_finds_drafts_by_entity_alias(editor_client, zelenskiy):
    make_article(headline="Public visit", body="No names.", people=[zelenskiy])
    draft = make_draft(headline="Draft interview", body="No names.", people=[zelenskiy])
    scheduled = make_scheduled(headline="Scheduled interview", body="No names.", people=[zelenskiy])

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "Zelensky"})

    assert {draft.pk, scheduled.pk} <= set(changelist_ids(response))
    assert len(changelist_ids(response)) == 3


def test_admin_article_search_finds_drafts_by_the_alias_of_an_entity_only_drafts_cover(editor_client):
    person = make_person("Kyrylo Budanov", aliases=["Budanow"])
    draft = make_draft(headline="Draft about the intelligence chief", body="No names.", people=[person])

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "Budanow"})

    assert changelist_ids(response) == [draft.pk]


def test_admin_article_search_says_when_it_shows_only_the_newest_matches(editor_client, monkeypatch):
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    monkeypatch.setattr("archive.admin.articles.CANDIDATES", 3)
    for number in range(4):
        make_article(headline=f"Reservoir report {number}", body="Water.")

    many = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "reservoir"})
    few = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "report 2"})

    assert len(changelist_ids(many)) == 3
    assert "Only the newest 3 articles that match “reservoir” are listed." in many.content.decode()
    assert "Only the newest" not in few.content.decode()
