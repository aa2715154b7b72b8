"""`events_import`: bulk import of curated events from JSON Lines or CSV.

The file is streamed in batches. Each batch is checked with the seed loader's
rules (`seed_files.entry_normalise`), its keys are looked up in one query, new
events are bulk-created with their amounts, entity links and citations, and
changed ones are rewritten one by one as `load_seeds` would. The loader's
decisions apply (`loading.entry_decide`): a second import writes nothing, and
an event a curator changed, or made by hand under the same key, is reported
and left alone.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from corpus.models import Document
from timeline.models import (
    Amount,
    Citation,
    Entity,
    Event,
    EventEntity,
    EventKind,
    EventRevision,
    derived_date_values,
)
from timeline.services.entities import entities_get_or_create
from timeline.services.history import rows_insert
from timeline.services.loading import (
    Decision,
    entry_decide,
    entry_fingerprint,
    event_write_entry,
)
from timeline.services.seed_files import (
    DuplicateJsonField,
    Entry,
    entry_normalise,
    entry_where,
    json_object_unique,
)

__all__ = ["CSV_COLUMNS", "FORMATS", "ImportFailed", "ImportReport", "events_import"]

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = (
    "key",
    "title",
    "summary",
    "kind",
    "date_edtf",
    "date_text",
    "modality",
    "amounts",
    "entities",
    "citations",
)
CSV_REQUIRED = ("key", "title", "kind", "date_edtf", "modality")
CSV_JSON_COLUMNS = ("amounts", "entities", "citations")
# Past this many written events the planner's statistics are refreshed: a table
# that grew from nothing to a million rows is otherwise planned as if empty.
ANALYZE_AFTER = 10_000
CHANGE_REASON = "import_events"
# How imported events enter the timeline: as `load_seeds` enters the curated
# fixture's (published, origin curated), since the file is a curator's work.
REVIEW_NOTE = "Imported by import_events from {name}."


class ImportFailed(Exception):
    """The import cannot go on, or (with atomic) stopped and changed nothing.
    The message names the file and line."""


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed_batches: list[tuple[int, int]] = field(default_factory=list)
    analyzed: bool = False

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else ""
        out = [
            f"Events{' (dry run, nothing written)' if self.dry_run else ''}: "
            f"{self.created} {verb} created, {self.updated} {verb} updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped because a "
            "curator changed them or made them by hand.".replace("  ", " ")
        ]
        out += [f"  skipped (curator changes kept): {key}" for key in self.skipped]
        out += [
            f"  lines {first}–{last} not imported (their batch had errors)"
            for first, last in self.failed_batches
        ]
        if self.analyzed:
            out.append("Planner statistics refreshed (ANALYZE).")
        return out


@dataclass
class _Run:
    path: Path
    report: ImportReport
    kinds: dict[str, int]
    documents: dict[str, Document] = field(default_factory=dict)
    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    first_line_of: dict[str, int] = field(default_factory=dict)


def events_import(
    *,
    path: Path,
    fmt: str | None = None,
    batch_size: int = 2000,
    atomic: bool = False,
    dry_run: bool = False,
    on_progress: Callable[[int, int, int], None] | None = None,
) -> ImportReport:
    """Import the events in `path` (JSON Lines or CSV, from its extension
    unless `fmt` says).

    Each batch is written in its own transaction; a batch with a bad line is
    not written and the report names the lines. With `atomic` the whole file
    is one transaction and the first bad batch raises ImportFailed, changing
    nothing. `dry_run` decides everything and writes nothing.
    `on_progress(records, bytes_read, bytes_total)` is called after each batch.
    """
    path = Path(path)
    fmt = fmt or _format_of(path)
    if fmt not in FORMATS:
        raise ImportFailed(f"{path}: unknown format {fmt!r} (known: jsonl, csv)")
    if batch_size < 1:
        raise ImportFailed("--batch-size must be at least 1")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror})") from exc
    report = ImportReport(dry_run=dry_run)
    run = _Run(
        path=path,
        report=report,
        kinds=dict(EventKind.objects.values_list("slug", "id")),
    )
    total = path.stat().st_size
    lines = _Lines(handle, path)
    read = _jsonl_entries(lines) if fmt == "jsonl" else _csv_entries(lines, path)
    done = 0
    with handle, transaction.atomic() if atomic and not dry_run else nullcontext():
        while batch := list(islice(read, batch_size)):
            _batch_import(batch, run, dry_run=dry_run)
            if atomic and report.errors:
                raise ImportFailed(
                    f"{path}: nothing was imported (--atomic).\n"
                    + "\n".join(report.errors)
                )
            done += len(batch)
            if on_progress:
                on_progress(done, lines.bytes_read, total)
    if not dry_run and report.created + report.updated >= ANALYZE_AFTER:
        _analyze()
        report.analyzed = True
    return report


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix == "csv":
        return "csv"
    raise ImportFailed(
        f"{path}: cannot tell the format from the extension; use --format jsonl|csv"
    )


# Reading ---------------------------------------------------------------------


class _Unreadable:
    """A line that is not an event entry at all (bad JSON, wrong columns)."""

    def __init__(self, problem: str) -> None:
        self.problem = problem


class _Lines:
    """The file's lines as text, counting bytes for the progress bar."""

    def __init__(self, handle: Any, path: Path) -> None:
        self.handle, self.path = handle, path
        self.bytes_read = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.number += 1
            self.bytes_read += len(raw)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFailed(
                    f"{self.path}, line {self.number}: not UTF-8 (byte {exc.start})"
                ) from exc


def _jsonl_entries(lines: _Lines) -> Iterator[Entry]:
    """One fixture entry (a JSON object) per line; blank lines are skipped."""
    number = 0
    for text in lines:
        if not text.strip():
            continue
        number += 1
        try:
            data: Any = json.loads(
                text.rstrip("\r\n"), object_pairs_hook=json_object_unique
            )
        except DuplicateJsonField as exc:
            data = _Unreadable(str(exc))
        except json.JSONDecodeError as exc:
            data = _Unreadable(f"invalid JSON ({exc.msg}, column {exc.colno})")
        yield Entry(number=number, line=lines.number, data=data)


def _csv_entries(lines: _Lines, path: Path) -> Iterator[Entry]:
    """One event per row under a header of CSV_COLUMNS; amounts, entities and
    citations are JSON lists in their cells, as in the fixture."""
    reader = csv.reader(iter(lines))
    header = next(reader, None)
    if header is None:
        return
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in CSV_REQUIRED if name not in header]
    if unknown or missing or len(set(header)) < len(header):
        raise ImportFailed(
            f"{path}, line 1: the header must name columns from "
            f"{', '.join(CSV_COLUMNS)} once each"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    number, end = 0, reader.line_num
    for row in reader:
        line, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        number += 1
        data: Any
        if len(row) != len(header):
            data = _Unreadable(f"{len(row)} columns, the header has {len(header)}")
        else:
            data = _csv_entry(dict(zip(header, row, strict=True)))
        yield Entry(number=number, line=line, data=data)


def _csv_entry(cells: dict[str, str]) -> Any:
    data: dict[str, Any] = {
        name: cells[name]
        for name in ("key", "title", "summary", "kind", "modality")
        if name in cells
    }
    data["date"] = {"edtf": cells["date_edtf"], "text": cells.get("date_text", "")}
    for name in CSV_JSON_COLUMNS:
        cell = cells.get(name, "").strip()
        if not cell:
            continue
        try:
            data[name] = json.loads(cell, object_pairs_hook=json_object_unique)
        except (json.JSONDecodeError, DuplicateJsonField) as exc:
            return _Unreadable(f"column {name!r}: not a JSON list ({exc})")
        if not isinstance(data[name], list):
            return _Unreadable(f"column {name!r}: not a JSON list")
    return data


# Writing ---------------------------------------------------------------------


def _batch_import(batch: list[Entry], run: _Run, *, dry_run: bool) -> None:
    report = run.report
    _documents_fetch(batch, run)
    entries, errors = [], []
    for entry in batch:
        problem = _entry_check(entry, run)
        if isinstance(problem, Entry):
            entries.append(problem)
        else:
            errors.append(problem)
    if errors:
        report.errors += errors
        report.failed_batches.append((batch[0].line or 0, batch[-1].line or 0))
        return

    keys = [entry.key for entry in entries]
    # Most keys of a big import are new: find the stored ones cheaply, and
    # load those with what their fingerprints need.
    stored = ids_by_key(keys)
    existing = (
        {
            event.key: event
            for event in Event.objects.filter(key__in=stored)
            .select_related("kind")
            .prefetch_related("amounts", "roles__entity", "citations__document")
        }
        if stored
        else {}
    )
    pending = (
        set(
            EventRevision.objects.filter(
                event__in=existing.values(), status=EventRevision.Status.PENDING
            ).values_list("event_id", flat=True)
        )
        if existing
        else set()
    )
    to_create, to_update = [], []
    for entry in entries:
        event = existing.get(entry.key)
        decision = entry_decide(
            event=event,
            entry=entry,
            has_pending_revision=event is not None and event.pk in pending,
        )
        if decision is Decision.SKIP:
            report.skipped.append(entry.key)
        elif decision is Decision.UNCHANGED:
            report.unchanged += 1
        elif decision is Decision.CREATE:
            to_create.append(entry)
        else:
            to_update.append((event, entry))
    report.created += len(to_create)
    report.updated += len(to_update)
    if dry_run:
        return
    with transaction.atomic():
        _events_create(to_create, run)
        for event, entry in to_update:
            event_write_entry(
                event=event, entry=entry, documents=run.documents, reason=CHANGE_REASON
            )


def _entry_check(entry: Entry, run: _Run) -> Entry | str:
    """The entry in canonical shape, or the error naming file, line and field."""
    where = entry_where(run.path, entry)
    if isinstance(entry.data, _Unreadable):
        return f"{where}: {entry.data.problem}"
    try:
        data = entry_normalise(
            entry.data,
            kinds=run.kinds,
            documents=run.documents,
            citations_required=False,
        )
    except ValueError as exc:
        return f"{where}: {exc}"
    first = run.first_line_of.setdefault(data["key"], entry.line or 0)
    if first != (entry.line or 0):
        return f"{where}: duplicate key (first used on line {first})"
    return Entry(number=entry.number, line=entry.line, data=data)


def _documents_fetch(batch: Iterable[Entry], run: _Run) -> None:
    """Load the stored documents the batch's citations name (by source name)."""
    names = {
        citation["document"]
        for entry in batch
        if isinstance(entry.data, dict)
        and isinstance(entry.data.get("citations"), list)
        for citation in entry.data["citations"]
        if isinstance(citation, dict) and isinstance(citation.get("document"), str)
    } - run.documents.keys()
    if names:
        # Two stored documents under one name: the oldest is the one cited.
        for document in Document.objects.filter(source_name__in=names).order_by("-id"):
            run.documents[document.source_name] = document


def _entities_resolve(entries: Iterable[Entry], run: _Run) -> None:
    wanted = {
        (role["name"], role["kind"])
        for entry in entries
        for role in entry.data["entities"]
    } - run.entities.keys()
    if wanted:
        run.entities.update(entities_get_or_create(wanted=wanted, reason=CHANGE_REASON))


def _events_create(entries: list[Entry], run: _Run) -> None:
    """Insert the entries' events, their history records (one each) and rows.

    Model instances and the ORM's insert compiler cost more per row than the
    rest of the import together, so rows go straight to `executemany` with
    values prepared by their fields (`rows_insert`). The derived date fields
    come from the same `derived_date_values` as every other write path.
    """
    if not entries:
        return
    _entities_resolve(entries, run)
    now = timezone.now()
    defaults = _defaults(Event)
    common = {
        "origin": Event.Origin.CURATED,
        "status": Event.Status.PUBLISHED,
        "review_note": REVIEW_NOTE.format(name=run.path.name),
        "created_at": now,
        "updated_at": now,
    }
    events, roles_of = [], []
    for entry in entries:
        data = entry.data
        roles = {
            (run.entities[r["name"], r["kind"]], r["role"]) for r in data["entities"]
        }
        roles_of.append(roles)
        events.append(
            {
                **defaults,
                **common,
                "key": data["key"],
                "title": data["title"],
                "summary": data["summary"],
                "kind_id": run.kinds[data["kind"]],
                "date_edtf": data["date"]["edtf"],
                "date_text": data["date"]["text"],
                **derived_date_values(data["date"]["edtf"]),
                "modality": data["modality"],
                "seed_hash": entry.fixture_hash,
                "seed_fingerprint": entry_fingerprint(
                    entry,
                    documents=run.documents,
                    roles=[(e.name, e.kind, role) for e, role in roles],
                ),
            }
        )
    rows_insert(Event, events)
    ids = ids_by_key([e["key"] for e in events])
    history = {
        "history_date": now,
        "history_change_reason": f"{CHANGE_REASON} {run.path.name}",
        "history_type": "+",
        "history_user_id": None,
    }
    for event in events:  # rows_insert takes only its model's fields
        event.update(history, id=ids[event["key"]])
    rows_insert(Event.history.model, events)
    # The event's history record is the import's: its rows get none of their
    # own (three more INSERTs per event), as in a fixture the event is the unit.
    amounts, citations, links = [], [], []
    for event, entry, roles in zip(events, entries, roles_of, strict=True):
        data, event_id = entry.data, ids[event["key"]]
        amounts += [
            {
                "event_id": event_id,
                "value": Decimal(a["value"]),
                "currency": a["currency"],
                "text": a["text"],
                "is_approximate": a["approximate"],
            }
            for a in data["amounts"]
        ]
        spans = {(c["document"], c["start"], c["end"]): c for c in data["citations"]}
        citations += [
            {
                "event_id": event_id,
                "document_id": run.documents[c["document"]].pk,
                "quote": c["quote"],
                "start": c["start"],
                "end": c["end"],
                "needs_review": False,
                "created_at": now,
            }
            for c in spans.values()
        ]
        links += [
            {"event_id": event_id, "entity_id": entity.pk, "role": role}
            for entity, role in roles
        ]
    rows_insert(Amount, amounts)
    rows_insert(Citation, citations)
    rows_insert(EventEntity, links)


def ids_by_key(keys: list[str]) -> dict[str, int]:
    """The ids of the stored events among `keys`, in one plain query (the
    ORM's IN lookup prepares each of thousands of parameters on its own)."""
    if not keys:
        return {}
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('key')}, {quote('id')} FROM {quote(Event._meta.db_table)} "
        f"WHERE {quote('key')} IN ({', '.join(['%s'] * len(keys))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, keys)
        return dict(cursor.fetchall())


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    return {
        f.attname: f.get_default()
        for f in model._meta.concrete_fields
        if f is not model._meta.pk
    }


def _analyze() -> None:
    tables = [model._meta.db_table for model in (Event, Amount, Citation, EventEntity)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
