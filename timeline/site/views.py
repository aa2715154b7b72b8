"""Public pages: the timeline with its list, events, entities, documents, embed.

Every view reads as an anonymous reader (whoever is signed in): the site
shows only what the public API shows. Filters are the API's EventFilterSet,
so a URL's parameters mean the same on /, /events/, /embed/ and /api/events/.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, Max, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from rest_framework.exceptions import ValidationError

from timeline import selectors
from timeline.api import pagination
from timeline.api.filters import EventFilterSet, parse_window_value
from timeline.api.renderers import http_url, jsonld_event, script_safe_json
from timeline.api.serializers import event_representation
from timeline.models import Event, EventEntity, EventKind
from timeline.selectors.review import quote_context
from timeline.selectors.windows import CountScope, data_extent, timeline_window
from timeline.site.items import window_payload

PAGE_SIZE = 25
RELATED_EVENTS = 50  # on an entity or document page; the rest via the list
# Parameters the filter form writes; the others (cursor, start, end) are
# the page's own and never copied into links to other pages.
FILTER_PARAMETERS = ("date_from", "date_to", "date", "date_match", "kind")
FILTER_PARAMETERS += ("modality", "entity", "document", "publisher", "q")
MAX_ID = pagination.MAX_ID
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
PARAGRAPH_CHARS = 1500
# Counting a wide window at a million events takes the database seconds; the
# answer is kept this long (and until any event changes, see window_cache_key).
WINDOW_CACHE_SECONDS = 300


def public_filterset(params: QueryDict) -> EventFilterSet:
    """The API's FilterSet over what the public may see."""
    return EventFilterSet(
        params,
        queryset=selectors.event_queryset(user=None),
        request=None,
        can_see_unpublished=False,
    )


def error_messages(errors: dict[str, Any]) -> list[str]:
    """'parameter: message' lines for a FilterSet's or DRF's errors."""
    lines = []
    for name, messages in errors.items():
        if isinstance(messages, str):
            messages = [messages]
        lines.extend(f"{name}: {message}" for message in messages)
    return lines


def filter_query(params: QueryDict) -> str:
    """The filter part of a query string, for links to other views."""
    kept = QueryDict(mutable=True)
    for name in FILTER_PARAMETERS:
        values = [value for value in params.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def kind_names() -> dict[str, str]:
    """Kind slugs to names in the reader's language, in lane order."""
    kinds = EventKind.objects.order_by("name").values_list("slug", "name")
    return {slug: gettext(name) for slug, name in kinds}


@dataclass
class EventListPage:
    rows: list[dict[str, Any]]
    next_url: str | None
    is_continued: bool
    previous_url: str | None = None


def event_list_page(
    request: HttpRequest, filterset: EventFilterSet, size: int = PAGE_SIZE
) -> EventListPage:
    """One keyset page of the filtered events, as the API pages them; a bad
    cursor raises DRF's ValidationError naming `cursor`."""
    rows, next_url, previous_url = pagination.filtered_event_page(
        request, filterset, selectors.ORDERINGS["date"], size, public=True
    )
    return EventListPage(rows, next_url, previous_url is not None, previous_url)


def _listing(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    """A page with the filter form and the event list (/, /events/, /embed/)."""
    filterset = public_filterset(request.GET)
    errors: list[str] = []
    page = EventListPage([], None, False)
    window = None
    if filterset.is_valid():
        try:
            page = event_list_page(request, filterset)
        except ValidationError as exc:
            errors = error_messages(exc.detail)
        window = initial_window(filterset)
    else:
        errors = error_messages(filterset.errors)
    kinds = kind_names()
    name_kinds(page.rows, kinds)
    query = filter_query(request.GET)
    timeline = None
    if window is not None:
        timeline = {
            "dataUrl": reverse("site:timeline-data"),
            "query": query,
            "start": window[0].isoformat(),
            "end": window[1].isoformat(),
            "lang": request.LANGUAGE_CODE,
            "strings": {
                "loading": gettext("Loading…"),
                "failed": gettext("The timeline could not be loaded."),
                "empty": gettext("No published events in this window."),
                "shown": gettext("%(count)s events in view."),
            },
        }
    embed_url = request.build_absolute_uri(reverse("site:embed"))
    context.update(
        page=page,
        errors=errors,
        kinds=kinds,
        modalities=Event.Modality.choices,
        params=request.GET,
        selected_kinds=set(_many(request.GET, "kind")),
        selected_modalities=set(_many(request.GET, "modality")),
        query=query,
        timeline=timeline,
        embed_url=f"{embed_url}?{query}" if query else embed_url,
    )
    status = 400 if errors else 200
    return render(request, template, context, status=status)


def name_kinds(rows: list[dict[str, Any]], kinds: dict[str, str]) -> None:
    for row in rows:
        row["kind_name"] = kinds.get(row["kind"], row["kind"])


def _many(params: QueryDict, name: str) -> list[str]:
    return [
        part.strip()
        for value in params.getlist(name)
        for part in value.split(",")
        if part.strip()
    ]


def initial_window(
    filterset: EventFilterSet,
) -> tuple[datetime.date, datetime.date] | None:
    """Where the timeline opens: the filter's window, completed by the extent
    of the filtered events; None when nothing matches."""
    lower, upper = filterset.window
    if lower is None or upper is None:
        extent = data_extent(filterset.qs)
        if extent is None:
            return (lower, upper) if lower and upper else None
        lower = lower or min(extent[0], upper or extent[0])
        upper = upper or max(extent[1], lower)
    return lower, upper


def home(request: HttpRequest) -> HttpResponse:
    return _listing(request, "site/home.html")


def event_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "site/events.html")


@xframe_options_exempt
def embed(request: HttpRequest) -> HttpResponse:
    """The timeline alone, for an iframe on another site (framing allowed
    here only)."""
    return _listing(request, "site/embed.html")


def timeline_data(request: HttpRequest) -> JsonResponse:
    """/timeline/data/?start=&end=&<filters>: what the timeline draws for the
    visible window (events, or counts per kind and period above a cap)."""
    errors: dict[str, list[str]] = {}
    bounds = {}
    for name, end in (("start", False), ("end", True)):
        raw = request.GET.get(name, "").strip()
        if not raw:
            errors[name] = ["Required: the first (start) or last (end) visible day."]
            continue
        try:
            bounds[name] = parse_window_value(raw, end=end)
        except DjangoValidationError as exc:
            errors[name] = exc.messages
    if not errors and bounds["start"] > bounds["end"]:
        errors["end"] = [f"The window ends ({bounds['end']}) before it starts."]
    filterset = public_filterset(request.GET)
    if not filterset.is_valid():
        errors.update({k: list(v) for k, v in filterset.errors.items()})
    if errors:
        return JsonResponse(errors, status=400)
    key = window_cache_key(request)
    payload = cache.get(key)
    if payload is None:
        start, end = bounds["start"], bounds["end"]
        scope = count_scope(filterset, start, end)
        window = timeline_window(filterset.qs, start=start, end=end, scope=scope)
        payload = window_payload(window, kind_names(), reverse("site:event", args=[0]))
        cache.set(key, payload, WINDOW_CACHE_SECONDS)
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def count_scope(
    filterset: EventFilterSet, start: datetime.date, end: datetime.date
) -> CountScope | None:
    """The stored counts' scope for a window when only kinds filter it (a
    date filter too, if the window lies inside its own); None otherwise."""
    kinds = filterset.kinds_only()
    if kinds is None:
        return None
    lower, upper = filterset.window
    if (lower is not None and lower > start) or (upper is not None and upper < end):
        return None
    return CountScope(kind_ids=kinds)


def window_cache_key(request: HttpRequest) -> str:
    """The cache key of a window's payload: the reader's language, the query
    (order-insensitive) and the latest change to any event, so an edit,
    publication or withdrawal is seen at once. A deletion changes no event
    left: its window is served from the cache for up to WINDOW_CACHE_SECONDS."""
    # Two lookups, each one end of an index (SQLite reads a whole table for
    # both maxima in one query).
    stamp = [
        Event.objects.aggregate(latest=Max("updated_at"))["latest"],
        Event.objects.aggregate(last=Max("id"))["last"],
    ]
    query = sorted((name, value) for name, value in request.GET.lists())
    raw = json.dumps([request.LANGUAGE_CODE, query, stamp], default=str)
    return "site:window:" + hashlib.sha256(raw.encode()).hexdigest()


def _object_or_404(queryset, pk: int):
    if pk > MAX_ID:
        raise Http404
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _object_or_404(selectors.event_list(user=None), pk)
    url = request.build_absolute_uri(reverse("site:event", args=[pk]))
    representation = event_representation(selectors.event_row(event), url=url)
    jsonld = script_safe_json(
        {"@context": "https://schema.org", **jsonld_event(representation)}
    )
    sources = [
        {
            "citation": citation,
            "document": citation.document,
            "passage": quote_paragraph(
                citation.document.text, citation.start, citation.end
            ),
            "url": http_url(citation.document.url),
        }
        for citation in event.citations.all()
    ]
    context = {
        "event": event,
        "sources": sources,
        "amounts": event.amounts.all(),
        "roles": event.roles.all(),
        "jsonld": SafeString(jsonld),
        "canonical_url": url,
        "description": event.summary or event.title,
    }
    return render(request, "site/event.html", context)


def quote_paragraph(text: str, start: int, end: int) -> SafeString:
    """The paragraph holding the quote, quote marked; a long paragraph is cut
    to the sentences around the quote."""
    breaks = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
    first = max((b for a, b in breaks if b <= start), default=0)
    last = min((a for a, b in breaks if a >= end), default=len(text))
    if last - first > PARAGRAPH_CHARS:
        return quote_context(text, start, end)
    return format_html(
        "{}<mark>{}</mark>{}",
        text[first:start].lstrip(),
        text[start:end],
        text[end:last].rstrip(),
    )


def _related_events(qs) -> tuple[list[dict[str, Any]], bool]:
    page = selectors.event_page(
        qs, ordering=selectors.ORDERINGS["date"], size=RELATED_EVENTS, public=True
    )
    return page.rows, page.next_key is not None


def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = _object_or_404(selectors.entity_queryset(user=None), pk)
    involved = EventEntity.objects.filter(event=OuterRef("pk"), entity=entity)
    rows, more = _related_events(
        selectors.event_queryset(user=None).filter(Exists(involved))
    )
    kinds = kind_names()
    name_kinds(rows, kinds)
    context = {
        "entity": entity,
        "rows": rows,
        "more": more,
        "list_url": f"{reverse('site:home')}?entity={entity.pk}",
        "kinds": kinds,
    }
    return render(request, "site/entity.html", context)


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _object_or_404(selectors.document_queryset(user=None).defer(None), pk)
    citations = (
        selectors.citation_queryset(public=True)
        .filter(document=document, event__in=selectors.event_queryset(user=None))
        .select_related("event")
        .order_by("event__date_lower", "event__date_upper", "event_id", "start")
    )
    passages = [
        {
            "citation": citation,
            "event": citation.event,
            "passage": quote_paragraph(document.text, citation.start, citation.end),
        }
        for citation in citations[: RELATED_EVENTS + 1]
    ]
    context = {
        "document": document,
        "url": http_url(document.url),
        "passages": passages[:RELATED_EVENTS],
        "more": len(passages) > RELATED_EVENTS,
        "list_url": f"{reverse('site:home')}?document={document.pk}",
    }
    return render(request, "site/document.html", context)
