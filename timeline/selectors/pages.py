"""Keyset pages of events, with an interval-aware plan for date windows.

`event_page_ids` runs an overlap window as a UNION ALL of one arm per precision
class (`overlap_arms`), each an ordered index range scan; the database merges
them and stops at the page size.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.sql.where import AND, ExtraWhere

from corpus.dates import OPEN_LOWER, OPEN_UPPER, earliest_start
from timeline.models import Event
from timeline.selectors.events import event_rows_by_ids

OPEN_ENDED = Q(date_lower=OPEN_LOWER) | Q(date_upper=OPEN_UPPER)


# The (date_precision, date_span_days) index of Event.Meta.
SPAN_INDEX = "event_span"


def _longest_interval_sql(db: Any) -> str:
    """SELECT of the longest stored span of a bounded free interval, in days:
    one lookup in the (date_precision, date_span_days) index (migration 0008).
    Over every status, merged or not: a bound that holds for any reader."""
    q = db.ops.quote_name
    table = q(Event._meta.db_table)
    if db.vendor == "sqlite":
        # Other indexes lead with date_precision too (migration 0014), and
        # without fresh statistics SQLite took one and read every interval
        # (0.5 s at 1M events) instead of this index's last entry.
        table += f" INDEXED BY {q(SPAN_INDEX)}"
    return (
        f"SELECT COALESCE(MAX({q('date_span_days')}), 0) "
        f"FROM {table} WHERE {q('date_precision')} = %s"
    )


def longest_interval_days(using: str = "default") -> int:
    """The longest span (upper - lower, in days) of a bounded free interval.

    Every other precision has its earliest overlapping start by definition
    (`corpus.dates.earliest_start`); free intervals are as long as the longest
    one stored, read fresh on each call (no cache to go stale).
    """
    db = connections[using]
    with db.cursor() as cursor:
        cursor.execute(_longest_interval_sql(db), [Event.Precision.INTERVAL.value])
        return int(cursor.fetchone()[0])


def arm_floors(
    date_from: datetime.date, *, using: str = "default"
) -> list[tuple[str, datetime.date]]:
    """(precision, earliest date_lower) for each bounded precision class: an
    event of that class that ends on or after `date_from` starts no earlier."""
    floors = []
    for precision in sorted(Event.Precision.values):
        floor = earliest_start(precision, date_from)
        if floor is None:  # free intervals: as long as the longest stored one
            floor = _days_before(date_from, longest_interval_days(using))
        floors.append((precision, floor))
    return floors


def _days_before(day: datetime.date, days: int) -> datetime.date:
    try:
        return max(day - datetime.timedelta(days=days), OPEN_LOWER)
    except OverflowError:
        return OPEN_LOWER


def overlap_arms(date_from: datetime.date) -> list[Q]:
    """Split an overlap filter into classes whose date_lower scan is bounded.

    Each precision class becomes a range scan on (precision, date_lower) from
    its floor (`arm_floors`) instead of a scan over every earlier event.
    Open-ended events ("since 2005", "until 2030") are their own small class.
    The arms partition the rows, so their UNION ALL equals the plain filter.
    """
    # Open ends only come from EDTF intervals ("2005/..", "../2030"), so both
    # open arms are ordered scans of the (…, precision, date_lower) index too.
    # "since" starts after OPEN_LOWER, so its scan skips the "until" entries
    # (all at OPEN_LOWER, first in the index) instead of reading past them.
    interval = Event.Precision.INTERVAL
    arms = [
        Q(date_precision=interval, date_lower=OPEN_LOWER),
        # `>=`, not `=`: an equality would lure SQLite onto the date_upper index.
        Q(date_precision=interval, date_lower__gt=OPEN_LOWER)
        & Q(date_upper__gte=OPEN_UPPER),
    ]
    for precision, floor in arm_floors(date_from):
        arm = Q(date_precision=precision, date_lower__gte=floor)
        if precision == interval:
            arm &= ~OPEN_ENDED
        arms.append(arm)
    return arms


@dataclass(frozen=True)
class Ordering:
    name: str
    fields: tuple[str, ...]  # model fields, always ending with id
    descending: bool


ORDERINGS: dict[str, Ordering] = {
    "date": Ordering("date", ("date_lower", "date_upper", "id"), False),
    "-date": Ordering("-date", ("date_lower", "date_upper", "id"), True),
    "updated": Ordering("updated", ("updated_at", "id"), False),
    "-updated": Ordering("-updated", ("updated_at", "id"), True),
    "title": Ordering("title", ("title", "id"), False),
    "-title": Ordering("-title", ("title", "id"), True),
}


def keyset_after(ordering: Ordering, values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `ordering` (a row-value comparison).

    The leading `>=` on the first field is implied by the OR but spelled out so
    the database seeks the index instead of testing every row.
    """
    op = "lt" if ordering.descending else "gt"
    first_op = "lte" if ordering.descending else "gte"
    fields = ordering.fields
    after = Q()
    for i, name in enumerate(fields):
        term = Q(**{f"{name}__{op}": values[i]})
        for j in range(i):
            term &= Q(**{fields[j]: values[j]})
        after |= term
    return Q(**{f"{fields[0]}__{first_op}": values[0]}) & after


def order_by_args(ordering: Ordering) -> list[str]:
    sign = "-" if ordering.descending else ""
    return [sign + name for name in ordering.fields]


def event_page_ids(
    qs: QuerySet[Event],
    *,
    ordering: Ordering,
    limit: int,
    after: Sequence[Any] | None = None,
    overlap_from: datetime.date | None = None,
) -> list[tuple[Any, ...]]:
    """Keys (the ordering's fields, id last) of the next `limit` rows: one query.

    With an overlap window the query is a UNION ALL of `overlap_arms`, each an
    ordered index range scan, merged by the database and cut at `limit`. The
    filtered query is compiled once and each arm appends its own terms (see
    `_overlap_arm_sql`): compiling nine arms and their union through the ORM
    cost more than running them.
    """
    if after is not None:
        qs = qs.filter(keyset_after(ordering, after))
    qs = qs.order_by()
    if overlap_from is None:
        keys = qs.order_by(*order_by_args(ordering)).values_list(*ordering.fields)
        return list(keys[:limit])
    keys = qs.values_list(*ordering.fields)
    query = keys.query
    if query.combinator or query.is_sliced or query.group_by or query.annotations:
        return _page_ids_through_orm(keys, ordering, limit, overlap_from)
    # A placeholder term, last in the WHERE and so last in the parameters,
    # which each arm replaces with its own terms.
    query.where.add(ExtraWhere([ARM_PLACEHOLDER], []), AND)
    db = connections[keys.db]
    compiler = query.get_compiler(connection=db)
    try:
        base_sql, base_params = compiler.as_sql()
    except EmptyResultSet:
        return []
    if base_sql.count(ARM_PLACEHOLDER) != 1:
        return _page_ids_through_orm(
            qs.values_list(*ordering.fields), ordering, limit, overlap_from
        )
    parts, params = [], []
    for arm_sql, arm_params in _overlap_arm_sql(overlap_from, db):
        parts.append(base_sql.replace(f"({ARM_PLACEHOLDER})", f"({arm_sql})"))
        params += [*base_params, *arm_params]
    sql = union_of_arms(parts, len(ordering.fields), ordering.descending, limit, db)
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [tuple(row) for row in rows]


ARM_PLACEHOLDER = "timeline_overlap_arm"


def union_of_arms(
    parts: Sequence[str], width: int, descending: bool, limit: int, db: Any
) -> str:
    """The UNION ALL of the arms' SELECTs, ordered by their `width` key
    columns and cut at `limit`.

    SQLite merges the arms' ordered index scans (MERGE (UNION ALL)) and stops
    at the limit. PostgreSQL only merges (Merge Append) arms that are ordered
    and limited themselves; otherwise it reads every arm to the end and sorts.
    """
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{i} {direction}" for i in range(1, width + 1))
    if db.features.supports_slicing_ordering_in_compound:
        parts = [f"({part} ORDER BY {order} LIMIT {int(limit)})" for part in parts]
    return f"{' UNION ALL '.join(parts)} ORDER BY {order} LIMIT {int(limit)}"


def _page_ids_through_orm(
    keys: QuerySet, ordering: Ordering, limit: int, overlap_from: datetime.date
) -> list[tuple[Any, ...]]:
    """The same UNION ALL built by the ORM, for queries `_overlap_arm_sql`
    cannot extend (grouped or combined ones)."""
    arms = [keys.filter(arm) for arm in overlap_arms(overlap_from)]
    union = arms[0].union(*arms[1:], all=True)
    return list(union.order_by(*order_by_args(ordering))[:limit])


def _overlap_arm_sql(date_from: datetime.date, db: Any) -> list[tuple[str, list[Any]]]:
    """`overlap_arms` as SQL terms (with their parameters) on the event table.

    Kept in step with `overlap_arms` by tests/api/test_event_page_sql.py, which
    compares both plans row for row.
    """
    table = db.ops.quote_name(Event._meta.db_table)
    precision, lower, upper = (
        f"{table}.{db.ops.quote_name(name)}"
        for name in ("date_precision", "date_lower", "date_upper")
    )
    open_lower = db.ops.adapt_datefield_value(OPEN_LOWER)
    open_upper = db.ops.adapt_datefield_value(OPEN_UPPER)
    interval = Event.Precision.INTERVAL.value
    arms = [
        (f"{precision} = %s AND {lower} = %s", [interval, open_lower]),
        (
            f"{precision} = %s AND {lower} > %s AND {upper} >= %s",
            [interval, open_lower, open_upper],
        ),
    ]
    for name in sorted(Event.Precision.values):
        floor = earliest_start(name, date_from)
        if floor is not None:
            floor_value = db.ops.adapt_datefield_value(floor)
            arms.append((f"{precision} = %s AND {lower} >= %s", [name, floor_value]))
            continue
        # Free intervals: the floor is `date_from` less the longest span,
        # looked up by the database in the same query, never out of date.
        longest = f"({_longest_interval_sql(db)})"
        if db.vendor == "postgresql":
            # Capped so the date stays at or after 0001-01-01.
            most = (date_from - OPEN_LOWER).days
            interval_floor = f"(%s::date - LEAST({longest}, %s))"
            floor_params = [date_from, interval, most]
        else:
            interval_floor = f"COALESCE(date(%s, '-' || {longest} || ' days'), %s)"
            floor_params = [db.ops.adapt_datefield_value(date_from), interval]
            floor_params.append(open_lower)
        arms.append(
            (
                f"{precision} = %s AND {lower} >= {interval_floor} "
                f"AND NOT ({lower} = %s OR {upper} = %s)",
                [name, *floor_params, open_lower, open_upper],
            )
        )
    return arms


@dataclass(frozen=True)
class EventPage:
    """A keyset page: the events as `event_rows_by_ids` rows, and the key of
    the last one when more follow (for the next cursor), else None."""

    rows: list[dict[str, Any]]
    next_key: tuple[Any, ...] | None


def event_page(
    qs: QuerySet[Event],
    *,
    ordering: Ordering,
    size: int,
    public: bool,
    after: Sequence[Any] | None = None,
    overlap_from: datetime.date | None = None,
) -> EventPage:
    """The next `size` events of `qs` with what the representation shows:
    `event_page_ids` (one more row tells whether more follow), then the rows
    (for the `public`, reviewed sources only)."""
    keys = event_page_ids(
        qs, ordering=ordering, limit=size + 1, after=after, overlap_from=overlap_from
    )
    page = keys[:size]
    rows = event_rows_by_ids((key[-1] for key in page), public=public)
    return EventPage(rows, page[-1] if len(keys) > size else None)
