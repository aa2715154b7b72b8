"""`documents_ingest`: store new articles and their candidate events for review.

Every candidate becomes an extracted event waiting in the review queue, unless
it is the same fact as an event already on the timeline: then the article is
added to that event as a new citation flagged for review. All files are read
and analysed before anything is written, and all are written in one
transaction, so bad input writes nothing; a run that collides with a parallel
run of the same file is refused with a message, and nothing is duplicated.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from corpus.extraction.articles import ArticleAnalysis, analyse_article
from corpus.extraction.events import EventCandidate
from corpus.models import Document, Publisher, text_sha256
from corpus.reading import ArticleReadError
from timeline.models import Amount, Citation, Event, EventEntity, EventKind
from timeline.services.entities import entity_get_or_create

CHANGE_REASON = "ingest"
WORD = re.compile(r"[^\W_]{4,}|[\u4e00-\u9fff]")
TITLE_OVERLAP = 0.5


class IngestError(Exception):
    """Bad input to ingest; the message names the file."""


@dataclass
class IngestReport:
    documents_created: list[str] = field(default_factory=list)
    documents_already_stored: list[str] = field(default_factory=list)
    events_created: int = 0
    citations_added: int = 0

    def lines(self) -> list[str]:
        return [
            f"Documents: {len(self.documents_created)} stored, "
            f"{len(self.documents_already_stored)} already stored (skipped).",
            f"Events: {self.events_created} new in the review queue; "
            f"{self.citations_added} new citations on existing events "
            "(flagged for review).",
        ]


def documents_ingest(
    *,
    paths: list[Path],
    published_on: datetime.date | None = None,
    on_progress: Callable[[int, int, Path], None] | None = None,
) -> IngestReport:
    analyses: list[ArticleAnalysis] = []
    for number, path in enumerate(paths, start=1):
        if on_progress:
            on_progress(number, len(paths), path)
        try:
            analyses.append(analyse_article(path, published_on=published_on))
        except ArticleReadError as exc:
            raise IngestError(str(exc)) from exc

    report = IngestReport()
    kinds = {kind.slug: kind for kind in EventKind.objects.all()}
    current = analyses[0].path if analyses else None
    try:
        with transaction.atomic():
            for analysis in analyses:
                current = analysis.path
                _store_analysis(analysis, kinds, report)
    except OperationalError as exc:
        # SQLite has one writer at a time: a parallel run that holds the lock
        # too long makes this one fail (PostgreSQL waits instead).
        if connection.vendor != "sqlite" or "locked" not in str(exc):
            raise
        raise IngestError(
            f"{current}: the database is locked by another run writing at the "
            "same time. Run ingest again once it is done (stored files are "
            "skipped)."
        ) from exc
    return report


def _store_analysis(
    analysis: ArticleAnalysis, kinds: dict[str, EventKind], report: IngestReport
) -> None:
    sha = text_sha256(analysis.text)
    if _document_stored(sha):
        report.documents_already_stored.append(str(analysis.path))
        return
    document = _store_document(analysis)
    report.documents_created.append(str(analysis.path))
    for number, candidate in enumerate(analysis.events, start=1):
        match = _matching_event(candidate)
        if match is not None:
            _, created = Citation.objects.get_or_create(
                event=match,
                document=document,
                start=candidate.start,
                end=candidate.end,
                defaults={"quote": candidate.quote, "needs_review": True},
            )
            report.citations_added += int(created)
            continue
        _create_event(candidate, document, kinds, key=f"x-{sha[:12]}-{number}")
        report.events_created += 1


def _document_stored(sha: str) -> bool:
    return Document.objects.filter(sha256=sha).exists()


def _store_document(analysis: ArticleAnalysis) -> Document:
    header = analysis.header
    publisher = None
    if header.publisher:
        publisher, _ = Publisher.objects.get_or_create(name=header.publisher[:200])
    document = Document(
        title=(header.title or analysis.path.name)[:500],
        publisher=publisher,
        author=header.author[:200],
        language=header.language,
        published_on=analysis.published_on,
        text=analysis.text,
        source_name=analysis.path.name[:255],
    )
    document.full_clean()
    try:
        # A savepoint, so that the transaction survives a refused insert.
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        # The unique sha256 refused it: a parallel run stored the same text
        # after this run checked, with its events; this run must not add a
        # second set.
        if not _document_stored(document.sha256):
            raise
        raise IngestError(
            f"{analysis.path}: already being ingested by another run, which "
            "stored it first; nothing was duplicated. Run ingest again for the "
            "other files (stored ones are skipped)."
        ) from exc
    return document


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def _matching_event(candidate: EventCandidate) -> Event | None:
    """An event on the timeline that states the same fact, if any."""
    events = (
        Event.objects.filter(kind__slug=candidate.kind, merged_into__isnull=True)
        .overlapping(candidate.date.lower, candidate.date.upper)
        .exclude(status=Event.Status.REJECTED)
        .prefetch_related("amounts")
    )
    values = {(a.value, a.currency) for a in candidate.amounts}
    title_words = _words(candidate.title)
    for event in events[:200]:
        event_values = {(a.value.normalize(), a.currency) for a in event.amounts.all()}
        if values and {(v.normalize(), c) for v, c in values} & event_values:
            return event
        words = _words(event.title)
        if title_words and words:
            overlap = len(title_words & words) / min(len(title_words), len(words))
            if overlap >= TITLE_OVERLAP:
                return event
    return None


def _create_event(
    candidate: EventCandidate,
    document: Document,
    kinds: dict[str, EventKind],
    *,
    key: str,
) -> Event:
    event = Event(
        key=key,
        title=candidate.title[:300],
        summary="",
        kind=kinds.get(candidate.kind) or kinds["other"],
        date_edtf=candidate.date.edtf,
        date_text=candidate.date.text[:200],
        modality=candidate.modality,
        status=Event.Status.IN_REVIEW,
        origin=Event.Origin.EXTRACTED,
        confidence=candidate.confidence,
        # Waiting since ingest: the review queue orders by submission time.
        submitted_at=timezone.now(),
        review_note="Proposed by the extractor from "
        f"{document.source_name or document.title}."
        + "".join(f" Check: {note}." for note in candidate.notes),
    )
    event.full_clean()
    event._change_reason = CHANGE_REASON
    event.save()
    Citation.objects.create(
        event=event,
        document=document,
        quote=candidate.quote,
        start=candidate.start,
        end=candidate.end,
    )
    for amount in candidate.amounts:
        Amount.objects.create(
            event=event,
            value=Decimal(amount.value),
            currency=amount.currency,
            text=amount.text[:200],
            is_approximate=amount.approximate or amount.upper is not None,
        )
    for mention in candidate.entities:
        EventEntity.objects.get_or_create(
            event=event,
            entity=entity_get_or_create(
                name=mention.name, kind=mention.kind, reason=CHANGE_REASON
            ),
            role="",
        )
    return event
