"""The date archives: years, months and days of published articles, on Django's generic
date views, with only the periods that have articles offered."""

import datetime
import itertools

from django.conf import settings
from django.db.models import Subquery
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic.dates import DayArchiveView, MonthArchiveView, YearArchiveView

from archive.cache.middleware import depends_on
from archive.lib.pagination import requested_page
from archive.lib.probes import counts_in_ranges, first_and_last
from archive.models import Article
from archive.models.page_tags import LISTS, day_tag, month_tag, year_tag
from archive.public import coverage


class ArticleDateArchive:
    date_field = "published_at"
    allow_empty = False
    allow_future = False
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    month_format = "%m"

    def get_queryset(self):
        return Article.objects.published().order_by("-published_at", "-id")

    def paginate_queryset(self, queryset, page_size):
        # The page as every list reads it: "?page=abc" is page 1 here too, not a 404.
        self.kwargs[self.page_kwarg] = requested_page(self.request)
        return super().paginate_queryset(queryset, page_size)

    def get(self, request, *args, **kwargs):
        # One address per period: /archive/2025/08/ is /archive/2025/8/, as every link writes it.
        canonical = reverse(request.resolver_match.view_name, kwargs={k: int(v) for k, v in kwargs.items()})
        if request.path != canonical:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(canonical + (f"?{query}" if query else ""))
        depends_on(request, self.date_tag())
        return super().get(request, *args, **kwargs)


class YearArchive(ArticleDateArchive, YearArchiveView):
    """A year's months; the articles are on the month pages."""

    def date_tag(self):
        return year_tag(self.get_year())

    template_name = "archive/archive_year.html"
    make_object_list = False
    paginate_by = None
    # get_date_list answers 404 for an empty year; Django's own check would load every article of it.
    allow_empty = True

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Twelve indexed probes instead of truncating every article of the year.
        year = int(self.get_year())
        if not 1 <= year <= 9998:
            raise Http404("No such year.")
        months = [month_start(year, month) for month in range(1, 13)]
        found = [start.date() for start in periods_with_articles([*months, month_start(year + 1, 1)])]
        if not found:
            raise Http404("Nothing was published that year.")
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months = context["date_list"]
        context["months"] = list(zip(months, articles_per_month(months), strict=True))
        return context


class MonthArchive(ArticleDateArchive, MonthArchiveView):
    template_name = "archive/archive_month.html"

    def date_tag(self):
        return month_tag(self.get_year(), self.get_month())

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        days = sorted(set(queryset.annotate(day=coverage.Day("published_at")).values_list("day", flat=True)))
        if not days:
            raise Http404("Nothing was published that month.")
        return [datetime.date.fromisoformat(day) for day in days]


def articles_per_month(months):
    """How many articles were published in each of `months` (first days): one query, each count
    a range of the (status, publication time) index."""
    # The current month's range ends just after now: "published" in the index's own terms.
    just_after_now = timezone.now() + datetime.timedelta(microseconds=1)
    ranges = [
        (
            month_start(month.year, month.month),
            min(month_start(month.year + month.month // 12, month.month % 12 + 1), just_after_now),
        )
        for month in months
    ]
    return counts_in_ranges(Article._meta.db_table, "published_at", "status = %s", [Article.Status.PUBLISHED], ranges)


def month_start(year, month):
    return datetime.datetime(year, month, 1, tzinfo=timezone.get_current_timezone())


def periods_with_articles(bounds):
    """The starts of the periods [bounds[n], bounds[n + 1]) in which anything was published.

    One query: for each period, the first publication time at or after its start, a seek
    into the publication-time index, instead of reading the date of every article.
    """
    published = Article.objects.published()
    probes = {
        f"after_{number}": Subquery(
            published.filter(published_at__gte=start).order_by("published_at").values("published_at")[:1]
        )
        for number, start in enumerate(bounds[:-1])
    }
    # Without the model's ordering: PostgreSQL would sort every article to pick the one row.
    found = published.order_by().values(**probes)[:1]
    if not found:
        return []
    return [
        start
        for number, (start, end) in enumerate(itertools.pairwise(bounds))
        if found[0][f"after_{number}"] is not None and found[0][f"after_{number}"] < end
    ]


def published_years():
    """The years with published articles, newest first: the ends of the index, then one probe a year."""
    first, last = first_and_last(Article.objects.published(), "published_at")
    if first is None:
        return []
    first, last = timezone.localtime(first).year, timezone.localtime(last).year
    starts = periods_with_articles([month_start(year, 1) for year in range(first, last + 2)])
    return sorted((start.year for start in starts), reverse=True)


class DayArchive(ArticleDateArchive, DayArchiveView):
    template_name = "archive/archive_day.html"

    def date_tag(self):
        return day_tag(self.get_year(), self.get_month(), self.get_day())


def archive_index(request):
    depends_on(request, LISTS)
    return render(request, "archive/archive_index.html", {"years": published_years()})
