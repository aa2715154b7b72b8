"""Exports of /api/events/ parsed back by real parsers: csv, icalendar, JSON Schema."""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
from html.parser import HTMLParser

import icalendar
import jsonschema
import pytest

from tests.factories import (
    AmountFactory,
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    PublisherFactory,
)
from timeline.api.renderers import CSV_COLUMNS
from timeline.models import Citation

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.status_code == 200
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def exported(make_event):
    return {
        "day": make_event("2023-09-04", sources=2, title="Approval, with comma"),
        "month": make_event("2023-08", kind="approval"),
        "late_august": make_event("2023-08-21/2023-08-31"),
        "years": make_event("2018/2020"),
        "since": make_event("2005/..", kind="policy"),
        "until": make_event("../2030"),
        "draft": make_event("2023-05", status="draft"),
    }


def test_csv_has_one_row_per_event_with_first_source_and_count(api, exported):
    response = api.get("/api/events/?format=csv&date=2023")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == CSV_COLUMNS
    by_id = {int(r["id"]): r for r in rows}
    assert set(by_id) == {
        exported[k].pk for k in ("day", "month", "late_august", "since", "until")
    }
    day = by_id[exported["day"].pk]
    first = exported["day"].citations.order_by("id").first()
    assert day["title"] == "Approval, with comma"
    assert day["sources_count"] == "2"
    assert day["source_quote"] == first.quote
    assert day["source_title"] == first.document.title
    since = by_id[exported["since"].pk]
    assert (since["date_lower"], since["date_upper"]) == ("2005-01-01", "")


FORMULAS = {
    "title": '=HYPERLINK("https://evil.example/","Click")',
    "summary": "+1+cmd|' /C calc'!A0",
    "entities": "@SUM(1+1)*cmd|' /C calc'!A0 (buyer)",
    "amounts": "-2+3+cmd|' /C calc'!A0",
    "source_title": "\t=1+1",
    "source_publisher": "\r=1+1",
}


def test_csv_cells_cannot_run_as_formulas(api, make_event):
    entity = EntityFactory(name=FORMULAS["entities"].removesuffix(" (buyer)"))
    event = make_event(
        title=FORMULAS["title"], summary=FORMULAS["summary"], entity=entity
    )
    AmountFactory(event=event, text=FORMULAS["amounts"])
    document = DocumentFactory(
        title=FORMULAS["source_title"],
        publisher=PublisherFactory(name=FORMULAS["source_publisher"]),
    )
    CitationFactory(event=event, document=document)
    plain = make_event(title="Plain title", sources=1)
    text = body(api.get("/api/events/?format=csv"))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    by_id = {int(r["id"]): r for r in rows}  # ids stay plain integers
    row = by_id[event.pk]
    assert {name: row[name] for name in FORMULAS} == {
        name: "'" + value for name, value in FORMULAS.items()
    }
    assert row["sources_count"] == "1"
    assert by_id[plain.pk]["title"] == "Plain title"
    assert by_id[plain.pk]["date_lower"] == "2023-09-04"


@pytest.mark.parametrize("value", ["1", "true"])
def test_csv_bom_starts_the_file_with_a_utf8_byte_order_mark(api, make_event, value):
    event = make_event(title="上海生物医药 — plan", sources=1)
    list_body = b"".join(
        api.get(f"/api/events/?format=csv&bom={value}").streaming_content
    )
    detail_body = api.get(f"/api/events/{event.pk}/?format=csv&bom={value}").content
    for raw in (list_body, detail_body):
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert list(rows[0]) == CSV_COLUMNS
        assert [r["title"] for r in rows] == ["上海生物医药 — plan"]


@pytest.mark.parametrize("query", ["", "&bom=0", "&bom=false"])
def test_csv_has_no_byte_order_mark_unless_asked(api, make_event, query):
    make_event()
    assert body(api.get(f"/api/events/?format=csv{query}")).startswith("id,url,")


@pytest.mark.parametrize("path", ["/api/events/", "/api/events/{pk}/"])
def test_csv_bom_must_be_a_boolean(api, make_event, path):
    event = make_event()
    response = api.get(path.format(pk=event.pk) + "?format=csv&bom=excel")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"bom": ["Must be a valid boolean."]}


def test_csv_applies_every_filter(api, exported):
    rows = list(
        csv.DictReader(
            io.StringIO(body(api.get("/api/events/?format=csv&kind=policy")))
        )
    )
    assert [int(r["id"]) for r in rows] == [exported["since"].pk]


def test_ics_parses_with_all_day_and_spanning_events(api, exported):
    response = api.get("/api/events/?format=ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(body(response))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 6  # the draft is not public
    day = events[f"event-{exported['day'].pk}@timeline"]
    assert day.decoded("DTSTART") == datetime.date(2023, 9, 4)
    assert day.decoded("DTEND") == datetime.date(2023, 9, 5)
    month = events[f"event-{exported['month'].pk}@timeline"]
    assert month.decoded("DTSTART") == datetime.date(2023, 8, 1)
    assert month.decoded("DTEND") == datetime.date(2023, 9, 1)
    assert "precision: month" in str(month["DESCRIPTION"])
    since = events[f"event-{exported['since'].pk}@timeline"]
    assert since.decoded("DTSTART") == datetime.date(2005, 1, 1)
    assert "since 2005" in str(since["DESCRIPTION"])
    until = events[f"event-{exported['until'].pk}@timeline"]
    assert until.decoded("DTSTART") == datetime.date(2030, 12, 31)


TIMELINEJS_DATE = {
    "type": "object",
    "required": ["year"],
    "properties": {
        "year": {"type": "integer"},
        "month": {"type": "integer", "minimum": 1, "maximum": 12},
        "day": {"type": "integer", "minimum": 1, "maximum": 31},
    },
    "additionalProperties": False,
}
TIMELINEJS_SCHEMA = {
    "type": "object",
    "required": ["events"],
    "properties": {
        "title": {"type": "object"},
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start_date", "text", "unique_id"],
                "properties": {
                    "start_date": TIMELINEJS_DATE,
                    "end_date": TIMELINEJS_DATE,
                    "display_date": {"type": "string"},
                    "group": {"type": "string"},
                    "text": {
                        "type": "object",
                        "properties": {
                            "headline": {"type": "string"},
                            "text": {"type": "string"},
                        },
                    },
                    "media": {
                        "type": "object",
                        "required": ["url"],
                        "properties": {
                            "url": {"type": "string"},
                            "credit": {"type": "string"},
                            "caption": {"type": "string"},
                        },
                    },
                    "unique_id": {"type": "string"},
                },
            },
        },
    },
}


def test_timelinejs_dates_carry_only_justified_parts(api, exported):
    data = json.loads(body(api.get("/api/events/?format=timelinejs")))
    jsonschema.validate(data, TIMELINEJS_SCHEMA)
    slides = {s["unique_id"]: s for s in data["events"]}
    day = slides[f"event-{exported['day'].pk}"]
    assert day["start_date"] == {"year": 2023, "month": 9, "day": 4}
    assert "end_date" not in day
    assert day["display_date"] == "4 September 2023"
    assert day["text"]["text"].count("<blockquote>") == 2
    assert day["text"]["text"].count('<p class="tl-source">— <a href="https://') == 2
    assert slides[f"event-{exported['month'].pk}"]["start_date"] == {
        "year": 2023,
        "month": 8,
    }
    assert slides[f"event-{exported['month'].pk}"]["group"] == "approval"
    years = slides[f"event-{exported['years'].pk}"]
    assert (years["start_date"], years["end_date"]) == ({"year": 2018}, {"year": 2020})
    late = slides[f"event-{exported['late_august'].pk}"]
    assert late["end_date"] == {"year": 2023, "month": 8, "day": 31}
    assert late["display_date"] == "late August 2023"


HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture
def hostile(make_event):
    """An event whose title, summary, quote and source carry HTML, with a
    second source whose URL is `javascript:` and a third without a URL."""
    event = make_event(title=f"Deal {HOSTILE}", summary=f"Summary {HOSTILE}")
    text = f"Article\n\nShanghai said {HOSTILE} on Monday. Nothing else.\n"
    quote = f"Shanghai said {HOSTILE} on Monday."
    document = DocumentFactory(
        title=f"Title {HOSTILE}",
        publisher=PublisherFactory(name=f"Press {HOSTILE}"),
        url="https://news.example.org/a?b=1&c=2",
        text=text,
    )
    start = text.index(quote)
    Citation.objects.create(
        event=event, document=document, quote=quote, start=start, end=start + len(quote)
    )
    CitationFactory(event=event, document=DocumentFactory(url="javascript:alert(1)"))
    CitationFactory(event=event, document=DocumentFactory(url=""))
    return event


class ScriptData(HTMLParser):
    """What a browser reads as the content of each <script> element of a page."""

    def __init__(self, page: str):
        super().__init__()
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


BREAKOUT = "Deal </script><!-- & <script>alert(1)</script>"


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/?format=jsonld",
        "/api/events/{pk}/?format=jsonld",
        "/api/events/?format=timelinejs",
        "/api/events/{pk}/?format=timelinejs",
    ],
    ids=["jsonld-list", "jsonld-detail", "timelinejs-list", "timelinejs-detail"],
)
def test_json_exports_stay_inside_a_script_element(api, make_event, path):
    event = make_event(title=BREAKOUT, summary="<!-- a & b -->", sources=1)
    response = api.get(path.format(pk=event.pk))
    assert response.status_code == 200
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert not {"<", ">", "&"} & set(raw), "escaped as \\u003C \\u003E \\u0026"
    page = f'<html><script type="application/ld+json">{raw}</script><p>after</p>'
    (script,) = ScriptData(page).scripts
    assert script == raw
    data = json.loads(script)
    if "jsonld" in path:
        items = data.get("@graph", [data])
        assert [item["name"] for item in items] == [BREAKOUT]
        assert items[0]["description"] == "<!-- a & b -->"
    else:
        (slide,) = data["events"]
        assert slide["text"]["headline"] == html.escape(BREAKOUT)


class Markup(HTMLParser):
    """The tags and attributes of an HTML fragment, as a browser would see them."""

    def __init__(self, fragment: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_timelinejs_escapes_html_and_links_only_http_sources(api, hostile):
    raw = body(api.get("/api/events/?format=timelinejs"))
    assert "<img" not in raw
    assert "<script" not in raw
    data = json.loads(raw)
    jsonschema.validate(data, TIMELINEJS_SCHEMA)
    (slide,) = data["events"]
    escaped = "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
    assert slide["text"]["headline"] == f"Deal {escaped}"
    assert "media" not in slide  # the sources are in the text
    text = slide["text"]["text"]
    tags = Markup(text).tags
    assert {tag for tag, _ in tags} == {"p", "blockquote", "a"}
    links = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert links == ["https://news.example.org/a?b=1&c=2"]  # parsed: &amp; is &
    assert "javascript:" not in text
    assert text.startswith(f"<p>Summary {escaped}</p>")
    assert f"<blockquote>Shanghai said {escaped} on Monday.</blockquote>" in text
    assert (
        '<p class="tl-source">— <a href="https://news.example.org/a?b=1&amp;c=2" '
        f'target="_blank" rel="noopener noreferrer">Title {escaped}</a>, '
        f"Press {escaped}, 2023-09-04</p>"
    ) in text
    for citation in hostile.citations.order_by("id")[1:]:  # named, not linked
        assert f"— {citation.document.title}, " in text


JSONLD_SCHEMA = {
    "type": "object",
    "required": ["@context", "@graph"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@graph": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["@type", "name", "url"],
                "properties": {
                    "@type": {"const": "Event"},
                    "startDate": {"type": "string", "pattern": r"^\d{4}(-\d{2}){0,2}$"},
                    "endDate": {"type": "string", "pattern": r"^\d{4}(-\d{2}){0,2}$"},
                    "citation": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["@type", "headline"],
                            "properties": {"@type": {"const": "NewsArticle"}},
                        },
                    },
                },
            },
        },
    },
}


def test_jsonld_events_have_native_precision_and_cite_articles(api, exported):
    response = api.get("/api/events/?format=jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(body(response))
    jsonschema.validate(data, JSONLD_SCHEMA)
    items = {item["identifier"]: item for item in data["@graph"]}
    assert items[exported["day"].key]["startDate"] == "2023-09-04"
    assert len(items[exported["day"].key]["citation"]) == 2
    assert items[exported["month"].key]["startDate"] == "2023-08"
    assert "endDate" not in items[exported["since"].key]
    assert items[exported["years"].key]["endDate"] == "2020"


@pytest.mark.parametrize("fmt", ["json", "csv", "ics", "timelinejs", "jsonld"])
def test_detail_renders_in_every_format(api, exported, fmt):
    response = api.get(f"/api/events/{exported['day'].pk}/?format={fmt}")
    assert response.status_code == 200
    assert "with comma" in response.content.decode()  # ICS escapes the comma


def test_jsonld_gives_a_citation_url_only_when_it_is_http(api, hostile):
    data = json.loads(body(api.get("/api/events/?format=jsonld")))
    (item,) = data["@graph"]
    assert [article.get("url") for article in item["citation"]] == [
        "https://news.example.org/a?b=1&c=2",
        None,  # javascript:alert(1)
        None,  # no URL
    ]
