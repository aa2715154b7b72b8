"""What the public timeline draws for a visible window: the events in it, or,
when there are more than a cap, their counts per kind and year or month.

The events come from the same filtered queryset as the API (the caller passes
`EventFilterSet.qs`), found with the interval-aware plan of `event_page_ids`;
the counts are one GROUP BY in the database, so nothing ships every event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, QuerySet, Value
from django.db.models.functions import Cast, Greatest, Substr

from corpus.dates import OPEN_LOWER, OPEN_UPPER
from timeline.models import Event
from timeline.selectors.pages import ORDERINGS, event_page_ids

ITEM_CAP = 500
# Windows longer than this are counted per year, shorter ones per month.
MONTHS_UP_TO_DAYS = 3 * 366

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


def timeline_window(
    qs: QuerySet[Event],
    *,
    start: datetime.date,
    end: datetime.date,
    cap: int | None = None,
) -> Window:
    """The events of `qs` overlapping [start, end]: up to `cap` (ITEM_CAP)
    of them (two queries), else counts per kind and period (two as well)."""
    cap = ITEM_CAP if cap is None else cap
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
    unit = "month" if (end - start).days <= MONTHS_UP_TO_DAYS else "year"
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


def _period_bounds(period: str, unit: str) -> tuple[datetime.date, datetime.date]:
    year = int(period[:4])
    if unit == "year":
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(period[5:7])
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


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
