"""Pages of results. Lists that need no total (the latest articles) skip counting them."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404

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
