"""Keyset ("cursor") pagination over (ordering fields…, id), without COUNT(*).

The cursor is an opaque token holding the ordering and the last row's key, so
pages never skip or repeat rows, even when many events share a date or rows
are added between requests.
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib import parse

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor
from rest_framework.utils.urls import replace_query_param

from timeline import selectors
from timeline.models import Event
from timeline.selectors import ORDERINGS, Ordering

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

PAGE_SIZE_HELP = (
    f"Events per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}). "
    "Larger requests are a 400, not silently cut."
)
CURSOR_HELP = (
    "Opaque token from a page's `next` or `previous` link; it is bound to the "
    "`ordering` it was made with."
)
# The third item of a cursor that points backwards (a `previous` link).
BEFORE = "before"


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


def encode_cursor(
    ordering: Ordering, key: tuple[Any, ...], *, before: bool = False
) -> str:
    data = [ordering.name, [_encode_value(v) for v in key]]
    payload = json.dumps([*data, BEFORE] if before else data)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Position:
    """Where a page starts: after `key` in `ordering` (a `next` cursor), or,
    `backwards`, before it: then the page is read in the `mirror` ordering
    and turned around."""

    ordering: Ordering
    key: tuple[Any, ...] | None = None
    backwards: bool = False

    @property
    def read_ordering(self) -> Ordering:
        return mirror(self.ordering) if self.backwards else self.ordering


def mirror(ordering: Ordering) -> Ordering:
    """The same fields in the other direction ("date" <-> "-date")."""
    name = ordering.name
    return ORDERINGS[name[1:] if name.startswith("-") else f"-{name}"]


def page_position(token: str | None, ordering: Ordering) -> Position:
    """The position `?cursor=` asks for (the start without one)."""
    if not token:
        return Position(ordering)
    key, backwards = decode_cursor(token, ordering)
    return Position(ordering, key, backwards)


def decode_cursor(token: str, ordering: Ordering) -> tuple[tuple[Any, ...], bool]:
    """The key a cursor points after (or, True, before); a 400 naming
    `cursor` when it is bad."""
    try:
        data = json.loads(strict_b64decode(token).decode("utf-8"))
        if not isinstance(data, list) or len(data) not in (2, 3):
            raise ValueError("not a cursor")
        backwards = len(data) == 3
        if backwards and data.pop() != BEFORE:
            raise ValueError("not a direction")
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
    return key, backwards


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


CHANGES = "changes"
SINCE_HELP = (
    "Opaque token: the `cursor` of an earlier page (or the `since` of its "
    "`next` link); the entries after it. Absent: from the beginning."
)


def encode_since(sequence: int) -> str:
    payload = json.dumps([CHANGES, sequence]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_since(token: str | None) -> int:
    """The sequence a change-feed cursor points after (0 without one)."""
    if not token:
        return 0
    try:
        data = json.loads(strict_b64decode(token).decode("utf-8"))
        if not isinstance(data, list) or len(data) != 2 or data[0] != CHANGES:
            raise ValueError("not a change-feed cursor")
        sequence = data[1]
        if not isinstance(sequence, int) or isinstance(sequence, bool):
            raise ValueError("not a sequence")
        if not 0 <= sequence <= MAX_ID:
            raise ValueError("out of range")
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValidationError(
            {"since": ["Invalid cursor: use the `cursor` of a page of /api/changes/."]}
        ) from exc
    return sequence


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


def page_link(
    request, ordering: Ordering, key: tuple[Any, ...], *, before: bool = False
) -> str:
    url = request.build_absolute_uri()
    token = encode_cursor(ordering, key, before=before)
    return replace_query_param(url, "cursor", token)


def page_of(
    request,
    position: Position,
    items: Sequence[T],
    size: int,
    key: Callable[[T], tuple[Any, ...]],
) -> tuple[list[T], str | None, str | None]:
    """The page's items in `position.ordering` with its `next` and `previous`
    links, from up to `size + 1` items read in `position.read_ordering`
    (the one more tells whether more follow)."""
    more = len(items) > size
    page = list(items[:size])
    if position.backwards:
        page.reverse()
    if not page:
        return page, None, None
    has_next = position.backwards or more
    has_previous = more if position.backwards else position.key is not None
    ordering = position.ordering
    return (
        page,
        page_link(request, ordering, key(page[-1])) if has_next else None,
        page_link(request, ordering, key(page[0]), before=True)
        if has_previous
        else None,
    )


def filtered_event_page(
    request, filterset, ordering: Ordering, size: int, *, public: bool
) -> tuple[list[dict[str, Any]], str | None, str | None]:
    """The page of `filterset`'s events that `?cursor=` asks for, as rows
    (`selectors.event_rows_by_ids`), with its `next` and `previous` links: one
    keyset read of size + 1 keys, then the page's rows by id."""
    position = page_position(request.GET.get("cursor"), ordering)
    keys = selectors.event_page_ids(
        filterset.qs,
        ordering=position.read_ordering,
        limit=size + 1,
        after=position.key,
        overlap_from=filterset.overlap_from,
    )
    page, next_url, previous_url = page_of(request, position, keys, size, key=tuple)
    rows = selectors.event_rows_by_ids((key[-1] for key in page), public=public)
    return rows, next_url, previous_url
