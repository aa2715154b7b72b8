"""The public event page as JSON built by the database: one query per page.

The anonymous JSON list is the API's hottest read. Building 50 model rows or
dicts in Python and encoding them cost several times the SQL, so here the
database renders each event (with its amounts, entities and sources) as JSON
text and the page is those texts joined. The format is the one
`timeline.api.serializers.event_representation` spells; tests compare the two
event for event on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connections

from corpus.dates import OPEN_LOWER, OPEN_UPPER
from corpus.models import Document, Publisher
from timeline.models import Amount, Citation, Entity, Event, EventEntity, EventKind
from timeline.selectors.pages import Ordering, _overlap_arm_sql, union_of_arms


@dataclass(frozen=True)
class PublicPageQuery:
    """What a public page asks for: the filters the lean path serves."""

    ordering: Ordering  # "date" or "-date"
    size: int  # events per page; one more is read to tell whether more follow
    lower: datetime.date | None = None  # the window [lower, upper]
    upper: datetime.date | None = None
    within: bool = False
    kind_ids: tuple[int, ...] = ()
    modalities: tuple[str, ...] = ()
    after: tuple[Any, ...] | None = None  # (date_lower, date_upper, id)


@dataclass(frozen=True)
class PublicPage:
    """The rows of a page as the database returns them: (lower, upper, id,
    JSON text); no object per row, the page is their texts joined."""

    rows: list[tuple[Any, Any, int, str]]

    def __len__(self) -> int:
        return len(self.rows)

    @staticmethod
    def row_key(
        row: tuple[Any, Any, int, str],
    ) -> tuple[datetime.date, datetime.date, int]:
        """The keyset position of a row, for a cursor."""
        lower, upper, pk, _ = row
        return (_as_date(lower), _as_date(upper), pk)


def _as_date(value: str | datetime.date) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


class _Dialect:
    """The JSON functions of one database vendor, as SQL fragments."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.postgres = db.vendor == "postgresql"
        if db.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(db.vendor)

    def q(self, name: str) -> str:
        return self.db.ops.quote_name(name)

    def obj(self, pairs: Sequence[tuple[str, str]]) -> str:
        function = "json_build_object" if self.postgres else "json_object"
        args = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"{function}({args})"

    def array(self, item: str, source: str, order: str) -> str:
        """A JSON array of `item` over the rows of `source`, in `order`."""
        if self.postgres:
            return (
                f"COALESCE((SELECT json_agg({item} ORDER BY {order}) FROM {source}),"
                " '[]'::json)"
            )
        # SQLite 3.40 has no ORDER BY inside aggregates: order a subquery.
        # json() keeps the values JSON (not strings) across the subqueries.
        return (
            f"json((SELECT json_group_array(json(item)) FROM "
            f"(SELECT {item} AS item FROM {source} ORDER BY {order})))"
        )

    def date(self, column: str, open_value: datetime.date | None = None) -> str:
        text = f"to_char({column}, 'YYYY-MM-DD')" if self.postgres else column
        if open_value is None:
            return text
        stored = f"'{open_value.isoformat()}'"
        return f"CASE WHEN {column} = {stored} THEN NULL ELSE {text} END"

    def datetime(self, column: str) -> str:
        """ISO 8601 in UTC with a Z, microseconds only when there are some (DRF)."""
        if self.postgres:
            utc = f"({column} AT TIME ZONE 'UTC')"
            return (
                f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
                f"to_char({utc}, 'US') = '000000' THEN '' ELSE "
                f"'.' || to_char({utc}, 'US') END || 'Z'"
            )
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC on SQLite.
        return f"replace({column}, ' ', 'T') || 'Z'"

    def decimal(self, column: str, places: int) -> str:
        # str(Decimal) of a value with `places` decimals, as the serializer
        # gives; exact on PostgreSQL, to 15 significant digits on SQLite
        # (which stores decimals as integers or doubles, in both paths).
        if self.postgres:
            return f"{column}::text"
        return f"printf('%%.{int(places)}f', {column})"

    def boolean(self, column: str) -> str:
        if self.postgres:
            return column
        return f"json(CASE WHEN {column} THEN 'true' ELSE 'false' END)"


def _table(model: type) -> str:
    return model._meta.db_table


def _event_json_sql(d: _Dialect) -> str:
    """One event as JSON, for `e` (timeline_event) and `k` (its kind); its one
    parameter is the URL prefix the id is appended to."""
    q = d.q

    def col(alias: str, model: type, field: str) -> str:
        return f"{alias}.{q(model._meta.get_field(field).column)}"

    def e(field: str) -> str:
        return col("e", Event, field)

    amounts = d.array(
        d.obj(
            [
                ("value", d.decimal(col("a", Amount, "value"), _places())),
                ("currency", col("a", Amount, "currency")),
                ("text", col("a", Amount, "text")),
                ("is_approximate", d.boolean(col("a", Amount, "is_approximate"))),
            ]
        ),
        f"{q(_table(Amount))} a WHERE {col('a', Amount, 'event')} = {e('id')}",
        col("a", Amount, "id"),
    )
    entities = d.array(
        d.obj(
            [
                ("id", col("n", Entity, "id")),
                ("name", col("n", Entity, "name")),
                ("kind", col("n", Entity, "kind")),
                ("role", col("r", EventEntity, "role")),
                ("wikidata_id", col("n", Entity, "wikidata_id")),
            ]
        ),
        f"{q(_table(EventEntity))} r JOIN {q(_table(Entity))} n "
        f"ON n.{q('id')} = {col('r', EventEntity, 'entity')} "
        f"WHERE {col('r', EventEntity, 'event')} = {e('id')}",
        col("r", EventEntity, "id"),
    )
    document = d.obj(
        [
            ("id", col("doc", Document, "id")),
            ("title", col("doc", Document, "title")),
            ("publisher", col("p", Publisher, "name")),
            ("url", col("doc", Document, "url")),
            ("published_on", d.date(col("doc", Document, "published_on"))),
        ]
    )
    sources = d.array(
        d.obj(
            [
                ("document", document),
                ("quote", col("c", Citation, "quote")),
                ("start", col("c", Citation, "start")),
                ("end", col("c", Citation, "end")),
            ]
        ),
        f"{q(_table(Citation))} c JOIN {q(_table(Document))} doc "
        f"ON doc.{q('id')} = {col('c', Citation, 'document')} "
        f"LEFT JOIN {q(_table(Publisher))} p "
        f"ON p.{q('id')} = {col('doc', Document, 'publisher')} "
        f"WHERE {col('c', Citation, 'event')} = {e('id')} "
        # Anonymous readers only: sources waiting for review stay unseen.
        f"AND NOT {col('c', Citation, 'needs_review')}",
        col("c", Citation, "id"),
    )
    url = f"%s || {e('id')} || '/'"
    if d.postgres:
        url = f"%s || {e('id')}::text || '/'"
    return d.obj(
        [
            ("id", e("id")),
            ("url", url),
            ("key", e("key")),
            ("title", e("title")),
            ("summary", e("summary")),
            ("kind", col("k", EventKind, "slug")),
            (
                "date",
                d.obj(
                    [
                        ("edtf", e("date_edtf")),
                        ("display", e("date_display")),
                        ("text", e("date_text")),
                        ("lower", d.date(e("date_lower"), OPEN_LOWER)),
                        ("upper", d.date(e("date_upper"), OPEN_UPPER)),
                        ("precision", e("date_precision")),
                    ]
                ),
            ),
            ("modality", e("modality")),
            ("status", e("status")),
            ("amounts", amounts),
            ("entities", entities),
            ("sources", sources),
            ("updated_at", d.datetime(e("updated_at"))),
            ("version", e("version")),
        ]
    )


def _places() -> int:
    return Amount._meta.get_field("value").decimal_places


_event_json_cache: dict[str, str] = {}


def _event_json(db: Any) -> str:
    sql = _event_json_cache.get(db.vendor)
    if sql is None:
        sql = _event_json_sql(_Dialect(db))
        if db.vendor == "postgresql":
            sql = f"({sql})::text"  # not parsed by psycopg: passed on as it is
        _event_json_cache[db.vendor] = sql
    return sql


class _Shape(NamedTuple):
    """What the page query's text depends on: which filters are present and
    how many values each has, never the values (`_params` supplies those)."""

    kinds: int
    modalities: int
    has_lower: bool
    has_upper: bool
    within: bool
    has_after: bool
    descending: bool
    limit: int

    @classmethod
    def of(cls, page: PublicPageQuery) -> _Shape:
        return cls(
            len(page.kind_ids),
            len(page.modalities),
            page.lower is not None,
            page.upper is not None,
            page.within,
            page.after is not None,
            page.ordering.descending,
            page.size + 1,
        )


def _where(shape: _Shape, d: _Dialect) -> list[str]:
    """The page's filters on the event table: published, unmerged, then the
    asked-for kinds, modalities, window and keyset position (`_params` order)."""
    q = d.q
    table = q(_table(Event))

    def c(field: str) -> str:
        return f"{table}.{q(Event._meta.get_field(field).column)}"

    terms = [f"{c('status')} = %s", f"{c('merged_into')} IS NULL"]
    for field, count in (("kind", shape.kinds), ("modality", shape.modalities)):
        if count:
            terms.append(f"{c(field)} IN ({', '.join(['%s'] * count)})")
    # Overlap: ends on or after the start and starts on or before the end;
    # within: starts on or after the start and ends on or before the end.
    first, last = ("date_upper", "date_lower")
    if shape.within:
        first, last = last, first
    if shape.has_lower:
        terms.append(f"{c(first)} >= %s")
    if shape.has_upper:
        terms.append(f"{c(last)} <= %s")
    if shape.has_after:
        # Rows strictly after the key, with the leading bound spelt out so
        # the database seeks the index (as selectors.keyset_after does).
        op = "<" if shape.descending else ">"
        lower, upper, pk = c("date_lower"), c("date_upper"), c("id")
        terms.append(
            f"{lower} {op}= %s AND ({lower} {op} %s OR ({lower} = %s AND "
            f"{upper} {op} %s) OR ({lower} = %s AND {upper} = %s AND {pk} {op} %s))"
        )
    return terms


def _params(page: PublicPageQuery, ops: Any) -> list[Any]:
    params: list[Any] = [Event.Status.PUBLISHED.value, *page.kind_ids, *page.modalities]
    for bound in (page.lower, page.upper):
        if bound is not None:
            params.append(ops.adapt_datefield_value(bound))
    if page.after is not None:
        lower, upper, pk = page.after
        lo, up = ops.adapt_datefield_value(lower), ops.adapt_datefield_value(upper)
        params += [lo, lo, lo, up, lo, up, pk]
    return params


_page_sql_cache: dict[tuple, str] = {}


def _page_sql(shape: _Shape, arms: list[str], db: Any) -> str:
    """The page query for a shape of request (compiled once per shape)."""
    cache_key = (db.alias, shape, tuple(arms))
    sql = _page_sql_cache.get(cache_key)
    if sql is not None:
        return sql
    d = _Dialect(db)
    q = d.q
    table = q(_table(Event))
    keys = ", ".join(
        f"{table}.{q(name)}" for name in ("date_lower", "date_upper", "id")
    )
    select = f"SELECT {keys} FROM {table} WHERE {' AND '.join(_where(shape, d))}"
    direction = "DESC" if shape.descending else "ASC"
    if arms:
        parts = [f"{select} AND ({arm})" for arm in arms]
        keyset = union_of_arms(parts, 3, shape.descending, shape.limit, db)
    else:
        keyset = f"{select} ORDER BY 1 {direction}, 2 {direction}, 3 {direction} "
        keyset += f"LIMIT {shape.limit}"
    order = ", ".join(
        f"page.{name} {direction}" for name in ("lower_key", "upper_key", "id_key")
    )
    # The keys come back as text, not parsed per row by Django's SQLite date
    # converter: only the last row's is ever read, for the cursor.
    sql = (
        f"WITH page (lower_key, upper_key, id_key) AS ({keyset}) "
        f"SELECT CAST(page.lower_key AS TEXT), CAST(page.upper_key AS TEXT), "
        f"page.id_key, {_event_json(db)} "
        f"FROM page JOIN {table} e ON e.{q('id')} = page.id_key "
        f"JOIN {q(_table(EventKind))} k ON k.{q('id')} = e.{q('kind_id')} "
        f"ORDER BY {order}"
    )
    if len(_page_sql_cache) > 512:  # shapes are few; never grow without bound
        _page_sql_cache.clear()
    _page_sql_cache[cache_key] = sql
    return sql


def public_page(
    page: PublicPageQuery, *, url_prefix: str, using: str = "default"
) -> PublicPage:
    """The next `page.size` published events (and one more, if any) with
    their JSON: one query.

    An overlap window with a start runs as the interval-aware UNION ALL of
    `selectors.pages.overlap_arms`, each arm an ordered index range scan.
    """
    db = connections[using]
    params = _params(page, db.ops)
    arms: list[str] = []
    if page.lower is not None and not page.within:
        arm_params: list[Any] = []
        for arm_sql, values in _overlap_arm_sql(page.lower, db):
            arms.append(arm_sql)
            arm_params += [*params, *values]
        params = arm_params
    sql = _page_sql(_Shape.of(page), arms, db)
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, url_prefix])
        rows = cursor.fetchall()
    return PublicPage(rows)


def kind_ids(slugs: Sequence[str], *, using: str = "default") -> tuple[int, ...] | None:
    """The ids of the kinds with these slugs, sorted; None if one is unknown."""
    wanted = set(slugs)
    db = connections[using]
    q = db.ops.quote_name
    placeholders = ", ".join(["%s"] * len(wanted))
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')} FROM {q(_table(EventKind))} "
            f"WHERE {q('slug')} IN ({placeholders})",
            sorted(wanted),
        )
        found = sorted(row[0] for row in cursor.fetchall())
    return tuple(found) if len(found) == len(wanted) else None
