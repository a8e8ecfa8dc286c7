import datetime
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive.models import Article
from archive.tools.benchmarks import (
    Measurement,
    measure,
    measure_admin,
    measure_loading,
    measure_search,
    measure_tagging,
)
from archive.tools.benchmarks.loading import describe_loading, ensure_database_exists, generation_row, record_generation
from archive.tools.benchmarks.names import describe as describe_names
from archive.tools.benchmarks.names import measure_names
from archive.tools.benchmarks.report import heading, table, write_results

# A fixed last day, so that the same --articles and --seed always give the same archive.
END_DATE = datetime.date(2026, 11, 24)
QUICK = {"articles": 10_000, "repeat": 5, "import_sample": 1_000}
# Ranking every match of every search exhaustively takes minutes on a million articles, and
# the ranking's quality is as well seen on a tenth of that.
EXHAUSTIVE_CHECK_UP_TO = 200_000
RESULTS = settings.BASE_DIR / "docs" / "benchmarks.md"


class Command(BaseCommand):
    help = (
        "Time pages, search, the admin, entity suggestions, import and indexing on a generated archive of "
        "--articles articles, and print one table. The archive is generated into this database when it is "
        "empty (a missing PostgreSQL database is created) and reused when it already holds that many "
        "articles. The table also goes into docs/benchmarks.md, except with --quick."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=20, help="Requests per page type (default 20).")
        parser.add_argument(
            "--import-sample", type=int, default=10_000, help="Articles exported and imported again (default 10,000)."
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help="A smoke test: 10,000 articles, 5 requests per page, a 1,000-article import; writes no results.",
        )

    def handle(self, *args, articles, seed, repeat, import_sample, quick, **options):
        if quick:
            articles, repeat, import_sample = QUICK["articles"], QUICK["repeat"], QUICK["import_sample"]
        started = time.perf_counter()
        ensure_database_exists()
        call_command("migrate", verbosity=0, interactive=False)
        self.prepare_archive(articles, seed)
        call_command("collectstatic", verbosity=0, interactive=False)
        self.stderr.write("Timing public pages...")
        timed = measure(repeat=repeat, seed=seed)
        self.stderr.write("Timing searches...")
        searches, overlaps = measure_search(
            seed=seed, exhaustive_check=not quick and articles <= EXHAUSTIVE_CHECK_UP_TO
        )
        timed += [
            Measurement(f"search page: {name}", page.times, page.queries, page.statuses)
            for name, (_code, page) in searches.items()
            if name != "all"
        ]
        self.stderr.write("Timing the admin...")
        timed += measure_admin(repeat=repeat, seed=seed)
        self.stderr.write("Timing entity suggestions...")
        tagging = measure_tagging(repeat=repeat, sample=200 if quick else 1000, seed=seed)
        timed += [tagging["suggest"], tagging["suggest_100k"]]
        self.stderr.write("Searching the labelled names...")
        names = measure_names(seed=seed)
        self.stderr.write("Timing export, import and index rebuild...")
        loading = measure_loading(min(import_sample, articles), settings.BASE_DIR / "var" / "bench")
        figures = [generation_row(), *describe_loading(loading, articles), *self.search_figures(searches, overlaps)]
        figures.append(
            (
                "entity matcher built from every name and alias",
                f"{tagging['spellings']:,} spellings read in {tagging['read_seconds']:.2f} s, "
                f"built in {tagging['build_seconds']:.2f} s",
            )
        )
        figures.append(
            (
                "entity matcher built for 100,000 entities",
                f"{tagging['spellings_100k']:,} spellings built in {tagging['build_100k_seconds']:.2f} s",
            )
        )
        figures += describe_names(names)
        quality = tagging["quality"]
        figures.append(
            (
                f"suggestions against the links of {quality.articles:,} articles drawn at random",
                f"recall {quality.recall:.1%} ({quality.found:,} of {quality.links:,} links), "
                f"wrong {quality.wrong_share:.1%} ({quality.wrong:,} of {quality.suggested:,} suggestions)",
            )
        )
        title, description = heading()
        section = f"{title}\n\n{description}\n\n{table(timed, figures)}\n"
        self.stdout.write("\n" + section)
        if not quick:
            write_results(RESULTS, f"{connection.vendor} {articles}", section)
            self.stdout.write(f"Written to {RESULTS.relative_to(settings.BASE_DIR)}.")
        self.stderr.write(f"The benchmark took {(time.perf_counter() - started) / 60:.1f} minutes.")

    def prepare_archive(self, articles, seed):
        present = Article.objects.count()
        if present == 0:
            started = time.perf_counter()
            call_command("generate_demo", articles=articles, seed=seed, end_date=END_DATE, stdout=self.stderr)
            record_generation(articles, time.perf_counter() - started)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        elif present != articles:  # never mix generated articles into another archive
            raise CommandError(
                f"This database holds another archive ({present:,} article{'s' if present != 1 else ''}, "
                f"not {articles:,}): an interrupted run? Drop it (or delete the SQLite file) and run again."
            )

    @staticmethod
    def search_figures(searches, overlaps):
        code, _page = searches["all"]
        rows = [
            (
                f"search code alone, {len(code.times)} searches",
                f"median {code.median_ms:.1f} ms, p95 {code.p95_ms:.1f} ms",
            )
        ]
        if overlaps:
            rows.append(
                (
                    "search: top ten shared with an exhaustive ranking",
                    f"mean {statistics.mean(overlaps):.0%}; all ten the same for "
                    f"{sum(1 for overlap in overlaps if overlap == 1) / len(overlaps):.0%} of {len(overlaps)} searches",
                )
            )
        return rows
