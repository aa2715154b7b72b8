"""Export formats for events: CSV, iCalendar, TimelineJS 3 and schema.org JSON-LD.

Each renderer turns serialized events (EventSerializer dicts) into its format,
both for a single detail response (`render`) and as a stream of text chunks
for a whole filtered list (`stream`), so a large export never sits in memory.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import icalendar
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import escape, format_html, format_html_join
from rest_framework import renderers

from corpus.dates import describe_edtf

PRODID = "-//Timeline//China healthcare, biotech and AI events//EN"

CSV_COLUMNS = [
    "id",
    "url",
    "key",
    "title",
    "summary",
    "kind",
    "date_edtf",
    "date_display",
    "date_lower",
    "date_upper",
    "date_precision",
    "modality",
    "status",
    "entities",
    "amounts",
    "source_title",
    "source_publisher",
    "source_url",
    "source_published_on",
    "source_quote",
    "sources_count",
    "updated_at",
]


# The escapes of django.utils.html.json_script (private there): the JSON means
# the same to a parser, and pasted into a <script> element (a page embedding a
# timeline, JSON-LD in <script type="application/ld+json">) it can neither
# close the element ("</script>") nor open an HTML comment ("<!--").
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def script_safe_json(data: Any) -> str:
    return json.dumps(data).translate(_SCRIPT_SAFE)


def _events_of(data: Any) -> list[dict]:
    """A detail dict or a list page, as a list of event dicts."""
    if isinstance(data, dict) and "results" in data:
        return list(data["results"])
    if isinstance(data, dict) and "id" in data:
        return [data]
    if isinstance(data, list):
        return data
    return []


# -- dates at their native precision ----------------------------------------

Parts = tuple[int, ...]


def _parts_of(day: datetime.date, precision: str) -> Parts:
    if precision == "day":
        return (day.year, day.month, day.day)
    if precision in ("month", "season"):
        return (day.year, day.month)
    return (day.year,)


def date_parts(date: dict) -> tuple[Parts | None, Parts | None]:
    """Start and end of an event's date with only the parts its precision justifies.

    `2023-09-04` -> (2023, 9, 4), no end; `2023-08` -> (2023, 8); `2023` ->
    (2023,); summer 2023 -> (2023, 6)…(2023, 8); `2018/2020` -> (2018,)…(2020,);
    an open end is None.
    """
    precision = date["precision"]
    lower = datetime.date.fromisoformat(date["lower"]) if date["lower"] else None
    upper = datetime.date.fromisoformat(date["upper"]) if date["upper"] else None
    if precision in ("day", "month", "year"):
        return _parts_of(lower, precision), None
    if precision in ("season", "decade", "century"):
        return _parts_of(lower, precision), _parts_of(upper, precision)
    edtf = date["edtf"]
    if "/" not in edtf:  # sets: "[2023-01-05,2023-02-10]"
        return _parts_of(lower, "day"), _parts_of(upper, "day")
    first, last = edtf.split("/", 1)
    start = _parts_of(lower, describe_edtf(first).precision) if lower else None
    end = _parts_of(upper, describe_edtf(last).precision) if upper else None
    return start, end


def iso_parts(parts: Parts | None) -> str | None:
    if parts is None:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


_HTTP_URL = URLValidator(schemes=["http", "https"])


def http_url(url: str) -> str | None:
    """`url` when it is an absolute http(s) URL, else None (never `javascript:`)."""
    try:
        _HTTP_URL(url)
    except ValidationError:
        return None
    return url


def _first_source(event: dict) -> dict | None:
    return event["sources"][0] if event["sources"] else None


# -- CSV ----------------------------------------------------------------------


# OWASP's advice against CSV injection: a spreadsheet runs a cell that starts
# with one of these as a formula (some strip a leading tab or CR first), so
# such a text cell gets a leading "'". Only text cells: the numeric columns
# (id, sources_count) are integers, never negative, and written unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """`value` as a spreadsheet shows it but cannot run it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(event: dict) -> list[Any]:
    """The CSV_COLUMNS of `event`, formula-safe (`csv_cell`)."""
    return [csv_cell(value) for value in _csv_values(event)]


def _csv_values(event: dict) -> list[Any]:
    source = _first_source(event) or {"document": {}}
    document = source["document"]
    date = event["date"]
    return [
        event["id"],
        event["url"],
        event["key"],
        event["title"],
        event["summary"],
        event["kind"],
        date["edtf"],
        date["display"],
        date["lower"] or "",
        date["upper"] or "",
        date["precision"],
        event["modality"],
        event["status"],
        "; ".join(
            f"{e['name']} ({e['role']})" if e["role"] else e["name"]
            for e in event["entities"]
        ),
        "; ".join(
            a["text"] or f"{a['value']} {a['currency']}" for a in event["amounts"]
        ),
        document.get("title", ""),
        document.get("publisher") or "",
        document.get("url", ""),
        document.get("published_on") or "",
        source.get("quote", ""),
        len(event["sources"]),
        event["updated_at"],
    ]


class CSVRenderer(renderers.BaseRenderer):
    """One row per event with its first source and the number of sources."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def stream(self, events: Iterable[dict], *, bom: bool = False) -> Iterator[str]:
        buffer = io.StringIO()
        if bom:  # Without it Excel reads the file in a legacy code page.
            buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for event in events:
            writer.writerow(csv_row(event))
            # Flush about every 64 KB: one chunk per row is needlessly chatty.
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    def render(self, data, accepted_media_type=None, renderer_context=None):
        bom = bool((renderer_context or {}).get("bom"))
        return "".join(self.stream(_events_of(data), bom=bom))


# -- iCalendar ----------------------------------------------------------------


def ics_event(event: dict) -> icalendar.Event:
    """An all-day VEVENT; coarse dates span their whole interval.

    Open-ended events cannot span to year 9999 in a calendar, so they sit on
    their one known day and say "since …"/"until …" in the description.
    """
    date = event["date"]
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event['id']}@timeline")
    vevent.add("dtstamp", datetime.datetime.fromisoformat(event["updated_at"]))
    vevent.add("summary", event["title"])
    lower = date["lower"] and datetime.date.fromisoformat(date["lower"])
    upper = date["upper"] and datetime.date.fromisoformat(date["upper"])
    if lower and upper:
        start, end = lower, upper
        note = (
            ""
            if date["precision"] == "day"
            else f"Date precision: {date['precision']} — the event happened "
            f"at some point in {date['display']}, not on every day of it."
        )
    else:
        start = end = lower or upper
        note = f"Open-ended date: {date['display']} (shown on its known day)."
    vevent.add("dtstart", start)
    vevent.add("dtend", end + datetime.timedelta(days=1))
    source = _first_source(event)
    lines = [f"When: {date['display']}", note, event["summary"]]
    if source:
        document = source["document"]
        lines.append(f"Source: {document['title']} ({document['publisher'] or ''})")
        lines.append(f"“{source['quote']}”")
    vevent.add("description", "\n".join(line for line in lines if line))
    vevent.add("categories", [event["kind"]])
    vevent.add("url", event["url"])
    vevent.add("status", "TENTATIVE" if event["modality"] != "actual" else "CONFIRMED")
    return vevent


class ICalendarRenderer(renderers.BaseRenderer):
    """RFC 5545 calendar; see `ics_event` for how fuzzy dates are shown."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    HEADER = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        f"PRODID:{PRODID}\r\nCALSCALE:GREGORIAN\r\n"
        "X-WR-CALNAME:Timeline\r\n"
    )
    FOOTER = "END:VCALENDAR\r\n"

    def stream(self, events: Iterable[dict]) -> Iterator[str]:
        yield self.HEADER
        for event in events:
            yield ics_event(event).to_ical().decode("utf-8")
        yield self.FOOTER

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return "".join(self.stream(_events_of(data)))


# -- TimelineJS 3 -------------------------------------------------------------


def _tljs_date(parts: Parts | None) -> dict | None:
    if parts is None:
        return None
    keys = ("year", "month", "day")
    return dict(zip(keys, parts, strict=False))


def timelinejs_event(event: dict) -> dict:
    """A slide whose every text is escaped HTML: TimelineJS inserts headline,
    text and dates as markup into the page that embeds it.

    The sources are links in the slide's text, not `media`: TimelineJS shows
    any URL it does not recognise as an image, and one containing "iframe" or
    "blockquote" as raw HTML.
    """
    start, end = date_parts(event["date"])
    item: dict[str, Any] = {
        "unique_id": f"event-{event['id']}",
        "start_date": _tljs_date(start or end),
        "display_date": escape(event["date"]["display"]),
        "text": {"headline": escape(event["title"]), "text": timelinejs_text(event)},
        "group": escape(event["kind"]),
    }
    if end is not None and start is not None:
        item["end_date"] = _tljs_date(end)
    return item


def timelinejs_text(event: dict) -> str:
    """The summary, then each source's quote and a line naming the source."""
    parts = [format_html("<p>{}</p>", event["summary"])] if event["summary"] else []
    for source in event["sources"]:
        if source["quote"]:
            parts.append(format_html("<blockquote>{}</blockquote>", source["quote"]))
        parts.append(
            format_html('<p class="tl-source">— {}</p>', source_credit(source))
        )
    return "".join(parts)


def source_credit(source: dict) -> str:
    """The source as escaped HTML, "Title, Publisher, 2023-09-04", the title
    a link when the document has an http(s) URL."""
    document = source["document"]
    url = http_url(document["url"])
    title = (
        format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            url,
            document["title"],
        )
        if url
        else escape(document["title"])
    )
    others = [p for p in (document["publisher"], document["published_on"]) if p]
    return format_html_join(", ", "{}", [(title,), *((p,) for p in others)])


class TimelineJSRenderer(renderers.BaseRenderer):
    """TimelineJS 3 JSON: {"title": …, "events": [slide…]}."""

    # Its own media type, so `Accept: application/json` never selects it.
    media_type = "application/vnd.timelinejs+json"
    format = "timelinejs"
    charset = "utf-8"

    def stream(self, events: Iterable[dict]) -> Iterator[str]:
        yield (
            '{"title": {"text": {"headline": "Timeline", "text": "Events in '
            'China\'s healthcare, biotech and AI industry"}}, "events": ['
        )
        for i, event in enumerate(events):
            yield ("," if i else "") + script_safe_json(timelinejs_event(event))
        yield "]}"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return "".join(self.stream(_events_of(data)))


# -- schema.org JSON-LD -------------------------------------------------------


def jsonld_event(event: dict) -> dict:
    start, end = date_parts(event["date"])
    item: dict[str, Any] = {
        "@type": "Event",
        "@id": event["url"],
        "identifier": event["key"],
        "name": event["title"],
        "description": event["summary"],
        "url": event["url"],
        "additionalType": event["kind"],
    }
    if start:
        item["startDate"] = iso_parts(start)
    if end:
        item["endDate"] = iso_parts(end)
    if event["modality"] != "actual":
        item["eventStatus"] = "https://schema.org/EventScheduled"
    citations = []
    for source in event["sources"]:
        document = source["document"]
        article: dict[str, Any] = {
            "@type": "NewsArticle",
            "headline": document["title"],
        }
        if http_url(document["url"]):
            article["url"] = document["url"]
        if document["published_on"]:
            article["datePublished"] = document["published_on"]
        if document["publisher"]:
            article["publisher"] = {
                "@type": "Organization",
                "name": document["publisher"],
            }
        citations.append(article)
    if citations:
        item["citation"] = citations
    return item


class JSONLDRenderer(renderers.BaseRenderer):
    """schema.org Event items in an @graph, dates at their native precision."""

    media_type = "application/ld+json"
    format = "jsonld"
    charset = "utf-8"

    def stream(self, events: Iterable[dict]) -> Iterator[str]:
        yield '{"@context": "https://schema.org", "@graph": ['
        for i, event in enumerate(events):
            yield ("," if i else "") + script_safe_json(jsonld_event(event))
        yield "]}"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "id" in data:
            return script_safe_json(
                {"@context": "https://schema.org", **jsonld_event(data)}
            )
        return "".join(self.stream(_events_of(data)))


EXPORT_RENDERERS = (CSVRenderer, ICalendarRenderer, TimelineJSRenderer, JSONLDRenderer)
