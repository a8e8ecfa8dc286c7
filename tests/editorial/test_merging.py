"""Merging entities: links, references, names and addresses move to the survivor in one transaction,
the search index and suggestions follow, the merge is audited, and a failure leaves everything as it was."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.editorial import merging, tagging
from archive.editorial.merging import MergeRefused, merge_entities
from archive.models import (
    ENTITY_KINDS,
    Alias,
    ArchiveState,
    EntityMerge,
    Incident,
    Person,
    Place,
    Revision,
    SlugRedirect,
)
from archive.search.engine import SearchRequest, search
from tests.helpers.admin import form_data
from tests.helpers.builders import make_article, make_incident, make_person, make_place, make_user
from tests.helpers.pages import Page


def linked_articles(entity):
    return set(entity.entity_kind.link_model.objects.filter(tag=entity).values_list("content_object_id", flat=True))


@pytest.fixture
def zelenskiy_twice(db):
    """One person entered twice, with articles on each and one article on both."""
    zelenskiy = make_person("Volodymyr Zelenskiy", aliases=["Zelenskiy"])
    zelensky = make_person("Volodymyr Zelensky", aliases=["Zelensky", "V. Zelensky"])
    only_first = make_article(headline="Zelenskiy visits Kharkiv", people=[zelenskiy])
    only_second = make_article(headline="Zelensky speaks to parliament", people=[zelensky])
    both = make_article(headline="Zelensky and Zelenskiy in one article", people=[zelenskiy, zelensky])
    return zelenskiy, zelensky, {"only_first": only_first, "only_second": only_second, "both": both}


# ---------------------------------------------------------------- what moves


@pytest.mark.django_db
def test_every_article_link_moves_to_the_survivor_and_an_article_on_both_keeps_one(zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice

    merge = merge_entities(zelenskiy, [zelensky])

    assert linked_articles(zelenskiy) == {article.pk for article in articles.values()}
    link_model = Person.entity_kind.link_model
    assert link_model.objects.filter(content_object=articles["both"]).count() == 1
    assert not Person.objects.filter(pk=zelensky.pk).exists()
    assert merge.links_moved == 1  # the other link of "both" was a duplicate, dropped


@pytest.mark.django_db
def test_moved_links_keep_each_articles_visibility(zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice
    articles["only_second"].status = "draft"
    articles["only_second"].published_at = None
    articles["only_second"].save()

    merge_entities(zelenskiy, [zelensky])

    visible = Person.entity_kind.link_model.objects.visible().filter(tag=zelenskiy)
    assert set(visible.values_list("content_object_id", flat=True)) == {
        articles["only_first"].pk,
        articles["both"].pk,
    }


@pytest.mark.django_db
def test_merged_names_and_aliases_become_the_survivors_aliases_without_repeats(zelenskiy_twice):
    zelenskiy, zelensky, _articles = zelenskiy_twice
    third = make_person("Zelenskyy", aliases=["Volodymyr Zelenskyy", "Zelenskiy V."])
    Alias.objects.create(entity=third, name="Ze")

    merge_entities(zelenskiy, [zelensky, third])

    zelenskiy.refresh_from_db()
    assert zelenskiy.name == "Volodymyr Zelenskiy"
    assert sorted(zelenskiy.alias_names) == [
        "V. Zelensky",
        "Volodymyr Zelensky",
        "Volodymyr Zelenskyy",
        "Ze",
        "Zelenskiy",
        "Zelenskiy V.",
        "Zelensky",
        "Zelenskyy",
    ]
    assert Person.objects.named("Zelenskyy").get() == zelenskiy


@pytest.mark.django_db
def test_an_alias_equal_to_the_survivors_own_name_is_not_kept(db):
    kyiv = make_place("Kyiv")
    duplicate = make_place("Kyiv city", aliases=["KYIV"])  # bad data: an alias that is another's name

    merge_entities(kyiv, [duplicate])

    assert kyiv.alias_names == ["Kyiv city"]


@pytest.mark.django_db
def test_references_to_merged_places_point_at_the_survivor(db):
    ukraine = make_place("Ukraine", kind=Place.Kind.COUNTRY)
    also_ukraine = make_place("Ukraina", kind=Place.Kind.COUNTRY)
    kyiv = make_place("Kyiv", parent=also_ukraine)
    strike = make_incident("Strike on Ukraine's grid", place=also_ukraine)

    merge_entities(ukraine, [also_ukraine])

    kyiv.refresh_from_db()
    strike.refresh_from_db()
    assert (kyiv.parent, strike.place) == (ukraine, ukraine)


@pytest.mark.django_db
def test_a_survivor_inside_a_place_merged_into_it_lies_inside_nothing(db):
    region = make_place("Kyiv region", kind=Place.Kind.REGION)
    city = make_place("Kyiv", parent=region)

    merge_entities(city, [region])

    city.refresh_from_db()
    assert city.parent is None


@pytest.mark.django_db
def test_old_addresses_of_merged_entities_answer_301_with_the_survivors_page(client, zelenskiy_twice):
    zelenskiy, zelensky, _articles = zelenskiy_twice
    old_slug = zelensky.slug
    zelensky.name = "Volodymyr O. Zelensky"
    zelensky.save()  # renamed: its first address is now an old address of its own
    assert zelensky.slug != old_slug

    merge_entities(zelenskiy, [zelensky])

    for slug in [zelensky.slug, old_slug]:
        response = client.get(reverse("archive:entity", kwargs={"kind": "people", "slug": slug}))
        assert response.status_code == 301, slug
        assert response["Location"] == zelenskiy.get_absolute_url()


@pytest.mark.django_db
def test_the_merge_is_recorded_with_each_entitys_fields_aliases_and_articles(zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice
    zelensky.role = "President of Ukraine"
    zelensky.save()
    user = make_user("merger", "archive.merge_person")

    merge = merge_entities(zelenskiy, [zelensky], user=user)

    assert (merge.content_type.model, merge.survivor_id, merge.user) == ("person", zelenskiy.pk, user)
    [record] = merge.merged
    assert (record["id"], record["name"], record["slug"]) == (zelensky.pk, "Volodymyr Zelensky", zelensky.slug)
    assert record["aliases"] == ["V. Zelensky", "Zelensky"]
    assert record["fields"]["role"] == "President of Ukraine"
    assert sorted(record["articles"]) == sorted([articles["only_second"].pk, articles["both"].pk])
    assert merge.merged_ids == f" {zelensky.pk} "


@pytest.mark.django_db
def test_a_merge_refuses_a_single_entity_and_entities_already_gone(db):
    kyiv, kiev = make_place("Kyiv"), make_place("Kiev city")
    Place.objects.filter(pk=kiev.pk).delete()

    with pytest.raises(MergeRefused):
        merge_entities(kyiv, [kyiv])
    with pytest.raises(MergeRefused):
        merge_entities(kyiv, [kiev])
    assert Place.objects.get() == kyiv


# ---------------------------------------------------------------- search and suggestions follow


@pytest.mark.django_db
def test_search_by_the_survivor_finds_the_articles_of_the_merged_entity(zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice

    merge_entities(zelenskiy, [zelensky])

    found = search(SearchRequest(entities=[(Person.entity_kind, zelenskiy)], public=False)).candidate_ids
    assert set(found) == {article.pk for article in articles.values()}
    with connection.cursor() as cursor:
        cursor.execute(*index_rows_with_token(f"entperson{zelensky.pk}"))
        assert cursor.fetchone()[0] == 0


def index_rows_with_token(token):
    """SQL counting the search index's rows that still carry `token`."""
    if connection.vendor == "postgresql":
        return "SELECT count(*) FROM archive_search WHERE terms @@ to_tsquery('simple', %s)", [token]
    return "SELECT count(*) FROM archive_search WHERE archive_search MATCH %s", [f'tokens : "{token}"']


@pytest.mark.django_db
def test_entity_suggestions_name_the_survivor_for_a_merged_spelling(zelenskiy_twice):
    zelenskiy, zelensky, _articles = zelenskiy_twice
    before = ArchiveState.current().entities_changed_at
    article = make_article(headline="V. Zelensky visits Lviv", body="V. Zelensky said so.")

    merge_entities(zelenskiy, [zelensky])

    assert ArchiveState.current().entities_changed_at > before
    assert [(s.entity_id, s.name) for s in tagging.suggest(article)] == [(zelenskiy.pk, "Volodymyr Zelenskiy")]


# ---------------------------------------------------------------- all or nothing, and at any size


def every_table():
    """The rows of every table a merge touches, to compare before and after."""
    tables = {model: model.objects.order_by("pk") for model in [Person, Place, Incident, Alias, SlugRedirect]}
    rows = {model._meta.label: list(queryset.values()) for model, queryset in tables.items()}
    for kind in ENTITY_KINDS.values():
        rows[kind.link_model._meta.label] = list(kind.link_model.objects.order_by("pk").values())
    rows["EntityMerge"] = list(EntityMerge.objects.values())
    rows["LogEntry"] = list(LogEntry.objects.values())
    rows["search"] = sorted(search(SearchRequest(query="Zelensky", public=False)).candidate_ids)
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("failing_step", ["move_references", "move_names", "move_addresses"])
def test_a_failure_in_the_middle_of_a_merge_leaves_every_table_as_it_was(zelenskiy_twice, monkeypatch, failing_step):
    zelenskiy, zelensky, _articles = zelenskiy_twice
    make_place("Kyiv", parent=None)
    before = every_table()

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(merging, failing_step, failing)
    with pytest.raises(RuntimeError):
        merge_entities(zelenskiy, [zelensky])

    assert every_table() == before
    found = search(SearchRequest(entities=[(Person.entity_kind, zelensky)], public=False)).candidate_ids
    assert len(found) == 2


@pytest.mark.django_db
def test_a_merge_runs_the_same_statements_for_3_and_for_60_links(db):
    def merge_with_links(count):
        survivor, merged = make_person(f"Survivor {count}"), make_person(f"Merged {count}")
        for number in range(count):
            make_article(headline=f"Article {count}-{number}", people=[merged])
        with CaptureQueriesContext(connection) as queries:
            merge_entities(survivor, [merged])
        assert len(linked_articles(survivor)) == count
        return len(queries)

    assert merge_with_links(3) == merge_with_links(60)


# ---------------------------------------------------------------- the admin action


def merge_action(client, model, entities, **extra):
    return client.post(
        reverse(f"admin:archive_{model._meta.model_name}_changelist"),
        {"action": "merge_selected", "_selected_action": [str(entity.pk) for entity in entities], **extra},
    )


@pytest.mark.django_db
def test_the_merge_action_asks_which_to_keep_showing_article_counts_and_aliases(editor_client, zelenskiy_twice):
    zelenskiy, zelensky, _articles = zelenskiy_twice

    page = merge_action(editor_client, Person, [zelenskiy, zelensky], index="0")

    assert page.status_code == 200
    text = Page(page).text
    assert "Volodymyr Zelenskiy Zelenskiy 2 /people/volodymyr-zelenskiy/" in text
    assert "Volodymyr Zelensky V. Zelensky, Zelensky 2 /people/volodymyr-zelensky/" in text
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_confirming_the_merge_action_merges_into_the_chosen_one_and_logs_it(editor_client, editor, zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice

    response = merge_action(editor_client, Person, [zelenskiy, zelensky], post="yes", survivor=str(zelensky.pk))

    assert response.status_code == 302
    assert list(Person.objects.all()) == [zelensky]
    assert linked_articles(zelensky) == {article.pk for article in articles.values()}
    assert EntityMerge.objects.get().user == editor
    person_type = ContentType.objects.get_for_model(Person)
    logged = LogEntry.objects.filter(content_type=person_type).order_by("pk")
    assert [(entry.object_id, entry.action_flag) for entry in logged] == [
        (str(zelenskiy.pk), DELETION),
        (str(zelensky.pk), CHANGE),
    ]
    assert "Merged “Volodymyr Zelenskiy” into it" in logged.last().change_message


@pytest.mark.django_db
def test_the_merge_action_needs_the_merge_permission_of_that_kind(client, zelenskiy_twice):
    zelenskiy, zelensky, _articles = zelenskiy_twice
    client.force_login(make_user("editor2", "archive.view_person", "archive.change_person", "archive.merge_place"))

    changelist = client.get(reverse("admin:archive_person_changelist"))
    response = merge_action(client, Person, [zelenskiy, zelensky], post="yes", survivor=str(zelenskiy.pk))

    assert 'value="merge_selected"' not in changelist.content.decode()
    assert Person.objects.count() == 2
    assert not EntityMerge.objects.exists()
    assert response.status_code == 200  # the plain list: there is no action this user may run


@pytest.mark.django_db
def test_every_entity_kind_has_the_merge_action_for_those_allowed(client):
    for kind in ENTITY_KINDS.values():
        client.force_login(make_user(f"merger-{kind.key}", f"archive.view_{kind.key}", f"archive.merge_{kind.key}"))
        page = client.get(reverse(f"admin:archive_{kind.key}_changelist")).content.decode()
        assert 'value="merge_selected"' in page, kind.key


@pytest.mark.django_db
def test_merging_incidents_keeps_the_survivors_date_and_moves_links(editor_client):
    strike = make_incident("Strike on Okhmatdyt hospital", date=datetime.date(2024, 7, 8))
    duplicate = make_incident("Okhmatdyt strike", date=datetime.date(2024, 7, 8))
    article = make_article(incidents=[duplicate])

    merge_action(editor_client, Incident, [strike, duplicate], post="yes", survivor=str(strike.pk))

    assert list(article.incidents.all()) == [strike]
    assert strike.alias_names == ["Okhmatdyt strike"]


# ---------------------------------------------------------------- the entity's history


@pytest.mark.django_db
def test_an_entitys_history_shows_merges_into_it_and_its_old_addresses(editor_client, zelenskiy_twice):
    zelenskiy, zelensky, _articles = zelenskiy_twice
    old_slug = zelenskiy.slug
    zelenskiy.name = "Volodymyr O. Zelenskiy"
    zelenskiy.save()
    merge_action(editor_client, Person, [zelenskiy, zelensky], post="yes", survivor=str(zelenskiy.pk))

    page = editor_client.get(reverse("admin:archive_person_history", args=[zelenskiy.pk]))

    text = Page(page).text
    assert "editor Merged “Volodymyr Zelensky” into it; 1 article links moved." in text
    assert "“Volodymyr Zelensky” (/people/volodymyr-zelensky/), also V. Zelensky, Zelensky: 2 articles" in text
    assert f"/people/{old_slug}/" in text
    assert "/people/volodymyr-zelensky/" in text


# ---------------------------------------------------------------- the articles' record


def test_each_article_the_merge_changes_gets_a_revision_and_a_new_version(editor, zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice
    untouched = articles["only_first"]
    changed = [articles["only_second"], articles["both"]]
    versions = {article.pk: article.version for article in changed}

    merge_entities(zelenskiy, [zelensky], user=editor)

    assert not untouched.revisions.filter(action=Revision.Action.ENTITIES_MERGED).exists()
    for article in changed:
        article.refresh_from_db()
        assert article.version == versions[article.pk] + 1
        found, merged = article.revisions.order_by("number")
        assert found.action == Revision.Action.FOUND  # as it stood before, so the merge can be undone
        assert zelensky.pk in [entity["id"] for entity in found.data["entities"]["people"]]
        assert merged.action == Revision.Action.ENTITIES_MERGED and merged.user == editor
        assert merged.summary == "Entities merged: Volodymyr Zelensky into Volodymyr Zelenskiy"
        assert [entity["id"] for entity in merged.data["entities"]["people"]] == [zelenskiy.pk]


def test_an_edit_form_opened_before_a_merge_is_refused_as_stale(editor_client, zelenskiy_twice):
    zelenskiy, zelensky, articles = zelenskiy_twice
    article = articles["only_second"]
    change_url = reverse("admin:archive_article_change", args=[article.pk])
    opened = editor_client.get(change_url)

    merge_entities(zelenskiy, [zelensky])
    refused = editor_client.post(change_url, form_data(opened, headline="Edited after the merge"))

    assert refused.status_code == 200
    article.refresh_from_db()
    assert article.headline == "Zelensky speaks to parliament"
    assert list(article.people.all()) == [zelenskiy]
