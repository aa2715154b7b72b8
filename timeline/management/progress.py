"""A one-line progress bar for commands run on a terminal (no dependency)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def stream_is_tty(stream: Any) -> bool:
    return stream.isatty() if hasattr(stream, "isatty") else False


def progress_write(done: int, total: int, label: str, *, width: int = 30) -> None:
    """Redraw the bar on the terminal's current line."""
    filled = width * done // total if total else width
    bar = "#" * filled + "-" * (width - filled)
    sys.stdout.write(f"\r[{bar}] {label}")
    sys.stdout.flush()


@contextmanager
def progress_bar(stream: Any) -> Iterator[Callable[[int, int, str], None]]:
    """`draw(done, total, label)` redraws the bar while the block runs, only
    when `stream` is a terminal; the bar's line is ended however it exits."""
    shown = stream_is_tty(stream)

    def draw(done: int, total: int, label: str) -> None:
        if shown:
            progress_write(done, total, label)

    try:
        yield draw
    finally:
        if shown:
            sys.stdout.write("\n")
