"""Changes to published events wait for an editor; the published version stays live.

Every write to an event's public content (its fields, sources, amounts and
entity links) goes through `event_change`. For a published event changed by
someone who cannot publish, the change is made inside a savepoint, the
resulting content is recorded as a pending EventRevision, and the savepoint is
rolled back: the public keeps seeing the live version until an editor
publishes the revision (`revision_publish`) or rejects it (`revision_reject`).

A revision stores the content before (`base`) and after (`proposed`) the
change, so publishing applies the change's own delta: what others changed
meanwhile is kept, unless the revision changed the same field (the diff shows
those conflicts to the editor). `snapshot_restore` replaces the content
wholesale, which is what reverting to an old version does.
"""

from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from timeline.models import Amount, Citation, Event, EventEntity, EventRevision
from timeline.services.changes import public_changes_record
from timeline.services.events import (
    DESCRIBED_FIELDS,
    EDITABLE_FIELDS,
    change_reason,
    delete_with_history,
    require_permission,
)

PUBLISH_PERMISSION = "timeline.publish_event"

# The event fields a revision carries (what the public sees, plus the key),
# in the order a person reads an event.
CONTENT_FIELDS = tuple(f for f in DESCRIBED_FIELDS if f in EDITABLE_FIELDS)
RELATIONS = ("citations", "amounts", "entities")

# Set while a change is being recorded as a revision: nested calls (a service
# called from inside the change) then write directly into the savepoint.
_recording: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "timeline_recording_revision", default=False
)


class SourceRequired(ValidationError):
    """A published event must keep at least one accepted source."""


def user_can_publish(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PUBLISH_PERMISSION))


def change_needs_review(*, event: Event, user: Any) -> bool:
    """Whether `user`'s change to `event` must wait for an editor."""
    return event.status == Event.Status.PUBLISHED and not user_can_publish(user)


def in_public_use(obj: Any) -> bool:
    """Whether a catalogue row (entity, kind, document, publisher) shows in a
    published event, so that changing it changes public content."""
    from corpus.models import Document, Publisher
    from timeline.models import Entity, EventKind

    published = Event.objects.published().filter(merged_into__isnull=True)
    if isinstance(obj, Entity):
        return published.filter(roles__entity=obj).exists()
    if isinstance(obj, EventKind):
        return published.filter(kind=obj).exists()
    if isinstance(obj, Document):
        return published.filter(citations__document=obj).exists()
    if isinstance(obj, Publisher):
        return published.filter(citations__document__publisher=obj).exists()
    return False


def catalog_change_check(*, obj: Any, user: Any) -> None:
    """Refuse a change to a catalogue row published events show, unless by an editor.

    Such rows are not versioned per event, so there is no revision to wait in:
    a curator asks an editor instead.
    """
    if obj.pk is not None and in_public_use(obj) and not user_can_publish(user):
        raise PermissionDenied(
            f"“{obj}” appears in published events: only an editor can change it."
        )


# -- snapshots ---------------------------------------------------------------


def _amount_value(value: Any) -> str:
    return str(Decimal(value).quantize(Decimal("0.0001")))


def event_snapshot(event: Event) -> dict[str, Any]:
    """The event's content as plain JSON: fields, sources, amounts, entities."""
    fields = {name: getattr(event, name) for name in CONTENT_FIELDS if name != "kind"}
    fields["kind"] = event.kind_id
    citations = sorted(
        (
            {
                "document": c.document_id,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "needs_review": c.needs_review,
            }
            for c in Citation.objects.filter(event_id=event.pk)
        ),
        key=_citation_key,
    )
    amounts = sorted(
        (
            {
                "value": _amount_value(a.value),
                "currency": a.currency,
                "text": a.text,
                "is_approximate": a.is_approximate,
            }
            for a in Amount.objects.filter(event_id=event.pk)
        ),
        key=_amount_key,
    )
    entities = sorted(
        (
            {"entity": r.entity_id, "role": r.role}
            for r in EventEntity.objects.filter(event_id=event.pk)
        ),
        key=_entity_key,
    )
    return {
        "fields": fields,
        "citations": citations,
        "amounts": amounts,
        "entities": entities,
    }


def _citation_key(row: dict) -> tuple:
    return (row["document"], row["start"], row["end"])


def _amount_key(row: dict) -> tuple:
    return (row["value"], row["currency"], row["text"], row["is_approximate"])


def _entity_key(row: dict) -> tuple:
    return (row["entity"], row["role"])


KEYS: dict[str, Callable[[dict], tuple]] = {
    "citations": _citation_key,
    "amounts": _amount_key,
    "entities": _entity_key,
}


def accepted_sources(snapshot: dict) -> int:
    return sum(1 for c in snapshot["citations"] if not c["needs_review"])


NO_SOURCE = (
    "A published event needs at least one accepted source: this change would "
    "leave it with none. Add a source first, or withdraw the event."
)


def _require_source(snapshot: dict) -> None:
    if not accepted_sources(snapshot):
        raise SourceRequired(NO_SOURCE)


def _require_live_source(event: Event) -> None:
    """The stored event still has an accepted source (one query, no snapshot)."""
    if not Citation.objects.filter(event_id=event.pk, needs_review=False).exists():
        raise SourceRequired(NO_SOURCE)


# -- the gate every change to an event's content passes ---------------------


def event_change(
    *,
    event: Event,
    user: Any,
    apply: Callable[[], Any],
    reason: str = "",
    review: bool = False,
) -> EventRevision | None:
    """Run `apply`, which writes a change to `event` or its related rows directly.

    When the event is published and `user` cannot publish, the change is
    recorded as a pending revision and undone (the live version stays); the
    revision is returned, or None when the change changed nothing. Otherwise
    the change stays as written and None is returned. Either way a published
    event must keep an accepted source (SourceRequired otherwise).
    `review=True` records the change for review whoever makes it (content no
    editor has read yet, such as what a merge brings from unreviewed events).
    """
    if _recording.get():
        apply()
        return None
    with transaction.atomic():
        stored = Event.objects.select_for_update().get(pk=event.pk)
        published = stored.status == Event.Status.PUBLISHED
        if not published:
            apply()
            # Events merged away meanwhile stay out of the feed's view too.
            public_changes_record(event_ids=[stored.pk])
            return None
        if user_can_publish(user) and not review:
            apply()
            _require_live_source(stored)
            public_changes_record(event_ids=[stored.pk])
            return None
        base = event_snapshot(stored)
        savepoint = transaction.savepoint()
        token = _recording.set(True)
        try:
            apply()
            proposed = event_snapshot(Event.objects.get(pk=stored.pk))
        finally:
            _recording.reset(token)
            transaction.savepoint_rollback(savepoint)
        if proposed == base:
            return None
        _require_source(proposed)
        return EventRevision.objects.create(
            event=stored,
            base=base,
            proposed=proposed,
            base_version=stored.version,
            reason=reason.strip(),
            created_by=user if user.is_authenticated else None,
        )


def snapshot_as_of(*, event: Event, when: Any) -> dict[str, Any]:
    """The event's content as it was at `when`, from the history tables.

    A related row counts when its newest record up to `when` points at the
    event and is not a deletion (rows moved by a merge follow their event_id).
    """
    record = (
        event.history.filter(history_date__lte=when)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        raise ValidationError(f"Event {event.pk} has no history before {when}.")
    snapshot = event_snapshot(record.instance)
    models = {"citations": Citation, "amounts": Amount, "entities": EventEntity}
    for relation, model in models.items():
        ids = model.history.filter(event_id=event.pk, history_date__lte=when).values(
            "id"
        )
        newest: dict[int, Any] = {}
        for row in model.history.filter(id__in=ids, history_date__lte=when).order_by(
            "history_date", "history_id"
        ):
            newest[row.id] = row
        rows = [
            _row_dict(relation, row) | _extra(relation, row)
            for row in newest.values()
            if row.history_type != "-" and row.event_id == event.pk
        ]
        snapshot[relation] = sorted(rows, key=KEYS[relation])
    return snapshot


def _extra(relation: str, row) -> dict:
    if relation == "citations":
        return {"quote": row.quote, "needs_review": row.needs_review}
    return {}


# -- applying content ----------------------------------------------------------


def _apply_fields(event: Event, base: dict, proposed: dict) -> None:
    for name in CONTENT_FIELDS:
        if proposed["fields"].get(name) != base["fields"].get(name):
            attr = "kind_id" if name == "kind" else name
            setattr(event, attr, proposed["fields"][name])


def _live_rows(event: Event, relation: str):
    if relation == "citations":
        return Citation.objects.filter(event=event)
    if relation == "amounts":
        return Amount.objects.filter(event=event)
    return EventEntity.objects.filter(event=event)


def _row_dict(relation: str, row) -> dict:
    if relation == "citations":
        return {"document": row.document_id, "start": row.start, "end": row.end}
    if relation == "amounts":
        return {
            "value": _amount_value(row.value),
            "currency": row.currency,
            "text": row.text,
            "is_approximate": row.is_approximate,
        }
    return {"entity": row.entity_id, "role": row.role}


def _new_row(relation: str, event: Event, data: dict):
    if relation == "citations":
        # The editor who applies the change has read this source in its diff.
        return Citation(
            event=event,
            document_id=data["document"],
            start=data["start"],
            end=data["end"],
            quote=data["quote"],
            needs_review=False,
        )
    if relation == "amounts":
        return Amount(
            event=event,
            value=Decimal(data["value"]),
            currency=data["currency"],
            text=data["text"],
            is_approximate=data["is_approximate"],
        )
    return EventEntity(event=event, entity_id=data["entity"], role=data["role"])


def _apply_relation(
    event: Event, relation: str, base: dict, proposed: dict, *, user, reason: str
) -> int:
    """Add what `proposed` has beyond `base`, remove what it dropped."""
    key = KEYS[relation]
    before = Counter(key(r) for r in base[relation])
    after = Counter(key(r) for r in proposed[relation])
    removed, added = before - after, after - before
    changes = 0
    for row in _live_rows(event, relation):
        k = key(_row_dict(relation, row))
        if removed[k] > 0:
            removed[k] -= 1
            delete_with_history(row, user=user, reason=reason)
            changes += 1
    live = Counter(key(_row_dict(relation, row)) for row in _live_rows(event, relation))
    for data in proposed[relation]:
        k = key(data)
        if added[k] <= 0:
            continue
        added[k] -= 1
        if relation != "amounts" and live[k]:
            continue  # already there (someone added it meanwhile)
        row = _new_row(relation, event, data)
        row.full_clean(exclude=["event"])
        row._history_user = user
        row._change_reason = reason
        row.save()
        changes += 1
    return changes


def _apply_snapshot(
    event: Event, base: dict, proposed: dict, *, user: Any, reason: str
) -> None:
    _apply_fields(event, base, proposed)
    for relation in RELATIONS:
        _apply_relation(event, relation, base, proposed, user=user, reason=reason)
    event.version += 1
    event._history_user = user
    event._change_reason = reason
    event.full_clean()
    event.save()


def snapshot_restore(*, event: Event, snapshot: dict, user: Any, reason: str) -> None:
    """Make the event's content equal `snapshot` (revert), through the gate.

    Needs `timeline.change_event`, as any edit does."""
    require_permission(user, "timeline.change_event")

    def restore() -> None:
        stored = Event.objects.select_for_update().get(pk=event.pk)
        current = event_snapshot(stored)
        _apply_snapshot(stored, current, snapshot, user=user, reason=reason)

    return event_change(event=event, user=user, apply=restore, reason=reason)


# -- reviewing revisions -------------------------------------------------------


def conflicts(revision: EventRevision, live: dict | None = None) -> list[str]:
    """Fields the revision changes that someone else changed meanwhile."""
    if live is None:
        live = event_snapshot(revision.event)
    base, proposed = revision.base["fields"], revision.proposed["fields"]
    return [
        name
        for name in CONTENT_FIELDS
        if proposed.get(name) != base.get(name)
        and live["fields"].get(name) != base.get(name)
        and live["fields"].get(name) != proposed.get(name)
    ]


def _check_reviewer(user: Any) -> None:
    if not user_can_publish(user):
        raise PermissionDenied(
            "You do not have permission to review changes to published events "
            f"({PUBLISH_PERMISSION})."
        )


def _pending(revision: EventRevision) -> EventRevision:
    stored = EventRevision.objects.select_for_update().get(pk=revision.pk)
    if stored.status != EventRevision.Status.PENDING:
        raise ValidationError(
            f"Revision #{stored.pk} was already {stored.get_status_display().lower()}."
        )
    return stored


def revision_publish(
    *, revision: EventRevision, user: Any, note: str = ""
) -> EventRevision:
    """Apply a pending revision to its event's live version. Editors only."""
    _check_reviewer(user)
    with transaction.atomic():
        stored = _pending(revision)
        event = Event.objects.select_for_update().get(pk=stored.event_id)
        if event.merged_into_id is not None:
            raise ValidationError(
                f"The event was merged into event {event.merged_into_id}."
            )
        author = stored.created_by or "a curator"
        label = change_reason(f"Published revision #{stored.pk} by {author}", note)
        _apply_snapshot(event, stored.base, stored.proposed, user=user, reason=label)
        if event.status == Event.Status.PUBLISHED:
            _require_live_source(event)
        stored.status = EventRevision.Status.PUBLISHED
        stored.reviewed_by, stored.reviewed_at = user, timezone.now()
        stored.review_note = note.strip()
        stored.save()
        public_changes_record(event_ids=[event.pk])
    revision.status = stored.status
    return stored


def revision_reject(
    *, revision: EventRevision, user: Any, reason: str
) -> EventRevision:
    """Discard a pending revision (the live version stays); a reason is required."""
    _check_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for rejecting the change.")
    with transaction.atomic():
        stored = _pending(revision)
        stored.status = EventRevision.Status.REJECTED
        stored.reviewed_by, stored.reviewed_at = user, timezone.now()
        stored.review_note = reason
        stored.save()
    revision.status = stored.status
    return stored


__all__ = [
    "CONTENT_FIELDS",
    "catalog_change_check",
    "in_public_use",
    "SourceRequired",
    "accepted_sources",
    "change_needs_review",
    "conflicts",
    "event_change",
    "event_snapshot",
    "revision_publish",
    "revision_reject",
    "snapshot_restore",
    "user_can_publish",
]
