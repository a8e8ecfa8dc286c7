"""Backups of the whole database, and restores into an empty one.

PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore` in a single
transaction. SQLite: the online backup API, which copies a consistent snapshot
while the site goes on reading and writing (WAL), into one self-contained file.
Either way the search index, its triggers and every table come along, and a
restore writes all of the backup or nothing.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES_HEADER = b"PGDMP"


class BackupError(Exception):
    pass


def default_name(connection, moment):
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    return f"archive-{moment:%Y%m%d-%H%M%S}.{suffix}"


def backup(path, using="default"):
    """Write a backup of database `using` to `path`, replacing it only once the backup is whole."""
    connection = connections[using]
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"Cannot write {path}: there is no folder {path.parent}.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if connection.vendor == "sqlite":
            backup_sqlite(connection, partial)
        else:
            run_postgres_tool("pg_dump", connection, ["--format=custom", f"--file={partial}"])
        os.replace(partial, path)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"Cannot write {path}: {getattr(error, 'strerror', None) or error}") from None
    finally:
        partial.unlink(missing_ok=True)


def backup_sqlite(connection, path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        # A backup is one file: no write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def restore_backup(path, using="default", force=False):
    """Load the backup at `path` into database `using`, which must be empty unless `force`."""
    connection = connections[using]
    kind = backup_kind(path)
    expected = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
    if kind != expected:
        raise BackupError(f"{path} is a {kind} backup; this database is {expected}.")
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables). Restore into an empty database, "
            "or pass --force to replace everything in it."
        )
    if connection.vendor == "sqlite":
        restore_sqlite(connection, path)
    else:
        options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if force:
            options += ["--clean", "--if-exists"]
        run_postgres_tool("pg_restore", connection, options, dbname_option="--dbname", last=[str(path)])
    connection.close()  # the next query sees the restored schema


def backup_kind(path):
    try:
        with open(path, "rb") as handle:
            start = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}") from None
    if start.startswith(SQLITE_HEADER):
        return "SQLite"
    if start.startswith(POSTGRES_HEADER):
        return "PostgreSQL"
    raise BackupError(f"{path} is not a backup: neither a SQLite database nor a pg_dump archive.")


def restore_sqlite(connection, path):
    source = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        problems = source.execute("PRAGMA quick_check").fetchall()
        if problems != [("ok",)]:
            raise BackupError(f"{path} is damaged: {problems[0][0]}")
        connection.ensure_connection()
        # One step: the database changes from its old contents to the backup's at once.
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Cannot restore {path}: {error}") from None
    finally:
        source.close()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def run_postgres_tool(program, connection, options, dbname_option=None, last=()):
    """Run pg_dump or pg_restore with the connection details of the Django settings."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (PostgreSQL's client tools).")
    if dbname_option and connection.settings_dict.get("NAME"):
        options = [*options, dbname_option]  # settings_to_cmd_args_env puts the name right after
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, options)
    result = subprocess.run(
        [program, *args[1:], *last], env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
