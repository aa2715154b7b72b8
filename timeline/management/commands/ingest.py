"""`manage.py ingest FILE...`: store articles (.txt, .html), queue their candidates."""

import getpass
import socket
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline.management.commands.extract import (
    add_article_arguments,
    article_options,
)
from timeline.management.progress import progress_bar
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
        "citation on it, flagged for review. Each file is stored in a transaction "
        "of its own: failures are listed and make the command exit non-zero; "
        "--atomic stores nothing unless every file succeeds. Each run is recorded "
        "(admin: Ingest runs)."
    )

    def add_arguments(self, parser):
        add_article_arguments(parser)
        parser.add_argument(
            "--url", default="", help="The original address of the (one) article."
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="All or nothing: if any file fails, store none of them.",
        )

    def handle(self, *args, **options):
        # Folders expand to their *.txt files there; add their web pages.
        pages = html_paths([Path(p) for p in options["files"]])
        paths, published_on = article_options(
            {**options, "files": [*options["files"], *pages]}
        )
        try:
            with progress_bar(self.stdout) as draw:
                report = documents_ingest(
                    paths=paths,
                    published_on=published_on,
                    url=options["url"],
                    on_progress=lambda number, total, path: draw(
                        number, total, f"{number}/{total} {path.name[:40]:<40}"
                    ),
                    atomic=options["atomic"],
                    invoked_by=_invoked_by(),
                    arguments=_arguments(options, len(paths)),
                )
        except IngestError as exc:
            raise CommandError(f"ingest: nothing was written.\n{exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Recorded as ingest run {report.run.pk}.")
        if report.failures:
            failed = len(report.failures)
            if report.rolled_back:
                head = (
                    f"ingest: nothing was written: {failed} of {len(paths)} files "
                    "failed (--atomic)."
                )
            elif failed == len(paths):
                head = f"ingest: nothing was written: {failed} of {len(paths)} failed."
            else:
                head = (
                    f"ingest: {failed} of {len(paths)} files failed; the others "
                    "were stored."
                )
            raise CommandError("\n".join([head, *report.failure_lines()]))


def _invoked_by() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name for this uid (containers)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def _arguments(options, count: int) -> str:
    """The options of the run, for its record (the files are listed apart)."""
    parts = [f"{count} file(s)"]
    if options.get("published_on"):
        parts.append(f"--published-on {options['published_on']}")
    if options.get("url"):
        parts.append(f"--url {options['url']}")
    if options.get("atomic"):
        parts.append("--atomic")
    return " ".join(parts)
