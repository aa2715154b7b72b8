"""`manage.py tag_dates --jsonl IN`: run the temporal tagger over JSON lines.

Reads {"doc_id", "dct", "text"} per line and writes {"doc_id", "timexes": [...]}
with TIMEX3 type and value plus EDTF, so the tagger can be scored on public
benchmarks.
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from corpus.extraction.timex import tag_dates


class Command(BaseCommand):
    help = "Tag temporal expressions in JSON lines {doc_id, dct, text}."

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", type=Path, required=True, help="Input file.")
        parser.add_argument(
            "--output", type=Path, default=None, help="Output file (default: stdout)."
        )

    def handle(self, *args, **options):
        source = Path(options["jsonl"])
        try:
            lines = source.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{source}: cannot read ({exc})") from exc
        results = [
            json.dumps(self.tag_line(line, source, number), ensure_ascii=False)
            for number, line in enumerate(lines, start=1)
            if line.strip()
        ]
        output = "\n".join(results) + ("\n" if results else "")
        if options["output"]:
            Path(options["output"]).write_text(output, encoding="utf-8")
        else:
            self.stdout.write(output, ending="")

    def tag_line(self, line: str, source: Path, number: int) -> dict:
        where = f"{source}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{where}: invalid JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise CommandError(f'{where}: expected an object with a "text" string')
        anchor = None
        if record.get("dct"):
            try:
                anchor = datetime.date.fromisoformat(str(record["dct"])[:10])
            except ValueError as exc:
                raise CommandError(
                    f"{where}: dct {record['dct']!r} is not a date"
                ) from exc
        timexes = tag_dates(record["text"], anchor=anchor)
        return {
            "doc_id": record.get("doc_id"),
            "timexes": [
                {
                    "start": t.start,
                    "end": t.end,
                    "text": t.text,
                    "type": t.type,
                    "value": t.value,
                    "edtf": t.edtf,
                }
                for t in timexes
            ],
        }
