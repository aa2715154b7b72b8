"""Creating, editing and merging events, with optimistic locking on `version`.

The admin and the API both call these: an edit carries the version it was
based on, and a stale one is refused with a message saying what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from corpus.models import Document
from timeline.models import Citation, Event, EventKind
from timeline.services.changes import public_changes_record
from timeline.services.citations import QuoteNotFound, quote_locate

WITHDRAW_PERMISSION = "timeline.withdraw_event"

# What a curator may set through event_create/event_update. Status, review
# fields and `version` only change through the review services.
EDITABLE_FIELDS = frozenset(
    {
        "key",
        "title",
        "summary",
        "kind",
        "date_edtf",
        "date_text",
        "modality",
        "origin",
        "confidence",
    }
)
# Fields a conflict message talks about, in the order a person reads an event.
DESCRIBED_FIELDS = (
    "title",
    "key",
    "summary",
    "kind",
    "date_edtf",
    "date_text",
    "modality",
    "origin",
    "confidence",
    "status",
    "review_note",
    "merged_into",
)


@dataclass
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


class StaleVersion(Exception):
    """The event changed since the edit was started: the edit is refused.

    `message` says who changed what meanwhile; `changes` lists the fields with
    their value at `expected_version` and now.
    """

    def __init__(
        self,
        *,
        event_id: int,
        expected_version: int,
        current_version: int,
        changes: list[FieldChange] | None = None,
        changed_by: str = "",
        changed_at: Any = None,
    ) -> None:
        self.event_id = event_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.changes = changes or []
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        who = f" by {self.changed_by}" if self.changed_by else ""
        when = (
            f" at {timezone.localtime(self.changed_at):%Y-%m-%d %H:%M %Z}"
            if self.changed_at
            else ""
        )
        head = (
            f"This event was changed{who}{when} while you were editing it "
            f"(version {self.expected_version} → {self.current_version})."
        )
        if self.changes:
            parts = "; ".join(
                f"{c.label}: {_short(c.old)} → {_short(c.new)}" for c in self.changes
            )
            head += f" Changed meanwhile: {parts}."
        else:
            head += " Its sources, amounts or entities may have changed."
        return head


# The API and older callers may know it by either name.
ConcurrentEdit = StaleVersion


@dataclass
class MergeReport:
    survivor: Event
    merged: list[Event] = field(default_factory=list)
    citations_moved: int = 0
    amounts_moved: int = 0
    entities_moved: int = 0
    duplicates_skipped: int = 0
    # What unreviewed events brought to a published survivor, waiting for an
    # editor (their rows stay on the merged events until it is published).
    revision: Any = None


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def require_permission(user: Any, perm: str) -> None:
    """PermissionDenied unless `user` is signed in and holds `perm`."""
    if user is None or not user.is_authenticated or not user.has_perm(perm):
        raise PermissionDenied(f"You do not have the permission {perm!r}.")


def change_reason(label: str, reason: str = "") -> str:
    """The history's reason for a change: "Deleted" or "Deleted: duplicate"."""
    reason = reason.strip()
    return f"{label}: {reason}" if reason else label


def delete_with_history(obj: Any, *, user: Any, reason: str) -> None:
    """Delete a tracked row; its history keeps it with the user and reason."""
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def _history_label(event_field: str) -> str:
    return str(Event._meta.get_field(event_field).verbose_name).capitalize()


def describe_changes_since(*, event: Event, version: int) -> StaleVersion:
    """A StaleVersion for `event` (as stored now) against its state at `version`."""
    current = Event.objects.select_related("kind").get(pk=event.pk)
    records = current.history.order_by("-history_date", "-history_id")
    newest = records.first()
    base = records.filter(version=version).first()
    changes: list[FieldChange] = []
    if newest is not None and base is not None:
        delta = newest.diff_against(base, included_fields=list(DESCRIBED_FIELDS))
        order = {name: i for i, name in enumerate(DESCRIBED_FIELDS)}
        for change in sorted(delta.changes, key=lambda c: order[c.field]):
            old, new = change.old, change.new
            if change.field == "kind":
                kinds = EventKind.objects.in_bulk([k for k in (old, new) if k])
                old, new = kinds.get(old, old), kinds.get(new, new)
            changes.append(
                FieldChange(change.field, _history_label(change.field), old, new)
            )
    return StaleVersion(
        event_id=current.pk,
        expected_version=version,
        current_version=current.version,
        changes=changes,
        changed_by=str(newest.history_user or "") if newest else "",
        changed_at=newest.history_date if newest else None,
    )


def _apply(event: Event, data: Mapping[str, Any]) -> None:
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            dict.fromkeys(sorted(unknown), "This field cannot be set here.")
        )
    for name, value in data.items():
        if name == "kind" and isinstance(value, str):
            try:
                value = EventKind.objects.get(slug=value)
            except EventKind.DoesNotExist as exc:
                raise ValidationError({"kind": f"Unknown kind {value!r}."}) from exc
        setattr(event, name, value)


def event_create(*, data: Mapping[str, Any], user: Any, reason: str = "") -> Event:
    """Create a draft event from `data` (keys from EDITABLE_FIELDS).

    `kind` may be an EventKind or its slug. Needs `timeline.add_event`; raises
    ValidationError for bad values. The event starts as a draft at version 1.
    """
    require_permission(user, "timeline.add_event")
    event = Event(status=Event.Status.DRAFT, version=1)
    _apply(event, data)
    event.full_clean()
    event._history_user = user
    event._change_reason = reason or "Created"
    event.save()
    return event


def event_update(
    *,
    event: Event,
    data: Mapping[str, Any],
    user: Any,
    expected_version: int,
    reason: str = "",
) -> Event:
    """Apply `data` to `event` if nobody changed it since `expected_version`.

    Needs `timeline.change_event`. The check and the version bump are one
    conditional UPDATE (`WHERE id = … AND version = …`), so of two concurrent
    saves exactly one wins; the other raises StaleVersion describing what
    changed. A published event edited by someone who cannot publish stays
    live as it was: the edit becomes a pending revision for an editor
    (`event.pending_revision`, see services.revisions). Merged events are
    frozen.
    """
    from timeline.services.revisions import event_change

    require_permission(user, "timeline.change_event")
    if event.merged_into_id is not None:
        raise ValidationError(
            f"This event was merged into event {event.merged_into_id}; edit that one."
        )

    def apply() -> None:
        # Validate first: a refused edit must not consume a version number.
        _apply(event, data)
        event.full_clean()
        claimed = Event.objects.filter(pk=event.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise describe_changes_since(event=event, version=expected_version)
        event.version = expected_version + 1
        event._history_user = user
        event._change_reason = reason or "Edited"
        event.save()

    revision = event_change(event=event, user=user, apply=apply, reason=reason)
    if revision is not None:
        event.refresh_from_db()  # the live version, which the edit left as it was
    event.pending_revision = revision
    return event


class EventInUse(ValueError):
    """The event cannot be deleted: other events were merged into it."""


def event_delete(
    *, event: Event, user: Any, expected_version: int | None = None, reason: str = ""
) -> None:
    """Delete `event` with its citations, amounts and entity links.

    Needs `timeline.delete_event` (superusers; curators and editors reject or
    withdraw instead). The history keeps every deleted row with the user and
    the reason. Raises StaleVersion when `expected_version` is stale, and
    EventInUse while merged events point at it.
    """
    require_permission(user, "timeline.delete_event")
    with transaction.atomic():
        stored = Event.objects.select_for_update().get(pk=event.pk)
        if expected_version is not None and stored.version != expected_version:
            raise describe_changes_since(event=stored, version=expected_version)
        merged = list(
            Event.objects.filter(merged_into=stored).values_list("pk", flat=True)
        )
        if merged:
            listed = ", ".join(str(pk) for pk in merged)
            raise EventInUse(
                f"Events {listed} were merged into this one; delete or unmerge "
                "them first."
            )
        label = change_reason("Deleted", reason)
        for related in (
            *stored.citations.all(),
            *stored.amounts.all(),
            *stored.roles.all(),
            stored,
        ):
            delete_with_history(related, user=user, reason=label)
        public_changes_record(event_ids=[event.pk])


def citation_add(
    *,
    event: Event,
    document: Document,
    quote: str,
    user: Any,
    start_hint: int | None = None,
) -> Citation:
    """Cite `document` for `event`: the quote's offsets are found in its text.

    Raises ValidationError when the quote does not occur in the document.
    """
    require_permission(user, "timeline.add_citation")
    try:
        start, end = quote_locate(
            text=document.text, quote=quote, start_hint=start_hint
        )
    except QuoteNotFound as exc:
        raise ValidationError({"quote": f"Not found in “{document}”: {exc}."}) from exc
    from timeline.services.revisions import event_change

    citation = Citation(
        event=event, document=document, quote=quote, start=start, end=end
    )
    citation.full_clean()
    citation._history_user = user

    # On a published event a curator's new source waits for an editor
    # (citation.pending_revision); the citation is then not saved.
    citation.pending_revision = event_change(
        event=event, user=user, apply=citation.save, reason="Source added"
    )
    return citation


def _move_rows(
    rows, seen: set, marker, *, survivor, user, reason: str
) -> tuple[int, int]:
    """Re-point `rows` at `survivor`, skipping those whose marker it already has.

    Returns (moved, skipped). Each move is saved on its own so history records it.
    """
    moved = skipped = 0
    for row in rows:
        key = marker(row)
        if key in seen:
            skipped += 1
            continue
        seen.add(key)
        row.event = survivor
        row._history_user = user
        row._change_reason = reason
        row.save(update_fields=["event"])
        moved += 1
    return moved, skipped


def event_merge(
    *, survivor: Event, others: Iterable[Event], user: Any, reason: str = ""
) -> MergeReport:
    """Merge `others` into `survivor`, keeping every source, amount and entity.

    Citations, amounts and entity links move to the survivor (exact duplicates
    of ones it already has are left on the merged event rather than copied).
    Each merged event stays in the database, findable, with
    `merged_into = survivor`, status `rejected` and a review note saying so:
    nothing is hard-deleted and history records every step. Needs
    `timeline.merge_event`, and `timeline.withdraw_event` to merge away a
    published event (it leaves the public); merging an event into itself or
    into one that was itself merged away is refused. Into a published
    survivor, what unpublished events bring becomes a pending revision
    (`report.revision`) instead.
    """
    from timeline.services.revisions import event_change

    require_permission(user, "timeline.merge_event")
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        raise ValidationError("Choose at least one other event to merge.")
    if survivor.merged_into_id is not None:
        raise ValidationError("The surviving event was itself merged away.")
    note = reason or f"Merged into event {survivor.pk}: {survivor.title}"
    report = MergeReport(survivor=survivor)
    with transaction.atomic():
        locked = {
            e.pk: e
            for e in Event.objects.select_for_update().filter(
                pk__in=[survivor.pk, *[o.pk for o in others]]
            )
        }
        if any(locked[o.pk].merged_into_id for o in others):
            raise ValidationError("One of the events was already merged.")
        # A published event merged away leaves the public: an editor's call,
        # as withdrawing it is.
        public = [o for o in others if locked[o.pk].status == Event.Status.PUBLISHED]
        if public and not user.has_perm(WITHDRAW_PERMISSION):
            listed = ", ".join(f"event {o.pk}" for o in public)
            raise PermissionDenied(
                f"Merging away the published {listed} takes it off the public "
                f"timeline: that needs the permission {WITHDRAW_PERMISSION!r}."
            )

        spans = set(survivor.citations.values_list("document_id", "start", "end"))
        amounts = {(a.value, a.currency, a.text) for a in survivor.amounts.all()}
        roles = set(survivor.roles.values_list("entity_id", "role"))

        def move_from(other: Event) -> list[tuple[int, int]]:
            reason = f"Moved by merge of event {other.pk}"
            moves = (
                (
                    other.citations.all(),
                    spans,
                    lambda c: (c.document_id, c.start, c.end),
                ),
                (other.amounts.all(), amounts, lambda a: (a.value, a.currency, a.text)),
                (other.roles.all(), roles, lambda r: (r.entity_id, r.role)),
            )
            return [
                _move_rows(
                    rows, seen, marker, survivor=survivor, user=user, reason=reason
                )
                for rows, seen, marker in moves
            ]

        # What unreviewed events bring to a published one waits for an editor,
        # whoever merges: their quotes and amounts were never reviewed.
        published = locked[survivor.pk].status == Event.Status.PUBLISHED
        held = [
            o
            for o in others
            if published and locked[o.pk].status != Event.Status.PUBLISHED
        ]
        held_ids = {o.pk for o in held}
        for other in others:
            if other.pk in held_ids:
                continue
            moved = move_from(other)
            report.citations_moved += moved[0][0]
            report.amounts_moved += moved[1][0]
            report.entities_moved += moved[2][0]
            report.duplicates_skipped += sum(skipped for _, skipped in moved)
        if held:
            listed = ", ".join(f"event {o.pk}" for o in held)
            report.revision = event_change(
                event=survivor,
                user=user,
                apply=lambda: [move_from(o) for o in held],
                reason=f"Sources, amounts and entities merged in from {listed}",
                review=True,
            )
        for other in others:
            merged = locked[other.pk]
            merged.merged_into = survivor
            merged.status = Event.Status.REJECTED
            merged.review_note = note
            merged.reviewed_by = user
            merged.reviewed_at = timezone.now()
            merged.version += 1
            merged._history_user = user
            merged._change_reason = note
            merged.save()
            report.merged.append(merged)

        if len(held) < len(others):  # something reached the survivor itself
            kept = locked[survivor.pk]
            kept.version += 1
            kept._history_user = user
            kept._change_reason = "Merged in " + ", ".join(
                f"event {o.pk}" for o in report.merged if o.pk not in held_ids
            )
            kept.save()
        public_changes_record(event_ids=[survivor.pk, *(o.pk for o in others)])
        survivor.refresh_from_db()
    return report


__all__ = [
    "ConcurrentEdit",
    "EDITABLE_FIELDS",
    "FieldChange",
    "MergeReport",
    "StaleVersion",
    "citation_add",
    "describe_changes_since",
    "event_create",
    "event_merge",
    "event_update",
    "require_permission",
]
