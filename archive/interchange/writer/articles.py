"""Articles of a batch: created or updated in bulk through the write path every save takes
(Article.before_writing/after_writing), editors' edits guarded, one revision each."""

from django.db import connection, models
from django.utils import timezone

from archive.editorial import revisions
from archive.interchange.records import ImportProblem
from archive.models import Article, Revision
from archive.models.page_tags import article_pages, linked_entities
from archive.search import index as search_index

ARTICLE_COLUMNS = [field.name for field in Article._meta.concrete_fields if not field.primary_key]


def snapshot_part(snapshot, part):
    return snapshot[part] if part in ("sources", "entities") else snapshot["fields"].get(part)


class ArticleStage:
    """The Writer's articles stage (see archive.interchange.writer)."""

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
