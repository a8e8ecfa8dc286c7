"""The entity pickers' autocomplete: what a typed name, alias or part of one finds, in what order, for whom,
and in how many queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Alias, Place
from tests.helpers.builders import make_incident, make_organisation, make_person, make_place


def autocomplete(client, term, field_name="people"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "archive", "model_name": "article", "field_name": field_name},
    )
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def autocomplete_ids(client, term, field_name="people"):
    return [int(result["id"]) for result in autocomplete(client, term, field_name)]


@pytest.mark.django_db
def test_alias_typed_in_autocomplete_finds_the_person(editor_client, zelenskiy):
    make_person("Petro Poroshenko")

    assert autocomplete_ids(editor_client, "Zelensky") == [zelenskiy.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["zelenskíy", "ZELENSKIY", "Zelénskiy", "volodymyr  zelenskiy"])
def test_autocomplete_ignores_case_diacritics_and_spacing(editor_client, zelenskiy, term):
    make_person("Petro Poroshenko")

    assert autocomplete_ids(editor_client, term) == [zelenskiy.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Зеленський", "Зеленский", "Zelenskyi", "Zelenskyy"])
def test_autocomplete_finds_a_person_typed_in_another_script_or_transliteration(editor_client, term):
    person = make_person("Volodymyr Zelenskiy")
    make_person("Petro Poroshenko")

    assert autocomplete_ids(editor_client, term) == [person.pk]


@pytest.mark.django_db
def test_autocomplete_finds_a_place_by_its_ukrainian_name(editor_client):
    kharkiv = make_place("Kharkiv")
    make_place("Lviv")

    assert autocomplete_ids(editor_client, "Харків", field_name="places") == [kharkiv.pk]


@pytest.mark.django_db
def test_upper_case_place_name_in_autocomplete_finds_the_place(editor_client, kyiv):
    make_place("Lviv")

    assert autocomplete_ids(editor_client, "KYIV", field_name="places") == [kyiv.pk]


@pytest.mark.django_db
def test_name_prefix_typed_in_autocomplete_finds_the_person(editor_client, zelenskiy):
    make_person("Petro Poroshenko")

    assert autocomplete_ids(editor_client, "Volod") == [zelenskiy.pk]


@pytest.mark.django_db
def test_autocomplete_finds_a_word_inside_the_name(editor_client, zelenskiy):
    make_person("Petro Poroshenko")

    assert autocomplete_ids(editor_client, "zelen") == [zelenskiy.pk]


@pytest.mark.django_db
def test_autocomplete_lists_exact_match_then_prefix_then_partial_matches(editor_client):
    # Alphabetically the partial match would come first and the exact match second.
    partial = make_person("Andriy Ivanov")
    prefix = make_person("Ivanna Petrova")
    exact = make_person("Ivan")
    make_person("Olena Kovalenko")

    assert autocomplete_ids(editor_client, "ivan") == [exact.pk, prefix.pk, partial.pk]


@pytest.mark.django_db
def test_autocomplete_ranks_an_exact_alias_before_a_name_prefix(editor_client):
    prefix = make_person("Kyrylo Budanov")
    exact_alias = make_person("Zakhar Kyrylenko", aliases=["Kyrylo"])  # alphabetically last

    assert autocomplete_ids(editor_client, "Kyrylo") == [exact_alias.pk, prefix.pk]


@pytest.mark.django_db
def test_autocomplete_text_shows_role_and_aliases(editor_client, zelenskiy):
    [result] = autocomplete(editor_client, "Zelensky")

    assert result["id"] == str(zelenskiy.pk)
    assert result["text"] == "Volodymyr Zelenskiy · President of Ukraine · also Zelensky, Zelenskyy"


@pytest.mark.django_db
def test_autocomplete_text_tells_a_place_by_kind_and_parent(editor_client):
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY)
    make_place("Kyiv", aliases=["Kiev"], kind=Place.Kind.CITY, parent=ukraine)

    [result] = autocomplete(editor_client, "Kiev", field_name="places")

    assert result["text"] == "Kyiv · city in Ukraine · also Kiev"


@pytest.mark.django_db
def test_old_place_name_kiev_in_autocomplete_finds_kyiv(editor_client, kyiv):
    make_place("Kharkiv")

    assert autocomplete_ids(editor_client, "Kiev", field_name="places") == [kyiv.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("field_name", ["people", "places", "organisations", "incidents"])
def test_autocomplete_for_each_entity_field_searches_only_that_kind(editor_client, field_name):
    # Every kind has an entity with the same alias: aliases are unique per kind only.
    entities = {
        "people": make_person(aliases=["Common spelling"]),
        "places": make_place(aliases=["Common spelling"]),
        "organisations": make_organisation(aliases=["Common spelling"]),
        "incidents": make_incident(aliases=["Common spelling"]),
    }
    expected = entities[field_name]

    [result] = autocomplete(editor_client, "common spelling", field_name=field_name)

    assert result["id"] == str(expected.pk)
    assert result["text"].startswith(expected.name)
    assert "also Common spelling" in result["text"]


@pytest.mark.django_db
def test_autocomplete_with_empty_term_lists_entities_by_name(editor_client):
    names = ["Volodymyr Zelenskiy", "Andriy Yermak", "Petro Poroshenko"]
    people = {name: make_person(name) for name in names}

    results = autocomplete(editor_client, "")

    assert [result["id"] for result in results] == [str(people[name].pk) for name in sorted(names)]


@pytest.mark.django_db
def test_autocomplete_with_no_match_returns_nothing(editor_client, zelenskiy):
    assert autocomplete(editor_client, "Poroshenko") == []


@pytest.mark.django_db
def test_autocomplete_refuses_anonymous_user(client, zelenskiy):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Zelensky", "app_label": "archive", "model_name": "article", "field_name": "people"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert b"Zelenskiy" not in response.content


@pytest.mark.django_db
def test_autocomplete_refuses_logged_in_non_staff_user(client, django_user_model, zelenskiy):
    client.force_login(django_user_model.objects.create_user("reader", password="a-long-test-password"))

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Zelensky", "app_label": "archive", "model_name": "article", "field_name": "people"},
    )

    assert response.status_code == 302
    assert b"Zelenskiy" not in response.content


@pytest.fixture
def many_matches(monkeypatch):
    """Entity pickers read three matches of each kind, so that a handful of people is "many"."""
    monkeypatch.setattr("archive.models.entities.MATCHES_READ", 3)


@pytest.mark.django_db
def test_autocomplete_reads_prefix_matches_before_matches_inside_names(editor_client, many_matches):
    inside = [make_person(f"Anna Lovanska {letter}") for letter in "abcd"]
    starting = make_person("Ovanes Sarkisian")
    by_alias = make_person("Ruslan Tkachenko", aliases=["Ovanesov"])

    found = autocomplete_ids(editor_client, "ovan")

    assert found[:2] == [starting.pk, by_alias.pk] or found[:2] == [by_alias.pk, starting.pk]
    assert len(found) == 3 and set(found[2:]) <= {person.pk for person in inside}


@pytest.mark.django_db
def test_autocomplete_runs_the_same_queries_for_few_and_many_matches(editor_client):
    make_person("Olena Kovalenko", aliases=["Kovalenko"])
    with CaptureQueriesContext(connection) as few:
        autocomplete(editor_client, "kovalenko")
    for number in range(40):
        make_person(f"Kovalenko number {number}", aliases=[f"Kovalenko alias {number}"])
    with CaptureQueriesContext(connection) as many:
        results = autocomplete(editor_client, "kovalenko")

    assert len(results) == 20  # the first page
    assert len(many) == len(few)


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Kiev", "kie", "iev"])
def test_autocomplete_finds_a_place_by_its_alias_through_the_name_indexes(editor_client, term):
    kyiv = make_place("Kyiv", aliases=["Kiev"])
    make_place("Lviv", aliases=["Lvov", "Lemberg"])

    assert autocomplete_ids(editor_client, term, field_name="places") == [kyiv.pk]


@pytest.mark.django_db
def test_entity_name_lookups_have_indexes_on_this_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", ["archive_alias"])
            definitions = dict(cursor.fetchall())
        assert "varchar_pattern_ops" in definitions["archive_alias_key_prefix"]
        assert "gin_trgm_ops" in definitions["archive_alias_key_trgm"]
    else:  # a prefix is a range of the unique index on (content_type, key)
        lookup = Alias.objects.filter(key__gte="kie", key__lt="kif", content_type_id=1).order_by().values("object_id")
        sql, params = lookup.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
