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
from urllib import parse

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor
from rest_framework.utils.urls import replace_query_param

from timeline.models import Event
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


# What a cursor may hold for each ordering field: a token is client input,
# and a value of the wrong type reached the database as a 500 (a string where
# PostgreSQL wants a date, an id past 64 bits, NUL in a title).
MAX_CURSOR_LENGTH = 4096  # a title cursor of 300 escaped characters: ~2,500
MAX_ID = 2**63 - 1


def _field_kind(name: str) -> str:
    return Event._meta.get_field(name).get_internal_type()


def _decode_value(value: Any, field: str) -> Any:
    kind = _field_kind(field)
    if kind == "DateField":
        if not isinstance(value, dict) or set(value) != {"d"}:
            raise ValueError(f"{field}: not a date")
        return datetime.date.fromisoformat(value["d"])
    if kind == "DateTimeField":
        if not isinstance(value, dict) or set(value) != {"dt"}:
            raise ValueError(f"{field}: not a datetime")
        moment = datetime.datetime.fromisoformat(value["dt"])
        if moment.tzinfo is None:
            raise ValueError(f"{field}: no time zone")
        return moment
    if kind in ("AutoField", "BigAutoField"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{field}: not an id")
        if not 1 <= value <= MAX_ID:
            raise ValueError(f"{field}: out of range")
        return value
    if kind == "CharField":
        limit = Event._meta.get_field(field).max_length
        if not isinstance(value, str) or "\x00" in value or len(value) > limit:
            raise ValueError(f"{field}: not a stored text")
        return value
    raise ValueError(f"{field}: cannot be a cursor field")


def strict_b64decode(token: str) -> bytes:
    """base64 (standard or URL-safe alphabet, padding optional) or ValueError;
    the lenient decoder skips foreign characters, so junk decoded to b''."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise ValueError("too long")
    token = token.replace("-", "+").replace("_", "/")
    return base64.b64decode(token + "=" * (-len(token) % 4), validate=True)


def encode_cursor(ordering: Ordering, key: tuple[Any, ...]) -> str:
    payload = json.dumps([ordering.name, [_encode_value(v) for v in key]])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(token: str, ordering: Ordering) -> tuple[Any, ...]:
    """The key a cursor points after; a 400 naming `cursor` when it is bad."""
    try:
        data = json.loads(strict_b64decode(token).decode("utf-8"))
        if not isinstance(data, list) or len(data) != 2:
            raise ValueError("not a cursor")
        name, values = data
        if not isinstance(name, str) or name not in ORDERINGS:
            raise ValueError("unknown ordering")
        fields = ORDERINGS[name].fields
        if not isinstance(values, list) or len(values) != len(fields):
            raise ValueError("wrong key")
        key = tuple(
            _decode_value(value, field)
            for value, field in zip(values, fields, strict=True)
        )
    except (ValueError, TypeError, RecursionError) as exc:
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


def decode_id_cursor(token: str, *, offset_cutoff: int) -> Cursor:
    """A cursor of DRF's CursorPagination over `id` (documents, entities,
    kinds), checked: DRF's own decoder let junk through as the first page
    and a non-numeric position through to the database."""
    try:
        query = strict_b64decode(token).decode("ascii")
        tokens = parse.parse_qs(query, keep_blank_values=True, strict_parsing=True)
        if not tokens or set(tokens) - {"o", "r", "p"}:
            raise ValueError("not a cursor")
        if any(len(v) != 1 for v in tokens.values()):
            raise ValueError("not a cursor")
        offset = tokens.get("o", ["0"])[0]
        reverse = tokens.get("r", ["0"])[0]
        position = tokens.get("p", [None])[0]
        if (
            not offset.isdigit()
            or int(offset) > offset_cutoff
            or reverse not in ("0", "1")
        ):
            raise ValueError("bad offset or direction")
        if position is not None and not (
            position.isdigit() and position.isascii() and int(position) <= MAX_ID
        ):
            raise ValueError("bad position")
    except (ValueError, TypeError) as exc:
        raise ValidationError({"cursor": ["Invalid cursor."]}) from exc
    return Cursor(offset=int(offset), reverse=reverse == "1", position=position)


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
