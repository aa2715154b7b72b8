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
