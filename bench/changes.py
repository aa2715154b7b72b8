"""Benchmark of the public change feed: what it costs to write, and to replay.

Builds N published events into its own SQLite file with bench/api.py's
generator (once; reused), fills the feed with `public_changes_sync` (one
"published" entry each), then measures, in-process:

- replaying /api/changes/ from the start, 500 entries a page;
- a publish + withdraw cycle through the services with the feed written and
  with `public_changes_record` switched off (the cost the feed adds per write).

    .venv/bin/python bench/changes.py --events 20000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--cycles", type=int, default=50)
    args = parser.parse_args()

    import api as api_bench  # bench/api.py: the same synthetic events

    api_bench.PYTHON = Path(sys.executable)  # this interpreter, wherever it is

    path = api_bench.OUT / f"changes-{args.events}.sqlite3"
    if not path.exists():
        api_bench.OUT.mkdir(parents=True, exist_ok=True)
        api_bench.build_database(path, args.events)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_CACHE_URL"] = "locmem://"
    os.environ["TIMELINE_API_ANON_RATE"] = "100000000/second"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.test import Client

    from tests.factories import CitationFactory, editor
    from timeline.models import Event, PublicChange
    from timeline.services import changes, review

    if not PublicChange.objects.exists():
        started = time.perf_counter()
        written = len(changes.public_changes_sync())
        took = time.perf_counter() - started
        print(f"sync: {written} entries in {took:.1f} s ({written / took:,.0f}/s)")

    client = Client()
    started = time.perf_counter()
    url, pages, entries = "/api/changes/?page_size=500", 0, 0
    while url:
        body = client.get(url).json()
        pages += 1
        entries += len(body["results"])
        url = body["next"]
    took = time.perf_counter() - started
    print(
        f"replay: {entries} entries, {pages} pages in {took:.2f} s "
        f"({took / pages * 1000:.1f} ms a page, {entries / took:,.0f} entries/s)"
    )

    user = editor("bench-editor")
    event = Event.objects.filter(status=Event.Status.PUBLISHED).first()
    if not event.citations.exists():
        CitationFactory(event=event)

    def cycle() -> float:
        started = time.perf_counter()
        review.event_withdraw(event=event, user=user, reason="bench")
        review.event_submit(event=event, user=user)
        review.event_publish(event=event, user=user)
        return (time.perf_counter() - started) * 1000

    recording = changes.public_changes_record
    for label, record in (("with the feed", recording), ("without", None)):
        if record is None:
            for module in (review,):
                module.public_changes_record = lambda *, event_ids: []
        times = [cycle() for _ in range(args.cycles)]
        print(
            f"withdraw+submit+publish {label}: median "
            f"{statistics.median(times):.1f} ms, p90 "
            f"{statistics.quantiles(times, n=10)[-1]:.1f} ms"
        )
    review.public_changes_record = recording


if __name__ == "__main__":
    main()
