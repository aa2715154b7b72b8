"""`manage.py extract FILE... --format json`: print candidate events, write nothing."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from corpus.extraction.articles import analyse_article, analysis_as_dict, article_paths
from corpus.extraction.headers import parse_date_string
from corpus.reading import ArticleReadError


def add_article_arguments(parser) -> None:
    """The FILE... and --published-on arguments that extract and ingest share."""
    parser.add_argument("files", nargs="+", type=Path, help="Articles or folders.")
    parser.add_argument(
        "--published-on",
        help="Publication date to use when a page carries none (2025-07-11).",
    )


def article_options(options) -> tuple[list[Path], datetime.date | None]:
    """The article paths (folders expanded) and the parsed --published-on."""
    published_on = None
    if options["published_on"]:
        try:
            published_on = parse_date_string(options["published_on"])
        except ValueError as exc:
            raise CommandError(f"--published-on: {exc}") from exc
    paths = article_paths([Path(p) for p in options["files"]])
    if not paths:
        raise CommandError("no article files found")
    return paths, published_on


class Command(BaseCommand):
    help = (
        "Print the candidate events of news articles as JSON lines (one object "
        "per file), without touching the database."
    )

    def add_arguments(self, parser):
        add_article_arguments(parser)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options):
        paths, published_on = article_options(options)
        for path in paths:
            try:
                analysis = analyse_article(path, published_on=published_on)
            except ArticleReadError as exc:
                raise CommandError(f"extract: {exc}") from exc
            if analysis.published_on is None:
                self.stderr.write(
                    f"{path}: no publication date found; relative dates are not "
                    "resolved (use --published-on)"
                )
            self.stdout.write(
                json.dumps(analysis_as_dict(analysis), ensure_ascii=False)
            )
