"""Fixtures for the API tests: a client, published events from EDTF, users."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import (
    CitationFactory,
    EntityFactory,
    EventFactory,
    EventKindFactory,
    UserFactory,
)
from timeline.models import Event, EventEntity

# Every filter and paging parameter of /api/events/ (the schema documents
# each; each must answer bad input with a 400).
EVENT_PARAMETERS = [
    "date_from",
    "date_to",
    "date",
    "date_match",
    "kind",
    "modality",
    "entity",
    "document",
    "publisher",
    "q",
    "updated_since",
    "status",
    "ordering",
    "cursor",
    "page_size",
    "format",
]


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Throttle counters live in the shared cache (a table, by default); a
    # test must not inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unthrottled(settings):
    """No anonymous rate: query counts then measure the page alone (the
    throttle's own cache queries are counted in test_throttling.py)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None},
    }


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def dated_event(
    edtf: str = "2023-09-04",
    *,
    kind: str = "deal",
    status: str = Event.Status.PUBLISHED,
    sources: int = 0,
    entity=None,
    **kwargs,
) -> Event:
    """An event of `kind` dated `edtf` (published unless told), with `sources`
    citations and, if given, `entity` as its buyer."""
    event = EventFactory(
        date_edtf=edtf,
        kind=EventKindFactory(slug=kind),
        status=status,
        **kwargs,
    )
    for i in range(sources):
        CitationFactory(event=event, sentence=i % 4)
    if entity is not None:
        EventEntity.objects.create(event=event, entity=entity, role="buyer")
    return event


@pytest.fixture
def make_event(db):
    return dated_event


@pytest.fixture
def staff_reader(db):
    user = UserFactory(username="reader", is_staff=False)
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    return user


@pytest.fixture
def entity(db):
    return EntityFactory(name="Shanghai Municipal Government")
