"""`manage.py extract FILE... --format json`: print candidate events, write nothing."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from corpus.extraction.articles import analyse_article, analysis_as_dict, article_paths
from corpus.extraction.headers import parse_date_string
from corpus.reading import ArticleReadError


def published_on_option(value: str):
    try:
        return parse_date_string(value)
    except ValueError as exc:
        raise CommandError(f"--published-on: {exc}") from exc


class Command(BaseCommand):
    help = (
        "Print the candidate events of news articles as JSON lines (one object "
        "per file), without touching the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="Articles or folders.")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--published-on",
            help="Publication date to use when the page carries none (2025-07-11).",
        )

    def handle(self, *args, **options):
        published_on = (
            published_on_option(options["published_on"])
            if options["published_on"]
            else None
        )
        paths = article_paths(options["files"])
        if not paths:
            raise CommandError("extract: no article files found")
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
