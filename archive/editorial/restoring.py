"""Bringing an article back as one of its revisions had it, or back from deletion.

A restore puts back the fields, status, entities of every kind and sources
exactly, and is itself a new revision. Entities merged away since then are
replaced by the entity they were merged into; entities deleted since are left
out, and the confirmation page says so.
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery

from archive.editorial.edit_conflicts import check_version, lock_article
from archive.editorial.revisions import SNAPSHOT_FIELDS, describe, record_revision, snapshot
from archive.lib.text import unique_slug
from archive.models import ENTITY_KINDS, ArchiveState, Article, EntityMerge, Revision, SourceLink

# Restoring these statuses, or restoring over them, publishes, withdraws or unpublishes.
PUBLIC_STATUSES = {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}


@dataclass
class RestorePlan:
    """What restoring `revision` will do, worked out before anything is written."""

    revision: Revision
    article: Article | None  # None when the article has been deleted
    entities: dict  # article field -> [entity id], as they are now
    moved: list  # [(kind, name in the revision, name of the entity it was merged into)]
    missing: list  # [(kind, name)] deleted since: left out
    slug: str
    slug_taken: bool  # the revision's slug now belongs to another article

    @property
    def fields(self):
        return self.revision.data["fields"]

    @property
    def is_undeletion(self):
        return self.article is None

    def required_permissions(self):
        permissions = ["archive.change_article"]
        statuses = {self.fields["status"], *([self.article.status] if self.article else [])}
        if statuses & PUBLIC_STATUSES:
            permissions.append("archive.publish_article")
        return permissions


def plan_restore(revision, article):
    entities, moved, missing = current_entities(revision.data["entities"])
    wanted = revision.data["fields"]["slug"]
    taken = Article.objects.filter(slug=wanted).exclude(pk=revision.article_id).exists()
    if not taken:
        slug = wanted
    elif article is not None:
        slug = article.slug
    else:
        slug = unique_slug(
            Article.objects.all(), revision.data["fields"]["headline"], max_length=120, fallback="article"
        )
    return RestorePlan(revision, article, entities, moved, missing, slug, taken)


def current_entities(entities_by_field):
    """The snapshot's entities as they are now: ({article field: [id]}, moved, missing)."""
    mapped, moved, missing = {}, [], []
    for kind in ENTITY_KINDS.values():
        listed = entities_by_field.get(kind.article_field, [])
        ids = {entity["id"] for entity in listed}
        existing = set(kind.model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        survivors = merged_into(kind, ids - existing)
        chosen = []
        for entity in listed:
            if entity["id"] in existing:
                chosen.append(entity["id"])
            elif entity["id"] in survivors:
                survivor_id, survivor_name = survivors[entity["id"]]
                chosen.append(survivor_id)
                moved.append((kind, entity["name"], survivor_name))
            else:
                missing.append((kind, entity["name"]))
        mapped[kind.article_field] = list(dict.fromkeys(chosen))
    return mapped, moved, missing


def merged_into(kind, ids):
    """{id of a merged entity: (id, name) of the entity it lives on in}, following merges of merges."""
    if not ids:
        return {}
    merges = EntityMerge.objects.filter(content_type=ContentType.objects.get_for_model(kind.model))
    survivor_of, pending = {}, set(ids)
    while pending:  # one query per step along a chain of merges: usually one
        named = Q()
        for pk in pending:
            named |= Q(merged_ids__contains=f" {pk} ")
        found = set()
        for survivor_id, merged_ids in merges.filter(named).values_list("survivor_id", "merged_ids"):
            for pk in map(int, merged_ids.split()):
                survivor_of[pk] = survivor_id
                found.add(survivor_id)
        pending = found - set(survivor_of) - ids
    resolved = {}
    for pk in ids:
        current, seen = pk, set()
        while current in survivor_of and current not in seen:
            seen.add(current)
            current = survivor_of[current]
        if current != pk:
            resolved[pk] = current
    names = dict(kind.model.objects.filter(pk__in=set(resolved.values())).values_list("pk", "name"))
    return {pk: (target, names[target]) for pk, target in resolved.items() if target in names}


def restore_revision(revision, *, user, opened_version=None):
    """Make the article what `revision` says, as a new revision; brings a deleted article back.

    Refused (StaleArticle) if the article changed since `opened_version` was
    shown, and (PermissionDenied) without the permissions the plan needs.
    """
    with transaction.atomic():
        article = lock_article(revision.article_id)
        if article is not None:
            check_version(article, opened_version)
        plan = plan_restore(revision, article)
        if not user.has_perms(plan.required_permissions()):
            raise PermissionDenied
        previous = Revision.objects.filter(article_id=revision.article_id).order_by("-number").first()
        if article is None:
            article = revived_article(revision, plan)
        for name in SNAPSHOT_FIELDS:
            if name != "slug":
                setattr(article, name, from_json(name, plan.fields[name]))
        article.slug = plan.slug
        article.save()
        set_entities(article, plan.entities)
        set_sources(article, revision.data["sources"])
        ArchiveState.touch()
        if plan.is_undeletion:
            summary = f"Restored after deletion, from revision {revision.number}"
        else:
            changes = describe(previous.data if previous else None, snapshot(article))
            summary = f"Restored revision {revision.number}: {changes[0].lower()}{changes[1:]}"
        return record_revision(article, user=user, action=Revision.Action.RESTORED, summary=summary)


def from_json(name, value):
    if value and Article._meta.get_field(name).get_internal_type() == "DateTimeField":
        return datetime.datetime.fromisoformat(value)
    return value


def revived_article(revision, plan):
    """A deleted article again, with its id, and what its deletion kept of its record."""
    record = revision.data.get("record", {})
    article = Article(pk=revision.article_id, version=revision.article_version + 1)
    first = Revision.objects.filter(article_id=revision.article_id).order_by("number").first()
    article.created_at = from_json("created_at", record.get("created_at")) or first.created_at
    article.first_published_at = from_json("first_published_at", record.get("first_published_at"))
    import_key = record.get("import_key")
    if import_key and not Article.objects.filter(import_key=import_key).exists():
        article.import_key = import_key
    return article


def set_entities(article, entities):
    """Link the article to exactly these entities ({article field: [id]})."""
    for kind in ENTITY_KINDS.values():
        wanted = set(entities.get(kind.article_field, []))
        links = kind.link_model.objects.filter(content_object=article)
        links.exclude(tag_id__in=wanted).delete()
        present = set(links.values_list("tag_id", flat=True))
        kind.link_model.objects.bulk_create(
            kind.link_model(content_object=article, tag_id=pk, published_at=article.link_published_at)
            for pk in sorted(wanted - present)
        )


def set_sources(article, sources):
    SourceLink.objects.filter(article=article).delete()
    SourceLink.objects.bulk_create(
        SourceLink(article=article, position=position, **source) for position, source in enumerate(sources, start=1)
    )


def deleted_articles():
    """The last revision of each article whose revisions remain but whose row is gone, latest first."""
    latest = Revision.objects.filter(article_id=OuterRef("article_id")).order_by("-number").values("number")[:1]
    return (
        Revision.objects.filter(number=Subquery(latest))
        .exclude(Exists(Article.objects.filter(pk=OuterRef("article_id"))))
        .select_related("user")
        .order_by("-created_at", "-id")
    )
