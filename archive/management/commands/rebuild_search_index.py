from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from archive.models import Article
from archive.ops.planner import refresh_planner_statistics
from archive.search import index as schema
from archive.search.suggestions import refresh_vocabulary


class Command(BaseCommand):
    help = "Rebuild the full-text index and its triggers from scratch, and refresh the search vocabulary."

    def handle(self, *args, **options):
        with transaction.atomic():
            schema.install(connection)
            with tqdm(total=Article.objects.count(), unit="article", desc="Indexing", disable=None) as bar:
                schema.rebuild(connection, progress=bar.update)
        words = refresh_vocabulary()
        refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {Article.objects.count()} articles; {words} words for suggestions.")
        )
