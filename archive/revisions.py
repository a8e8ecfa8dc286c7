"""Revisions: every change to an article is kept as a snapshot of the whole article.

A snapshot holds what an editor can change: the content fields, the status and
publication time, the entities of every kind (ids, with names for reading) and
the sources, in order. Write paths call `record_revision()` inside the
transaction that made the change, after entities and sources are saved.
"""

from .models import ENTITY_KINDS, Article, Revision

SNAPSHOT_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "byline",
    "publication",
    "dateline",
    "status",
    "published_at",
    "editor_note",
    "withdrawal_note",
]

# The action a change of status stands for, when the write path does not say.
ACTIONS_BY_STATUS = {
    Article.Status.DRAFT: Revision.Action.RETURNED,
    Article.Status.REVIEW: Revision.Action.SUBMITTED,
    Article.Status.PUBLISHED: Revision.Action.PUBLISHED,
    Article.Status.WITHDRAWN: Revision.Action.WITHDRAWN,
}


def snapshot(article):
    """The article as it is in the database now, as JSON-ready data."""
    fields = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(article, name)
        fields[name] = value.isoformat() if hasattr(value, "isoformat") else value
    entities = {
        kind.article_field: [
            {"id": pk, "name": name}
            for pk, name in kind.model.objects.filter(links__content_object=article)
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        for kind in ENTITY_KINDS.values()
    }
    sources = [
        {"title": title, "url": url, "publisher": publisher}
        for title, url, publisher in article.sources.order_by("position", "id").values_list("title", "url", "publisher")
    ]
    return {"fields": fields, "entities": entities, "sources": sources}


def status_action(article):
    """The action that moving the article to its present status stands for."""
    action = ACTIONS_BY_STATUS[article.status]
    if action == Revision.Action.PUBLISHED and not article.is_public:
        action = Revision.Action.SCHEDULED
    return action


def record_revision(article, *, user=None, action=None, summary=""):
    """Keep the article as it now stands as its next revision.

    Without an `action`, a first revision is "created", a change of status is
    named after the new status, and anything else is "edited".
    """
    previous = Revision.objects.filter(article=article).order_by("-number").first()
    data = snapshot(article)
    if action is None:
        if previous is None:
            action = Revision.Action.CREATED
        elif previous.data["fields"]["status"] != article.status:
            action = status_action(article)
        else:
            action = Revision.Action.EDITED
    return Revision.objects.create(
        article=article,
        number=(previous.number + 1) if previous else 1,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        summary=summary,
        article_version=article.version,
        data=data,
    )
