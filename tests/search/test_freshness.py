"""Every change that affects search is searchable at once: publishing, edits, tags, deletions, aliases, time."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from archive.models import Alias, Article, Incident
from archive.search.engine import SearchRequest, search
from archive.search.index import schema_for
from tests.helpers.builders import make_article, make_draft, make_incident, make_person
from tests.helpers.search import PERSON, at, found, found_set, get_page, total_line

pytestmark = pytest.mark.django_db(transaction=False)


def test_publishing_a_draft_makes_it_findable_at_once():
    draft = make_draft(headline="Reservoir report", body="Water levels.")
    assert found(query="reservoir") == []

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert found(query="reservoir") == ["Reservoir report"]


def test_editing_a_headline_is_searchable_at_once():
    article = make_article(headline="Original wording", body="Body.")

    article.headline = "Corrected phrasing"
    article.save()

    assert found(query="original") == []
    assert found(query="corrected phrasing") == ["Corrected phrasing"]


def test_retagging_an_article_changes_what_its_entities_find_at_once(zelenskiy):
    article = make_article(headline="Front visit", body="No names here.")
    make_article(headline="Earlier visit", body="No names here.", people=[zelenskiy], published_at=at(2020, 1, 1))

    article.people.add(zelenskiy)
    assert found_set("zelensky") == {"Front visit", "Earlier visit"}
    assert found(entities=[(PERSON, zelenskiy)], query="front") == ["Front visit"]

    article.people.remove(zelenskiy)
    assert found_set("zelensky") == {"Earlier visit"}
    assert found(entities=[(PERSON, zelenskiy)], query="front") == []


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN])
def test_taking_an_article_down_removes_it_from_search_at_once(client, status):
    article = make_article(headline="Pipeline explosion", body="Gas.")
    assert found(query="pipeline") == ["Pipeline explosion"]

    article.status = status
    article.save()

    assert found(query="pipeline") == []
    assert total_line(get_page(client, q="pipeline")) == "0 results"


def test_deleting_an_article_removes_it_from_search_at_once(zelenskiy):
    article = make_article(headline="Pipeline explosion", body="Gas.", people=[zelenskiy])
    make_article(headline="Other", body="Gas.")

    article.delete()

    assert found(query="pipeline") == []
    assert found_set("gas") == {"Other"}
    assert search(SearchRequest(query="gas")).total == 1


def test_a_new_alias_finds_the_entitys_articles_at_once():
    person = make_person("Kyrylo Budanov")
    make_article(headline="Intelligence briefing", body="No names.", people=[person])
    # Budanow would meet Budanov by sound (w and v); a patronymic shares nothing with the name.
    assert found(query="Kyrylo Oleksiyovych") == []

    Alias.objects.create(entity=person, name="Kyrylo Oleksiyovych")

    assert found(query="Kyrylo Oleksiyovych") == ["Intelligence briefing"]


def test_renaming_a_publication_is_searchable_at_once():
    article = make_article(headline="Wire story", body="Text.", publication="Old Wire")

    article.publication = "New Wire"
    article.save()

    assert found(publication="New Wire") == ["Wire story"]
    assert found(query="text", publication="Old Wire") == []


def test_changing_an_incidents_type_is_searchable_at_once():
    incident = make_incident("Strike on Kramatorsk station", incident_type=Incident.Type.OTHER)
    make_article(headline="Station hit", body="Text.", incidents=[incident])

    incident.incident_type = Incident.Type.SHELLING_MISSILE
    incident.save()

    assert found(incident_type="shelling_missile") == ["Station hit"]
    assert found(query="station", incident_type="other") == []


def test_a_scheduled_article_is_found_once_its_time_comes_without_reindexing(monkeypatch):
    real_now = timezone.now()
    make_article(headline="Embargoed budget", body="Numbers.", published_at=real_now + datetime.timedelta(hours=2))
    assert found(query="embargoed") == []

    monkeypatch.setattr(timezone, "now", lambda: real_now + datetime.timedelta(hours=3))

    assert found(query="embargoed") == ["Embargoed budget"]


def test_rebuild_search_index_refills_an_emptied_index():
    battle = make_incident("Battle of Bakhmut", incident_type=Incident.Type.BATTLE)
    make_article(headline="Street fighting", body="Bakhmut.", incidents=[battle])
    make_draft(headline="Street fighting draft", body="Bakhmut.")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {schema_for(connection).table}")
    assert found(query="street fighting") == []
    # The command runs in a transaction of its own; here the test's transaction still holds the
    # deferred foreign-key checks of the rows above, which PostgreSQL settles before any DDL.
    connection.check_constraints()

    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output, stderr=io.StringIO())

    assert "Indexed 2 articles" in output.getvalue()
    assert found(query="street fighting") == ["Street fighting"]
    assert found(incident_type="battle") == ["Street fighting"]
    assert search(SearchRequest(query="street fighting", public=False)).total == 2
