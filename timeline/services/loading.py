"""`seeds_load`: import seed articles and the curated events fixture.

Idempotent (a second run writes nothing), atomic (any error leaves the
database as it was) and respectful of curators: an event changed since it was
imported, or made by hand under a key the fixture uses, is reported and left
alone. Reading and validating the files is `seed_files`' job.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction

from corpus.extraction.headers import parse_header
from corpus.models import Document, Publisher, text_sha256
from timeline.models import (
    Amount,
    Citation,
    Event,
    EventEntity,
    EventKind,
    EventRevision,
)
from timeline.services.changes import public_changes_record
from timeline.services.entities import entity_get_or_create
from timeline.services.seed_files import (
    Article,
    Entry,
    SeedError,
    articles_read,
    entries_validate,
    fixture_find,
    fixture_read,
)

__all__ = [
    "Decision",
    "SeedError",
    "SeedReport",
    "entry_decide",
    "entry_fingerprint",
    "event_fingerprint",
    "event_write_entry",
    "fingerprint_compute",
    "seeds_load",
]

CHANGE_REASON = "load_seeds"


@dataclass
class SeedReport:
    documents_created: list[str] = field(default_factory=list)
    documents_unchanged: list[str] = field(default_factory=list)
    events_created: list[str] = field(default_factory=list)
    events_updated: list[str] = field(default_factory=list)
    events_unchanged: list[str] = field(default_factory=list)
    events_skipped: list[str] = field(default_factory=list)
    events_not_in_fixture: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_created or self.events_created or self.events_updated
        )

    def lines(self) -> list[str]:
        out = [
            f"Documents: {len(self.documents_created)} created, "
            f"{len(self.documents_unchanged)} unchanged.",
            f"Events: {len(self.events_created)} created, "
            f"{len(self.events_updated)} updated, "
            f"{len(self.events_unchanged)} unchanged, "
            f"{len(self.events_skipped)} skipped because a curator changed them.",
        ]
        out += [f"  skipped (curator changes kept): {k}" for k in self.events_skipped]
        out += [
            f"  in the database but no longer in the fixture (kept): {k}"
            for k in self.events_not_in_fixture
        ]
        if not self.changed:
            out.append("Nothing changed.")
        return out


def seeds_load(*, directory: Path) -> SeedReport:
    """Load every *.txt article and the events fixture in `directory`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SeedError(f"{directory}: no such directory")
    articles = articles_read(directory)
    fixture_path = fixture_find(directory)
    entries = entries_validate(fixture_read(fixture_path), fixture_path, articles)

    report = SeedReport()
    with transaction.atomic():
        documents = _load_documents(articles, report)
        for entry in entries:
            _load_event(entry, documents, report)
        public_changes_record(
            event_ids=Event.objects.filter(
                key__in=[e.key for e in entries]
            ).values_list("pk", flat=True)
        )
        known = {entry.key for entry in entries}
        report.events_not_in_fixture = list(
            Event.objects.filter(origin=Event.Origin.CURATED)
            .exclude(seed_hash="")
            .exclude(key__in=known)
            .values_list("key", flat=True)
        )
    return report


# Writing -------------------------------------------------------------------


def _load_documents(
    articles: dict[str, Article], report: SeedReport
) -> dict[str, Document]:
    by_sha = {
        doc.sha256: doc
        for doc in Document.objects.filter(
            sha256__in=[text_sha256(a.text) for a in articles.values()]
        )
    }
    documents = {}
    for name, article in articles.items():
        sha = text_sha256(article.text)
        existing = by_sha.get(sha)
        if existing is not None:
            documents[name] = existing
            report.documents_unchanged.append(name)
            continue
        if Document.objects.filter(source_name=name).exists():
            raise SeedError(
                f"{name}: the text differs from the stored document of that name; "
                "stored documents never change (citations point into them)"
            )
        header = parse_header(article.text, source_name=name)
        publisher = None
        if header.publisher:
            publisher, _ = Publisher.objects.get_or_create(name=header.publisher)
        document = Document(
            title=header.title[:500] or name,
            publisher=publisher,
            author=header.author,
            language=header.language,
            published_on=header.published_on,
            text=article.text,
            source_name=name,
        )
        document.full_clean()
        document.save()
        documents[name] = document
        report.documents_created.append(name)
    return documents


def event_fingerprint(event: Event) -> str:
    """A hash of what a curator can change about an event (not its status).

    Uses the event's prefetched amounts, roles (with entities) and citations
    (with documents) when it has them, as the bulk import does.
    """
    return fingerprint_of(
        event,
        amounts=event.amounts.all(),
        roles=_related(event, "roles", "entity"),
        citations=_related(event, "citations", "document"),
    )


def fingerprint_of(
    event: Event,
    *,
    amounts: Iterable[Amount],
    roles: Iterable[EventEntity],
    citations: Iterable[Citation],
) -> str:
    """`event_fingerprint` of an unsaved event with these unsaved rows (ingest
    has them in hand before it writes, and reads nothing back)."""
    return fingerprint_compute(
        title=event.title,
        summary=event.summary,
        kind=event.kind.slug,
        date_edtf=event.date_edtf,
        date_text=event.date_text,
        modality=event.modality,
        amounts=[(a.value, a.currency, a.text, a.is_approximate) for a in amounts],
        entities=[(r.entity.name, r.entity.kind, r.role) for r in roles],
        citations=[(c.document.sha256, c.start, c.end, c.quote) for c in citations],
    )


def _related(event: Event, name: str, parent: str) -> Any:
    if name in getattr(event, "_prefetched_objects_cache", {}):
        return getattr(event, name).all()
    return getattr(event, name).select_related(parent)


def fingerprint_compute(
    *,
    title: str,
    summary: str,
    kind: str,
    date_edtf: str,
    date_text: str,
    modality: str,
    amounts: Iterable[tuple[Decimal | str, str, str, bool]],
    entities: Iterable[tuple[str, str, str]],
    citations: Iterable[tuple[str, int, int, str]],
) -> str:
    """The fingerprint of an event in this state: from its rows
    (`event_fingerprint`) or from what a loader is about to write."""
    state = {
        "title": title,
        "summary": summary,
        "kind": kind,
        "date": [date_edtf, date_text],
        "modality": modality,
        "amounts": sorted(
            [format(Decimal(value).normalize(), "f"), currency, text, approximate]
            for value, currency, text, approximate in amounts
        ),
        "entities": sorted(list(role) for role in set(entities)),
        "citations": sorted(list(citation) for citation in set(citations)),
    }
    blob = json.dumps(state, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Decision(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"


def entry_decide(
    *, event: Event | None, entry: Entry, has_pending_revision: bool
) -> Decision:
    """What a loader does with `entry` given the event stored under its key.

    No fingerprint: the loader never wrote this event (a curator made it by
    hand, or ingest did), so it is as much a curator's as an edit. A curator's
    change waiting for review is a curator change too: the fixture must not
    move the live version under it.
    """
    if event is None:
        return Decision.CREATE
    if not event.seed_fingerprint or event_fingerprint(event) != event.seed_fingerprint:
        return Decision.SKIP
    if event.seed_hash == entry.fixture_hash:
        return Decision.UNCHANGED
    if has_pending_revision:
        return Decision.SKIP
    return Decision.UPDATE


def _load_event(
    entry: Entry, documents: dict[str, Document], report: SeedReport
) -> None:
    event = Event.objects.select_related("kind").filter(key=entry.key).first()
    pending = (
        event is not None
        and event.revisions.filter(status=EventRevision.Status.PENDING).exists()
    )
    decision = entry_decide(event=event, entry=entry, has_pending_revision=pending)
    if decision is Decision.SKIP:
        report.events_skipped.append(entry.key)
    elif decision is Decision.UNCHANGED:
        report.events_unchanged.append(entry.key)
    else:
        if decision is Decision.CREATE:
            event = Event(
                key=entry.key,
                origin=Event.Origin.CURATED,
                status=Event.Status.PUBLISHED,
                review_note="Imported from the curated seed fixture.",
            )
            report.events_created.append(entry.key)
        else:
            report.events_updated.append(entry.key)
        event_write_entry(
            event=event, entry=entry, documents=documents, reason=CHANGE_REASON
        )


def event_write_entry(
    *, event: Event, entry: Entry, documents: Mapping[str, Document], reason: str
) -> None:
    """Write a validated entry over `event` (new, or one `entry_decide` said to
    update) with its amounts, entities and citations, and record the
    fingerprint of what was written."""
    data = entry.data
    if event.pk is not None:
        event.version += 1
    event.title = data["title"]
    event.summary = data["summary"]
    event.kind = EventKind.objects.get(slug=data["kind"])
    event.date_edtf = data["date"]["edtf"]
    event.date_text = data["date"]["text"]
    event.modality = data["modality"]
    event.seed_hash = entry.fixture_hash
    event.full_clean(exclude=["seed_fingerprint"])
    event._change_reason = reason
    event.save()

    event.citations.all().delete()
    event.amounts.all().delete()
    event.roles.all().delete()
    for citation in data["citations"]:
        Citation.objects.create(
            event=event,
            document=documents[citation["document"]],
            quote=citation["quote"],
            start=citation["start"],
            end=citation["end"],
        )
    for amount in data["amounts"]:
        Amount.objects.create(
            event=event,
            value=Decimal(amount["value"]),
            currency=amount["currency"],
            text=amount["text"],
            is_approximate=amount["approximate"],
        )
    roles = []
    for role in data["entities"]:
        entity = entity_get_or_create(
            name=role["name"], kind=role["kind"], reason=reason
        )
        EventEntity.objects.get_or_create(event=event, entity=entity, role=role["role"])
        roles.append((entity.name, entity.kind, role["role"]))
    event.seed_fingerprint = entry_fingerprint(entry, documents=documents, roles=roles)
    Event.objects.filter(pk=event.pk).update(seed_fingerprint=event.seed_fingerprint)


def entry_fingerprint(
    entry: Entry,
    *,
    documents: Mapping[str, Document],
    roles: Iterable[tuple[str, str, str]],
) -> str:
    """The fingerprint of the event `entry` writes, whose entity links are
    `roles` (entity name and kind as stored, which an alias may change)."""
    data = entry.data
    return fingerprint_compute(
        title=data["title"],
        summary=data["summary"],
        kind=data["kind"],
        date_edtf=data["date"]["edtf"],
        date_text=data["date"]["text"],
        modality=data["modality"],
        amounts=[
            (a["value"], a["currency"], a["text"], a["approximate"])
            for a in data["amounts"]
        ],
        entities=roles,
        citations=[
            (documents[c["document"]].sha256, c["start"], c["end"], c["quote"])
            for c in data["citations"]
        ],
    )
