"""PostgreSQL: the month counts' row trigger (0015) becomes three statement
triggers that apply each statement's change in one write, under an advisory
lock (see timeline.services.counts). SQLite keeps its row triggers.

The counts themselves are unchanged: both kinds of trigger keep them exact.
"""

import importlib

from django.db import migrations

from timeline.services.counts import drop_trigger_sql, trigger_sql

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
    statements = drop_trigger_sql("postgresql") + initial.trigger_sql("postgresql")
    _execute(schema_editor, statements)


class Migration(migrations.Migration):

    dependencies = [
        ("timeline", "0015_event_month_counts"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
