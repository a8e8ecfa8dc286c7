"""Revisions: every change to an article is kept as a snapshot of the whole article.

A snapshot holds what an editor can change: the content fields, the status and
publication time, the entities of every kind (ids, with names for reading) and
the sources, in order. Write paths call `record_revision()` inside the
transaction that made the change, after entities and sources are saved; bulk
writers (imports, bulk deletion) build theirs with `unsaved_revisions()` and
save them in one query.
"""

import datetime

from django.db.models import Max, OuterRef, Subquery, Value

from archive.editorial.diffs import compare
from archive.models import ENTITY_KINDS, Article, Revision, SourceLink

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
# Kept only in the revision written when an article is deleted: what bringing it back needs
# beyond what editors change.
RECORD_FIELDS = ["import_key", "created_at", "first_published_at"]

# The action a change of status stands for, when the write path does not say.
ACTIONS_BY_STATUS = {
    Article.Status.DRAFT: Revision.Action.RETURNED,
    Article.Status.REVIEW: Revision.Action.SUBMITTED,
    Article.Status.PUBLISHED: Revision.Action.PUBLISHED,
    Article.Status.WITHDRAWN: Revision.Action.WITHDRAWN,
}


def as_json(value):
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC)  # one spelling per moment, whatever zone it came in
    return value.isoformat() if hasattr(value, "isoformat") else value


def snapshots(articles):
    """{article id: snapshot} of saved articles, in two queries however many there are.

    The fields are read from the instances; entities and sources from the database.
    """
    pks = [article.pk for article in articles]
    entities = {pk: {kind.article_field: [] for kind in ENTITY_KINDS.values()} for pk in pks}
    links = None
    for kind in ENTITY_KINDS.values():
        rows = (
            kind.link_model.objects.filter(content_object_id__in=pks)
            .annotate(article_field=Value(kind.article_field))
            .values_list("content_object_id", "article_field", "tag__name", "tag_id")
        )
        links = rows if links is None else links.union(rows, all=True)
    for article_pk, field, name, entity_pk in sorted(links) if pks else []:
        entities[article_pk][field].append({"id": entity_pk, "name": name})
    sources = {pk: [] for pk in pks}
    rows = (
        SourceLink.objects.filter(article_id__in=pks)
        .order_by("article_id", "position", "id")
        .values_list("article_id", "title", "url", "publisher")
    )
    for article_pk, title, url, publisher in rows:
        sources[article_pk].append({"title": title, "url": url, "publisher": publisher})
    return {
        article.pk: {
            "fields": {name: as_json(getattr(article, name)) for name in SNAPSHOT_FIELDS},
            "entities": entities[article.pk],
            "sources": sources[article.pk],
        }
        for article in articles
    }


def snapshot(article):
    """The article as it is in the database now, as JSON-ready data."""
    return snapshots([article])[article.pk]


def without_record(data):
    """A snapshot without the extras a deletion keeps: what restoring compares."""
    return {key: value for key, value in data.items() if key != "record"}


def describe(before, after):
    """What changed from snapshot `before` (None: nothing before) to `after`, in words."""
    return compare(before and without_record(before), without_record(after)).summary()[:500]


def default_action(article, status_before):
    """A change of status is named after the new status, anything else is "edited";
    an article's first version (its version is 1) is "created"."""
    if status_before is None:
        return Revision.Action.CREATED if article.version <= 1 else Revision.Action.EDITED
    if status_before == article.status:
        return Revision.Action.EDITED
    return status_action(article)


def status_action(article):
    """The action that moving the article to its present status stands for."""
    action = ACTIONS_BY_STATUS[article.status]
    if action == Revision.Action.PUBLISHED and not article.is_public:
        action = Revision.Action.SCHEDULED
    return action


def acting_user(user):
    return user if user is not None and user.is_authenticated else None


def record_revision(article, *, user=None, action=None, summary="", status_before=None):
    """Keep the article as it now stands as its next revision.

    Without an `action` one is chosen from the change of status (see
    default_action): the previous revision's status, or `status_before` for an
    article that has none yet. Without a `summary`, it says what changed since
    the previous revision.
    """
    previous = Revision.objects.filter(article=article).order_by("-number").first()
    data = snapshot(article)
    if previous is not None:
        status_before = previous.data["fields"]["status"]
    return Revision.objects.create(
        article=article,
        number=(previous.number + 1) if previous else 1,
        user=acting_user(user),
        action=action or default_action(article, status_before),
        summary=summary[:500] or describe(previous.data if previous else None, data),
        article_version=article.version,
        data=data,
    )


def keep_as_found(articles, before=None):
    """A first revision for each of `articles` that has none yet, as it stands before the change
    about to be made to it: generated articles, and those older than the record, have no history,
    and their first change must still be one that can be compared and undone.

    `articles` are in their state before the change; `before` is {article id: snapshot} of
    them when the caller has read it already.
    """
    pks = [article.pk for article in articles]
    recorded = set(Revision.objects.filter(article_id__in=pks).values_list("article_id", flat=True).distinct())
    missing = [article for article in articles if article.pk not in recorded]
    if not missing:
        return
    data = {article.pk: before[article.pk] for article in missing} if before else snapshots(missing)
    Revision.objects.bulk_create(
        Revision(
            article_id=article.pk,
            number=1,
            action=Revision.Action.FOUND,
            summary="As it stood before its first recorded change",
            article_version=article.version,
            data=data[article.pk],
        )
        for article in missing
    )


def latest_numbers(article_pks):
    """{article id: number of its latest revision}, for the articles that have any."""
    return dict(
        Revision.objects.filter(article_id__in=article_pks)
        .order_by()
        .values("article_id")
        .annotate(last=Max("number"))
        .values_list("article_id", "last")
    )


def latest_revisions(article_pks, action):
    """{article id: its latest revision with `action`}."""
    latest = (
        Revision.objects.filter(article_id=OuterRef("article_id"), action=action).order_by("-number").values("number")
    )
    revisions = Revision.objects.filter(article_id__in=article_pks, action=action, number=Subquery(latest[:1]))
    return {revision.article_id: revision for revision in revisions}


def unsaved_revisions(articles, *, action, after, before=None, user=None, summary=""):
    """The next revision of each article, ready for one bulk_create.

    `after` and `before` are {article id: snapshot}. Given a `before`, an
    article missing from it is new: its revision is its first, and says what it holds.
    """
    numbers = latest_numbers([article.pk for article in articles if before is None or article.pk in before])
    before = before or {}
    return [
        Revision(
            article_id=article.pk,
            number=numbers.get(article.pk, 0) + 1,
            user=acting_user(user),
            action=action,
            summary=summary or describe(before.get(article.pk), after[article.pk]),
            article_version=article.version,
            data=after[article.pk],
        )
        for article in articles
    ]


def record_deletions(articles, *, user=None):
    """Keep each article as it stood when deleted, with what bringing it back needs."""
    after = snapshots(articles)
    for article in articles:
        after[article.pk]["record"] = {name: as_json(getattr(article, name)) for name in RECORD_FIELDS}
    Revision.objects.bulk_create(
        unsaved_revisions(articles, action=Revision.Action.DELETED, after=after, user=user, summary="Deleted")
    )
