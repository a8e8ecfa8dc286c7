from django.core.management.base import BaseCommand, CommandError

from archive.interchange.export import export_lines


class Command(BaseCommand):
    help = "Export every article, with its entities and sources, as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here instead of standard output.")

    def handle(self, *args, output, **options):
        if not output:
            for line in export_lines():
                self.stdout.write(line)
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                count = 0
                for line in export_lines():
                    handle.write(line + "\n")
                    count += 1
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} line(s) to {output}."))
