"""Revisions: one on every write path, the history and difference pages, restores and deleted articles."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.admin import revisions as admin_revisions
from archive.editorial.merging import merge_entities
from archive.editorial.revisions import record_revision, snapshot
from archive.models import ENTITY_KINDS, Article, Revision, SlugRedirect, SourceLink
from tests.helpers.admin import form_data
from tests.helpers.builders import (
    make_article,
    make_draft,
    make_incident,
    make_organisation,
    make_person,
    make_place,
    make_user,
)
from tests.helpers.pages import Page

# Session, user, article, revision count and page: measured on SQLite and PostgreSQL,
# the same for 3 and for 60 revisions.
HISTORY_MAX_QUERIES = 5
# Session, user, the revision and the one before, whether the article still exists.
DIFF_MAX_QUERIES = 5


def change_url(article):
    return reverse("admin:archive_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:archive_article_history", args=[article.pk])


def revision_url(article_id, number):
    return reverse("admin:archive_article_revision", args=[article_id, number])


def restore_url(article_id, number):
    return reverse("admin:archive_article_restore", args=[article_id, number])


def save_change_form(client, article, **changes):
    """Open the article's change form, change what is given, save; the response."""
    opened = client.get(change_url(article))
    return client.post(change_url(article), form_data(opened, **changes))


def add_sources(article, *urls):
    for position, url in enumerate(urls, start=1):
        SourceLink.objects.create(article=article, position=position, url=url, title=f"Source {position}")


@pytest.fixture
def one_of_each_kind(db):
    return {
        "people": [make_person(), make_person("Andriy Yermak")],
        "places": [make_place()],
        "organisations": [make_organisation()],
        "incidents": [make_incident()],
    }


@pytest.fixture
def recorded_article(db, one_of_each_kind):
    """A published article with entities of every kind and three sources, and its first revision."""
    article = make_article(headline="Drone strike hits Kyiv", **one_of_each_kind)
    add_sources(article, "https://example.com/a", "https://example.com/b", "https://example.com/c")
    record_revision(article)
    return article


# ---------------------------------------------------------------- a revision on every write path


@pytest.mark.django_db
def test_adding_an_article_records_revision_1_as_created_by_the_editor(editor_client, editor):
    person = make_person()
    opened = editor_client.get(reverse("admin:archive_article_add"))
    data = form_data(opened, headline="Drone strike hits Kyiv", people=[str(person.pk)])
    data.update({"sources-TOTAL_FORMS": "1", "sources-0-position": "1", "sources-0-url": "https://example.com/a"})

    response = editor_client.post(reverse("admin:archive_article_add"), data)

    assert response.status_code == 302
    article = Article.objects.get()
    revision = Revision.objects.get()
    assert (revision.article_id, revision.number, revision.action, revision.user) == (
        article.pk,
        1,
        Revision.Action.CREATED,
        editor,
    )
    assert revision.article_version == article.version == 1
    assert revision.data == snapshot(article)
    assert revision.data["entities"]["people"] == [{"id": person.pk, "name": person.name}]
    assert revision.summary == "First version: 1 person, 1 source"


@pytest.mark.django_db
def test_the_change_form_records_a_revision_that_says_in_words_what_changed(editor_client, editor, recorded_article):
    article = recorded_article
    newcomers = [make_person("Olena Kovalenko"), make_person("Petro Poroshenko")]
    opened = editor_client.get(change_url(article))
    data = form_data(
        opened,
        headline="Drone strike hits Kyiv apartment block",
        body="A new first paragraph.",
        people=[*opened.context["adminform"].form["people"].value(), *(str(p.pk) for p in newcomers)],
    )
    data["sources-2-DELETE"] = "on"

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302
    revision = Revision.objects.get(article=article, number=2)
    assert revision.summary == "Headline and body edited; 2 people added; 1 source removed"
    assert (revision.action, revision.user) == (Revision.Action.EDITED, editor)
    article.refresh_from_db()
    assert revision.data == snapshot(article)
    assert revision.article_version == article.version


@pytest.mark.django_db
def test_the_revision_is_written_in_the_same_transaction_as_the_change(editor_client, recorded_article, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the revision could not be written")

    monkeypatch.setattr(admin_revisions, "record_revision", broken)

    with pytest.raises(RuntimeError):
        save_change_form(editor_client, recorded_article, headline="Changed without a revision")

    recorded_article.refresh_from_db()
    assert recorded_article.headline == "Drone strike hits Kyiv"
    assert Revision.objects.filter(article=recorded_article).count() == 1


@pytest.mark.django_db
def test_a_status_change_is_recorded_under_the_status_it_moved_to(editor_client):
    draft = make_draft()
    record_revision(draft)

    save_change_form(editor_client, draft, status=Article.Status.REVIEW)
    save_change_form(editor_client, draft, status=Article.Status.PUBLISHED)

    actions = list(Revision.objects.filter(article=draft).order_by("number").values_list("action", "summary"))
    assert actions == [
        (Revision.Action.CREATED, "First version"),
        (Revision.Action.SUBMITTED, "Status Draft → In review"),
        (Revision.Action.PUBLISHED, "Publication time edited; status In review → Published"),
    ]


@pytest.mark.django_db
def test_a_changelist_row_save_records_a_revision_for_each_changed_row(editor_client, editor):
    changed, untouched = make_article(publication="Reuters"), make_article(publication="AP")
    record_revision(changed)
    page = editor_client.get(reverse("admin:archive_article_changelist"))
    rows = {form.instance.pk: index for index, form in enumerate(page.context["cl"].formset.forms)}
    data = changelist_data(page, {rows[changed.pk]: {"publication": "Reuters News"}})

    response = editor_client.post(reverse("admin:archive_article_changelist"), data)

    assert response.status_code == 302
    changed.refresh_from_db()
    assert changed.publication == "Reuters News"
    revision = Revision.objects.get(number=2)
    assert (revision.article_id, revision.user, revision.summary) == (changed.pk, editor, "Publication edited")
    assert revision.data["fields"]["publication"] == "Reuters News"
    assert not Revision.objects.filter(article=untouched).exists()
    assert Revision.objects.count() == 2


def changelist_data(page, changes):
    """The changelist's editable rows as posted back, with {row index: {field: value}} changed."""
    formset = page.context["cl"].formset
    data = {
        "_save": "Save",
        **{f"form-{name}": value for name, value in formset.management_form.initial.items()},
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        data[f"form-{index}-publication"] = form.instance.publication
        data[f"form-{index}-opened_version"] = str(form.instance.version)
        for name, value in changes.get(index, {}).items():
            data[f"form-{index}-{name}"] = value
    return data


@pytest.mark.django_db
def test_publish_and_unpublish_actions_record_a_revision_per_article(editor_client, editor):
    drafts = [make_draft(), make_draft()]

    editor_client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "publish", "_selected_action": [str(draft.pk) for draft in drafts], "index": "0"},
    )
    editor_client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "unpublish", "_selected_action": [str(drafts[0].pk)], "index": "0"},
    )

    first = Revision.objects.filter(article=drafts[0]).order_by("number")
    assert [(revision.action, revision.user) for revision in first] == [
        (Revision.Action.FOUND, None),  # as it was before its first recorded change
        (Revision.Action.PUBLISHED, editor),
        (Revision.Action.RETURNED, editor),
    ]
    assert first[0].data["fields"]["status"] == Article.Status.DRAFT
    assert Revision.objects.get(article=drafts[1], number=2).action == Revision.Action.PUBLISHED


@pytest.mark.django_db
def test_deleting_an_article_keeps_it_as_a_last_revision(editor_client, editor, recorded_article):
    pk = recorded_article.pk

    response = editor_client.post(reverse("admin:archive_article_delete", args=[pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=pk).exists()
    last = Revision.objects.filter(article_id=pk).order_by("-number").first()
    assert (last.number, last.action, last.user, last.summary) == (2, Revision.Action.DELETED, editor, "Deleted")
    assert last.data["fields"]["headline"] == "Drone strike hits Kyiv"


# ---------------------------------------------------------------- history and differences


@pytest.mark.django_db
def test_history_lists_each_revision_with_number_time_author_action_and_summary(editor_client, editor):
    article = make_draft(headline="First headline")
    record_revision(article)
    save_change_form(editor_client, article, headline="Second headline")

    response = editor_client.get(history_url(article))

    assert response.status_code == 200
    text = Page(response).text
    assert "Revision 2" in text and "Revision 1" in text
    assert text.index("Revision 2") < text.index("Revision 1")  # newest first
    assert f"{editor.username} Edited Headline edited" in text
    assert "unknown Created First version" in text
    assert f'href="{revision_url(article.pk, 2)}"' in response.content.decode()
    # The current revision is what the article is: only older ones can be restored.
    assert f'href="{restore_url(article.pk, 1)}"' in response.content.decode()
    assert f'href="{restore_url(article.pk, 2)}"' not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("revisions", [3, 60])
def test_history_page_runs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries, revisions):
    article = make_draft()
    for number in range(revisions):
        article.headline = f"Headline {number}"
        article.save()
        record_revision(article)

    with django_assert_max_num_queries(HISTORY_MAX_QUERIES):
        response = editor_client.get(history_url(article))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(revisions, admin_revisions.REVISIONS_PER_PAGE)


@pytest.mark.django_db
def test_diff_marks_inserted_and_deleted_words_of_text_fields(editor_client, recorded_article):
    article = recorded_article
    first_sentence = article.body.split(".")[0]  # "Body of article 12"
    article.headline = "Drone strike hits Kyiv apartment block"
    article.body = "Rescuers searched the rubble.\n\nSecond paragraph."
    article.save()
    record_revision(article)

    response = editor_client.get(revision_url(article.pk, 2))

    page = response.content.decode()
    assert "Drone strike hits Kyiv<ins> apartment block</ins>" in page
    deleted = [words for words in Page(page).select("del") if words.text == first_sentence]
    replaced_by = [(words.next_node.html, words.next_node.next_node[:1]) for words in deleted]
    assert replaced_by == [("<ins>Rescuers searched the rubble</ins>", ".")]
    assert "Second paragraph." in page  # unchanged text is shown, unmarked


@pytest.mark.django_db
def test_diff_shows_short_fields_old_to_new_and_entities_by_kind_with_names(editor_client, recorded_article):
    article = recorded_article
    yermak = article.people.get(name="Andriy Yermak")
    article.byline = "Olena Kovalenko"
    article.save()
    article.people.remove(yermak)
    article.places.add(make_place("Lviv"))
    record_revision(article)

    text = Page(editor_client.get(revision_url(article.pk, 2))).text

    assert "Byline (empty) → Olena Kovalenko" in text
    assert "People removed: Andriy Yermak" in text
    assert "Places added: Lviv" in text


@pytest.mark.django_db
def test_diff_shows_sources_added_removed_and_reordered(editor_client, recorded_article):
    article = recorded_article
    SourceLink.objects.filter(article=article, url="https://example.com/b").delete()
    SourceLink.objects.filter(article=article, url="https://example.com/a").update(position=9)
    SourceLink.objects.create(article=article, position=5, url="https://example.com/d", title="New report")
    record_revision(article)

    text = Page(editor_client.get(revision_url(article.pk, 2))).text

    assert "added: New report https://example.com/d" in text
    assert "removed: Source 2 https://example.com/b" in text
    assert "Reordered; the order is now: Source 3 New report Source 1" in text
    assert Revision.objects.get(number=2).summary == "1 source added; 1 source removed; sources reordered"


@pytest.mark.django_db
@pytest.mark.parametrize("paragraphs", [1, 200])
def test_diff_page_runs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries, paragraphs):
    article = make_article(body="\n\n".join(f"Paragraph {number}." for number in range(paragraphs)))
    record_revision(article)
    article.body += "\n\nOne more."
    article.save()
    record_revision(article)

    with django_assert_max_num_queries(DIFF_MAX_QUERIES):
        response = editor_client.get(revision_url(article.pk, 2))

    assert "One more." in [words.text for words in Page(response).select("ins")]


@pytest.mark.django_db
def test_history_and_diff_refuse_a_user_without_article_permissions(client, recorded_article):
    client.force_login(make_user("visitor", "archive.view_person"))

    assert client.get(history_url(recorded_article)).status_code == 403
    assert client.get(revision_url(recorded_article.pk, 1)).status_code == 403


@pytest.mark.django_db
def test_a_revision_that_does_not_exist_is_a_404(editor_client, recorded_article):
    assert editor_client.get(revision_url(recorded_article.pk, 99)).status_code == 404
    assert editor_client.get(f"/admin/archive/article/{recorded_article.pk}x/history/1/").status_code == 404


# ---------------------------------------------------------------- restores


def change_everything(article):
    """Edit every part of the article: fields, status, entities of every kind, sources and their order."""
    article.headline, article.body, article.byline = "Another headline", "Another body.", "Someone"
    article.status, article.published_at = Article.Status.DRAFT, None
    article.save()
    article.people.remove(*article.people.all()[:1])
    article.places.add(make_place("Kharkiv"))
    article.organisations.clear()
    article.incidents.add(make_incident("Strike on Kharkiv", date=datetime.date(2025, 2, 1)))
    SourceLink.objects.filter(article=article, url="https://example.com/a").delete()
    SourceLink.objects.filter(article=article, url="https://example.com/c").update(position=0, title="Now first")
    record_revision(article)


def restore(client, article_id, number):
    confirmation = client.get(restore_url(article_id, number))
    version = Page(confirmation).one('input[name="version"]')["value"]
    assert re.fullmatch(r"\d*", version), version
    return client.post(restore_url(article_id, number), {"version": version})


@pytest.mark.django_db
def test_restore_brings_back_fields_status_entities_of_every_kind_and_sources_in_order(
    editor_client, editor, recorded_article
):
    article = recorded_article
    wanted = Revision.objects.get(article=article, number=1)
    assert all(wanted.data["entities"][kind.article_field] for kind in ENTITY_KINDS.values())
    change_everything(article)
    assert snapshot(article) != wanted.data

    response = restore(editor_client, article.pk, 1)

    assert response.status_code == 302
    article.refresh_from_db()
    assert snapshot(article) == wanted.data
    assert list(article.sources.values_list("position", "url")) == [
        (1, "https://example.com/a"),
        (2, "https://example.com/b"),
        (3, "https://example.com/c"),
    ]
    restored = Revision.objects.get(article=article, number=3)
    assert (restored.action, restored.user) == (Revision.Action.RESTORED, editor)
    assert restored.summary.startswith("Restored revision 1: ")
    assert restored.data == wanted.data
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_restore_links_an_entity_merged_since_to_the_one_it_was_merged_into(editor_client, recorded_article):
    article = recorded_article
    kyiv = article.places.get()
    kiev = make_place("Kyiv city", aliases=["Kiev city"])
    article.places.set([kiev])
    record_revision(article)  # revision 2: linked to "Kyiv city"
    article.places.set([])
    record_revision(article)
    merge_entities(kyiv, [kiev])

    confirmation = editor_client.get(restore_url(article.pk, 2))
    response = restore(editor_client, article.pk, 2)

    assert "Place “Kyiv city” is now “Kyiv”." in Page(confirmation).text
    assert response.status_code == 302
    assert list(article.places.all()) == [kyiv]


@pytest.mark.django_db
def test_restore_leaves_out_an_entity_deleted_since_and_says_so(editor_client, recorded_article):
    article = recorded_article
    gone = article.people.get(name="Andriy Yermak")
    gone.delete()

    confirmation = editor_client.get(restore_url(article.pk, 1))
    article.body = "Changed."
    article.save()
    response = restore(editor_client, article.pk, 1)

    assert "Deleted since then, so left out: Person “Andriy Yermak”" in Page(confirmation).text
    assert response.status_code == 302
    assert list(article.people.values_list("name", flat=True)) == ["Volodymyr Zelenskiy"]


@pytest.mark.django_db
def test_restore_needs_the_publish_permission_to_keep_an_article_published(client, recorded_article):
    article = recorded_article
    article.headline = "Changed"
    article.save()
    client.force_login(make_user("reporter", "archive.change_article", "archive.view_article"))

    page = client.get(restore_url(article.pk, 1))
    refused = client.post(restore_url(article.pk, 1), {"version": str(article.version)})

    assert "needs the permission to publish" in Page(page).text
    assert "Yes, restore" not in page.content.decode()
    assert refused.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Changed"
    assert Revision.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_restore_of_a_draft_needs_only_the_change_permission(client):
    draft = make_draft(headline="First draft")
    record_revision(draft)
    draft.headline = "Second draft"
    draft.save()
    client.force_login(make_user("reporter", "archive.change_article", "archive.view_article"))

    response = client.post(restore_url(draft.pk, 1), {"version": str(draft.version)})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.headline == "First draft"


@pytest.mark.django_db
def test_restore_with_publish_permission_republishes_an_unpublished_article(client, recorded_article):
    article = recorded_article
    article.status, article.published_at = Article.Status.DRAFT, None
    article.save()
    client.force_login(
        make_user("editor2", "archive.change_article", "archive.view_article", "archive.publish_article")
    )

    response = client.post(restore_url(article.pk, 1), {"version": str(article.version)})

    assert response.status_code == 302
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_restore_refuses_a_user_without_the_change_permission(client, recorded_article):
    client.force_login(make_user("viewer", "archive.view_article"))

    assert client.get(restore_url(recorded_article.pk, 1)).status_code == 403
    assert client.post(restore_url(recorded_article.pk, 1), {"version": "1"}).status_code == 403


# ---------------------------------------------------------------- deleted articles


def delete_in_admin(client, article):
    response = client.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_deleted_articles_page_lists_deleted_articles_for_those_who_may_delete(editor_client, recorded_article):
    kept = make_article(headline="Still here")
    record_revision(kept)
    delete_in_admin(editor_client, recorded_article)

    response = editor_client.get(reverse("admin:archive_article_deleted"))

    text = Page(response).text
    assert "Drone strike hits Kyiv" in text and "Still here" not in response.content.decode()
    assert f'href="{restore_url(recorded_article.pk, 2)}"' in response.content.decode()


@pytest.mark.django_db
def test_deleted_articles_page_refuses_those_who_may_not_delete(client, recorded_article):
    client.force_login(make_user("editor2", "archive.change_article", "archive.publish_article"))

    pk = recorded_article.pk
    assert client.get(reverse("admin:archive_article_deleted")).status_code == 403
    assert client.get(restore_url(pk, 1)).status_code == 200
    recorded_article.delete()
    assert client.get(restore_url(pk, 1)).status_code == 403


@pytest.mark.django_db
def test_a_deleted_article_comes_back_with_its_id_slug_entities_and_sources(editor_client, recorded_article):
    article = recorded_article
    pk, slug, before = article.pk, article.slug, snapshot(article)
    delete_in_admin(editor_client, article)

    response = restore(editor_client, pk, 2)

    assert response.status_code == 302
    revived = Article.objects.get(pk=pk)
    assert revived.slug == slug
    assert snapshot(revived) == before
    assert Article.objects.published().filter(pk=pk).exists()
    assert editor_client.get(revived.get_absolute_url()).status_code == 200
    last = Revision.objects.filter(article_id=pk).order_by("-number").first()
    assert (last.number, last.action, last.summary) == (
        3,
        Revision.Action.RESTORED,
        "Restored after deletion, from revision 2",
    )


@pytest.mark.django_db
def test_a_deleted_article_whose_slug_was_taken_comes_back_at_a_new_address(editor_client, recorded_article):
    article = recorded_article
    pk, slug = article.pk, article.slug
    delete_in_admin(editor_client, article)
    make_article(headline="Someone else", slug=slug)

    confirmation = editor_client.get(restore_url(pk, 2))
    restore(editor_client, pk, 2)

    assert "at a new address" in Page(confirmation).text
    revived = Article.objects.get(pk=pk)
    assert revived.slug != slug and revived.slug.startswith("drone-strike-hits-kyiv")
    assert not SlugRedirect.objects.filter(slug=slug).exists()


@pytest.mark.django_db
def test_an_imported_article_deleted_and_restored_is_updated_by_its_next_import(editor_client, tmp_path):
    wire = tmp_path / "story.txt"
    wire.write_text("Ukraine captures two soldiers\n\nFirst paragraph.\n")
    call_command("import_articles", str(wire), stdout=io.StringIO())
    article = Article.objects.get()
    delete_in_admin(editor_client, article)

    restore(editor_client, article.pk, 2)
    wire.write_text("Ukraine captures two soldiers\n\nA later version.\n")
    call_command("import_articles", str(wire), stdout=io.StringIO())

    assert list(Article.objects.values_list("pk", "body")) == [(article.pk, "A later version.")]


@pytest.mark.django_db
def test_restore_of_a_deleted_article_does_not_run_twice(editor_client, recorded_article):
    pk = recorded_article.pk
    delete_in_admin(editor_client, recorded_article)
    confirmation = editor_client.get(restore_url(pk, 2))
    editor_client.post(restore_url(pk, 2), {"version": ""})

    again = editor_client.post(restore_url(pk, 2), {"version": ""})

    assert confirmation.status_code == 200
    assert again.status_code == 409
    assert Revision.objects.filter(article_id=pk).count() == 3


@pytest.mark.django_db
def test_the_admin_index_links_deleted_articles_only_for_those_who_may_delete(editor_client):
    deleted_url = reverse("admin:archive_article_deleted")
    reporter = Client()
    reporter.force_login(make_user("reporter", "archive.change_article", "archive.view_article"))

    assert deleted_url in editor_client.get(reverse("admin:index")).content.decode()
    assert deleted_url not in reporter.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_a_snapshot_spells_a_moment_the_same_in_any_time_zone(recorded_article):
    article = recorded_article
    article.published_at = article.published_at.astimezone(datetime.timezone(datetime.timedelta(hours=5)))

    assert snapshot(article) == snapshot(Article.objects.get(pk=article.pk))
    assert timezone.is_aware(article.published_at)


def test_the_first_change_to_an_article_without_history_keeps_it_as_found_and_can_be_undone(editor_client, editor):
    article = make_article(headline="Generated headline", body="Generated body.")
    assert not Revision.objects.filter(article=article).exists()  # as the demo generator leaves them

    response = save_change_form(editor_client, article, headline="Edited headline")

    assert response.status_code == 302
    found, edited = Revision.objects.filter(article=article).order_by("number")
    assert (found.number, found.action, found.data["fields"]["headline"]) == (1, "found", "Generated headline")
    assert (edited.number, edited.action, edited.user) == (2, "edited", editor)
    assert edited.summary == "Headline edited"
    page = editor_client.get(revision_url(article.pk, 2)).content.decode()
    assert "Generated" in page and "Edited" in page
    editor_client.post(restore_url(article.pk, 1), {"version": Article.objects.get(pk=article.pk).version})
    assert Article.objects.get(pk=article.pk).headline == "Generated headline"


def test_an_import_that_changes_an_article_without_history_keeps_it_as_found_first(db, tmp_path):
    article = make_article(headline="Before the import")
    export = tmp_path / "archive.jsonl"
    call_command("export_articles", output=str(export), stdout=io.StringIO())
    line = json.loads(export.read_text())
    line["headline"] = "After the import"
    export.write_text(json.dumps(line) + "\n")

    call_command("import_articles", str(export), stdout=io.StringIO(), stderr=io.StringIO())

    revisions = list(Revision.objects.filter(article=article).order_by("number"))
    assert [(r.action, r.data["fields"]["headline"]) for r in revisions] == [
        ("found", "Before the import"),
        ("imported", "After the import"),
    ]
