"""Facet counts of a search: by year, and the entities of each kind most common in the results.

Counted over the results the engine read (up to its candidate limit), which
is all of them unless there are more than that; the page says which. The
link tables are read with one query for every kind together: the ids are
integers the engine produced, written into the SQL as such.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection

from archive.models import ENTITY_KINDS, Article
from archive.models.entities import entity_url
from archive.search.engine import published_year

PER_KIND = 6


@dataclass
class EntityFacet:
    kind: object
    slug: str
    name: str
    count: int

    @property
    def filter_value(self):
        return f"{self.kind.key}:{self.slug}"

    def get_absolute_url(self):
        return entity_url(self.kind.url_prefix, self.slug)


def year_facets(results):
    if results.candidate_keys:
        years = Counter(published_year(key) for key in results.candidate_keys)
    else:
        published = Article.objects.published().filter(pk__in=results.candidate_ids)
        years = Counter(moment.year for moment in published.values_list("published_at", flat=True))
    return sorted(years.items(), reverse=True)


def across_link_tables(article_ids, select):
    """Run `select` over every link table for these articles; it may use {kind} (the kind's
    position), {table} (the link table), {entity} (the entity table) and {among} (a condition
    on an article id: "content_object_id {among}")."""
    quote = connection.ops.quote_name
    ids = ",".join(str(int(pk)) for pk in article_ids)
    # PostgreSQL plans a thousand-element IN list in each part of the UNION, 2 ms each;
    # one array constant it reads once.
    among = f"= ANY('{{{ids}}}'::bigint[])" if connection.vendor == "postgresql" else f"IN ({ids})"
    parts = [
        select.format(
            kind=index,
            table=quote(kind.link_model._meta.db_table),
            entity=quote(kind.model._meta.db_table),
            among=among,
        )
        for index, kind in enumerate(ENTITY_KINDS.values())
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return cursor.fetchall()


def entity_facets(article_ids, exclude=()):
    """[(kind, [EntityFacet])], most common first, leaving out the entities already filtered on."""
    if not article_ids:
        return []
    kinds = list(ENTITY_KINDS.values())
    excluded = {(kind.key, entity.pk) for kind, entity in exclude}
    # Counted on the link table alone (its (article, entity) index covers it); names are read
    # for the few that are shown. Ties go to the older entity, the same on both databases.
    counts = across_link_tables(
        article_ids,
        "SELECT {kind}, c.tag_id, e.slug, e.name, c.n FROM ("
        "SELECT tag_id, count(*) AS n FROM {table} WHERE content_object_id {among} "
        f"GROUP BY tag_id ORDER BY n DESC, tag_id LIMIT {PER_KIND + len(excluded)}"
        ") c JOIN {entity} e ON e.id = c.tag_id",
    )
    top = {}
    for index, entity_pk, slug, name, count in sorted(counts, key=lambda row: (-row[4], row[1])):
        kind = kinds[index]
        if (kind.key, entity_pk) not in excluded and len(top.setdefault(kind, [])) < PER_KIND:
            top[kind].append(EntityFacet(kind, slug, name, count))
    return [(kind, top[kind]) for kind in kinds if top.get(kind)]


def result_entities(article_ids, per_article=8):
    """{article id: [(kind, slug, name)]}: the chips under each result, from one query."""
    kinds = list(ENTITY_KINDS.values())
    rows = across_link_tables(
        article_ids,
        "SELECT {kind}, l.content_object_id, e.slug, e.name FROM {table} l JOIN {entity} e ON e.id = l.tag_id "
        "WHERE l.content_object_id {among}",
    )
    chips = {}
    for index, article_pk, slug, name in sorted(rows, key=lambda row: (row[0], row[3])):
        chips.setdefault(article_pk, []).append(EntityFacet(kinds[index], slug, name, 0))
    return {pk: found[:per_article] for pk, found in chips.items()}
