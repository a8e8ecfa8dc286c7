"""Write parsed records to the database, a batch at a time.

A batch of articles costs a few dozen queries whatever its size: entities are
looked up and created per kind, articles, sources and links in bulk. Entity
matching follows one rule: the same address (slug) means the same record, and
the record is the truth; the same spelling (name or alias, ignoring case and
diacritics) means a known entity, linked as it is.

Articles already in the archive are read locked, and an update that would
overwrite someone's edit is refused: a JSON Lines record older than the
article (its `version`), or a wire file whose article was edited since its
last import (unless `overwrite`). Every article created or changed gets an
"imported" revision; an update that changes nothing leaves the article's
version and history as they were.

A record's corrections replace the article's (those it has already are kept
as they are); its old slugs are added to the addresses that answer 301 with
it, an article's address changed by the import among them.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from archive.editorial import revisions, tagging
from archive.interchange.fields import entity_data_fields, is_entity_reference
from archive.interchange.records import ArticleRecord, EntityRecord, ImportProblem
from archive.lib.text import name_key, slug_base, unique_slug
from archive.models import (
    ENTITY_KINDS,
    Alias,
    ArchiveState,
    Article,
    Correction,
    Revision,
    SlugRedirect,
    SourceLink,
    check_names_are_free,
)
from archive.models.page_tags import article_pages, entity_tag, linked_entities
from archive.search import index as search_index

ARTICLE_COLUMNS = [field.name for field in Article._meta.concrete_fields if not field.primary_key]
ENTITY_SLUG_LENGTH = 200
KIND_BY_FIELD = {kind.article_field: kind for kind in ENTITY_KINDS.values()}
# Entities resolved are remembered between batches (Ukraine is on every other line), up to
# this many: an export of a large archive names hundreds of thousands, and the import's
# memory must not grow with the file.
ENTITIES_KEPT = 20_000


def data_key(model, data):
    return model, getattr(data, "key", None) or json.dumps(data, sort_keys=True, default=str)


def references(model):
    return [field for field in entity_data_fields(model) if is_entity_reference(field)]


def snapshot_part(snapshot, part):
    return snapshot[part] if part in ("sources", "entities") else snapshot["fields"].get(part)


class Writer:
    """One per import run; remembers the entities it has resolved."""

    def __init__(self, *, status=None, publication=None, auto_tag=False, overwrite=False):
        self.status = status
        self.publication = publication
        self.auto_tag = auto_tag
        self.overwrite = overwrite  # wire files replace edits made in the archive since their last import
        self.before = {}  # article id -> snapshot before this batch
        self.guarded = {}  # see keep_edits
        self.auto_links = 0  # links made by auto-tagging
        self.entities = {}  # data_key -> entity
        self.old_slugs = []  # (model, article or entity, slug, created_at): records' own, written once per batch
        self.corrected = set()  # ids of articles already in the archive whose corrections this batch changed

    def forget(self):
        """Drop what was learnt: after a rollback, entities may no longer exist."""
        self.entities.clear()
        self.forget_old_slugs()

    def forget_old_slugs(self):
        self.old_slugs.clear()

    def write(self, records):
        """Write one batch; returns (articles created, articles updated)."""
        self.forget_old_slugs()
        if len(self.entities) > ENTITIES_KEPT:
            self.entities.clear()
        wanted = []
        for record in records:
            if isinstance(record, EntityRecord):
                wanted.append((ENTITY_KINDS[record.kind].model, record.data, record.line))
            else:
                for article_field, items in (record.entities or {}).items():
                    model = KIND_BY_FIELD[article_field].model
                    wanted.extend((model, item, record.line) for item in items)
        self.resolve_entities(wanted)
        counts = self.write_articles([record for record in records if isinstance(record, ArticleRecord)])
        self.write_old_slugs()
        return counts

    # ------------------------------------------------------------ entities

    def resolve_entities(self, wanted):
        pending = {}

        def collect(model, data, line):
            key = data_key(model, data)
            if key in self.entities or key in pending:
                return
            pending[key] = (model, data, line)
            for field in references(model):
                if data.get(field.name) is not None:
                    collect(field.related_model, data[field.name], line)

        for model, data, line in wanted:
            collect(model, data, line)
        # Entities that others refer to (a place's parent) are resolved first.
        while pending:
            ready = {
                key: item
                for key, item in pending.items()
                if all(
                    item[1].get(field.name) is None
                    or data_key(field.related_model, item[1][field.name]) in self.entities
                    for field in references(item[0])
                )
            }
            by_model = {}
            for key, (model, data, line) in ready.items():
                by_model.setdefault(model, []).append((key, data, line))
                del pending[key]
            for model, group in by_model.items():
                self.resolve_group(model, group)

    def resolve_group(self, model, group):
        content_type = ContentType.objects.get_for_model(model)
        prepared = []
        for key, data, line in group:
            values = dict(data)
            aliases = values.pop("aliases", None)
            old_slugs = values.pop("old_slugs", ())
            for field in references(model):
                if values.get(field.name) is not None:
                    values[field.name] = self.entities[data_key(field.related_model, values[field.name])]
            prepared.append((key, values, aliases, old_slugs, line))

        slugs = {values["slug"] for _, values, _, _, _ in prepared if values.get("slug")}
        by_slug = {entity.slug: entity for entity in model.objects.filter(slug__in=slugs).prefetch_related("aliases")}
        keys = set()
        for _, values, aliases, _, _ in prepared:
            keys.add(name_key(values["name"]))
            keys.update(name_key(alias) for alias in aliases or [])
        by_spelling = {entity.name_key: entity for entity in model.objects.filter(name_key__in=keys)}
        alias_owners = dict(
            Alias.objects.filter(content_type=content_type, key__in=keys).values_list("key", "object_id")
        )
        owners = model.objects.in_bulk(set(alias_owners.values()))
        for alias_key, owner_pk in alias_owners.items():
            by_spelling.setdefault(alias_key, owners[owner_pk])

        created = {}  # name or alias key -> entity created in this group
        fresh, new_aliases = [], {}  # new entities; id(entity) -> {alias key: alias}
        for key, values, aliases, old_slugs, line in prepared:
            own_key = name_key(values["name"])
            entity = by_slug.get(values.get("slug"))
            if entity is not None:
                self.update_entity(entity, values, aliases, line)
                # The record's own old addresses: only for the entity it is (same address, or new),
                # never for one it merely names by another spelling.
                self.old_slugs.extend((model, entity, slug, when) for slug, when in old_slugs)
            elif (entity := by_spelling.get(own_key)) is not None:
                self.learn_aliases(entity, aliases or [], line)
            elif (entity := created.get(own_key)) is not None:
                for alias in aliases or []:
                    if name_key(alias) not in created and name_key(alias) != own_key:
                        new_aliases[id(entity)][name_key(alias)] = alias
                        created[name_key(alias)] = entity
            else:
                entity = model(**values)
                entity.name_key = own_key
                fresh.append(entity)
                self.old_slugs.extend((model, entity, slug, when) for slug, when in old_slugs)
                new_aliases[id(entity)] = {}
                created[own_key] = entity
                for alias in aliases or []:
                    alias_key = name_key(alias)
                    if not alias_key or alias_key == own_key:
                        continue
                    holder = by_spelling.get(alias_key) or created.get(alias_key)
                    if holder is not None and holder is not entity:
                        raise ImportProblem(
                            f"the alias “{alias}” of “{values['name']}” is already used by the "
                            f"{model._meta.verbose_name} “{holder.name}”",
                            line,
                        )
                    new_aliases[id(entity)][alias_key] = alias
                    created[alias_key] = entity
            self.entities[key] = entity

        self.assign_entity_slugs(model, fresh)
        model.objects.bulk_create(fresh)
        if fresh:
            ArchiveState.touch(entities=True, pages=set())  # on no public page until an article links them
        Alias.objects.bulk_create(
            Alias(content_type=content_type, object_id=entity.pk, name=alias, key=alias_key)
            for entity in fresh
            for alias_key, alias in new_aliases[id(entity)].items()
        )

    @staticmethod
    def assign_entity_slugs(model, entities):
        """Slugs for new entities: the record's own if free, else one made from the name."""
        wanted = [entity.slug or slug_base(entity.name, ENTITY_SLUG_LENGTH - 9) for entity in entities]
        taken = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        for entity, slug in zip(entities, wanted, strict=True):
            if not slug or slug in taken:
                slug = unique_slug(
                    model.objects.all(),
                    entity.name,
                    max_length=ENTITY_SLUG_LENGTH,
                    fallback=model._meta.model_name,
                    taken=taken,
                )
            entity.slug = slug
            taken.add(slug)

    def update_entity(self, entity, values, aliases, line):
        """The same record again: take its values and spellings if they changed."""
        changed = False
        for name, value in values.items():
            field = type(entity)._meta.get_field(name)
            current = getattr(entity, field.attname)
            if (value.pk if isinstance(value, models.Model) else value) != current:
                setattr(entity, name, value)
                changed = True
        if changed:
            if name_key(entity.name) != entity.name_key:
                self.check_free(type(entity), [entity.name], entity.pk, line)
            entity.save()
        if aliases is not None:
            current = {alias.key for alias in entity.aliases.all()}
            wanted = {name_key(alias): alias for alias in aliases if name_key(alias) not in {"", entity.name_key}}
            if set(wanted) != current:
                entity.aliases.exclude(key__in=wanted).delete()
                ArchiveState.touch(entities=True, pages={entity_tag(entity.entity_kind.key, entity.pk)})
                self.add_aliases(entity, [alias for key, alias in wanted.items() if key not in current], line)

    def learn_aliases(self, entity, aliases, line):
        known = {entity.name_key, *(alias.key for alias in entity.aliases.all())}
        self.add_aliases(entity, [alias for alias in aliases if name_key(alias) not in known | {""}], line)

    def add_aliases(self, entity, names, line):
        unique = {name_key(name): name for name in names}
        if unique:
            self.check_free(type(entity), list(unique.values()), entity.pk, line)
            for name in unique.values():
                Alias(entity=entity, name=name).save()

    @staticmethod
    def check_free(model, names, exclude_pk, line):
        try:
            check_names_are_free(model, names, exclude_pk=exclude_pk)
        except Exception as error:
            messages = getattr(error, "messages", [str(error)])
            raise ImportProblem(" ".join(messages), line) from None

    # ------------------------------------------------------------ articles

    def write_articles(self, records):
        # The search index is brought up to date once for the batch, not once per row and link.
        with search_index.deferred(connection):
            created, updated = self.save_articles(records)
            articles = [*created.values(), *updated.values()]
            # Pages that showed an article's old links must be refreshed as well as those of its new ones.
            links_before = linked_entities(
                [article.pk for article in updated.values() if article_pages(article, links=set())]
            )
            self.write_sources(records, created, updated)
            self.write_corrections(records, created, updated)
            self.collect_old_slugs(records, created, updated)
            self.write_links(records, created, updated)
            if self.auto_tag:
                self.link_named_entities(articles)
            Article.after_writing(articles, updated=list(updated.values()), links_before=links_before)
            search_index.reindex(connection, [article.pk for article in articles])
        self.record_import_revisions(created, updated)
        return len(created), len(updated)

    def record_import_revisions(self, created, updated):
        """One "imported" revision per article created or changed; a changed article's version goes up."""
        after = revisions.snapshots([*created.values(), *updated.values()])
        # Corrections are not in snapshots, yet changing them is a change: the version goes up, and a
        # line exported before an editor's correction may not remove it (see refuse_undoing_edits).
        changed = [
            article
            for article in updated.values()
            if after[article.pk] != self.before[article.pk] or article.pk in self.corrected
        ]
        for article in changed:
            if article.pk in self.guarded:
                self.refuse_undoing_edits(article, after[article.pk])
        revisions.keep_as_found(changed, before=self.before)
        if changed:
            Article.objects.filter(pk__in=[article.pk for article in changed]).update(version=models.F("version") + 1)
            for article in changed:
                article.version += 1
        new_revisions = revisions.unsaved_revisions(
            [*created.values(), *changed], action=Revision.Action.IMPORTED, after=after, before=self.before
        )
        for revision in new_revisions:
            if revision.article_id in self.corrected:
                same = after[revision.article_id] == self.before[revision.article_id]
                revision.summary = "Corrections changed" if same else f"{revision.summary}; corrections changed"
        Revision.objects.bulk_create(new_revisions)

    def save_articles(self, records):
        import_keys = {record.import_key for record in records if record.import_key}
        slugs = {record.fields["slug"] for record in records if record.fields.get("slug")}
        # Locked: an editor saving one of these meanwhile waits, or is refused as stale afterwards.
        existing = Article.objects.select_for_update()
        by_import_key = {article.import_key: article for article in existing.filter(import_key__in=import_keys)}
        by_slug = {article.slug: article for article in existing.filter(slug__in=slugs)}
        found = {article.pk: article for article in [*by_import_key.values(), *by_slug.values()]}
        self.before = revisions.snapshots(found.values())
        wire_updates = [
            by_import_key[r.import_key].pk for r in records if r.from_wire and r.import_key in by_import_key
        ]
        last_imports = {} if self.overwrite else revisions.latest_revisions(wire_updates, Revision.Action.IMPORTED)
        self.guarded = {}  # article id -> (record, the parts it may not change, or None: nothing)
        created, updated = {}, {}
        now = timezone.now()
        for record in records:
            article = by_import_key.get(record.import_key)
            slug = record.fields.get("slug")
            if article is None and slug in by_slug:
                article = by_slug[slug]
                if article.import_key and record.import_key and article.import_key != record.import_key:
                    raise ImportProblem(f"the slug “{slug}” belongs to another imported article", record.line)
            if article is None:
                article = Article(import_key=record.import_key, created_at=now, version=record.version or 1)
                created[id(record)] = article
            else:
                self.keep_edits(record, article, last_imports.get(article.pk))
                article.import_key = article.import_key or record.import_key
                updated[id(record)] = article
            for name, value in record.fields.items():
                setattr(article, name, value)
            if self.status:
                article.status = self.status
            if self.publication:
                article.publication = self.publication
        Article.before_writing(
            [self.article_of(record, created, updated) for record in records],
            keep_change_time={id(self.article_of(r, created, updated)) for r in records if "updated_at" in r.fields},
        )
        Article.objects.bulk_create(created.values())
        if updated:
            Article.objects.bulk_update(updated.values(), ARTICLE_COLUMNS, batch_size=200)
        return created, updated

    def keep_edits(self, record, article, last_import):
        """Guard what was edited in the archive since the record was taken: the batch is refused
        (see record_import_revisions) if the record would change it.

        A JSON Lines record says which version it was exported at: if the
        article has moved on, the record may change nothing. A wire file is
        compared with what its last import wrote: what it writes again
        (headline, body, dateline, sources) and was edited since may not change,
        unless the import overwrites. A --status or --publication given to the
        import is the operator's own decision and applies either way.
        """
        if record.version is not None and record.version < article.version:
            self.guarded[article.pk] = (record, None)
        elif last_import is not None and record.from_wire:
            then, now = last_import.data, self.before[article.pk]
            edited = [name for name in record.fields if then["fields"].get(name) != now["fields"].get(name)]
            if record.sources is not None and then["sources"] != now["sources"]:
                edited.append("sources")
            if edited:
                self.guarded[article.pk] = (record, edited)

    def refuse_undoing_edits(self, article, after):
        record, guarded = self.guarded[article.pk]
        before = self.before[article.pk]
        if guarded is None:
            raise ImportProblem(
                f"“{before['fields']['headline']}” changed in the archive since it was exported (it is at version "
                f"{article.version}, this line is version {record.version}); export it again and edit that",
                record.line,
            )
        undone = [part for part in guarded if snapshot_part(before, part) != snapshot_part(after, part)]
        if undone:
            raise ImportProblem(
                f"“{before['fields']['headline']}” was edited in the archive since its last import "
                f"({', '.join(undone)}); import with --overwrite to replace those edits with the file",
                record.line,
            )

    @staticmethod
    def article_of(record, created, updated):
        return created.get(id(record)) or updated[id(record)]

    def write_sources(self, records, created, updated):
        with_sources = [record for record in records if record.sources is not None]
        replaced = [updated[id(record)].pk for record in with_sources if id(record) in updated]
        if replaced:
            SourceLink.objects.filter(article_id__in=replaced).delete()
        SourceLink.objects.bulk_create(
            SourceLink(article=self.article_of(record, created, updated), position=position, **source)
            for record in with_sources
            for position, source in enumerate(record.sources, start=1)
        )

    def write_corrections(self, records, created, updated):
        """Give each article the corrections of its record, in the record's order.

        Corrections the article has already (same date, same text) are kept as
        they are, with who wrote them: importing an export again changes nothing.
        """
        self.corrected = set()
        wanted = {
            self.article_of(record, created, updated).pk: record.corrections
            for record in records
            if record.corrections is not None
        }
        if not wanted:
            return
        updated_pks = {article.pk for article in updated.values()}
        existing = {}
        rows = Correction.objects.filter(article_id__in=[pk for pk in wanted if pk in updated_pks]).values_list(
            "article_id", "pk", "published_at", "text"
        )
        for article_pk, correction_pk, published_at, text in rows:
            existing.setdefault(article_pk, {}).setdefault((published_at, text), []).append(correction_pk)
        stale, new = [], []
        for article_pk, corrections in wanted.items():
            kept, added = existing.get(article_pk, {}), []
            for correction in corrections:
                same = kept.get((correction["published_at"], correction["text"]))
                if same:
                    same.pop()  # the article has it already: it stays as it is
                else:
                    added.append(correction)
            left_over = [pk for pks in kept.values() for pk in pks]
            new.extend(Correction(article_id=article_pk, **correction) for correction in added)
            stale.extend(left_over)
            if (added or left_over) and article_pk in updated_pks:
                self.corrected.add(article_pk)
        if stale:
            Correction.objects.filter(pk__in=stale).delete()
        Correction.objects.bulk_create(new)

    def collect_old_slugs(self, records, created, updated):
        """The records' own old addresses (the address an update moves an article away from is
        kept by Article.after_writing, as on a save)."""
        for record in records:
            article = self.article_of(record, created, updated)
            self.old_slugs.extend((Article, article, slug, when) for slug, when in record.old_slugs or ())

    def write_old_slugs(self):
        """Make each old address the records name answer 301 with its article or entity.

        The record is the truth: an old address that led elsewhere now leads to the record's
        article or entity. Written once per batch, when new entities have their ids.
        """
        moves = [(model, owner.pk, slug, since) for model, owner, slug, since in self.old_slugs if slug != owner.slug]
        self.forget_old_slugs()
        SlugRedirect.point(moves=moves)

    def link_named_entities(self, articles):
        """Link each article to the known entities its text names (see archive.tagging)."""
        matcher = tagging.matcher()
        for kind in ENTITY_KINDS.values():
            existing = set(
                kind.link_model.objects.filter(content_object_id__in=[a.pk for a in articles]).values_list(
                    "content_object_id", "tag_id"
                )
            )
            new = []
            for article in articles:
                for kind_key, entity_id in matcher.find(tagging.article_fields(article)):
                    if kind_key == kind.key and (article.pk, entity_id) not in existing:
                        existing.add((article.pk, entity_id))
                        new.append(
                            kind.link_model(
                                content_object_id=article.pk, tag_id=entity_id, published_at=article.link_published_at
                            )
                        )
            kind.link_model.objects.bulk_create(new)
            self.auto_links += len(new)

    def write_links(self, records, created, updated):
        for kind in ENTITY_KINDS.values():
            wanted = {}
            for record in records:
                if record.entities is not None and kind.article_field in record.entities:
                    article = self.article_of(record, created, updated)
                    wanted[article.pk] = {
                        self.entities[data_key(kind.model, item)].pk for item in record.entities[kind.article_field]
                    }
            if not wanted:
                continue
            existing_articles = [updated[id(record)].pk for record in records if id(record) in updated]
            current = {}
            stale = []
            for link_pk, article_pk, entity_pk in kind.link_model.objects.filter(
                content_object_id__in=[pk for pk in existing_articles if pk in wanted]
            ).values_list("pk", "content_object_id", "tag_id"):
                current.setdefault(article_pk, set()).add(entity_pk)
                if entity_pk not in wanted[article_pk]:
                    stale.append(link_pk)
            if stale:
                kind.link_model.objects.filter(pk__in=stale).delete()
            visible_from = {article.pk: article.link_published_at for article in [*created.values(), *updated.values()]}
            kind.link_model.objects.bulk_create(
                kind.link_model(content_object_id=article_pk, tag_id=entity_pk, published_at=visible_from[article_pk])
                for article_pk, entity_pks in wanted.items()
                for entity_pk in sorted(entity_pks - current.get(article_pk, set()))
            )
