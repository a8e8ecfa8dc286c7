import sys

from django.core.management.base import BaseCommand, CommandError

from archive.exporters import export_lines


class Command(BaseCommand):
    help = "Export every article, with its entities and sources, as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead of standard output.")

    def handle(self, *args, output, **options):
        count = 0
        try:
            handle = open(output, "w", encoding="utf-8") if output else sys.stdout
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        try:
            for line in export_lines():
                handle.write(line + "\n")
                count += 1
        finally:
            if output:
                handle.close()
        if output:
            self.stdout.write(self.style.SUCCESS(f"Wrote {count} line(s) to {output}."))
