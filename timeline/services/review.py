"""The editorial workflow: submit, publish, reject and withdraw events, and
accept or detach the sources the ingest added to events already on the timeline.

draft ─submit→ in_review ─publish→ published ─withdraw→ draft; a draft or an
event in review can be rejected (with a reason) and a rejected one resubmitted.
Each transition checks a real Django permission, bumps `version` and leaves a
historical record naming the user and the reason. The admin and the API call
these functions; nothing else changes `status`.

A citation flagged `needs_review` is hidden from the public until an editor
accepts it: one by one (`citation_accept`), or by publishing its event, whose
review showed it flagged. `citation_detach` removes a wrong one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from timeline.models import Citation, Event
from timeline.services.changes import public_changes_record
from timeline.services.events import (
    change_reason,
    delete_with_history,
    describe_changes_since,
)

Status = Event.Status


class InvalidTransition(ValueError):
    """The event's status (or the arguments) do not allow this transition."""


@dataclass(frozen=True)
class Transition:
    name: str
    permission: str
    sources: frozenset[str]
    target: str
    label: str  # past tense, for messages and history: "Published"


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "timeline.submit_event",
            frozenset({Status.DRAFT, Status.REJECTED}),
            Status.IN_REVIEW,
            "Submitted for review",
        ),
        Transition(
            "publish",
            "timeline.publish_event",
            frozenset({Status.IN_REVIEW}),
            Status.PUBLISHED,
            "Published",
        ),
        Transition(
            "reject",
            "timeline.reject_event",
            frozenset({Status.DRAFT, Status.IN_REVIEW}),
            Status.REJECTED,
            "Rejected",
        ),
        Transition(
            "withdraw",
            "timeline.withdraw_event",
            frozenset({Status.PUBLISHED}),
            Status.DRAFT,
            "Withdrawn",
        ),
    )
}

# Written by every transition (bulk_update needs the list).
WRITTEN_FIELDS = [
    "status",
    "version",
    "review_note",
    "reviewed_by",
    "reviewed_at",
    "submitted_by",
    "submitted_at",
    "updated_at",
]


@dataclass
class BulkResult:
    """What a bulk transition did: the events it changed and those it left."""

    transition: Transition
    changed: list[Event] = field(default_factory=list)
    skipped: list[tuple[Event, str]] = field(default_factory=list)


def user_can(user: Any, name: str) -> bool:
    """Whether `user` holds the permission for transition `name`."""
    perm = TRANSITIONS[name].permission
    return bool(user and user.is_authenticated and user.has_perm(perm))


def _check_permission(user: Any, transition: Transition) -> None:
    if not user_can(user, transition.name):
        raise PermissionDenied(
            f"You do not have permission to {transition.name} events "
            f"({transition.permission})."
        )


# Transitions that put an event in front of an editor or the public: an event
# with no source has nothing to review and nothing to show.
NEED_A_SOURCE = frozenset({"submit", "publish"})


def _refusal(
    event: Event, transition: Transition, *, has_source: bool = True
) -> str | None:
    """Why `transition` cannot apply to `event`, or None when it can."""
    if event.merged_into_id is not None:
        return f"it was merged into event {event.merged_into_id}"
    if event.status not in transition.sources:
        allowed = " or ".join(
            Status(s).label.lower() for s in sorted(transition.sources)
        )
        return (
            f"it is {event.get_status_display().lower()}; only {allowed} events "
            f"can be {transition.label.lower()}"
        )
    if transition.name in NEED_A_SOURCE and not has_source:
        return "no source cites it; add the article passage it comes from first"
    return None


def _ids_with_sources(ids: Iterable[int]) -> set[int]:
    return set(
        Citation.objects.filter(event_id__in=list(ids))
        .values_list("event_id", flat=True)
        .distinct()
    )


def _apply(event: Event, transition: Transition, user: Any, note: str, now) -> None:
    event.status = transition.target
    event.version += 1
    event.updated_at = now
    event.review_note = note
    if transition.name == "submit":
        event.submitted_by = user
        event.submitted_at = now
    else:
        event.reviewed_by = user
        event.reviewed_at = now
    event._history_user = user
    event._change_reason = change_reason(transition.label, note)


def _transition(
    *,
    name: str,
    event: Event,
    user: Any,
    note: str,
    expected_version: int | None,
) -> Event:
    transition = TRANSITIONS[name]
    _check_permission(user, transition)
    with transaction.atomic():
        # Decide on the stored row, locked, not on a possibly stale instance.
        stored = Event.objects.select_for_update().get(pk=event.pk)
        if expected_version is not None and stored.version != expected_version:
            raise describe_changes_since(event=stored, version=expected_version)
        refusal = _refusal(
            stored, transition, has_source=bool(_ids_with_sources([stored.pk]))
        )
        if refusal:
            raise InvalidTransition(f"Cannot {name} “{stored.title}”: {refusal}.")
        now = timezone.now()
        _apply(stored, transition, user, note, now)
        stored.save()
        if name == "publish":
            _accept_flagged_sources([stored.pk], user, now)
        public_changes_record(event_ids=[stored.pk])
    # The caller's instance reflects the new state too.
    for name_ in (*WRITTEN_FIELDS, "submitted_by_id", "reviewed_by_id"):
        setattr(event, name_, getattr(stored, name_))
    return event


def event_submit(
    *, event: Event, user: Any, note: str = "", expected_version: int | None = None
) -> Event:
    """Send a draft (or rejected) event to the review queue.

    Needs `timeline.submit_event` (Curators and Editors). `note` is kept as the
    event's review note for the editor. Raises PermissionDenied,
    InvalidTransition, or StaleVersion when `expected_version` is given and stale.
    """
    return _transition(
        name="submit",
        event=event,
        user=user,
        note=note.strip(),
        expected_version=expected_version,
    )


def event_publish(
    *, event: Event, user: Any, note: str = "", expected_version: int | None = None
) -> Event:
    """Publish an event that is in review. Needs `timeline.publish_event` (Editors)."""
    return _transition(
        name="publish",
        event=event,
        user=user,
        note=note.strip(),
        expected_version=expected_version,
    )


def event_reject(
    *, event: Event, user: Any, reason: str, expected_version: int | None = None
) -> Event:
    """Reject a draft or an event in review; `reason` is required and kept.

    Needs `timeline.reject_event` (Editors). A blank reason raises
    InvalidTransition before anything is written.
    """
    reason = _required_reason(reason)
    return _transition(
        name="reject",
        event=event,
        user=user,
        note=reason,
        expected_version=expected_version,
    )


def event_withdraw(
    *, event: Event, user: Any, reason: str = "", expected_version: int | None = None
) -> Event:
    """Take a published event back to draft. Needs `timeline.withdraw_event`."""
    return _transition(
        name="withdraw",
        event=event,
        user=user,
        note=reason.strip(),
        expected_version=expected_version,
    )


def _required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition("A reason is required to reject an event.")
    return reason


def events_transition(
    *, name: str, events: Iterable[Event] | Any, user: Any, note: str = ""
) -> BulkResult:
    """Apply transition `name` to many events in one UPDATE and one history INSERT.

    Events whose status does not allow it are skipped (listed with the reason)
    rather than failing the batch. Raises PermissionDenied before reading rows.
    """
    transition = TRANSITIONS[name]
    _check_permission(user, transition)
    if name == "reject":
        note = _required_reason(note)
    note = note.strip()
    ids = [e.pk for e in events]
    result = BulkResult(transition=transition)
    now = timezone.now()
    with transaction.atomic():
        rows = list(Event.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        sourced = _ids_with_sources(ids) if name in NEED_A_SOURCE else set()
        for event in rows:
            refusal = _refusal(
                event,
                transition,
                has_source=name not in NEED_A_SOURCE or event.pk in sourced,
            )
            if refusal:
                result.skipped.append((event, refusal))
                continue
            _apply(event, transition, user, note, now)
            result.changed.append(event)
        if result.changed:
            bulk_update_with_history(
                result.changed,
                Event,
                WRITTEN_FIELDS,
                default_user=user,
                default_change_reason=result.changed[0]._change_reason,
                default_date=now,
            )
            if name == "publish":
                _accept_flagged_sources([e.pk for e in result.changed], user, now)
            public_changes_record(event_ids=[e.pk for e in result.changed])
    return result


def events_submit(*, events: Iterable[Event], user: Any, note: str = "") -> BulkResult:
    """Bulk event_submit (admin action)."""
    return events_transition(name="submit", events=events, user=user, note=note)


def events_publish(*, events: Iterable[Event], user: Any, note: str = "") -> BulkResult:
    """Bulk event_publish (admin action, review queue)."""
    return events_transition(name="publish", events=events, user=user, note=note)


def events_reject(*, events: Iterable[Event], user: Any, reason: str) -> BulkResult:
    """Bulk event_reject with one shared, required reason."""
    return events_transition(name="reject", events=events, user=user, note=reason)


def events_withdraw(
    *, events: Iterable[Event], user: Any, reason: str = ""
) -> BulkResult:
    """Bulk event_withdraw (admin action)."""
    return events_transition(name="withdraw", events=events, user=user, note=reason)


# -- sources the ingest added to existing events ---------------------------


def _accept_flagged_sources(event_ids: list[int], user: Any, now) -> None:
    """Publishing an event accepts the new sources its review showed flagged."""
    flagged = list(Citation.objects.filter(event_id__in=event_ids, needs_review=True))
    for citation in flagged:
        citation.needs_review = False
    if flagged:
        bulk_update_with_history(
            flagged,
            Citation,
            ["needs_review"],
            default_user=user,
            default_change_reason="Source accepted with its event",
            default_date=now,
        )


def _check_source_permission(user: Any) -> None:
    if not user_can(user, "publish"):
        raise PermissionDenied(
            "You do not have permission to review sources (timeline.publish_event)."
        )


def citation_accept(*, citation: Citation, user: Any) -> Citation:
    """Show a flagged source to the public. Needs `timeline.publish_event`."""
    _check_source_permission(user)
    with transaction.atomic():
        stored = Citation.objects.select_for_update().get(pk=citation.pk)
        if not stored.needs_review:
            raise InvalidTransition("This source was already accepted.")
        stored.needs_review = False
        stored._history_user = user
        stored._change_reason = "Source accepted"
        stored.save(update_fields=["needs_review"])
        public_changes_record(event_ids=[stored.event_id])
    citation.needs_review = False
    return citation


def citation_detach(*, citation: Citation, user: Any, reason: str = "") -> None:
    """Remove a wrong source from its event (the history keeps it).

    Needs `timeline.publish_event`. An event keeps at least one source: the
    last one cannot be detached (reject or withdraw the event instead).
    """
    _check_source_permission(user)
    with transaction.atomic():
        stored = Citation.objects.select_for_update().get(pk=citation.pk)
        # Lock the event's citations so two editors cannot detach the last two.
        siblings = list(
            Citation.objects.select_for_update()
            .filter(event_id=stored.event_id)
            .values_list("pk", flat=True)
        )
        if len(siblings) <= 1:
            raise InvalidTransition(
                "This is the event's only source; reject or withdraw the event instead."
            )
        delete_with_history(
            stored, user=user, reason=change_reason("Source detached", reason)
        )
        public_changes_record(event_ids=[stored.event_id])
