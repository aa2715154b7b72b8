"""The stored month counts: kept equal to a fresh count of the events by every
write path, and the timeline's counts from them equal counting the events."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import EventKindFactory, SourcedEventFactory, superuser
from timeline.models import Event, EventMonthCount
from timeline.selectors import windows
from timeline.services import counts
from timeline.services.events import event_delete, event_merge, event_update
from timeline.services.review import event_publish, event_submit, event_withdraw
from timeline.site.views import count_scope, public_filterset

pytestmark = pytest.mark.django_db

KINDS = ("deal", "plan", "launch")
DATES = (
    "2023-09-04",
    "2023-09-30",
    "2023-10-01",
    "2023-09",
    "2023",
    "2023~",
    "2021/2025",
    "2023-08-21/2023-10-03",
    "2005/..",
    "../2024-02",
    "196X",
    "19XX",
    "2022-24",
    "2024-02-29",
)


def fresh_counts() -> dict[tuple[int, datetime.date], tuple[int, int]]:
    found: Counter = Counter()
    public = Event.objects.filter(status=Event.Status.PUBLISHED, merged_into=None)
    for kind, lower, upper in public.values_list("kind", "date_lower", "date_upper"):
        found[kind, lower.replace(day=1), "starts"] += 1
        found[kind, upper.replace(day=1), "ends"] += 1
    keys = {(kind, month) for kind, month, _ in found}
    return {
        key: (found[(*key, "starts")], found[(*key, "ends")]) for key in sorted(keys)
    }


def stored_counts() -> dict[tuple[int, datetime.date], tuple[int, int]]:
    rows = EventMonthCount.objects.exclude(starts=0, ends=0)
    return {
        (row.kind_id, row.month): (row.starts, row.ends)
        for row in rows.order_by("kind_id", "month")
    }


def new_event(rng: random.Random, *, status: str = Event.Status.DRAFT) -> Event:
    return SourcedEventFactory(
        kind=EventKindFactory(slug=rng.choice(KINDS)),
        date_edtf=rng.choice(DATES),
        status=status,
    )


def test_stored_counts_equal_a_fresh_count_after_random_writes(db):
    rng = random.Random(13)
    admin = superuser()
    events = [new_event(rng, status=rng.choice(Event.Status.values)) for _ in range(8)]
    assert stored_counts() == fresh_counts()

    def pick(**filters) -> Event | None:
        found = list(Event.objects.filter(merged_into=None, **filters).order_by("pk"))
        return rng.choice(found) if found else None

    def some_ids() -> list[int]:
        ids = list(Event.objects.order_by("pk").values_list("pk", flat=True))
        return rng.sample(ids, min(3, len(ids)))

    def publish() -> None:
        event = pick(status=Event.Status.DRAFT)
        if event:
            event_submit(event=event, user=admin)
            event_publish(event=event, user=admin)

    def withdraw() -> None:
        event = pick(status=Event.Status.PUBLISHED)
        if event:
            event_withdraw(event=event, user=admin)

    def edit() -> None:
        event = pick()
        if event:
            data = {"date_edtf": rng.choice(DATES), "kind": rng.choice(KINDS)}
            event_update(
                event=event, data=data, user=admin, expected_version=event.version
            )

    def merge() -> None:
        survivor = pick(status=Event.Status.PUBLISHED)
        other = pick(status=Event.Status.PUBLISHED)
        if survivor and other and survivor.pk != other.pk:
            event_merge(survivor=survivor, others=[other], user=admin)

    def delete() -> None:
        event = pick(merged_events=None)
        if event:
            event_delete(event=event, user=admin)

    def bulk_status() -> None:
        Event.objects.filter(pk__in=some_ids()).update(
            status=rng.choice(Event.Status.values)
        )

    def bulk_date() -> None:
        Event.objects.filter(pk__in=some_ids()).update(date_edtf=rng.choice(DATES))

    def bulk_create() -> None:
        kind = EventKindFactory(slug=rng.choice(KINDS))
        Event.objects.bulk_create(
            Event(
                key=f"bulk-{rng.random()}",
                title="Bulk",
                kind=kind,
                date_edtf=rng.choice(DATES),
                status=Event.Status.PUBLISHED,
            )
            for _ in range(3)
        )

    def create() -> None:
        events.append(new_event(rng))

    # Writes that make events public come up more often, so that there is
    # always something public to change.
    steps = [publish, publish, create, bulk_create, edit, edit, withdraw, merge]
    steps += [delete, bulk_status, bulk_date]
    public_after = []
    for _ in range(80):
        step = rng.choice(steps)
        step()
        assert stored_counts() == fresh_counts(), step.__name__
        public_after.append(len(stored_counts()))
    assert min(public_after[10:]) > 0  # the sequence kept events public


def random_window(rng: random.Random) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(2000))
    if rng.random() < 0.3:
        start = start.replace(day=1)
    length = rng.choice((0, 6, 30, 45, 200, 365, 900, 1500, 4000))
    end = start + datetime.timedelta(days=length)
    if rng.random() < 0.3:  # to a month's end
        following = (end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        end = following - datetime.timedelta(days=1)
    return start, end


@pytest.mark.parametrize("kinds", [(), ("deal",), ("deal", "plan")], ids=str)
def test_stored_window_counts_equal_counting_the_events(db, kinds):
    rng = random.Random(7)
    for _ in range(60):
        event = new_event(rng, status=Event.Status.PUBLISHED)
        if rng.random() < 0.2:  # unpublished or merged events count nowhere
            event.status = Event.Status.DRAFT
            event.save()
    params = {"kind": ",".join(kinds)} if kinds else {}
    filterset = public_filterset(params)
    assert filterset.is_valid()
    for _ in range(40):
        start, end = random_window(rng)
        scope = count_scope(filterset, start, end)
        assert scope is not None
        stored = windows.timeline_window(
            filterset.qs, start=start, end=end, cap=0, scope=scope
        )
        counted = windows.timeline_window(filterset.qs, start=start, end=end, cap=0)
        assert stored.buckets == counted.buckets, (start, end)
        assert stored.unit == counted.unit


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date.min, datetime.date.max),
        (datetime.date(9998, 6, 15), datetime.date.max),
        (datetime.date.min, datetime.date(2, 3, 4)),
    ],
    ids=["all time", "to the last day", "from the first day"],
)
def test_windows_at_the_ends_of_the_calendar_are_counted_alike(db, start, end):
    rng = random.Random(11)
    for _ in range(20):
        new_event(rng, status=Event.Status.PUBLISHED)
    for edtf in ("2005/..", "../2024-02"):
        SourcedEventFactory(date_edtf=edtf, status=Event.Status.PUBLISHED)
    filterset = public_filterset({})
    assert filterset.is_valid()
    scope = count_scope(filterset, start, end)
    stored = windows.timeline_window(
        filterset.qs, start=start, end=end, cap=0, scope=scope
    )
    counted = windows.timeline_window(filterset.qs, start=start, end=end, cap=0)
    assert stored.buckets == counted.buckets
    assert stored.buckets  # the open-ended events reach both ends


def test_small_windows_still_show_their_events(db):
    for edtf in ("2023-09-04", "2005/..", "2021/2025", "2024~", "2023"):
        SourcedEventFactory(date_edtf=edtf, status=Event.Status.PUBLISHED)
    filterset = public_filterset({})
    assert filterset.is_valid()
    start, end = datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)
    scope = count_scope(filterset, start, end)
    window = windows.timeline_window(filterset.qs, start=start, end=end, scope=scope)
    assert not window.aggregated and len(window.items) == 5


@pytest.mark.parametrize(
    ("params", "usable"),
    [
        ({}, True),
        ({"kind": "deal"}, True),
        ({"date_from": "2000", "date_to": "2030"}, True),
        ({"date_from": "2020"}, False),  # narrower than the window
        ({"date_from": "2000", "date_match": "within"}, False),
        ({"modality": "actual"}, False),
        ({"q": "deal"}, False),
        ({"status": "published"}, True),
    ],
    ids=str,
)
def test_stored_counts_serve_only_kind_and_window_filters(db, params, usable):
    EventKindFactory(slug="deal")
    filterset = public_filterset(params)
    assert filterset.is_valid(), filterset.errors
    start, end = datetime.date(2010, 1, 1), datetime.date(2019, 12, 31)
    assert (count_scope(filterset, start, end) is not None) == usable


def test_rebuild_event_counts_recounts_and_puts_the_triggers_back(db):
    rng = random.Random(5)
    for _ in range(6):
        new_event(rng, status=Event.Status.PUBLISHED)
    with connection.cursor() as cursor:
        for statement in counts.drop_trigger_sql(connection.vendor):
            cursor.execute(statement)
    new_event(rng, status=Event.Status.PUBLISHED)  # not counted: no triggers
    assert stored_counts() != fresh_counts()
    out = StringIO()
    call_command("rebuild_event_counts", stdout=out)
    assert "month rows" in out.getvalue()
    assert stored_counts() == fresh_counts()
    new_event(rng, status=Event.Status.PUBLISHED)  # counted again
    assert stored_counts() == fresh_counts()


def test_count_triggers_exist():
    """A migration that rebuilds the event table on SQLite (as its ALTERs
    do) drops its triggers: this fails until 0015's are recreated."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = {
                f"{counts.TRIGGER}_{op}" for op in ("insert", "update", "delete")
            }
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {counts.TRIGGER}
        assert expected <= {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_flush_leaves_no_counts_behind():
    """Test runs flush the database between transactional tests: deleting
    the events must neither fail (a decrement inserting a row for a kind
    already deleted) nor leave rows (the table emptied before the events)."""
    rng = random.Random(17)
    for _ in range(5):
        new_event(rng, status=Event.Status.PUBLISHED)
    call_command("flush", interactive=False, verbosity=0)
    assert not EventMonthCount.objects.exists()
