"""Anonymous throttling: keyed by an address the client cannot forge, counted
in a cache every worker shares, on the lean path and the viewset alike."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# One path the lean page serves, one only DRF serves.
PATHS = ["/api/events/?date=2023", "/api/kinds/"]
_addresses = (f"198.51.100.{i % 250}, 10.0.{i // 250}.1" for i in itertools.count())


@pytest.fixture
def rate(settings):
    def configure(anon: str = "3/minute", proxies: int | None = None) -> None:
        """The rate, and the trusted proxies (None: the project's default)."""
        extra = {} if proxies is None else {"NUM_PROXIES": proxies}
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon},
            **extra,
        }

    return configure


def codes(path: str, count: int, **headers) -> list[int]:
    client = APIClient()
    return [client.get(path, **headers).status_code for _ in range(count)]


@pytest.mark.parametrize("path", PATHS)
def test_a_rotating_x_forwarded_for_is_still_throttled(rate, path):
    rate("3/minute")
    client = APIClient()
    answers = [
        client.get(path, HTTP_X_FORWARDED_FOR=next(_addresses)).status_code
        for _ in range(6)
    ]
    assert answers == [200, 200, 200, 429, 429, 429]


@pytest.mark.parametrize("path", PATHS)
def test_behind_a_trusted_proxy_the_hop_it_wrote_is_the_client(rate, path):
    rate("2/minute", proxies=1)
    # The proxy appends the address it saw; what the client wrote before it
    # (here a different forged address each time) does not matter.
    forged = [f"203.0.113.{i}, 192.0.2.10" for i in range(3)]
    client = APIClient()
    answers = [client.get(path, HTTP_X_FORWARDED_FOR=xff).status_code for xff in forged]
    assert answers == [200, 200, 429]
    # Another client behind the same proxy has its own count.
    assert codes(path, 1, HTTP_X_FORWARDED_FOR="192.0.2.11") == [200]
    # The proxy's own address (REMOTE_ADDR) is not the key either.
    assert codes(path, 2, HTTP_X_FORWARDED_FOR="192.0.2.12") == [200, 200]


def test_with_two_trusted_proxies_the_second_hop_from_the_right_counts(rate):
    rate("1/minute", proxies=2)
    first = "6.6.6.6, 192.0.2.20, 10.1.1.1"
    second = "7.7.7.7, 192.0.2.20, 10.1.1.2"
    assert codes("/api/kinds/", 1, HTTP_X_FORWARDED_FOR=first) == [200]
    assert codes("/api/kinds/", 1, HTTP_X_FORWARDED_FOR=second) == [429]


def test_a_hop_that_is_no_address_falls_back_to_the_connection(rate):
    # A proxy count larger than the real chain hands the client's own text
    # over; it must not become a throttle key of the client's choosing.
    rate("2/minute", proxies=1)
    answers = [
        APIClient()
        .get("/api/kinds/", HTTP_X_FORWARDED_FOR=f"junk-{i}" + "x" * 300)
        .status_code
        for i in range(3)
    ]
    assert answers == [200, 200, 429]


def become_another_worker() -> None:
    """Forget everything this process keeps for its caches, as a second
    gunicorn worker (another process) would never have seen it."""
    locmem._caches.clear()
    locmem._expire_info.clear()
    locmem._locks.clear()
    for alias in caches:
        if hasattr(caches._connections, alias):
            caches[alias].close()
            del caches[alias]


@pytest.mark.parametrize("path", PATHS)
def test_workers_share_the_count(rate, path):
    rate("3/minute")
    first = codes(path, 2)
    become_another_worker()
    second = codes(path, 2)
    assert first + second == [200, 200, 200, 429]


def test_the_throttle_reads_and_writes_one_cache_row_per_request(rate):
    rate("100/minute")
    cache_table = caches["default"]._table
    client = APIClient()
    client.get("/api/events/?date=2023")  # the row exists: later sets update it
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/events/?date=2023")
    throttle = [q["sql"] for q in captured if cache_table in q["sql"]]
    page = [
        q["sql"]
        for q in captured
        if cache_table not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    # get; set = count (for culling), select, update.
    assert len(throttle) == 4, throttle
    assert len(page) == 1
