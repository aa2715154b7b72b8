"""Bulk writes with history (`services.history`): the rows and history rows that
`bulk_create` and simple_history's `bulk_create_with_history` would write."""

from decimal import Decimal

import pytest
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from tests.factories import DocumentFactory, EventFactory, EventKindFactory, editor
from timeline.models import Amount, Citation, Entity, Event
from timeline.services.history import rows_create_with_history

pytestmark = pytest.mark.django_db

# Numbered anew, or stamped with the time of writing.
UNCOMPARED = {"id", "history_id", "history_date", "created_at", "updated_at"}


def _entities(user) -> list[Entity]:
    first = Entity(name="Hengrui", kind=Entity.Kind.COMPANY, slug="hengrui")
    first.aliases = ["Jiangsu Hengrui", "恒瑞"]
    first._change_reason = "its own reason"
    second = Entity(name="NMPA", kind=Entity.Kind.GOVERNMENT_BODY, slug="nmpa")
    second._history_user = user
    return [first, second]


def _stored(model) -> list[dict]:
    def values(queryset) -> list[dict]:
        return [
            {k: v for k, v in row.items() if k not in UNCOMPARED}
            for row in queryset.order_by("pk").values()
        ]

    return values(model.objects.all()) + values(model.history.all())


class _Undo(Exception):
    pass


def _written_by(write, model, objs) -> list[dict]:
    """What `write` stores for `objs`, then rolled back."""
    try:
        with transaction.atomic():
            write(objs, model)
            found = _stored(model)
            raise _Undo
    except _Undo:
        return found


@pytest.mark.parametrize("reason", ["ingest", None], ids=["reason", "no-reason"])
def test_bulk_rows_get_the_history_simple_history_writes(reason):
    user = editor()
    event = EventFactory()

    def amounts():
        return [
            Amount(event=event, value=Decimal("1.50"), currency="CNY", text="1.5"),
            Amount(event=event, value=Decimal("20"), currency="USD", text="$20"),
        ]

    for model, objs in ((Entity, lambda: _entities(user)), (Amount, amounts)):
        ours = _written_by(
            lambda o, m: rows_create_with_history(o, m, reason=reason), model, objs()
        )
        theirs = _written_by(
            lambda o, m: bulk_create_with_history(o, m, default_change_reason=reason),
            model,
            objs(),
        )
        assert ours == theirs
        assert len(ours) == 4


def test_bulk_rows_take_the_keys_of_rows_written_before_them():
    kind = EventKindFactory()
    event = Event(key="x-1", title="A drug is approved", kind=kind, date_edtf="2024-05")
    citation = Citation(
        event=event, document=DocumentFactory(), quote="A drug", start=0, end=6
    )

    rows_create_with_history([event], Event, reason="ingest")
    rows_create_with_history([citation], Citation, reason=None)

    assert not event._state.adding and not citation._state.adding
    stored = Citation.objects.get(pk=citation.pk)
    assert stored.event_id == event.pk
    assert stored.created_at == citation.created_at
    # Derived as on every write path.
    assert Event.objects.get(pk=event.pk).date_upper.isoformat() == "2024-05-31"
    assert event.history.get().history_change_reason == "ingest"


def test_bulk_rows_with_keys_of_their_own_keep_them():
    entity = Entity(pk=4321, name="BeiGene", kind=Entity.Kind.COMPANY, slug="beigene")

    rows_create_with_history([entity], Entity, reason="ingest")

    assert Entity.objects.get(pk=4321).name == "BeiGene"
    assert entity.history.get().id == 4321


def test_bulk_rows_refuse_an_unsaved_related_row_and_write_nothing():
    kind = EventKindFactory()
    unsaved = Event(key="x-2", title="Not written", kind=kind, date_edtf="2024-05")
    citation = Citation(
        event=unsaved, document=DocumentFactory(), quote="A drug", start=0, end=6
    )

    with (
        pytest.raises(ValueError, match="unsaved related object 'event'"),
        transaction.atomic(),
    ):
        rows_create_with_history([citation], Citation, reason=None)

    assert not Citation.objects.exists()
    assert not Citation.history.exists()
