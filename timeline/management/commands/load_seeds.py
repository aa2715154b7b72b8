"""`manage.py load_seeds`: import the seed articles and curated events."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from timeline.services.loading import SeedError, seeds_load


class Command(BaseCommand):
    help = (
        "Import the seed articles (*.txt) and the curated events fixture "
        "(events.yaml) from a directory. Idempotent and atomic; events a "
        "curator changed since import, or made by hand under a fixture key, "
        "are reported and left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help=f"Directory to read (default: {settings.SEEDS_DIR}).",
        )

    def handle(self, *args, **options):
        directory = options["dir"] or settings.SEEDS_DIR
        try:
            report = seeds_load(directory=directory)
        except SeedError as exc:
            raise CommandError(f"load_seeds: nothing was changed.\n{exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
