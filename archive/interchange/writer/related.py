"""What hangs off a batch's articles: sources, corrections, entity links (given, or found in
the text by auto-tagging) and old addresses."""

from archive.editorial import tagging
from archive.interchange.writer.entities import data_key
from archive.models import ENTITY_KINDS, Article, Correction, SlugRedirect, SourceLink

KIND_BY_FIELD = {kind.article_field: kind for kind in ENTITY_KINDS.values()}


class RelatedStage:
    """The Writer's related stage (see archive.interchange.writer)."""

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
