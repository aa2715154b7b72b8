"""A small published timeline with one of everything the public must not see."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from tests.factories import (
    AmountFactory,
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    EventEntityFactory,
    EventFactory,
    EventKindFactory,
)
from timeline.models import Event


@dataclass
class World:
    published: list[Event]
    hidden: list[Event]  # draft, in review, rejected, merged away
    hidden_entity: object
    hidden_document: object
    flagged_quote: str
    flagged_document: object
    entity: object
    document: object


def published_event(title: str, edtf: str, kind: str = "plan", **kwargs) -> Event:
    event = EventFactory(
        title=title,
        date_edtf=edtf,
        kind=EventKindFactory(slug=kind),
        status=Event.Status.PUBLISHED,
        **kwargs,
    )
    CitationFactory(event=event)
    return event


@pytest.fixture(autouse=True)
def _empty_cache():
    """Timeline windows are cached (timeline.site.views.window_cache_key)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    deal = published_event("Visible deal in Shanghai", "2023-09-04", kind="deal")
    plan = published_event("Visible plan for the 2020s", "2021/2025")
    fuzzy = published_event("Visible market around 2024", "2024~", "market_figure")
    since = published_event("Visible fair since 2005", "2005/..", kind="fair")
    document = deal.citations.get().document
    entity = EntityFactory(name="Visible Biotech Park")
    EventEntityFactory(event=deal, entity=entity, role="host")
    AmountFactory(event=deal)

    hidden = []
    for status in (Event.Status.DRAFT, Event.Status.IN_REVIEW, Event.Status.REJECTED):
        event = EventFactory(
            title=f"Secret {status} event", date_edtf="2023-09-05", status=status
        )
        CitationFactory(event=event)
        hidden.append(event)
    merged = EventFactory(
        title="Secret merged event",
        date_edtf="2023-09-04",
        status=Event.Status.PUBLISHED,
        merged_into=deal,
    )
    CitationFactory(event=merged)
    hidden.append(merged)
    hidden_entity = EntityFactory(name="Secret Entity Ltd")
    EventEntityFactory(event=hidden[0], entity=hidden_entity)
    hidden_document = hidden[0].citations.get().document

    # A source the ingest attached to a published event, not yet accepted:
    # its document is cited by nothing else.
    flagged_document = DocumentFactory(
        title="Secret flagged article",
        text="Flagged\n\nA secret flagged sentence about a merger. Nothing else.\n",
    )
    flagged = CitationFactory(event=deal, document=flagged_document, needs_review=True)
    return World(
        published=[deal, plan, fuzzy, since],
        hidden=hidden,
        hidden_entity=hidden_entity,
        hidden_document=hidden_document,
        flagged_quote=flagged.quote,
        flagged_document=flagged_document,
        entity=entity,
        document=document,
    )
