import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.search.index import after_bulk_write
from archive.tools.demo.generator import ArchiveNotEmpty, generate


class Command(BaseCommand):
    help = (
        "Fill an empty archive with a realistic synthetic one: skewed entity popularity, aliases, "
        "a place hierarchy, incidents, and articles whose text names their entities. "
        "The same --seed and --end-date give the same archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles (default 1000).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end-date",
            type=datetime.date.fromisoformat,
            help="Latest publication date, YYYY-MM-DD (default today). A few articles are scheduled after it.",
        )

    def handle(self, *args, articles, seed, end_date, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        started = time.perf_counter()
        try:
            bars = [
                tqdm(total=articles, unit="article", desc=desc, disable=None, leave=False)
                for desc in ("Generating", "Indexing for search")
            ]
            with bars[0], bars[1]:
                demo = generate(
                    articles=articles,
                    seed=seed,
                    end_date=end_date,
                    progress=bars[0].update,
                    index_progress=bars[1].update,
                )
        except ArchiveNotEmpty as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        after_bulk_write(articles, whole_archive=True)
        entities = sum(
            len(group)
            for group in (
                demo.countries,
                demo.regions,
                demo.cities,
                demo.towns,
                demo.people,
                demo.organisations,
                demo.incidents,
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {articles} articles and {entities} entities in {elapsed:.1f}s "
                f"({articles / elapsed:.0f} articles/s)."
            )
        )
