"""The publication workflow: where an article may go from where it is, and who may move it.

Draft → in review → published (now, or scheduled: a publication time still to
come, which `Article.objects.published()` hides until it comes) → withdrawn.
Editors may also return an article to draft and republish a withdrawn one.
Every write path that changes an article for a user (the change form and its
buttons, the changelist actions) asks `refusal()` first; nothing here knows
about HTTP or the admin.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from archive.models import Article

Status = Article.Status

CHANGE = "archive.change_article"
VIEW = "archive.view_article"
PUBLISH = "archive.publish_article"
CORRECT = "archive.correct_article"

# Every move an article may make, with the permission it takes. Any other move is refused, for everyone.
MOVES = {
    (Status.DRAFT, Status.REVIEW): CHANGE,
    (Status.DRAFT, Status.PUBLISHED): PUBLISH,
    (Status.REVIEW, Status.PUBLISHED): PUBLISH,
    (Status.REVIEW, Status.DRAFT): PUBLISH,
    (Status.PUBLISHED, Status.WITHDRAWN): PUBLISH,
    (Status.PUBLISHED, Status.DRAFT): PUBLISH,
    (Status.WITHDRAWN, Status.PUBLISHED): PUBLISH,
    (Status.WITHDRAWN, Status.DRAFT): PUBLISH,
}

# Work not yet shown to readers: anyone who may change articles may change these.
IN_PROGRESS = {Status.DRAFT, Status.REVIEW}

# What a move is refused with when the user lacks its permission, by where it leads.
NOT_YOURS = {
    Status.REVIEW: "You may not submit articles for review.",
    Status.PUBLISHED: "You may not publish or schedule articles: submit the article for review and an editor will.",
    Status.WITHDRAWN: "You may not withdraw articles: ask an editor.",
    Status.DRAFT: "You may not return articles to draft: ask an editor.",
}

# Fields only those who may publish may set: when readers see the article, and what they read once it is gone.
PUBLISHING_FIELDS = {
    "published_at": "You may not set the publication time: editors publish and schedule articles.",
    "withdrawal_note": "You may not change the withdrawal note: editors withdraw articles.",
}


def may_publish(user):
    return user.has_perm(PUBLISH)


def may_correct(user):
    return user.has_perm(CORRECT)


def may_edit(user, article):
    """Anyone who may change articles edits work in progress; what readers may have seen is for editors."""
    return user.has_perm(CHANGE) and (article.status in IN_PROGRESS or may_publish(user))


def may_preview(user):
    """Staff who may look at articles in the admin may look at any of them as readers would."""
    return user.is_active and user.is_staff and (user.has_perm(VIEW) or user.has_perm(CHANGE))


def may_move(user, source, target):
    permission = MOVES.get((source, target))
    return permission is not None and user.has_perm(permission)


def status_choices(user, status):
    """The statuses `user` may leave an article in: where it is now, and where they may move it."""
    return [(value, label) for value, label in Status.choices if value == status or may_move(user, status, value)]


def next_step(user, article):
    """A line under the status field saying what happens next, for those who may not publish."""
    if may_publish(user) or article.status not in IN_PROGRESS:
        return ""
    if article.status == Status.REVIEW:
        return "Submitted: an editor will publish it or return it to draft. You may still edit it."
    return "When it is ready, press “Submit for review”: an editor publishes it."


def move_refusal(user, article, status):
    """Why `user` may not move `article` (as saved; unsaved when new) to `status`, or None."""
    if article.pk is not None and not may_edit(user, article):
        return f"You may not change {article.get_status_display().lower()} articles: ask an editor."
    if status != article.status:
        if (article.status, status) not in MOVES:
            return f"An article cannot go from {label(article.status)} to {label(status)}."
        if not may_move(user, article.status, status):
            return NOT_YOURS[status]
    return None


def refusal(user, article, *, status=None, published_at=None, withdrawal_note=None, changed=()):
    """Why `user` may not make this change to `article` (as saved; unsaved when new), or None.

    `status`, `published_at` and `withdrawal_note` are the values about to be
    saved (None: unchanged); `changed` names any other fields the change sets.
    """
    status = article.status if status is None else status
    if refused := move_refusal(user, article, status):
        return refused
    if not may_publish(user):
        wanted = {"published_at": published_at, "withdrawal_note": withdrawal_note}
        for name, message in PUBLISHING_FIELDS.items():
            if name in changed or (wanted[name] is not None and wanted[name] != getattr(article, name)):
                return message
    note = article.withdrawal_note if withdrawal_note is None else withdrawal_note
    if status == Status.WITHDRAWN and not note.strip():
        return "Write a withdrawal note before withdrawing: readers see it at the article's address."
    return None


def label(status):
    return Status(status).label.lower()


# ---------------------------------------------------------------- the change form's buttons


@dataclass(frozen=True)
class Button:
    """A move offered as a button in the change form; pressing it saves the form and moves the article."""

    name: str  # the submit button's name
    label: str
    target: Status
    done: str  # the message once it is done


SUBMIT = Button("_submit_for_review", "Submit for review", Status.REVIEW, "Submitted for review.")
PUBLISH_NOW = Button("_publish", "Publish", Status.PUBLISHED, "Published.")
SCHEDULE = Button("_schedule", "Schedule", Status.PUBLISHED, "Scheduled.")
WITHDRAW = Button("_withdraw", "Withdraw", Status.WITHDRAWN, "Withdrawn: its address now shows the withdrawal note.")
RETURN = Button("_return_to_draft", "Return to draft", Status.DRAFT, "Returned to draft.")
BUTTONS = [SUBMIT, PUBLISH_NOW, SCHEDULE, WITHDRAW, RETURN]


def buttons(user, article):
    """The buttons `user` gets for `article` (saved or new), labelled for where it is."""
    if article.pk is not None and not may_edit(user, article):
        return []
    offered = []
    for button in BUTTONS:
        if button is SCHEDULE and article.status == Status.PUBLISHED:
            continue  # already published or scheduled: the time field moves it
        if button is WITHDRAW and article.is_scheduled:
            continue  # readers never saw it: return it to draft instead
        if may_move(user, article.status, button.target):
            offered.append(button)
        elif button is PUBLISH_NOW and article.is_scheduled and may_publish(user):
            offered.append(button)
    return [relabelled(button, article) for button in offered]


def relabelled(button, article):
    if button is PUBLISH_NOW and article.is_scheduled:
        return Button(button.name, "Publish now", button.target, button.done)
    if button is PUBLISH_NOW and article.status == Status.WITHDRAWN:
        return Button(button.name, "Republish", button.target, button.done)
    return button


def pressed(data):
    """The button a submitted form was sent with, or None for a plain save."""
    return next((button for button in BUTTONS if button.name in data), None)


def press(button, published_at, now=None):
    """The status and publication time the form saves when `button` is pressed.

    `published_at` is the time in the form. Publishing keeps a time already
    past (a story filed earlier) and otherwise means now; scheduling needs a
    time to come.
    """
    now = now or timezone.now()
    if button is PUBLISH_NOW:
        return button.target, published_at if published_at and published_at <= now else now
    if button is SCHEDULE:
        if published_at is None or published_at <= now:
            raise ValidationError(
                {"published_at": "To schedule the article, give it a publication time in the future."}
            )
    return button.target, published_at


def done_message(button, article):
    if button is SCHEDULE:
        when = date_format(timezone.localtime(article.published_at), "j F Y, H:i")
        return f"Scheduled: readers see it from {when}."
    return button.done
