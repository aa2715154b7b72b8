"""Finding or creating entities by name, honouring the aliases curators record."""

from __future__ import annotations

from timeline.models import Entity


def entity_get_or_create(*, name: str, kind: str, reason: str) -> Entity:
    """The entity called `name` (or aliased so) of `kind`; created if missing.

    A curator who renames an entity keeps the old name as an alias, so imports
    that still use the old name link to the same entity instead of a new one.
    """
    name = name.strip()[:300]
    entity = Entity.objects.filter(name=name, kind=kind).first()
    if entity is not None:
        return entity
    # The text filter narrows the scan on both SQLite and PostgreSQL; the exact
    # check in Python avoids substring false positives.
    for candidate in Entity.objects.filter(kind=kind, aliases__icontains=name):
        if name in (candidate.aliases or []):
            return candidate
    entity = Entity(name=name, kind=kind)
    entity._change_reason = reason
    entity.full_clean()
    entity.save()
    return entity
