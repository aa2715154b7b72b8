"""The stored month counts of public events (`EventMonthCount`): their triggers
and their rebuild.

Triggers on the event table add and take away one start and one end for
every public event written, whichever path writes it (a service's save, a
bulk import, a queryset update, a delete, raw SQL), in the writer's own
transaction. `event_counts_rebuild` recomputes every row from the events
and puts the triggers back where they are missing: SQLite drops a table's
triggers when a migration rebuilds the table to alter it.

On PostgreSQL a write that changes the counts first takes a transaction-wide
advisory lock (`LOCK_KEY`), so writers of the counts take turns from their
first counted change to their commit. Without it they locked the count rows
in the order their events came, and two bulk publishes of events in opposite
month orders deadlocked (tests/timeline/test_count_locks.py). A write that
changes no count (a title edit, a draft) takes no lock. SQLite already takes
one writer at a time.

Migration 0015 holds a frozen copy of the triggers it first created; 0016
installs these. A change to the statements here needs its own migration
(and a frozen copy of these in 0016 first).
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
# PostgreSQL: the advisory lock that writers of the counts take in turn (any
# fixed number; this one is the ASCII of "tl-month").
LOCK_KEY = 0x746C2D6D6F6E7468


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
        old = ", ".join(f"OLD.{c}" for c in COUNTED_COLUMNS)
        new = ", ".join(f"NEW.{c}" for c in COUNTED_COLUMNS)
        columns = ", ".join(COUNTED_COLUMNS)
        return [
            f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND ({old}) IS NOT DISTINCT FROM ({new}) THEN
                    RETURN NULL;
                END IF;
                IF (TG_OP <> 'INSERT' AND {PUBLIC.format(row="OLD")})
                    OR (TG_OP <> 'DELETE' AND {PUBLIC.format(row="NEW")}) THEN
                    PERFORM pg_advisory_xact_lock({LOCK_KEY});
                ELSE
                    RETURN NULL;
                END IF;
                IF TG_OP <> 'INSERT' THEN {_adjust(vendor, "OLD", -1)} END IF;
                IF TG_OP <> 'DELETE' THEN {_adjust(vendor, "NEW", 1)} END IF;
                RETURN NULL;
            END $$""",
            f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR DELETE "
            f"OR UPDATE OF {columns} ON {EVENTS} "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
        ]
    raise NotImplementedError(vendor)


def drop_trigger_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER}_{op}"
            for op in ("insert", "delete", "update")
        ]
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
