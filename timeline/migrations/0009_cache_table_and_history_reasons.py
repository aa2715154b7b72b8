"""The table of the database cache, and history reasons of any length.

The cache table (DJANGO_CACHE_URL=db://…, the default) is made here so
`migrate` alone sets up a fresh database, tests and `make demo` included.

It runs `createcachetable`, which makes the table of every configured
database cache that is missing and leaves existing ones alone; after changing
the table name later, run `python manage.py createcachetable` once. On
PostgreSQL the table is UNLOGGED: its rows (throttle counts) are disposable,
and skipping the write-ahead log took a throttled request's cache writes from
about 3.5-8 ms to 1.7-2.2 ms on the development machine.

`history_change_reason` becomes a text column on every historical model
(SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD): a reason past 100
characters was a database error on PostgreSQL, and the whole reason is what
an editor reads in the history.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import migrations, models


def create_cache_tables(apps, schema_editor):
    connection = schema_editor.connection
    call_command("createcachetable", database=connection.alias, verbosity=0)
    if connection.vendor != "postgresql":
        return
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, DatabaseCache):
            table = connection.ops.quote_name(cache._table)
            schema_editor.execute(f"ALTER TABLE {table} SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0008_event_date_span"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model_name,
                name="history_change_reason",
                field=models.TextField(null=True),
            )
            for model_name in (
                "historicalamount",
                "historicalcitation",
                "historicalentity",
                "historicalevent",
                "historicalevententity",
            )
        ],
    ]
