"""A bounded schemathesis run against a live gunicorn server (bench/fuzz_api.py;
the benchmark runs thousands of cases): no request answers a 5xx."""

import json
import subprocess
import sys

from tests.conftest import REPO


def test_schemathesis_against_live_gunicorn_gets_no_server_error():
    result = subprocess.run(
        [
            sys.executable,
            "bench/fuzz_api.py",
            "--max-examples",
            "4",
            "--phases",
            "examples,fuzzing",
            "--json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["requests"] > 100, report
    assert report["server_error_count"] == 0, report["server_errors"]
    # Writes were exercised as the editor, not only refused as anonymous.
    assert set(report["statuses"]) & {"200", "201", "409"}, report
