"""An entity's coverage month by month, or day by day when it all falls within a few weeks
(an incident of a day), drawn as a bar chart (the geometry of the SVG the template draws)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from archive.lib.probes import counts_in_ranges, first_and_last


@dataclass
class Bar:
    start: datetime.date  # the first day of its period
    count: int
    x: float
    y: float
    height: float
    unit: str = "month"

    @property
    def period(self):
        """The period as readers name it: "March 2025", or "4 March 2025" for a day."""
        return f"{self.start.day} {self.start:%B %Y}" if self.unit == "day" else f"{self.start:%B %Y}"

    @property
    def last_day(self):
        return self.start if self.unit == "day" else add_months(self.start, 1) - datetime.timedelta(days=1)

    @property
    def label(self):
        return f"{self.period}: {self.count} article{'s' if self.count != 1 else ''}"


@dataclass
class Timeline:
    bars: list
    axis_labels: list  # (label, x): years, or for days the first of each week
    peak: int
    width: int = 720
    height: int = 120
    unit: str = "month"  # or "day", for coverage that spans a few weeks at most

    @property
    def bar_width(self):
        return round(max(self.width / max(len(self.bars), 1) - 1, 1), 2)

    @property
    def first(self):
        return self.bars[0]

    @property
    def last(self):
        return self.bars[-1]

    @property
    def label_y(self):
        return self.height + 16

    @property
    def view_height(self):
        return self.height + 24


MIN_MONTHS = 12  # a short run of coverage still reads as a chart, not a block
# Coverage within this many days is drawn day by day (an incident of a day or a week), over
# at least MIN_DAYS, the days before the first article shown empty.
MAX_DAYS = 45
MIN_DAYS = 14


YEAR_LABEL_WIDTH = 40  # "2024" on the axis, with a gap, in the chart's units


def add_months(month, count):
    year, index = divmod(month.month - 1 + count, 12)
    return datetime.date(month.year + year, index + 1, 1)


def utc_start(day):
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def counts_by_period(entity, starts, next_start):
    """[published articles of `entity` in each period], the periods starting at `starts`
    (dates, UTC) and each ending where `next_start(start)` begins: one query, each period a
    range of the entity's coverage index (lib.probes.counts_in_ranges)."""
    # Each range ends at the next period, or just after the present for the current one: the
    # rule of LinkQuerySet.visible() folded into the range, which keeps SQLite from taking a
    # separate "up to now" as the range's end and reading on to the present.
    just_after_now = timezone.now() + datetime.timedelta(microseconds=1)
    ranges = [(utc_start(start), min(utc_start(next_start(start)), just_after_now)) for start in starts]
    table = entity.entity_kind.link_model._meta.db_table
    return counts_in_ranges(table, "published_at", "tag_id = %s", [entity.pk], ranges)


def timeline(entity, width=720, height=120):
    """Articles per month from the first month of coverage to the latest, gaps included; per
    day when all of it falls within MAX_DAYS. None without published coverage.

    The first and last publication times come from the ends of the entity's index range.
    """
    link_model = entity.entity_kind.link_model
    first, last = first_and_last(link_model.objects.visible().filter(tag=entity), "published_at")
    if first is None:
        return None
    first, last = first.astimezone(datetime.UTC).date(), last.astimezone(datetime.UTC).date()
    if (last - first).days < MAX_DAYS:
        return daily(entity, first, last, width, height)
    return monthly(entity, first.replace(day=1), last.replace(day=1), width, height)


def monthly(entity, first, last, width, height):
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span < MIN_MONTHS:  # show the months before the first article too, as empty
        first = add_months(first, span - MIN_MONTHS)
        span = MIN_MONTHS
    starts = [add_months(first, offset) for offset in range(span)]
    counts = counts_by_period(entity, starts, lambda start: add_months(start, 1))
    peak = max(counts)
    step = width / span
    bars, years = [], []
    for offset, (start, count) in enumerate(zip(starts, counts, strict=True)):
        bar_height = round(height * count / peak, 2)
        bars.append(Bar(start, count, round(offset * step, 2), round(height - bar_height, 2), bar_height))
        # A year label at each January, and at the start unless the next January's label is
        # closer than a label's width: over years of coverage a month is a few pixels wide.
        room_before_january = (13 - start.month) * step
        if start.month == 1 or (offset == 0 and room_before_january >= YEAR_LABEL_WIDTH):
            years.append((start.year, round(offset * step, 2)))
    return Timeline(bars=bars, axis_labels=years, peak=peak, width=width, height=height)


def daily(entity, first, last, width, height):
    span = (last - first).days + 1
    if span < MIN_DAYS:
        first -= datetime.timedelta(days=MIN_DAYS - span)
        span = MIN_DAYS
    starts = [first + datetime.timedelta(days=offset) for offset in range(span)]
    counts = counts_by_period(entity, starts, lambda start: start + datetime.timedelta(days=1))
    peak = max(counts)
    step = width / span
    bars, labels = [], []
    for offset, (start, count) in enumerate(zip(starts, counts, strict=True)):
        bar_height = round(height * count / peak, 2)
        bars.append(Bar(start, count, round(offset * step, 2), round(height - bar_height, 2), bar_height, "day"))
        if offset % 7 == 0:  # a label a week: "3 Mar"
            labels.append((f"{start.day} {start:%b}", round(offset * step, 2)))
    return Timeline(bars=bars, axis_labels=labels, peak=peak, width=width, height=height, unit="day")
