"""Back up, restore into an empty database, and find every table as it was (on SQLite and PostgreSQL)."""

import hashlib
import io
import json
import sqlite3

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import Article, Correction
from tests.conftest import SAMPLE_WIRE_FILE
from tests.helpers.builders import make_article, make_draft, make_person, make_place, make_scheduled, make_withdrawn
from tests.helpers.processes import manage_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded_archive(editor):
    """Every kind of row: a generated archive (entities of each kind, aliases, links, sources, the
    search index), articles of each status, a correction, an old address, an editor."""
    call_command("generate_demo", articles=30, seed=4, stdout=io.StringIO(), stderr=io.StringIO())
    person, place = (
        make_person("Olena Kovalenko", aliases=["Olena Kowalenko"]),
        make_place("Zaporizke Sadove", ["Zaporozhskoye Sadovoye"]),
    )
    make_draft(headline="Draft on Zaporizke Sadove", places=[place])
    make_article(headline="In review", status=Article.Status.REVIEW, published_at=None, people=[person])
    make_scheduled(headline="Scheduled for tomorrow", people=[person])
    make_withdrawn(headline="Withdrawn report", withdrawal_note="Sources could not be confirmed.")
    renamed = make_article(headline="Kharkiv shelled", people=[person], places=[place])
    renamed.slug = "kharkiv-shelled-overnight"
    renamed.save()
    Correction.objects.create(article=renamed, text="An earlier version gave the wrong date.", created_by=editor)


@pytest.fixture
def empty_database(tmp_path):
    """The DATABASE_URL of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(name)
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url(name):
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"
    )


def admin_connection():
    return psycopg.connect(postgres_url("postgres"), autocommit=True)


def raw_connection(database_url=None):
    """A plain DB-API connection, so both sides of a comparison read values the same way."""
    if database_url is None:
        name = connection.settings_dict["NAME"]
        if connection.vendor == "sqlite":  # the in-memory test database, shared by name
            return sqlite3.connect(name, uri=True)
        database_url = postgres_url(name)
    if database_url.startswith("sqlite:///"):
        return sqlite3.connect(database_url.removeprefix("sqlite:///"))
    return psycopg.connect(database_url)


def fingerprint(db):
    """Each table's row count and a hash of its rows in a fixed order; and the schema's triggers and indexes."""
    cursor = db.cursor()
    if isinstance(db, sqlite3.Connection):
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        schema = sorted(cursor.fetchall(), key=repr)
        tables = [name for kind, name, _table, _sql in schema if kind == "table"]
    else:
        cursor.execute(
            "SELECT 'trigger', tgname FROM pg_trigger WHERE NOT tgisinternal UNION ALL "
            "SELECT 'index', indexname FROM pg_indexes WHERE schemaname = current_schema() UNION ALL "
            "SELECT 'function', proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace "
            "AND proname LIKE 'archive%'"
        )
        schema = sorted(cursor.fetchall())
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [name for (name,) in cursor.fetchall()]
    rows = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT * FROM "{table}"')
        content = sorted(repr(row) for row in cursor.fetchall())
        rows[table] = (len(content), hashlib.sha256("\n".join(content).encode()).hexdigest())
    return schema, rows


def exported(database_url=None):
    if database_url is None:
        out = io.StringIO()
        call_command("export_articles", stdout=out)
        return [json.loads(line) for line in out.getvalue().splitlines()]
    result = manage_on(database_url, "export_articles")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_backup_restored_into_an_empty_database_holds_every_table_as_it_was(seeded_archive, empty_database, tmp_path):
    backup_file = tmp_path / "archive.backup"
    call_command("backup", output=str(backup_file), stdout=io.StringIO())
    original_schema, original = fingerprint(raw_connection())

    result = manage_on(empty_database, "restore", str(backup_file))

    assert result.returncode == 0, result.stderr
    restored_db = raw_connection(empty_database)
    restored_schema, restored = fingerprint(restored_db)
    restored_db.close()
    assert original["archive_article"][0] == Article.objects.count() >= 35
    assert {"archive_personlink", "archive_alias", "archive_sourcelink", "auth_user", "archive_search"} <= set(original)
    assert restored == original
    assert any(kind == "trigger" for kind, *_rest in restored_schema)
    assert restored_schema == original_schema
    articles = exported()
    assert exported(empty_database) == articles
    linked = [
        kind for line in articles if line["type"] == "article" for kind, found in line["entities"].items() if found
    ]
    assert {"people", "places", "organisations", "incidents"} <= set(linked)


def test_restore_refuses_a_database_that_is_not_empty_and_replaces_it_with_force(
    seeded_archive, empty_database, tmp_path
):
    backup_file = tmp_path / "archive.backup"
    call_command("backup", output=str(backup_file), stdout=io.StringIO())
    assert manage_on(empty_database, "migrate", "--noinput").returncode == 0
    assert manage_on(empty_database, "import_articles", str(SAMPLE_WIRE_FILE)).returncode == 0
    _schema, before = fingerprint(raw_connection(empty_database))

    refused = manage_on(empty_database, "restore", str(backup_file))

    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert fingerprint(raw_connection(empty_database))[1] == before

    forced = manage_on(empty_database, "restore", "--force", str(backup_file))

    assert forced.returncode == 0, forced.stderr
    assert exported(empty_database) == exported()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"headline,body\nnot,a backup\n", "is not a backup"),
        (b"SQLite format 3\x00" + b"\x00" * 200, None),
        (b"PGDMP" + b"\x00" * 200, None),
    ],
    ids=["text", "truncated-sqlite", "truncated-pg-dump"],
)
def test_restoring_a_file_that_is_no_good_backup_fails_clearly_and_writes_nothing(
    empty_database, tmp_path, content, message
):
    bad = tmp_path / "bad.backup"
    bad.write_bytes(content)

    result = manage_on(empty_database, "restore", str(bad))

    assert result.returncode != 0
    assert result.stderr.startswith("CommandError:"), result.stderr
    if message:
        assert message in result.stderr
    check = manage_on(empty_database, "restore", str(bad))
    assert "not empty" not in check.stderr  # nothing was half-written


def test_backup_to_a_folder_that_does_not_exist_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("backup", output=str(tmp_path / "missing" / "archive.backup"))
