from django.core.management.base import BaseCommand, CommandError

from archive.editorial import tagging
from archive.models import Article


class Command(BaseCommand):
    help = "Print the entities an article's text names, known and new, and where."

    def add_arguments(self, parser):
        parser.add_argument("article", metavar="ARTICLE_ID_OR_SLUG")

    def handle(self, *args, article, **options):
        found = Article.objects.filter(pk=int(article)) if article.isdigit() else Article.objects.none()
        found = found.first() or Article.objects.filter(slug=article).first()
        if found is None:
            raise CommandError(f"No article with the id or slug “{article}”.")
        self.stdout.write(f"{found.headline}\n")
        suggestions = tagging.suggest(found)
        if not suggestions:
            self.stdout.write("The text names no entity the archive knows.")
        for suggestion in suggestions:
            where = "; ".join(
                f"{occurrence.field} {occurrence.start}-{occurrence.end} “{occurrence.text}” ({occurrence.how})"
                for occurrence in suggestion.occurrences
            )
            state = "linked" if suggestion.linked else "suggested"
            self.stdout.write(f"{suggestion.kind.label:<13} {suggestion.name} [{state}] — {where}")
        candidates = tagging.new_candidates(found)
        if candidates:
            self.stdout.write("\nNames the archive does not know yet:")
            for candidate in candidates:
                self.stdout.write(f"  {candidate.name} ({candidate.count}×)")
