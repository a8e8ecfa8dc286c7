"""Facet counts of a search: by year, and the entities of each kind most common in the results.

Counted over the results the engine read (up to its candidate limit), which
is all of them unless there are more than that; the page says which.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from ..models import ENTITY_KINDS, Article

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


def year_facets(article_ids):
    years = Counter(
        moment.year
        for moment in Article.objects.published().filter(pk__in=article_ids).values_list("published_at", flat=True)
    )
    return sorted(years.items(), reverse=True)


def entity_facets(article_ids, exclude=()):
    """[(kind, [EntityFacet])], most common first, leaving out the entities already filtered on."""
    groups = []
    for kind in ENTITY_KINDS.values():
        rows = (
            kind.link_model.objects.filter(content_object_id__in=article_ids)
            .exclude(tag_id__in=[entity.pk for entity_kind, entity in exclude if entity_kind is kind])
            .values("tag__slug", "tag__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag__name")[:PER_KIND]
        )
        facets = [EntityFacet(kind, row["tag__slug"], row["tag__name"], row["n"]) for row in rows]
        if facets:
            groups.append((kind, facets))
    return groups
