"""Conditional GET for public pages: a 304 without rendering when nothing readers see has changed.

A public page can change for two reasons: something was written (any save of an
article, entity, alias or link marks ArchiveState), or a scheduled article's
time came, which writes nothing. The validator covers both, for two cheap
indexed queries.
"""

import hashlib

from django.views.decorators.http import condition

from archive.models import ArchiveState, Article


def last_changed(state=None):
    """When anything readers see last changed: the last write, or the last article to go live."""
    state = state or ArchiveState.current()
    latest = Article.objects.published().order_by("-published_at").values_list("published_at", flat=True).first()
    return max(filter(None, [state.changed_at, latest]))


def archive_stamp(request):
    if not hasattr(request, "_archive_stamp"):
        state = ArchiveState.current()
        request._archive_stamp = (state, last_changed(state))
    return request._archive_stamp


def archive_etag(request, *args, **kwargs):
    state, last_modified = archive_stamp(request)
    return hashlib.blake2s(f"{state.changes}:{last_modified.isoformat()}".encode(), digest_size=8).hexdigest()


def archive_last_modified(request, *args, **kwargs):
    return archive_stamp(request)[1]


conditional_on_archive = condition(etag_func=archive_etag, last_modified_func=archive_last_modified)
