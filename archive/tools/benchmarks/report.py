"""The benchmark's report: one table per database and archive size, and where it was measured.

The results section of `docs/benchmarks.md` keeps the latest table of each
database and size between markers, so that runs on other databases or sizes
leave each other's tables in place; the analysis above them is written by hand.
"""

import datetime
import os
import platform
import re
import sqlite3
from pathlib import Path

import django
from django.db import connection

from archive.models import ENTITY_KINDS, Article

RESULTS_HEADER = """# Benchmark results

Written by `make bench` (`manage.py benchmark`); each section is replaced by the next run on the
same database and archive size.
"""


def archive_size():
    entities = sum(kind.model.objects.count() for kind in ENTITY_KINDS.values())
    links = sum(kind.link_model.objects.count() for kind in ENTITY_KINDS.values())
    return {"articles": Article.objects.count(), "entities": entities, "links": links}


def database_version():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


def machine():
    """CPU model, cores and memory of this machine, from /proc where there is one."""
    model = platform.processor() or platform.machine()
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    memory = ""
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB RAM" if found else ""
    return f"{model}, {os.cpu_count()} cores{memory}"


def heading():
    size = archive_size()
    return (
        f"## {database_version()}, {size['articles']:,} articles",
        f"{size['articles']:,} articles, {size['entities']:,} entities, {size['links']:,} entity links. "
        f"Measured {datetime.datetime.now(datetime.UTC).date().isoformat()} on {machine()}; {database_version()}, "
        f"Python {platform.python_version()}, Django {django.get_version()}.",
    )


def table(measurements, figures):
    """Markdown: the timed requests (median, p95, queries), then the one-off figures."""
    lines = ["| Measurement | median ms | p95 ms | queries | status |", "| --- | ---: | ---: | ---: | --- |"]
    for result in measurements:
        statuses = ", ".join(str(status) for status in sorted(result.statuses)) or "—"
        queries = result.query_range if any(result.queries) else "—"
        lines.append(f"| {result.name} | {result.median_ms:.1f} | {result.p95_ms:.1f} | {queries} | {statuses} |")
    for name, figure in figures:
        lines.append(f"| {name} | {figure} | | | |")
    return "\n".join(lines)


SECTION = re.compile(r"<!-- results: (?P<key>.+?) -->\n.*?<!-- end of results: (?P=key) -->", re.DOTALL)


def write_results(path, key, section):
    """Put `section` in the results document as the one for `key`, keeping the other keys' sections
    and whatever the document says before the first of them."""
    path = Path(path)
    text = path.read_text() if path.exists() else ""
    sections = {match["key"]: match.group(0) for match in SECTION.finditer(text)}
    first = SECTION.search(text)
    preamble = (text[: first.start()] if first else text).strip() or RESULTS_HEADER.strip()
    sections[key] = f"<!-- results: {key} -->\n{section.strip()}\n<!-- end of results: {key} -->"
    ordered = sorted(sections, key=section_order)
    path.write_text(preamble + "\n\n" + "\n\n".join(sections[name] for name in ordered) + "\n")


def section_order(key):
    """ "sqlite 100000" before "sqlite 1000000", databases apart."""
    vendor, _, size = key.partition(" ")
    return (vendor, int(size) if size.isdigit() else 0)
