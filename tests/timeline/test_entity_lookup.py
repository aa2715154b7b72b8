"""Entities found or created by name: one mechanism for the loader, ingest and
import_events (timeline.services.entities)."""

import pytest

from tests.factories import EntityFactory
from timeline.models import Entity
from timeline.services.entities import (
    EntityCache,
    entities_get_or_create,
    entity_get_or_create,
)

pytestmark = pytest.mark.django_db


def test_new_entities_created_together_get_distinct_slugs():
    found = entities_get_or_create(
        wanted=[
            ("Alpha Bio", "company"),
            ("Alpha Bio", "programme"),
            ("Beta", "place"),
        ],
        reason="test",
    )

    assert sorted(e.slug for e in found.values()) == [
        "alpha-bio",
        "alpha-bio-2",
        "beta",
    ]
    assert Entity.objects.count() == 3
    assert all(e.history.count() == 1 for e in Entity.objects.all())


def test_an_alias_finds_the_renamed_entity_in_every_path():
    renamed = EntityFactory(name="Jiangsu Hengrui", kind="company", aliases=["Hengrui"])

    assert entity_get_or_create(name=" Hengrui ", kind="company", reason="t") == renamed
    assert EntityCache().get_many([("Hengrui", "company")], reason="t") == [renamed]
    assert Entity.objects.count() == 1


def test_the_cache_looks_each_name_up_once_per_run(django_assert_num_queries):
    cache = EntityCache()
    cache.get_many([("Shenzhen", "place")], reason="t")

    with django_assert_num_queries(0):
        assert cache.get_many([("Shenzhen", "place")], reason="t")[0].name == "Shenzhen"
