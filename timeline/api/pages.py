"""The lean read path of /api/events/: public JSON pages without DRF.

Anonymous JSON reads that filter only by date window, kind and modality (the
bulk of the traffic) are parsed here with the same functions the FilterSet
uses, throttled with the same throttle, and answered with a page the database
renders (`selectors.public_page`): about a fifth of the CPU of the full path.
Everything else (a signed-in user, another format or filter, the browsable
API, a value that does not parse) goes to `EventViewSet`, which also words
every error: this path never answers a 400. Both paths give the same JSON;
tests/api/test_public_pages.py compares them request by request.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import get_conditional_response
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import ValidationError

from corpus.dates import InvalidEdtf, describe_edtf
from timeline import selectors
from timeline.api import pagination
from timeline.api.filters import DATE_MATCHES, parse_window_value
from timeline.api.serializers import event_url_prefix
from timeline.api.throttling import AnonThrottle
from timeline.api.views import EventViewSet
from timeline.models import Event
from timeline.selectors.public import PublicPage, PublicPageQuery

# What the lean path reads; any other parameter sends the request to DRF.
PARAMETERS = frozenset(
    {
        "date_from",
        "date_to",
        "date",
        "date_match",
        "kind",
        "modality",
        "ordering",
        "page_size",
        "cursor",
        "format",
    }
)
REPEATABLE = frozenset({"kind", "modality"})
ORDERINGS = ("date", "-date")
# Accept headers DRF answers with plain JSON (a browser's goes to the
# browsable API; a media type with parameters may ask for indentation).
JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})
MODALITIES = frozenset(Event.Modality.values)
HEADERS = {"Vary": "Accept, Authorization, Cookie", "Allow": "GET, POST, HEAD, OPTIONS"}

_full_path = EventViewSet.as_view({"get": "list", "post": "create"})


@csrf_exempt  # as DRF's own views: session-authenticated writes check CSRF there
def event_collection(request: HttpRequest) -> HttpResponse:
    """/api/events/: the lean path when it applies, else the DRF viewset."""
    if request.method == "GET":
        response = public_event_page(request)
        if response is not None:
            return response
    return _full_path(request)


def public_event_page(request: HttpRequest) -> HttpResponse | None:
    """The page for an anonymous JSON read, or None when DRF should answer."""
    if not _anonymous_json(request):
        return None
    page = parse_public_query(request.GET)
    if page is None or not AnonThrottle().allow_request(request, None):
        return None  # DRF words the error or the 429
    query, position = page
    rows = selectors.public_page(query, url_prefix=event_url_prefix(request))
    shown, next_url, previous_url = pagination.page_of(
        request, position, rows.rows, query.size, key=PublicPage.row_key
    )
    body = (
        '{"next":'
        + json.dumps(next_url)
        + ',"previous":'
        + json.dumps(previous_url)
        + ',"results":['
        + ",".join(row[3] for row in shown)
        + "]}"
    ).encode()
    response = HttpResponse(body, content_type="application/json", headers=HEADERS)
    response["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    conditional = get_conditional_response(
        request, etag=response["ETag"], response=response
    )
    if conditional is not response:
        conditional["Vary"] = HEADERS["Vary"]
    return conditional


def _anonymous_json(request: HttpRequest) -> bool:
    """True when DRF would treat the request as anonymous and answer JSON."""
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and request.META.get("HTTP_ACCEPT", "") in JSON_ACCEPTS
        # The database writes timestamps in UTC, as DRF does only under UTC.
        and settings.USE_TZ
        and settings.TIME_ZONE == "UTC"
    )


def parse_public_query(
    params: QueryDict,
) -> tuple[PublicPageQuery, pagination.Position] | None:
    """The page `params` ask for (the query to read and where it starts), or
    None unless every value is one the lean path serves and would be valid
    for the FilterSet too."""
    if not params.keys() <= PARAMETERS:
        return None
    for name, values in params.lists():
        if len(values) != 1 and name not in REPEATABLE:
            return None
        if any("\x00" in value for value in values):
            return None  # PostgreSQL refuses NUL in text; DRF words the 400
    if params.get("format", "json") != "json":
        return None
    try:
        return _parse(params)
    except (DjangoValidationError, ValidationError, InvalidEdtf, ValueError):
        return None


def _parse(params: QueryDict) -> tuple[PublicPageQuery, pagination.Position] | None:
    ordering_name = params.get("ordering", "date")
    match = params.get("date_match", "overlaps")
    if ordering_name not in ORDERINGS or match not in DATE_MATCHES:
        return None
    ordering = selectors.ORDERINGS[ordering_name]
    lower = upper = None
    if "date" in params:
        if "date_from" in params or "date_to" in params:
            return None
        window = describe_edtf(_value(params, "date"))
        lower = None if window.is_open_start else window.lower
        upper = None if window.is_open_end else window.upper
    if "date_from" in params:
        lower = parse_window_value(_value(params, "date_from"), end=False)
    if "date_to" in params:
        upper = parse_window_value(_value(params, "date_to"), end=True)
    if lower and upper and lower > upper:
        return None
    modalities = _many(params, "modality")
    if not set(modalities) <= MODALITIES:
        return None
    slugs = _many(params, "kind")
    kind_ids = selectors.kind_ids(slugs) if slugs else ()
    if kind_ids is None:
        return None
    position = pagination.page_position(params.get("cursor"), ordering)
    query = PublicPageQuery(
        ordering=position.read_ordering,
        size=pagination.parse_page_size(params.get("page_size")),
        lower=lower,
        upper=upper,
        within=match == "within",
        kind_ids=kind_ids,
        modalities=tuple(sorted(set(modalities))),
        after=position.key,
    )
    return query, position


def _value(params: QueryDict, name: str) -> str:
    """A value as the FilterSet's form fields see it; empty ones are refused
    here (the FilterSet treats them as absent)."""
    value = params[name].strip()
    if not value:
        raise ValueError(name)
    return value


def _many(params: QueryDict, name: str) -> list[str]:
    """Repeated and comma-separated values (the FilterSet's CommaMultipleWidget)."""
    parts = [
        part.strip() for value in params.getlist(name) for part in value.split(",")
    ]
    if any(not part for part in parts):
        raise ValueError(name)
    return parts
