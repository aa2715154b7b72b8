"""Who may read what, and the rows the API representation shows.

The public sees published events that were not merged into another, and only
the documents and entities of such events. Related rows come in a fixed number
of queries whatever the number of events.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from corpus.models import Document, Publisher
from timeline.models import Amount, Citation, Entity, Event, EventEntity


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


# A citation the ingest added to an existing event waits for an editor
# (`needs_review`): until then it is machine-made and not shown to the public.
PUBLIC_CITATIONS = (("needs_review", False),)


def citation_queryset(*, public: bool) -> QuerySet[Citation]:
    """The citations a reader may see: for the `public`, reviewed ones only."""
    if public:
        return Citation.objects.filter(**dict(PUBLIC_CITATIONS))
    return Citation.objects.all()


def document_queryset(*, user: Any = None) -> QuerySet[Document]:
    """Documents `user` may read: the public sees only sources of published events.

    An ingested article whose candidates still wait for review is not public
    yet: its extracted title and metadata are machine-made and unreviewed.
    """
    documents = Document.objects.select_related("publisher").defer("text")
    if user_can_see_unpublished(user):
        return documents
    published = citation_queryset(public=True).filter(
        document=OuterRef("pk"),
        event__status=Event.Status.PUBLISHED,
        event__merged_into__isnull=True,
    )
    return documents.filter(Exists(published))


def publisher_queryset(*, user: Any = None) -> QuerySet[Publisher]:
    """Publishers `user` may read: the public sees those of public documents."""
    if user_can_see_unpublished(user):
        return Publisher.objects.all()
    # EXISTS: looking one publisher up reads its own documents, not all.
    documents = document_queryset(user=user).filter(publisher=OuterRef("pk"))
    return Publisher.objects.filter(Exists(documents))


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


def event_with_related(qs: QuerySet[Event], *, public: bool = False) -> QuerySet[Event]:
    """Attach what the API representation needs in a fixed number of queries.

    One query for the events (with kind), one each for citations (with document
    and publisher), amounts and entity roles (with entity), whatever the number
    of events. For the `public`, only reviewed citations.
    """
    citations = citation_queryset(public=public).select_related(
        "document", "document__publisher"
    )
    return qs.select_related("kind").prefetch_related(
        Prefetch("citations", queryset=citations.order_by("id")),
        "amounts",
        Prefetch(
            "roles",
            queryset=EventEntity.objects.select_related("entity").order_by("id"),
        ),
    )


def event_list(*, user: Any = None, qs: QuerySet[Event] | None = None) -> QuerySet:
    """Visible events with their related rows, ordered by date."""
    base = qs if qs is not None else event_queryset(user=user)
    return event_with_related(base, public=not user_can_see_unpublished(user))


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
    model: type,
    ids: list[int],
    column: str,
    fields: Sequence[str],
    where: tuple[tuple[str, Any], ...] = (),
) -> list[list[Any]]:
    """`model.objects.filter(*where, <column>__in=ids).order_by("id")
    .values_list(*fields)`, compiled once per shape and executed with `ids`."""
    cache = _compiled.__dict__.setdefault("queries", {})
    shape = (model, column, tuple(fields), len(ids), where)
    compiled = cache.get(shape)
    if compiled is None:
        # Distinct placeholders: an IN lookup drops duplicates from its list.
        placeholders = list(range(1, len(ids) + 1))
        qs = (
            model._default_manager.filter(**dict(where))
            .filter(**{f"{column}__in": placeholders})
            .order_by("id")
            .values_list(*fields)
        )
        compiler = qs.query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()
        fixed = list(params[: len(params) - len(ids)])
        if list(params[len(fixed) :]) != placeholders:
            raise AssertionError(f"unexpected parameters for {shape}")
        select = [col for col, _, _ in compiler.select]
        compiled = cache[shape] = (qs.db, sql, fixed, compiler.get_converters(select))
    alias, sql, fixed, converters = compiled
    db = connections[alias]
    with db.cursor() as cursor:
        cursor.execute(sql, [*fixed, *ids])
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, db)
            row[position] = value
    return rows


def event_rows_by_ids(
    ids: Iterable[int], *, public: bool = False
) -> list[dict[str, Any]]:
    """What the API representation shows of events, as plain dicts in the order
    of `ids`: four queries in all, and no model instances. For the `public`,
    sources still flagged for review are left out (see `PUBLIC_CITATIONS`).

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
        where = PUBLIC_CITATIONS if public and model is Citation else ()
        for event_id, *values in _values_by_ids(
            model, ids, "event_id", ["event_id", *fields.values()], where
        ):
            if event_id in found:  # unless deleted between the queries
                found[event_id][name].append(dict(zip(keys, values, strict=True)))
    return [found[pk] for pk in ids if pk in found]
