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


def test_new_slugs_avoid_stored_ones_in_one_query(django_assert_num_queries):
    EntityFactory(name="Alpha Bio", kind="company")  # slug alpha-bio
    EntityFactory(name="Alpha", kind="place")  # slug alpha, which no base is

    # The names, the aliases of the kinds, the free slugs, rows and history.
    with django_assert_num_queries(5):
        found = entities_get_or_create(
            wanted=[
                ("Alpha Bio", "programme"),
                ("Alpha Bio", "person"),
                ("Beta", "place"),
            ],
            reason="test",
        )

    assert sorted(e.slug for e in found.values()) == [
        "alpha-bio-2",
        "alpha-bio-3",
        "beta",
    ]


def test_groups_make_new_entities_in_the_order_one_lookup_each_would():
    cache = EntityCache()

    first, second = cache.get_groups(
        [[("Zeta Bio", "company"), ("Alpha", "place")], [("Zeta Bio", "programme")]],
        reason="t",
    )

    # Each group's new names in name order, group after group: ids and
    # slugs as two get_many calls would give them.
    assert [e.name for e in sorted(Entity.objects.all(), key=lambda e: e.pk)] == [
        "Alpha",
        "Zeta Bio",
        "Zeta Bio",
    ]
    assert [e.slug for e in first + second] == ["zeta-bio", "alpha", "zeta-bio-2"]


def test_a_forgetting_cache_looks_names_up_again():
    cache = EntityCache()
    cache.get_many([("Shenzhen", "place")], reason="t")
    Entity.objects.all().delete()  # as a rolled-back file would leave it

    cache.forget()

    (entity,) = cache.get_many([("Shenzhen", "place")], reason="t")
    assert Entity.objects.filter(pk=entity.pk).exists()


def test_the_cache_reads_each_kinds_aliases_once_per_run(django_assert_num_queries):
    renamed = EntityFactory(name="Jiangsu Hengrui", kind="company", aliases=["Hengrui"])
    cache = EntityCache()
    cache.get_many([("Alpha Bio", "company")], reason="t")  # reads the companies'

    # The names, the free slugs, the row and its history: no aliases again.
    with django_assert_num_queries(4):
        assert cache.get_many([("Beta Bio", "company")], reason="t")[0].pk
    with django_assert_num_queries(1):  # the name only: "Hengrui" is an alias
        assert cache.get_many([("Hengrui", "company")], reason="t") == [renamed]


def test_a_forgetting_cache_reads_the_aliases_again():
    cache = EntityCache()
    cache.get_many([("Alpha Bio", "company")], reason="t")
    renamed = EntityFactory(name="Jiangsu Hengrui", kind="company", aliases=["Hengrui"])

    cache.forget()

    assert cache.get_many([("Hengrui", "company")], reason="t") == [renamed]
