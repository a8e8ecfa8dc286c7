"""No lost updates: a save from a stale copy of an article is refused on every write path, nothing is written,
and the editor is told who changed what; truly concurrent saves let exactly one through."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from archive.editorial.revisions import record_revision
from archive.models import Article, Revision, SourceLink
from tests.helpers.admin import changelist_row, form_data
from tests.helpers.builders import make_article, make_person, make_user
from tests.helpers.pages import Page

EDITOR_PERMISSIONS = (
    "archive.view_article",
    "archive.change_article",
    "archive.publish_article",
    *(f"archive.{action}_sourcelink" for action in ["view", "add", "change", "delete"]),
)


def change_url(article):
    return reverse("admin:archive_article_change", args=[article.pk])


def logged_in(username):
    client = Client()
    client.force_login(make_user(username, *EDITOR_PERMISSIONS))
    return client


@pytest.fixture
def article(db):
    article = make_article(headline="Drone strike hits Kyiv", body="Rescuers searched the rubble.")
    SourceLink.objects.create(article=article, position=1, url="https://example.com/a", title="First report")
    record_revision(article)
    return article


@pytest.fixture
def alice():
    return logged_in("alice")


@pytest.fixture
def bob():
    return logged_in("bob")


# ---------------------------------------------------------------- the change form


@pytest.mark.django_db
def test_a_stale_save_is_refused_saying_who_changed_what_and_keeping_the_editors_input(article, alice, bob):
    alices_copy = alice.get(change_url(article))
    bob.post(change_url(article), form_data(bob.get(change_url(article)), headline="Drone strike hits Kyiv suburb"))

    refused = alice.post(change_url(article), form_data(alices_copy, body="Alice rewrote the whole body."))

    assert refused.status_code == 200
    text = Page(refused).text
    assert "Not saved: someone else changed this article after you opened it." in text
    assert re.search(r"Saved by bob at \d+ \w+ \d{4} \d\d:\d\d as version 2; you opened version 1\.", text)
    assert "Drone strike hits Kyiv<ins> suburb</ins>" in refused.content.decode()
    assert "Alice rewrote the whole body." in refused.content.decode()  # still in her form, to copy
    article.refresh_from_db()
    assert (article.headline, article.body) == ("Drone strike hits Kyiv suburb", "Rescuers searched the rubble.")
    assert Revision.objects.filter(article=article).count() == 2


@pytest.mark.django_db
def test_a_stale_save_writes_none_of_its_sources_or_entities(article, alice, bob):
    alices_copy = alice.get(change_url(article))
    newcomer = make_person("Olena Kovalenko")
    bob.post(change_url(article), form_data(bob.get(change_url(article)), byline="Bob"))
    data = form_data(alices_copy, people=[str(newcomer.pk)])
    data.update({"sources-0-title": "Renamed by Alice", "sources-TOTAL_FORMS": "2", "sources-1-position": "2"})
    data.update({"sources-1-url": "https://example.com/b", "sources-1-title": "", "sources-1-publisher": ""})

    refused = alice.post(change_url(article), data)

    assert refused.status_code == 200
    assert list(article.sources.values_list("title", flat=True)) == ["First report"]
    assert not article.people.exists()
    assert "Renamed by Alice" in refused.content.decode()


@pytest.mark.django_db
def test_after_a_refusal_a_reloaded_form_saves(article, alice, bob):
    alices_copy = alice.get(change_url(article))
    bob.post(change_url(article), form_data(bob.get(change_url(article)), byline="Bob"))
    alice.post(change_url(article), form_data(alices_copy, body="Alice's body."))

    saved = alice.post(change_url(article), form_data(alice.get(change_url(article)), body="Alice's body."))

    assert saved.status_code == 302
    article.refresh_from_db()
    assert (article.byline, article.body) == ("Bob", "Alice's body.")


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["", "not a number", "-1"])
def test_a_change_form_without_a_valid_version_is_refused(article, alice, version):
    data = form_data(alice.get(change_url(article)), headline="Changed", opened_version=version)

    response = alice.post(change_url(article), data)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == "Drone strike hits Kyiv"


# ---------------------------------------------------------------- changelist rows


def changelist_data(page, changes):
    formset = page.context["cl"].formset
    data = {"_save": "Save", **{f"form-{name}": value for name, value in formset.management_form.initial.items()}}
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = str(form.instance.pk)
        data[f"form-{index}-publication"] = changes.get(form.instance.pk, form.instance.publication)
        data[f"form-{index}-opened_version"] = str(form.instance.version)
    return data


@pytest.mark.django_db
def test_a_stale_changelist_row_is_refused_with_a_message_and_the_other_rows_are_saved(article, alice, bob):
    other = make_article(publication="AP")
    changelist = reverse("admin:archive_article_changelist")
    alices_list = alice.get(changelist)
    bob.post(change_url(article), form_data(bob.get(change_url(article)), publication="Reuters"))

    response = alice.post(
        changelist, changelist_data(alices_list, {article.pk: "AFP", other.pk: "AP News"}), follow=True
    )

    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.publication, other.publication) == ("Reuters", "AP News")
    text = Page(response).text
    assert "Not saved: “Drone strike hits Kyiv” was changed by bob at" in text
    assert "Your input was Publication: “AFP”" in text
    assert "1 article was changed successfully." in text
    assert Revision.objects.filter(article=article).count() == 2  # Bob's only


@pytest.mark.django_db
def test_changelist_rows_show_and_carry_the_version_they_were_opened_at(article, alice):
    response = alice.get(reverse("admin:archive_article_changelist"))

    cell = changelist_row(response, change_url(article)).one("td.field-opened_version")
    shown, carried = cell.children
    assert shown == str(article.version)
    assert (carried.tag, carried["type"]) == ("input", "hidden")
    assert (carried["name"], carried["value"]) == ("form-0-opened_version", str(article.version))


# ---------------------------------------------------------------- restore


@pytest.mark.django_db
def test_a_restore_confirmed_on_a_stale_page_is_refused(article, alice, bob):
    restore_url = reverse("admin:archive_article_restore", args=[article.pk, 1])
    bob.post(change_url(article), form_data(bob.get(change_url(article)), headline="Second headline"))
    confirmation = alice.get(restore_url)
    opened = Page(confirmation).one('input[name="version"]')["value"]
    assert opened.isdigit(), opened
    bob.post(change_url(article), form_data(bob.get(change_url(article)), headline="Third headline"))

    refused = alice.post(restore_url, {"version": opened})

    assert refused.status_code == 409
    assert "Not saved: someone else changed this article after you opened it." in Page(refused).text
    article.refresh_from_db()
    assert article.headline == "Third headline"
    assert Revision.objects.filter(article=article, action=Revision.Action.RESTORED).count() == 0


# ---------------------------------------------------------------- truly concurrent writers


def in_threads(*jobs):
    """Run each job in its own thread, with its own database connection, released at its end."""
    results = [None] * len(jobs)
    errors = []

    def run(index, job):
        try:
            results[index] = job()
        except Exception as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_the_same_moment_one_succeeds_and_the_other_is_refused():
    article = make_article(headline="Drone strike hits Kyiv")
    record_revision(article)
    editors = {name: logged_in(name) for name in ["alice", "bob"]}
    opened = {name: client.get(change_url(article)) for name, client in editors.items()}
    barrier = threading.Barrier(len(editors))

    def save(name):
        def job():
            data = form_data(opened[name], headline=f"Headline by {name}")
            barrier.wait(timeout=30)
            return editors[name].post(change_url(article), data)

        return job

    alice, bob = in_threads(save("alice"), save("bob"))

    assert sorted([alice.status_code, bob.status_code]) == [200, 302]
    winner, loser = ("alice", bob) if alice.status_code == 302 else ("bob", alice)
    assert "Not saved: someone else changed this article after you opened it." in Page(loser).text
    article.refresh_from_db()
    assert article.headline == f"Headline by {winner}"
    assert list(Revision.objects.filter(article=article).values_list("number", "user__username")) == [
        (2, winner),
        (1, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_an_action_waits_for_an_edit_in_progress_and_keeps_it():
    article = make_article(headline="Drone strike hits Kyiv", status=Article.Status.DRAFT, published_at=None)
    editor = logged_in("alice")
    locked, edited = threading.Event(), threading.Event()

    def slow_edit():
        from django.db import transaction

        from archive.editorial.edit_conflicts import lock_article

        with transaction.atomic():
            row = lock_article(article.pk)
            locked.set()
            row.headline = "Drone strike hits Kyiv suburb"
            edited.wait(timeout=2)  # the action is trying meanwhile
            row.save()

    def publish():
        locked.wait(timeout=30)
        try:
            return editor.post(
                reverse("admin:archive_article_changelist"),
                {"action": "publish", "_selected_action": [str(article.pk)], "index": "0"},
            )
        finally:
            edited.set()

    in_threads(slow_edit, publish)

    article.refresh_from_db()
    assert (article.status, article.headline) == (Article.Status.PUBLISHED, "Drone strike hits Kyiv suburb")
