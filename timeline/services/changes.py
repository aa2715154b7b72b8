"""The public change feed's writer: one `PublicChange` per change the public sees.

Services call `public_changes_record` with the events they touched, inside
their transaction. It compares what the public sees of each event now (its
JSON, by fingerprint) with the event's last entry and appends an entry only
when that differs: calling it for an event that did not change, or that was
never public, writes nothing, so callers need not know the event's past.
Catalogue rows shown inside events (entities, kinds, documents, publishers)
are followed by signal receivers (`catalog_changed`), since the admin saves
them directly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Max, Subquery
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from corpus.models import Document, Publisher
from timeline.models import Entity, Event, EventKind, PublicChange


def public_fingerprint(row: dict[str, Any]) -> str:
    """sha256 of an event's public JSON (URL left out: it depends on the host)."""
    # Imported here: the serializers and selectors import the services.
    from timeline.api.serializers import event_representation

    data = event_representation(row, url="")
    payload = json.dumps(data, cls=JSONEncoder, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()


def _latest(ids: list[int]) -> dict[int, PublicChange]:
    last_ids = (
        PublicChange.objects.filter(event_id__in=ids)
        .values("event_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    return {
        change.event_id: change
        for change in PublicChange.objects.filter(id__in=Subquery(last_ids))
    }


def _tombstone_type(event: dict[str, Any] | None, public: set[int]) -> str:
    """How an event left the public; merged only into a public survivor:
    naming an unpublished one would tell the public its id."""
    if event is None:
        return PublicChange.Type.DELETED
    if event["merged_into_id"] in public:
        return PublicChange.Type.MERGED
    if event["status"] == Event.Status.REJECTED:
        return PublicChange.Type.REJECTED
    return PublicChange.Type.WITHDRAWN


def _lock_feed() -> None:
    """Entries commit in the order of their ids: a reader that has seen entry
    n never later finds a smaller one. PostgreSQL hands out ids before commit,
    so writers take turns from here to their commit (plain reads go on);
    SQLite writers already take turns (transaction_mode IMMEDIATE)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(PublicChange._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


def public_changes_record(*, event_ids: Iterable[int]) -> list[PublicChange]:
    """Append an entry for each of these events whose public view changed.

    Call it inside the transaction that changed them (after the change).
    Returns the entries written.
    """
    ids = sorted(set(event_ids))
    if not ids:
        return []
    events = {
        row["id"]: row
        for row in Event.objects.filter(pk__in=ids).values(
            "id", "key", "status", "merged_into_id"
        )
    }
    public = [
        pk
        for pk, row in events.items()
        if row["status"] == Event.Status.PUBLISHED and row["merged_into_id"] is None
    ]
    from timeline.selectors.events import event_rows_by_ids

    fingerprints = {
        row["id"]: public_fingerprint(row)
        for row in event_rows_by_ids(public, public=True)
    }
    latest = _latest(ids)
    survivors = {row["merged_into_id"] for row in events.values()} - {None}
    public_survivors = set(
        Event.objects.filter(
            pk__in=survivors, status=Event.Status.PUBLISHED, merged_into__isnull=True
        ).values_list("pk", flat=True)
        if survivors
        else ()
    )
    now = timezone.now()
    entries = []
    for pk in ids:
        last = latest.get(pk)
        was_public = last is not None and last.type not in PublicChange.TOMBSTONES
        if pk in fingerprints:
            if was_public and last.fingerprint == fingerprints[pk]:
                continue
            entries.append(
                PublicChange(
                    event_id=pk,
                    key=events[pk]["key"],
                    type=PublicChange.Type.UPDATED
                    if was_public
                    else PublicChange.Type.PUBLISHED,
                    changed_at=now,
                    fingerprint=fingerprints[pk],
                )
            )
        elif was_public:
            event = events.get(pk)
            kind = _tombstone_type(event, public_survivors)
            entries.append(
                PublicChange(
                    event_id=pk,
                    key=event["key"] if event else last.key,
                    type=kind,
                    changed_at=now,
                    merged_into_id=event["merged_into_id"]
                    if kind == PublicChange.Type.MERGED
                    else None,
                )
            )
    if entries:
        _lock_feed()
        # One INSERT; both engines number its rows in the order given.
        PublicChange.objects.bulk_create(entries)
    return entries


def public_changes_sync() -> list[PublicChange]:
    """Record every event whose public view differs from its last entry (a
    repair for changes made outside the services, such as raw SQL)."""
    known = PublicChange.objects.values_list("event_id", flat=True).distinct()
    ids = set(Event.objects.values_list("pk", flat=True)) | set(known)
    written = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        written += public_changes_record(event_ids=ordered[start : start + 500])
    return written


def _events_showing(obj: Any) -> list[int]:
    """Public events whose JSON shows this catalogue row."""
    public = Event.objects.filter(
        status=Event.Status.PUBLISHED, merged_into__isnull=True
    )
    if isinstance(obj, Entity):
        public = public.filter(roles__entity=obj)
    elif isinstance(obj, EventKind):
        public = public.filter(kind=obj)
    elif isinstance(obj, Document):
        public = public.filter(citations__document=obj)
    elif isinstance(obj, Publisher):
        public = public.filter(citations__document__publisher=obj)
    else:
        return []
    return list(public.values_list("pk", flat=True).distinct())


def catalog_changed(
    sender, instance, raw: bool = False, created: bool = False, **kwargs
) -> None:
    """post_save receiver: a renamed entity, kind, document or publisher
    changes the JSON of every public event showing it (a new one is shown by
    none yet)."""
    if raw or created:  # loaddata, or nothing can point at it yet
        return
    public_changes_record(event_ids=_events_showing(instance))


CATALOG_MODELS = (Entity, EventKind, Document, Publisher)

__all__ = [
    "CATALOG_MODELS",
    "catalog_changed",
    "public_changes_record",
    "public_changes_sync",
    "public_fingerprint",
]
