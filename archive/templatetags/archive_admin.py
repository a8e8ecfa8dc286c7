"""The editors' date drill-down, with each year, month and day found by an indexed probe.

Django's own reads the date of every article in the list to find which years,
months and days have any: a million rows on the first screen. Here the first
and last dates are read from the ends of an index, and each candidate period
is an EXISTS over an index range, all of them in one query: two queries at most.
"""

import calendar
import datetime

from django import template
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.db.models import Exists, Subquery
from django.utils import formats, timezone
from django.utils.text import capfirst

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def probed_date_hierarchy(cl):
    field = cl.date_hierarchy
    names = {part: f"{field}__{part}" for part in ("year", "month", "day")}
    year, month, day = (whole_number(cl.params.get(names[part])) for part in ("year", "month", "day"))
    dated = cl.queryset.filter(**{f"{field}__isnull": False}).order_by()
    if not year:
        span = dated.values(
            first=Subquery(dated.order_by(field).values(field)[:1]),
            last=Subquery(dated.order_by(f"-{field}").values(field)[:1]),
        )[:1]
        if not span:
            return {"show": False}
        first, last = (localise(span[0][end], cl, field) for end in ("first", "last"))
        if first.year == last.year:
            year = first.year
            month = first.month if first.month == last.month else None

    def link(**parts):
        return cl.get_query_string({names[part]: value for part, value in parts.items()}, [f"{field}__"])

    def with_articles(periods):
        """The (start, end) periods that have anything in the list."""
        probes = {
            f"period_{number}": Exists(
                dated.filter(**{f"{field}__gte": bounds(start, cl, field), f"{field}__lt": bounds(end, cl, field)})
            )
            for number, (start, end) in enumerate(periods)
        }
        found = dated.values(**probes)[:1]
        return [period for period, name in zip(periods, probes, strict=True) if found and found[0][name]]

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
                for start, _end in with_articles([(date, date + datetime.timedelta(days=1)) for date in days])
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
                for start, _end in with_articles(
                    list(zip(months, [*months[1:], datetime.date(year + 1, 1, 1)], strict=True))
                )
            ],
        }
    years = [
        (datetime.date(number, 1, 1), datetime.date(number + 1, 1, 1)) for number in range(first.year, last.year + 1)
    ]
    return {
        "show": True,
        "choices": [{"link": link(year=start.year), "title": str(start.year)} for start, _end in with_articles(years)],
    }


def whole_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_datetime(cl, field):
    return isinstance(get_fields_from_path(cl.model, field)[-1], models.DateTimeField)


def localise(value, cl, field):
    return timezone.localtime(value) if is_datetime(cl, field) else value


def bounds(date, cl, field):
    """Midnight at the start of `date` where the editors are, as the changelist's own date filter takes it."""
    if not is_datetime(cl, field):
        return date
    return datetime.datetime.combine(date, datetime.time(), tzinfo=timezone.get_current_timezone())
