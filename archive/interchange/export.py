"""Export the archive as JSON Lines: one article per line, entities and sources inside.

The format is also what `import_articles` reads, so an export is a complete,
portable copy: importing it into an empty database gives back the same archive.
Each article carries its `version`: importing the line again is refused if the
article has changed in the archive since.

Lines look like:
    {"type": "article", "version": 3, "headline": ..., "sources": [...], "entities": {"people": [...], ...},
     "corrections": [{"published_at": ..., "text": ...}], "old_slugs": [{"slug": ..., "created_at": ...}]}
    {"type": "entity", "entity_kind": "place", "entity": {"name": ..., "aliases": [...], "old_slugs": [...]}}
        (an entity linked to no article)

Besides its fields, an article carries what readers see of its history: its public
corrections, and the addresses it had before (`old_slugs`, which answer 301); a
withdrawn one its withdrawal time and note (its address answers 410 with the note).
Entities carry their old addresses too. Revisions, merge records and who wrote a
correction stay behind: they are the archive's own bookkeeping.
"""

import json

from django.contrib.contenttypes.models import ContentType

from archive.interchange.fields import (
    ARTICLE_FIELDS,
    CORRECTION_FIELDS,
    SOURCE_FIELDS,
    entity_data_fields,
    is_entity_reference,
)
from archive.lib.jsonvalues import to_json_value
from archive.models import ENTITY_KINDS, Article, SlugRedirect

CHUNK_SIZE = 1000


def old_slugs_of(model, pks):
    """{pk: [{"slug", "created_at"}, ...]}: the addresses these rows had before, oldest first, in one query."""
    rows = (
        SlugRedirect.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=pks)
        .order_by("created_at", "slug")
        .values_list("object_id", "slug", "created_at")
    )
    found = {}
    for pk, slug, created_at in rows:
        found.setdefault(pk, []).append({"slug": slug, "created_at": to_json_value(created_at)})
    return found


class EntityCatalogue:
    """Entities serialised once each and fetched in batches, so export runs a fixed
    number of queries per chunk of articles however the entities nest."""

    def __init__(self):
        self.data = {}  # (model, pk) -> dict

    def load(self, model, pks):
        missing = {pk for pk in pks if (model, pk) not in self.data}
        while missing:
            references = []
            old_slugs = old_slugs_of(model, missing)
            for entity in model.objects.filter(pk__in=missing).prefetch_related("aliases"):
                record, refs = self._serialise(entity)
                record["old_slugs"] = old_slugs.get(entity.pk, [])
                self.data[(model, entity.pk)] = record
                references.extend(refs)
            missing = set()
            # Nested entities (a place's parent, an incident's place): fetch them per model.
            by_model = {}
            for ref_model, pk in references:
                if (ref_model, pk) not in self.data:
                    by_model.setdefault(ref_model, set()).add(pk)
            for ref_model, ref_pks in by_model.items():
                if ref_model is model:
                    missing |= ref_pks
                else:
                    self.load(ref_model, ref_pks)

    def _serialise(self, entity):
        record, refs = {}, []
        for field in entity_data_fields(type(entity)):
            if is_entity_reference(field):
                pk = getattr(entity, field.attname)
                record[field.name] = pk
                if pk is not None:
                    refs.append((field.related_model, pk))
            else:
                record[field.name] = to_json_value(getattr(entity, field.attname))
        record["aliases"] = [
            {"name": alias.name, "language": alias.language} if alias.language else alias.name
            for alias in sorted(entity.aliases.all(), key=lambda alias: alias.name)
        ]
        return record, refs

    def nested(self, model, pk, seen=frozenset()):
        """The entity as a dict, with referenced entities nested in full."""
        record = dict(self.data[(model, pk)])
        for field in entity_data_fields(model):
            if is_entity_reference(field) and record[field.name] is not None:
                ref_pk = record[field.name]
                if (field.related_model, ref_pk) in seen:  # a loop in bad data: stop here
                    record[field.name] = None
                else:
                    record[field.name] = self.nested(field.related_model, ref_pk, seen | {(model, pk)})
        return record


def iter_article_chunks(queryset):
    last_pk = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last_pk).order_by("pk").prefetch_related("sources", "corrections")[:CHUNK_SIZE]
        )
        if not chunk:
            return
        yield chunk
        last_pk = chunk[-1].pk


def export_lines(queryset=None):
    """Yield the archive as JSON Lines strings (without newlines)."""
    catalogue = EntityCatalogue()
    for kind in ENTITY_KINDS.values():
        unlinked = kind.model.objects.filter(links__isnull=True).order_by("slug").values_list("pk", flat=True)
        pks = list(unlinked)
        for start in range(0, len(pks), CHUNK_SIZE):
            batch = pks[start : start + CHUNK_SIZE]
            catalogue.load(kind.model, batch)
            for pk in batch:
                line = {"type": "entity", "entity_kind": kind.key, "entity": catalogue.nested(kind.model, pk)}
                yield json.dumps(line, ensure_ascii=False, sort_keys=True)
    articles = queryset if queryset is not None else Article.objects.all()
    for chunk in iter_article_chunks(articles):
        links = {}
        for kind in ENTITY_KINDS.values():
            rows = kind.link_model.objects.filter(content_object__in=chunk).values_list("content_object_id", "tag_id")
            per_article = {}
            for article_pk, entity_pk in rows:
                per_article.setdefault(article_pk, []).append(entity_pk)
            catalogue.load(kind.model, {pk for pks in per_article.values() for pk in pks})
            links[kind] = per_article
        old_slugs = old_slugs_of(Article, [article.pk for article in chunk])
        for article in chunk:
            record = {"type": "article", "version": article.version}
            for name in ARTICLE_FIELDS:
                record[name] = to_json_value(getattr(article, name))
            record["sources"] = [
                {name: getattr(source, name) for name in SOURCE_FIELDS} for source in article.sources.all()
            ]
            record["entities"] = {
                kind.article_field: sorted(
                    (catalogue.nested(kind.model, pk) for pk in links[kind].get(article.pk, [])),
                    key=lambda entity: entity["slug"],
                )
                for kind in ENTITY_KINDS.values()
            }
            record["corrections"] = [
                {name: to_json_value(getattr(correction, name)) for name in CORRECTION_FIELDS}
                for correction in article.corrections.all()
            ]
            record["old_slugs"] = old_slugs.get(article.pk, [])
            yield json.dumps(record, ensure_ascii=False, sort_keys=True)
