"""Benchmark of the admin pages and the API's rare-match filters at 1M events.

Builds on bench/api.py's events (one citation each) a catalog like a grown
corpus: thousands of publishers and documents, entities linked with a
Zipf-like mix (a few with ~100,000 events, most with a few dozen), a share of
events in review or draft and of citations flagged `needs_review`. Then it logs
in a superuser and a curator with Django's test client against that SQLite
file and reports the median time and query count of each page and request.

    python bench/admin.py --events 1000000            # build once, then measure
    python bench/admin.py --events 1000000 --reuse    # measure again
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))

from bench.api import LARGE_FILE_PRAGMAS, build_database  # noqa: E402

PUBLISHERS = 2_000
DOCUMENTS = 5_000
# (entities, events each): two giants, a few hundred mid-sized, many rare ones.
ENTITY_TIERS = ((2, 100_000), (20, 5_000), (300, 300), (4_000, 29))
IN_REVIEW_SHARE = 0.02
DRAFT_SHARE = 0.03
FLAGGED_SHARE = 0.001
RARE_WORD = "Zebrafish"  # in a few dozen titles
CHINESE_WORD = "药监局"  # in a few dozen summaries


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


def build_catalog(path: Path, n: int, seed: int = 13) -> None:
    """Add publishers, documents, entities, links and review states to the
    events bench/api.py inserted (ids 1..n, all published, one citation each)."""
    rng = random.Random(seed)
    now = _now()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    start = time.monotonic()
    db.executemany(
        "INSERT INTO corpus_publisher (name, url, slug) VALUES (?, '', ?)",
        [(f"Publisher {i}", f"publisher-{i}") for i in range(2, PUBLISHERS + 1)],
    )
    first_doc = db.execute("SELECT max(id) FROM corpus_document").fetchone()[0] + 1
    text = "Bench article. " * 20
    db.executemany(
        "INSERT INTO corpus_document (title, publisher_id, author, url, language, "
        "published_on, text, sha256, source_name, created_at, updated_at) "
        "VALUES (?, ?, '', '', 'en', '2024-01-01', ?, ?, ?, ?, ?)",
        [
            (
                f"Catalog article {i}",
                rng.randint(2, PUBLISHERS),
                text + f"catalog {i}",
                f"c{i:063d}",
                f"catalog-{i}.txt",
                now,
                now,
            )
            for i in range(DOCUMENTS)
        ],
    )
    last_doc = first_doc + DOCUMENTS - 1
    # Move each event's citation to a catalog document, Zipf-like: low ids
    # are cited often, high ids a few dozen times.
    weights = [1 / (rank + 1) for rank in range(DOCUMENTS)]
    docs = rng.choices(range(first_doc, last_doc + 1), weights=weights, k=n)
    db.executemany(
        "UPDATE timeline_citation SET document_id = ? WHERE event_id = ?",
        [(doc, i) for i, doc in enumerate(docs, start=1)],
    )
    entity_id = 0
    links = []
    for count, size in ENTITY_TIERS:
        for _ in range(count):
            entity_id += 1
            db.execute(
                "INSERT INTO timeline_entity (id, name, kind, aliases, wikidata_id, "
                "slug) VALUES (?, ?, 'company', '[]', '', ?)",
                (entity_id, f"Entity {entity_id} ({size})", f"entity-{entity_id}"),
            )
            links += [
                (event, entity_id)
                for event in rng.sample(range(1, n + 1), min(size, n // 2))
            ]
    db.executemany(
        "INSERT OR IGNORE INTO timeline_evententity (event_id, entity_id, role) "
        "VALUES (?, ?, '')",
        links,
    )
    ids = list(range(1, n + 1))
    rng.shuffle(ids)
    in_review = ids[: int(n * IN_REVIEW_SHARE)]
    drafts = ids[len(in_review) : len(in_review) + int(n * DRAFT_SHARE)]
    db.executemany(
        "UPDATE timeline_event SET status = 'in_review', submitted_at = ?, "
        "origin = 'extracted' WHERE id = ?",
        [(now, i) for i in in_review],
    )
    db.executemany(
        "UPDATE timeline_event SET status = 'draft', origin = 'extracted' WHERE id = ?",
        [(i,) for i in drafts],
    )
    flagged = rng.sample(range(1, n + 1), int(n * FLAGGED_SHARE))
    db.executemany(
        "UPDATE timeline_citation SET needs_review = 1 WHERE event_id = ?",
        [(i,) for i in flagged],
    )
    db.executemany(
        "UPDATE timeline_event SET title = ? WHERE id = ?",
        [(f"{RARE_WORD} study {i}", i) for i in rng.sample(range(1, n + 1), 30)],
    )
    db.executemany(
        "UPDATE timeline_event SET summary = ? WHERE id = ?",
        [(f"国家{CHINESE_WORD}批准 {i}", i) for i in rng.sample(range(1, n + 1), 30)],
    )
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()
    print(f"catalog added in {time.monotonic() - start:.1f} s")


def ensure_database(n: int, reuse: bool, source: Path | None = None) -> Path:
    """The bench's file: kept (`reuse`), or bench/api.py's events (built, or
    copied from `source`, a file bench/api.py built with `n` events) plus the
    catalog."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"admin-{n}.sqlite3"
    if reuse and path.exists():
        return path
    if source is not None:
        # The backup API copies a file another process may hold open (WAL).
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
    else:
        build_database(path, n)
    build_catalog(path, n)
    return path


def bench_environment(path: Path) -> None:
    """The settings the bench runs Django with. main() sets them before it
    builds the catalog: that imports edtf, whose app settings read Django's
    (and fix them) when DJANGO_SETTINGS_MODULE is already set."""
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_CACHE_URL"] = "locmem://"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    # As bench/api.py and bench/site.py: a memory map and a 64 MB page cache
    # for a large read-mostly file; DATABASE_SQLITE_INIT_COMMAND="" measures
    # SQLite's defaults.
    os.environ.setdefault("DATABASE_SQLITE_INIT_COMMAND", LARGE_FILE_PRAGMAS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def django_client(path: Path, migrate: bool = True):
    bench_environment(path)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if Path(connection.settings_dict["NAME"]) != path:
        raise SystemExit(f"Django's settings were read before the bench set {path}")

    if migrate:
        # Migrations added since the file was built (the bench's "after").
        call_command("migrate", verbosity=0)


def users():
    from django.contrib.auth.models import Group, User

    admin_user, _ = User.objects.get_or_create(
        username="bench-admin",
        defaults={"is_staff": True, "is_superuser": True},
    )
    curator, created = User.objects.get_or_create(
        username="bench-curator", defaults={"is_staff": True}
    )
    if created:
        curator.groups.add(Group.objects.get(name="Curators"))
    return admin_user, curator


def measure(
    client, url: str, repeat: int
) -> tuple[float, float, float, list[dict], int]:
    """Median wall ms, CPU ms (this process) and SQL ms of GET `url`, the last
    run's queries and its status (after one warm-up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times, cpu, sql = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return (
        statistics.median(times),
        statistics.median(cpu),
        statistics.median(sql),
        captured.captured_queries,
        response.status_code,
    )


def cases(n: int) -> list[tuple[str, str, str]]:
    """(who, label, url) of every page and request measured."""
    from timeline.models import Citation, Entity, Event

    some_event = Event.objects.order_by("pk").values_list("pk", flat=True)[n // 2]
    giant = Entity.objects.order_by("pk").first()
    rare = Entity.objects.order_by("-pk").first()
    common_doc = Citation.objects.order_by("document_id").first().document
    rare_doc = Citation.objects.order_by("-document_id").first().document
    rare_pub = rare_doc.publisher_id
    common_pub = common_doc.publisher_id
    events = "/admin/timeline/event/"
    page = 5_000 if n >= 500_000 else n // 200
    return [
        # The floor: a page with no query on events (rendering, sessions).
        ("admin", "admin index (baseline)", "/admin/"),
        ("admin", "changelist page 1", events),
        ("curator", "changelist page 1 (curator)", events),
        ("admin", "filter year=2023", events + "?year=2023"),
        ("admin", "filter kind", events + "?kind__id__exact=3"),
        ("admin", "filter status=in_review", events + "?status__exact=in_review"),
        ("admin", "filter modality=planned", events + "?modality__exact=planned"),
        ("admin", "filter precision=year", events + "?date_precision__exact=year"),
        ("admin", "filter publisher (rare)", events + f"?publisher={rare_pub}"),
        ("admin", "filter origin=extracted", events + "?origin__exact=extracted"),
        ("admin", "filter merged=no", events + "?merged=no"),
        ("admin", "search rare", events + f"?q={RARE_WORD}"),
        ("admin", "search Chinese", events + f"?q={CHINESE_WORD}"),
        ("admin", "search common", events + "?q=Bench+event"),
        ("admin", "search none", events + "?q=Nonexistentword"),
        ("admin", f"deep page {page}", events + f"?p={page}"),
        ("admin", "sorted by title", events + "?o=2"),
        ("admin", "review queue", events + "review/"),
        ("curator", "review queue (curator)", events + "review/"),
        ("admin", "event change form", events + f"{some_event}/change/"),
        (
            "admin",
            "document change form",
            f"/admin/corpus/document/{common_doc.pk}/change/",
        ),
        ("admin", "document changelist", "/admin/corpus/document/"),
        ("admin", "entity change form", f"/admin/timeline/entity/{giant.pk}/change/"),
        ("admin", "entity changelist", "/admin/timeline/entity/"),
        ("admin", "citation changelist", "/admin/timeline/citation/"),
        ("admin", "publisher changelist", "/admin/corpus/publisher/"),
        ("anon", "api entity= rare", f"/api/events/?entity={rare.pk}"),
        ("anon", "api entity= common", f"/api/events/?entity={giant.pk}"),
        ("anon", "api document= rare", f"/api/events/?document={rare_doc.pk}"),
        ("anon", "api document= common", f"/api/events/?document={common_doc.pk}"),
        ("anon", "api publisher= rare", f"/api/events/?publisher={rare_pub}"),
        ("anon", "api publisher= common", f"/api/events/?publisher={common_pub}"),
        ("anon", "api q= rare", f"/api/events/?q={RARE_WORD}"),
        ("anon", "api q= Chinese", f"/api/events/?q={CHINESE_WORD}"),
        ("anon", "api q= common", "/api/events/?q=Bench"),
        ("anon", "api q= none", "/api/events/?q=Nonexistentword"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep an existing DB")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="labels containing this text")
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="measure the file as it is (an older checkout's 'before')",
    )
    parser.add_argument("--path", type=Path, help="another database file")
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="copy bench/api.py's events from this file instead of building them",
    )
    parser.add_argument(
        "--slow", type=float, default=0, help="show the slowest query past this ms"
    )
    args = parser.parse_args()
    path = args.path or OUT / f"admin-{args.events}.sqlite3"
    bench_environment(path)
    if not args.path:
        ensure_database(args.events, args.reuse, args.source)
    django_client(path, migrate=not args.no_migrate)
    from django.test import Client

    admin_user, curator = users()
    clients = {"anon": Client(), "admin": Client(), "curator": Client()}
    clients["admin"].force_login(admin_user)
    clients["curator"].force_login(curator)
    print(
        f"{args.events:,} events, SQLite {sqlite3.sqlite_version}, median of "
        f"{args.repeat}"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'page':<34} {'ms':>9} {'cpu ms':>8} {'sql ms':>8} {'queries':>7} "
        f"{'status':>6}"
    )
    for who, label, url in cases(args.events):
        if args.only and args.only not in label:
            continue
        ms, cpu_ms, sql_ms, queries, status = measure(clients[who], url, args.repeat)
        print(
            f"{label:<34} {ms:>9.1f} {cpu_ms:>8.1f} {sql_ms:>8.1f} {len(queries):>7} "
            f"{status:>6}",
            flush=True,
        )
        if args.slow and ms > args.slow:
            slowest = max(queries, key=lambda q: float(q["time"]))
            print(
                f"    slowest query {float(slowest['time']) * 1000:.0f} ms: "
                f"{slowest['sql'][:600]}"
            )


if __name__ == "__main__":
    main()
