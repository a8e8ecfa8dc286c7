"""Dropping kept pages: a change marks the tags it affects as changed, now and again at its commit.

`pages_changed` receives every `archive_changed` signal; when the shared cache cannot be
told, the change is refused (CacheUnreachable) and the editor's transaction rolls back.
"""

from django.core.cache import cache
from django.db import transaction

from archive.cache.keys import now_ns, tag_key
from archive.cache.schedule import refresh_schedule
from archive.models.page_tags import EVERYTHING, LISTS

MANY_TAGS = 300  # a change touching more than this drops every kept page


def invalidate(tags):
    """Mark pages showing any of `tags` as changed, now and when the current transaction commits.

    A change to the latest articles may change what is scheduled too: the schedule is read again.
    """
    tags = set(tags)
    if not tags:
        return
    if len(tags) > MANY_TAGS:
        # An import batch or a merge: most kept pages show some of it. One write drops them all,
        # instead of a write per article and entity, each a file without Redis.
        tags = {EVERYTHING}

    def mark():
        changed_at = now_ns()
        cache.set_many({tag_key(tag): changed_at for tag in tags}, timeout=None)
        if LISTS in tags or EVERYTHING in tags:
            refresh_schedule()

    try:
        mark()
    except Exception as error:  # the caller's transaction rolls back: nothing is changed
        raise CacheUnreachable("The shared cache cannot be reached; the change was not saved.") from error
    # After the commit it can no longer be undone: a failure then is logged.
    transaction.on_commit(mark, robust=True)


def pages_changed(sender, pages, **kwargs):
    """Receiver of archive.signals.archive_changed: `pages` are tags, None means every page."""
    invalidate([EVERYTHING] if pages is None else pages)


class CacheUnreachable(Exception):
    """The shared cache could not be told of a change, so the change is refused: a page kept from
    before it would otherwise be served again once the cache is back."""
