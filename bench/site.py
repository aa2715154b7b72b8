"""Server time of the public site's pages on a large SQLite timeline.

Builds (once; `--rebuild` to redo) the synthetic database of `bench/api.py`
(`build_database`: N published events, each with one citation) under
bench/out/, migrates it, then times the Django test client in this process:
`/`, the list page `/events/` (also for a month's window, and the API's list
for the same window), and the timeline data endpoint for windows from a week
to the whole 31 years, unfiltered and with one kind. Reports median and p90
wall time in milliseconds per URL, the median CPU time of this process
(`time.process_time`, less sensitive to other loads on a shared machine) and
the share of the wall time spent in SQL. A data window is timed both from
the window cache and uncached (the cache cleared before each run: what the
first reader of a window waits); the target is a median of at most 100 ms
for either.

    .venv/bin/python bench/site.py                    # 1,000,000 events
    .venv/bin/python bench/site.py --events 100000 --repeat 30
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
sys.path.insert(0, str(REPO))

from bench import api  # noqa: E402

WINDOWS = [
    ("week", "2015-06-01", "2015-06-07"),
    ("month", "2015-06-01", "2015-06-30"),
    ("quarter", "2015-04-01", "2015-06-30"),
    ("year", "2015-01-01", "2015-12-31"),
    ("decade", "2010-01-01", "2019-12-31"),
    ("all (2000-2030)", "2000-01-01", "2030-12-31"),
    # Windows that start and end mid-month, as panning leaves them.
    ("30 days mid-month", "2015-06-15", "2015-07-14"),
    ("9 years mid-month", "2012-03-17", "2021-11-03"),
]


def urls() -> list[tuple[str, str]]:
    found = [
        ("/ (no filter)", "/"),
        ("/ (year, one kind)", "/?date_from=2015&date_to=2015&kind=deal"),
        ("/events/ (no filter)", "/events/"),
        ("/events/ (month)", "/events/?date_from=2015-06&date_to=2015-06"),
        ("/api/events/ (month)", "/api/events/?date_from=2015-06&date_to=2015-06"),
        ("/events/ (page 2)", None),
        ("/events/<id>/", "/events/500000/"),
    ]
    for name, start, end in WINDOWS:
        found.append((f"data {name}", f"/timeline/data/?start={start}&end={end}"))
    for name, start, end in WINDOWS:
        found.append(
            (
                f"data {name}, kind=deal",
                f"/timeline/data/?start={start}&end={end}&kind=deal",
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per URL")
    parser.add_argument(
        "--uncached-repeat",
        type=int,
        default=5,
        help="uncached runs per data window (the cache cleared before each)",
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()

    path = OUT / f"bench-{args.events}.sqlite3"
    if args.rebuild or not path.exists():
        api.PYTHON = Path(sys.executable)  # this interpreter's virtualenv
        OUT.mkdir(parents=True, exist_ok=True)
        api.build_database(path, args.events)

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    # As bench/api.py serves it: the file mapped, a 64 MB page cache.
    os.environ["DATABASE_SQLITE_INIT_COMMAND"] = api.LARGE_FILE_PRAGMAS
    os.environ["DJANGO_CACHE_URL"] = "locmem://"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("TIMELINE_API_ANON_RATE", "100000/minute")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    sql_seconds = [0.0]

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    def run(url: str) -> tuple[float, float, float]:
        """Wall ms, CPU ms and SQL ms of one request."""
        sql_seconds[0] = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed_sql):
            client.get(url)
        return (
            (time.perf_counter() - wall) * 1000,
            (time.process_time() - cpu) * 1000,
            sql_seconds[0] * 1000,
        )

    client = Client()
    results = {}
    for name, url in urls():
        if url is None:  # the second list page, through the first one's link
            page = client.get("/events/").content.decode()
            url = html.unescape(re.search(r'rel="next" href="([^"]+)"', page)[1])
        response = client.get(url)  # warm-up (and a check)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        uncached = None
        if url.startswith("/timeline/data/"):
            # The request above computed the window; the timed ones below
            # are served from the cache, these from the database.
            uncached = []
            for _ in range(args.uncached_repeat):
                cache.clear()
                uncached.append(run(url))
        runs = [run(url) for _ in range(args.repeat)]
        walls = sorted(r[0] for r in runs)
        row = {
            "url": url,
            "median_ms": round(statistics.median(walls), 1),
            "p90_ms": round(walls[int(len(walls) * 0.9) - 1], 1),
            "cpu_ms": round(statistics.median(r[1] for r in runs), 1),
            "sql_ms": round(statistics.median(r[2] for r in runs), 1),
        }
        detail = ""
        if uncached is not None:
            data = response.json()
            row["uncached_ms"] = round(statistics.median(r[0] for r in uncached), 1)
            row["uncached_cpu_ms"] = round(statistics.median(r[1] for r in uncached), 1)
            row["uncached_sql_ms"] = round(statistics.median(r[2] for r in uncached), 1)
            detail = (
                f"{len(data['items'])} {data['unit']} items; uncached "
                f"{row['uncached_ms']} ms (cpu {row['uncached_cpu_ms']}, "
                f"sql {row['uncached_sql_ms']})"
            )
        results[name] = row
        if not args.json:
            print(
                f"{name:32} median {row['median_ms']:7.1f} ms   "
                f"p90 {row['p90_ms']:7.1f}   cpu {row['cpu_ms']:7.1f}   "
                f"sql {row['sql_ms']:7.1f}   {detail}",
                flush=True,
            )
    if args.json:
        load = os.getloadavg()
        print(
            json.dumps(
                {"events": args.events, "load": load, "results": results}, indent=2
            )
        )


if __name__ == "__main__":
    main()
