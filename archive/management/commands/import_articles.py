from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.interchange import import_paths, total_size
from archive.models import Article
from archive.search.index import after_bulk_write


class Command(BaseCommand):
    help = (
        "Import wire text files (.txt) and JSON Lines exports (.jsonl). Directories are read "
        "recursively. Importing an article again updates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            help="Status to give imported articles. Default: draft for new wire articles, the "
            "record's own status for JSON Lines; updates keep their status unless this is given.",
        )
        parser.add_argument("--publication", help="The outlet the articles came from, e.g. Reuters.")
        parser.add_argument(
            "--auto-tag",
            action="store_true",
            help="Link each article to the known people, places, organisations and incidents its text names.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Let a wire file replace what editors changed in its article since its last import "
            "(without this, such a file is refused).",
        )

    def handle(self, *args, paths, status, publication, auto_tag, overwrite, **options):
        with tqdm(
            total=total_size(paths), unit="B", unit_scale=True, desc="Importing", disable=None, leave=False
        ) as bar:
            report = import_paths(
                paths,
                status=status,
                publication=publication,
                progress=bar.update,
                auto_tag=auto_tag,
                overwrite=overwrite,
            )
        after_bulk_write(report.imported + report.updated)
        for failure in report.failures:
            self.stderr.write(self.style.ERROR(f"Failed: {failure}"))
        if auto_tag:
            self.stdout.write(f"Auto-tagging made {report.auto_links} link(s) to known entities.")
        if report.skipped:
            self.stdout.write(f"Skipped {len(report.skipped)} file(s) that are neither .txt nor .jsonl.")
        summary = (
            f"Imported {report.imported} new article(s), updated {report.updated}, "
            f"{len(report.failures)} file(s) failed."
        )
        if report.failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
