"""What every long list in the admin shares: capped counts, and filters that probe indexes
instead of reading every row (visibility, publication)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.utils import timezone

from archive.lib.pagination import CappedCountPaginator, wanted_page
from archive.models import Article


class LargeChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except ValueError as error:  # Django's date drill-down cannot go past the year 9999
            raise IncorrectLookupParameters(error) from error


class LargeListAdmin(admin.ModelAdmin):
    """A changelist that stays quick on a million rows: counts stop where the pages shown end,
    and no filter counts its choices."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return LargeChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedCountPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            wanted_page=wanted_page(request),
        )


class VisibilityFilter(admin.SimpleListFilter):
    """Status, with scheduled articles told apart from live ones."""

    title = "status"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", "Published (live)"),
            ("scheduled", "Scheduled"),
            *[(value, label) for value, label in Article.Status.choices if value != Article.Status.PUBLISHED],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.published()
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


# Publications listed in the filter; a newsroom takes from a few dozen outlets.
MAX_PUBLICATIONS = 200


def publication_names(limit=MAX_PUBLICATIONS):
    """Every publication named on an article, in order: one index probe per name, not a read of every article."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE outlet(name, n) AS ("
            f"SELECT min(publication), 1 FROM {table} "
            f"UNION ALL SELECT (SELECT min(publication) FROM {table} WHERE publication > outlet.name), n + 1 "
            f"FROM outlet WHERE outlet.name IS NOT NULL AND n < %s) "
            f"SELECT name FROM outlet WHERE name IS NOT NULL AND name <> ''",
            [limit + 1],  # the empty name, if any, comes first and is not listed
        )
        return [name for (name,) in cursor.fetchall()][:limit]


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [(name, name) for name in publication_names()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        # Only names the filter offers reach the database: a hand-typed one may hold a NUL,
        # which PostgreSQL refuses outright.
        if self.value() not in dict(self.lookup_choices):
            return queryset.none()
        return queryset.filter(publication=self.value())
