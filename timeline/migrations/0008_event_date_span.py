"""Event.date_span_days (upper - lower, None for open ends), derived like the
other date fields, filled for existing rows in one UPDATE.

The interval-aware date plan bounds free intervals by the longest one stored:
with this column and its index that is one index lookup per page, never stale,
instead of a scan cached for a minute per process.
"""

from django.conf import settings
from django.db import migrations, models

OPEN_LOWER, OPEN_UPPER = "0001-01-01", "9999-12-31"


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        span = "date_upper - date_lower"
    else:
        span = "CAST(julianday(date_upper) - julianday(date_lower) AS INTEGER)"
    for table in ("timeline_event", "timeline_historicalevent"):
        schema_editor.execute(
            f"UPDATE {table} SET date_span_days = {span} "
            "WHERE date_lower > %s AND date_upper < %s",
            [OPEN_LOWER, OPEN_UPPER],
        )


class Migration(migrations.Migration):

    dependencies = [
        ('timeline', '0007_search_indexes_postgres'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='date_span_days',
            field=models.IntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalevent',
            name='date_span_days',
            field=models.IntegerField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['date_precision', 'date_span_days'], name='event_span'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
