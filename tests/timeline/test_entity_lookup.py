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


def test_the_raw_look_ups_find_what_the_orm_finds(monkeypatch):
    """The names' and slugs' statements (`_named`, `_slugs_starting`) give
    the rows the ORM's `name__in` and `slug__startswith` give: LIKE's
    wildcards in a slug are escaped, the aliases come back as lists, and a
    statement takes at most `IN_STATEMENT` values."""
    from django.db.models import Q

    from corpus import slugs, statements
    from timeline.services import entities

    for name, slug in [
        ("A_b", "a_b"),
        ("Axb", "axb"),
        ("A%c", "a-c"),
        ("Acme", "acme"),
        ("Acme 2", "acme-2"),
    ]:
        EntityFactory(name=name, slug=slug, kind="company", aliases=[name.upper()])
    monkeypatch.setattr(statements, "IN_STATEMENT", 2)
    bases = ["a_b", "acme", "a%", "zzz"]
    orm = Q()
    for base in bases:
        orm |= Q(slug__startswith=base)

    assert (
        slugs._slugs_starting(Entity, bases)
        == set(Entity.objects.filter(orm).values_list("slug", flat=True))
        == {"a_b", "acme", "acme-2"}
    )
    names = ["A_b", "Acme", "Acme 2", "Nobody"]
    found = sorted(entities._named(names), key=lambda e: e.pk)
    assert found == list(Entity.objects.filter(name__in=names).order_by("pk"))
    assert [e.aliases for e in found] == [["A_B"], ["ACME"], ["ACME 2"]]
    assert all(not e._state.adding and e._state.db == "default" for e in found)
