"""Stored month counts of public events, kept by triggers (timeline.services.counts).

The table is filled from the events already there; from then on triggers on
the event table keep it in step with every write.
"""

import django.db.models.deletion
from django.db import migrations, models

from timeline.services.counts import drop_trigger_sql, rebuild_sql, trigger_sql


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
