"""`manage.py ingest FILE...`: store articles (.txt, .html), queue their candidates."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.management.commands.extract import (
    add_article_arguments,
    article_options,
)
from timeline.management.progress import progress_write, stream_is_tty
from timeline.services.ingest import IngestError, documents_ingest

HTML_GLOBS = ("*.html", "*.htm")


def html_paths(paths: list[Path]) -> list[Path]:
    """The saved web pages inside the folders given (files are taken as given)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for pattern in HTML_GLOBS:
                found.extend(p for p in path.rglob(pattern) if p.is_file())
    return sorted(found)


class Command(BaseCommand):
    help = (
        "Store news articles (files or folders of *.txt and saved *.html pages, "
        "whose main text is extracted) and their candidate "
        "events as extracted events in the review queue. Re-ingesting a file "
        "creates nothing; a candidate matching an existing event becomes a "
        "citation on it, flagged for review."
    )

    def add_arguments(self, parser):
        add_article_arguments(parser)
        parser.add_argument(
            "--url", default="", help="The original address of the (one) article."
        )

    def handle(self, *args, **options):
        # Folders expand to their *.txt files there; add their web pages.
        pages = html_paths([Path(p) for p in options["files"]])
        paths, published_on = article_options(
            {**options, "files": [*options["files"], *pages]}
        )
        show_progress = stream_is_tty(self.stdout)

        def progress(number: int, total: int, path: Path) -> None:
            if show_progress:
                progress_write(number, total, f"{number}/{total} {path.name[:40]:<40}")

        try:
            report = documents_ingest(
                paths=paths,
                published_on=published_on,
                url=options["url"],
                on_progress=progress,
            )
        except IngestError as exc:
            raise CommandError(f"ingest: nothing was written.\n{exc}") from exc
        finally:
            if show_progress:
                sys.stdout.write("\n")
        for line in report.lines():
            self.stdout.write(line)
