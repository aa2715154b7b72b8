"""Benchmark of /api/events/ date-window + kind queries, side by side with Datasette.

Generates N synthetic events into its own SQLite file (raw executemany with
bounds precomputed by corpus.dates), serves the app with gunicorn and the same
file with Datasette (installed into bench/.venv-datasette, never into the
product), and measures requests/s and p50/p99 latency of the same rotating
queries against both. The load comes from wrk (Debian's package, a C client
that leaves the two cores to the servers) with bench/rotate.lua, or from a
Python client when wrk is missing (`--client python`).

    apt-get install wrk                           # once, as root
    .venv/bin/python bench/api.py                 # 100,000 events
    .venv/bin/python bench/api.py --events 1000000
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
# The repository's venv; a worktree without one runs the bench's own Python.
PYTHON = REPO / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
DATASETTE_VENV = REPO / "bench" / ".venv-datasette"
DATASETTE_VERSION = "0.65.5"

# (weight, generator of an EDTF string from a random day) — a mix like the
# real corpus: mostly days and months, some seasons, years, decades, short and
# multi-year intervals, approximate years and a few open-ended events.
# How the 1M benches open SQLite (DATABASE_SQLITE_INIT_COMMAND): the file
# mapped and a 64 MB page cache per connection, for a large read-mostly file
# whose pages requests touch all over.
LARGE_FILE_PRAGMAS = "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536"
YEARS = (2000, 2030)


def _day(rng: random.Random) -> datetime.date:
    start = datetime.date(YEARS[0], 1, 1).toordinal()
    end = datetime.date(YEARS[1], 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def _edtf(rng: random.Random) -> str:
    d = _day(rng)
    roll = rng.random()
    if roll < 0.50:
        return d.isoformat()
    if roll < 0.70:
        return f"{d.year}-{d.month:02d}"
    if roll < 0.75:
        return f"{d.year}-{rng.choice((21, 22, 23, 24, 33, 34, 35, 36))}"
    if roll < 0.85:
        return f"{d.year}{rng.choice(('', '', '~', '?'))}"
    if roll < 0.90:
        first = min(d.day, 20)
        return (
            f"{d.year}-{d.month:02d}-{first:02d}/{d.year}-{d.month:02d}-{first + 7:02d}"
        )
    if roll < 0.95:
        return f"{d.year}/{d.year + rng.randint(1, 3)}"
    if roll < 0.98:
        return f"{str(d.year)[:3]}X"
    if roll < 0.99:
        return f"{d.year}/.."
    return f"../{d.year}"


def build_database(path: Path, n: int, seed: int = 7) -> None:
    """Migrate a fresh SQLite file and bulk-insert `n` published events."""
    sys.path.insert(0, str(REPO))
    from corpus.dates import describe_edtf

    if path.exists():
        path.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "-v", "0"], cwd=REPO, env=env, check=True
    )
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    kinds = [row[0] for row in db.execute("SELECT id FROM timeline_eventkind")]
    # As Django stores datetimes on SQLite: UTC, without an offset.
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    db.execute(
        "INSERT INTO corpus_publisher (name, slug, url) "
        "VALUES ('Bench News', 'bench-news', '')"
    )
    text = "Bench article. " * 20
    docs = []
    for i in range(100):
        cur = db.execute(
            "INSERT INTO corpus_document (title, publisher_id, author, url, language, "
            "published_on, text, sha256, source_name, created_at, updated_at) "
            "VALUES (?, 1, '', ?, 'en', '2023-09-04', ?, ?, '', ?, ?)",
            (
                f"Article {i}",
                f"https://example.org/{i}",
                text + str(i),
                f"{i:064d}",
                now,
                now,
            ),
        )
        docs.append(cur.lastrowid)
    rng = random.Random(seed)
    start = time.monotonic()
    batch: list[tuple] = []
    cites: list[tuple] = []

    def flush() -> None:
        fields = (
            "key, title, summary, kind_id, date_edtf, date_text, date_lower, "
            "date_upper, "
            "date_precision, date_display, date_span_days, modality, status, "
            "origin, seed_hash, seed_fingerprint, review_note, created_at, "
            "updated_at, version, extracted_fingerprint"
        )
        db.executemany(
            f"INSERT INTO timeline_event (id, {fields}) VALUES (?{', ?' * 20}, '')",
            batch,
        )
        db.executemany(
            "INSERT INTO timeline_citation (event_id, document_id, quote, start, end, "
            "needs_review, created_at) VALUES (?, ?, 'Bench article.', 0, 14, 0, ?)",
            cites,
        )
        batch.clear()
        cites.clear()

    # describe_edtf's own cache is bounded; a dict keeps each distinct value's
    # parse (about 1 ms) to once.
    described: dict[str, object] = {}
    for i in range(1, n + 1):
        edtf = _edtf(rng)
        info = described.get(edtf)
        if info is None:
            info = described[edtf] = describe_edtf(edtf)
        batch.append(
            (
                i,
                f"bench-{i}",
                f"Bench event {i}",
                "Synthetic.",
                rng.choice(kinds),
                edtf,
                "",
                info.lower.isoformat(),
                info.upper.isoformat(),
                info.precision,
                info.display,
                None
                if info.is_open_start or info.is_open_end
                else (info.upper - info.lower).days,
                "actual",
                "published",
                "curated",
                "",
                "",
                "",
                now,
                now,
                1,
            )
        )
        cites.append((i, rng.choice(docs), now))
        if len(batch) >= 20_000:
            flush()
    flush()
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()
    print(f"inserted {n:,} events in {time.monotonic() - start:.1f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on {port} did not come up")


def windows(count: int, seed: int = 11) -> list[tuple[str, str, int]]:
    """Rotating (from, to, kind) queries: months, quarters and years, 2000-2030."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        d = _day(rng)
        length = rng.choice((30, 91, 365))
        start = d.replace(day=1)
        end = start + datetime.timedelta(days=length)
        out.append((start.isoformat(), end.isoformat(), rng.randint(1, 11)))
    return out


def run_client(
    port: int, paths: list[str], concurrency: int, time_limit: float
) -> dict:
    """Fire `paths` over `concurrency` keep-alive connections; stop at time_limit."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit
    chunks = [paths[i::concurrency] for i in range(concurrency)]

    def worker(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for path in chunk:
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, chunks))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def run_wrk(port: int, paths: list[str], concurrency: int, seconds: float) -> dict:
    """Load the server with wrk for `seconds`, walking `paths` (bench/rotate.lua)."""
    paths_file = OUT / f"paths-{port}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    threads = min(2, concurrency)
    load = os.getloadavg()[0]
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{concurrency}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(REPO / "bench" / "rotate.lua"),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "PATHS_FILE": str(paths_file), "WRK_THREADS": str(threads)},
        capture_output=True,
        text=True,
        check=True,
    )
    paths_file.unlink()
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRK_JSON "))
    stats = json.loads(line.removeprefix("WRK_JSON "))
    return {
        "requests": stats["requests"],
        "errors": stats["errors"],
        "rps": stats["requests"] / (stats["duration_us"] / 1e6),
        "p50_ms": stats["p50_us"] / 1000,
        "p99_ms": stats["p99_us"] / 1000,
        "load_before": load,
    }


def load_server(args: argparse.Namespace, port: int, paths: list[str]) -> dict:
    """Warm the server up, then measure it with the chosen client."""
    if args.client == "wrk":
        run_wrk(port, paths, args.concurrency, 5)
        return run_wrk(port, paths, args.concurrency, args.seconds)
    run_client(port, paths[:200], args.concurrency, 30)
    return run_client(port, paths, args.concurrency, args.time_limit)


def explain(path: Path) -> str:
    """The SQL and EXPLAIN QUERY PLAN of the page query the app sends for one
    benchmark request (the lean path's, timeline.selectors.public)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_CACHE_URL"] = "locmem://"  # as served: the page's queries
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    url = "/api/events/?date_from=2023-01-01&date_to=2023-12-31&kind=deal"
    client = Client(HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = next(q["sql"] for q in captured.captured_queries if "WITH page" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = "\n".join(
            f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in cursor.fetchall()
        )
    queries = len(captured.captured_queries)
    return (
        f"{url}: {queries} queries. The page query:\n{sql}\n\n"
        f"EXPLAIN QUERY PLAN:\n{plan}"
    )


def ensure_datasette() -> Path:
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run(
            [
                str(DATASETTE_VENV / "bin" / "pip"),
                "install",
                "-q",
                f"datasette=={DATASETTE_VERSION}",
            ],
            check=True,
        )
    return binary


def serve_timeline(args: argparse.Namespace, path: Path, paths: list[str]) -> dict:
    """Serve the app on `path` with gunicorn and load it."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "TIMELINE_API_ANON_RATE": "100000000/second",
        # That rate never refuses anyone, so a per-worker count is as good as
        # a shared one, and the page path is measured without the database
        # cache's write per request (1.5-8 ms; README "Throttling").
        "DJANGO_CACHE_URL": "locmem://",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DATABASE_SQLITE_INIT_COMMAND": LARGE_FILE_PRAGMAS,
    }
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            str(REPO / "config" / "gunicorn.conf.py"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    try:
        wait_for(port, "/api/kinds/")
        return load_server(args, port, paths)
    finally:
        server.terminate()
        server.wait(10)


def serve_datasette(args: argparse.Namespace, path: Path, paths: list[str]) -> dict:
    """Serve the same file with Datasette (its own venv) and load it."""
    binary = ensure_datasette()
    port = free_port()
    datasette = subprocess.Popen(
        [
            str(binary),
            "serve",
            "-i",
            str(path),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "30000",
            "--setting",
            "max_returned_rows",
            "1000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, f"/{path.stem}.json")
        return load_server(args, port, paths)
    finally:
        datasette.terminate()
        datasette.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=4000)
    # Eight connections: with only as many as gunicorn workers, one worker can
    # accept several of them and serve them in turn while another core idles
    # (seen: 720 instead of 1,400 req/s in one round of three at 4).
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="gunicorn workers (default: 2 per CPU)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (the GIL makes processes the better bet)",
    )
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (default: wrk when installed)",
    )
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="wrk: measured seconds per server"
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="python client: time limit"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an existing DB")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds, each measuring every server"
    )
    parser.add_argument(
        "--servers",
        default="timeline,datasette",
        help="which servers to measure, in this order (comma-separated)",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bench-{args.events}.sqlite3"
    if not (args.reuse and path.exists()):
        build_database(path, args.events)

    queries = windows(args.requests)
    kinds = dict(
        sqlite3.connect(path).execute("SELECT id, slug FROM timeline_eventkind")
    )
    api_paths = [
        "/api/events/?"
        + urllib.parse.urlencode({"date_from": a, "date_to": b, "kind": kinds[k]})
        for a, b, k in queries
    ]
    ds_paths = [
        "/bench/timeline_event.json?"
        + urllib.parse.urlencode(
            {
                "date_lower__lte": b,
                "date_upper__gte": a,
                "kind_id": k,
                "status": "published",
                "_sort": "date_lower",
                "_size": 50,
                "_shape": "objects",
                "_nocount": 1,
                "_nofacet": 1,
            }
        )
        for a, b, k in queries
    ]

    ds_paths = [p.replace("/bench/", f"/{path.stem}/") for p in ds_paths]
    runs = {
        "timeline": lambda: serve_timeline(args, path, api_paths),
        "datasette": lambda: serve_datasette(args, path, ds_paths),
    }
    # Rounds alternate the servers, so a slow moment of a shared machine
    # lands on both; the ratio is taken per round and its median reported.
    rounds: list[dict[str, dict]] = []
    for _ in range(args.rounds):
        results = {}
        for name in args.servers.split(","):
            if name == "datasette" and args.no_datasette:
                continue
            results[name] = runs[name]()
        rounds.append(results)

    volume = (
        f"{args.seconds:g} s per server and round (wrk)"
        if args.client == "wrk"
        else f"{args.requests} requests per server and round (python client)"
    )
    print(
        f"\n{args.events:,} events; {volume}, {args.rounds} rounds, concurrency "
        f"{args.concurrency}, gunicorn {args.workers} workers x {args.threads} "
        f"threads, {os.cpu_count()} CPUs"
    )
    print(
        f"{'round':>5} {'server':<10} {'requests':>8} {'errors':>6} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8}"
    )
    ratios = []
    for number, results in enumerate(rounds, start=1):
        for name, r in results.items():
            print(
                f"{number:>5} {name:<10} {r['requests']:>8} {r['errors']:>6} "
                f"{r['rps']:>8.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
            )
        if {"timeline", "datasette"} <= set(results):
            ratios.append(results["timeline"]["rps"] / results["datasette"]["rps"])
    if ratios:
        print(
            "timeline / datasette requests/s per round: "
            + ", ".join(f"{r:.1f}x" for r in ratios)
            + f"; median {statistics.median(ratios):.1f}x"
        )
    p99s = [r["timeline"]["p99_ms"] for r in rounds if "timeline" in r]
    if p99s:
        print(f"timeline p99, worst round: {max(p99s):.1f} ms")
    print()
    print(explain(path))
    (OUT / f"results-{args.events}.json").write_text(json.dumps(rounds, indent=2))


if __name__ == "__main__":
    main()
