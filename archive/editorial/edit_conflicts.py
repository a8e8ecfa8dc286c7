"""No lost updates: a write made from an older copy of an article is refused.

Each form that edits an article carries the version it was opened at. The
write locks the article's row first (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite every write transaction is IMMEDIATE, which already lets one writer in
at a time), then compares versions: if someone saved in between, nothing is
written and the editor is told who changed what.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property

from archive.editorial.diffs import compare
from archive.editorial.revisions import snapshot, without_record
from archive.models import Article, Revision


class StaleArticle(Exception):
    """The article changed after the editor opened it."""

    def __init__(self, article, opened_version):
        super().__init__(f"“{article}” changed since version {opened_version} was opened.")
        self.article = article
        self.opened_version = opened_version

    @cached_property
    def changes(self):
        """The revisions saved since the editor's copy, oldest first."""
        return list(
            Revision.objects.filter(article=self.article, article_version__gt=self.opened_version or 0)
            .select_related("user")
            .defer("data")
            .order_by("number")
        )

    @cached_property
    def comparison(self):
        """What changed from the editor's copy to now; None if that version was never recorded."""
        opened = (
            Revision.objects.filter(article=self.article, article_version=self.opened_version)
            .order_by("-number")
            .first()
        )
        if opened is None:
            return None
        return compare(without_record(opened.data), snapshot(self.article))

    def who_and_when(self):
        """ "alice at 3 Dec 2026 14:05" for the latest change, as far as it is known."""
        if not self.changes:
            return "someone else"
        latest = self.changes[-1]
        return f"{latest.user or 'an import'} at {timezone.localtime(latest.created_at):%-d %b %Y %H:%M}"


def lock_article(pk):
    """The article's current row, locked until the transaction ends; None if it is gone."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Locking an article needs a transaction, or the lock would end at once.")
    return Article.objects.select_for_update().filter(pk=pk).first()


def locked_articles(queryset):
    """The current rows of the articles `queryset` selects, locked, in id order (so writers never deadlock)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Locking articles needs a transaction, or the lock would end at once.")
    return Article.objects.select_for_update().filter(pk__in=queryset.values("pk")).order_by("pk")


def check_version(article, opened_version):
    """Refuse a write from a copy of `article` other than its current version."""
    if opened_version != article.version:
        raise StaleArticle(article, opened_version)
