"""Scheduled articles go live without any write: the cache keeps the list of them with the
tags their going live will change, and the first request to notice a due one marks those tags."""

from django.core.cache import cache
from django.utils import timezone

from archive.cache.keys import SCHEDULE_KEY, tag_key
from archive.models import ENTITY_KINDS, Article
from archive.models.page_tags import LISTS, coverage_tags, date_tags


def refresh_schedule():
    """Keep the scheduled articles, with the tags their going live will change, in the cache."""
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
        (int(when.timestamp() * 1_000_000_000), sorted({LISTS, *date_tags(when), *coverage_tags(links.get(pk, ()))}))
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
