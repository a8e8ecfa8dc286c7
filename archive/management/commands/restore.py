from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive.ops.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a file written by `backup` into this database, which must be empty unless --force."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--force", action="store_true", help="Replace what the database holds now with the backup's contents."
        )

    def handle(self, *args, file, force, **options):
        try:
            restore_backup(file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = len(connection.introspection.table_names())
        self.stdout.write(self.style.SUCCESS(f"Restored {file}: {tables} tables."))
