"""Reads with their own query plans: the review queue, quotes in context, and
the API's event lists and keyset pages (with an interval-aware date plan).

`quote_context` and `highlight_spans` return escaped, safe HTML fragments so
templates only place them.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.db.models.sql.where import AND, ExtraWhere
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from corpus.dates import OPEN_LOWER, OPEN_UPPER
from corpus.models import Document
from timeline.models import Amount, Citation, Entity, Event, EventEntity

# A sentence ends at ., ! or ? followed by space, or at a blank line.
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n\s*\n")
CONTEXT_SENTENCES = 2
CONTEXT_CHARS = 700


def quote_context(
    text: str, start: int, end: int, *, sentences: int = CONTEXT_SENTENCES
) -> SafeString:
    """The quoted span with up to `sentences` sentences each side, span marked."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    cuts = [m.end() for m in SENTENCE_END.finditer(before)]
    # The last boundary before the quote starts the quote's own sentence.
    lead = before[cuts[-sentences - 1] :] if len(cuts) > sentences else before
    if len(cuts) <= sentences and start - CONTEXT_CHARS > 0:
        lead = "…" + lead.lstrip()
    ends = [m.start() for m in SENTENCE_END.finditer(after)]
    tail = after[: ends[sentences]] if len(ends) > sentences else after
    if len(ends) <= sentences and end + CONTEXT_CHARS < len(text):
        tail = tail.rstrip() + "…"
    return format_html(
        "{}<mark>{}</mark>{}", lead.lstrip(), text[start:end], tail.rstrip()
    )


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    url: str
    label: str


def highlight_spans(text: str, spans: Sequence[Span]) -> SafeString:
    """`text` escaped, with every span marked and linked; overlaps are merged."""
    points = sorted({0, len(text), *[s.start for s in spans], *[s.end for s in spans]})
    parts: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        piece = escape(text[a:b])
        if covering:
            first = covering[0]
            title = "; ".join(s.label for s in covering)
            piece = format_html(
                '<a class="cited" href="{}" title="{}"><mark>{}</mark></a>',
                first.url,
                title,
                text[a:b],
            )
        parts.append(piece)
    return mark_safe("".join(parts))  # noqa: S308 — every part is escaped above


def with_source_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate `source_count` per row with a correlated subquery.

    A subquery rather than Count() over a join: it runs for the rows on the
    page only and keeps the changelist's COUNT free of a GROUP BY.
    """
    counts = (
        Citation.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(source_count=Coalesce(Subquery(counts), 0))


def review_queue(*, include_drafts: bool = False) -> QuerySet[Event]:
    """Events waiting for an editor, oldest submission first, ready to render."""
    if include_drafts:
        queryset = Event.objects.filter(
            status__in=[Event.Status.IN_REVIEW, Event.Status.DRAFT],
            merged_into__isnull=True,
        ).order_by("-status", "submitted_at", "created_at", "id")
    else:
        queryset = Event.objects.awaiting_review()
    return queryset.select_related("kind", "submitted_by").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("document__publisher"),
        ),
        "amounts",
        Prefetch("roles", queryset=EventEntity.objects.select_related("entity")),
    )


def citations_in_context(citations: Iterable[Citation]) -> list[tuple[Citation, str]]:
    return [(c, quote_context(c.document.text, c.start, c.end)) for c in citations]


# -- the public event list (API) ---------------------------------------------
# Visibility, related rows and keyset pages for the REST API. `event_page_ids`
# runs date windows with an interval-aware plan (see `overlap_arms`).

# The longest interval each precision can describe, in days (upper - lower).
# These hold by definition of the precision, so they never go stale: a
# century is at most 36,525 days, a season (winter, Dec-Feb) at most 91.
DEFINED_MAX_SPAN_DAYS: dict[str, int] = {
    "day": 0,
    "month": 30,
    "season": 91,
    "year": 365,
    "decade": 3653,
    "century": 36525,
}
# How long the measured span of free intervals ("2018/2020") is trusted when
# a write bypassed model signals (bulk_create, queryset.update). Saves through
# the services invalidate it at once.
SPAN_CACHE_SECONDS = 60.0

OPEN_ENDED = Q(date_lower=OPEN_LOWER) | Q(date_upper=OPEN_UPPER)


def user_can_see_unpublished(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("timeline.view_event")
    )


def event_queryset(*, user: Any = None) -> QuerySet[Event]:
    """Events `user` may read, without related rows (for filtering and paging).

    The public sees published events that were not merged into another.
    """
    if user_can_see_unpublished(user):
        return Event.objects.all()
    return Event.objects.filter(status=Event.Status.PUBLISHED, merged_into__isnull=True)


def document_queryset(*, user: Any = None) -> QuerySet[Document]:
    """Documents `user` may read: the public sees only sources of published events.

    An ingested article whose candidates still wait for review is not public
    yet: its extracted title and metadata are machine-made and unreviewed.
    """
    documents = Document.objects.select_related("publisher").defer("text")
    if user_can_see_unpublished(user):
        return documents
    published = Citation.objects.filter(
        document=OuterRef("pk"),
        event__status=Event.Status.PUBLISHED,
        event__merged_into__isnull=True,
    )
    return documents.filter(Exists(published))


def entity_queryset(*, user: Any = None) -> QuerySet[Entity]:
    """Entities `user` may read: the public sees only those of published events."""
    if user_can_see_unpublished(user):
        return Entity.objects.all()
    published = EventEntity.objects.filter(
        entity=OuterRef("pk"),
        event__status=Event.Status.PUBLISHED,
        event__merged_into__isnull=True,
    )
    return Entity.objects.filter(Exists(published))


def event_with_related(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Attach what the API representation needs in a fixed number of queries.

    One query for the events (with kind), one each for citations (with document
    and publisher), amounts and entity roles (with entity), whatever the number
    of events.
    """
    return qs.select_related("kind").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related(
                "document", "document__publisher"
            ).order_by("id"),
        ),
        "amounts",
        Prefetch(
            "roles",
            queryset=EventEntity.objects.select_related("entity").order_by("id"),
        ),
    )


def event_list(*, user: Any = None, qs: QuerySet[Event] | None = None) -> QuerySet:
    """Visible events with their related rows, ordered by date."""
    base = qs if qs is not None else event_queryset(user=user)
    return event_with_related(base)


def event_get(*, user: Any, pk: int | str) -> Event:
    """One visible event with its related rows; raises Event.DoesNotExist."""
    return event_list(user=user).get(pk=pk)


def events_by_ids(ids: Iterable[int]) -> list[Event]:
    """Events with related rows, in the order of `ids`: four queries in all.

    The related rows are fetched and attached by hand rather than through
    prefetch_related, whose per-instance queryset bookkeeping costs more than
    the queries themselves on a 50-event page. Documents come without their
    full text, which the representation does not show.
    """
    ids = list(ids)
    if not ids:
        return []
    found = Event.objects.select_related("kind").in_bulk(ids)
    related: dict[str, dict[int, list]] = {
        "citations": {pk: [] for pk in found},
        "amounts": {pk: [] for pk in found},
        "roles": {pk: [] for pk in found},
    }
    citations = (
        Citation.objects.filter(event_id__in=ids)
        .select_related("document", "document__publisher")
        .defer("document__text")
        .order_by("id")
    )
    for name, rows in (
        ("citations", citations),
        ("amounts", Amount.objects.filter(event_id__in=ids).order_by("id")),
        (
            "roles",
            EventEntity.objects.filter(event_id__in=ids)
            .select_related("entity")
            .order_by("id"),
        ),
    ):
        for row in rows:
            related[name][row.event_id].append(row)
    events = []
    for pk in ids:
        event = found.get(pk)
        if event is not None:
            event._prefetched_objects_cache = {
                name: related[name][pk] for name in related
            }
            events.append(event)
    return events


EVENT_ROW_FIELDS = {
    "id": "id",
    "key": "key",
    "title": "title",
    "summary": "summary",
    "kind": "kind__slug",
    "date_edtf": "date_edtf",
    "date_display": "date_display",
    "date_text": "date_text",
    "date_lower": "date_lower",
    "date_upper": "date_upper",
    "date_precision": "date_precision",
    "modality": "modality",
    "status": "status",
    "updated_at": "updated_at",
    "version": "version",
}
AMOUNT_ROW_FIELDS = {
    "value": "value",
    "currency": "currency",
    "text": "text",
    "is_approximate": "is_approximate",
}
ROLE_ROW_FIELDS = {
    "id": "entity_id",
    "name": "entity__name",
    "kind": "entity__kind",
    "role": "role",
    "wikidata_id": "entity__wikidata_id",
}
SOURCE_ROW_FIELDS = {
    "document_id": "document_id",
    "title": "document__title",
    "publisher": "document__publisher__name",
    "url": "document__url",
    "published_on": "document__published_on",
    "quote": "quote",
    "start": "start",
    "end": "end",
}


def event_row(event: Event) -> dict[str, Any]:
    """An event instance (related rows attached) as an `event_rows_by_ids` row."""
    cache = getattr(event, "_prefetched_objects_cache", {})
    amounts = cache.get("amounts", event.amounts.all())
    roles = cache.get("roles", event.roles.all())
    citations = cache.get("citations", event.citations.all())
    row = {name: getattr(event, name) for name in EVENT_ROW_FIELDS}
    row["kind"] = event.kind.slug
    row["amounts"] = [
        {name: getattr(a, name) for name in AMOUNT_ROW_FIELDS} for a in amounts
    ]
    row["entities"] = [
        {
            "id": r.entity.pk,
            "name": r.entity.name,
            "kind": r.entity.kind,
            "role": r.role,
            "wikidata_id": r.entity.wikidata_id,
        }
        for r in roles
    ]
    row["sources"] = [
        {
            "document_id": c.document.pk,
            "title": c.document.title,
            "publisher": c.document.publisher.name if c.document.publisher_id else None,
            "url": c.document.url,
            "published_on": c.document.published_on,
            "quote": c.quote,
            "start": c.start,
            "end": c.end,
        }
        for c in citations
    ]
    return row


# Compiled SQL (and result converters) of the page's row queries, per thread
# (each thread has its own connection) and per number of ids: the SQL differs
# only in its parameters, and compiling cost more than running it.
_compiled = threading.local()


def _values_by_ids(
    model: type, ids: list[int], column: str, fields: Sequence[str]
) -> list[list[Any]]:
    """`model.objects.filter(<column>__in=ids).order_by("id").values_list(*fields)`,
    compiled once per shape and executed with `ids` as its parameters."""
    cache = _compiled.__dict__.setdefault("queries", {})
    shape = (model, column, tuple(fields), len(ids))
    compiled = cache.get(shape)
    if compiled is None:
        # Distinct placeholders: an IN lookup drops duplicates from its list.
        qs = (
            model._default_manager.filter(**{f"{column}__in": range(1, len(ids) + 1)})
            .order_by("id")
            .values_list(*fields)
        )
        compiler = qs.query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()
        if list(params) != list(range(1, len(ids) + 1)):
            raise AssertionError(f"unexpected parameters for {shape}")
        select = [col for col, _, _ in compiler.select]
        compiled = cache[shape] = (qs.db, sql, compiler.get_converters(select))
    alias, sql, converters = compiled
    db = connections[alias]
    with db.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, db)
            row[position] = value
    return rows


def event_rows_by_ids(ids: Iterable[int]) -> list[dict[str, Any]]:
    """What the API representation shows of events, as plain dicts in the order
    of `ids`: four queries in all, and no model instances.

    A 50-event page as model instances (events, kinds, citations, documents,
    publishers) took longer to build than its queries took to run. Rows have
    the shape of `event_row`, which serves single instances.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    names = list(EVENT_ROW_FIELDS)
    found = {
        values[0]: dict(zip(names, values, strict=True))
        for values in _values_by_ids(Event, ids, "id", EVENT_ROW_FIELDS.values())
    }
    for row in found.values():
        row["amounts"], row["entities"], row["sources"] = [], [], []
    for name, model, fields in (
        ("sources", Citation, SOURCE_ROW_FIELDS),
        ("amounts", Amount, AMOUNT_ROW_FIELDS),
        ("entities", EventEntity, ROLE_ROW_FIELDS),
    ):
        keys = list(fields)
        for event_id, *values in _values_by_ids(
            model, ids, "event_id", ["event_id", *fields.values()]
        ):
            if event_id in found:  # unless deleted between the queries
                found[event_id][name].append(dict(zip(keys, values, strict=True)))
    return [found[pk] for pk in ids if pk in found]


_span_lock = threading.Lock()
_span_cache: dict[str, Any] = {"at": 0.0, "spans": None}


def invalidate_span_cache(**_: Any) -> None:
    with _span_lock:
        _span_cache["at"] = 0.0
        _span_cache["spans"] = None


post_save.connect(invalidate_span_cache, sender=Event, dispatch_uid="span_cache_save")
post_delete.connect(invalidate_span_cache, sender=Event, dispatch_uid="span_cache_del")


def precision_spans() -> dict[str, int]:
    """Longest span (days) per precision class, open-ended events aside.

    Days to centuries have a span fixed by their definition, so only free
    intervals ("2018/2020") are measured: two index-only scans (unmerged rows
    through the API's covering index, merged ones through their FK index),
    cached per process. In raw SQL because the ORM's date subtraction on
    SQLite calls a Python function per row.
    """
    now = time.monotonic()
    with _span_lock:
        cached = _span_cache["spans"]
        if cached is not None and now - _span_cache["at"] < SPAN_CACHE_SECONDS:
            return cached
    table = Event._meta.db_table
    if connection.vendor == "sqlite":
        span = "MAX(julianday(date_upper) - julianday(date_lower))"
    else:
        span = "MAX(date_upper - date_lower)"
    statuses = ", ".join(["%s"] * len(Event.Status.values))
    open_ended = "date_lower > %s AND date_upper < %s"
    longest = 0
    with connection.cursor() as cursor:
        for where, params in (
            (
                f"status IN ({statuses}) AND merged_into_id IS NULL",
                list(Event.Status.values),
            ),
            ("merged_into_id IS NOT NULL", []),
        ):
            cursor.execute(
                f"SELECT {span} FROM {table} WHERE {where} "
                f"AND date_precision = %s AND {open_ended}",
                [*params, Event.Precision.INTERVAL, OPEN_LOWER, OPEN_UPPER],
            )
            value = cursor.fetchone()[0]
            longest = max(longest, int(value or 0))
    spans = {**DEFINED_MAX_SPAN_DAYS, Event.Precision.INTERVAL.value: longest}
    with _span_lock:
        _span_cache["spans"] = spans
        _span_cache["at"] = now
    return spans


def overlap_arms(date_from: datetime.date) -> list[Q]:
    """Split an overlap filter into classes whose date_lower scan is bounded.

    An event overlapping [from, …] ends on or after `from`; an event of a class
    whose spans are at most `s` days therefore starts on or after `from - s`.
    Each class becomes a range scan on (precision, date_lower) instead of a
    scan over every earlier event. Open-ended events ("since 2005", "until
    2030") are their own small class. The arms partition the rows, so their
    UNION ALL equals the plain filter.
    """
    # Open ends only come from EDTF intervals ("2005/..", "../2030"), so both
    # open arms are ordered scans of the (…, precision, date_lower) index too.
    interval = Event.Precision.INTERVAL
    arms = [
        # `>=`, not `=`: an equality would lure SQLite onto the date_upper index.
        Q(date_precision=interval, date_upper__gte=OPEN_UPPER),
        Q(date_precision=interval, date_lower=OPEN_LOWER, date_upper__lt=OPEN_UPPER),
    ]
    for precision, span in sorted(precision_spans().items()):
        try:
            floor = date_from - datetime.timedelta(days=span)
        except OverflowError:
            floor = OPEN_LOWER
        arms.append(Q(date_precision=precision, date_lower__gte=floor) & ~OPEN_ENDED)
    return arms


@dataclass(frozen=True)
class Ordering:
    name: str
    fields: tuple[str, ...]  # model fields, always ending with id
    descending: bool


ORDERINGS: dict[str, Ordering] = {
    "date": Ordering("date", ("date_lower", "date_upper", "id"), False),
    "-date": Ordering("-date", ("date_lower", "date_upper", "id"), True),
    "updated": Ordering("updated", ("updated_at", "id"), False),
    "-updated": Ordering("-updated", ("updated_at", "id"), True),
    "title": Ordering("title", ("title", "id"), False),
    "-title": Ordering("-title", ("title", "id"), True),
}


def keyset_after(ordering: Ordering, values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `ordering` (a row-value comparison).

    The leading `>=` on the first field is implied by the OR but spelled out so
    the database seeks the index instead of testing every row.
    """
    op = "lt" if ordering.descending else "gt"
    first_op = "lte" if ordering.descending else "gte"
    fields = ordering.fields
    after = Q()
    for i, name in enumerate(fields):
        term = Q(**{f"{name}__{op}": values[i]})
        for j in range(i):
            term &= Q(**{fields[j]: values[j]})
        after |= term
    return Q(**{f"{fields[0]}__{first_op}": values[0]}) & after


def order_by_args(ordering: Ordering) -> list[str]:
    sign = "-" if ordering.descending else ""
    return [sign + name for name in ordering.fields]


def event_page_ids(
    qs: QuerySet[Event],
    *,
    ordering: Ordering,
    limit: int,
    after: Sequence[Any] | None = None,
    overlap_from: datetime.date | None = None,
) -> list[tuple[Any, ...]]:
    """Keys (the ordering's fields, id last) of the next `limit` rows: one query.

    With an overlap window the query is a UNION ALL of `overlap_arms`, each an
    ordered index range scan, merged by the database and cut at `limit`. The
    filtered query is compiled once and each arm appends its own terms (see
    `_overlap_arm_sql`): compiling nine arms and their union through the ORM
    cost more than running them.
    """
    if after is not None:
        qs = qs.filter(keyset_after(ordering, after))
    qs = qs.order_by()
    if overlap_from is None:
        keys = qs.order_by(*order_by_args(ordering)).values_list(*ordering.fields)
        return list(keys[:limit])
    keys = qs.values_list(*ordering.fields)
    query = keys.query
    if query.combinator or query.is_sliced or query.group_by or query.annotations:
        return _page_ids_through_orm(keys, ordering, limit, overlap_from)
    # A placeholder term, last in the WHERE and so last in the parameters,
    # which each arm replaces with its own terms.
    query.where.add(ExtraWhere([ARM_PLACEHOLDER], []), AND)
    db = connections[keys.db]
    compiler = query.get_compiler(connection=db)
    try:
        base_sql, base_params = compiler.as_sql()
    except EmptyResultSet:
        return []
    if base_sql.count(ARM_PLACEHOLDER) != 1:
        return _page_ids_through_orm(
            qs.values_list(*ordering.fields), ordering, limit, overlap_from
        )
    parts, params = [], []
    for arm_sql, arm_params in _overlap_arm_sql(overlap_from, db):
        parts.append(base_sql.replace(f"({ARM_PLACEHOLDER})", f"({arm_sql})"))
        params += [*base_params, *arm_params]
    if db.features.supports_slicing_ordering_in_compound:
        parts = [f"({part})" for part in parts]
    direction = "DESC" if ordering.descending else "ASC"
    order = ", ".join(f"{i} {direction}" for i in range(1, len(ordering.fields) + 1))
    sql = f"{' UNION ALL '.join(parts)} ORDER BY {order} LIMIT {int(limit)}"
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [tuple(row) for row in rows]


ARM_PLACEHOLDER = "timeline_overlap_arm"


def _page_ids_through_orm(
    keys: QuerySet, ordering: Ordering, limit: int, overlap_from: datetime.date
) -> list[tuple[Any, ...]]:
    """The same UNION ALL built by the ORM, for queries `_overlap_arm_sql`
    cannot extend (grouped or combined ones)."""
    arms = [keys.filter(arm) for arm in overlap_arms(overlap_from)]
    union = arms[0].union(*arms[1:], all=True)
    return list(union.order_by(*order_by_args(ordering))[:limit])


def _overlap_arm_sql(date_from: datetime.date, db: Any) -> list[tuple[str, list[Any]]]:
    """`overlap_arms` as SQL terms (with their parameters) on the event table.

    Kept in step with `overlap_arms` by tests/api/test_event_page_sql.py, which
    compares both plans row for row.
    """
    table = db.ops.quote_name(Event._meta.db_table)
    precision, lower, upper = (
        f"{table}.{db.ops.quote_name(name)}"
        for name in ("date_precision", "date_lower", "date_upper")
    )
    open_lower = db.ops.adapt_datefield_value(OPEN_LOWER)
    open_upper = db.ops.adapt_datefield_value(OPEN_UPPER)
    interval = Event.Precision.INTERVAL.value
    arms = [
        (f"{precision} = %s AND {upper} >= %s", [interval, open_upper]),
        (
            f"{precision} = %s AND {lower} = %s AND {upper} < %s",
            [interval, open_lower, open_upper],
        ),
    ]
    bounded = (
        f"{precision} = %s AND {lower} >= %s AND NOT ({lower} = %s OR {upper} = %s)"
    )
    for name, span in sorted(precision_spans().items()):
        try:
            floor = date_from - datetime.timedelta(days=span)
        except OverflowError:
            floor = OPEN_LOWER
        arms.append(
            (
                bounded,
                [name, db.ops.adapt_datefield_value(floor), open_lower, open_upper],
            )
        )
    return arms
