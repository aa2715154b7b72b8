"""Raw statements over many values, in chunks a statement can take."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

# Values one statement tests (well under SQLite's 999 parameters of old).
IN_STATEMENT = 500


def rows_chunked(
    db,
    sql: Callable[[int], str],
    values: list,
    param: Callable[[Any], Any] | None = None,
) -> Iterator[tuple]:
    """The rows of `sql(n)` run on each chunk of `values` (n of them, each
    made a parameter by `param` if given), one statement per chunk."""
    with db.cursor() as cursor:
        for start in range(0, len(values), IN_STATEMENT):
            chunk = values[start : start + IN_STATEMENT]
            cursor.execute(
                sql(len(chunk)), [param(v) for v in chunk] if param else chunk
            )
            yield from cursor.fetchall()
