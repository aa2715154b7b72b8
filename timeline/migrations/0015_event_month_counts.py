"""Stored month counts of public events, kept by triggers.

The table is filled from the events already there; from then on triggers on
the event table keep it in step with every write.

The statements are frozen here as this migration first wrote them (row
triggers on both vendors); timeline.services.counts holds the current ones,
which 0016 installs on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models

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


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for statement in trigger_sql(vendor) + rebuild_sql(vendor):
            cursor.execute(statement)


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in drop_trigger_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('timeline', '0014_admin_indexes_and_sqlite_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='EventMonthCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The first day of the month.')),
                ('starts', models.IntegerField(default=0)),
                ('ends', models.IntegerField(default=0)),
                ('kind', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='month_counts', to='timeline.eventkind')),
            ],
            options={
                'indexes': [models.Index(fields=['month'], name='event_month_count_month')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'month'), name='event_month_count_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
