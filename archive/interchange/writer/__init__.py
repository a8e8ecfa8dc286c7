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

A batch goes through three stages, one module each: `entities` resolves what the
records name, `articles` writes the articles themselves, `related` what hangs off them.
"""

from archive.interchange.records import ArticleRecord, EntityRecord
from archive.interchange.writer.articles import ArticleStage
from archive.interchange.writer.entities import EntityStage
from archive.interchange.writer.related import KIND_BY_FIELD, RelatedStage
from archive.models import ENTITY_KINDS

# Entities resolved are remembered between batches (Ukraine is on every other line), up to
# this many: an export of a large archive names hundreds of thousands, and the import's
# memory must not grow with the file.
ENTITIES_KEPT = 20_000


class Writer(EntityStage, ArticleStage, RelatedStage):
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
