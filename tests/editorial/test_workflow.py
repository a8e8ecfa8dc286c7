"""The workflow's rules, asked directly with real users in each role: moves, choices, buttons, refusals."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from archive.editorial import workflow
from archive.models import Article
from tests.helpers.builders import make_article, make_draft, make_scheduled, make_staff, make_withdrawn

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def reporter():
    return make_staff("Reporter")


@pytest.fixture
def editor():
    return make_staff("Editor")


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@example.com", "a-long-test-password")


def moves_for(user):
    return {
        (source, target)
        for source in Status.values
        for target in Status.values
        if workflow.may_move(user, source, target)
    }


def test_a_reporter_may_only_submit_a_draft_for_review(reporter):
    assert moves_for(reporter) == {(Status.DRAFT, Status.REVIEW)}


def test_an_editor_may_make_every_move_of_the_workflow(editor):
    assert moves_for(editor) == set(workflow.MOVES)


@pytest.mark.parametrize(
    "source, target",
    [
        (Status.DRAFT, Status.WITHDRAWN),
        (Status.REVIEW, Status.WITHDRAWN),
        (Status.WITHDRAWN, Status.REVIEW),
        (Status.PUBLISHED, Status.REVIEW),
    ],
)
def test_a_move_outside_the_workflow_is_refused_even_to_a_superuser(superuser, source, target):
    article = make_article(status=source, withdrawal_note="Taken down.")

    assert not workflow.may_move(superuser, source, target)
    assert workflow.refusal(superuser, article, status=target).startswith("An article cannot go from")


def test_a_reporters_status_choices_for_a_draft_are_draft_and_in_review(reporter):
    assert [value for value, _label in workflow.status_choices(reporter, Status.DRAFT)] == ["draft", "review"]


def test_an_editors_status_choices_for_a_published_article_leave_out_in_review(editor):
    choices = [value for value, _label in workflow.status_choices(editor, Status.PUBLISHED)]

    assert choices == ["draft", "published", "withdrawn"]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_a_reporter_may_edit_work_in_progress(reporter, status):
    assert workflow.may_edit(reporter, make_article(status=status, published_at=None))


@pytest.mark.parametrize("maker", [make_article, make_scheduled, make_withdrawn])
def test_a_reporter_may_not_edit_what_readers_see_or_saw(reporter, editor, maker):
    article = maker()

    assert not workflow.may_edit(reporter, article)
    assert workflow.may_edit(editor, article)
    assert workflow.refusal(reporter, article, status=article.status).startswith("You may not change")


def test_a_reporter_is_refused_the_publication_time(reporter):
    draft = make_draft()

    later = timezone.now() + datetime.timedelta(days=1)
    assert "publication time" in workflow.refusal(reporter, draft, published_at=later)
    assert "publication time" in workflow.refusal(reporter, draft, changed=["published_at"])
    assert workflow.refusal(reporter, draft, status=Status.REVIEW) is None


def test_a_reporter_is_refused_publishing_with_a_reason_that_names_review(reporter):
    message = workflow.refusal(reporter, make_draft(), status=Status.PUBLISHED)

    assert message == workflow.NOT_YOURS[Status.PUBLISHED]
    assert "submit the article for review" in message


def test_withdrawing_needs_a_withdrawal_note(editor):
    article = make_article()

    assert "withdrawal note" in workflow.refusal(editor, article, status=Status.WITHDRAWN, withdrawal_note="  ")
    assert workflow.refusal(editor, article, status=Status.WITHDRAWN, withdrawal_note="Legal reasons.") is None


def test_publishing_keeps_a_time_already_past_and_otherwise_means_now():
    now = timezone.now()
    earlier = now - datetime.timedelta(days=2)
    later = now + datetime.timedelta(days=2)

    assert workflow.press(workflow.PUBLISH_NOW, earlier, now) == (Status.PUBLISHED, earlier)
    assert workflow.press(workflow.PUBLISH_NOW, None, now) == (Status.PUBLISHED, now)
    assert workflow.press(workflow.PUBLISH_NOW, later, now) == (Status.PUBLISHED, now)


@pytest.mark.parametrize("hours", [None, -1])
def test_scheduling_needs_a_time_to_come(hours):
    now = timezone.now()
    when = None if hours is None else now + datetime.timedelta(hours=hours)

    with pytest.raises(ValidationError) as refused:
        workflow.press(workflow.SCHEDULE, when, now)
    assert "in the future" in str(refused.value)
    later = now + datetime.timedelta(hours=3)
    assert workflow.press(workflow.SCHEDULE, later, now) == (Status.PUBLISHED, later)


def labels(user, article):
    return [button.label for button in workflow.buttons(user, article)]


def test_a_reporter_gets_only_the_submit_button_and_none_once_submitted(reporter):
    assert labels(reporter, Article()) == ["Submit for review"]
    assert labels(reporter, make_draft()) == ["Submit for review"]
    assert labels(reporter, make_article(status=Status.REVIEW, published_at=None)) == []
    assert labels(reporter, make_article()) == []


@pytest.mark.parametrize(
    "maker, expected",
    [
        (make_draft, ["Submit for review", "Publish", "Schedule"]),
        (lambda: make_article(status=Status.REVIEW, published_at=None), ["Publish", "Schedule", "Return to draft"]),
        (make_article, ["Withdraw", "Return to draft"]),
        (make_scheduled, ["Publish now", "Return to draft"]),
        (make_withdrawn, ["Republish", "Schedule", "Return to draft"]),
    ],
)
def test_an_editor_gets_the_buttons_for_where_the_article_is(editor, maker, expected):
    assert labels(editor, maker()) == expected


def test_a_button_is_found_by_the_name_it_was_sent_with():
    assert workflow.pressed({"_withdraw": "Withdraw", "headline": "x"}) is workflow.WITHDRAW
    assert workflow.pressed({"_save": "Save"}) is None


@pytest.mark.parametrize(
    "make_user, may",
    [
        (lambda: make_staff("Reporter"), True),
        (lambda: make_staff("Editor"), True),
        (lambda: User.objects.create_user("reader", password="a-long-test-password"), False),
        (lambda: User.objects.create_user("desk", password="a-long-test-password", is_staff=True), False),
        (lambda: make_staff("Editor", is_active=False), False),
    ],
)
def test_only_active_staff_who_may_view_articles_may_preview(make_user, may):
    assert workflow.may_preview(make_user()) is may
