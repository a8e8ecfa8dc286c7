from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from archive.ops.backups import BackupError, backup, default_name


class Command(BaseCommand):
    help = "Back up the whole database to one file: SQLite's online backup, or pg_dump's custom format."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="Where to write it (default: a dated file in var/backups/)."
        )

    def handle(self, *args, output, **options):
        if output:
            path = Path(output)
        else:
            path = Path(settings.BASE_DIR) / "var" / "backups" / default_name(connection, timezone.now())
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size / 1_000_000
        self.stdout.write(self.style.SUCCESS(f"Backed up the {connection.vendor} database to {path} ({size:.1f} MB)."))
