"""Entities: found or created by name (honouring curators' aliases), and merged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from corpus.slugs import unique_slug
from timeline.models import Entity
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
    for the names, one for the aliased entities of those kinds, one (with
    history) creating the rest, each with a slug of its own."""
    wanted = {(name.strip()[:300], kind) for name, kind in wanted}
    found: dict[tuple[str, str], Entity] = {}
    for entity in Entity.objects.filter(name__in={name for name, _ in wanted}):
        if (entity.name, entity.kind) in wanted:
            found[entity.name, entity.kind] = entity
    missing = wanted - found.keys()
    if missing:
        aliased = Entity.objects.filter(kind__in={kind for _, kind in missing})
        for candidate in aliased.exclude(aliases=[]):
            for alias in candidate.aliases or []:
                if (alias, candidate.kind) in missing:
                    found.setdefault((alias, candidate.kind), candidate)
    new = [Entity(name=name, kind=kind) for name, kind in sorted(wanted - found.keys())]
    taken: set[str] = set()
    for entity in new:
        # bulk_create skips save(), which fills the slug; two new names may
        # want the same one ("Hengrui" as a company and as a programme).
        entity.slug = unique_slug(
            Entity, entity.name, fallback=Entity.slug_fallback, taken=taken
        )
        taken.add(entity.slug)
        # Unique by name and kind: the first query showed these are missing.
        entity.full_clean(validate_unique=False, validate_constraints=False)
    for entity in bulk_create_with_history(new, Entity, default_change_reason=reason):
        found[entity.name, entity.kind] = entity
    return found


class EntityCache:
    """`entities_get_or_create` for a run of many mentions (an ingest run):
    each (name, kind) is looked up once per run."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], Entity] = {}

    def get_many(
        self, wanted: Iterable[tuple[str, str]], *, reason: str
    ) -> list[Entity]:
        """The entities for `wanted`, in order (a few queries for new names)."""
        keys = [(name.strip()[:300], kind) for name, kind in wanted]
        missing = {key for key in keys if key not in self._found}
        if missing:
            self._found.update(entities_get_or_create(wanted=missing, reason=reason))
        return [self._found[key] for key in keys]


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
