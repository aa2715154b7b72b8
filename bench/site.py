"""Server time of the public site's pages on a large SQLite timeline.

Builds (once; `--rebuild` to redo) the synthetic database of `bench/api.py`
(`build_database`: N published events, each with one citation) under
bench/out/, then times the Django test client in this process: `/`, the list
page `/events/`, and the timeline data endpoint for windows from a week to
the whole 31 years, unfiltered and with one kind. Reports median and p90 in
milliseconds per URL; the target is a median of at most 100 ms.

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

WINDOWS = [
    ("week", "2015-06-01", "2015-06-07"),
    ("month", "2015-06-01", "2015-06-30"),
    ("quarter", "2015-04-01", "2015-06-30"),
    ("year", "2015-01-01", "2015-12-31"),
    ("decade", "2010-01-01", "2019-12-31"),
    ("all (2000-2030)", "2000-01-01", "2030-12-31"),
]


def urls() -> list[tuple[str, str]]:
    found = [
        ("/ (no filter)", "/"),
        ("/ (year, one kind)", "/?date_from=2015&date_to=2015&kind=deal"),
        ("/events/ (no filter)", "/events/"),
        ("/events/ (month)", "/events/?date_from=2015-06&date_to=2015-06"),
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
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()

    path = OUT / f"bench-{args.events}.sqlite3"
    if args.rebuild or not path.exists():
        sys.path.insert(0, str(REPO / "bench"))
        import api

        api.PYTHON = Path(sys.executable)  # this interpreter's virtualenv
        OUT.mkdir(parents=True, exist_ok=True)
        api.build_database(path, args.events)

    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    # As bench/api.py serves it: the file mapped, a 64 MB page cache.
    os.environ["DATABASE_SQLITE_INIT_COMMAND"] = (
        "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536"
    )
    os.environ["DJANGO_CACHE_URL"] = "locmem://"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    results = {}
    for name, url in urls():
        if url is None:  # the second list page, through the first one's link
            page = client.get("/events/").content.decode()
            url = html.unescape(re.search(r'rel="next" href="([^"]+)"', page)[1])
        response = client.get(url)  # warm-up (and a check)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        cold = None
        if url.startswith("/timeline/data/"):
            # The first request for a window computes it (the one above was
            # that); the timed ones are served from the cache.
            cache.clear()
            started = time.perf_counter()
            client.get(url)
            cold = round((time.perf_counter() - started) * 1000, 1)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        detail = ""
        if url.startswith("/timeline/data/"):
            data = response.json()
            detail = f"{len(data['items'])} {data['unit']} items, uncached {cold} ms"
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
            "uncached_ms": cold,
            "detail": detail,
        }
        if not args.json:
            row = results[name]
            print(
                f"{name:32} median {row['median_ms']:7.1f} ms   "
                f"p90 {row['p90_ms']:7.1f} ms   {detail}",
                flush=True,
            )
    if args.json:
        print(json.dumps({"events": args.events, "results": results}, indent=2))


if __name__ == "__main__":
    main()
