"""vis-timeline items from a `selectors.windows.Window`, with dates drawn honestly.

A day is a point; a month, season, year, decade or interval is a range from
its first day to the day after its last. Approximate or uncertain dates
(EDTF `~`, `?`, `%`) carry the `fuzzy` class; an open end stops at the edge
of the window with an `open-start`/`open-end` class that fades it out. Texts
are escaped here: vis-timeline puts `content` and `title` in as HTML.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from corpus.dates import OPEN_LOWER, OPEN_UPPER
from timeline.selectors.windows import Bucket, Window
from timeline.site.dates import edtf_phrase, month_phrase, year_phrase

FUZZY_MARKS = ("~", "?", "%")
ONE_DAY = datetime.timedelta(days=1)


def event_item(row: dict[str, Any], window: Window, url: str) -> dict[str, Any]:
    lower, upper = row["date_lower"], row["date_upper"]
    classes = [f"kind-{row['kind__slug']}", f"modality-{row['modality']}"]
    if any(mark in row["date_edtf"] for mark in FUZZY_MARKS):
        classes.append("fuzzy")
    if lower == OPEN_LOWER:
        classes.append("open-start")
        lower = min(window.start, upper)
    if upper == OPEN_UPPER:
        classes.append("open-end")
        upper = max(window.end, lower)
    shown = edtf_phrase(row["date_edtf"])
    tooltip = f"{escape(row['title'])}<br>{escape(shown)} · " + escape(
        f"EDTF {row['date_edtf']}"
    )
    item = {
        "id": row["id"],
        "group": row["kind__slug"],
        "content": escape(row["title"]),
        "title": tooltip,
        "start": lower.isoformat(),
        "url": url,
    }
    if row["date_precision"] == "day" and lower == upper:
        item["type"] = "point"
    else:
        item["type"] = "range"
        item["end"] = (upper + ONE_DAY).isoformat()
    item["className"] = " ".join(classes)
    return item


def bucket_item(bucket: Bucket, unit: str, kind_name: str) -> dict[str, Any]:
    period = bucket.start.strftime("%Y" if unit == "year" else "%Y-%m")
    start = bucket.start
    if unit == "year":
        shown = year_phrase(start.year)
    else:
        shown = month_phrase(start.year, start.month)
    label = ngettext(
        "%(count)s %(kind)s event in %(period)s",
        "%(count)s %(kind)s events in %(period)s",
        bucket.count,
    ) % {"count": bucket.count, "kind": kind_name, "period": shown}
    return {
        "id": f"{bucket.kind}-{period}",
        "group": bucket.kind,
        "content": escape(f"{bucket.count:,}"),
        "title": escape(label),
        "start": bucket.start.isoformat(),
        "end": (bucket.end + ONE_DAY).isoformat(),
        "type": "range",
        "className": f"aggregate kind-{bucket.kind}",
    }


def window_payload(
    window: Window, kinds: dict[str, str], event_url: str
) -> dict[str, Any]:
    """The JSON the timeline script draws: lanes per kind and the items.

    `kinds` maps slugs to display names (lane order); `event_url` is the
    event page URL with `0` for the id."""
    if window.aggregated:
        items = [
            bucket_item(b, window.unit, kinds.get(b.kind, b.kind))
            for b in window.buckets
        ]
        used = {b.kind for b in window.buckets}
    else:
        items = [
            event_item(row, window, event_url.replace("/0/", f"/{row['id']}/"))
            for row in window.items
        ]
        used = {row["kind__slug"] for row in window.items}
    groups = [
        {"id": slug, "content": escape(name)}
        for slug, name in kinds.items()
        if slug in used
    ]
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "unit": window.unit,
        "aggregated": window.aggregated,
        "note": gettext(
            "Too many events to draw: counts per kind and %(unit)s. Zoom in to see"
            " the events."
        )
        % {"unit": gettext("year") if window.unit == "year" else gettext("month")}
        if window.aggregated
        else "",
        "groups": groups,
        "items": items,
    }
