"""The full-text index, kept in step with the archive by the database itself.

One row per article, whatever its status, so the editors' admin searches with
it too. Its document holds the headline, standfirst and body, the other forms of
their words (Article.search_forms: base forms, sounds of names), plus tokens for
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

from archive.ops.planner import BULK_WRITE, refresh_planner_statistics
from archive.search.backends.postgres import PostgresSchema
from archive.search.backends.sqlite import SQLiteSchema
from archive.search.keys import tables
from archive.search.suggestions import refresh_vocabulary


def schema_for(connection):
    schema = PostgresSchema() if connection.vendor == "postgresql" else SQLiteSchema()
    schema.search_forms = has_search_forms(connection)
    return schema


# Whether articles have their search_forms column, by database alias: asked once per process,
# and again after every migrate, the only thing that changes it.
_has_search_forms = {}


def has_search_forms(connection):
    """Whether articles have their search_forms column: not in an archive migrated back before
    migration 0014, where the index must be made without it."""
    if connection.alias not in _has_search_forms:
        article = tables()[0]
        if article not in connection.introspection.table_names():
            return False  # migrated back to zero: only the index's removal is left to do
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, article)
        _has_search_forms[connection.alias] = any(column.name == "search_forms" for column in columns)
    return _has_search_forms[connection.alias]


SCHEMA_VERSION = 8


def layout(connection):
    """The index's layout: its schema's version, and whether it holds search forms (1) or not (0).
    A migration that adds or drops search_forms then rebuilds the index as any new layout does."""
    return SCHEMA_VERSION * 10 + int(has_search_forms(connection))


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
    version = layout(connection)
    if installed_version(connection) != version:
        uninstall(connection)
    with connection.cursor() as cursor:
        for statement in schema_for(connection).statements():
            cursor.execute(statement)
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (version integer NOT NULL)")
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.execute(f"INSERT INTO {META_TABLE}(version) VALUES (%s)", [version])


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
    _has_search_forms.pop(using, None)
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
    _has_search_forms.pop(using, None)
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


def after_bulk_write(written, *, whole_archive=False):
    """The chores after writing `written` articles in bulk (an import, the demo archive, a rebuild):
    the "did you mean" vocabulary from the new text and the query planner's statistics, past a
    bulk write or whenever the whole archive was written (`whole_archive`: the demo, a rebuild).
    Returns how many words the vocabulary now has (0, and left as it was, if nothing was written)."""
    words = refresh_vocabulary() if written else 0
    if written >= BULK_WRITE or whole_archive:
        refresh_planner_statistics()
    return words
