"""Plans for filters that match few events among a million: start from the
small side.

A filter such as "events of this entity" or "events whose title contains
this word" is an EXISTS or LIKE checked row by row. Walking the events in
date order and checking each is quick when matches are common (fifty are
found in the first few hundred rows) and reads the whole table when they are
rare. So each filter first asks its small side (the entity's links, the
full-text index) for at most `FEW` event ids: when that many or fewer exist,
the events are fetched by id and sorted; otherwise the row-by-row walk stays.
Either way the exact filter is still applied, so the results are the same;
the candidates only choose the plan.

On SQLite text candidates come from the FTS5 trigram tables of migration
0014: any substring of three characters or more, in any script; shorter
text (and any text on PostgreSQL, whose `q` has its own GIN plan) has no
candidates here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from timeline.models import Citation, Entity, Event, EventEntity

# Ids fetched and sorted directly: a few milliseconds at this size.
FEW = 2_000
TRIGRAM = 3


def few_ids(ids: QuerySet, *, limit: int | None = None) -> list[int] | None:
    """The values of the one-column `ids` when there are at most `limit`
    (default FEW)."""
    limit = FEW if limit is None else limit
    found = list(ids.order_by()[: limit + 1])
    return None if len(found) > limit else found


def narrowed(
    queryset: QuerySet, ids: QuerySet, *, limit: int | None = None
) -> QuerySet:
    """`queryset` cut to the event ids `ids` when they are few (module doc)."""
    found = few_ids(ids, limit=limit)
    return queryset if found is None else queryset.filter(pk__in=found)


def fts_phrase(text: str) -> str:
    """`text` as one FTS5 phrase: matched as a substring by the trigram tables."""
    return '"' + text.replace('"', '""') + '"'


def _fts_rowids(table: str, columns: Iterable[str], text: str, limit: int) -> RawSQL:
    """At most `limit` rowids of `table` whose `columns` may contain `text`
    (FTS5 trigrams). Limited, because SQLite collects an IN subquery whole
    before using it."""
    fts = f"{table}_fts"
    match = "{" + " ".join(columns) + "} : " + fts_phrase(text)
    return RawSQL(
        f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s", [match, limit]
    )


def text_searchable(text: str, *, using: str = "default") -> bool:
    return connections[using].vendor == "sqlite" and len(text) >= TRIGRAM


def event_ids_with_text(
    text: str,
    *,
    fields: Iterable[str],
    quotes: QuerySet[Citation] | None = None,
    entity_names: bool = False,
    limit: int | None = None,
    using: str = "default",
) -> list[int] | None:
    """Ids of the events that may contain `text` (case-insensitively) in one of
    their own `fields` (of title, summary, key), in a quote among `quotes`, or
    in an entity's name; None when there are more than `limit`, or when the
    text cannot be looked up (too short, or not SQLite). One query."""
    if not text_searchable(text, using=using):
        return None
    limit = FEW if limit is None else limit
    # Each arm yields more than `limit` rows when its index holds more than
    # `limit` matches, so a cut arm always means "many". The quotes arm reads
    # every citation, not only `quotes`: a superset, which the exact filter
    # narrows, where a filtered arm could be cut and look complete.
    over = limit + 1
    own = Event.objects.filter(pk__in=_fts_rowids("timeline_event", fields, text, over))
    arms = [own.values_list("pk", flat=True)]
    if quotes is not None:
        cited = Citation.objects.filter(
            pk__in=_fts_rowids("timeline_citation", ["quote"], text, over)
        )
        arms.append(cited.values_list("event_id", flat=True))
    if entity_names:
        # Entities are thousands, not millions: a LIKE over their names is quick.
        named = Entity.objects.filter(name__icontains=text).values("pk")
        arms.append(
            EventEntity.objects.filter(entity__in=named).values_list(
                "event_id", flat=True
            )
        )
    # UNION ALL streams and stops at the limit; UNION would collect every match.
    ids = arms[0].order_by().union(*(arm.order_by() for arm in arms[1:]), all=True)
    found = list(ids.using(using)[:over])
    return sorted(set(found)) if len(found) <= limit else None


def event_text_q(text: str, *, fields: Iterable[str], quotes: QuerySet[Citation]) -> Q:
    """Events containing `text` (case-insensitively) in one of their own
    `fields`, in a quote among `quotes` or in an entity's name: EXISTS per
    relation, so no join multiplies the rows (and no DISTINCT is needed)."""
    own = Q.create([(f"{field}__icontains", text) for field in fields], connector=Q.OR)
    cited = quotes.filter(event=OuterRef("pk"), quote__icontains=text)
    named = EventEntity.objects.filter(
        event=OuterRef("pk"), entity__name__icontains=text
    )
    return own | Exists(cited) | Exists(named)


def events_with_text(
    queryset: QuerySet[Event],
    text: str,
    *,
    fields: Iterable[str],
    quotes: QuerySet[Citation],
) -> QuerySet[Event]:
    """`queryset` cut to the events matching `event_text_q`, read from the
    full-text candidates when they are few."""
    fields = list(fields)
    few = event_ids_with_text(
        text, fields=fields, quotes=quotes, entity_names=True, using=queryset.db
    )
    if few is not None:
        queryset = queryset.filter(pk__in=few)
    return queryset.filter(event_text_q(text, fields=fields, quotes=quotes))
