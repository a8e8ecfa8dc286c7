"""Indexes that keep the editors' lists and entity pickers quick on a big archive.

Articles newest first whatever their status: the admin's list and its date
drill-down read them from this index instead of sorting a million rows.

On PostgreSQL only, the name keys of entities and aliases get a pattern index
(prefix matches, whatever the database's collation) and a trigram index
(matches anywhere in the name). SQLite answers prefixes from the unique index
on each name key; see EntityQuerySet.matching.
"""

from django.db import migrations, models

NAME_KEYS = [
    ("archive_person", "name_key"),
    ("archive_place", "name_key"),
    ("archive_organisation", "name_key"),
    ("archive_incident", "name_key"),
    ("archive_alias", "key"),
]


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in NAME_KEYS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_prefix ON {table} ({column} varchar_pattern_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in NAME_KEYS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_prefix")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0006_editorial_records"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_newest_first"),
        ),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
