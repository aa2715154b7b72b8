"""The list endpoint's fast paths give exactly what the ORM paths give.

`event_page_ids` runs the overlap UNION as SQL spliced from one compiled query,
`event_rows_by_ids` reads pages as plain rows, and plain ISO window dates skip
the EDTF parser: each is compared here with the slower path it replaces.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Value
from django.http import QueryDict
from django.test import RequestFactory

from corpus.dates import describe_edtf
from tests.api.conftest import dated_event
from tests.factories import (
    AmountFactory,
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    EventEntityFactory,
)
from tests.shared_rows import shared_rows
from timeline import selectors
from timeline.api.filters import EventFilterSet, parse_window_value
from timeline.api.serializers import (
    EventSerializer,
    event_representation,
    event_url_prefix,
)
from timeline.selectors import pages

pytestmark = pytest.mark.django_db

SHAPES = [
    "2022-12-31",
    "2023-01-01",
    "2023-08-21/2023-08-31",
    "2023-09-04",
    "2023-22",
    "2023-24",
    "2023-40",  # first half of 2023: seasons reach 181 days
    "2023-37",
    "2023",
    "2024~",
    "2018/2020",
    "2022/2024",
    "2005/..",
    "../2019",
    "198X",
    "19XX",
    "2023-05",
    # The extremes that stand for open ends, as real dates: still found.
    "0001-01-01",
    "0001-01-01/..",
    "9999-12-31",
]
WINDOWS = [
    "date_from=2023-01-01&date_to=2023-12-31",
    "date_from=2023-08-25",
    "date_from=2019-12-31&date_to=2020-01-01",
    "date_from=1990-01-01&date_to=1990-12-31",
    "date_from=2024-02&date_to=2024-02",
    "date_from=2023-05-20&date_to=2023-05-31",
    "date=2023-22",
    "date=2005/..",
    "date_from=0001-01-02",
]


@shared_rows
def corpus():
    events = []
    for i, edtf in enumerate(SHAPES * 3):
        kind = ("deal", "plan", "approval")[i % 3]
        events.append(dated_event(edtf, kind=kind, title=f"Event {i % 7}"))
    return events


def orm_page_ids(filterset, ordering, limit, after):
    """The UNION ALL of `overlap_arms` as the ORM builds it (the reference)."""
    qs = filterset.qs
    if after is not None:
        qs = qs.filter(selectors.keyset_after(ordering, after))
    keys = qs.order_by().values_list(*ordering.fields)
    return pages._page_ids_through_orm(keys, ordering, limit, filterset.overlap_from)


def plain_page_ids(filterset, ordering, limit, after):
    """The same page with no interval plan at all: the plain overlap filter."""
    return selectors.event_page_ids(
        filterset.qs, ordering=ordering, limit=limit, after=after
    )


@pytest.mark.parametrize("ordering", ["date", "-date", "updated", "-title"])
@pytest.mark.parametrize("kinds", ["", "&kind=deal", "&kind=plan,approval"])
@pytest.mark.parametrize("window", WINDOWS)
def test_spliced_union_pages_equal_the_orm_union_and_the_plain_filter(
    corpus, window, kinds, ordering
):
    filterset = EventFilterSet(
        QueryDict(f"{window}{kinds}&ordering={ordering}"),
        queryset=selectors.event_queryset(),
    )
    assert filterset.is_valid(), filterset.errors
    assert filterset.overlap_from is not None
    order = selectors.ORDERINGS[ordering]
    after, pages = None, []
    while True:
        page = selectors.event_page_ids(
            filterset.qs,
            ordering=order,
            limit=4,
            after=after,
            overlap_from=filterset.overlap_from,
        )
        assert page == orm_page_ids(filterset, order, 4, after)
        assert page == plain_page_ids(filterset, order, 4, after)
        pages += page
        if len(page) < 4:
            break
        after = page[-1]
    assert len(pages) == len(set(pages))


def test_spliced_union_keeps_distinct_and_subquery_filters(corpus, entity):
    EventEntityFactory(event=corpus[0], entity=entity)
    EventEntityFactory(event=corpus[3], entity=entity)
    filterset = EventFilterSet(
        QueryDict(f"date_from=2000-01-01&modality=actual&entity={entity.pk}&q=Event"),
        queryset=selectors.event_queryset(),
    )
    assert filterset.is_valid(), filterset.errors
    order = selectors.ORDERINGS["date"]
    page = selectors.event_page_ids(
        filterset.qs, ordering=order, limit=10, overlap_from=filterset.overlap_from
    )
    assert page == orm_page_ids(filterset, order, 10, None)
    assert {key[-1] for key in page} <= {corpus[0].pk, corpus[3].pk}


def test_annotated_queries_take_the_orm_union(corpus):
    qs = (
        selectors.event_queryset()
        .annotate(marker=Value(1))
        .overlapping(datetime.date(2023, 1, 1), None)
    )
    order = selectors.ORDERINGS["date"]
    page = selectors.event_page_ids(
        qs, ordering=order, limit=50, overlap_from=datetime.date(2023, 1, 1)
    )
    expected = list(
        qs.order_by(*selectors.order_by_args(order)).values_list(*order.fields)
    )
    assert page == expected


def test_an_empty_kind_list_gives_an_empty_page(corpus):
    qs = (
        selectors.event_queryset()
        .filter(kind__in=[])
        .overlapping(datetime.date(2023, 1, 1), None)
    )
    page = selectors.event_page_ids(
        qs,
        ordering=selectors.ORDERINGS["date"],
        limit=5,
        overlap_from=datetime.date(2023, 1, 1),
    )
    assert page == []


@pytest.fixture
def rich_events(make_event):
    full = make_event("2023-22", title="Full", summary="With everything.")
    AmountFactory(event=full, value=Decimal("1.5"), text="", is_approximate=True)
    AmountFactory(event=full)
    EventEntityFactory(event=full, entity=EntityFactory(wikidata_id="Q148"))
    EventEntityFactory(event=full, role="")
    CitationFactory(event=full)
    CitationFactory(event=full, document=DocumentFactory(publisher=None))
    CitationFactory(event=full, document=DocumentFactory(published_on=None))
    return [
        full,
        make_event("2005/..", title="Since"),
        make_event("../2019", title="Until"),
        make_event("2023-09-04", title="Bare"),
    ]


def test_page_rows_render_exactly_like_the_event_serializer(rich_events):
    request = RequestFactory().get("/api/events/", HTTP_HOST="127.0.0.1")
    ids = [event.pk for event in reversed(rich_events)]
    rows = selectors.event_rows_by_ids([*ids, 10**9, ids[0]])
    prefix = event_url_prefix(request)
    fast = [event_representation(r, url=f"{prefix}{r['id']}/") for r in rows]
    slow = EventSerializer(
        selectors.events_by_ids(ids), many=True, context={"request": request}
    ).data
    assert fast == slow
    assert [event["id"] for event in fast] == ids
    assert fast[-1]["url"] == f"http://127.0.0.1/api/events/{ids[-1]}/"
    assert len(fast[-1]["sources"]) == 3
    assert {s["document"]["publisher"] is None for s in fast[-1]["sources"]} == {
        True,
        False,
    }


def test_page_rows_take_four_queries(rich_events, django_assert_num_queries):
    ids = [event.pk for event in rich_events]
    selectors.event_rows_by_ids(ids)  # compiled once per shape and thread
    with django_assert_num_queries(4):
        assert len(selectors.event_rows_by_ids(ids)) == len(ids)
    assert selectors.event_rows_by_ids([]) == []


@pytest.mark.parametrize(
    "value",
    ["2023-01-01", "2024-02-29", "0999-12-31", "9998-06-15", "2023-08", "2023"],
)
@pytest.mark.parametrize("end", [False, True])
def test_window_dates_parse_like_edtf(value, end):
    info = describe_edtf(value)
    assert parse_window_value(value, end=end) == (info.upper if end else info.lower)


@pytest.mark.parametrize("value", ["2023-02-30", "2023-13-01", "0000-01-01"])
def test_impossible_iso_days_are_a_400_naming_the_parameter(api, value):
    response = api.get(f"/api/events/?date_from={value}")
    assert response.status_code == 400
    assert "date_from" in response.json()
