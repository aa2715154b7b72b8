"""Concurrent writers of the stored month counts on PostgreSQL.

Two transactions that publish events of the same kind in opposite month
orders used to lock the (kind, month) count rows in opposite orders and
deadlock: PostgreSQL aborted one ("deadlock detected"). The trigger now
takes one advisory lock first (timeline.services.counts), so the second
writer waits for the first to commit and both land.
"""

import contextlib
import threading

import pytest
from django.db import connection, transaction

from tests.factories import EventFactory, EventKindFactory
from timeline.models import Event, EventMonthCount
from timeline.services import counts

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one writer at a time: its writers cannot deadlock",
)


def publish(event_id: int) -> None:
    Event.objects.filter(pk=event_id).update(status=Event.Status.PUBLISHED)


def advisory_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid() AND granted"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_in_opposite_month_orders_does_not_deadlock():
    kind = EventKindFactory(slug="deal")
    january, february = "2023-01-15", "2023-02-15"
    # Rows for both months exist, as on any live database.
    for date in (january, february):
        EventFactory(kind=kind, date_edtf=date, status=Event.Status.PUBLISHED)
    drafts = {
        name: EventFactory(kind=kind, date_edtf=date, status=Event.Status.DRAFT).pk
        for name, date in (
            ("a1", january),
            ("a2", february),
            ("b1", february),
            ("b2", january),
        )
    }
    # Both writers hold their first month before either asks for its second:
    # with row locks that is a deadlock. With the advisory lock the second
    # writer waits inside its first write, the barrier breaks after its
    # timeout, and the first writer goes on and commits.
    barrier = threading.Barrier(2)
    errors = []

    def writer(first: int, second: int) -> None:
        try:
            with transaction.atomic():
                publish(first)
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=2)
                publish(second)
        except Exception as error:  # surfaced in the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=(drafts["a1"], drafts["a2"])),
        threading.Thread(target=writer, args=(drafts["b1"], drafts["b2"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    stored = {
        row.month.month: (row.starts, row.ends)
        for row in EventMonthCount.objects.filter(kind=kind)
    }
    assert stored == {1: (3, 3), 2: (3, 3)}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_writes_that_change_the_counts_take_the_lock():
    event = EventFactory(date_edtf="2023-05", status=Event.Status.PUBLISHED)
    assert advisory_locks_held() == 0  # committed: the lock went with it
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(title="A better title")
        assert advisory_locks_held() == 0
        Event.objects.filter(pk=event.pk).update(date_edtf="2023-06")
        assert advisory_locks_held() == 1


@pytest.mark.django_db
def test_the_trigger_of_migration_0015_takes_the_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = %s", [counts.TRIGGER]
        )
        (source,) = cursor.fetchone()
    assert f"pg_advisory_xact_lock({counts.LOCK_KEY})" in source
