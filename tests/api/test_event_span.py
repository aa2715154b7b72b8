"""The longest stored interval bounds the date plan's free-interval arm: it is
derived with the other date fields, counts from the next request however it
was written, and is read from its own index."""

from __future__ import annotations

import pytest

from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("write", ["save", "update", "bulk_create"])
def test_a_longer_interval_is_found_at_once_however_it_was_written(
    api, make_event, write
):
    # The plan bounds free intervals by the longest one stored; it is read in
    # the page query itself, so a new, longer one counts from the next request.
    make_event("2022/2023")
    assert api.get("/api/events/?date=2023-06").json()["results"]
    if write == "save":
        long = make_event("1990/2030")
    elif write == "update":
        long = make_event("2023-06-01")
        Event.objects.filter(pk=long.pk).update(date_edtf="1990/2030")
    else:
        (long,) = Event.objects.bulk_create(
            [
                Event(
                    key="long",
                    title="Long",
                    kind=long_kind(),
                    date_edtf="1990/2030",
                    status=Event.Status.PUBLISHED,
                )
            ]
        )
    for query in ("date=2023-06", "date=2023-06&ordering=title"):  # lean, full
        ids = [e["id"] for e in api.get(f"/api/events/?{query}").json()["results"]]
        assert long.pk in ids, query


def long_kind():
    return EventKind.objects.get(slug="deal")


@pytest.mark.parametrize(
    ("edtf", "span"),
    [("2023-09-04", 0), ("2023", 364), ("2018/2020", 1095), ("2005/..", None)],
)
def test_the_span_is_derived_with_the_other_date_fields(make_event, edtf, span):
    assert make_event(edtf).date_span_days == span


@pytest.mark.requires_sqlite
def test_the_longest_interval_is_read_from_the_span_index_alone():
    # Other indexes lead with date_precision too; without statistics SQLite
    # once chose one of them and read every interval event.
    from django.db import connection

    from timeline.selectors.pages import SPAN_INDEX, _longest_interval_sql

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN " + _longest_interval_sql(connection), ["interval"]
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert f"COVERING INDEX {SPAN_INDEX}" in plan
