"""Benchmark of `ingest` end to end on a large SQLite database.

Copies `bench/out/bench-N.sqlite3` (built by bench/api.py's `build_database`:
N published events) to a scratch file, then ingests real news texts into it
with `documents_ingest`, as the command does: reading, extraction, duplicate
matching against the N events, and every write with its history rows.

The texts are the five seed articles and the development set
(`../shared/devset/docs`, read in place, never copied). The first pass is the
cold one: the new articles go into the freshly copied file, and are rolled
back. Then, on the warm database, round 1 ingests each once for good (new
articles: mostly new events); each further round ingests them again with a
line appended, so their hash is new and their candidates match the events of
round 1 (the near-duplicate path: citations on existing events).

    .venv/bin/python bench/ingest.py                    # 1,000,000 events
    .venv/bin/python bench/ingest.py --events 100000 --rounds 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SHARED = REPO.parent / "shared"


def articles() -> list[Path]:
    found = sorted((REPO / "seeds").glob("*.txt"))
    devset = SHARED / "devset" / "docs"
    if devset.is_dir():
        found += sorted(devset.glob("*.txt"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the N-event database"
    )
    args = parser.parse_args()

    source = OUT / f"bench-{args.events}.sqlite3"
    if args.rebuild or not source.exists():
        sys.path.insert(0, str(REPO / "bench"))
        from api import build_database

        OUT.mkdir(exist_ok=True)
        build_database(source, args.events)
    scratch_dir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    scratch = scratch_dir / "db.sqlite3"
    shutil.copyfile(source, scratch)
    # The copy's writeback is not the ingest's: it would throttle the first
    # round that commits (warm 1 waited ~0.5 s on it).
    os.sync()
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    # A database built before the newest migrations gets them (on the copy).
    call_command("migrate", verbosity=0)

    from corpus.extraction.articles import analyse_article
    from timeline.services.ingest import documents_ingest

    texts = articles()
    print(f"{len(texts)} articles × {args.rounds} rounds into {args.events:,} events")
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    extraction = []
    for path in texts:  # extraction alone, for the breakdown
        started = time.process_time()
        analyse_article(path)
        extraction.append(time.process_time() - started)

    class RolledBack(Exception):
        pass

    def timed(batch: list[Path], *, keep: bool) -> tuple[float, float, int, object]:
        nonlocal statements
        statements = 0
        with connection.execute_wrapper(count):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                with transaction.atomic():
                    report = documents_ingest(paths=batch)
                    if not keep:
                        raise RolledBack
            except RolledBack:
                pass
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not report.failures, report.failures
        return wall, cpu, statements, report

    def batch_of(number: int) -> list[Path]:
        folder = scratch_dir / f"round-{number}"
        folder.mkdir(exist_ok=True)
        batch = []
        for path in texts:
            copy = folder / path.name
            text = path.read_text(encoding="utf-8")
            copy.write_text(
                text if number == 1 else f"{text}\n\n(Copy {number})\n",
                encoding="utf-8",
            )
            batch.append(copy)
        return batch

    rows = []
    try:
        # Cold: the first writes into the fresh copy, then rolled back.
        passes = [("cold", 1, False)]
        passes += [("warm", number, True) for number in range(1, args.rounds + 1)]
        for label, number, keep in passes:
            batch = batch_of(number)
            wall, cpu, sql, report = timed(batch, keep=keep)
            rows.append(
                (
                    f"{label} {number}",
                    len(batch) / wall,
                    len(batch) / cpu,
                    sql / len(batch),
                    report.events_created,
                    report.citations_added,
                )
            )
    finally:
        shutil.rmtree(scratch_dir)

    rate = 1 / statistics.median(extraction)
    print(f"extraction alone: {rate:.0f} articles/s (CPU, median)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("round  | articles/s wall | articles/s CPU | SQL/article | events | cites")
    for label, per_wall, per_cpu, sql, events, cites in rows:
        print(
            f"{label:6} | {per_wall:15.1f} | {per_cpu:14.1f} | {sql:11.1f} | "
            f"{events:6} | {cites:5}"
        )


if __name__ == "__main__":
    main()
