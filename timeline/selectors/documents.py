"""Reads about a document's place on the timeline: the candidates waiting on
it alone, and the published events that rest on it alone."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from corpus.models import Document
from timeline.models import Citation, Event

UNREVIEWED = (Event.Status.DRAFT, Event.Status.IN_REVIEW)


def document_candidates(document: Document) -> QuerySet[Event]:
    """Extracted events still waiting for review whose only source is `document`."""
    cites = Citation.objects.filter(event=OuterRef("pk"))
    # Exists rather than a join: no DISTINCT, so callers may lock the rows.
    return (
        Event.objects.filter(
            Exists(cites.filter(document=document)),
            origin=Event.Origin.EXTRACTED,
            status__in=UNREVIEWED,
            merged_into__isnull=True,
        )
        .exclude(Exists(cites.exclude(document=document)))
        .order_by("pk")
    )


def published_relying_on(document: Document) -> list[Event]:
    """Published events whose only accepted source is `document`."""
    other_accepted = Citation.objects.filter(
        event=OuterRef("pk"), needs_review=False
    ).exclude(document=document)
    return list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED,
            citations__document=document,
            citations__needs_review=False,
        )
        .exclude(Exists(other_accepted))
        .distinct()
        .order_by("pk")
    )
