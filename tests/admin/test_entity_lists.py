"""The entity changelists: every kind has one, with article counts, sorting, search by alias, a date
hierarchy for incidents and the same queries for 5 rows as for 40."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import ENTITY_KINDS, Alias
from tests.helpers.admin import ALIASES, changelist_ids, changelist_row, hierarchy_links
from tests.helpers.builders import make_article, make_draft, make_incident, make_organisation, make_person, make_place


@pytest.mark.django_db
def test_person_changelist_shows_article_count_counting_links_only(editor_client, zelenskiy):
    # Three spellings and two articles: the count is of articles, not of alias rows.
    with_aliases = zelenskiy
    Alias.objects.create(entity=with_aliases, name="Ze")
    unlinked = make_person("Petro Poroshenko", aliases=["Poroshenko"])
    make_article(people=[with_aliases])
    make_article(people=[with_aliases], places=[make_place()])
    make_draft()

    response = editor_client.get(reverse("admin:archive_person_changelist"))

    assert response.status_code == 200
    counts = {person.pk: person.article_count for person in response.context["cl"].result_list}
    assert counts == {with_aliases.pk: 2, unlinked.pk: 0}
    for person, shown in [(with_aliases, "2"), (unlinked, "0")]:
        row = changelist_row(response, reverse("admin:archive_person_change", args=[person.pk]))
        assert row.one("td.field-article_count").text == shown


@pytest.mark.django_db
def test_person_changelist_sorts_by_article_count(editor_client):
    busy = make_person("Zoe Busy")
    idle = make_person("Adam Idle")
    quiet = make_person("Mark Quiet")
    for _ in range(3):
        make_article(people=[busy])
    make_article(people=[quiet])

    response = editor_client.get(reverse("admin:archive_person_changelist"), {"o": "-3"})

    assert changelist_ids(response) == [busy.pk, quiet.pk, idle.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Zelensky", "zelenskyy", "ZELENSKYY"])
def test_person_changelist_search_by_alias_finds_the_person(editor_client, zelenskiy, term):
    make_person("Petro Poroshenko", aliases=["Poroshenko"])

    response = editor_client.get(reverse("admin:archive_person_changelist"), {"q": term})

    assert changelist_ids(response) == [zelenskiy.pk]
    assert "Volodymyr Zelenskiy" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind_key", list(ENTITY_KINDS))
def test_every_entity_kind_has_an_admin_with_add_page_and_changelist(editor_client, kind_key):
    kind = ENTITY_KINDS[kind_key]
    assert admin.site.is_registered(kind.model)

    add = editor_client.get(reverse(f"admin:{kind.model._meta.app_label}_{kind_key}_add"))
    changelist = editor_client.get(reverse(f"admin:{kind.model._meta.app_label}_{kind_key}_changelist"))

    assert add.status_code == 200
    assert [inline.formset.prefix for inline in add.context["inline_admin_formsets"]] == [ALIASES]
    assert changelist.status_code == 200


@pytest.mark.django_db
def test_admin_index_links_to_every_entity_kind(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()

    assert len(ENTITY_KINDS) == 4
    for kind in ENTITY_KINDS.values():
        assert f'href="{reverse(f"admin:archive_{kind.key}_changelist")}"' in page
        assert f'href="{reverse(f"admin:archive_{kind.key}_add")}"' in page


@pytest.mark.django_db
def test_incident_changelist_date_hierarchy_lists_the_years_and_months_with_incidents(editor_client):
    make_incident("Strike on a depot", date=datetime.date(2023, 3, 1))
    make_incident("Shelling of a port", date=datetime.date(2024, 5, 5))
    make_incident("Raid on a village", date=datetime.date(2024, 9, 9))
    url = reverse("admin:archive_incident_changelist")

    years = hierarchy_links(editor_client.get(url))
    months = hierarchy_links(editor_client.get(url, {"date__year": 2024}))

    assert years == ["?date__year=2023", "?date__year=2024"]
    assert months[1:] == ["?date__month=5&date__year=2024", "?date__month=9&date__year=2024"]


def make_covered_people(count):
    place = make_place(f"Place for {count}")
    people = [make_person(f"Person {count}-{number}") for number in range(count)]
    for person in people:
        make_article(people=[person], places=[place])
    return people


@pytest.mark.django_db
@pytest.mark.parametrize("kind_key", list(ENTITY_KINDS))
def test_entity_changelist_runs_the_same_queries_for_5_and_40_rows(editor_client, kind_key):
    kind = ENTITY_KINDS[kind_key]
    makers = {"person": make_person, "place": make_place, "organisation": make_organisation, "incident": make_incident}
    url = reverse(f"admin:archive_{kind_key}_changelist")

    def add(count, start):
        parent = make_place(f"Region {start}") if kind_key == "place" else None
        for number in range(start, start + count):
            extra = {"parent": parent} if parent else {}
            entity = makers[kind_key](f"Entity number {number}", **extra)
            make_article(**{kind.article_field: [entity]})

    add(5, 0)
    with CaptureQueriesContext(connection) as five:
        editor_client.get(url)
    add(35, 100)
    with CaptureQueriesContext(connection) as forty:
        response = editor_client.get(url)

    assert len(changelist_ids(response)) >= 40
    assert len(forty) == len(five)
    assert all(entity.article_count >= 0 for entity in response.context["cl"].result_list)


@pytest.mark.django_db
def test_entity_changelist_counts_links_for_the_rows_shown_only(editor_client):
    make_covered_people(3)

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(reverse("admin:archive_person_changelist"))

    counted = [query["sql"] for query in queries if "archive_personlink" in query["sql"]]
    assert len(counted) == 1 and " IN (" in counted[0], counted
    assert {person.article_count for person in response.context["cl"].result_list} == {1}
