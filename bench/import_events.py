"""Benchmark of `manage.py import_events` against raw sqlite3 inserts of the same rows.

Generates N events as JSON Lines (the date mix of bench/api.py; each event has
one citation of one of 100 stored documents and one entity link, a fifth of
them an amount), then times, each into its own copy of one migrated SQLite
file:

- raw: sqlite3 `executemany` of the same event, citation, amount and link rows,
  prepared in memory beforehand (bounds included), committed every batch;
- import: `manage.py import_events FILE --batch-size B` in a subprocess
  (Django start-up, streaming, validation, bounds, history rows included).

Both use SQLite's default journal and synchronous settings, as the app does.
Wall and CPU seconds are reported for both (the machine may be shared).

    python bench/import_events.py                    # 100,000 events
    python bench/import_events.py --events 1000000
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from api import _edtf  # the date mix of the API benchmark

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
KINDS = ("plan", "fair", "approval", "deal", "investment", "policy", "launch")
DOCUMENTS = 100
ENTITIES = 500
QUOTE = "Bench article."


def _document_text(i: int) -> str:
    return f"{QUOTE} " * 20 + str(i)


def events_write(path: Path, n: int, seed: int = 7) -> None:
    """N fixture entries, one per line."""
    rng = random.Random(seed)
    with path.open("w") as out:
        for i in range(1, n + 1):
            entry = {
                "key": f"bench-{i}",
                "title": f"Bench event {i}",
                "summary": "Synthetic.",
                "kind": rng.choice(KINDS),
                "date": {"edtf": _edtf(rng), "text": ""},
                "modality": "actual",
                "entities": [
                    {
                        "name": f"Company {rng.randrange(ENTITIES)}",
                        "kind": "company",
                        "role": "participant",
                    }
                ],
                "citations": [
                    {
                        "document": f"bench-{rng.randrange(DOCUMENTS)}.txt",
                        "quote": QUOTE,
                    }
                ],
            }
            if rng.random() < 0.2:
                entry["amounts"] = [
                    {"value": str(rng.randrange(1, 10**9)), "currency": "CNY"}
                ]
            out.write(json.dumps(entry) + "\n")


def empty_database(path: Path) -> None:
    """Migrate the template file: a new one also gets the documents the events
    cite; an existing one only the migrations added since it was made."""
    fresh = not path.exists()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )
    if not fresh:
        return
    db = sqlite3.connect(path)
    now = _now()
    for i in range(DOCUMENTS):
        text = _document_text(i)
        db.execute(
            "INSERT INTO corpus_document (title, publisher_id, author, url, language, "
            "published_on, text, sha256, source_name, created_at, updated_at) "
            "VALUES (?, NULL, '', '', 'en', '2023-09-04', ?, ?, ?, ?, ?)",
            (f"Article {i}", text, _sha(text), f"bench-{i}.txt", now, now),
        )
    db.commit()
    db.close()


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def _now() -> str:
    # As Django stores datetimes on SQLite: UTC, without an offset.
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


def raw_rows(jsonl: Path, db_path: Path) -> dict[str, list[tuple]]:
    """The rows the import writes (less history), ready for executemany."""
    sys.path.insert(0, str(REPO))
    from corpus.dates import describe_edtf

    db = sqlite3.connect(db_path)
    kinds = dict(db.execute("SELECT slug, id FROM timeline_eventkind"))
    documents = dict(db.execute("SELECT source_name, id FROM corpus_document"))
    db.close()
    now = _now()
    rows: dict[str, list[tuple]] = {
        "entities": [
            (i + 1, f"Company {i}", "company", "[]", "", f"company-{i}")
            for i in range(ENTITIES)
        ],
        "events": [],
        "citations": [],
        "amounts": [],
        "links": [],
    }
    with jsonl.open() as lines:
        for i, line in enumerate(lines, start=1):
            e = json.loads(line)
            info = describe_edtf(e["date"]["edtf"])
            open_ended = info.is_open_start or info.is_open_end
            rows["events"].append(
                (
                    i,
                    e["key"],
                    e["title"],
                    e["summary"],
                    kinds[e["kind"]],
                    e["date"]["edtf"],
                    "",
                    info.lower.isoformat(),
                    info.upper.isoformat(),
                    info.precision,
                    info.display,
                    None if open_ended else (info.upper - info.lower).days,
                    "actual",
                    "published",
                    "curated",
                    "x" * 64,
                    "x" * 64,
                    "Imported.",
                    now,
                    now,
                    1,
                )
            )
            c = e["citations"][0]
            rows["citations"].append((i, documents[c["document"]], QUOTE, 0, 14, now))
            name = e["entities"][0]["name"]
            rows["links"].append((i, int(name.split()[1]) + 1, "participant"))
            for a in e.get("amounts", []):
                rows["amounts"].append((i, a["value"], a["currency"]))
    return rows


def raw_insert(
    db_path: Path, rows: dict[str, list[tuple]], batch: int
) -> tuple[float, float]:
    """Wall and CPU seconds of inserting `rows`, committing every `batch`."""
    db = sqlite3.connect(db_path)
    start, cpu = time.perf_counter(), time.process_time()
    db.executemany(
        "INSERT INTO timeline_entity (id, name, kind, aliases, wikidata_id, slug) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows["entities"],
    )
    events, citations = rows["events"], rows["citations"]
    links, amounts = rows["links"], rows["amounts"]
    a = 0
    for first in range(0, len(events), batch):
        last = first + batch
        db.executemany(
            "INSERT INTO timeline_event (id, key, title, summary, kind_id, date_edtf, "
            "date_text, date_lower, date_upper, date_precision, date_display, "
            "date_span_days, modality, status, origin, seed_hash, seed_fingerprint, "
            "review_note, created_at, updated_at, version, extracted_fingerprint) "
            f"VALUES ({', '.join('?' * 21)}, '')",
            events[first:last],
        )
        db.executemany(
            "INSERT INTO timeline_citation (event_id, document_id, quote, start, end, "
            "needs_review, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
            citations[first:last],
        )
        db.executemany(
            "INSERT INTO timeline_evententity (event_id, entity_id, role) "
            "VALUES (?, ?, ?)",
            links[first:last],
        )
        b = a
        while b < len(amounts) and amounts[b][0] <= last:
            b += 1
        db.executemany(
            "INSERT INTO timeline_amount (event_id, value, currency, text, "
            "is_approximate) VALUES (?, ?, ?, '', 0)",
            amounts[a:b],
        )
        a = b
        db.commit()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return elapsed, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_run(db_path: Path, jsonl: Path, batch: int) -> tuple[float, float, str]:
    """Wall and CPU seconds of `manage.py import_events`, and what it printed."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}"}
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_events",
            str(jsonl),
            "--batch-size",
            str(batch),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, _children_cpu() - cpu, done.stdout


def counts(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(db_path)
    tables = ("timeline_event", "timeline_citation", "timeline_amount")
    out = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    db.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument(
        "--skip-import", action="store_true", help="Only generate and time raw."
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    n = args.events
    jsonl = OUT / f"import-{n}.jsonl"
    if not jsonl.exists():
        start = time.perf_counter()
        events_write(jsonl, n)
        print(f"wrote {jsonl} in {time.perf_counter() - start:.1f} s")
    template = OUT / "import-empty.sqlite3"
    empty_database(template)
    raw_db, import_db = OUT / f"import-{n}-raw.sqlite3", OUT / f"import-{n}-app.sqlite3"
    for copy in (raw_db, import_db):
        shutil.copyfile(template, copy)

    rows = raw_rows(jsonl, raw_db)
    raw, raw_cpu = raw_insert(raw_db, rows, args.batch_size)
    print(f"raw sqlite3 executemany: {raw:.1f} s wall, {raw_cpu:.1f} s CPU")
    print(f"  {counts(raw_db)}")
    if args.skip_import:
        return
    elapsed, cpu, output = import_run(import_db, jsonl, args.batch_size)
    print(output.strip())
    print(f"manage.py import_events: {elapsed:.1f} s wall, {cpu:.1f} s CPU")
    print(f"  {counts(import_db)}")
    # CPU time is the fairer ratio on a shared machine: wall time also counts
    # the other processes' turns on the cores.
    print(
        f"ratio import / raw: {elapsed / raw:.2f}x wall, {cpu / raw_cpu:.2f}x CPU "
        "(target <= 3x)"
    )


if __name__ == "__main__":
    main()
