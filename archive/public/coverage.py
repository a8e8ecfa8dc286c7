"""An entity's coverage as readers see it: counts, pages, a timeline, the company it keeps.

Everything here reads the entity link tables, which keep a copy of each
article's publication time (see LinkQuerySet.visible), so an entity's coverage
is one index range however many articles it has. Articles themselves are
always fetched through Article.objects.published().
"""

import datetime
from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.utils import timezone

from archive.models import ENTITY_KINDS, Article, Incident, Place
from archive.models.entities import entity_url


class Day(models.Func):
    """'YYYY-MM-DD' of a UTC timestamp, computed natively on each database."""

    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 10)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD')", **extra
        )


class Coverage:
    """The published articles of one entity, newest first, as a sequence Paginator can page."""

    def __init__(self, entity, period=None):
        """`period`, (first day, last day) in UTC, limits it to the articles published then."""
        self.entity = entity
        self.links = entity.entity_kind.link_model.objects.visible().filter(tag=entity)
        if period:
            first, last = period
            start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
            stop = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
            self.links = self.links.filter(published_at__gte=start, published_at__lt=stop)
        self._count = None

    def count(self):
        if self._count is None:
            self._count = self.links.count()
        return self._count

    def __len__(self):
        return self.count()

    def newest_ids(self, count):
        return list(self.newest().values_list("content_object_id", flat=True)[:count])

    def newest(self):
        return self.links.order_by("-published_at", "-content_object_id")

    def __getitem__(self, index):
        ids = list(self.newest().values_list("content_object_id", flat=True)[index])
        articles = Article.objects.published().in_bulk(ids)
        return [articles[pk] for pk in ids if pk in articles]


@dataclass
class Companion:
    kind: object
    pk: int
    name: str
    slug: str
    article_count: int

    def get_absolute_url(self):
        return entity_url(self.kind.url_prefix, self.slug)


def covered_with(entity, recent=500, per_kind=5):
    """The entities most often in the same articles, over the entity's latest `recent` articles."""
    latest = (
        entity.entity_kind.link_model.objects.visible()
        .filter(tag=entity)
        .order_by("-published_at")
        .values("content_object_id")[:recent]
    )
    groups = []
    for kind in ENTITY_KINDS.values():
        rows = kind.link_model.objects.filter(content_object_id__in=latest)
        if kind is entity.entity_kind:
            rows = rows.exclude(tag=entity)
        top = (
            rows.values("tag", "tag__name", "tag__slug").annotate(n=Count("pk")).order_by("-n", "tag__name")[:per_kind]
        )
        companions = [Companion(kind, row["tag"], row["tag__name"], row["tag__slug"], row["n"]) for row in top]
        if companions:
            groups.append((kind, companions))
    return groups


def _inside_sql():
    table = connection.ops.quote_name(Place._meta.db_table)
    return (
        f"WITH RECURSIVE inside(id) AS "
        f"(SELECT id FROM {table} WHERE id = %s "
        f"UNION SELECT p.id FROM {table} p JOIN inside ON p.parent_id = inside.id) "
        "SELECT id FROM inside"
    )


def place_and_descendants(place):
    """A subquery of the ids of a place and every place inside it, at any depth.

    Kept in SQL: a country can hold tens of thousands of places, too many to
    pass back to the database as parameters.
    """
    return RawSQL(_inside_sql(), [place.pk])


def descendant_ids(place):
    """The same ids, read into a set."""
    with connection.cursor() as cursor:
        cursor.execute(_inside_sql(), [place.pk])
        return {row[0] for row in cursor.fetchall()}


# Above this many places inside, walking the newest incidents beats looking up each place.
WIDE_PLACE = 300


def incidents_in(place, limit):
    """Up to `limit` public incidents in a place or anywhere inside it, newest first,
    and whether there are more.

    A country holds tens of thousands of places and most incidents, so for a
    wide place the newest incidents are read in date order and kept if they lie
    inside it; a village's few places are looked up directly.
    """
    inside = descendant_ids(place)
    incidents = Incident.objects.public().select_related("place").order_by("-date", "-pk")
    if len(inside) <= WIDE_PLACE:
        found = list(incidents.filter(place_id__in=inside)[: limit + 1])
    else:
        found, offset, batch = [], 0, 500
        while len(found) <= limit:
            chunk = list(incidents.values_list("pk", "place_id")[offset : offset + batch])
            found += [pk for pk, place_id in chunk if place_id in inside]
            if len(chunk) < batch or offset > 20 * batch:
                break
            offset += batch
        by_pk = incidents.in_bulk(found[: limit + 1])
        found = [by_pk[pk] for pk in found[: limit + 1] if pk in by_pk]
    return found[:limit], len(found) > limit


def most_covered(days=30, per_kind=6):
    """The entities of each kind with the most published articles in the last `days` days."""
    now = timezone.now()
    groups = []
    for kind in ENTITY_KINDS.values():
        top = (
            kind.link_model.objects.filter(published_at__gt=now - datetime.timedelta(days=days), published_at__lte=now)
            .values("tag", "tag__name", "tag__slug")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag__name")[:per_kind]
        )
        groups.append(
            (kind, [Companion(kind, row["tag"], row["tag__name"], row["tag__slug"], row["n"]) for row in top])
        )
    return groups
