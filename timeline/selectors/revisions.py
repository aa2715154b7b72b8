"""Pending changes to published events, and what each would change.

`revision_diff` turns a revision's base and proposed content into rows a
person reads (labels, kind and entity names, document titles), marking the
fields someone else changed meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from corpus.models import Document
from timeline.models import Entity, Event, EventKind, EventRevision
from timeline.services.revisions import (
    CONTENT_FIELDS,
    KEYS,
    conflicts,
    event_snapshot,
)


@dataclass(frozen=True)
class DiffRow:
    label: str
    old: str
    new: str
    conflict: bool = False  # the live version changed this field meanwhile


def pending_revisions() -> QuerySet[EventRevision]:
    """Revisions waiting for an editor, the oldest first."""
    return (
        EventRevision.objects.filter(status=EventRevision.Status.PENDING)
        .select_related("event", "created_by")
        .order_by("created_at", "id")
    )


def _label(name: str) -> str:
    return str(Event._meta.get_field(name).verbose_name).capitalize()


def _text(value) -> str:
    return "—" if value in (None, "") else str(value)


def revision_diff(revision: EventRevision) -> list[DiffRow]:
    base, proposed = revision.base, revision.proposed
    clashing = set(conflicts(revision, event_snapshot(revision.event)))
    kinds = EventKind.objects.in_bulk(
        [k for k in (base["fields"]["kind"], proposed["fields"]["kind"]) if k]
    )
    rows = []
    for name in CONTENT_FIELDS:
        old, new = base["fields"].get(name), proposed["fields"].get(name)
        if old == new:
            continue
        if name == "kind":
            old, new = kinds.get(old, old), kinds.get(new, new)
        rows.append(DiffRow(_label(name), _text(old), _text(new), name in clashing))
    rows += _relation_rows(base, proposed)
    return rows


def _relation_rows(base: dict, proposed: dict) -> list[DiffRow]:
    rows = []
    documents = Document.objects.in_bulk(
        {c["document"] for c in (*base["citations"], *proposed["citations"])}
    )
    entities = Entity.objects.in_bulk(
        {e["entity"] for e in (*base["entities"], *proposed["entities"])}
    )

    def source(c: dict) -> str:
        return f"“{c['quote']}” ({documents.get(c['document'], c['document'])})"

    def amount(a: dict) -> str:
        return a["text"] or f"{a['value']} {a['currency']}"

    def entity(e: dict) -> str:
        name = str(entities.get(e["entity"], e["entity"]))
        return f"{name} ({e['role']})" if e["role"] else name

    for relation, label, show in (
        ("citations", "Source", source),
        ("amounts", "Amount", amount),
        ("entities", "Entity", entity),
    ):
        key = KEYS[relation]
        old = {key(r): r for r in base[relation]}
        new = {key(r): r for r in proposed[relation]}
        rows += [DiffRow(label, show(old[k]), "removed") for k in old if k not in new]
        rows += [DiffRow(label, "added", show(new[k])) for k in new if k not in old]
    return rows


__all__ = ["DiffRow", "pending_revisions", "revision_diff"]
