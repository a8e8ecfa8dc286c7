import statistics

from django.core.management.base import BaseCommand

from archive.models import Article
from archive.tools.benchmarks import measure_search


class Command(BaseCommand):
    help = "Time the search code and the whole search page over a fixed mix of 260 searches from this archive."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-overlap", action="store_true", help="Skip the comparison with exhaustive ranking.")

    def handle(self, *args, seed, no_overlap, **options):
        results, overlaps = measure_search(seed=seed, exhaustive_check=not no_overlap)
        code, _page = results["all"]
        self.stdout.write(f"Archive: {Article.objects.count():,} articles; {len(code.times)} searches.\n")
        self.stdout.write(
            "| Searches | n | search code median ms | p95 ms | whole page median ms | p95 ms |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |"
        )
        for name, (code, page) in results.items():
            self.stdout.write(
                f"| {name} | {len(code.times)} | {code.median_ms:.1f} | {code.p95_ms:.1f} "
                f"| {page.median_ms:.1f} | {page.p95_ms:.1f} |"
            )
        if overlaps:
            self.stdout.write(
                f"\nTop ten shared with an exhaustive ranking by the database's own score (bm25 or ts_rank_cd): "
                f"mean {statistics.mean(overlaps):.0%}, "
                f"queries with all 10 the same: {sum(1 for o in overlaps if o == 1) / len(overlaps):.0%} "
                f"({len(overlaps)} queries)."
            )
