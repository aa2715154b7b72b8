"""Curating source documents: editing their metadata and retracting them.

`document_update` edits what is said about an article (never its text, which
citations point into); a new publication date re-dates the candidates the
extractor read against the old one, as long as nobody touched them since.
`document_retract` takes a wrong upload back out of the review queue in one
step, and refuses while a published event rests on it alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from corpus.extraction.events import EventCandidate, extract_events
from corpus.models import Document
from timeline.models import Amount, Citation, Event, EventEntity
from timeline.selectors.documents import document_candidates, published_relying_on
from timeline.services.changes import public_changes_record
from timeline.services.events import (
    change_reason,
    delete_with_history,
    require_permission,
)
from timeline.services.ingest import CHANGE_REASON as INGEST_REASON
from timeline.services.ingest import NEEDS_DATE
from timeline.services.loading import event_fingerprint
from timeline.services.review import events_reject
from timeline.services.revisions import catalog_change_check

# What a curator may change about a document; `text` never changes.
EDITABLE_FIELDS = frozenset(
    {"title", "publisher", "author", "url", "published_on", "language"}
)


class DocumentInUse(ValueError):
    """The document cannot be retracted: published events rely on it alone."""

    def __init__(self, document: Document, events: list[Event]) -> None:
        self.events = events
        listed = "; ".join(f"#{e.pk} “{e.title}”" for e in events)
        super().__init__(
            f"Cannot retract “{document.title}”: published events rely on it "
            f"alone ({listed}). Withdraw them or give them another source first."
        )


@dataclass
class Redating:
    event: Event
    old_edtf: str
    new_edtf: str
    date_text: str

    def __str__(self) -> str:
        return (
            f"#{self.event.pk} “{self.event.title}”: {self.old_edtf} → "
            f"{self.new_edtf} (“{self.date_text}”)"
        )


@dataclass
class DocumentUpdateReport:
    document: Document
    changed_fields: list[str] = field(default_factory=list)
    redated: list[Redating] = field(default_factory=list)
    # Candidates left alone because a person changed them since ingest.
    kept: list[Event] = field(default_factory=list)


@dataclass
class RetractReport:
    document: Document
    rejected: list[Event] = field(default_factory=list)
    detached: list[Citation] = field(default_factory=list)
    # Events still citing it: they have other sources or an accepted citation.
    still_citing: list[Event] = field(default_factory=list)


def is_untouched(event: Event) -> bool:
    """Whether the event is still exactly what the extractor proposed."""
    if event.extracted_fingerprint:
        return event_fingerprint(event) == event.extracted_fingerprint
    # Ingested before the fingerprint was kept: trust the history instead. The
    # event row must carry only ingest's record and its sources, amounts and
    # entity links none but their creation.
    reasons = set(event.history.values_list("history_change_reason", flat=True))
    if reasons != {INGEST_REASON}:
        return False
    return not any(
        model.history.filter(event_id=event.pk).exclude(history_type="+").exists()
        for model in (Citation, Amount, EventEntity)
    )


def document_update(
    *, document: Document, data: Mapping[str, Any], user: Any, reason: str = ""
) -> DocumentUpdateReport:
    """Apply `data` (keys from EDITABLE_FIELDS) to `document`, with history.

    Needs `corpus.change_document`, and an editor's permission once a
    published event cites the document (its details show publicly). When the
    publication date is set or changes, the document's untouched candidates
    are re-dated against it (`report.redated`), which needs
    `timeline.change_event` too; candidates a person changed are listed in
    `report.kept` and left as they are.
    """
    require_permission(user, "corpus.change_document")
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            dict.fromkeys(sorted(unknown), "This field cannot be changed here.")
        )
    catalog_change_check(obj=document, user=user)
    with transaction.atomic():
        stored = Document.objects.select_for_update().get(pk=document.pk)
        report = DocumentUpdateReport(document=document)
        for name, value in data.items():
            if getattr(stored, name) != value:
                report.changed_fields.append(name)
            setattr(document, name, value)
        if not report.changed_fields:
            return report
        document.full_clean()
        redating = "published_on" in report.changed_fields and document.published_on
        if redating and document_candidates(document).exists():
            # Re-dating writes the candidates: an edit of events.
            require_permission(user, "timeline.change_event")
        document._history_user = user
        document._change_reason = reason or (
            "Edited " + ", ".join(report.changed_fields)
        )
        document.save()
        if redating:
            _redate(document, user, report)
            public_changes_record(event_ids=[r.event.pk for r in report.redated])
    return report


def _match(
    event: Event, span: tuple[int, int], candidates: list[EventCandidate]
) -> EventCandidate | None:
    """The candidate for the same sentence and the same phrase, else the one
    candidate of that sentence."""
    same_span = [c for c in candidates if (c.start, c.end) == span]
    for candidate in same_span:
        if candidate.date.text == event.date_text:
            return candidate
    return same_span[0] if len(same_span) == 1 else None


def _without_date_flag(note: str) -> str:
    head, sep, _ = note.partition(f" {NEEDS_DATE}:")
    return head if sep else note


def _redate(document: Document, user: Any, report: DocumentUpdateReport) -> None:
    candidates = extract_events(document.text, published_on=document.published_on)
    now = timezone.now()
    events = document_candidates(document).select_for_update()
    for event in events.prefetch_related("citations"):
        if not is_untouched(event):
            report.kept.append(event)
            continue
        citation = min(event.citations.all(), key=lambda c: c.pk)
        candidate = _match(event, (citation.start, citation.end), candidates)
        if candidate is None:
            continue
        old = event.date_edtf
        flagged = event.review_note != _without_date_flag(event.review_note)
        if candidate.date.edtf == old and not flagged:
            continue
        event.date_edtf = candidate.date.edtf
        event.date_text = candidate.date.text[:200]
        event.modality = candidate.modality
        event.confidence = candidate.confidence
        event.review_note = _without_date_flag(event.review_note)
        event.version += 1
        event.updated_at = now
        event._history_user = user
        event._change_reason = (
            f"Re-dated: the document's publication date is now "
            f"{document.published_on:%Y-%m-%d}"
        )
        event.full_clean(exclude=["extracted_fingerprint"])
        event.save()
        event.extracted_fingerprint = event_fingerprint(event)
        Event.objects.filter(pk=event.pk).update(
            extracted_fingerprint=event.extracted_fingerprint
        )
        if old != event.date_edtf:
            report.redated.append(
                Redating(
                    event=event,
                    old_edtf=old,
                    new_edtf=event.date_edtf,
                    date_text=event.date_text,
                )
            )


def document_retract(*, document: Document, user: Any, reason: str) -> RetractReport:
    """Take a wrong or withdrawn article out of the review queue in one step.

    Its unreviewed candidates (extracted, in draft or review, citing only it)
    are rejected with the reason; the flagged sources it added to other
    events are detached. History keeps everything. Needs
    `timeline.publish_event` (and `timeline.reject_event`); raises
    DocumentInUse, naming the events, while a published event's only accepted
    source is this document.
    """
    require_permission(user, "timeline.publish_event")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the document is retracted.")
    note = f"Source retracted: {reason}"
    report = RetractReport(document=document)
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)
        relying = published_relying_on(document)
        if relying:
            raise DocumentInUse(document, relying)
        candidates = list(document_candidates(document))
        if candidates:
            result = events_reject(events=candidates, user=user, reason=note)
            report.rejected = result.changed
        rejected = {e.pk for e in report.rejected}
        flagged = (
            Citation.objects.select_for_update()
            .filter(document=document, needs_review=True)
            .exclude(event_id__in=rejected)
            .select_related("event")
        )
        for citation in flagged:
            others = Citation.objects.filter(event_id=citation.event_id).exclude(
                pk=citation.pk
            )
            if not others.exists():
                continue  # its only source: the event stays for an editor
            delete_with_history(
                citation, user=user, reason=change_reason("Source detached", note)
            )
            report.detached.append(citation)
        public_changes_record(event_ids=[c.event_id for c in report.detached])
        report.still_citing = list(
            Event.objects.filter(citations__document=document)
            .exclude(status=Event.Status.REJECTED)
            .distinct()
            .order_by("pk")
        )
    return report


__all__ = [
    "DocumentInUse",
    "DocumentUpdateReport",
    "EDITABLE_FIELDS",
    "Redating",
    "RetractReport",
    "document_retract",
    "document_update",
]
