"""Schemathesis against a live gunicorn server: no request may answer a 5xx.

Sets up a scratch SQLite database (migrated, seeds loaded, an editor with an
API token), serves it with the project's gunicorn config on a free loopback
port, runs schemathesis from /api/schema/ twice (anonymous, then as the
editor, whose writes change the scratch data), and counts the answers in
gunicorn's access log, which sees every request whatever schemathesis reports.

    .venv/bin/python bench/fuzz_api.py --max-examples 200      # the benchmark
    .venv/bin/python bench/fuzz_api.py --max-examples 5 --phases fuzzing --json

Exits 1 when any answer was a 5xx (or nothing was requested).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

SETUP = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
user = User.objects.create_user("fuzz-editor", is_staff=True)
user.groups.add(Group.objects.get(name="Editors"))
print(Token.objects.create(user=user).key)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout


def wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port}")


def schemathesis(url: str, max_examples: int, headers: list[str], phases: str) -> int:
    command = [
        str(BIN / "schemathesis"),
        "run",
        url,
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(max_examples),
        "--seed",
        "1",
        "--request-timeout",
        "30",
        "--continue-on-failure",
        "--workers",
        "2",
        "--phases",
        phases,
    ]
    for header in headers:
        command += ["--header", header]
    return subprocess.run(command, cwd=REPO, timeout=3600).returncode


PHASES = "examples,coverage,fuzzing,stateful"


def run(max_examples: int, workers: int = 2, phases: str = PHASES) -> dict:
    with tempfile.TemporaryDirectory(prefix="timeline-fuzz-") as scratch:
        scratch_dir = Path(scratch)
        log = scratch_dir / "access.log"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DATABASE_URL": f"sqlite:///{scratch_dir / 'fuzz.sqlite3'}",
            "DJANGO_SECRET_KEY": "fuzz-only-not-secret",
            "TIMELINE_API_ANON_RATE": "1000000/second",
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_seeds")
        token = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "config/gunicorn.conf.py",
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--access-logfile",
                str(log),
                "--access-logformat",
                "%(s)s %(m)s %(U)s",
            ],
            cwd=REPO,
            env=env,
        )
        try:
            wait_for(port, time.monotonic() + 60)
            url = f"http://127.0.0.1:{port}/api/schema/?format=json"
            codes = {
                "anonymous": schemathesis(url, max_examples, [], phases),
                "editor": schemathesis(
                    url, max_examples, [f"Authorization: Token {token}"], phases
                ),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
        lines = [line.split(" ", 2) for line in log.read_text().splitlines()]
    statuses = collections.Counter(line[0] for line in lines if line)
    server_errors = [
        " ".join(line) for line in lines if line and line[0].startswith("5")
    ]
    return {
        "max_examples": max_examples,
        "phases": phases,
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": server_errors[:50],
        "server_error_count": len(server_errors),
        "schemathesis_exit": codes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--phases", default=PHASES, help="schemathesis phases")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report = run(args.max_examples, args.workers, args.phases)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"requests: {report['requests']}")
        for code, count in report["statuses"].items():
            print(f"  {code}: {count}")
        print(f"5xx: {report['server_error_count']}")
        for line in report["server_errors"]:
            print(f"  {line}")
    return 0 if report["requests"] and not report["server_error_count"] else 1


if __name__ == "__main__":
    sys.exit(main())
