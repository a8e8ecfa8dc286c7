"""The workflow in the admin, used as each role uses it: real Reporters, Editors and Administrators.

Every refusal is a hand-made POST the page itself would not offer; each must
say why and write nothing.
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from archive.models import ArchiveState, Article, Correction, Person, Revision
from tests.helpers.admin import article_form_data, entity_form_data, management_form, run_action
from tests.helpers.builders import make_article, make_draft, make_person, make_scheduled, make_withdrawn
from tests.helpers.pages import Page

pytestmark = pytest.mark.django_db
Status = Article.Status
CORRECTIONS = "corrections"


@pytest.fixture
def reporter(client_as):
    return client_as("Reporter")


@pytest.fixture
def editor(client_as):
    return client_as("Editor")


@pytest.fixture
def administrator(client_as):
    return client_as("Administrator")


def make_in_review(**overrides):
    return make_article(status=Status.REVIEW, published_at=None, **overrides)


def change_url(article):
    return reverse("admin:archive_article_change", args=[article.pk])


def add_url():
    return reverse("admin:archive_article_add")


def form_of(article, corrections=(), **changes):
    """The change form as the browser sends it back for `article`, with `changes` made."""
    local = timezone.localtime(article.published_at) if article.published_at else None
    fields = {
        "headline": article.headline,
        "slug": article.slug,
        "body": article.body,
        "status": article.status,
        "published_at_0": f"{local:%Y-%m-%d}" if local else "",
        "published_at_1": f"{local:%H:%M:%S}" if local else "",
        "withdrawal_note": article.withdrawal_note,
        # Opened now: the version the form would carry.
        "opened_version": Article.objects.get(pk=article.pk).version,
        **changes,
    }
    data = article_form_data(**fields)
    data.update(management_form(CORRECTIONS, len(corrections)))
    for index, correction in enumerate(corrections):
        for key, value in correction.items():
            data[f"{CORRECTIONS}-{index}-{key}"] = value
    return data


def without_publishing_fields(data):
    """What a reporter's browser sends: the publication time and withdrawal note are text on their page."""
    return {key: value for key, value in data.items() if not key.startswith(("published_at", "withdrawal_note"))}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_errors(response):
    return " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())


def stored(article):
    return Article.objects.get(pk=article.pk)


def status_options(page):
    """The values the form's status menu offers, or [] if it has none."""
    select = Page(page).first('select[name="status"]')
    return [option["value"] for option in select.select("option[value]")] if select else []


def workflow_buttons(page):
    """[(name, label)] of the buttons that save and move the article."""
    buttons = Page(page).select('input[type="submit"][class^="workflow-button"]')
    return [(button["name"], button["value"]) for button in buttons]


def hours_from_now(hours):
    return timezone.now() + datetime.timedelta(hours=hours)


# ---------------------------------------------------------------- reporters


def test_reporter_writes_a_draft_and_submits_it_with_the_button(reporter):
    response = reporter.post(add_url(), without_publishing_fields(article_form_data(headline="Power cut in Kharkiv")))
    assert response.status_code == 302
    article = Article.objects.get(headline="Power cut in Kharkiv")
    assert article.status == Status.DRAFT

    response = reporter.post(
        change_url(article), {**without_publishing_fields(form_of(article)), "_submit_for_review": "Submit for review"}
    )

    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert stored(article).status == Status.REVIEW
    assert "Submitted for review." in " ".join(messages_of(response))


def test_reporter_edits_an_article_in_review(reporter):
    article = make_in_review()

    response = reporter.post(change_url(article), without_publishing_fields(form_of(article, headline="Sharper")))

    assert response.status_code == 302
    assert (stored(article).headline, stored(article).status) == ("Sharper", Status.REVIEW)


def test_reporter_form_offers_only_draft_and_review_and_the_submit_button(reporter):
    page = reporter.get(change_url(make_draft())).content.decode()

    assert status_options(page) == ["draft", "review"]
    assert workflow_buttons(page) == [("_submit_for_review", "Submit for review")]
    assert 'name="published_at_0"' not in page and 'name="withdrawal_note"' not in page
    assert 'class="deletelink"' not in page


def test_reporter_cannot_publish_from_the_change_form(reporter):
    draft = make_draft()

    response = reporter.post(
        change_url(draft), without_publishing_fields(form_of(draft, headline="Changed", status=Status.PUBLISHED))
    )

    assert response.status_code == 200
    assert "You may not publish" in form_errors(response)
    assert (stored(draft).headline, stored(draft).status) == (draft.headline, Status.DRAFT)


def test_reporter_cannot_publish_with_the_publish_button(reporter):
    draft = make_draft()

    response = reporter.post(change_url(draft), {**without_publishing_fields(form_of(draft)), "_publish": "Publish"})

    assert response.status_code == 200 and "You may not publish" in form_errors(response)
    assert stored(draft).status == Status.DRAFT and not Article.objects.published().exists()


@pytest.mark.parametrize("button", ["_schedule", "_withdraw", "_return_to_draft"])
def test_reporter_pressing_an_editors_button_by_hand_is_told_why_not(reporter, button):
    article = make_in_review()

    response = reporter.post(change_url(article), {**without_publishing_fields(form_of(article)), button: "x"})

    assert response.status_code == 200 and form_errors(response).startswith(("You may not", "An article cannot"))
    assert stored(article).status == Status.REVIEW


def test_reporter_cannot_create_a_published_article(reporter):
    response = reporter.post(
        add_url(), without_publishing_fields(article_form_data(headline="Straight out", status=Status.PUBLISHED))
    )

    assert response.status_code == 200 and "You may not publish" in form_errors(response)
    assert not Article.objects.filter(headline="Straight out").exists()


@pytest.mark.parametrize("hours", [24, -24])
def test_reporter_cannot_set_the_publication_time_by_hand(reporter, hours):
    draft = make_draft()
    when = timezone.localtime(hours_from_now(hours))

    response = reporter.post(
        change_url(draft),
        form_of(draft, headline="Changed", published_at_0=f"{when:%Y-%m-%d}", published_at_1=f"{when:%H:%M:%S}"),
    )

    assert response.status_code == 200 and "publication time" in form_errors(response)
    assert (stored(draft).headline, stored(draft).published_at) == (draft.headline, None)


def test_reporter_cannot_write_a_withdrawal_note_by_hand(reporter):
    draft = make_draft()

    response = reporter.post(change_url(draft), form_of(draft, withdrawal_note="Pulled."))

    assert response.status_code == 200 and "withdrawal note" in form_errors(response)
    assert stored(draft).withdrawal_note == ""


@pytest.mark.parametrize("maker", [make_article, make_scheduled, make_withdrawn])
def test_reporter_may_view_but_not_edit_what_readers_see_or_saw(reporter, maker):
    article = maker(withdrawal_note="Taken down.")

    page = reporter.get(change_url(article))
    posted = reporter.post(change_url(article), form_of(article, headline="Rewritten by a reporter"))

    assert page.status_code == 200
    assert 'name="headline"' not in page.content.decode() and workflow_buttons(page.content.decode()) == []
    assert posted.status_code == 403
    assert stored(article).headline == article.headline and stored(article).version == article.version


def test_reporter_has_no_actions_and_a_hand_made_publish_action_is_refused(reporter):
    drafts = [make_draft(), make_in_review()]
    assert 'name="action"' not in reporter.get(reverse("admin:archive_article_changelist")).content.decode()

    response = run_action(reporter, "publish", drafts)

    assert response.status_code == 302
    assert any("You may not run" in message for message in messages_of(response))
    assert not Article.objects.published().exists() and not Revision.objects.exists()


def test_reporter_cannot_delete_an_article_in_any_way(reporter):
    draft = make_draft()
    delete_url = reverse("admin:archive_article_delete", args=[draft.pk])

    assert reporter.get(delete_url).status_code == 403
    assert reporter.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = run_action(reporter, "delete_selected", [draft])

    assert any("You may not run “Delete selected articles”" in message for message in messages_of(bulk))
    assert Article.objects.filter(pk=draft.pk).exists() and not Revision.objects.exists()


def test_reporter_neither_sees_nor_posts_corrections(reporter):
    draft = make_draft()
    assert "corrections-TOTAL_FORMS" not in reporter.get(change_url(draft)).content.decode()

    response = reporter.post(
        change_url(draft),
        without_publishing_fields(form_of(draft, corrections=[correction_row("Sneaked in")])),
    )

    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_reporter_adds_a_person_from_the_article_form_and_finds_it_in_the_picker(reporter):
    response = reporter.post(
        reverse("admin:archive_person_add") + "?_to_field=id&_popup=1",
        {
            "name": "Ihor Klymenko",
            "slug": "",
            "role": "",
            "description": "",
            "_popup": "1",
            "_to_field": "id",
            **management_form("archive-alias-content_type-object_id", 1),
            "archive-alias-content_type-object_id-0-name": "Klimenko",
        },
    )
    assert response.status_code == 200 and "data-popup-response" in response.content.decode()

    found = reporter.get(
        reverse("admin:autocomplete"),
        {"term": "Klimenko", "app_label": "archive", "model_name": "article", "field_name": "people"},
    )
    assert [result["text"].split(" · ")[0] for result in found.json()["results"]] == ["Ihor Klymenko"]


def test_reporter_may_not_change_an_entity(reporter):
    person = make_person()

    response = reporter.post(reverse("admin:archive_person_change", args=[person.pk]), {"name": "Someone else"})

    assert response.status_code == 403 and Person.objects.get(pk=person.pk).name == person.name


# ---------------------------------------------------------------- editors


def test_editor_publishes_a_submitted_article_with_the_button(editor):
    article = make_in_review()
    before = timezone.now()

    response = editor.post(change_url(article), {**form_of(article), "_publish": "Publish"})

    assert response.status_code == 302 and response["Location"] == change_url(article)
    published = stored(article)
    assert published.status == Status.PUBLISHED and before <= published.published_at <= timezone.now()
    assert editor.get(published.get_absolute_url()).status_code == 200


def test_editor_schedules_and_the_article_goes_live_at_its_time_without_a_job(editor, monkeypatch):
    article = make_in_review(headline="Embargoed until the morning")
    when = timezone.localtime(hours_from_now(2)).replace(microsecond=0)

    response = editor.post(
        change_url(article),
        {**form_of(article, published_at_0=f"{when:%Y-%m-%d}", published_at_1=f"{when:%H:%M:%S}"), "_schedule": "x"},
    )

    assert response.status_code == 302
    assert any("Scheduled: readers see it from" in message for message in messages_of(response))
    scheduled = stored(article)
    assert (scheduled.status, scheduled.published_at) == (Status.PUBLISHED, when)
    assert editor.get(scheduled.get_absolute_url()).status_code == 404
    assert "Embargoed until the morning" not in editor.get("/").content.decode()

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=3))

    assert editor.get(scheduled.get_absolute_url()).status_code == 200
    assert "Embargoed until the morning" in editor.get("/").content.decode()


@pytest.mark.parametrize("hours", [None, -2])
def test_editor_cannot_schedule_without_a_time_to_come(editor, hours):
    article = make_in_review()
    when = timezone.localtime(hours_from_now(hours)) if hours else None
    posted_time = {"published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S}"} if when else {}

    response = editor.post(change_url(article), {**form_of(article, **posted_time), "_schedule": "Schedule"})

    assert response.status_code == 200
    assert "in the future" in str(response.context["adminform"].form.errors["published_at"])
    assert stored(article).status == Status.REVIEW


def test_editor_withdraws_with_a_note_and_the_address_answers_gone(editor):
    article = make_article()

    response = editor.post(
        change_url(article), {**form_of(article, withdrawal_note="Withdrawn on legal advice."), "_withdraw": "x"}
    )

    assert response.status_code == 302
    withdrawn = stored(article)
    assert withdrawn.status == Status.WITHDRAWN and withdrawn.withdrawn_at is not None
    gone = editor.get(withdrawn.get_absolute_url())
    assert gone.status_code == 410 and "Withdrawn on legal advice." in gone.content.decode()


def test_editor_cannot_withdraw_without_a_note(editor):
    article = make_article()

    response = editor.post(change_url(article), {**form_of(article), "_withdraw": "Withdraw"})

    assert response.status_code == 200 and "withdrawal note" in form_errors(response)
    assert stored(article).status == Status.PUBLISHED


@pytest.mark.parametrize("maker", [make_in_review, make_article, make_scheduled, make_withdrawn])
def test_editor_returns_an_article_to_draft(editor, maker):
    article = maker(withdrawal_note="Taken down.")

    response = editor.post(change_url(article), {**form_of(article), "_return_to_draft": "Return to draft"})

    assert response.status_code == 302
    assert stored(article).status == Status.DRAFT and stored(article).withdrawn_at is None
    assert not Article.objects.published().exists()


def test_editor_republishes_a_withdrawn_article_at_its_old_time(editor):
    article = make_withdrawn(withdrawal_note="Taken down.")
    page = editor.get(change_url(article)).content.decode()
    assert ("_publish", "Republish") in workflow_buttons(page)

    response = editor.post(change_url(article), {**form_of(article), "_publish": "Republish"})

    assert response.status_code == 302
    back = stored(article)
    assert (back.status, back.withdrawn_at) == (Status.PUBLISHED, None)
    assert abs(back.published_at - article.published_at) < datetime.timedelta(seconds=1)
    assert editor.get(back.get_absolute_url()).status_code == 200


def test_the_withdrawal_note_waits_until_readers_have_seen_the_article(editor):
    assert 'name="withdrawal_note"' not in editor.get(change_url(make_draft())).content.decode()
    assert 'name="withdrawal_note"' not in editor.get(add_url()).content.decode()
    assert 'name="withdrawal_note"' in editor.get(change_url(make_withdrawn())).content.decode()


def test_editor_renames_an_entity(editor):
    person = make_person()

    response = editor.post(
        reverse("admin:archive_person_change", args=[person.pk]), entity_form_data("Volodymyr O. Zelenskiy", role="")
    )

    assert response.status_code == 302 and Person.objects.get(pk=person.pk).name == "Volodymyr O. Zelenskiy"


def test_editor_edits_a_published_article(editor):
    article = make_article()

    response = editor.post(change_url(article), form_of(article, headline="A clearer headline"))

    assert response.status_code == 302 and stored(article).headline == "A clearer headline"


def test_a_move_outside_the_workflow_is_refused_to_an_editor(editor):
    draft = make_draft()

    response = editor.post(change_url(draft), form_of(draft, status=Status.WITHDRAWN, withdrawal_note="Why"))

    assert response.status_code == 200 and "cannot go from draft to withdrawn" in form_errors(response)
    assert stored(draft).status == Status.DRAFT


def test_editor_form_offers_the_moves_from_a_live_article(editor):
    page = editor.get(change_url(make_article())).content.decode()

    assert status_options(page) == ["draft", "published", "withdrawn"]
    assert workflow_buttons(page) == [("_withdraw", "Withdraw"), ("_return_to_draft", "Return to draft")]
    assert 'name="published_at_0"' in page and 'name="withdrawal_note"' in page
    assert "corrections-TOTAL_FORMS" in page
    assert 'class="deletelink"' not in page


def test_editor_publish_action_publishes_and_records_a_revision_for_each(editor):
    drafts = [make_draft(), make_in_review()]
    scheduled = make_scheduled()

    response = run_action(editor, "publish", [*drafts, scheduled])

    assert response.status_code == 302
    assert {article.pk for article in Article.objects.published()} == {article.pk for article in drafts}
    revisions = Revision.objects.filter(user=editor.user)
    assert sorted((revision.article_id, revision.action) for revision in revisions) == sorted(
        (article.pk, Revision.Action.PUBLISHED) for article in drafts
    )
    assert stored(scheduled).published_at == scheduled.published_at


def test_editor_unpublish_action_returns_live_and_scheduled_articles_to_draft_with_revisions(editor):
    live, scheduled, withdrawn = make_article(), make_scheduled(), make_withdrawn()

    run_action(editor, "unpublish", [live, scheduled, withdrawn])

    assert [stored(article).status for article in (live, scheduled, withdrawn)] == ["draft", "draft", "withdrawn"]
    assert sorted(Revision.objects.exclude(action=Revision.Action.FOUND).values_list("article_id", "action")) == sorted(
        [(live.pk, Revision.Action.RETURNED), (scheduled.pk, Revision.Action.RETURNED)]
    )


def test_editor_cannot_delete_an_article(editor):
    article = make_article()
    changelist = editor.get(reverse("admin:archive_article_changelist")).content.decode()
    assert 'value="publish"' in changelist and 'value="unpublish"' in changelist
    assert 'value="delete_selected"' not in changelist

    assert editor.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 403
    run_action(editor, "delete_selected", [article])

    assert Article.objects.filter(pk=article.pk).exists() and not Revision.objects.exists()


def correction_row(text, when=None):
    """A new row of the corrections inline, dated now as the form fills it in."""
    when = timezone.localtime(when or timezone.now())
    return {"id": "", "published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S}", "text": text}


def test_editor_adds_a_correction_which_is_kept_as_a_revision_and_changes_the_archive(editor):
    article = make_article()
    changes_before = ArchiveState.current().changes

    response = editor.post(change_url(article), form_of(article, corrections=[correction_row("The toll was 12.")]))

    assert response.status_code == 302
    correction = Correction.objects.get(article=article)
    assert (correction.text, correction.created_by) == ("The toll was 12.", editor.user)
    revision = Revision.objects.exclude(action=Revision.Action.FOUND).get(article=article)
    assert (revision.action, revision.user) == (Revision.Action.CORRECTED, editor.user)
    assert ArchiveState.current().changes > changes_before
    assert "The toll was 12." in editor.get(article.get_absolute_url()).content.decode()


def test_a_correction_dated_in_the_future_is_refused(editor):
    article = make_article()
    correction = correction_row("Soon.", when=hours_from_now(48))

    response = editor.post(change_url(article), form_of(article, headline="Changed", corrections=[correction]))

    assert response.status_code == 200 and "cannot be dated in the future" in response.content.decode()
    assert not Correction.objects.exists() and stored(article).headline == article.headline


@pytest.mark.parametrize(
    "maker, preview", [(make_article, False), (make_draft, True), (make_scheduled, True), (make_withdrawn, True)]
)
def test_view_on_site_opens_the_preview_until_readers_can_see_the_article(editor, maker, preview):
    article = maker()
    page = editor.get(change_url(article)).content.decode()
    target = reverse("archive:article_preview", args=[article.pk]) if preview else article.get_absolute_url()

    site_link = Page(page).one("a.viewsitelink")["href"]
    assert site_link == target and editor.get(target).status_code == 200


# ---------------------------------------------------------------- administrators


def test_administrator_deletes_an_article_and_its_last_revision_is_kept(administrator):
    person = make_person()
    article = make_article(headline="To be deleted", people=[person])

    response = administrator.post(reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"})

    assert response.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()
    revision = Revision.objects.get(article_id=article.pk)
    assert (revision.action, revision.user) == (Revision.Action.DELETED, administrator.user)
    assert revision.data["fields"]["headline"] == "To be deleted"
    assert revision.data["entities"]["people"] == [{"id": person.pk, "name": person.name}]


def test_administrator_bulk_delete_keeps_a_deleted_revision_of_each(administrator):
    articles = [make_article(), make_draft()]

    response = run_action(administrator, "delete_selected", articles)
    confirmed = administrator.post(
        reverse("admin:archive_article_changelist"),
        {"action": "delete_selected", "_selected_action": [str(a.pk) for a in articles], "post": "yes"},
    )

    assert response.status_code == 200 and confirmed.status_code == 302
    assert not Article.objects.exists()
    assert sorted(Revision.objects.values_list("article_id", "action")) == sorted(
        (article.pk, Revision.Action.DELETED) for article in articles
    )


def test_administrator_publishes_like_an_editor_but_moves_only_as_the_workflow_allows(administrator):
    draft, other = make_draft(), make_draft()

    published = administrator.post(change_url(draft), {**form_of(draft), "_publish": "Publish"})
    refused = administrator.post(change_url(other), form_of(other, status=Status.WITHDRAWN, withdrawal_note="Why"))

    assert published.status_code == 302 and stored(draft).status == Status.PUBLISHED
    assert refused.status_code == 200 and "cannot go from draft to withdrawn" in form_errors(refused)
    assert stored(other).status == Status.DRAFT


def test_only_administrators_manage_users(administrator, editor, reporter):
    users = reverse("admin:auth_user_changelist")

    assert administrator.get(users).status_code == 200
    assert editor.get(users).status_code == 403 and reporter.get(users).status_code == 403


def test_reporter_cannot_change_a_published_article_from_the_list(reporter):
    published = make_article(publication="Northern Wire")
    draft = make_draft(publication="Northern Wire")
    rows = [published, draft]
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0", "_save": "Save"}
    for index, article in enumerate(rows):
        data.update(
            {
                f"form-{index}-id": str(article.pk),
                f"form-{index}-publication": "Southern Wire",
                f"form-{index}-opened_version": str(article.version),
            }
        )

    response = reporter.post(reverse("admin:archive_article_changelist"), data, follow=True)

    assert any("you may not change" in message for message in messages_of(response))
    assert stored(published).publication == "Northern Wire"
    assert stored(draft).publication == "Southern Wire"
