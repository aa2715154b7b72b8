"""The lean read path of /api/events/ (timeline.api.pages) answers exactly as
the DRF viewset would, serves only what it can, and hands the rest over."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.middleware.locale import LocaleMiddleware
from django.test import RequestFactory, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.api.conftest import dated_event
from tests.factories import (
    AmountFactory,
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    EventEntityFactory,
    PublisherFactory,
)
from tests.shared_rows import shared_rows
from timeline.api import pages
from timeline.models import Event

pytestmark = pytest.mark.django_db

EDTFS = [
    "2023-09-04",
    "2023-08-21/2023-08-31",
    "2023-05",
    "2023-22",
    "2023-24",
    "2023-40",  # first half of 2023: a season 181 days long
    "2023-37",
    "2023-35",
    "2023",
    "2024~",
    "2022?",
    "2018/2020",
    "2022/2024",
    "2005/..",
    "../2019",
    "202X",
    "19XX",
]
KINDS = ("deal", "plan", "approval")
MODALITIES = ("actual", "planned", "forecast")


@shared_rows
def timeline():
    """Published events of every precision, kind and modality, a draft, and
    one event carrying everything the representation shows."""
    events = []
    for i, edtf in enumerate(EDTFS * 2):
        events.append(
            dated_event(
                edtf,
                kind=KINDS[i % 3],
                modality=MODALITIES[i % 2 if i % 5 else 2],
                title=f'Event {i % 4} "quoted" — 日期\nline',
                sources=i % 3,
            )
        )
    dated_event("2023", status=Event.Status.DRAFT, title="Draft")
    full = events[0]
    AmountFactory(event=full, value=Decimal("1.2345"), text="", is_approximate=True)
    AmountFactory(event=full, value=Decimal("250000000000"), currency="CNY")
    EventEntityFactory(event=full, entity=EntityFactory(wikidata_id="Q148"))
    EventEntityFactory(event=full, role="")
    CitationFactory(event=full, document=DocumentFactory(publisher=None))
    CitationFactory(event=full, document=DocumentFactory(published_on=None))
    CitationFactory(
        event=full, document=DocumentFactory(publisher=PublisherFactory(name="新华社"))
    )
    return events


def full_path(path: str):
    """The same request answered by the DRF viewset alone (through the
    LocaleMiddleware, which both paths pass: errors are translated, so every
    answer varies on Accept-Language)."""
    request = RequestFactory().get(path, HTTP_HOST="testserver")

    def viewset(request):
        response = pages._full_path(request)
        response.render()
        return response

    return LocaleMiddleware(viewset)(request)


def lean_path(path: str):
    return APIClient().get(path)


def assert_same_answer(path: str):
    lean, full = lean_path(path), full_path(path)
    assert lean.status_code == full.status_code, path
    assert lean.json() == json.loads(full.content), path
    assert lean["Content-Type"] == full["Content-Type"]
    if lean.status_code == 200:
        assert lean["Vary"] == full["Vary"]
        assert lean["Allow"] == full["Allow"]
    return lean


QUERIES = [
    "",
    "date=2023",
    "date=2023-05",
    "date=2023-22",
    "date=2018/2020",
    "date=2005/..",
    "date=../2019",
    "date_from=2023-05-15",
    "date_to=2019-06-30",
    "date_from=2023-05-01&date_to=2023-05-31",
    "date_from=2024-02-10&date_to=2024-02-20",
    "date_from=2023&date_to=2023&date_match=within",
    "date=2018/2024&date_match=within",
    "date_from=2023-06&kind=deal",
    "kind=deal,plan&modality=planned",
    "kind=deal&kind=approval&modality=actual,forecast",
    "modality=actual&modality=planned&modality=forecast",
    "ordering=-date&date_from=2020-01-01",
    "page_size=3&date=2023",
    "format=json&date=2023",
]


@pytest.mark.parametrize("query", QUERIES)
def test_lean_pages_equal_the_full_path_page_by_page(timeline, query):
    path = f"/api/events/?{query}&page_size=4" if "page_size" not in query else None
    path = path or f"/api/events/?{query}"
    assert pages.parse_public_query(QueryDict(path.split("?", 1)[1])) is not None
    seen = []
    while path:
        body = assert_same_answer(path).json()
        seen += [event["id"] for event in body["results"]]
        path = body["next"]
    assert len(seen) == len(set(seen))
    assert Event.objects.get(title="Draft").pk not in seen


@pytest.mark.parametrize(
    "query", ["date_from=2023-06", "ordering=-date&kind=deal,plan", "date=2023"]
)
def test_previous_links_walk_back_through_the_same_pages_on_both_paths(timeline, query):
    path = f"/api/events/?{query}&page_size=3"
    forward = []
    while path:
        body = assert_same_answer(path).json()
        forward.append([event["id"] for event in body["results"]])
        assert (body["previous"] is None) == (len(forward) == 1)
        last, path = body, body["next"]
    assert len(forward) > 2
    backward = []
    path = last["previous"]
    while path:
        body = assert_same_answer(path).json()
        backward.append([event["id"] for event in body["results"]])
        assert body["next"] is not None
        path = body["previous"]
    assert backward[::-1] == forward[:-1]


def test_lean_page_carries_every_field_of_the_rich_event(timeline):
    body = lean_path("/api/events/?date=2023-09-04&kind=deal").json()
    (event,) = [e for e in body["results"] if e["id"] == timeline[0].pk]
    assert [a["value"] for a in event["amounts"]] == ["1.2345", "250000000000.0000"]
    assert event["amounts"][0]["is_approximate"] is True
    assert event["entities"][0]["wikidata_id"] == "Q148"
    publishers = [s["document"]["publisher"] for s in event["sources"]]
    assert None in publishers and "新华社" in publishers
    assert None in [s["document"]["published_on"] for s in event["sources"]]
    assert event["title"] == 'Event 0 "quoted" — 日期\nline'
    assert event["url"] == f"http://testserver/api/events/{event['id']}/"


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2023-02-30",  # an impossible day
        "date_from=2023/2024",  # an interval where a day is needed
        "date=2023&date_from=2023-01-01",
        "date_from=2024&date_to=2023",  # inverted
        "date_match=sometimes",
        "kind=nonsense",
        "kind=deal,",
        "modality=perhaps",
        "ordering=title",  # served by the full path (no lean plan for it)
        "page_size=0",
        "page_size=501",
        "cursor=not-a-cursor",
        "status=draft",
        "q=Event",
        "entity=1",
        "unknown=1",
        "updated_since=2023-01-01T00:00:00Z",
        "date=2023&date=2024",
        "date_from=",
    ],
)
def test_what_the_lean_path_does_not_serve_goes_to_the_full_path(timeline, query):
    assert pages.parse_public_query(QueryDict(query)) is None
    assert_same_answer(f"/api/events/?{query}")


def test_signed_in_readers_browsers_and_exports_get_the_full_path(
    timeline, staff_reader
):
    client = APIClient()
    client.force_login(staff_reader)
    drafts = client.get("/api/events/?status=draft").json()["results"]
    assert [e["title"] for e in drafts] == ["Draft"]
    html = APIClient().get("/api/events/", HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert pages.parse_public_query(QueryDict("format=csv")) is None
    csv = APIClient().get("/api/events/?format=csv&date=2023")
    assert csv["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("page_size", [1, 10, 30])
def test_a_lean_page_is_one_query_whatever_its_size(
    timeline, django_assert_num_queries, page_size, unthrottled
):
    with django_assert_num_queries(1):
        body = lean_path(f"/api/events/?date_from=2000-01-01&page_size={page_size}")
    assert len(body.json()["results"]) == page_size
    with django_assert_num_queries(2):  # and the kind lookup
        lean_path(f"/api/events/?date_from=2000-01-01&kind=deal&page_size={page_size}")


def test_lean_pages_have_an_etag_and_answer_304(timeline):
    first = lean_path("/api/events/?date=2023")
    again = APIClient().get("/api/events/?date=2023", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again["Vary"] == "Accept, Authorization, Cookie, Accept-Language"
    Event.objects.filter(pk=timeline[8].pk).update(title="Changed")
    changed = lean_path("/api/events/?date=2023")
    assert changed["ETag"] != first["ETag"]


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_THROTTLE_CLASSES": ["timeline.api.throttling.AnonThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
)
def test_lean_pages_are_throttled_like_the_rest(timeline):
    codes = [lean_path("/api/events/?date=2023").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Retry-After" in lean_path("/api/events/?date=2023")


dates = st.one_of(
    st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)).map(str),
    st.sampled_from(["2023", "2023-05", "2023-22", "2023-40", "202X", "2023-13"]),
    st.sampled_from(["2018/2020", "2005/..", "../2019", "", " 2023", "x"]),
)
query_parts = st.fixed_dictionaries(
    {},
    optional={
        "date_from": dates,
        "date_to": dates,
        "date": dates,
        "date_match": st.sampled_from(["overlaps", "within", "never"]),
        "kind": st.lists(st.sampled_from([*KINDS, "launch", "nope"]), max_size=3),
        "modality": st.lists(st.sampled_from([*MODALITIES, "maybe"]), max_size=3),
        "ordering": st.sampled_from(["date", "-date", "title"]),
        "page_size": st.sampled_from(["1", "3", "50", "0", "x"]),
    },
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(parts=query_parts)
def test_any_query_gets_the_same_answer_from_both_paths(timeline, parts):
    params = QueryDict(mutable=True)
    for name, value in parts.items():
        if isinstance(value, list):
            params.setlist(name, value)
        else:
            params[name] = value
    path = f"/api/events/?{params.urlencode()}"
    body = assert_same_answer(path).json()
    if "next" in body and body["next"]:
        assert_same_answer(body["next"])
