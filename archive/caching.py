"""Rendered public pages, kept in the shared cache and dropped the moment something they show changes.

A view says what its page shows with `depends_on(request, *tags)`: the article
(`a:12`), the entities named on it (`e:place:7`), the coverage lists it draws
from (`c:place:7`, an entity's articles; `lists`, the latest articles; `d:2025-03-01`
and the like, the date archives; `i:place`, the index of a kind; `names`, any
entity's name, for feeds that list them). The middleware keeps the page with
its tags and the time its rendering started.

A change names the tags it affects with `invalidate(tags)`, which records the
time against each tag. A kept page is served only if none of its tags changed
after its rendering started, so editing one article drops its own page, its
entities' pages and the lists it is on, and nothing else. The tag times are
written at once and again when the transaction commits: a page rendered from
the old data in between is dropped by the second write.

A scheduled article goes live without any write. The cache keeps the list of
scheduled articles with their tags (`schedule`); when one's time comes, the
first request to notice marks its tags as changed at that time.

A tag time missing from the cache (never written, or evicted) is written as
"changed just before this page": any page kept from before then is dropped.

Only what may be shown to anyone is kept: GET answers of 200 from views that
declared tags, without cookies or private cache headers. Previews and search
are never kept.
"""

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

EVERYTHING = "all"
MANY_TAGS = 300  # a change touching more than this drops every kept page
PAGE_SECONDS = 600  # also bounds how long a newly published related article can be missing from a page
SCHEDULE_KEY = "pages:schedule"
# Clocks of several app servers may disagree a little; a page rendered this close to a change is not trusted.
MARGIN_NS = 2_000_000_000


def now_ns():
    # The same clock as Article.objects.published(), so a scheduled time means one moment to both.
    return int(timezone.now().timestamp() * 1_000_000_000)


def tag_key(tag):
    return f"pages:tag:{tag}"


def depends_on(request, *tags):
    """Declare what the page being rendered shows. Without a declaration a page is never kept."""
    declared = getattr(request, "page_tags", None)
    if declared is not None:
        declared.update(tags)


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
        if "lists" in tags or EVERYTHING in tags:
            refresh_schedule()

    try:
        mark()
    except Exception as error:  # the caller's transaction rolls back: nothing is changed
        raise CacheUnreachable("The shared cache cannot be reached; the change was not saved.") from error
    # After the commit it can no longer be undone: a failure then is logged.
    transaction.on_commit(mark, robust=True)


def invalidate_everything():
    invalidate([EVERYTHING])


def keep_page(view, *tags):
    """`view` with its pages kept under fixed tags: for pages that show only lists of the archive."""

    @functools.wraps(view)
    def declared(request, *args, **kwargs):
        depends_on(request, *tags)
        return view(request, *args, **kwargs)

    return declared


# ---------------------------------------------------------------- tags of the archive's rows


def entity_tag(kind_key, entity_pk):
    return f"e:{kind_key}:{entity_pk}"


def coverage_tag(kind_key, entity_pk):
    return f"c:{kind_key}:{entity_pk}"


def index_tag(kind_key):
    return f"i:{kind_key}"


def article_tag(article_pk):
    return f"a:{article_pk}"


def date_tags(moment):
    """The date archives a publication time is listed in: its year, month and day."""
    if moment is None:
        return set()
    moment = timezone.localtime(moment)
    return {f"y:{moment:%Y}", f"m:{moment:%Y-%m}", f"d:{moment:%Y-%m-%d}"}


def coverage_tags(links):
    """Tags of the entity coverage lists and indexes that (kind key, entity id) pairs are on."""
    tags = set()
    for kind_key, entity_pk in links:
        tags |= {coverage_tag(kind_key, entity_pk), index_tag(kind_key)}
    return tags


# ---------------------------------------------------------------- scheduled articles


def refresh_schedule():
    """Keep the scheduled articles, with the tags their going live will change, in the cache."""
    from .models import ENTITY_KINDS, Article

    upcoming = list(
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("pk", "published_at")[:1000]
    )
    links = {}
    pks = [pk for pk, _when in upcoming]
    for kind in ENTITY_KINDS.values():
        for article_pk, entity_pk in kind.link_model.objects.filter(content_object_id__in=pks).values_list(
            "content_object_id", "tag_id"
        ):
            links.setdefault(article_pk, set()).add((kind.key, entity_pk))
    schedule = [
        (int(when.timestamp() * 1_000_000_000), sorted({"lists", *date_tags(when), *coverage_tags(links.get(pk, ()))}))
        for pk, when in upcoming
    ]
    cache.set(SCHEDULE_KEY, schedule, timeout=None)
    return schedule


def go_live(schedule, now):
    """Mark the tags of scheduled articles whose time has come as changed at that time; the rest stays."""
    due = [(when, tags) for when, tags in schedule if when <= now]
    if not due:
        return schedule
    changed = {}
    for when, tags in due:
        for tag in tags:
            changed[tag_key(tag)] = max(changed.get(tag_key(tag), 0), when)
    cache.set_many(changed, timeout=None)
    remaining = [(when, tags) for when, tags in schedule if when > now]
    cache.set(SCHEDULE_KEY, remaining, timeout=None)
    return remaining


# ---------------------------------------------------------------- the middleware


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:page:" + hashlib.blake2b(address.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


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


class CacheUnreachable(Exception):
    """The shared cache could not be told of a change, so the change is refused: a page kept from
    before it would otherwise be served again once the cache is back."""


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


# ---------------------------------------------------------------- what a change affects


def links_of(article_pks):
    """{article id: {(kind key, entity id), ...}} of the articles' entity links."""
    from .models import ENTITY_KINDS

    links = {pk: set() for pk in article_pks}
    if not links:
        return links
    for kind in ENTITY_KINDS.values():
        for article_pk, entity_pk in kind.link_model.objects.filter(content_object_id__in=links).values_list(
            "content_object_id", "tag_id"
        ):
            links[article_pk].add((kind.key, entity_pk))
    return links


def article_pages(article, links=None):
    """Cache tags of the public pages that show `article`, as it was loaded and as it is now.

    Nothing public shows an article that was never published (a draft's edits change no kept page).
    `links` are its (kind key, entity id) pairs whose coverage lists it is on; read if not given.
    """
    states = [getattr(article, "_loaded_visibility", (None, None)), (article.status, article.published_at)]
    listed = [when for status, when in states if status == "published"]
    if not listed:
        return set()
    if links is None:
        links = links_of([article.pk])[article.pk]
    tags = {article_tag(article.pk), "lists", "corrections", *coverage_tags(links)}
    for when in listed:
        tags |= date_tags(when)
    return tags
