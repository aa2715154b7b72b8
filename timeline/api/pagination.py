"""Keyset ("cursor") pagination over (ordering fields…, id), without COUNT(*).

The cursor is an opaque token holding the ordering and the last row's key, so
pages never skip or repeat rows, even when many events share a date or rows
are added between requests.
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from timeline.selectors import ORDERINGS, Ordering

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

PAGE_SIZE_HELP = (
    f"Events per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}). "
    "Larger requests are a 400, not silently cut."
)
CURSOR_HELP = (
    "Opaque token from the previous page's `next` link; it is bound to the "
    "`ordering` it was made with."
)


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "dt" in value:
        return datetime.datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and "d" in value:
        return datetime.date.fromisoformat(value["d"])
    return value


def encode_cursor(ordering: Ordering, key: tuple[Any, ...]) -> str:
    payload = json.dumps([ordering.name, [_encode_value(v) for v in key]])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(token: str, ordering: Ordering) -> tuple[Any, ...]:
    """The key a cursor points after; a 400 naming `cursor` when it is bad."""
    try:
        padded = token + "=" * (-len(token) % 4)
        name, values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if name not in ORDERINGS or len(values) != len(ORDERINGS[name].fields):
            raise ValueError("unknown ordering")
        key = tuple(_decode_value(v) for v in values)
        if not isinstance(key[-1], int) or isinstance(key[-1], bool):
            raise ValueError("bad id")
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError({"cursor": ["Invalid cursor."]}) from exc
    if name != ordering.name:
        raise ValidationError(
            {
                "cursor": [
                    f"This cursor was made for ordering={name}, not {ordering.name}."
                ]
            }
        )
    return key


def parse_page_size(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError(
            {"page_size": [f"Must be an integer from 1 to {MAX_PAGE_SIZE}."]}
        )
    return size


def next_link(request, ordering: Ordering, key: tuple[Any, ...]) -> str:
    url = request.build_absolute_uri()
    return replace_query_param(url, "cursor", encode_cursor(ordering, key))
