"""Pages of results. Lists that need no total (the latest articles) skip counting them; the
editors' lists count only as far as they show."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property

from archive.lib.probes import estimated_rows

# Beyond this, OFFSET scans cost more than any reader's patience is worth.
MAX_PAGE = 10_000


def requested_page(request):
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        return 1
    if number > MAX_PAGE:
        raise Http404("No such page.")
    return max(number, 1)


@dataclass
class CountlessPage:
    """A page that knows whether there is a next one without counting all of them."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous


def countless_page(request, queryset, per_page=None):
    per_page = per_page or settings.ARCHIVE_PAGE_SIZE
    number = requested_page(request)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return CountlessPage(number=number, object_list=rows[:per_page], has_next=len(rows) > per_page)


def counted_page(request, sequence, per_page=None):
    requested_page(request)  # refuse absurd page numbers before counting
    return Paginator(sequence, per_page or settings.ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- the editors' lists


class ApproximateCount(int):
    """A number of rows that was not counted to the end; it says so wherever it is printed."""

    def __new__(cls, value, estimated):
        count = super().__new__(cls, value)
        count.estimated = estimated
        return count

    def __str__(self):
        return f"about {int(self):,}" if self.estimated else f"{int(self):,}+"


class CappedCountPaginator(Paginator):
    """Counts rows only as far as there is something to show, never a whole table of millions.

    Up to `exact_up_to` rows (or the page asked for, if later) the count is exact. Beyond,
    an estimate stands in where there is one ("about 1,000,000"; see lib.probes.estimated_rows),
    else the number counted up to ("10,000+"); either way the count covers the requested page.
    """

    exact_up_to = 10_000

    def __init__(self, object_list, per_page, *, wanted_page=1, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.wanted_page = wanted_page

    @cached_property
    def count(self):
        limit = max(self.exact_up_to, (self.wanted_page + 1) * self.per_page)
        counted = self.object_list.order_by()[: limit + 1].count()
        if counted <= limit:
            return counted
        estimate = estimated_rows(self.object_list)
        if estimate is not None and estimate > counted:
            return ApproximateCount(estimate, estimated=True)
        return ApproximateCount(limit, estimated=False)  # "10,000+": more than that


def wanted_page(request):
    """The page number the admin's changelist (?p=) or autocomplete (?page=) asks for, within reason."""
    try:
        number = int(request.GET.get("p") or request.GET.get("page") or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
