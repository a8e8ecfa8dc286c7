"""Timing how archives are made and loaded: generation, import, rebuilding the search index.

Generation is timed once, when a benchmark archive is made, and the figure is
kept in the archive's own database (a small table outside Django's models), so
that later runs on the same archive still report it. Import and index rebuild
run as separate processes on a scratch database, a copy of part of the archive
(an export of its latest articles), so the archive measured is never changed
and each process's peak memory can be read from the operating system.
"""

import datetime
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import OperationalError, connection

from archive.interchange.export import export_lines
from archive.models import Article

GENERATION_TABLE = "benchmark_generation"
ARTICLE_LINE = '"type": "article"'  # how an exported article's line tells itself from an entity's


# ---------------------------------------------------------------- generation, kept with the archive


def record_generation(articles, seconds):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {GENERATION_TABLE} (articles integer, seconds real, generated_at varchar(40))"
        )
        cursor.execute(f"DELETE FROM {GENERATION_TABLE}")
        cursor.execute(
            f"INSERT INTO {GENERATION_TABLE} (articles, seconds, generated_at) VALUES (%s, %s, %s)",
            [articles, seconds, datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")],
        )


def recorded_generation():
    """(articles, seconds, when) of this archive's generation, or None if it was not recorded."""
    if GENERATION_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT articles, seconds, generated_at FROM {GENERATION_TABLE}")
        return cursor.fetchone()


# ---------------------------------------------------------------- databases


def postgres_server(settings_dict):
    server = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "dbname": "postgres",
    }
    return {key: value for key, value in server.items() if value}


def ensure_database_exists():
    """Create this PostgreSQL database if it is missing (SQLite creates its file on connection)."""
    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        with psycopg.connect(**postgres_server(connection.settings_dict), autocommit=True) as server:
            server.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')


def scratch_database_url(work_dir):
    """A new, empty database (a file in `work_dir` for SQLite), for imports that must not touch the archive."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        path = Path(work_dir) / "scratch.sqlite3"
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    name = f"{settings_dict['NAME']}_scratch"
    with psycopg.connect(**postgres_server(settings_dict), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


def drop_scratch_database(url):
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return
    with psycopg.connect(**postgres_server(connection.settings_dict), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')


# ---------------------------------------------------------------- commands in their own process

# Runs one management command and prints how long the command itself took, start-up aside.
TIMED_COMMAND = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.core.management import call_command
started = time.perf_counter()
call_command(*sys.argv[1:], verbosity=0)
print(f"seconds={time.perf_counter() - started}")
try:
    with open("/proc/self/status") as status:
        print(next(line for line in status if line.startswith("VmHWM:")).split()[1], "kB peak")
except (OSError, StopIteration):
    pass
"""


@dataclass
class CommandRun:
    seconds: float  # the command's own time, without Python and Django starting up
    peak_mb: float  # the process's peak resident memory
    output: str


def timed_command(database_url, *arguments):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    process = subprocess.Popen(
        [sys.executable, "-c", TIMED_COMMAND, *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{output[-3000:]}")
    seconds = float(output.rsplit("seconds=", 1)[1].split()[0])
    # The operating system's figure for a child counts the memory of the process it was forked
    # from (this one, which may hold a million-article archive's worth): the child's own peak,
    # where Linux gives it, is what the command used.
    peak = re.search(r"^(\d+) kB peak$", output, re.MULTILINE)
    peak_mb = int(peak.group(1)) / 1024 if peak else usage.ru_maxrss / 1024
    return CommandRun(seconds=seconds, peak_mb=peak_mb, output=output)


def export_sample(path, count):
    """The `count` latest-made articles as JSON Lines, with their entities: what an import reads."""
    threshold = Article.objects.order_by("-pk").values_list("pk", flat=True)[count - 1 : count].first() or 0
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        for line in export_lines(Article.objects.filter(pk__gte=threshold)):
            handle.write(line + "\n")
            written += ARTICLE_LINE in line
    return written


@dataclass
class LoadingResults:
    articles: int
    export_seconds: float
    imported: CommandRun
    rebuilt: CommandRun
    quarter: CommandRun  # the same file cut after a quarter of its articles: the same peak memory if flat


def measure_loading(sample, work_dir):
    """Export `sample` articles, import them into an empty scratch database, then rebuild its search index."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    export = work_dir / f"sample-{connection.vendor}.jsonl"
    started = time.perf_counter()
    articles = export_sample(export, sample)
    export_seconds = time.perf_counter() - started
    quarter_export = work_dir / f"sample-{connection.vendor}-quarter.jsonl"
    with open(export, encoding="utf-8") as whole, open(quarter_export, "w", encoding="utf-8") as quarter:
        articles_left = max(1, articles // 4)
        for line in whole:
            quarter.write(line)
            articles_left -= ARTICLE_LINE in line
            if not articles_left:
                break
    try:
        imported, rebuilt = import_into_scratch(work_dir, export, rebuild=True)
        quarter_imported, _ = import_into_scratch(work_dir, quarter_export)
    finally:
        export.unlink(missing_ok=True)
        quarter_export.unlink(missing_ok=True)
    return LoadingResults(articles, export_seconds, imported, rebuilt, quarter_imported)


def import_into_scratch(work_dir, export, rebuild=False):
    url = scratch_database_url(work_dir)
    try:
        timed_command(url, "migrate")
        imported = timed_command(url, "import_articles", str(export))
        rebuilt = timed_command(url, "rebuild_search_index") if rebuild else None
    finally:
        drop_scratch_database(url)
    return imported, rebuilt


def describe_loading(results, archive_articles):
    """Rows for the benchmark table: (measurement, figure)."""
    rate = results.articles / results.imported.seconds
    rebuild_rate = results.articles / results.rebuilt.seconds
    return [
        (
            f"import_articles, {results.articles:,} exported articles into an empty database",
            f"{results.imported.seconds:.1f} s, **{rate:,.0f} articles/s**, peak {results.imported.peak_mb:,.0f} MB",
        ),
        (
            f"rebuild_search_index of those {results.articles:,} articles",
            f"{results.rebuilt.seconds:.1f} s, {rebuild_rate:,.0f} articles/s "
            f"(the whole archive at that rate: {archive_articles / rebuild_rate:,.0f} s)",
        ),
        (
            "import_articles memory: peak for that file cut after a quarter of its articles, and for all of it",
            f"{results.quarter.peak_mb:,.0f} MB, {results.imported.peak_mb:,.0f} MB",
        ),
        ("export_articles of them", f"{results.export_seconds:.1f} s"),
    ]


def generation_row():
    record = recorded_generation()
    if record is None:
        return ("generate_demo", "not recorded (the archive was made before generation was timed)")
    articles, seconds, when = record
    return ("generate_demo", f"{seconds:.0f} s, **{articles / seconds:,.0f} articles/s** (on {when[:10]})")
