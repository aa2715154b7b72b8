"""`manage.py rebuild_event_counts`: recount the stored month counts of public
events from the events, and recreate their triggers where missing.

The triggers keep the counts in step on their own; this repairs them after
anything that bypassed the triggers (a migration that rebuilt the event table
on SQLite, a restore of one table).
"""

from django.core.management.base import BaseCommand

from timeline.services.counts import event_counts_rebuild


class Command(BaseCommand):
    help = "Recount the timeline's stored month counts of public events."

    def handle(self, *args, **options):
        rows = event_counts_rebuild()
        self.stdout.write(f"Recounted: {rows} month rows.")
