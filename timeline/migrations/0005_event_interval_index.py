"""Indexes for the API's interval-aware date plan (timeline.selectors.overlap_arms).

Each overlap query becomes one ordered range scan per precision class on
(status, merged_into, [kind,] precision, date_lower); date_upper and id are in
the index so rows outside the window are rejected without reading the table.
Raw SQL so the model state (and makemigrations) are untouched.
"""

from django.db import migrations

INDEXES = {
    "event_api_kind_prec_dates": (
        "status, merged_into_id, kind_id, date_precision, date_lower, date_upper, id"
    ),
    "event_api_prec_dates": (
        "status, merged_into_id, date_precision, date_lower, date_upper, id"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("timeline", "0004_editorial_groups")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON timeline_event ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
