"""The full-text index, kept in step with the archive by the database itself.

One row per article, whatever its status, so the editors' admin searches with
it too. Its document holds the headline, standfirst and body, plus tokens for
what filters and entity-aware matching need: each linked entity
(`entperson12`), the types of its incidents (`typebattle`) and its publication
(`pub` + hex of the name). Tokens pass through the same tokenizer as queries,
so they match whatever the stemmer makes of them.

Each row's key orders the index by publication time: the seconds since 1900
shifted left 30 bits, with the article id in the low bits; an article that is
not published gets a key above every date. Newest-first reads and date ranges
are then ranges of the index itself, and a public search, "published and not
scheduled for later", is the key range up to now: the same rule as
Article.objects.published().

Triggers on articles, entity links and incidents keep the index current on
every write path. Bulk writers (import, demo generation) may switch the
triggers off for their transaction with `deferred()` and call `reindex()` on
each batch instead, which costs one statement per batch instead of one
re-tokenised article per link.
"""

from contextlib import contextmanager

from django.db import connections, transaction
from django.utils import timezone

from ..models import ENTITY_KINDS, Article, Incident

EPOCH_OFFSET = 2208988800  # seconds from 1900-01-01 to 1970-01-01
ID_BITS = 30


def sort_key(published_at, article_id):
    return ((int(published_at.timestamp()) + EPOCH_OFFSET) << ID_BITS) | article_id


def article_id_of(key):
    return key & ((1 << ID_BITS) - 1)


def entity_token(kind_key, entity_id):
    return f"ent{kind_key}{entity_id}"


def type_token(incident_type):
    return "type" + incident_type.replace("_", "")


def publication_token(publication):
    # Lower-cased as SQLite's lower() does: ASCII letters only.
    lowered = "".join(letter.lower() if letter.isascii() else letter for letter in publication)
    return "pub" + lowered.encode("utf-8").hex()


# In every article's tokens: what a search that only leaves words out starts from.
EVERY_ARTICLE = "everyarticle"


# Keys of articles that are not published sort after every date: a public search is
# then a key range, "no later than now", which also leaves out scheduled articles.
UNPUBLISHED = 1 << 62


def latest_key(moment):
    """The highest key of anything published at or before `moment`."""
    return sort_key(moment, (1 << ID_BITS) - 1)


def tables():
    article = Article._meta.db_table
    incident = Incident._meta.db_table
    links = [(kind.key, kind.link_model._meta.db_table) for kind in ENTITY_KINDS.values()]
    incident_links = ENTITY_KINDS["incident"].link_model._meta.db_table
    return article, incident, links, incident_links


def ascii_lower(column):
    """PostgreSQL's lower() follows the locale; SQLite's, and the Python side, only ASCII letters."""
    return f"translate({column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def token_rows(alias):
    """SQL selecting one `token` row per linked entity and incident type of article `alias`."""
    article, incident, links, incident_links = tables()
    rows = [
        f"SELECT 'ent{key}' || tag_id AS token FROM {table} WHERE content_object_id = {alias}.id"
        for key, table in links
    ]
    rows.append(
        f"SELECT 'type' || replace(i.incident_type, '_', '') FROM {incident_links} l "
        f"JOIN {incident} i ON i.id = l.tag_id WHERE l.content_object_id = {alias}.id"
    )
    return " UNION ALL ".join(rows)


# ---------------------------------------------------------------- SQLite (FTS5)


class SQLiteSchema:
    table = "archive_search"
    control = "archive_search_control"

    def key(self, alias):
        moment = f"CAST(strftime('%s', {alias}.published_at) AS INTEGER)"
        return (
            f"(CASE WHEN {alias}.status = 'published' AND {alias}.published_at IS NOT NULL "
            f"THEN ((({moment} + {EPOCH_OFFSET}) << {ID_BITS}) | {alias}.id) "
            f"ELSE ({UNPUBLISHED} | {alias}.id) END)"
        )

    def tokens(self, alias):
        return (
            f"coalesce((SELECT group_concat(token, ' ') FROM ({token_rows(alias)})), '') "
            f"|| ' pub' || lower(hex(lower({alias}.publication))) || ' {EVERY_ARTICLE}'"
        )

    def insert_from(self, alias, where):
        article = tables()[0]
        return (
            f"INSERT INTO {self.table}(rowid, headline, standfirst, body, tokens) "
            f"SELECT {self.key(alias)}, {alias}.headline, {alias}.standfirst, {alias}.body, {self.tokens(alias)} "
            # In rowid order: FTS5 writes its pending terms out as a new segment whenever a rowid is
            # lower than the last, and an unpublished article's key is above every published one's.
            # Unordered, a batch of 5,000 made a segment every few rows: 35 s, not 1 s, at 100,000.
            f"FROM {article} {alias} WHERE {where} ORDER BY 1"
        )

    def delete_for(self, where):
        article = tables()[0]
        return f"DELETE FROM {self.table} WHERE rowid IN (SELECT {self.key('a')} FROM {article} a WHERE {where})"

    def statements(self):
        article, incident, links, incident_links = tables()
        live = f"(SELECT deferred FROM {self.control}) = 0"
        yield self.create_table()
        yield f"CREATE TABLE IF NOT EXISTS {self.control} (deferred INTEGER NOT NULL)"
        yield f"INSERT INTO {self.control}(deferred) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {self.control})"
        for name in self.trigger_names():
            yield f"DROP TRIGGER IF EXISTS {name}"
        changed = " OR ".join(
            f"OLD.{column} IS NOT NEW.{column}"
            for column in ["headline", "standfirst", "body", "status", "published_at", "publication"]
        )
        old_key = self.key("OLD")
        yield (
            f"CREATE TRIGGER archive_search_article_inserted AFTER INSERT ON {article} WHEN {live} BEGIN "
            f"{self.insert_from('a', 'a.id = NEW.id')}; END"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_updated AFTER UPDATE ON {article} "
            f"WHEN ({changed}) AND {live} BEGIN "
            f"DELETE FROM {self.table} WHERE rowid = {old_key}; {self.insert_from('a', 'a.id = NEW.id')}; END"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_deleted AFTER DELETE ON {article} BEGIN "
            f"DELETE FROM {self.table} WHERE rowid = {old_key}; END"
        )
        for key, table in links:
            for event, row in [("INSERT", "NEW"), ("DELETE", "OLD")]:
                yield (
                    f"CREATE TRIGGER archive_search_{key}_link_{event.lower()} AFTER {event} ON {table} "
                    f"WHEN {live} BEGIN "
                    f"{self.delete_for(f'a.id = {row}.content_object_id')}; "
                    f"{self.insert_from('a', f'a.id = {row}.content_object_id')}; END"
                )
        covered = f"a.id IN (SELECT content_object_id FROM {incident_links} WHERE tag_id = NEW.id)"
        yield (
            f"CREATE TRIGGER archive_search_incident_type AFTER UPDATE OF incident_type ON {incident} "
            f"WHEN OLD.incident_type IS NOT NEW.incident_type AND {live} BEGIN "
            f"{self.delete_for(covered)}; {self.insert_from('a', covered)}; END"
        )

    def trigger_names(self):
        names = [
            "archive_search_article_inserted",
            "archive_search_article_updated",
            "archive_search_article_deleted",
            "archive_search_incident_type",
        ]
        for key, _table in tables()[2]:
            names += [f"archive_search_{key}_link_insert", f"archive_search_{key}_link_delete"]
        return names

    def drop_statements(self, existing_tables):
        for name in self.trigger_names():
            yield f"DROP TRIGGER IF EXISTS {name}"
        yield f"DROP TABLE IF EXISTS {self.table}"
        yield f"DROP TABLE IF EXISTS {self.control}"

    def reindex_statements(self, ids_sql):
        yield self.delete_for(f"a.id IN ({ids_sql})")
        yield self.insert_from("a", f"a.id IN ({ids_sql})")

    def retoken_statements(self, ids_sql):
        yield from self.reindex_statements(ids_sql)  # an FTS5 row is only ever replaced whole

    def rebuild_statements(self):
        # Deleting an FTS5 table's rows one by one leaves a tombstone for each (97 s at 100,000
        # articles); a new table is empty at once. The triggers name it, so they keep working.
        yield f"DROP TABLE {self.table}"
        yield self.create_table()

    def create_table(self):
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5("
            "headline, standfirst, body, tokens, tokenize = 'porter unicode61 remove_diacritics 2')"
        )

    def set_deferred(self, cursor, deferred):
        cursor.execute(f"UPDATE {self.control} SET deferred = %s", [1 if deferred else 0])


# ---------------------------------------------------------------- PostgreSQL (tsvector + GIN)


class PostgresSchema:
    """Four vectors per article, so that most checks never touch the body's large one.

    `head_vector`: headline (A), standfirst and tokens (B), with positions, small enough
    to stay in the row; it ranks and decides the second tier. `headline_vector`: its A
    part, for the headline tier (with statistics of its own, see PostgresBackend.where). `body_vector`: the body
    (C), stored out of line, read only to check a phrase. `terms`: every lexeme of both,
    without positions: what the GIN index and the row-by-row checks use.
    """

    table = "archive_search"
    config = "archive_english"
    setting = "archive.search_deferred"

    def key(self, alias):
        moment = f"floor(extract(epoch from {alias}.published_at))::bigint"
        return (
            f"(CASE WHEN {alias}.status = 'published' AND {alias}.published_at IS NOT NULL "
            f"THEN ((({moment} + {EPOCH_OFFSET}) << {ID_BITS}) | {alias}.id) "
            f"ELSE ({UNPUBLISHED} | {alias}.id) END)"
        )

    def tokens(self, alias):
        return (
            f"to_tsvector('simple', coalesce((SELECT string_agg(token, ' ') FROM ({token_rows(alias)}) t), '') "
            f"|| ' pub' || encode(convert_to({ascii_lower(alias + '.publication')}, 'UTF8'), 'hex') "
            f"|| ' {EVERY_ARTICLE}')"
        )

    def head_vector(self, alias):
        return (
            f"setweight(to_tsvector('{self.config}', {alias}.headline), 'A') || "
            f"setweight(to_tsvector('{self.config}', {alias}.standfirst), 'B') || "
            f"setweight({self.tokens(alias)}, 'B')"
        )

    def body_vector(self, alias):
        return f"setweight(to_tsvector('{self.config}', {alias}.body), 'C')"

    def upsert_from(self, where):
        article = tables()[0]
        return (
            f"INSERT INTO {self.table}(article_id, sort_key, head_vector, body_vector) "
            f"SELECT a.id, {self.key('a')}, {self.head_vector('a')}, {self.body_vector('a')} FROM {article} a "
            f"WHERE {where} "
            "ON CONFLICT (article_id) DO UPDATE SET sort_key = EXCLUDED.sort_key, "
            "head_vector = EXCLUDED.head_vector, body_vector = EXCLUDED.body_vector"
        )

    def retoken(self, where):
        """Rebuild the small vector only: links changed, the text did not."""
        article = tables()[0]
        return (
            f"UPDATE {self.table} s SET head_vector = {self.head_vector('a')} FROM {article} a "
            f"WHERE a.id = s.article_id AND {where}"
        )

    def statements(self):
        article, incident, links, incident_links = tables()
        live = f"coalesce(current_setting('{self.setting}', true), '') <> 'on'"
        yield "CREATE EXTENSION IF NOT EXISTS unaccent"
        yield "CREATE EXTENSION IF NOT EXISTS pg_trgm"
        yield (
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{self.config}') THEN "
            f"CREATE TEXT SEARCH CONFIGURATION {self.config} (COPY = english); "
            f"ALTER TEXT SEARCH CONFIGURATION {self.config} "
            "ALTER MAPPING FOR hword_part, word WITH unaccent, english_stem; "
            "END IF; END $$"
        )
        # A hyphenated word is indexed as its parts only. PostgreSQL also indexes the whole
        # ("rostov-on-don") a position before them, so a phrase typed without the hyphens
        # ("reported in Rostov on Don") or with them over a text without them never matched;
        # queries are split into words on hyphens anyway, as FTS5 splits the text.
        yield f"ALTER TEXT SEARCH CONFIGURATION {self.config} DROP MAPPING IF EXISTS FOR asciihword, hword, numhword"
        yield (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            # No foreign key: the triggers below delete with the article, and a TRUNCATE of
            # articles (tests flush the database so) must not be refused.
            "article_id bigint PRIMARY KEY, "
            "sort_key bigint NOT NULL, "
            "head_vector tsvector NOT NULL, "
            "body_vector tsvector NOT NULL, "
            "terms tsvector GENERATED ALWAYS AS (strip(head_vector || body_vector)) STORED, "
            "headline_vector tsvector GENERATED ALWAYS AS (ts_filter(head_vector, '{a}')) STORED)"
        )
        yield f"ALTER TABLE {self.table} ALTER COLUMN terms SET STORAGE MAIN"
        yield f"ALTER TABLE {self.table} ALTER COLUMN head_vector SET STORAGE MAIN"
        yield f"CREATE INDEX IF NOT EXISTS {self.table}_terms ON {self.table} USING gin (terms)"
        yield f"CREATE UNIQUE INDEX IF NOT EXISTS {self.table}_sort_key ON {self.table} (sort_key)"
        # The headline tiers look only here: a word in most bodies but few headlines ("said")
        # is then found from this index instead of by reading every article that has it.
        yield f"CREATE INDEX IF NOT EXISTS {self.table}_head ON {self.table} USING gin (head_vector)"
        yield f"CREATE INDEX IF NOT EXISTS {self.table}_headline ON {self.table} USING gin (headline_vector)"
        # Close names for "did you mean" use the trigram indexes on entity and alias names (migration 0007).
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_reindex(ids bigint[]) RETURNS void LANGUAGE sql AS $$ "
            f"DELETE FROM {self.table} WHERE article_id = ANY(ids); "
            f"{self.upsert_from('a.id = ANY(ids)')}; $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_article_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {live} THEN PERFORM archive_search_reindex(ARRAY[NEW.id]); END IF; RETURN NULL; END $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {live} THEN "
            f"{self.retoken('s.article_id IN (SELECT content_object_id FROM changed_links)')}; "
            "END IF; RETURN NULL; END $$"
        )
        covered = f"s.article_id IN (SELECT content_object_id FROM {incident_links} WHERE tag_id = NEW.id)"
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_incident_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {live} THEN {self.retoken(covered)}; END IF; RETURN NULL; END $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_article_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN DELETE FROM {self.table} WHERE article_id = OLD.id; RETURN NULL; END $$"
        )
        yield (
            "CREATE OR REPLACE FUNCTION archive_search_articles_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN TRUNCATE {self.table}; RETURN NULL; END $$"
        )
        for name, table in self.trigger_tables():
            yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield (
            f"CREATE TRIGGER archive_search_article_deleted AFTER DELETE ON {article} "
            "FOR EACH ROW EXECUTE FUNCTION archive_search_article_deleted()"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_truncated AFTER TRUNCATE ON {article} "
            "FOR EACH STATEMENT EXECUTE FUNCTION archive_search_articles_truncated()"
        )
        changed = " OR ".join(
            f"OLD.{column} IS DISTINCT FROM NEW.{column}"
            for column in ["headline", "standfirst", "body", "status", "published_at", "publication"]
        )
        yield (
            f"CREATE TRIGGER archive_search_article_inserted AFTER INSERT ON {article} "
            "FOR EACH ROW EXECUTE FUNCTION archive_search_article_changed()"
        )
        yield (
            f"CREATE TRIGGER archive_search_article_updated AFTER UPDATE ON {article} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION archive_search_article_changed()"
        )
        for key, table in links:
            for event, rows in [("INSERT", "NEW"), ("DELETE", "OLD")]:
                yield (
                    f"CREATE TRIGGER archive_search_{key}_link_{event.lower()} AFTER {event} ON {table} "
                    f"REFERENCING {rows} TABLE AS changed_links FOR EACH STATEMENT "
                    "EXECUTE FUNCTION archive_search_links_changed()"
                )
        yield (
            f"CREATE TRIGGER archive_search_incident_type AFTER UPDATE OF incident_type ON {incident} "
            "FOR EACH ROW WHEN (OLD.incident_type IS DISTINCT FROM NEW.incident_type) "
            "EXECUTE FUNCTION archive_search_incident_changed()"
        )

    def trigger_tables(self):
        article, incident, links, incident_links = tables()
        names = [
            ("archive_search_article_inserted", article),
            ("archive_search_article_updated", article),
            ("archive_search_article_deleted", article),
            ("archive_search_article_truncated", article),
            ("archive_search_incident_type", incident),
        ]
        for key, table in links:
            names += [(f"archive_search_{key}_link_insert", table), (f"archive_search_{key}_link_delete", table)]
        return names

    def drop_statements(self, existing_tables):
        for name, table in self.trigger_tables():
            if table in existing_tables:
                yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for function in [
            "archive_search_article_deleted()",
            "archive_search_articles_truncated()",
            "archive_search_article_changed()",
            "archive_search_links_changed()",
            "archive_search_incident_changed()",
            "archive_search_reindex(bigint[])",
        ]:
            yield f"DROP FUNCTION IF EXISTS {function}"
        yield f"DROP TABLE IF EXISTS {self.table}"

    def reindex_statements(self, ids_sql):
        yield f"SELECT archive_search_reindex(ARRAY(SELECT id FROM ({ids_sql}) ids)::bigint[])"

    def retoken_statements(self, ids_sql):
        yield self.retoken(f"s.article_id IN ({ids_sql})")

    def rebuild_statements(self):
        yield f"TRUNCATE {self.table}"

    def set_deferred(self, cursor, deferred):
        cursor.execute("SELECT set_config(%s, %s, true)", [self.setting, "on" if deferred else "off"])


# ---------------------------------------------------------------- running them


def schema_for(connection):
    return PostgresSchema() if connection.vendor == "postgresql" else SQLiteSchema()


SCHEMA_VERSION = 7
META_TABLE = "archive_search_meta"


def installed_version(connection):
    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(version) FROM {META_TABLE}")
        return cursor.fetchone()[0]


def install(connection):
    """Create the index, its tables and triggers (again: triggers follow the entity kinds).

    An index of an older layout is dropped first, and refilled by the caller.
    """
    if installed_version(connection) != SCHEMA_VERSION:
        uninstall(connection)
    with connection.cursor() as cursor:
        for statement in schema_for(connection).statements():
            cursor.execute(statement)
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (version integer NOT NULL)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE}(version) VALUES (%s)", [SCHEMA_VERSION])


def uninstall(connection):
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for statement in schema_for(connection).drop_statements(existing):
            cursor.execute(statement)
        cursor.execute(f"DROP TABLE IF EXISTS {META_TABLE}")


def reindex(connection, article_ids, *, tokens_only=False):
    """Bring these articles' index rows up to date (after a deferred bulk write).

    `tokens_only` when only their links changed, not their text: PostgreSQL then
    leaves the body's vector alone, most of the work on a long article.
    """
    article_ids = [int(pk) for pk in article_ids]  # ints only: they are written into the SQL
    if not article_ids:
        return
    ids_sql = f"SELECT id FROM {tables()[0]} WHERE id IN ({', '.join(map(str, article_ids))})"
    schema = schema_for(connection)
    statements = schema.retoken_statements(ids_sql) if tokens_only else schema.reindex_statements(ids_sql)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def deferred(connection):
    """Switch the index triggers off for the current transaction; the caller reindexes."""
    if not connection.in_atomic_block:
        raise RuntimeError("Deferring the search index needs a transaction, or it could stay switched off.")
    schema = schema_for(connection)
    with connection.cursor() as cursor:
        schema.set_deferred(cursor, True)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            schema.set_deferred(cursor, False)


def rebuild(connection, progress=None, batch=5000):
    """Index every article again, a batch of ids at a time; `progress(n)` hears of each batch."""
    schema = schema_for(connection)
    article = tables()[0]
    # In one transaction: a search meanwhile finds the old index, or an empty one, never no table.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in schema.rebuild_statements():
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id) FROM {article}")
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, batch):
        ids_sql = f"SELECT id FROM {article} WHERE id >= {int(start)} AND id < {int(start + batch)}"
        with connection.cursor() as cursor:
            for statement in schema.reindex_statements(ids_sql):
                cursor.execute(statement)
        if progress:
            progress(min(batch, high + 1 - start))


def is_empty(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {schema_for(connection).table} LIMIT 1")
        return cursor.fetchone() is None


# When the triggers were taken down for a migrate, by database alias.
_triggers_dropped_at = {}


def drop_triggers_before_migrate(sender, using="default", plan=None, **kwargs):
    """On SQLite, before the archive's own migrations run, take the index's triggers down.

    SQLite alters a table by copying it, dropping the old one and renaming the copy,
    and refuses the rename while a trigger on another table names the table just
    dropped: any migration, forwards or back, that rebuilds articles would fail.
    install_after_migrate puts the triggers back and indexes what changed meanwhile.
    """
    connection = connections[using]
    ours = [migration for migration, _backwards in plan or [] if migration.app_label == sender.label]
    if connection.vendor != "sqlite" or not ours or installed_version(connection) is None:
        return
    _triggers_dropped_at[using] = timezone.now()
    with connection.cursor() as cursor:
        for name in SQLiteSchema().trigger_names():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install_after_migrate(sender, using="default", **kwargs):
    """After every migrate: (re)create the index's triggers for the entity kinds there are now,
    and fill the index if it was just created on an archive that has articles."""
    connection = connections[using]
    article = tables()[0]
    dropped_at = _triggers_dropped_at.pop(using, None)
    if article not in connection.introspection.table_names():
        uninstall(connection)  # migrated back to zero
        return
    install(connection)
    if is_empty(connection):
        rebuild(connection)
    elif dropped_at is not None:
        # Written by the running site while the triggers were down.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {article} WHERE updated_at >= %s",
                [connection.ops.adapt_datetimefield_value(dropped_at)],
            )
            reindex(connection, [pk for (pk,) in cursor.fetchall()])
