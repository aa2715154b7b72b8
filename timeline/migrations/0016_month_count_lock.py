"""PostgreSQL: the month counts' trigger (0015) takes an advisory lock before
it changes a count, so that concurrent writers take turns instead of
deadlocking on the count rows (see timeline.services.counts). SQLite, which
takes one writer at a time, keeps 0015's triggers.

The counts themselves are unchanged.
"""

import importlib

from django.db import migrations

from timeline.services.counts import trigger_sql

initial = importlib.import_module("timeline.migrations.0015_event_month_counts")


def _execute(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    _execute(schema_editor, trigger_sql("postgresql"))


def backwards(apps, schema_editor):
    _execute(schema_editor, initial.trigger_sql("postgresql"))


class Migration(migrations.Migration):

    dependencies = [
        ("timeline", "0015_event_month_counts"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
