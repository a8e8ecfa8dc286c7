"""Serving kept pages and keeping new ones: the middleware, and how a view declares what its page shows."""

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from archive.cache.invalidation import CacheUnreachable
from archive.cache.keys import MARGIN_NS, SCHEDULE_KEY, now_ns, page_key, tag_key
from archive.cache.schedule import go_live, refresh_schedule
from archive.models.page_tags import EVERYTHING

logger = logging.getLogger(__name__)


PAGE_SECONDS = 600  # also bounds how long a newly published related article can be missing from a page


def depends_on(request, *tags):
    """Declare what the page being rendered shows. Without a declaration a page is never kept."""
    declared = getattr(request, "page_tags", None)
    if declared is not None:
        declared.update(tags)


def keep_page(view, *tags):
    """`view` with its pages kept under fixed tags: for pages that show only lists of the archive."""

    @functools.wraps(view)
    def declared(request, *args, **kwargs):
        depends_on(request, *tags)
        return view(request, *args, **kwargs)

    return declared


def is_fresh(entry, times):
    trusted_until = entry["started"] - MARGIN_NS
    for tag in (*entry["tags"], EVERYTHING):
        changed = times.get(tag_key(tag))
        if changed is None or changed > trusted_until:
            return False
    return True


def keepable(request, response):
    if request.method != "GET" or not getattr(request, "page_tags", None):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control and not response.has_header("Vary")


class PageCacheMiddleware:
    """Serve kept pages to GET and HEAD requests; keep the pages views declared tags for.

    When the shared cache cannot be reached, pages are rendered and not kept, and changes are
    refused with a 503 (see CacheUnreachable) until it is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not settings.ARCHIVE_PAGE_CACHE:
            return self.get_response(request)
        key = page_key(request)
        try:
            kept = self.kept_response(request, key)
        except Exception:  # any backend's connection error: readers still get pages, rendered
            logger.warning("The shared cache cannot be reached: serving %s without it.", request.path, exc_info=True)
            return self.get_response(request)
        if kept is not None:
            return kept
        request.page_tags = set()
        started = now_ns()
        response = self.get_response(request)
        if keepable(request, response):
            try:
                self.keep(key, request.page_tags, started, response)
            except Exception:
                logger.warning("The shared cache cannot be reached: %s not kept.", request.path, exc_info=True)
            else:
                response["X-Page-Cache"] = "miss"
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, CacheUnreachable):
            response = render(request, "503_cache.html", status=503)
            response["Retry-After"] = "60"
            return response
        return None

    def kept_response(self, request, key):
        entry = cache.get(key)
        if entry is None:
            return None
        times = cache.get_many([tag_key(tag) for tag in (*entry["tags"], EVERYTHING)] + [SCHEDULE_KEY])
        schedule = times.pop(SCHEDULE_KEY, None)
        if schedule is None:
            schedule = refresh_schedule()
        now = now_ns()
        if schedule and schedule[0][0] <= now:
            go_live(schedule, now)
            times = cache.get_many([tag_key(tag) for tag in (*entry["tags"], EVERYTHING)])
        if not is_fresh(entry, times):
            return None
        conditional = get_conditional_response(request, etag=entry["etag"], last_modified=entry["last_modified"])
        if conditional is not None:
            return conditional
        response = HttpResponse(entry["content"], status=200)
        for header, value in entry["headers"]:
            response[header] = value
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def keep(key, tags, started, response):
        keys = [tag_key(tag) for tag in (*tags, EVERYTHING)]
        known = cache.get_many(keys)
        for missing in set(keys) - known.keys():
            cache.add(missing, started - MARGIN_NS - 1, timeout=None)
        if not response.has_header("ETag"):
            response["ETag"] = '"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(started // 1_000_000_000)
        cache.set(
            key,
            {
                "content": response.content,
                "headers": [(header, value) for header, value in response.items()],
                "tags": sorted(tags),
                "started": started,
                "etag": response["ETag"],
                "last_modified": parse_http_date_safe(response["Last-Modified"]),
            },
            PAGE_SECONDS,
        )
