import datetime

import psycopg
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from archive.models import Article

# A fixed last day, so that the same --articles and --seed always give the same archive.
END_DATE = datetime.date(2026, 11, 24)


class Command(BaseCommand):
    help = (
        "Time pages, search and entity suggestions on a generated archive of --articles articles. "
        "The archive is generated into this database when it is empty (a missing PostgreSQL "
        "database is created) and reused when it already holds that many articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page type (default 20).")

    def handle(self, *args, articles, seed, repeat, **options):
        ensure_database_exists()
        call_command("migrate", verbosity=0, interactive=False)
        present = Article.objects.count()
        if present == 0:
            call_command("generate_demo", articles=articles, seed=seed, end_date=END_DATE)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        elif present != articles:  # never mix generated articles into another archive
            raise CommandError(
                f"This database holds another archive ({present:,} article{'s' if present != 1 else ''}, "
                f"not {articles:,}): an interrupted run? Drop it (or delete the SQLite file) and run again."
            )
        call_command("collectstatic", verbosity=0, interactive=False)
        self.stdout.write(f"\n## {connection.vendor}, {articles:,} articles\n")
        call_command("measure_pages", repeat=repeat, seed=seed)
        self.stdout.write("")
        call_command("measure_search", seed=seed)
        self.stdout.write("")
        call_command("measure_tagging")


def ensure_database_exists():
    if connection.vendor != "postgresql":
        return  # SQLite creates its file on connection
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        settings = connection.settings_dict
        server = {
            "host": settings["HOST"] or None,
            "port": settings["PORT"] or None,
            "user": settings["USER"] or None,
            "password": settings["PASSWORD"] or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**{key: value for key, value in server.items() if value}, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
