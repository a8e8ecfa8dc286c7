"""Indexes that keep the editors' lists and entity pickers quick on a big archive.

Articles newest first whatever their status, and one publication's newest
first: the admin's list, its publication filter and its date drill-down read
them from these indexes instead of sorting a million rows. The second replaces
the index on the publication alone (dropped by name, as in 0005, so that
SQLite does not copy the table to alter the field).

On PostgreSQL only, the name keys of entities and aliases get a pattern index
(prefix matches, whatever the database's collation) and a trigram index
(matches anywhere in the name). SQLite answers prefixes from the unique index
on each name key; see EntityQuerySet.matching.
"""

from django.db import migrations, models

PUBLICATION_INDEX = "archive_article_publication_96b86512"

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


def drop_publication_index(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{PUBLICATION_INDEX}"')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{PUBLICATION_INDEX}_like"')  # PostgreSQL's, for LIKE


def create_publication_index(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX "{PUBLICATION_INDEX}" ON "archive_article" ("publication")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{PUBLICATION_INDEX}_like" ON "archive_article" ("publication" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_article_slug_help"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_at", "-id"], name="article_newest_first"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["publication", "-published_at", "-id"], name="article_publication_newest"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="publication",
                    field=models.CharField(
                        blank=True, help_text="The outlet it came from, e.g. “Reuters”.", max_length=200
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_publication_index, create_publication_index)],
        ),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
