"""The editors' admin, exercised through its HTTP surface.

Autocomplete answers, the article form with its entity pickers and sources,
the entity forms that keep one name to one entity, the changelists, actions
and the popup that adds an entity from the article form.
"""

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.models import ENTITY_KINDS, Alias, Article, Incident, Organisation, Person, Place, SourceLink
from tests.helpers.admin import (
    ALIASES,
    all_errors,
    article_form_data,
    changelist_ids,
    entity_form_data,
    run_action,
)
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

# Measured on SQLite and PostgreSQL: session, user, count, the page of rows,
# the date hierarchy's range and days, and the publication filter's values.
# The same bound must hold with 5 rows and with 40.
ARTICLE_CHANGELIST_MAX_QUERIES = 7


# ---------------------------------------------------------------- helpers


def autocomplete(client, term, field_name="people"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "archive", "model_name": "article", "field_name": field_name},
    )
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def autocomplete_ids(client, term, field_name="people"):
    return [int(result["id"]) for result in autocomplete(client, term, field_name)]


def select_tag(page, name):
    match = re.search(rf'<select name="{name}"[^>]*>', page)
    assert match, f"no <select name={name!r}> on the page"
    return match.group(0)


def popup_response_data(response):
    match = re.search(r'data-popup-response="([^"]*)"', response.content.decode())
    assert match, "not a popup response page"
    return json.loads(html.unescape(match.group(1)))


def link_ids(article, field):
    return set(getattr(article, field).values_list("pk", flat=True))


@pytest.fixture
def zelenskiy(db):
    return make_person(aliases=["Zelensky", "Zelenskyy"], role="President of Ukraine")


@pytest.fixture
def kyiv(db):
    return make_place(aliases=["Kiev"], kind=Place.Kind.CITY)


# ---------------------------------------------------------------- 1. autocomplete


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


# ---------------------------------------------------------------- 2. the article form's entity pickers


@pytest.mark.django_db
@pytest.mark.parametrize("field_name", [kind.article_field for kind in ENTITY_KINDS.values()])
def test_article_add_form_renders_entity_field_as_autocomplete_select(editor_client, field_name):
    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()

    tag = select_tag(page, field_name)
    assert 'class="admin-autocomplete"' in tag
    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in tag
    assert f'data-field-name="{field_name}"' in tag
    assert " multiple" in tag
    # Not taggit's comma-separated text box.
    assert not re.search(rf'<input[^>]*name="{field_name}"', page)


@pytest.mark.django_db
@pytest.mark.parametrize("kind_key", list(ENTITY_KINDS))
def test_article_add_form_has_add_link_for_entity_kind(editor_client, kind_key):
    kind = ENTITY_KINDS[kind_key]
    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()

    link = re.search(rf'<a [^>]*id="add_id_{kind.article_field}"[^>]*>', page, re.DOTALL)
    assert link, f"no add link for {kind.article_field}"
    add_url = reverse(f"admin:archive_{kind_key}_add")
    assert f'href="{add_url}?_to_field=id&amp;_popup=1"' in link.group(0)


@pytest.mark.django_db
def test_article_change_form_shows_linked_entities_as_selected_options(editor_client, zelenskiy, kyiv):
    other = make_person("Petro Poroshenko")
    article = make_article(people=[zelenskiy], places=[kyiv])

    page = editor_client.get(reverse("admin:archive_article_change", args=[article.pk])).content.decode()

    people = page[page.index('<select name="people"') : page.index("</select>", page.index('<select name="people"'))]
    assert f'<option value="{zelenskiy.pk}" selected>Volodymyr Zelenskiy</option>' in people
    # Only the chosen entities are rendered; the rest come from autocomplete.
    assert other.name not in people
    places = page[page.index('<select name="places"') : page.index("</select>", page.index('<select name="places"'))]
    assert f'<option value="{kyiv.pk}" selected>Kyiv</option>' in places


# ---------------------------------------------------------------- 3. saving articles


@pytest.fixture
def one_of_each(zelenskiy, kyiv):
    return {
        "people": [zelenskiy, make_person("Andriy Yermak", role="Head of the Presidential Office")],
        "places": [kyiv],
        "organisations": [make_organisation(aliases=["SBU"], kind="agency")],
        "incidents": [make_incident()],
    }


def ids(entities):
    return [str(entity.pk) for entity in entities]


@pytest.mark.django_db
def test_article_add_form_links_entities_of_every_kind_and_saves_source(editor_client, one_of_each):
    make_person("Petro Poroshenko")  # exists, not chosen
    data = article_form_data(
        **{field: ids(entities) for field, entities in one_of_each.items()},
        status=Article.Status.PUBLISHED,
        published_at_0="2025-01-12",
        published_at_1="09:30:00",
        sources=[{"title": "Reuters report", "url": "https://www.reuters.com/world/europe/x/", "publisher": "Reuters"}],
    )

    response = editor_client.post(reverse("admin:archive_article_add"), data)

    assert response.status_code == 302, all_errors(response)
    article = Article.objects.get()
    for field, entities in one_of_each.items():
        assert link_ids(article, field) == {entity.pk for entity in entities}, field
    for kind in ENTITY_KINDS.values():
        assert kind.link_model.objects.filter(content_object=article).count() == len(one_of_each[kind.article_field])
    source = SourceLink.objects.get()
    assert (source.article, source.title, source.url, source.publisher) == (
        article,
        "Reuters report",
        "https://www.reuters.com/world/europe/x/",
        "Reuters",
    )
    assert article.published_at == datetime.datetime(2025, 1, 12, 9, 30, tzinfo=timezone.get_current_timezone())


@pytest.mark.django_db
def test_publishing_from_add_form_without_a_time_saves_and_fills_publication_time(editor_client, one_of_each):
    before = timezone.now()
    data = article_form_data(
        **{field: ids(entities) for field, entities in one_of_each.items()},
        status=Article.Status.PUBLISHED,
        sources=[{"title": "Reuters report", "url": "https://www.reuters.com/world/europe/x/", "publisher": "Reuters"}],
    )

    response = editor_client.post(reverse("admin:archive_article_add"), data)

    assert response.status_code == 302, all_errors(response)
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()
    assert article.first_published_at == article.published_at
    for field, entities in one_of_each.items():
        assert link_ids(article, field) == {entity.pk for entity in entities}, field
    assert SourceLink.objects.filter(article=article, publisher="Reuters").count() == 1


@pytest.mark.django_db
def test_removing_one_person_in_change_form_removes_only_that_link(editor_client, one_of_each):
    zelenskiy, yermak = one_of_each["people"]
    article = make_article(**one_of_each)
    source = SourceLink.objects.create(article=article, url="https://example.com/a", title="A")
    other_article = make_article(people=[zelenskiy, yermak])
    data = article_form_data(
        headline=article.headline,
        slug=article.slug,
        body=article.body,
        status=article.status,
        published_at_0=article.published_at.strftime("%Y-%m-%d"),
        published_at_1=article.published_at.strftime("%H:%M:%S"),
        people=ids([yermak]),
        **{field: ids(entities) for field, entities in one_of_each.items() if field != "people"},
        existing_sources=[source],
        opened_version=str(article.version),
    )

    response = editor_client.post(reverse("admin:archive_article_change", args=[article.pk]), data)

    assert response.status_code == 302, all_errors(response)
    assert link_ids(article, "people") == {yermak.pk}
    for field in ["places", "organisations", "incidents"]:
        assert link_ids(article, field) == {entity.pk for entity in one_of_each[field]}, field
    assert link_ids(other_article, "people") == {zelenskiy.pk, yermak.pk}
    assert Person.objects.filter(pk=zelenskiy.pk).exists()
    assert SourceLink.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_article_form_refuses_an_entity_id_that_does_not_exist(editor_client, zelenskiy):
    missing = Person.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000

    response = editor_client.post(
        reverse("admin:archive_article_add"), article_form_data(people=[str(zelenskiy.pk), str(missing)])
    )

    assert response.status_code == 200
    assert "people" in response.context["adminform"].form.errors
    assert Article.objects.count() == 0
    assert list(Person.objects.values_list("name", flat=True)) == ["Volodymyr Zelenskiy"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Somebody New", "1; DROP TABLE", "\x00", "9" * 40])
def test_article_form_refuses_an_entity_value_that_is_not_an_id_without_crashing(editor_client, zelenskiy, value):
    response = editor_client.post(
        reverse("admin:archive_article_add"), article_form_data(people=[str(zelenskiy.pk), value])
    )

    assert response.status_code == 200
    assert "people" in response.context["adminform"].form.errors
    assert Article.objects.count() == 0
    assert Person.objects.count() == 1


# ---------------------------------------------------------------- 4. one name, one entity


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["VOLODYMYR ZELENSKIY", "Volodymyr Zelenskíy", "volodymyr   zelenskiy"])
def test_person_add_refuses_a_case_or_diacritic_variant_of_an_existing_name(editor_client, zelenskiy, name):
    response = editor_client.post(reverse("admin:archive_person_add"), entity_form_data(name))

    assert response.status_code == 200
    assert "“Volodymyr Zelenskiy”" in all_errors(response)
    assert Person.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Zelensky", "ZELENSKYY"])
def test_person_add_refuses_a_name_that_is_another_persons_alias(editor_client, zelenskiy, name):
    response = editor_client.post(reverse("admin:archive_person_add"), entity_form_data(name))

    assert response.status_code == 200
    assert "“Volodymyr Zelenskiy”" in all_errors(response)
    assert Person.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("alias", ["Volodymyr Zelenskiy", "volodymyr zelenskíy", "Zelensky", "ZELENSKYY"])
def test_person_add_refuses_an_alias_that_names_another_person(editor_client, zelenskiy, alias):
    response = editor_client.post(
        reverse("admin:archive_person_add"), entity_form_data("Oleksandr Zelenskyi", aliases=[alias])
    )

    assert response.status_code == 200
    assert "“Volodymyr Zelenskiy”" in all_errors(response)
    assert Person.objects.count() == 1
    assert Alias.objects.count() == 2


@pytest.mark.django_db
def test_person_change_refuses_an_alias_that_names_another_person(editor_client, zelenskiy):
    poroshenko = make_person("Petro Poroshenko")

    response = editor_client.post(
        reverse("admin:archive_person_change", args=[poroshenko.pk]),
        entity_form_data("Petro Poroshenko", aliases=["Zelensky"]),
    )

    assert response.status_code == 200
    assert "“Volodymyr Zelenskiy”" in all_errors(response)
    assert not poroshenko.aliases.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("alias", ["Petro Poroshenko", "PETRO POROSHENKO", "Petro Poróshenko"])
def test_person_add_refuses_an_alias_equal_to_its_own_name(editor_client, alias):
    response = editor_client.post(
        reverse("admin:archive_person_add"), entity_form_data("Petro Poroshenko", aliases=[alias])
    )

    assert response.status_code == 200
    assert "same as the name" in all_errors(response)
    assert not Person.objects.exists()
    assert not Alias.objects.exists()


@pytest.mark.django_db
def test_person_change_refuses_an_alias_equal_to_the_new_name_it_is_given(editor_client):
    person = make_person("Petro Poroshenko")

    response = editor_client.post(
        reverse("admin:archive_person_change", args=[person.pk]),
        entity_form_data("Petro O. Poroshenko", aliases=["Petro O. Poroshenko"]),
    )

    assert response.status_code == 200
    assert "same as the name" in all_errors(response)
    person.refresh_from_db()
    assert person.name == "Petro Poroshenko"
    assert not person.aliases.exists()


@pytest.mark.django_db
def test_person_change_accepts_the_old_name_as_an_alias_when_renaming(editor_client):
    person = make_person("Petro Poroshenko")

    response = editor_client.post(
        reverse("admin:archive_person_change", args=[person.pk]),
        entity_form_data("Petro O. Poroshenko", aliases=["Petro Poroshenko"]),
    )

    assert response.status_code == 302, all_errors(response)
    person.refresh_from_db()
    assert person.name == "Petro O. Poroshenko"
    assert person.alias_names == ["Petro Poroshenko"]


@pytest.mark.django_db
def test_person_add_refuses_the_same_alias_twice(editor_client):
    response = editor_client.post(
        reverse("admin:archive_person_add"),
        entity_form_data("Volodymyr Zelenskiy", aliases=["Zelensky", "ZELENSKY"]),
    )

    assert response.status_code == 200
    assert "same as the name or another alias" in all_errors(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["???", "—", "  ...  "])
def test_person_add_refuses_a_name_without_letters(editor_client, name):
    response = editor_client.post(reverse("admin:archive_person_add"), entity_form_data(name))

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_person_add_refuses_an_alias_without_letters(editor_client):
    response = editor_client.post(
        reverse("admin:archive_person_add"), entity_form_data("Volodymyr Zelenskiy", aliases=["???"])
    )

    assert response.status_code == 200
    assert "no letters or digits" in all_errors(response)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_person_add_saves_person_with_new_aliases(editor_client, kyiv):
    # "Kiev" names a place; people are a separate namespace, so a person may use it.
    response = editor_client.post(
        reverse("admin:archive_person_add"),
        entity_form_data("Vitali Klitschko", aliases=["Vitaliy Klychko", "Kiev"], role="Mayor of Kyiv"),
    )

    assert response.status_code == 302, all_errors(response)
    person = Person.objects.get()
    assert (person.name, person.role, person.slug) == ("Vitali Klitschko", "Mayor of Kyiv", "vitali-klitschko")
    assert sorted(person.alias_names) == ["Kiev", "Vitaliy Klychko"]
    person_aliases = Alias.objects.filter(content_type=ContentType.objects.get_for_model(Person))
    assert set(person_aliases.values_list("key", flat=True)) == {"kiev", "vitaliy klychko"}


@pytest.mark.django_db
def test_person_change_keeps_its_own_name_and_aliases_without_conflict(editor_client, zelenskiy):
    aliases = list(zelenskiy.aliases.all())

    response = editor_client.post(
        reverse("admin:archive_person_change", args=[zelenskiy.pk]),
        entity_form_data("Volodymyr Zelenskiy", slug=zelenskiy.slug, role="President", existing_aliases=aliases),
    )

    assert response.status_code == 302, all_errors(response)
    zelenskiy.refresh_from_db()
    assert zelenskiy.role == "President"
    assert sorted(zelenskiy.alias_names) == ["Zelensky", "Zelenskyy"]


# ---------------------------------------------------------------- 5. entity admins


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
    page = response.content.decode()
    row = re.search(rf"<tr>.*?/admin/archive/person/{with_aliases.pk}/change/.*?</tr>", page, re.DOTALL).group(0)
    assert '<td class="field-article_count">2</td>' in row
    row = re.search(rf"<tr>.*?/admin/archive/person/{unlinked.pk}/change/.*?</tr>", page, re.DOTALL).group(0)
    assert '<td class="field-article_count">0</td>' in row


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
def test_place_change_form_saves_parent_and_coordinates(editor_client, kyiv):
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY)
    aliases = list(kyiv.aliases.all())

    response = editor_client.post(
        reverse("admin:archive_place_change", args=[kyiv.pk]),
        entity_form_data(
            "Kyiv",
            slug=kyiv.slug,
            kind=Place.Kind.CITY,
            parent=str(ukraine.pk),
            latitude="50.45010",
            longitude="30.52340",
            existing_aliases=aliases,
        ),
    )

    assert response.status_code == 302, all_errors(response)
    kyiv.refresh_from_db()
    assert kyiv.parent == ukraine
    assert (kyiv.latitude, kyiv.longitude) == (Decimal("50.45010"), Decimal("30.52340"))
    assert kyiv.alias_names == ["Kiev"]


@pytest.mark.django_db
def test_place_change_form_refuses_a_latitude_out_of_range(editor_client, kyiv):
    response = editor_client.post(
        reverse("admin:archive_place_change", args=[kyiv.pk]),
        entity_form_data(
            "Kyiv",
            slug=kyiv.slug,
            kind=Place.Kind.CITY,
            parent="",
            latitude="95",
            longitude="30.5",
            existing_aliases=list(kyiv.aliases.all()),
        ),
    )

    assert response.status_code == 200
    assert "place_latitude_range" in all_errors(response)
    kyiv.refresh_from_db()
    assert kyiv.latitude is None


@pytest.mark.django_db
def test_place_change_form_refuses_a_place_inside_its_own_child(editor_client):
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY)
    kyiv = make_place("Kyiv", parent=ukraine)

    response = editor_client.post(
        reverse("admin:archive_place_change", args=[ukraine.pk]),
        entity_form_data(
            "Ukraine", slug=ukraine.slug, kind=Place.Kind.COUNTRY, parent=str(kyiv.pk), latitude="", longitude=""
        ),
    )

    assert response.status_code == 200
    assert "cannot lie inside itself" in all_errors(response)
    ukraine.refresh_from_db()
    assert ukraine.parent is None


@pytest.mark.django_db
@pytest.mark.parametrize(("posted", "stored"), [("", None), ("0", 0), ("12", 12)])
def test_incident_add_saves_killed_empty_as_unknown_and_zero_as_zero(editor_client, posted, stored):
    response = editor_client.post(
        reverse("admin:archive_incident_add"),
        entity_form_data(
            "Missile strike on Okhmatdyt hospital",
            date="2024-07-08",
            end_date="",
            date_precision=Incident.Precision.DAY,
            incident_type=Incident.Type.SHELLING_MISSILE,
            place="",
            killed=posted,
            injured="",
            summary="",
        ),
    )

    assert response.status_code == 302, all_errors(response)
    incident = Incident.objects.get()
    assert incident.killed == stored
    assert incident.injured is None
    assert incident.date == datetime.date(2024, 7, 8)


# ---------------------------------------------------------------- 6. article changelist


@pytest.fixture
def one_article_per_visibility(db):
    return {
        "live": make_article(headline="Live article"),
        "scheduled": make_scheduled(headline="Scheduled article"),
        "draft": make_draft(headline="Draft article"),
        "review": make_article(headline="Review article", status=Article.Status.REVIEW, published_at=None),
        "withdrawn": make_withdrawn(headline="Withdrawn article"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["live", "scheduled", "draft", "review", "withdrawn"])
def test_article_changelist_visibility_filter_returns_only_that_visibility(
    editor_client, one_article_per_visibility, visibility
):
    response = editor_client.get(reverse("admin:archive_article_changelist"), {"visibility": visibility})

    assert response.status_code == 200
    assert changelist_ids(response) == [one_article_per_visibility[visibility].pk]


@pytest.mark.django_db
def test_article_changelist_without_filter_lists_every_article(editor_client, one_article_per_visibility):
    response = editor_client.get(reverse("admin:archive_article_changelist"))

    assert set(changelist_ids(response)) == {article.pk for article in one_article_per_visibility.values()}


@pytest.mark.django_db
def test_article_changelist_labels_scheduled_articles(editor_client, one_article_per_visibility):
    page = editor_client.get(reverse("admin:archive_article_changelist")).content.decode()

    assert '<td class="field-status_label">Scheduled</td>' in page
    assert '<td class="field-status_label">Published</td>' in page
    assert '<td class="field-status_label">In review</td>' in page


@pytest.mark.django_db
def test_publish_action_publishes_drafts_now(editor_client):
    drafts = [make_draft(), make_draft()]
    untouched = make_draft()
    before = timezone.now()

    response = run_action(editor_client, "publish", drafts)

    assert response.status_code == 302
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED
        assert before <= draft.published_at <= timezone.now()
        assert draft.first_published_at == draft.published_at
    untouched.refresh_from_db()
    assert (untouched.status, untouched.published_at) == (Article.Status.DRAFT, None)
    assert set(Article.objects.published().values_list("pk", flat=True)) == {draft.pk for draft in drafts}


@pytest.mark.django_db
def test_publish_action_leaves_scheduled_articles_at_their_time(editor_client):
    scheduled = make_scheduled()
    publish_time = scheduled.published_at

    run_action(editor_client, "publish", [scheduled])

    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.published_at) == (Article.Status.PUBLISHED, publish_time)


@pytest.mark.django_db
def test_unpublish_action_returns_published_articles_to_draft(editor_client):
    live, scheduled = make_article(), make_scheduled()
    withdrawn = make_withdrawn()

    response = run_action(editor_client, "unpublish", [live, scheduled, withdrawn])

    assert response.status_code == 302
    for article in (live, scheduled):
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
    withdrawn.refresh_from_db()
    assert withdrawn.status == Article.Status.WITHDRAWN
    assert not Article.objects.published().exists()


def make_changelist_articles(count):
    makers = [make_article, make_scheduled, make_draft, make_withdrawn]
    for number in range(count):
        makers[number % len(makers)](publication=f"Outlet {number % 3}")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 40])
def test_article_changelist_query_count_does_not_depend_on_number_of_rows(
    editor_client, django_assert_max_num_queries, count
):
    make_changelist_articles(count)

    with django_assert_max_num_queries(ARTICLE_CHANGELIST_MAX_QUERIES):
        response = editor_client.get(reverse("admin:archive_article_changelist"))

    assert len(changelist_ids(response)) == count


@pytest.mark.django_db
def test_article_changelist_runs_the_same_queries_for_5_and_40_rows(editor_client):
    make_changelist_articles(5)
    with CaptureQueriesContext(connection) as five:
        editor_client.get(reverse("admin:archive_article_changelist"))
    make_changelist_articles(35)
    with CaptureQueriesContext(connection) as forty:
        response = editor_client.get(reverse("admin:archive_article_changelist"))

    assert len(changelist_ids(response)) == 40
    assert len(forty) == len(five)


@pytest.mark.django_db
def test_article_changelist_search_finds_by_headline(editor_client):
    wanted = make_article(headline="Drone strike hits Kyiv apartment block")
    make_article(headline="Parliament passes budget")

    response = editor_client.get(reverse("admin:archive_article_changelist"), {"q": "apartment"})

    assert changelist_ids(response) == [wanted.pk]


# ---------------------------------------------------------------- 7. every kind has an admin


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


# ---------------------------------------------------------------- 8. adding a person from the article form


@pytest.mark.django_db
def test_person_popup_add_form_opens_from_article_form(editor_client):
    response = editor_client.get(reverse("admin:archive_person_add"), {"_popup": "1", "_to_field": "id"})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<input type="hidden" name="_popup" value="1">' in page
    assert '<input type="hidden" name="_to_field" value="id">' in page


@pytest.mark.django_db
def test_person_popup_add_creates_person_and_returns_popup_response(editor_client):
    data = entity_form_data("Andriy Yermak", aliases=["Yermak"], role="Head of the Presidential Office")
    data.update({"_popup": "1", "_to_field": "id", "_save": "Save"})

    response = editor_client.post(f"{reverse('admin:archive_person_add')}?_popup=1&_to_field=id", data)

    assert response.status_code == 200
    assert "popup_response" in response.content.decode()
    person = Person.objects.get()
    assert person.alias_names == ["Yermak"]
    assert popup_response_data(response) == {"value": str(person.pk), "obj": "Andriy Yermak"}


@pytest.mark.django_db
def test_person_popup_add_with_a_taken_name_shows_the_form_again(editor_client, zelenskiy):
    data = entity_form_data("Zelensky")
    data.update({"_popup": "1", "_to_field": "id", "_save": "Save"})

    response = editor_client.post(f"{reverse('admin:archive_person_add')}?_popup=1&_to_field=id", data)

    assert response.status_code == 200
    assert "popup_response" not in response.content.decode()
    assert "“Volodymyr Zelenskiy”" in all_errors(response)
    assert Person.objects.count() == 1


# ---------------------------------------------------------------- 9. names close to an existing entity


def add_entity(client, model, name, *, popup=False, **fields):
    data = entity_form_data(name, **fields)
    url = reverse(f"admin:archive_{model._meta.model_name}_add")
    if popup:
        data.update({"_popup": "1", "_to_field": "id"})
        url += "?_popup=1&_to_field=id"
    return client.post(url, data)


def warning_of(response):
    """The near-duplicate warning's text, or "" if the page has none."""
    match = re.search(r'<div class="near-duplicates">(.*?)</div>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(match.group(1))).split()) if match else ""


# ---------------------------------------------------------------- 10. lists that stay quick on a big archive


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def article_changelist(client, **params):
    response = client.get(reverse("admin:archive_article_changelist"), params)
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture
def short_pages(monkeypatch):
    """Pages of two articles and exact counts up to five, so that a dozen articles is a "long" list."""
    from archive.admin.articles import ArticleAdmin
    from archive.lib.pagination import CappedCountPaginator

    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    monkeypatch.setattr(CappedCountPaginator, "exact_up_to", 5)


@pytest.mark.django_db
def test_article_changelist_counts_a_short_list_exactly(editor_client):
    for _ in range(3):
        make_article()

    response = article_changelist(editor_client)

    assert response.context["cl"].result_count == 3
    assert "3 articles" in response.content.decode()


@pytest.mark.django_db
def test_article_changelist_counts_a_long_list_no_further_than_needed(editor_client, short_pages):
    for _ in range(12):
        make_article()

    with CaptureQueriesContext(connection) as queries:
        response = article_changelist(editor_client)

    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert counts and all("LIMIT 6" in sql for sql in counts), counts
    assert len(changelist_ids(response)) == 2


@pytest.mark.django_db
def test_article_changelist_shows_an_estimate_for_the_whole_table(editor_client, short_pages):
    from archive.ops.planner import refresh_planner_statistics

    for _ in range(12):
        make_article()
    refresh_planner_statistics()  # PostgreSQL's planner estimates from these; SQLite from the span of ids

    response = article_changelist(editor_client)

    assert str(response.context["cl"].result_count) == "about 12"
    assert "about 12 articles" in response.content.decode()


@pytest.mark.django_db
def test_filtered_article_changelist_past_the_cap_says_how_many_at_least(editor_client, short_pages):
    for _ in range(8):
        make_draft()
    make_article()

    response = article_changelist(editor_client, visibility="draft")

    count = response.context["cl"].result_count
    if connection.vendor == "sqlite":  # no estimate for a filtered list: the rows counted
        assert str(count) == "5+"
    else:  # PostgreSQL's estimate, or the rows counted where it guesses fewer
        assert str(count) == "5+" or str(count).startswith("about ")
    assert int(count) >= 5
    assert len(changelist_ids(response)) == 2


@pytest.mark.django_db
def test_a_late_page_of_the_article_changelist_is_reachable_past_the_cap(editor_client, short_pages):
    articles = [make_article(published_at=timezone.now() - datetime.timedelta(days=day)) for day in range(12)]

    response = article_changelist(editor_client, p=6)

    assert changelist_ids(response) == [articles[10].pk, articles[11].pk]


@pytest.fixture(params=["read whole", "probed"])
def dated_articles(request, db, monkeypatch):
    """Articles on a few dates; the date drill-down reads them whole (a short list) or probes the index."""
    if request.param == "probed":
        monkeypatch.setattr("archive.templatetags.archive_admin.READ_WHOLE_UP_TO", 0)
    return {
        "2023": make_article(published_at=at(2023, 5, 3)),
        "2024a": make_article(published_at=at(2024, 2, 10)),
        "2024b": make_article(published_at=at(2024, 2, 20), publication="Reuters"),
        "withdrawn": make_withdrawn(published_at=at(2024, 7, 1)),
        "draft": make_draft(),
    }


def hierarchy_links(response):
    page = response.content.decode()
    block = re.search(r'<nav class="toplinks">(.*?)</nav>', page, re.DOTALL)
    assert block, "no date hierarchy on the page"
    return [html.unescape(link) for link in re.findall(r'<a href="([^"]*)"', block.group(1))]


@pytest.mark.django_db
def test_date_hierarchy_lists_only_the_years_months_and_days_that_have_articles(editor_client, dated_articles):
    years = hierarchy_links(article_changelist(editor_client))
    months = hierarchy_links(article_changelist(editor_client, published_at__year=2024))
    days = hierarchy_links(article_changelist(editor_client, published_at__year=2024, published_at__month=2))

    assert years == ["?published_at__year=2023", "?published_at__year=2024"]
    assert months[1:] == [
        "?published_at__month=2&published_at__year=2024",
        "?published_at__month=7&published_at__year=2024",
    ]
    assert days[1:] == [
        "?published_at__day=10&published_at__month=2&published_at__year=2024",
        "?published_at__day=20&published_at__month=2&published_at__year=2024",
    ]


@pytest.mark.django_db
def test_date_hierarchy_follows_the_filters(editor_client, dated_articles):
    response = article_changelist(editor_client, visibility="withdrawn", published_at__year=2024)

    assert hierarchy_links(response)[1:] == ["?published_at__month=7&published_at__year=2024&visibility=withdrawn"]
    assert changelist_ids(response) == [dated_articles["withdrawn"].pk]


@pytest.mark.django_db
def test_date_hierarchy_day_lists_that_days_articles(editor_client, dated_articles):
    response = article_changelist(editor_client, published_at__year=2024, published_at__month=2, published_at__day=20)

    assert changelist_ids(response) == [dated_articles["2024b"].pk]


@pytest.mark.django_db
def test_date_hierarchy_runs_the_same_queries_for_few_and_many_articles(editor_client, dated_articles):
    with CaptureQueriesContext(connection) as few:
        article_changelist(editor_client, published_at__year=2024)
    for day in range(1, 29):
        make_article(published_at=at(2024, 3, day))
        make_article(published_at=at(2019, 1 + day % 12, day))
    with CaptureQueriesContext(connection) as many:
        response = article_changelist(editor_client, published_at__year=2024)

    assert len(many) == len(few)
    assert "?published_at__month=3&published_at__year=2024" in hierarchy_links(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Volodymyr Zelensky", "similar spelling"),
        ("Volodymyr Zelenskyy", "similar spelling"),
        ("Volodimir Zelenksiy", "similar spelling"),
        ("Zelenskiy", "a word more"),
        ("Volodymyr Oleksandrovych Zelenskiy", "a word fewer"),
    ],
)
def test_adding_a_person_close_to_an_existing_one_shows_it_and_saves_nothing(editor_client, name, reason):
    existing = make_person("Volodymyr Zelenskiy", role="President of Ukraine")
    make_article(people=[existing])
    make_article(people=[existing])
    make_person("Petro Poroshenko")

    response = add_entity(editor_client, Person, name)

    assert response.status_code == 200
    assert warning_of(response) == (
        f"This person may already be in the archive. “{name}” is close to: Volodymyr Zelenskiy ({reason}; 2 articles) "
        "If one of them is the person you mean, use it instead. "
        "If not, tick “This is a different person” and save again."
    )
    assert f'href="{reverse("admin:archive_person_change", args=[existing.pk])}"' in response.content.decode()
    assert re.search(r'<input type="checkbox" name="not_a_duplicate"[^>]*>', response.content.decode())
    assert Person.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "shown"), [("Kiev", "Kyiv"), ("Kyev", "Kyiv"), ("Kiyv", "Kyiv")])
def test_adding_a_place_one_or_two_letters_from_an_existing_one_shows_it(editor_client, name, shown):
    make_place("Kyiv", kind=Place.Kind.CITY)
    make_place("Lviv", kind=Place.Kind.CITY)

    response = add_entity(editor_client, Place, name, kind=Place.Kind.CITY, latitude="", longitude="", parent="")

    assert f"“{name}” is close to: {shown} (similar spelling; 0 articles)" in warning_of(response)
    assert "Lviv" not in warning_of(response)
    assert Place.objects.count() == 2


@pytest.mark.django_db
def test_a_name_close_to_an_alias_shows_the_entity_and_the_alias(editor_client):
    make_organisation("Security Service of Ukraine", aliases=["Sluzhba Bezpeky Ukrainy"])

    response = add_entity(editor_client, Organisation, "Sluzhba Bezpeki Ukrainy", kind="agency")

    warning = warning_of(response)
    assert "close to: Security Service of Ukraine" in warning
    assert "also spelt “Sluzhba Bezpeky Ukrainy” (similar spelling; 0 articles)" in warning


@pytest.mark.django_db
def test_confirming_it_is_a_different_person_saves_it(editor_client, zelenskiy):
    data = {"not_a_duplicate": "on"}

    response = add_entity(editor_client, Person, "Oleksandr Zelenskyi", **data)

    assert response.status_code == 302, all_errors(response)
    assert Person.objects.filter(name="Oleksandr Zelenskyi").exists()


@pytest.mark.django_db
def test_a_name_close_to_nothing_saves_without_a_warning(editor_client, zelenskiy):
    response = add_entity(editor_client, Person, "Petro Poroshenko")

    assert response.status_code == 302, all_errors(response)
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_the_popup_add_from_the_article_form_warns_then_saves_once_confirmed(editor_client, kyiv):
    warned = add_entity(editor_client, Place, "Kyev", popup=True, kind=Place.Kind.CITY, latitude="", longitude="")
    confirmed = add_entity(
        editor_client, Place, "Kyev", popup=True, kind=Place.Kind.CITY, latitude="", longitude="", not_a_duplicate="on"
    )

    assert "“Kyev” is close to: Kyiv" in warning_of(warned)
    assert '<input type="hidden" name="_popup" value="1">' in warned.content.decode()
    assert popup_response_data(confirmed)["obj"] == "Kyev"


@pytest.mark.django_db
def test_editing_an_existing_entity_does_not_warn_about_close_names(editor_client, zelenskiy):
    other = make_person("Volodymyr Zelensky Jr")

    response = editor_client.post(
        reverse("admin:archive_person_change", args=[other.pk]),
        entity_form_data("Volodymyr Zelensky Jr", slug=other.slug, role="Son"),
    )

    assert response.status_code == 302, all_errors(response)


@pytest.mark.django_db
def test_close_names_follow_renames_new_aliases_and_deletions(editor_client):
    person = make_person("Andriy Yermak")
    person.name = "Andrii Yermak"
    person.save()
    alias = Alias.objects.create(entity=person, name="Head of the Presidential Office")

    assert "Andrii Yermak" in warning_of(add_entity(editor_client, Person, "Andriy Yermak"))
    assert "also spelt “Head of the Presidential Office”" in warning_of(
        add_entity(editor_client, Person, "Head of the Presidential Ofice")
    )
    alias.delete()
    assert warning_of(add_entity(editor_client, Person, "Head of the Presidential Ofice")) == ""
    person.delete()
    assert warning_of(add_entity(editor_client, Person, "Andriy Yermak")) == ""


def test_entity_add_form_shows_no_times_before_anything_is_saved(editor_client):
    page = editor_client.get(reverse("admin:archive_person_add")).content.decode()
    assert "Created at" not in page and 'name="name"' in page
    person = make_person()
    assert "Created at" in editor_client.get(reverse("admin:archive_person_change", args=[person.pk])).content.decode()


def test_article_slug_help_names_the_address_in_words(editor_client):
    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()
    assert "after /articles/" in page and "/articles//" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"published_at__year": "9999"},
        {"published_at__year": "2024", "published_at__month": "13"},
        {"published_at__year": "soon"},
    ],
)
def test_article_changelist_answers_an_impossible_date_or_page_without_an_error(editor_client, params):
    make_article()

    response = editor_client.get(reverse("admin:archive_article_changelist"), params)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


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


@pytest.mark.django_db
def test_publication_filter_offers_each_named_publication_once_and_filters_by_it(editor_client):
    for publication in ["Reuters", "Kyiv Independent", "Reuters", "", "AP"]:
        make_article(publication=publication)

    listed = article_changelist(editor_client)
    filtered = article_changelist(editor_client, publication="Reuters")

    spec = next(spec for spec in listed.context["cl"].filter_specs if spec.parameter_name == "publication")
    assert [label for _value, label in spec.lookup_choices] == ["AP", "Kyiv Independent", "Reuters"]
    assert {Article.objects.get(pk=pk).publication for pk in changelist_ids(filtered)} == {"Reuters"}
    assert len(changelist_ids(filtered)) == 2


@pytest.mark.django_db
def test_article_changelist_search_reads_which_articles_match_and_counts_nothing_more(editor_client, monkeypatch):
    monkeypatch.setattr("archive.search.engine.CANDIDATES", 2)
    found = [make_article(headline=f"Apartment block number {number}") for number in range(3)]
    make_article(headline="Parliament passes budget")

    with CaptureQueriesContext(connection) as queries:
        response = article_changelist(editor_client, q="apartment")

    assert set(changelist_ids(response)) == {found[2].pk, found[1].pk}  # the newest candidates
    index_reads = [query["sql"] for query in queries if "archive_search" in query["sql"]]
    counts = [sql for sql in index_reads if "count(" in sql.lower()]
    # One read of the matches. PostgreSQL first counts them, up to a cap, to choose how to read
    # them (few: all, then sorted; many: the index in key order); no page or total is computed.
    assert len(index_reads) - len(counts) == 1, index_reads
    assert len(counts) <= 1 and all("LIMIT" in sql for sql in counts), counts


@pytest.mark.django_db
@pytest.mark.parametrize("publication", ["Nobody's Gazette", "Reu\x00ters", "x" * 5000])
def test_publication_filter_lists_nothing_for_a_publication_it_does_not_offer(editor_client, publication):
    make_article(publication="Reuters")

    response = article_changelist(editor_client, publication=publication)

    assert changelist_ids(response) == []


@pytest.mark.django_db
def test_article_changelist_offers_no_filter_counts(editor_client, dated_articles):
    response = article_changelist(editor_client, _facets="True")

    assert "Show counts" not in response.content.decode()
    assert not response.context["cl"].add_facets


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
