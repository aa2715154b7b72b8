"""The production server (gunicorn with config/gunicorn.conf.py) on loopback:
slow and idle clients do not starve it, and its workers share throttle counts.

One server for the module: two workers against a migrated temporary SQLite
file, stopped by the fixture's finalizer. Every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.server

HEADER_TIMEOUT = 2  # seconds a client has for its request head (env below)
ANON_RATE = 5


def _wait_for(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what} after {seconds} s")


def _get(port: int, path: str, *, timeout: float = 5, **headers) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    log = folder / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": "test-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "TIMELINE_API_ANON_RATE": f"{ANON_RATE}/minute",
        "TIMELINE_TRUSTED_PROXIES": "1",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DJANGO_CACHE_URL", "GUNICORN_THREADS", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)  # the project's defaults
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(REPO / "config" / "gunicorn.conf.py"),
            "config.wsgi",
            "-b",
            "127.0.0.1:0",
            "-w",
            "2",
            "--error-logfile",
            str(log),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = int(
            _wait_for(
                lambda: _listening_port(log), seconds=60, what="gunicorn to listen"
            )
        )
        _wait_for(
            lambda: log.read_text().count("Booting worker") >= 2,
            seconds=60,
            what="two workers",
        )
        _wait_for(lambda: _answers(port), seconds=60, what="a first answer")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _listening_port(log: Path) -> str | None:
    if not log.exists():
        return None
    found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
    return found.group(1) if found else None


def _answers(port: int) -> bool:
    try:
        return _get(port, "/admin/login/", timeout=2) == 200
    except OSError:
        return False


def _open(port: int, first_bytes: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if first_bytes:
        sock.sendall(first_bytes)
    return sock


def test_half_open_and_idle_clients_do_not_starve_the_server(server):
    # More half-open requests than both workers have threads, and idle ones.
    half_open = [
        _open(server, b"GET /api/kinds/ HTTP/1.1\r\nHost: 127.0") for _ in range(24)
    ]
    idle = [_open(server) for _ in range(8)]
    try:
        time.sleep(0.3)  # let the workers take them in
        started = time.monotonic()
        assert _get(server, "/admin/login/", timeout=5) == 200
        assert time.monotonic() - started < 1.5
        # Past the header timeout the server closes them all.
        for sock in half_open + idle:
            sock.settimeout(HEADER_TIMEOUT + 5)
            assert sock.recv(1024) == b""
    finally:
        for sock in half_open + idle:
            sock.close()


def test_a_head_sent_in_pieces_in_time_is_answered(server):
    sock = _open(server)
    try:
        parts = (b"GET /admin/lo", b"gin/ HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"\r\n")
        for part in parts:
            sock.sendall(part)
            time.sleep(0.2)
        assert sock.recv(1024).startswith(b"HTTP/1.1 200 ")
    finally:
        sock.close()


def test_a_kept_alive_connection_serves_several_requests(server):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    try:
        for _ in range(3):
            conn.request("GET", "/admin/login/", headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200
    finally:
        conn.close()


def test_the_workers_share_one_throttle_count(server):
    # A fresh connection per request, so both workers take some. Behind the
    # trusted proxy, the address it appended is the client; the forged part
    # before it changes every time.
    codes = [
        _get(
            server,
            "/api/kinds/",
            **{"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.9"},
        )
        for i in range(ANON_RATE * 3)
    ]
    assert codes == [200] * ANON_RATE + [429] * (ANON_RATE * 2)
