from django.core.management.base import BaseCommand

from archive.models import ENTITY_KINDS, Article
from archive.tools.benchmarks import measure


class Command(BaseCommand):
    help = "Time each kind of public page against this archive: median and 95th percentile, and queries."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page type (default 20).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--only", help="Measure only page types whose name contains this.")

    def handle(self, *args, repeat, seed, only, **options):
        articles = Article.objects.count()
        entities = sum(kind.model.objects.count() for kind in ENTITY_KINDS.values())
        self.stdout.write(f"Archive: {articles:,} articles, {entities:,} entities; {repeat} requests per page type.\n")
        self.stdout.write("| Page | median ms | p95 ms | queries | status |\n| --- | ---: | ---: | ---: | --- |")
        for result in measure(repeat=repeat, seed=seed, only=only):
            statuses = ", ".join(str(status) for status in sorted(result.statuses))
            self.stdout.write(
                f"| {result.name} | {result.median_ms:.1f} | {result.p95_ms:.1f} | {result.query_range} | {statuses} |"
            )
