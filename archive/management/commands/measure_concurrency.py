import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive.tools import concurrency
from archive.tools.demo.generator import ArchiveNotEmpty


class Command(BaseCommand):
    help = (
        "Writers saving articles and readers fetching pages at once, for a while; reports errors "
        '("database is locked" above all), lost writes and timings. It writes articles, so it runs only '
        "on an empty, migrated scratch database, which it first fills with a small demo archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--writers", type=int, default=10)
        parser.add_argument("--readers", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--seed-articles", type=int, default=300, help="Demo articles to start from.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, writers, readers, seconds, seed_articles, json, **options):
        if min(writers, readers) < 0 or seconds <= 0 or seed_articles < 1:
            raise CommandError(
                "--writers and --readers cannot be negative; --seconds and --seed-articles must be positive."
            )
        try:
            concurrency.seed(seed_articles)
        except ArchiveNotEmpty:
            raise CommandError(
                "measure_concurrency writes articles: run it on an empty, migrated scratch database "
                "(DATABASE_URL=sqlite:////tmp/scratch.sqlite3 manage.py migrate)."
            ) from None
        outcome = concurrency.run(writers=writers, readers=readers, seconds=seconds)
        summary = {"database": connection.vendor, "writers": writers, "readers": readers, **outcome.summary()}
        self.stdout.write(json_text(summary) if json else describe(summary))
        if not outcome.ok:
            raise CommandError("Some writes or reads failed: see above.")


def json_text(summary):
    return json.dumps(summary, indent=2)


def describe(summary):
    return "\n".join(
        [
            f"{summary['database']}: {summary['writers']} writers and {summary['readers']} readers "
            f"for {summary['seconds']} s",
            f"writes: {summary['writes']} ({summary['writes_per_second']}/s), missing afterwards: "
            f"{summary['writes_missing']}, time per write (ms): {summary['write_ms']}",
            f"reads: {summary['reads']} ({summary['reads_per_second']}/s), statuses {summary['read_statuses']}, "
            f"time per page (ms): {summary['read_ms']}",
            f'errors: {summary["errors"]} ("database is locked": {summary["database_is_locked"]})',
            *summary["first_errors"],
        ]
    )
