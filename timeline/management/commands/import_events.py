"""`manage.py import_events FILE`: bulk import of curated events (JSONL or CSV)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.management.progress import progress_bar
from timeline.services.imports import FORMATS, ImportFailed, events_import


class Command(BaseCommand):
    help = (
        "Import events from a JSON Lines file (one events-fixture entry per line) "
        "or a CSV file (columns key,title,summary,kind,date_edtf,date_text,"
        "modality and JSON lists in amounts,entities,citations). Streamed and "
        "written in batches, each in its own transaction (--atomic: the whole "
        "file). Idempotent by key; events a curator changed since import, or "
        "made by hand under the same key, are reported and left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=FORMATS, help="Default: from the file's extension."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Events per batch and transaction (default 2000).",
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="One transaction for the whole file: any bad line changes nothing.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, updated, unchanged or skipped; "
            "write nothing.",
        )

    def handle(self, *args, **options):
        try:
            with progress_bar(self.stdout) as draw:
                report = events_import(
                    path=options["file"],
                    fmt=options["format"],
                    batch_size=options["batch_size"],
                    atomic=options["atomic"],
                    dry_run=options["dry_run"],
                    on_progress=lambda records, done, total: draw(
                        done, total, f"{records:,} events"
                    ),
                )
        except ImportFailed as exc:
            raise CommandError(f"import_events: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.errors:
            raise CommandError(
                "import_events: some batches were not imported.\n"
                + "\n".join(report.errors)
            )
