"""What the public timeline draws for a visible window: the events in it, or,
when there are more than a cap, their counts per kind and year or month.

The events come from the same filtered queryset as the API (the caller passes
`EventFilterSet.qs`), found with the interval-aware plan of `event_page_ids`.
When the only filters are kinds, the counts are sums of the stored month
counts (`EventMonthCount`) plus exact counts of the partial months at the
window's ends, so no window counts more than two months of events; under any
other filter they are one GROUP BY over the window's events.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Substr

from corpus.dates import OPEN_LOWER, OPEN_UPPER
from timeline.models import Event, EventMonthCount
from timeline.selectors.pages import ORDERINGS, event_page_ids

ITEM_CAP = 500
# Windows longer than this are counted per year, shorter ones per month.
MONTHS_UP_TO_DAYS = 3 * 366
ONE_DAY = datetime.timedelta(days=1)

WINDOW_ITEM_FIELDS = (
    "id",
    "title",
    "kind__slug",
    "date_edtf",
    "date_display",
    "date_lower",
    "date_upper",
    "date_precision",
    "modality",
)


@dataclass(frozen=True)
class Bucket:
    """`count` events of `kind` (slug) that overlap the window and start (or,
    starting earlier, enter the window) in the period [start, end]."""

    kind: str
    start: datetime.date
    end: datetime.date
    count: int


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date
    items: list[dict[str, Any]]  # WINDOW_ITEM_FIELDS; empty when aggregated
    buckets: list[Bucket]  # empty unless the window held more than the cap
    unit: str  # "year" or "month" for buckets, "event" for items

    @property
    def aggregated(self) -> bool:
        return self.unit != "event"


@dataclass(frozen=True)
class CountScope:
    """Says that a queryset holds every public event of these kinds (of all
    kinds when empty) overlapping the window, and nothing else filters it:
    the stored month counts then count it."""

    kind_ids: tuple[int, ...] = ()


def timeline_window(
    qs: QuerySet[Event],
    *,
    start: datetime.date,
    end: datetime.date,
    cap: int | None = None,
    scope: CountScope | None = None,
) -> Window:
    """The events of `qs` overlapping [start, end]: up to `cap` (ITEM_CAP)
    of them (two queries), else counts per kind and period (two as well).

    With a `scope` the counts come from the stored month counts (one to
    three queries, however many events the window holds), and decide whether
    the events fit under the cap before any is read."""
    cap = ITEM_CAP if cap is None else cap
    unit = "month" if (end - start).days <= MONTHS_UP_TO_DAYS else "year"
    if scope is not None:
        buckets = _stored_buckets(qs, scope, start, end, unit)
        if sum(bucket.count for bucket in buckets) > cap:
            return Window(start, end, [], buckets, unit)
    visible = qs.overlapping(start, end)
    keys = event_page_ids(
        visible, ordering=ORDERINGS["date"], limit=cap + 1, overlap_from=start
    )
    if len(keys) <= cap:
        ids = [key[-1] for key in keys]
        rows = Event.objects.filter(pk__in=ids).values(*WINDOW_ITEM_FIELDS)
        by_id = {row["id"]: row for row in rows} if ids else {}
        items = [by_id[pk] for pk in ids if pk in by_id]
        return Window(start, end, items, [], "event")
    return Window(start, end, [], _buckets(visible, start, end, unit), unit)


def _buckets(
    visible: QuerySet[Event], start: datetime.date, end: datetime.date, unit: str
) -> list[Bucket]:
    # The period of the day an event enters the window, as "YYYY" or
    # "YYYY-MM" text: plain SQL on both databases (no per-row Python function,
    # as Django's Trunc* run on SQLite).
    entered = Greatest("date_lower", Value(start))
    period = Substr(Cast(entered, CharField()), 1, 4 if unit == "year" else 7)
    rows = (
        visible.order_by()
        .annotate(period=period)
        .values("kind__slug", "period")
        .annotate(count=Count("id"))
        .order_by("period", "kind__slug")
    )
    buckets = []
    for row in rows:
        first, last = _period_bounds(row["period"], unit)
        buckets.append(
            Bucket(row["kind__slug"], max(first, start), min(last, end), row["count"])
        )
    return buckets


def _stored_buckets(
    qs: QuerySet[Event],
    scope: CountScope,
    start: datetime.date,
    end: datetime.date,
    unit: str,
) -> list[Bucket]:
    """`_buckets` from the stored month counts.

    With S(d) and E(d) the number of events starting and ending before day
    d, the events entering the window on its first day are S(start) -
    E(start) (an event ends on or after its start), and those starting in
    [a, b] are S(b + 1) - S(a). Sums of month rows give S and E on the first
    day of a month; the events ending in `start`'s month before `start` and
    those starting in `end`'s month up to `end` are counted themselves (one
    index range of under a month each, read only when the window cuts a
    month)."""
    first_month = start.replace(day=1)
    # The months before `last_month` lie whole in the window (or before it).
    after = end + ONE_DAY if end < OPEN_UPPER else None
    last_month = after.replace(day=1) if after else None
    rows = EventMonthCount.objects.all()
    if last_month is not None:
        rows = rows.filter(month__lt=last_month)
    if scope.kind_ids:
        rows = rows.filter(kind_id__in=scope.kind_ids)
    # One read of the rows, grouped by kind and period: the months before
    # start's (period "") give S - E at the first of start's month, the
    # others the starts of each period. The first period's count,
    # S(start) - E(start) + the starts from start to the period's end, is
    # then all its starts from the first of the month less E(start): the
    # events that started in start's month before it cancel out, and only
    # those that also ended before it are counted below.
    length = 4 if unit == "year" else 7
    text = Substr(Cast("month", CharField()), 1, length)
    period = Case(When(month__lt=first_month, then=Value("")), default=text)
    first_period = _period_start(start, unit)
    totals: Counter[tuple[str, datetime.date]] = Counter()
    for kind, key, started, ended in (
        rows.annotate(period=period)
        .values_list("kind__slug", "period")
        .annotate(starts=Sum("starts"), ends=Sum("ends"))
        .order_by()
    ):
        if key:
            totals[kind, _period_bounds(key, unit)[0]] += started
        else:
            totals[kind, first_period] += started - ended
    events = qs.order_by()
    if start > first_month:
        # The events that ended in start's month before the window.
        ended = (
            events.filter(date_upper__gte=first_month, date_upper__lt=start)
            .values_list("kind__slug")
            .annotate(count=Count("id"))
        )
        for kind, count in ended:
            totals[kind, first_period] -= count
    if after is not None and after > last_month:
        # The days of end's month up to the end of the window.
        late = (
            events.filter(date_lower__gte=last_month, date_lower__lte=end)
            .values_list("kind__slug")
            .annotate(count=Count("id"))
        )
        last_period = _period_start(last_month, unit)
        for kind, count in late:
            totals[kind, last_period] += count
    buckets = []
    for (kind, period), count in sorted(
        totals.items(), key=lambda i: (i[0][1], i[0][0])
    ):
        if count > 0:
            first, last = _period_bounds(period.isoformat(), unit)
            buckets.append(Bucket(kind, max(first, start), min(last, end), count))
    return buckets


def _period_start(day: datetime.date, unit: str) -> datetime.date:
    return day.replace(month=1, day=1) if unit == "year" else day.replace(day=1)


def _period_bounds(period: str, unit: str) -> tuple[datetime.date, datetime.date]:
    year = int(period[:4])
    if unit == "year":
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(period[5:7])
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last_day)


def data_extent(qs: QuerySet[Event]) -> tuple[datetime.date, datetime.date] | None:
    """The earliest known start and latest known end of `qs` (open ends left
    out), or None when it is empty: two ordered index lookups."""
    first = (
        qs.exclude(date_lower=OPEN_LOWER)
        .order_by("date_lower")
        .values_list("date_lower", flat=True)
        .first()
    )
    last = (
        qs.exclude(date_upper=OPEN_UPPER)
        .order_by("-date_upper")
        .values_list("date_upper", flat=True)
        .first()
    )
    if first is None and last is None:
        return None
    first = first or last
    last = last or first
    return min(first, last), max(first, last)
