"""The benchmarks still run against today's schema (bench/import_events.py
failed for two sessions after a migration made a column NOT NULL, and no test
noticed). Tiny sizes: these check that a bench works, not how fast."""

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.requires_sqlite
def test_import_benchmark_writes_the_same_rows_both_ways():
    result = subprocess.run(
        [
            sys.executable,
            "bench/import_events.py",
            "--events",
            "120",
            "--batch-size",
            "50",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    counts = re.findall(r"^  (\{.*\})$", result.stdout, flags=re.MULTILINE)
    assert len(counts) == 2, result.stdout
    raw, imported = counts
    assert raw == imported
    assert "'timeline_event': 120" in raw
    assert "ratio import / raw" in result.stdout


@pytest.mark.requires_sqlite
def test_admin_benchmark_serves_every_page_it_measures():
    """bench/admin.py's catalog build failed for a session after migration
    0013 (entity slugs became NOT NULL): every page it times must answer 200."""
    result = subprocess.run(
        [sys.executable, "bench/admin.py", "--events", "200", "--repeat", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(
        r"^(\S.*?)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+\s+(\d{3})$",
        result.stdout,
        flags=re.MULTILINE,
    )
    labels = {label for label, _ in rows}
    assert {"changelist page 1", "review queue", "event change form"} <= labels
    assert len(rows) >= 30, result.stdout
    assert {status for _, status in rows} == {"200"}, result.stdout
