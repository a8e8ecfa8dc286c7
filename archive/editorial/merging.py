"""Merging entities of one kind into one: the survivor takes their articles, references, names and addresses.

Everything happens in one transaction and in set-based statements, a fixed
number per merge whatever the entities' coverage (the revision of each article
it changes is written a chunk of 5,000 articles at a time): an entity on a
hundred thousand articles moves with the same few UPDATEs as one on three. An
EntityMerge record keeps what each merged entity was, so the merge can be
audited and restores of older revisions can follow it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from archive.editorial.revisions import SNAPSHOT_FIELDS, acting_user, keep_as_found, snapshots, unsaved_revisions
from archive.lib.jsonvalues import to_json_value
from archive.models import Alias, ArchiveState, Article, EntityMerge, NameKey, Revision, SlugRedirect
from archive.search import index as search_index

# Articles whose index entries are rebuilt per statement: bounds the size of one statement.
REINDEX_CHUNK = 5000


class MergeRefused(Exception):
    pass


def merge_entities(survivor, others, *, user=None):
    """Merge `others` into `survivor` (all of one kind); returns the EntityMerge record."""
    model = type(survivor)
    kind = model.entity_kind
    other_ids = sorted({entity.pk for entity in others} - {survivor.pk})
    if not other_ids:
        raise MergeRefused("Choose at least two entities to merge.")
    if any(type(entity) is not model for entity in others):
        raise MergeRefused("Only entities of one kind can be merged.")
    with transaction.atomic():
        # Locked in id order, so two merges of overlapping entities queue instead of deadlocking.
        locked = {
            entity.pk: entity
            for entity in model.objects.select_for_update().filter(pk__in=[survivor.pk, *other_ids]).order_by("pk")
        }
        if len(locked) != len(other_ids) + 1:
            raise MergeRefused("Some of these entities no longer exist: someone else merged or deleted them.")
        survivor, merged = locked[survivor.pk], [locked[pk] for pk in other_ids]
        # The index is brought up to date once, for the articles whose entities changed.
        with search_index.deferred(connection):
            audit = audit_records(kind, merged)
            affected = sorted({pk for record in audit for pk in record["articles"]})
            before = snapshots_in_chunks(affected)
            links_moved = move_links(kind, survivor, other_ids)
            move_references(model, survivor, other_ids)
            move_names(model, survivor, merged)
            move_addresses(model, survivor, merged)
            model.objects.filter(pk__in=other_ids).delete()
            model.objects.filter(pk=survivor.pk).update(updated_at=timezone.now())
            for start in range(0, len(affected), REINDEX_CHUNK):
                search_index.reindex(connection, affected[start : start + REINDEX_CHUNK], tokens_only=True)
            summary = f"Entities merged: {', '.join(entity.name for entity in merged)} into {survivor.name}"
            record_merge_revisions(affected, before, user=user, summary=summary[:500])
        ArchiveState.touch(entities=True)
        return EntityMerge.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            survivor_id=survivor.pk,
            merged=audit,
            merged_ids=f" {' '.join(map(str, other_ids))} ",
            links_moved=links_moved,
            user=acting_user(user),
        )


def snapshot_fields():
    return [*SNAPSHOT_FIELDS, "version"]


def snapshots_in_chunks(article_pks):
    """{article id: (the article, its snapshot)} as they stand, a chunk of articles at a time."""
    found = {}
    for start in range(0, len(article_pks), REINDEX_CHUNK):
        chunk = article_pks[start : start + REINDEX_CHUNK]
        articles = list(Article.objects.filter(pk__in=chunk).only(*snapshot_fields()))
        data = snapshots(articles)
        found.update({article.pk: (article, data[article.pk]) for article in articles})
    return found


def record_merge_revisions(article_pks, before, *, user, summary):
    """A revision for each article whose entities the merge changed, one version later, so that
    an edit form opened before the merge is refused as stale instead of undoing it."""
    for start in range(0, len(article_pks), REINDEX_CHUNK):
        chunk = article_pks[start : start + REINDEX_CHUNK]
        keep_as_found([before[pk][0] for pk in chunk], {pk: before[pk][1] for pk in chunk})
        Article.objects.filter(pk__in=chunk).update(version=F("version") + 1)
        articles = list(Article.objects.filter(pk__in=chunk).only(*snapshot_fields()))
        Revision.objects.bulk_create(
            unsaved_revisions(
                articles,
                action=Revision.Action.ENTITIES_MERGED,
                after=snapshots(articles),
                before={pk: before[pk][1] for pk in chunk},
                user=user,
                summary=summary,
            )
        )


def audit_records(kind, merged):
    """What each merged entity was: its fields, its spellings, the articles it was on."""
    articles = {entity.pk: [] for entity in merged}
    rows = (
        kind.link_model.objects.filter(tag__in=merged)
        .order_by("tag_id", "content_object_id")
        .values_list("tag_id", "content_object_id")
    )
    for entity_pk, article_pk in rows.iterator(chunk_size=10_000):
        articles[entity_pk].append(article_pk)
    aliases = {entity.pk: [] for entity in merged}
    content_type = ContentType.objects.get_for_model(kind.model)
    for object_id, name in (
        Alias.objects.filter(content_type=content_type, object_id__in=articles)
        .order_by("name")
        .values_list("object_id", "name")
    ):
        aliases[object_id].append(name)
    fields = [field for field in kind.model._meta.concrete_fields if not field.primary_key]
    return [
        {
            "id": entity.pk,
            "name": entity.name,
            "slug": entity.slug,
            "aliases": aliases[entity.pk],
            "fields": {field.attname: to_json_value(getattr(entity, field.attname)) for field in fields},
            "articles": articles[entity.pk],
        }
        for entity in merged
    ]


def move_links(kind, survivor, other_ids):
    """Every article link moves to the survivor; an article linked to several keeps one link."""
    links = kind.link_model.objects
    already_linked = links.filter(content_object_id=OuterRef("content_object_id")).filter(
        Q(tag=survivor) | Q(tag__in=other_ids, pk__lt=OuterRef("pk"))
    )
    links.filter(tag__in=other_ids).filter(Exists(already_linked)).delete()
    return links.filter(tag__in=other_ids).update(tag=survivor)


def move_references(model, survivor, other_ids):
    """Foreign keys to the merged entities (a place's parent, an incident's place, ...) point at the survivor."""
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many or related is model.entity_kind.link_model or not relation.field.concrete:
            continue
        name = relation.field.name
        pointing = related._base_manager.filter(**{f"{name}__in": other_ids})
        if related is model:
            # The survivor cannot lie inside itself: it loses that reference instead.
            pointing.filter(pk=survivor.pk).update(**{name: None})
            pointing = pointing.exclude(pk=survivor.pk)
        pointing.update(**{name: survivor})


def move_names(model, survivor, merged):
    """The merged names and their aliases become the survivor's aliases (never its own name, no repeats)."""
    content_type = ContentType.objects.get_for_model(model)
    aliases = Alias.objects.filter(content_type=content_type)
    other_ids = [entity.pk for entity in merged]
    aliases.filter(object_id__in=other_ids, key=survivor.name_key).delete()
    aliases.filter(object_id__in=other_ids).update(object_id=survivor.pk)
    # A key is unique per kind: one already an alias (the survivor's now, or another entity's) is not added again.
    names = {entity.name_key: entity.name for entity in merged if entity.name_key != survivor.name_key}
    taken = set(aliases.filter(key__in=names).values_list("key", flat=True))
    Alias.objects.bulk_create(
        Alias(content_type=content_type, object_id=survivor.pk, name=name, key=key)
        for key, name in names.items()
        if key not in taken
    )
    NameKey.refresh(model, [survivor.pk])


def move_addresses(model, survivor, merged):
    """The merged entities' addresses, and the old addresses they kept, answer with the survivor's page."""
    content_type = ContentType.objects.get_for_model(model)
    redirects = SlugRedirect.objects.filter(content_type=content_type)
    redirects.filter(object_id__in=[entity.pk for entity in merged]).update(object_id=survivor.pk)
    slugs = [entity.slug for entity in merged]
    redirects.filter(slug__in=slugs).delete()
    SlugRedirect.objects.bulk_create(
        SlugRedirect(content_type=content_type, object_id=survivor.pk, slug=slug) for slug in slugs
    )
