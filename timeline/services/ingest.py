"""`documents_ingest`: store new articles and their candidate events for review.

Every candidate becomes an extracted event waiting in the review queue, unless
it is the same fact as an event already on the timeline: then the article is
added to that event as a new citation flagged for review.

Each file is read, analysed and written in a transaction of its own, so a bad
file among many costs only itself; `atomic=True` (`ingest --atomic`) makes the
run all-or-nothing. A file that collides with a parallel run of the same file
is refused with a message, and nothing is duplicated. Every run is recorded as
a `corpus.IngestRun` (who, when, each file's outcome, the counts), and the
documents it stored link to it.

Articles come as files (.txt, or .html whose main text trafilatura extracts)
or in memory (`ArticleInput`: an admin upload or pasted text). An article with
no publication date still yields its relatively dated candidates ("last
month"): they are read against the ingest date and flagged "needs a
publication date"; setting the document's date re-dates them
(services.documents).
"""

from __future__ import annotations

import datetime
import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from corpus.models import Document, IngestRun, Publisher, text_sha256
from corpus.reading import FALLBACK_ENCODINGS, ArticleReadError, decode_article
from corpus.webpages import is_html_name, read_web_page
from timeline.models import Amount, Citation, Event, EventEntity, EventKind
from timeline.services.entities import EntityCache
from timeline.services.events import require_permission
from timeline.services.history import rows_create_with_history
from timeline.services.loading import fingerprint_of
from timeline.services.matching import Facts, Matcher

logger = logging.getLogger(__name__)

CHANGE_REASON = "ingest"
# What adding articles writes: documents, draft events, and citations on
# events already on the timeline (flagged for review).
INGEST_PERMISSIONS = (
    "corpus.add_document",
    "timeline.add_event",
    "timeline.add_citation",
)
NEEDS_DATE = "Needs a publication date"
# How much less an editor should trust a date read against the ingest day.
UNDATED_CONFIDENCE_PENALTY = 0.25
LOCKED = (
    "the database is locked by another run writing at the same time. Run ingest "
    "again once it is done (stored files are skipped)."
)
# SQLite's page cache (KiB when negative) and memory map for a run: the
# duplicate check reads pages all over a large file, and the 2 MB default
# cache holds few of them from one article to the next.
RUN_PRAGMAS = {"cache_size": -65536, "mmap_size": 1073741824}


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
    run: IngestRun | None = None
    documents_created: list[str] = field(default_factory=list)
    documents_already_stored: list[str] = field(default_factory=list)
    events_created: int = 0
    citations_added: int = 0
    events_needing_a_date: int = 0
    documents: list[Document] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    matched_events: list[Event] = field(default_factory=list)
    # (label, message) of each file that was refused, in order.
    failures: list[tuple[str, str]] = field(default_factory=list)
    atomic: bool = False

    @property
    def rolled_back(self) -> bool:
        """True when --atomic discarded the whole run because a file failed."""
        return self.atomic and bool(self.failures)

    def lines(self) -> list[str]:
        if self.rolled_back:
            return [
                f"Nothing was written: {len(self.failures)} file(s) failed and "
                "the run was all-or-nothing (--atomic)."
            ]
        lines = [
            f"Documents: {len(self.documents_created)} stored, "
            f"{len(self.documents_already_stored)} already stored (skipped), "
            f"{len(self.failures)} failed.",
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

    def add(self, part: IngestReport) -> None:
        """Count in what one file's transaction stored."""
        self.documents_created += part.documents_created
        self.documents_already_stored += part.documents_already_stored
        self.events_created += part.events_created
        self.citations_added += part.citations_added
        self.events_needing_a_date += part.events_needing_a_date
        self.documents += part.documents
        self.events += part.events
        self.matched_events += part.matched_events

    def failure_lines(self) -> list[str]:
        return [f"{label}: {message}" for label, message in self.failures]


@dataclass
class _Context:
    """What every file of one run shares, and what the run read so far."""

    record: IngestRun
    kinds: dict[str, EventKind]
    entities: EntityCache = field(default_factory=EntityCache)
    matcher: Matcher = field(default_factory=Matcher)
    publishers: dict[str, Publisher] = field(default_factory=dict)
    # The events given a citation, in order: fetched once the run is over.
    matched_ids: list[int] = field(default_factory=list)

    def forget(self) -> None:
        """A file's writes were rolled back: rows read or made may be gone."""
        self.entities.forget()
        self.matcher.forget()
        self.publishers.clear()


class _RollBack(Exception):
    """Raised inside the --atomic transaction to discard it."""


def documents_ingest(
    *,
    paths: list[Path] = (),
    articles: list[ArticleInput] = (),
    published_on: datetime.date | None = None,
    url: str = "",
    on_progress: Callable[[int, int, Path], None] | None = None,
    atomic: bool = False,
    user=None,
    via: str = IngestRun.Via.COMMAND,
    invoked_by: str = "",
    arguments: str = "",
) -> IngestReport:
    """Store `paths` (files) and `articles` (in memory) with their candidates.

    Each file is read, analysed and written in a transaction of its own: a
    file that fails is listed in `report.failures` and the others are kept.
    With `atomic`, one failure discards the whole run (every file is still
    tried, so that all failures are listed). Either way the run is recorded
    as an `IngestRun`, with each file's outcome.

    `published_on` and `url` apply to the files (`url` only with one file).
    Outside the `ingest` command (an operator's), `user` needs every one of
    INGEST_PERMISSIONS: PermissionDenied otherwise, before anything is read.
    """
    if via != IngestRun.Via.COMMAND:
        for perm in INGEST_PERMISSIONS:
            require_permission(user, perm)
    if url and len(paths) != 1:
        raise IngestError("A URL names one article: give exactly one file with it.")
    sources = [(str(p), p) for p in paths] + [(a.name, a) for a in articles]
    try:
        run = IngestRun.objects.create(
            via=via,
            user=user if getattr(user, "pk", None) else None,
            invoked_by=invoked_by[:200],
            arguments=arguments,
            atomic=atomic,
        )
    except OperationalError as exc:
        if not _locked(exc):
            raise
        raise IngestError(
            f"{sources[0][0] if sources else 'ingest'}: {LOCKED}"
        ) from exc
    report = IngestReport(run=run, atomic=atomic)
    context = _Context(
        record=run, kinds={kind.slug: kind for kind in EventKind.objects.all()}
    )
    try:
        with _run_cache(), _heap_frozen(), transaction.atomic():
            for number, (label, source) in enumerate(sources, start=1):
                if on_progress and isinstance(source, Path):
                    on_progress(number, len(paths), source)
                _ingest_one(label, source, published_on, url, context, report)
            # Read before a rollback: the run may have made some of them.
            matched = Event.objects.in_bulk(context.matched_ids)
            report.matched_events = [matched[pk] for pk in context.matched_ids]
            if report.rolled_back:
                raise _RollBack
    except _RollBack:
        pass
    _finish(run, report)
    return report


@contextmanager
def _run_cache() -> Iterator[None]:
    """On SQLite, `RUN_PRAGMAS` for the run unless the operator chose the
    connection's own (DATABASE_SQLITE_INIT_COMMAND); the connection gets its
    settings back after, as it may serve requests next."""
    options = connection.settings_dict.get("OPTIONS", {})
    if connection.vendor != "sqlite" or options.get("init_command"):
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in RUN_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            if (row := cursor.fetchone()) is None:
                continue  # no memory map of an in-memory database
            before[name] = int(row[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """The objects the process had before the run left out of the garbage
    collector's full collections until it ends (`gc.freeze`): each of those
    scanned the whole heap (Django, the modules) for the run's cycles, some
    2 ms per article. Not when someone else froze objects (a pre-forking
    server) or the collector is off."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _ingest_one(
    label: str,
    source: Path | ArticleInput,
    published_on: datetime.date | None,
    url: str,
    context: _Context,
    report: IngestReport,
) -> None:
    """Read, analyse and store one file in a savepoint; record its outcome.

    What the file stored counts in `report` only once its savepoint is kept.
    """
    entry = {"name": label, "outcome": IngestRun.FileOutcome.STORED}
    part = IngestReport()
    matched: list[int] = []
    try:
        if isinstance(source, Path):
            article = _read_path(source, published_on, url)
        else:
            article = _read_input(source)
        article.label = label
        try:
            with transaction.atomic():
                document = _store_article(article, context, part, matched)
        except _DocumentRefused as exc:
            # Read once the file's savepoint is rolled back: until then
            # PostgreSQL refuses any statement after the error.
            if not _document_stored(exc.sha256):
                raise exc.__cause__ from None
            raise IngestError(ALREADY_BEING_INGESTED) from exc.__cause__
    except (ArticleReadError, IngestError) as exc:
        message = str(exc).removeprefix(f"{label}: ")
    except OperationalError as exc:
        # SQLite has one writer at a time: a parallel run that holds the lock
        # too long makes this file fail (PostgreSQL waits instead).
        if not _locked(exc):
            raise
        message = LOCKED
    except Exception as exc:  # one file's bug must not cost the other files
        logger.exception("ingest: %s failed", label)
        message = f"unexpected error ({type(exc).__name__}: {exc}); not stored"
    else:
        report.add(part)
        context.matched_ids += matched
        if document is None:
            entry["outcome"] = IngestRun.FileOutcome.ALREADY_STORED
        else:
            entry.update(
                document=document.pk,
                events=part.events_created,
                citations=part.citations_added,
            )
        context.record.files.append(entry)
        return
    context.forget()
    report.failures.append((label, message))
    entry.update(outcome=IngestRun.FileOutcome.FAILED, error=message)
    context.record.files.append(entry)


def _locked(exc: OperationalError) -> bool:
    return connection.vendor == "sqlite" and "locked" in str(exc)


def _finish(run: IngestRun, report: IngestReport) -> None:
    """Write the run's outcome; after --atomic rolled back, say so per file."""
    if report.rolled_back:
        for entry in run.files:
            if entry["outcome"] != IngestRun.FileOutcome.FAILED:
                entry.pop("document", None)
                entry["outcome"] = IngestRun.FileOutcome.ROLLED_BACK
        run.status = IngestRun.Status.FAILED
    elif not report.failures:
        run.status = IngestRun.Status.DONE
    elif report.documents_created or report.documents_already_stored:
        run.status = IngestRun.Status.PARTIAL
    else:
        run.status = IngestRun.Status.FAILED
    stored = not report.rolled_back
    run.documents_created = len(report.documents_created) if stored else 0
    run.documents_skipped = len(report.documents_already_stored) if stored else 0
    run.files_failed = len(report.failures)
    run.events_created = report.events_created if stored else 0
    run.citations_added = report.citations_added if stored else 0
    run.finished_at = timezone.now()
    run.save()


def _store_article(
    article: _Article, context: _Context, report: IngestReport, matched: list[int]
) -> Document | None:
    """Store the article and its candidates; None when it was stored before.

    The pools of all its candidates are read at once, and what it writes goes
    in bulk (`_ArticleWrites`); `matched` gets the ids of events it cites.
    """
    sha = text_sha256(article.text)
    if _document_stored(sha):
        report.documents_already_stored.append(article.label)
        return None
    kinds, matcher = context.kinds, context.matcher
    document = _store_document(article, context)
    report.documents_created.append(article.label)
    report.documents.append(document)
    candidates = [
        (candidate, kinds.get(candidate.kind) or kinds["other"], i in article.undated)
        for i, candidate in enumerate(article.events)
    ]
    # A date read against today is a guess: match nothing on it.
    wanted = [
        (kind.pk, candidate.date.lower, candidate.date.upper)
        for candidate, kind, undated in candidates
        if not undated
    ]
    found = matcher.pools(wanted) if wanted else []
    matcher.facts(pk for pool in found for pk in pool)
    pools = zip(wanted, found, strict=True)
    writes = _ArticleWrites(
        document=document, matcher=matcher, entities=context.entities
    )
    for number, (candidate, _, undated) in enumerate(candidates, start=1):
        match = None
        if not undated:
            span, pool = next(pools)
            if writes.could_pool(*span):
                # An event this article just made may be a match: read again.
                writes.flush()
                pool = matcher.pools([span])[0]
            match = matcher.best(Facts.of_candidate(candidate), pool)
        if match is not None:
            if writes.cite(match, candidate):
                report.citations_added += 1
                matched.append(match)
            continue
        new = _new_event(
            candidate,
            document,
            kinds,
            key=f"x-{sha[:12]}-{number}",
            undated=undated,
        )
        writes.add(new)
        report.events.append(new.event)
        report.events_created += 1
        report.events_needing_a_date += int(undated)
    writes.flush()
    return document


@dataclass
class _NewEvent:
    """An extracted event and its rows, not written yet."""

    event: Event
    citation: Citation
    amounts: list[Amount]
    # (name, kind) of the entities it names, linked when it is written.
    mentions: list[tuple[str, str]]
    roles: list[EventEntity] = field(default_factory=list)


@dataclass
class _ArticleWrites:
    """What one article adds, written in bulk with its history when the
    article is done, or earlier when a later candidate's pool may hold one of
    its new events: the entities not seen before in this run, the new
    events, every citation in the candidates' order, amounts and entity links
    (two statements each)."""

    document: Document
    matcher: Matcher
    entities: EntityCache
    created: list[_NewEvent] = field(default_factory=list)
    pending: list[_NewEvent] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    # (event id, start, end) of the citations written or to be written.
    cited: set[tuple[int, int, int]] = field(default_factory=set)

    def add(self, new: _NewEvent) -> None:
        self.created.append(new)
        self.pending.append(new)
        self.citations.append(new.citation)
        self.matcher.event_created(new.event)

    def cite(self, event_id: int, candidate: EventCandidate) -> bool:
        """Cite the document for a matched event; False if it cites the span
        already (a new event of this article, or an earlier match)."""
        span = (event_id, candidate.start, candidate.end)
        if span in self.cited:
            return False
        self.cited.add(span)
        citation = Citation(
            event_id=event_id,
            document=self.document,
            quote=candidate.quote,
            start=candidate.start,
            end=candidate.end,
            needs_review=True,
        )
        self.citations.append(citation)
        self.matcher.citation_added(event_id, candidate.quote)
        return True

    def could_pool(
        self, kind_id: int, lower: datetime.date, upper: datetime.date
    ) -> bool:
        """Whether a new event of this article may be in the pool of (kind_id,
        lower, upper), read before it was written."""
        return any(
            self.matcher.could_pool(new.event, kind_id, lower, upper)
            for new in self.created
        )

    def flush(self) -> None:
        new, self.pending = self.pending, []
        citations, self.citations = self.citations, []
        found = self.entities.get_groups(
            (n.mentions for n in new), reason=CHANGE_REASON
        )
        for n, entities in zip(new, found, strict=True):
            linked = {entity.pk: entity for entity in entities}  # each entity once
            n.roles = [
                EventEntity(event=n.event, entity=e, role="") for e in linked.values()
            ]
            # What the extractor proposed: re-dating leaves the event alone once
            # a person changed any of it.
            n.event.extracted_fingerprint = fingerprint_of(
                n.event, amounts=n.amounts, roles=n.roles, citations=[n.citation]
            )
        rows = [
            ([n.event for n in new], Event, CHANGE_REASON),
            # A matched event's citation has no reason in its history (as
            # when it was saved on its own); a new event's has its own.
            (citations, Citation, None),
            ([a for n in new for a in n.amounts], Amount, CHANGE_REASON),
            ([r for n in new for r in n.roles], EventEntity, CHANGE_REASON),
        ]
        for objs, model, reason in rows:  # in this order: the later point at events
            if objs:
                rows_create_with_history(objs, model, reason=reason)
        self.cited.update((n.event.pk, n.citation.start, n.citation.end) for n in new)


def _document_stored(sha: str) -> bool:
    """Whether a document of this text is stored (raw SQL: the ORM's query
    cost ten times the look-up)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {q(Document._meta.db_table)} WHERE {q('sha256')} = %s "
            "LIMIT 1",
            [sha],
        )
        return cursor.fetchone() is not None


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


class _DocumentRefused(Exception):
    """The database refused the document (its unique hash, probably)."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256


ALREADY_BEING_INGESTED = (
    "already being ingested by another run, which stored it first; nothing was "
    "duplicated. Run ingest again for the other files (stored ones are skipped)."
)


def _store_document(article: _Article, context: _Context) -> Document:
    publisher = None
    name = article.publisher[:200]
    if name:
        publisher = context.publishers.get(name)
        if publisher is None:
            publisher, _ = Publisher.objects.get_or_create(name=name)
            context.publishers[name] = publisher
    document = Document(
        title=(article.title or article.name)[:500],
        publisher=publisher,
        author=article.author[:200],
        language=article.language[:16] or "en",
        url=article.url,
        published_on=article.published_on,
        text=article.text,
        source_name=article.name[:255],
        ingest_run=context.record,
    )
    # Field checks only: the publisher and run were just read or made, and the
    # unique hash is the database's to refuse (`_ingest_one` sees to it).
    document.full_clean(exclude=["publisher", "ingest_run"], validate_unique=False)
    document.sha256 = text_sha256(document.text)  # as save() would
    try:
        # What save() writes, without its signals: the history row in bulk, and
        # nothing shows a new document yet (services.changes).
        rows_create_with_history([document], Document, reason=CHANGE_REASON)
    except IntegrityError as exc:
        # The unique sha256, if a parallel run stored the same text after this
        # run checked, with its events: this run must not add a second set.
        raise _DocumentRefused(document.sha256) from exc
    return document


def _new_event(
    candidate: EventCandidate,
    document: Document,
    kinds: dict[str, EventKind],
    *,
    key: str,
    undated: bool = False,
) -> _NewEvent:
    """The candidate as an extracted event waiting for review, with its source
    and amounts, to be written with the article's other rows (and its
    entities, `_ArticleWrites.flush`)."""
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
    # Field checks only: the kind is one of `kinds`, and the database refuses
    # a duplicate key or a broken constraint (inside this file's savepoint).
    event.full_clean(
        exclude=["kind"], validate_unique=False, validate_constraints=False
    )
    citation = Citation(
        event=event,
        document=document,
        quote=candidate.quote,
        start=candidate.start,
        end=candidate.end,
    )
    amounts = [
        Amount(
            event=event,
            value=Decimal(amount.value),
            currency=amount.currency,
            text=amount.text[:200],
            is_approximate=amount.approximate or amount.upper is not None,
        )
        for amount in candidate.amounts
    ]
    event.derive_date_fields()  # for the pools of the article's later candidates
    for row in (event, citation, *amounts):
        row._change_reason = CHANGE_REASON
    return _NewEvent(
        event=event,
        citation=citation,
        amounts=amounts,
        mentions=[(m.name, m.kind) for m in candidate.entities],
    )
