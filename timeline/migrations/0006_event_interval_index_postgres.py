"""PostgreSQL: partial indexes for the interval-aware date plan.

PostgreSQL does not treat `merged_into_id IS NULL` as fixing that column, so
the indexes of 0005 (status, merged_into, [kind,] precision, date_lower, ...)
cannot hand it rows in date order: every arm was read to its end and sorted.
Partial indexes on unmerged rows drop the column from the key, and each arm
becomes an ordered, limited index-only scan that Merge Append combines.
SQLite orders by the 0005 indexes already (it takes IS NULL as an equality)
and keeps them; nothing changes there.
"""

from django.db import migrations

PARTIAL = {
    "event_api_pg_kind_prec_dates": (
        "status, kind_id, date_precision, date_lower, date_upper, id"
    ),
    "event_api_pg_prec_dates": "status, date_precision, date_lower, date_upper, id",
}
REPLACED = ("event_api_kind_prec_dates", "event_api_prec_dates")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in PARTIAL.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON timeline_event ({columns}) "
            "WHERE merged_into_id IS NULL"
        )
    for name in REPLACED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    original = {
        "event_api_kind_prec_dates": (
            "status, merged_into_id, kind_id, date_precision, date_lower, "
            "date_upper, id"
        ),
        "event_api_prec_dates": (
            "status, merged_into_id, date_precision, date_lower, date_upper, id"
        ),
    }
    for name, columns in original.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON timeline_event ({columns})"
        )
    for name in PARTIAL:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0005_event_interval_index")]

    operations = [migrations.RunPython(forwards, backwards)]
