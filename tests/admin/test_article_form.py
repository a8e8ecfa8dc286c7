"""The article add and change form: its entity pickers, the links and sources it saves, the ids it refuses."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archive.models import ENTITY_KINDS, Article, Person, SourceLink
from tests.helpers.admin import all_errors, article_form_data
from tests.helpers.builders import make_article, make_incident, make_organisation, make_person
from tests.helpers.pages import Page


def link_ids(article, field):
    return set(getattr(article, field).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("field_name", [kind.article_field for kind in ENTITY_KINDS.values()])
def test_article_add_form_renders_entity_field_as_autocomplete_select(editor_client, field_name):
    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()

    select = Page(page).one(f'select[name="{field_name}"]')
    assert select["class"] == "admin-autocomplete"
    assert select["data-ajax--url"] == reverse("admin:autocomplete")
    assert select["data-field-name"] == field_name
    assert "multiple" in select.attrs
    # Not taggit's comma-separated text box.
    assert not Page(page).select(f'input[name="{field_name}"]')


@pytest.mark.django_db
@pytest.mark.parametrize("kind_key", list(ENTITY_KINDS))
def test_article_add_form_has_add_link_for_entity_kind(editor_client, kind_key):
    kind = ENTITY_KINDS[kind_key]
    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()

    link = Page(page).one(f"a#add_id_{kind.article_field}")
    add_url = reverse(f"admin:archive_{kind_key}_add")
    assert link["href"] == f"{add_url}?_to_field=id&_popup=1"


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


def test_article_slug_help_names_the_address_in_words(editor_client):
    page = editor_client.get(reverse("admin:archive_article_add")).content.decode()
    assert "after /articles/" in page and "/articles//" not in page
