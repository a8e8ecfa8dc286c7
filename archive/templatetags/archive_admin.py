"""The editors' date drill-down, with each year, month and day found by an indexed probe.

Django's own reads the date of every article in the list to find which years,
months and days have any: a million rows on the first screen. Here the first
and last dates are read from the ends of an index, and for each candidate
period the first date at or after its start, all of them in one query: two
queries at most.
A short list, such as a search's results, is read whole instead: one query.
"""

import bisect
import calendar
import datetime

from django import template
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.db.models import Subquery
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst

from archive.lib.probes import first_and_last

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def probed_date_hierarchy(cl):
    field = cl.date_hierarchy
    names = {part: f"{field}__{part}" for part in ("year", "month", "day")}
    year, month, day = (whole_number(cl.params.get(names[part])) for part in ("year", "month", "day"))
    dated = cl.queryset.order_by()
    # A short list (a search's few hundred results) is cheaper to read whole than to probe.
    short = type(cl.result_count) is int and cl.result_count <= READ_WHOLE_UP_TO
    dates = Dates(dated, field, cl, read=short)
    if not year:
        first, last = dates.ends
        if first is None:
            return {"show": False}
        if first.year == last.year:
            year = first.year
            month = first.month if first.month == last.month else None

    def link(**parts):
        return cl.get_query_string({names[part]: value for part, value in parts.items()}, [f"{field}__"])

    if year and month and day:
        chosen = datetime.date(year, month, day)
        return {
            "show": True,
            "back": {
                "link": link(year=year, month=month),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        days = [datetime.date(year, month, number) for number in range(1, calendar.monthrange(year, month)[1] + 1)]
        return {
            "show": True,
            "back": {"link": link(year=year), "title": str(year)},
            "choices": [
                {
                    "link": link(year=year, month=month, day=start.day),
                    "title": capfirst(formats.date_format(start, "MONTH_DAY_FORMAT")),
                }
                for start, _end in dates.with_articles([(date, date + datetime.timedelta(days=1)) for date in days])
            ],
        }
    if year:
        months = [datetime.date(year, number, 1) for number in range(1, 13)]
        return {
            "show": True,
            "back": {"link": link(), "title": "All dates"},
            "choices": [
                {
                    "link": link(year=year, month=start.month),
                    "title": capfirst(formats.date_format(start, "YEAR_MONTH_FORMAT")),
                }
                for start, _end in dates.with_articles(
                    list(zip(months, [*months[1:], datetime.date(year + 1, 1, 1)], strict=True))
                )
            ],
        }
    years = [
        (datetime.date(number, 1, 1), datetime.date(number + 1, 1, 1)) for number in range(first.year, last.year + 1)
    ]
    return {
        "show": True,
        "choices": [
            {"link": link(year=start.year), "title": str(start.year)} for start, _end in dates.with_articles(years)
        ],
    }


# Lists up to this long have their dates read whole; longer ones are probed.
READ_WHOLE_UP_TO = 2000


class Dates:
    """The dates in the list: its first and last, and which periods have any.

    Read whole for a short list; for a long one, the ends come from the index and the
    periods from one query of probes into it.
    """

    def __init__(self, listed, field, cl, *, read):
        self.listed, self.field, self.cl = listed, field, cl
        # Only the ends need "has a date" said: each probe's range says it already, and an extra
        # "IS NOT NULL" can lead SQLite to scan from the oldest date instead of the range's start.
        self.dated = listed.filter(**{f"{field}__isnull": False})
        self.all = (
            sorted(local_date(value, cl, field) for value in self.dated.values_list(field, flat=True)) if read else None
        )

    @cached_property
    def ends(self):
        """(first, last), or (None, None) for an empty list."""
        if self.all is not None:
            return (self.all[0], self.all[-1]) if self.all else (None, None)
        first, last = first_and_last(self.dated, self.field)
        if first is None:
            return (None, None)
        return local_date(first, self.cl, self.field), local_date(last, self.cl, self.field)

    def with_articles(self, periods):
        """The (start, end) periods that have anything in the list."""
        if self.all is not None:
            return [
                (start, end)
                for start, end in periods
                if bisect.bisect_left(self.all, start) < bisect.bisect_left(self.all, end)
            ]
        # For each period, the list's first date at or after its start: one seek into an index. A
        # range (start <= date < end) in each probe instead can make SQLite scan from the wrong end.
        listed, field, cl = self.listed, self.field, self.cl
        probes = {
            f"period_{number}": Subquery(
                listed.filter(**{f"{field}__gte": bounds(start, cl, field)}).order_by(field).values(field)[:1]
            )
            for number, (start, _end) in enumerate(periods)
        }
        found = listed.order_by().values(**probes)[:1]
        if not found:
            return []
        following = [found[0][name] for name in probes]
        return [
            (start, end)
            for (start, end), date in zip(periods, following, strict=True)
            if date is not None and local_date(date, cl, field) < end
        ]


def whole_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_datetime(cl, field):
    return isinstance(get_fields_from_path(cl.model, field)[-1], models.DateTimeField)


def local_date(value, cl, field):
    """The calendar day of `value` where the editors are."""
    return timezone.localtime(value).date() if is_datetime(cl, field) else value


def bounds(date, cl, field):
    """Midnight at the start of `date` where the editors are, as the changelist's own date filter takes it."""
    if not is_datetime(cl, field):
        return date
    return datetime.datetime.combine(date, datetime.time(), tzinfo=timezone.get_current_timezone())
