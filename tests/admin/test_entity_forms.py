"""The entity add and change forms: one name to one entity, the fields of places and incidents, the popup
that adds an entity from the article form, and the warning about names close to an existing entity."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from archive.models import Alias, Incident, Organisation, Person, Place
from tests.helpers.admin import all_errors, entity_form_data
from tests.helpers.builders import make_article, make_organisation, make_person, make_place
from tests.helpers.pages import Page


def popup_response_data(response):
    """What the page that closes the popup hands back to the article form."""
    return json.loads(Page(response).one("[data-popup-response]")["data-popup-response"])


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


def add_entity(client, model, name, *, popup=False, **fields):
    data = entity_form_data(name, **fields)
    url = reverse(f"admin:archive_{model._meta.model_name}_add")
    if popup:
        data.update({"_popup": "1", "_to_field": "id"})
        url += "?_popup=1&_to_field=id"
    return client.post(url, data)


def warning_of(response):
    """The near-duplicate warning's text, or "" if the page has none."""
    warning = Page(response).first("div.near-duplicates")
    return warning.text if warning else ""


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
    assert Page(response).one('input[name="not_a_duplicate"]')["type"] == "checkbox"
    assert Person.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Зеленський", "the same surname"),
        ("Зеленский", "the same surname"),
        ("Володимир Зеленський", "the same name in another spelling"),
        ("Olena Zelenskyy", "the same surname"),
    ],
)
def test_adding_a_person_in_another_script_or_by_surname_shows_the_one_there_is(editor_client, name, reason):
    existing = make_person("Volodymyr Zelenskyy", role="President of Ukraine")
    make_article(people=[existing])

    response = add_entity(editor_client, Person, name)

    assert f"“{name}” is close to: Volodymyr Zelenskyy ({reason}; 1 article)" in warning_of(response)
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_people_who_share_only_a_first_name_are_not_near_duplicates(editor_client):
    for name in ["Volodymyr Zelenskyy", "Volodymyr Saldo", "Volodymyr Klychko"]:
        make_person(name)

    response = add_entity(editor_client, Person, "Volodymyr Boiko")

    assert response.status_code == 302
    assert warning_of(response) == ""
    assert Person.objects.filter(name="Volodymyr Boiko").exists()


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
