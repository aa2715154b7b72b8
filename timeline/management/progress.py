"""A one-line progress bar for commands run on a terminal (no dependency)."""

from __future__ import annotations

import sys
from typing import Any


def stream_is_tty(stream: Any) -> bool:
    return stream.isatty() if hasattr(stream, "isatty") else False


def progress_write(done: int, total: int, label: str, *, width: int = 30) -> None:
    """Redraw the bar on the terminal's current line."""
    filled = width * done // total if total else width
    bar = "#" * filled + "-" * (width - filled)
    sys.stdout.write(f"\r[{bar}] {label}")
    sys.stdout.flush()
