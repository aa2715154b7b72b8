"""Entities: found or created by name (honouring curators' aliases), and merged."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction

from corpus.slugs import unique_slugs
from corpus.statements import rows_chunked
from timeline.models import Entity
from timeline.services.history import rows_create_with_history
from timeline.services.revisions import catalog_change_check


def entity_get_or_create(*, name: str, kind: str, reason: str) -> Entity:
    """The entity called `name` (or aliased so) of `kind`; created if missing.

    A curator who renames an entity keeps the old name as an alias, so imports
    that still use the old name link to the same entity instead of a new one.
    """
    found = entities_get_or_create(wanted=[(name, kind)], reason=reason)
    return found[name.strip()[:300], kind]


def entities_get_or_create(
    *, wanted: Iterable[tuple[str, str]], reason: str
) -> dict[tuple[str, str], Entity]:
    """`entity_get_or_create` for many (name, kind) pairs in a few queries: one
    for the names, one for the aliased entities of those kinds, one for free
    slugs and two (with history) creating the rest, each with a slug of its
    own, in the order of their names."""
    return _entities_get_or_create(
        sorted({(name.strip()[:300], kind) for name, kind in wanted}), reason=reason
    )


def _aliased(kinds: set[str]) -> Iterable[Entity]:
    """The entities of `kinds` that have aliases, in name order."""
    return Entity.objects.filter(kind__in=kinds).exclude(aliases=[])


def _named(names: list[str]) -> list[Entity]:
    """`Entity.objects.filter(name__in=names)`, in raw statements of
    up to `IN_STATEMENT` names (the ORM's query building cost more than the look-up,
    once per ingested article with names)."""
    db = connections[Entity._default_manager.db]
    q = db.ops.quote_name
    fields = Entity._meta.concrete_fields
    columns = ", ".join(q(f.column) for f in fields)
    table, name = q(Entity._meta.db_table), q(Entity._meta.get_field("name").column)
    read = _row_reader(db, Entity)
    attnames = [f.attname for f in fields]
    rows = rows_chunked(
        db,
        lambda n: (
            f"SELECT {columns} FROM {table} WHERE {name} IN ({', '.join(['%s'] * n)})"
        ),
        names,
    )
    return [Entity.from_db(db.alias, attnames, read(row)) for row in rows]


def _row_reader(db, model: type) -> Callable[[tuple], list]:
    """What the ORM makes of a row of `model`'s concrete fields, as a function
    (the backend's and the fields' converters: JSON, for one)."""
    converting = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = db.ops.get_db_converters(column) + field.get_db_converters(db)
        if converters:
            converting.append((i, column, converters))

    def read(row: tuple) -> list:
        values = list(row)
        for i, column, converters in converting:
            for convert in converters:
                values[i] = convert(values[i], column, db)
        return values

    return read


def _entities_get_or_create(
    ordered: list[tuple[str, str]],
    *,
    reason: str,
    aliased: Callable[[set[str]], Iterable[Entity]] = _aliased,
) -> dict[tuple[str, str], Entity]:
    """`entities_get_or_create` of distinct, stripped pairs; the missing ones
    are created (and given slugs) in the order given. `aliased` gives the
    entities with aliases of some kinds (each kind's in name order)."""
    wanted = set(ordered)
    found: dict[tuple[str, str], Entity] = {}
    for entity in _named(sorted({name for name, _ in wanted})):
        if (entity.name, entity.kind) in wanted:
            found[entity.name, entity.kind] = entity
    missing = wanted - found.keys()
    if missing:
        # An alias names one entity of its kind: the first in name order.
        for candidate in aliased({kind for _, kind in missing}):
            for alias in candidate.aliases or []:
                if (alias, candidate.kind) in missing:
                    found.setdefault((alias, candidate.kind), candidate)
    new = [
        Entity(name=name, kind=kind)
        for name, kind in ordered
        if (name, kind) not in found
    ]
    # bulk_create skips save(), which fills the slug; two new names may want
    # the same one ("Hengrui" as a company and as a programme).
    slugs = unique_slugs(
        Entity, [entity.name for entity in new], fallback=Entity.slug_fallback
    )
    for entity, slug in zip(new, slugs, strict=True):
        entity.slug = slug
        # Unique by name and kind: the first query showed these are missing.
        entity.full_clean(validate_unique=False, validate_constraints=False)
    for entity in rows_create_with_history(new, Entity, reason=reason):
        found[entity.name, entity.kind] = entity
    return found


class EntityCache:
    """`entities_get_or_create` for a run of many mentions (an ingest run):
    each (name, kind) is looked up once per run, and so are the aliases of
    each kind (the entities a run makes have none)."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], Entity] = {}
        # Kind -> its entities with aliases, in name order.
        self._aliased: dict[str, list[Entity]] = {}

    def get_many(
        self, wanted: Iterable[tuple[str, str]], *, reason: str
    ) -> list[Entity]:
        """The entities for `wanted`, in order (a few queries for new names)."""
        return self.get_groups([wanted], reason=reason)[0]

    def get_groups(
        self, groups: Iterable[Iterable[tuple[str, str]]], *, reason: str
    ) -> list[list[Entity]]:
        """`get_many` of each group, all in the queries of one: the new names
        are made as one `get_many` per group after the other would make them
        (the first group's in name order, then the next one's…)."""
        keys = [[(name.strip()[:300], kind) for name, kind in g] for g in groups]
        ordered: list[tuple[str, str]] = []
        seen = set(self._found)
        for group in keys:
            missing = sorted(set(group) - seen)
            ordered += missing
            seen.update(missing)
        if ordered:
            self._found.update(
                _entities_get_or_create(ordered, reason=reason, aliased=self._aliases)
            )
        return [[self._found[key] for key in group] for group in keys]

    def _aliases(self, kinds: set[str]) -> list[Entity]:
        """`_aliased`, each kind read once."""
        if unread := kinds - self._aliased.keys():
            for kind in unread:
                self._aliased[kind] = []
            for entity in _aliased(unread):
                self._aliased[entity.kind].append(entity)
        return [entity for kind in sorted(kinds) for entity in self._aliased[kind]]

    def forget(self) -> None:
        """Look everything up again (the rows made so far were rolled back)."""
        self._found.clear()
        self._aliased.clear()


def entity_merge(*, survivor: Entity, others: Iterable[Entity], user: Any) -> Entity:
    """Fold `others` into `survivor` and remove them.

    Every event link moves to the survivor (a link it already has with the same
    role is dropped as a duplicate); the others' names and aliases become the
    survivor's aliases, so the loader and search still find them. Needs
    `timeline.change_entity`: nothing is lost, the removed rows stay in history.
    """
    if not (user and user.is_authenticated and user.has_perm("timeline.change_entity")):
        raise PermissionDenied(
            "You do not have the permission 'timeline.change_entity'."
        )
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        raise ValidationError("Choose at least one other entity to merge.")
    for entity in (survivor, *others):
        catalog_change_check(obj=entity, user=user)
    with transaction.atomic():
        links = set(survivor.event_roles.values_list("event_id", "role"))
        aliases = list(survivor.aliases or [])
        for other in others:
            for role in other.event_roles.all():
                role._history_user = user
                role._change_reason = f"Entity {other.pk} merged into {survivor.pk}"
                if (role.event_id, role.role) in links:
                    role.delete()
                    continue
                links.add((role.event_id, role.role))
                role.entity = survivor
                role.save(update_fields=["entity"])
            for name in [other.name, *(other.aliases or [])]:
                if name != survivor.name and name not in aliases:
                    aliases.append(name)
            if not survivor.wikidata_id and other.wikidata_id:
                survivor.wikidata_id = other.wikidata_id
            other._history_user = user
            other._change_reason = f"Merged into entity {survivor.pk}: {survivor.name}"
            other.delete()
        survivor.aliases = aliases
        survivor.full_clean()
        survivor._history_user = user
        survivor._change_reason = "Merged in " + ", ".join(o.name for o in others)
        survivor.save()
    return survivor
