"""`documents_ingest`: store new articles and their candidate events for review.

Every candidate becomes an extracted event waiting in the review queue, unless
it is the same fact as an event already on the timeline: then the article is
added to that event as a new citation flagged for review. All files are read
and analysed before anything is written, and all are written in one
transaction, so bad input writes nothing; a run that collides with a parallel
run of the same file is refused with a message, and nothing is duplicated.

Articles come as files (.txt, or .html whose main text trafilatura extracts)
or in memory (`ArticleInput`: an admin upload or pasted text). An article with
no publication date still yields its relatively dated candidates ("last
month"): they are read against the ingest date and flagged "needs a
publication date"; setting the document's date re-dates them
(services.documents).
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

from corpus.extraction.articles import analyse_article
from corpus.extraction.events import (
    EventCandidate,
    dated_by_context_year,
    extract_events,
)
from corpus.extraction.headers import parse_header
from corpus.models import Document, Publisher, text_sha256
from corpus.reading import FALLBACK_ENCODINGS, ArticleReadError, decode_article
from corpus.webpages import is_html_name, read_web_page
from timeline.models import Amount, Citation, Event, EventEntity, EventKind
from timeline.services.entities import entity_get_or_create
from timeline.services.loading import event_fingerprint

CHANGE_REASON = "ingest"
NEEDS_DATE = "Needs a publication date"
# How much less an editor should trust a date read against the ingest day.
UNDATED_CONFIDENCE_PENALTY = 0.25
WORD = re.compile(r"[^\W_]{4,}|[\u4e00-\u9fff]")
TITLE_OVERLAP = 0.5


class IngestError(Exception):
    """Bad input to ingest; the message names the file."""


@dataclass(frozen=True)
class ArticleInput:
    """An article that is not a file on disk: an upload or pasted text.

    `data` is HTML when `name` ends in .html/.htm, else the article as text.
    Non-empty metadata here wins over what the page or its header says.
    """

    name: str
    data: bytes | str
    url: str = ""
    title: str = ""
    publisher: str = ""
    author: str = ""
    language: str = ""
    published_on: datetime.date | None = None


@dataclass
class _Article:
    name: str
    text: str
    title: str
    publisher: str
    author: str
    language: str
    url: str
    published_on: datetime.date | None
    events: list[EventCandidate]
    # Indexes into `events` of candidates dated against the ingest day.
    undated: set[int] = field(default_factory=set)
    # How reports and errors name it: the path given, or the upload's name.
    label: str = ""


@dataclass
class IngestReport:
    documents_created: list[str] = field(default_factory=list)
    documents_already_stored: list[str] = field(default_factory=list)
    events_created: int = 0
    citations_added: int = 0
    events_needing_a_date: int = 0
    documents: list[Document] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    matched_events: list[Event] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"Documents: {len(self.documents_created)} stored, "
            f"{len(self.documents_already_stored)} already stored (skipped).",
            f"Events: {self.events_created} new in the review queue; "
            f"{self.citations_added} new citations on existing events "
            "(flagged for review).",
        ]
        if self.events_needing_a_date:
            lines.append(
                f"{self.events_needing_a_date} of the new events were dated against "
                "today because their document has no publication date (flagged "
                f"“{NEEDS_DATE}”); set the document's date to re-date them."
            )
        return lines


def documents_ingest(
    *,
    paths: list[Path] = (),
    articles: list[ArticleInput] = (),
    published_on: datetime.date | None = None,
    url: str = "",
    on_progress: Callable[[int, int, Path], None] | None = None,
) -> IngestReport:
    """Store `paths` (files) and `articles` (in memory) with their candidates.

    `published_on` and `url` apply to the files (`url` only with one file).
    """
    if url and len(paths) != 1:
        raise IngestError("A URL names one article: give exactly one file with it.")
    read: list[_Article] = []
    for number, path in enumerate(paths, start=1):
        if on_progress:
            on_progress(number, len(paths), path)
        try:
            read.append(_read_path(path, published_on, url))
            read[-1].label = str(path)
        except ArticleReadError as exc:
            raise IngestError(str(exc)) from exc
    for article in articles:
        try:
            read.append(_read_input(article))
            read[-1].label = article.name
        except ArticleReadError as exc:
            raise IngestError(str(exc)) from exc

    report = IngestReport()
    kinds = {kind.slug: kind for kind in EventKind.objects.all()}
    current = read[0].label if read else None
    try:
        with transaction.atomic():
            for article in read:
                current = article.label
                _store_article(article, kinds, report)
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


def _store_article(
    article: _Article, kinds: dict[str, EventKind], report: IngestReport
) -> None:
    sha = text_sha256(article.text)
    if _document_stored(sha):
        report.documents_already_stored.append(article.label)
        return
    document = _store_document(article)
    report.documents_created.append(article.label)
    report.documents.append(document)
    for number, candidate in enumerate(article.events, start=1):
        undated = number - 1 in article.undated
        # A date read against today is a guess: match nothing on it.
        match = None if undated else _matching_event(candidate)
        if match is not None:
            _, created = Citation.objects.get_or_create(
                event=match,
                document=document,
                start=candidate.start,
                end=candidate.end,
                defaults={"quote": candidate.quote, "needs_review": True},
            )
            report.citations_added += int(created)
            if created:
                report.matched_events.append(match)
            continue
        report.events.append(
            _create_event(
                candidate,
                document,
                kinds,
                key=f"x-{sha[:12]}-{number}",
                undated=undated,
            )
        )
        report.events_created += 1
        report.events_needing_a_date += int(undated)


def _document_stored(sha: str) -> bool:
    return Document.objects.filter(sha256=sha).exists()


def _read_path(path: Path, published_on: datetime.date | None, url: str) -> _Article:
    if is_html_name(path.name):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ArticleReadError(f"{path}: cannot read ({exc.strerror})") from exc
        return _read_input(
            ArticleInput(name=path.name, data=data, url=url, published_on=published_on)
        )
    analysis = analyse_article(path, published_on=published_on)
    header = analysis.header
    return _article(
        name=path.name,
        text=analysis.text,
        title=header.title,
        publisher=header.publisher,
        author=header.author,
        language=header.language,
        url=url,
        published_on=analysis.published_on,
        events=analysis.events,
    )


def _read_input(article: ArticleInput) -> _Article:
    """Read an upload: HTML through trafilatura, text through the header parser;
    the form's non-empty values win."""
    if is_html_name(article.name):
        page = read_web_page(article.data, name=article.name, url=article.url)
        text, found = page.text, page
        title, publisher, author = page.title, page.publisher, page.author
        language, published_on = page.language, page.published_on
    else:
        text = (
            article.data
            if isinstance(article.data, str)
            else decode_article(
                article.data, name=article.name, fallback_encodings=FALLBACK_ENCODINGS
            )
        )
        if not text.strip():
            raise ArticleReadError(f"{article.name}: the text is empty")
        header = parse_header(text, source_name=article.name)
        found = None
        title, publisher, author = header.title, header.publisher, header.author
        language, published_on = header.language, header.published_on
    published_on = article.published_on or published_on
    return _article(
        name=article.name,
        text=text,
        title=article.title or title,
        publisher=article.publisher or publisher,
        author=article.author or author,
        language=article.language or language,
        url=article.url or (found.url if found else ""),
        published_on=published_on,
        events=None,
    )


def _article(*, events: list[EventCandidate] | None, **fields) -> _Article:
    """Fill in the candidates; without a date, add those read against today."""
    text, published_on = fields["text"], fields["published_on"]
    if events is None:
        events = extract_events(text, published_on=published_on)
    article = _Article(**fields, events=events)
    if published_on is None:
        fixed = {(c.start, c.end, c.date.text) for c in events}
        relative = [
            c
            for c in extract_events(text, published_on=timezone.localdate())
            if (c.start, c.end, c.date.text) not in fixed
        ]
        # Dates resolved in a year guessed from the text are guesses too.
        merged = sorted(
            [(c, dated_by_context_year(c)) for c in events]
            + [(c, True) for c in relative],
            key=lambda pair: (pair[0].start, pair[0].date.lower),
        )
        article.events = [c for c, _ in merged]
        article.undated = {i for i, (_, flag) in enumerate(merged) if flag}
    return article


def _store_document(article: _Article) -> Document:
    publisher = None
    if article.publisher:
        publisher, _ = Publisher.objects.get_or_create(name=article.publisher[:200])
    document = Document(
        title=(article.title or article.name)[:500],
        publisher=publisher,
        author=article.author[:200],
        language=article.language[:16] or "en",
        url=article.url,
        published_on=article.published_on,
        text=article.text,
        source_name=article.name[:255],
    )
    document.full_clean()
    document._change_reason = CHANGE_REASON
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
            f"{article.label}: already being ingested by another run, which "
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
    undated: bool = False,
) -> Event:
    note = f"Proposed by the extractor from {document.source_name or document.title}."
    confidence = candidate.confidence
    if undated and dated_by_context_year(candidate):
        # The extractor has lowered its confidence already.
        note += (
            f" {NEEDS_DATE}: “{candidate.date.text}” was read in the latest year "
            "the text states; set the document's publication date to re-date it."
        )
    elif undated:
        note += (
            f" {NEEDS_DATE}: “{candidate.date.text}” was read against the ingest "
            f"date {timezone.localdate():%Y-%m-%d}; set the document's publication "
            "date to re-date it."
        )
        confidence = round(max(confidence - UNDATED_CONFIDENCE_PENALTY, 0.05), 2)
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
        confidence=confidence,
        # Waiting since ingest: the review queue orders by submission time.
        submitted_at=timezone.now(),
        review_note=note + "".join(f" Check: {n}." for n in candidate.notes),
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
    # What the extractor proposed: re-dating leaves the event alone once a
    # person changed any of it.
    event.extracted_fingerprint = event_fingerprint(event)
    Event.objects.filter(pk=event.pk).update(
        extracted_fingerprint=event.extracted_fingerprint
    )
    return event
