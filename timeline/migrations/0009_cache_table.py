"""The table of the database cache (DJANGO_CACHE_URL=db://…, the default), so
`migrate` alone sets up a fresh database, tests and `make demo` included.

It runs `createcachetable`, which makes the table of every configured
database cache that is missing and leaves existing ones alone; after changing
the table name later, run `python manage.py createcachetable` once. On
PostgreSQL the table is UNLOGGED: its rows (throttle counts) are disposable,
and skipping the write-ahead log took a throttled request's cache writes from
about 3.5-8 ms to 1.7-2.2 ms on the development machine.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import migrations


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
    ]
