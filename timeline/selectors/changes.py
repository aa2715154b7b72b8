"""Reads of the public change feed (/api/changes/).

The feed lists each event once, at its latest change: an older entry of an
event that changed again is superseded (CouchDB's `_changes` does the same),
so a consumer replaying it sees the current state and never a JSON body for
a state the event has left.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from timeline.models import PublicChange


def public_change_page(*, after: int, limit: int) -> list[PublicChange]:
    """Up to `limit` latest entries with a sequence above `after`, in order."""
    later = PublicChange.objects.filter(
        event_id=OuterRef("event_id"), id__gt=OuterRef("id")
    )
    return list(
        PublicChange.objects.filter(id__gt=after)
        .filter(~Exists(later))
        .order_by("id")[:limit]
    )
