from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from archive.models import Article
from archive.search import index as search_index


class Command(BaseCommand):
    help = "Rebuild the full-text index and its triggers from scratch, and refresh the search vocabulary."

    def handle(self, *args, **options):
        with transaction.atomic():
            search_index.install(connection)
            with tqdm(total=Article.objects.count(), unit="article", desc="Indexing", disable=None) as bar:
                search_index.rebuild(connection, progress=bar.update)
        indexed = Article.objects.count()
        words = search_index.after_bulk_write(indexed, whole_archive=True)
        self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} articles; {words} words for suggestions."))
