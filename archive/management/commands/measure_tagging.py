from django.core.management.base import BaseCommand

from archive.tools.benchmarks import measure_tagging


class Command(BaseCommand):
    help = "Time building the entity matcher from this archive's names and aliases, and one suggestion."

    def handle(self, *args, **options):
        result = measure_tagging()
        self.stdout.write(
            f"{result['spellings']:,} names and aliases: read in {result['read_seconds']:.2f} s, "
            f"matcher built in {result['build_seconds']:.2f} s.\n"
            f"Suggesting for a 1,000-word article: median {result['suggest'].median_ms:.2f} ms, "
            f"95th percentile {result['suggest'].p95_ms:.2f} ms."
        )
        if result["build_100k_seconds"] is not None:
            self.stdout.write(f"Built from 100,000 of them: {result['build_100k_seconds']:.2f} s.")
        quality = result["quality"]
        self.stdout.write(
            f"Suggestions for {quality.articles:,} articles drawn at random: recall {quality.recall:.2%} "
            f"({quality.found:,} of {quality.links:,} links), wrong {quality.wrong_share:.2%} "
            f"({quality.wrong:,} of {quality.suggested:,} suggestions)."
        )
