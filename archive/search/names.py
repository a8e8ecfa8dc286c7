"""Spellings close to a name: the candidates "did you mean" and the near-duplicate warning score.

PostgreSQL compares trigrams with pg_trgm, through the GIN indexes on entity
names and aliases (see schema.PostgresSchema): spellings similar as a whole,
and spellings with a part similar to the name (a word more). SQLite has no
pg_trgm; its equivalent is an FTS5 table per kind with the trigram tokenizer
holding every name and alias, kept current by triggers, where the spellings sharing
most five-letter runs with the name are found (runs of three match too many
names to rank quickly: a third of 200,000, against a few thousand). Short
names share few runs with their variants (Kiev and Kyiv share none), so they
are also looked up among the spellings of about the same length that start
with the same letter: an index range on both databases. Every lookup is
bounded; nothing is scanned in Python.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.db.models.functions import Length

from archive.models import ENTITY_KINDS, Alias

TABLE = "archive_names"
CANDIDATES = 50
# Letters in a row a close spelling is expected to share with the name, on SQLite.
RUN = 5
# Names this long or shorter are also looked up by first letter and length.
SHORT_NAME = 8
LENGTH_SLACK = 2


def close_spellings(model, key, limit=CANDIDATES):
    """[(entity id, spelling key)] of `model` names and aliases that may be close to the folded `key`.

    Candidates, not verdicts: the caller scores them.
    """
    if len(key) < 3:
        return []
    content_type = ContentType.objects.get_for_model(model)
    aliases = Alias.objects.filter(content_type=content_type)
    if connection.vendor == "postgresql":
        found = []
        # One lookup each: an OR of the two makes the planner give up the index for a full scan.
        for lookup in ["trigram_similar", "trigram_word_similar"]:
            found += postgres_trigram_matches(model.objects.all(), "pk", "name_key", lookup, key, limit)
            found += postgres_trigram_matches(aliases, "object_id", "key", lookup, key, limit)
    else:
        found = sqlite_trigram_matches(model, key, limit * 2)
    if len(key) <= SHORT_NAME:
        found += same_start_and_length(model.objects.all(), "pk", "name_key", key, limit)
        found += same_start_and_length(aliases, "object_id", "key", key, limit)
    return found


def postgres_trigram_matches(queryset, id_field, key_field, lookup, key, limit):
    from django.contrib.postgres.search import TrigramSimilarity

    matches = queryset.filter(**{f"{key_field}__{lookup}": key}).annotate(similarity=TrigramSimilarity(key_field, key))
    return list(matches.order_by("-similarity").values_list(id_field, key_field)[:limit])


def same_start_and_length(queryset, id_field, key_field, key, limit):
    """Spellings beginning with the same letter, of about the same length: a range of the spelling's index."""
    after = chr(ord(key[0]) + 1)
    return list(
        queryset.filter(**{f"{key_field}__gte": key[0], f"{key_field}__lt": after})
        .annotate(spelling_length=Length(key_field))
        .filter(spelling_length__range=(len(key) - LENGTH_SLACK, len(key) + LENGTH_SLACK))
        .order_by()  # in index order: sorting by name would read every row of the range
        .values_list(id_field, key_field)[:limit]
    )


def sqlite_trigram_matches(model, key, limit):
    # Folded keys hold letters, digits and single spaces only: nothing to escape in the quotes.
    runs = sorted({key[start : start + RUN] for start in range(max(len(key) - RUN, 0) + 1)})
    names = table_of(model.entity_kind)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entity_id, key FROM {names} WHERE {names} MATCH %s ORDER BY rank LIMIT %s",
            [" OR ".join(f'"{run}"' for run in runs), limit],
        )
        return cursor.fetchall()


# ---------------------------------------------------------------- the SQLite tables and their triggers


def table_of(kind):
    return f"{TABLE}_{kind.key}"


def statements():
    """One table per kind, so that a lookup reads the names of that kind only."""
    alias, content_types = Alias._meta.db_table, ContentType._meta.db_table
    for name in trigger_names():
        yield f"DROP TRIGGER IF EXISTS {name}"
    for kind in ENTITY_KINDS.values():
        table, names = kind.model._meta.db_table, table_of(kind)
        yield f"CREATE VIRTUAL TABLE IF NOT EXISTS {names} USING fts5(key, entity_id UNINDEXED, tokenize = 'trigram')"
        # Names are rows under their entity's id; aliases under the negated alias id.
        insert = f"INSERT OR REPLACE INTO {names}(rowid, key, entity_id) VALUES (NEW.id, NEW.name_key, NEW.id)"
        delete = f"DELETE FROM {names} WHERE rowid = OLD.id"
        yield f"CREATE TRIGGER {names}_insert AFTER INSERT ON {table} BEGIN {insert}; END"
        yield (
            f"CREATE TRIGGER {names}_update AFTER UPDATE OF name_key ON {table} "
            f"WHEN OLD.name_key IS NOT NEW.name_key BEGIN {delete}; {insert}; END"
        )
        yield f"CREATE TRIGGER {names}_delete AFTER DELETE ON {table} BEGIN {delete}; END"
        of_kind = f"(SELECT id FROM {content_types} WHERE app_label = 'archive' AND model = '{kind.key}')"
        insert = (
            f"INSERT OR REPLACE INTO {names}(rowid, key, entity_id) "
            f"SELECT -NEW.id, NEW.key, NEW.object_id WHERE NEW.content_type_id = {of_kind}"
        )
        delete = f"DELETE FROM {names} WHERE rowid = -OLD.id"
        yield f"CREATE TRIGGER {names}_alias_insert AFTER INSERT ON {alias} BEGIN {insert}; END"
        yield f"CREATE TRIGGER {names}_alias_update AFTER UPDATE ON {alias} BEGIN {delete}; {insert}; END"
        yield f"CREATE TRIGGER {names}_alias_delete AFTER DELETE ON {alias} BEGIN {delete}; END"


def fill_statements(kind):
    names = table_of(kind)
    yield f"DELETE FROM {names}"
    yield f"INSERT INTO {names}(rowid, key, entity_id) SELECT id, name_key, id FROM {kind.model._meta.db_table}"
    yield (
        f"INSERT INTO {names}(rowid, key, entity_id) SELECT -a.id, a.key, a.object_id FROM {Alias._meta.db_table} a "
        f"JOIN {ContentType._meta.db_table} t ON t.id = a.content_type_id "
        f"WHERE t.app_label = 'archive' AND t.model = '{kind.key}'"
    )


def trigger_names():
    events = ["insert", "update", "delete", "alias_insert", "alias_update", "alias_delete"]
    return [f"{table_of(kind)}_{event}" for kind in ENTITY_KINDS.values() for event in events]


def install_after_migrate(sender, using="default", **kwargs):
    """On SQLite, after every migrate: (re)create the names tables and triggers for the kinds there are now,
    and fill a table that was just made."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if Alias._meta.db_table not in existing:  # migrated back to zero
            for name in trigger_names():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for kind in ENTITY_KINDS.values():
                cursor.execute(f"DROP TABLE IF EXISTS {table_of(kind)}")
            return
        for statement in statements():
            cursor.execute(statement)
        for kind in ENTITY_KINDS.values():
            if table_of(kind) not in existing:
                for statement in fill_statements(kind):
                    cursor.execute(statement)
