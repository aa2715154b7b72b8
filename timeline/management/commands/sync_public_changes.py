"""`manage.py sync_public_changes`: bring the public change feed up to date
with the events (`services.changes.public_changes_sync`).

The services record every change they make; this repairs the feed after
changes made around them (raw SQL, a restored table), appending an entry for
each event whose public view differs from its last one.
"""

from django.core.management.base import BaseCommand

from timeline.services.changes import public_changes_sync


class Command(BaseCommand):
    help = "Record in the change feed every event whose public view changed."

    def handle(self, *args, **options):
        written = public_changes_sync()
        self.stdout.write(f"Recorded {len(written)} change(s).")
