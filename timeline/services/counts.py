"""The stored month counts of public events (`EventMonthCount`): their triggers
and their rebuild.

Triggers on the event table add and take away one start and one end for
every public event written, whichever path writes it (a service's save, a
bulk import, a queryset update, a delete, raw SQL), in the writer's own
transaction. `event_counts_rebuild` recomputes every row from the events
and puts the triggers back where they are missing: SQLite drops a table's
triggers when a migration rebuilds the table to alter it.

SQLite has row triggers only, and takes one writer at a time. On PostgreSQL
the triggers are per statement: each sums what its statement changed per
kind and month (a title edit changes nothing and writes nothing) and
applies it in one statement, after taking a transaction-wide advisory lock
(`LOCK_KEY`). Writers of the counts therefore take turns from their first
counted change to their commit, instead of locking count rows in the order
their events come: two bulk publishes of events in opposite month orders
deadlocked on the rows they held (tests/timeline/test_count_locks.py).

Migration 0015 holds its own frozen copy of the row triggers it first
created; 0016 installs these. A change to the statements below needs a
migration of its own that installs them (and a frozen copy of these there).
"""

from __future__ import annotations

from django.db import connection, transaction

EVENTS = "timeline_event"
COUNTS = "timeline_eventmonthcount"
TRIGGER = "timeline_event_month_counts"
# A public event, as timeline.selectors.event_queryset(user=None) has it.
PUBLIC = "{row}.status = 'published' AND {row}.merged_into_id IS NULL"
COUNTED_COLUMNS = ("status", "merged_into_id", "kind_id", "date_lower", "date_upper")
# The first day of a date's month, as the DateField stores it.
MONTH = {
    "sqlite": "strftime('%Y-%m-01', {value})",
    "postgresql": "date_trunc('month', {value}::timestamp)::date",
}
# PostgreSQL: the statement triggers' function, and the key of the advisory
# lock that count writers take in turn (any fixed number; this is the ASCII
# of "tl-month").
FUNCTION = f"{TRIGGER}_statement"
LOCK_KEY = 0x746C2D6D6F6E7468


def _collect_sql(tables: dict[str, int]) -> str:
    """PL/pgSQL reading a statement's change to the counts into the arrays
    changed_kinds, _months, _starts and _ends (NULL when nothing changed):
    each public row of transition table `name` adds `sign` to its start and
    end months, summed per kind and month, sorted."""
    bounds = " UNION ALL ".join(
        f"SELECT kind_id, {MONTH['postgresql'].format(value=column)} AS month, "
        f"{sign * (1 - index)} AS starts, {sign * index} AS ends "
        f"FROM {name} WHERE {PUBLIC.format(row=name)}"
        for name, sign in tables.items()
        for index, column in enumerate(("date_lower", "date_upper"))
    )
    return (
        "SELECT array_agg(kind_id ORDER BY kind_id, month), "
        "array_agg(month ORDER BY kind_id, month), "
        "array_agg(starts ORDER BY kind_id, month), "
        "array_agg(ends ORDER BY kind_id, month) "
        "INTO changed_kinds, changed_months, changed_starts, changed_ends "
        "FROM ("
        "SELECT kind_id, month, SUM(starts)::integer AS starts, "
        "SUM(ends)::integer AS ends "
        f"FROM ({bounds}) AS bounds GROUP BY kind_id, month "
        "HAVING SUM(starts) <> 0 OR SUM(ends) <> 0) AS changed;"
    )


# Adds the arrays to the rows that exist; a month without a row gets one for
# what is added (taking away only updates a row that exists: a flush that
# empties this table before the events, or the kinds before the events, must
# not leave rows behind, nor rows pointing at deleted kinds).
_APPLY_SQL = (
    "WITH delta AS (SELECT * FROM unnest(changed_kinds, changed_months, "
    "changed_starts, changed_ends) "
    "AS d (kind_id, month, starts, ends)), "
    f"updated AS (UPDATE {COUNTS} AS c SET starts = c.starts + delta.starts, "
    "ends = c.ends + delta.ends FROM delta "
    "WHERE c.kind_id = delta.kind_id AND c.month = delta.month "
    "RETURNING c.kind_id, c.month) "
    f"INSERT INTO {COUNTS} (kind_id, month, starts, ends) "
    "SELECT kind_id, month, GREATEST(starts, 0), GREATEST(ends, 0) FROM delta "
    "WHERE (starts > 0 OR ends > 0) AND NOT EXISTS (SELECT 1 FROM updated "
    "WHERE updated.kind_id = delta.kind_id AND updated.month = delta.month) "
    "ON CONFLICT (kind_id, month) DO UPDATE "
    f"SET starts = {COUNTS}.starts + excluded.starts, "
    f"ends = {COUNTS}.ends + excluded.ends;"
)


def _adjust(vendor: str, row: str, delta: int) -> str:
    """Add `delta` (1 or -1) to the start month and the end month of event
    `row` (NEW or OLD) when it is public.

    Adding inserts a missing row; taking away only updates one that exists:
    a counted event has its rows, and a flush of the database that empties
    this table before the events (or the kinds before the events) must not
    leave rows behind, nor rows pointing at deleted kinds."""
    statements = []
    public = PUBLIC.format(row=row)
    for column, field in (("date_lower", "starts"), ("date_upper", "ends")):
        month = MONTH[vendor].format(value=f"{row}.{column}")
        if delta > 0:
            values = (delta, 0) if field == "starts" else (0, delta)
            statements.append(
                f"INSERT INTO {COUNTS} (kind_id, month, starts, ends) "
                f"SELECT {row}.kind_id, {month}, {values[0]}, {values[1]} "
                f"WHERE {public} "
                f"ON CONFLICT (kind_id, month) DO UPDATE "
                f"SET {field} = {COUNTS}.{field} + excluded.{field};"
            )
        else:
            statements.append(
                f"UPDATE {COUNTS} SET {field} = {field} - {-delta} "
                f"WHERE kind_id = {row}.kind_id AND month = {month} AND {public};"
            )
    return " ".join(statements)


def trigger_sql(vendor: str) -> list[str]:
    """Statements creating the triggers (idempotent: existing ones are kept
    on SQLite, replaced on PostgreSQL)."""
    if vendor == "sqlite":
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COUNTED_COLUMNS)
        columns = ", ".join(COUNTED_COLUMNS)
        return [
            f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_insert AFTER INSERT ON {EVENTS} "
            f"BEGIN {_adjust(vendor, 'NEW', 1)} END",
            f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_delete AFTER DELETE ON {EVENTS} "
            f"BEGIN {_adjust(vendor, 'OLD', -1)} END",
            f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_update "
            f"AFTER UPDATE OF {columns} ON {EVENTS} WHEN {changed} "
            f"BEGIN {_adjust(vendor, 'OLD', -1)} {_adjust(vendor, 'NEW', 1)} END",
        ]
    if vendor == "postgresql":
        return [
            *_legacy_drop_sql(),
            f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                changed_kinds bigint[];
                changed_months date[];
                changed_starts integer[];
                changed_ends integer[];
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {_collect_sql({"new_rows": 1})}
                ELSIF TG_OP = 'DELETE' THEN
                    {_collect_sql({"old_rows": -1})}
                ELSE
                    {_collect_sql({"old_rows": -1, "new_rows": 1})}
                END IF;
                IF changed_kinds IS NULL THEN
                    RETURN NULL;
                END IF;
                PERFORM pg_advisory_xact_lock({LOCK_KEY});
                {_APPLY_SQL}
                RETURN NULL;
            END $$""",
            *(
                f"CREATE OR REPLACE TRIGGER {TRIGGER}_{op.lower()} AFTER {op} "
                f"ON {EVENTS} REFERENCING {tables} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                for op, tables in (
                    ("INSERT", "NEW TABLE AS new_rows"),
                    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                    ("DELETE", "OLD TABLE AS old_rows"),
                )
            ),
        ]
    raise NotImplementedError(vendor)


def drop_trigger_sql(vendor: str) -> list[str]:
    ops = ("insert", "delete", "update")
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TRIGGER}_{op}" for op in ops]
    return [
        *(f"DROP TRIGGER IF EXISTS {TRIGGER}_{op} ON {EVENTS}" for op in ops),
        f"DROP FUNCTION IF EXISTS {FUNCTION}()",
        *_legacy_drop_sql(),
    ]


def _legacy_drop_sql() -> list[str]:
    """Migration 0015's row trigger on PostgreSQL, which these replace."""
    return [
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON {EVENTS}",
        f"DROP FUNCTION IF EXISTS {TRIGGER}()",
    ]


def rebuild_sql(vendor: str) -> list[str]:
    """Statements replacing every row by a fresh count of the events."""
    parts = [
        f"SELECT kind_id, {MONTH[vendor].format(value=column)} AS month, "
        f"{1 - index} AS starts, {index} AS ends FROM {EVENTS} "
        f"WHERE {PUBLIC.format(row=EVENTS)}"
        for index, column in enumerate(("date_lower", "date_upper"))
    ]
    return [
        f"DELETE FROM {COUNTS}",
        f"INSERT INTO {COUNTS} (kind_id, month, starts, ends) "
        f"SELECT kind_id, month, SUM(starts), SUM(ends) "
        f"FROM ({' UNION ALL '.join(parts)}) AS bounds GROUP BY kind_id, month",
    ]


def event_counts_rebuild() -> int:
    """Recount every month from the events (and recreate missing triggers),
    in one transaction; returns the number of rows written."""
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            # Writers wait (readers go on): an event written while the rows
            # are recounted would be counted by its trigger and the recount,
            # or by neither. SQLite writers already take turns.
            cursor.execute(f"LOCK TABLE {EVENTS} IN SHARE MODE")
        for statement in trigger_sql(vendor) + rebuild_sql(vendor):
            cursor.execute(statement)
        cursor.execute(f"SELECT COUNT(*) FROM {COUNTS}")
        return cursor.fetchone()[0]


__all__ = ["drop_trigger_sql", "event_counts_rebuild", "rebuild_sql", "trigger_sql"]
