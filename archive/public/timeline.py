"""An entity's coverage month by month, drawn as a bar chart (the geometry of the SVG the
template draws)."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from archive.lib.probes import first_and_last


@dataclass
class Bar:
    month: datetime.date
    count: int
    x: float
    y: float
    height: float

    @property
    def label(self):
        return f"{self.month:%B %Y}: {self.count} article{'s' if self.count != 1 else ''}"


@dataclass
class Timeline:
    bars: list
    years: list  # (year, x) for the axis
    peak: int
    width: int = 720
    height: int = 120

    @property
    def bar_width(self):
        return round(max(self.width / max(len(self.bars), 1) - 1, 1), 2)

    @property
    def first(self):
        return self.bars[0].month

    @property
    def last(self):
        return self.bars[-1].month

    @property
    def label_y(self):
        return self.height + 16

    @property
    def view_height(self):
        return self.height + 24


MIN_MONTHS = 12  # a short run of coverage still reads as a chart, not a block


YEAR_LABEL_WIDTH = 40  # "2024" on the axis, with a gap, in the chart's units


def add_months(month, count):
    year, index = divmod(month.month - 1 + count, 12)
    return datetime.date(month.year + year, index + 1, 1)


def utc_start(month):
    return datetime.datetime(month.year, month.month, 1, tzinfo=datetime.UTC)


def monthly_counts(entity):
    """{first day of a month (UTC): published articles of `entity` that month}, or {} if none.

    The first and last publication times come from the ends of the entity's index range;
    then each month is counted as a range of that index, in one query. Grouping every link
    by month instead reads the whole range and computes a month for each link: ten times
    slower for an entity on a third of the archive.
    """
    link_model = entity.entity_kind.link_model
    first, last = first_and_last(link_model.objects.visible().filter(tag=entity), "published_at")
    if first is None:
        return {}
    first = first.astimezone(datetime.UTC).date().replace(day=1)
    last = last.astimezone(datetime.UTC).date().replace(day=1)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [add_months(first, offset) for offset in range(span)]
    # Each range ends at the next month, or just after the present for the current one: the
    # rule of LinkQuerySet.visible() folded into the range, which keeps SQLite from taking a
    # separate "up to now" as the range's end and reading on to the present.
    just_after_now = timezone.now() + datetime.timedelta(microseconds=1)
    adapt = connection.ops.adapt_datetimefield_value
    bounds = []
    for month in months:
        bounds += [adapt(utc_start(month)), adapt(min(utc_start(add_months(month, 1)), just_after_now))]
    table = connection.ops.quote_name(link_model._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * span)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH months (starts, stops) AS (VALUES {rows}) "
            f"SELECT (SELECT COUNT(*) FROM {table} WHERE tag_id = %s "
            "AND published_at >= months.starts AND published_at < months.stops) FROM months",
            [*bounds, entity.pk],
        )
        counts = [row[0] for row in cursor.fetchall()]
    return {month: count for month, count in zip(months, counts, strict=True) if count}


def timeline(entity, width=720, height=120):
    """Articles per month from the first month of coverage to the latest, gaps included."""
    counts = monthly_counts(entity)
    if not counts:
        return None
    first, last = min(counts), max(counts)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span < MIN_MONTHS:  # show the months before the first article too, as empty
        first = add_months(first, span - MIN_MONTHS)
        span = MIN_MONTHS
    peak = max(counts.values())
    step = width / span
    bars, years = [], []
    for offset in range(span):
        month_start = add_months(first, offset)
        count = counts.get(month_start, 0)
        bar_height = round(height * count / peak, 2)
        bars.append(Bar(month_start, count, round(offset * step, 2), round(height - bar_height, 2), bar_height))
        # A year label at each January, and at the start unless the next January's label is
        # closer than a label's width: over years of coverage a month is a few pixels wide.
        room_before_january = (13 - month_start.month) * step
        if month_start.month == 1 or (offset == 0 and room_before_january >= YEAR_LABEL_WIDTH):
            years.append((month_start.year, round(offset * step, 2)))
    return Timeline(bars=bars, years=years, peak=peak, width=width, height=height)
