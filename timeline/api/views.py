"""API views: thin layers that parse the request, call selectors or services, render.

Events are read through timeline.selectors (visibility, related rows, keyset
pages) and written through timeline.services (workflow rules, history,
optimistic locking).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from corpus.models import Document
from timeline import selectors
from timeline.api import filters, pagination
from timeline.api.filters import DocumentFilterSet, EntityFilterSet, EventFilterSet
from timeline.api.renderers import EXPORT_RENDERERS, CSVRenderer
from timeline.api.serializers import (
    BOM_HELP,
    CSVOptionsSerializer,
    DocumentSerializer,
    EntitySerializer,
    EventKindSerializer,
    EventSerializer,
    EventWriteSerializer,
    TransitionSerializer,
    event_representation,
    event_url_prefix,
)
from timeline.models import Entity, Event, EventKind
from timeline.services import events as event_services
from timeline.services import review

EXPORT_FORMATS = {renderer.format: renderer for renderer in EXPORT_RENDERERS}
EXPORT_CHUNK = 500
_NOTHING = object()
T = TypeVar("T")


def _started(items: Iterator[T]) -> Iterator[T]:
    """`items` with the first one already taken, so that the query behind it
    runs inside the view: a database that cannot be reached is then an error
    response (see config/middleware.py), not a 200 whose body stops short."""
    first = next(items, _NOTHING)
    return iter(()) if first is _NOTHING else itertools.chain((first,), items)


def representation_etag(data) -> str:
    """A strong ETag from the representation's data (not its rendering)."""
    payload = json.dumps(data, cls=JSONEncoder, sort_keys=True).encode()
    return '"' + hashlib.sha256(payload).hexdigest()[:40] + '"'


class ConditionalGetMixin:
    """ETag on every 200 GET, and 304 when If-None-Match already has it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # What a reader may see depends on who they are.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and isinstance(response, Response)
            and response.data is not None
        ):
            response["ETag"] = representation_etag(response.data)
            not_modified = get_conditional_response(
                request._request, etag=response["ETag"], response=response
            )
            if not_modified is not response:
                not_modified["Vary"] = response["Vary"]
                return not_modified
        return response

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:  # DRF's answer to ?format=unknown
            formats = ", ".join(r.format for r in self.get_renderers())
            raise exceptions.ValidationError(
                {"format": [f"Unknown format; use one of: {formats}."]}
            ) from exc

    def handle_exception(self, exc):
        # Errors are JSON whatever the export format asked for: a CSV or
        # calendar renderer cannot say which parameter was wrong.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            )
        return super().handle_exception(exc)


# Query parameters every list takes besides its filters (`format`: DRF's
# URL_FORMAT_OVERRIDE, which the renderers answer to).
PAGE_PARAMETER_NAMES = frozenset({"cursor", "page_size", "format"})


def unknown_parameters_check(params, known: Iterable[str]) -> None:
    """A 400 naming each query parameter not in `known`: a misspelt filter
    (`?datefrom=`) answered the whole list as if it were absent."""
    known = sorted(known)
    unknown = sorted(set(params) - set(known))
    if unknown:
        message = "Unknown query parameter; known ones: " + ", ".join(known) + "."
        raise exceptions.ValidationError({name: [message] for name in unknown})


class KnownParametersMixin:
    """Lists refuse query parameters they do not know."""

    page_parameters: frozenset[str] = PAGE_PARAMETER_NAMES
    extra_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "action", "list") == "list":
            filterset = getattr(self, "filterset_class", None)
            filters_ = filterset.base_filters if filterset else {}
            unknown_parameters_check(
                request.query_params,
                {*filters_, *self.page_parameters, *self.extra_parameters},
            )


class IsAuthenticatedForWrites(permissions.BasePermission):
    """Reads are public; the services check the exact permission of each write."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The event changed since you fetched it (If-Match)."


def _filter_parameters() -> list[OpenApiParameter]:
    """The event filters for the schema, with the FilterSet's own help texts.

    Declared here because drf-spectacular drops the descriptions of custom
    django-filter fields; the names and texts still come from the FilterSet.
    """
    enums = {
        "date_match": list(filters.DATE_MATCHES),
        "ordering": list(selectors.ORDERINGS),
        "modality": list(Event.Modality.values),
        "status": list(Event.Status.values),
        "kind": None,
    }
    parameters = []
    for name, field in EventFilterSet.base_filters.items():
        many = name in ("kind", "modality", "status")
        kind = {"document": int, "updated_since": OpenApiTypes.DATETIME}.get(name, str)
        parameters.append(
            OpenApiParameter(
                name,
                {"type": "array", "items": {"type": "string"}} if many else kind,
                description=field.extra.get("help_text", ""),
                enum=None if many else enums.get(name),
                explode=True if many else None,
            )
        )
    return parameters


PAGE_PARAMETERS = [
    *_filter_parameters(),
    OpenApiParameter("cursor", str, description=pagination.CURSOR_HELP),
    OpenApiParameter("page_size", int, description=pagination.PAGE_SIZE_HELP),
    OpenApiParameter("bom", bool, description=BOM_HELP),
    OpenApiParameter(
        "format",
        str,
        enum=["json", "csv", "ics", "timelinejs", "jsonld"],
        description=(
            "`json` (default, paginated). Exports are the **whole** filtered "
            "list, streamed: `csv` (one row per event, its first source and a "
            "sources count; a text cell starting with `=`, `+`, `-`, `@`, a tab "
            "or a CR gets a leading `'` so that spreadsheets show it rather than "
            "run it as a formula), `ics` (iCalendar: day-precision events are all-day "
            "events; coarser ones span their whole interval and say their "
            "precision in the description; open-ended ones sit on their known "
            "day), `timelinejs` (TimelineJS 3 JSON; every text is escaped HTML "
            "and each slide quotes its sources, linking those with an http(s) "
            "URL), `jsonld` (schema.org Event items at native date precision, "
            "citing NewsArticles)."
        ),
    ),
]

# A raw schema, not a serializer: drf-spectacular would wrap a list action's
# serializer in an array, but a page is one object.
EVENT_PAGE = {
    "type": "object",
    "required": ["next", "previous", "results"],
    "properties": {
        "next": {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "The next page, or null on the last one.",
        },
        "previous": {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "The page before, or null on the first one.",
        },
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
    },
}
ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Invalid parameters: a body naming each parameter and the problem.",
)
UNAVAILABLE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='The database cannot be reached: `{"detail": …}` and a '
    "`Retry-After` header (seconds); nothing else was sent.",
)
# Writes need a signed-in user (401 without one) with the model permission
# the service checks (403 without it).
DENIED = {
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in."),
    403: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Signed in without the permission."
    ),
}
WRITE_ERRORS = {
    400: ERROR,
    **DENIED,
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such event."),
    409: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=(
            "Conflict: the `version` sent (body, or query for DELETE) is stale, "
            "and the body says who changed what since; or the workflow forbids "
            "the transition. Nothing written."
        ),
    ),
    412: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=(
            "Precondition Failed: the `If-Match` ETag no longer matches the "
            "event, also when it changed while this request was written. "
            "Nothing written."
        ),
    ),
    503: UNAVAILABLE,
}
PENDING_REVISION = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The event is published and you cannot publish: the change waits "
    "for an editor as a revision (`revision`); `event` is the live version.",
)
# Optimistic locking by header; a `version` is the other way (409 when stale).
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description=(
        "The `ETag` of a GET of this event. When the event changed since, the "
        "answer is 412 Precondition Failed and nothing is written. Without it "
        "(or with `*`), send the `version` you read instead."
    ),
)
EXPORT_TYPES = {
    "text/csv": OpenApiTypes.STR,
    "text/calendar": OpenApiTypes.STR,
    "application/vnd.timelinejs+json": OpenApiTypes.OBJECT,
    "application/ld+json": OpenApiTypes.OBJECT,
}


class EventSchema(AutoSchema):
    """A page of events is one object ({next, results}), not an array; the
    filters are declared explicitly in `_filter_parameters`."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


@extend_schema_view(
    list=extend_schema(
        operation_id="events_list",
        summary="Published events, filtered by date window, kind, entity, text…",
        parameters=PAGE_PARAMETERS,
        responses={
            (200, "application/json"): EVENT_PAGE,
            **{(200, media): kind for media, kind in EXPORT_TYPES.items()},
            400: ERROR,
            503: UNAVAILABLE,
        },
    ),
    retrieve=extend_schema(
        summary="One event (404 unless you may see it).",
        responses={200: EventSerializer, 400: ERROR, 404: ERROR, 503: UNAVAILABLE},
    ),
    create=extend_schema(
        request=EventWriteSerializer,
        responses={201: EventSerializer, 400: ERROR, **DENIED, 503: UNAVAILABLE},
    ),
    update=extend_schema(
        request=EventWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: EventSerializer, 202: PENDING_REVISION, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        request=EventWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: EventSerializer, 202: PENDING_REVISION, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete an event with its sources, amounts and entity links.",
        description=(
            "Needs the `timeline.delete_event` permission (superusers). Send the "
            "`version` you read (a stale one is a 409 Conflict) or an `If-Match` "
            "ETag (a stale one is a 412 Precondition Failed); either way nothing "
            "is deleted. The history keeps the deleted rows."
        ),
        parameters=[
            IF_MATCH,
            OpenApiParameter("version", int, description="The version you read."),
            OpenApiParameter("reason", str, description="Kept in the history."),
        ],
        responses={204: None, **WRITE_ERRORS},
    ),
)
class EventViewSet(ConditionalGetMixin, KnownParametersMixin, viewsets.GenericViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    filter_backends = [DjangoFilterBackend]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, *EXPORT_RENDERERS]
    permission_classes = [IsAuthenticatedForWrites]
    lookup_value_converter = "int"
    schema = EventSchema()
    extra_parameters = frozenset(CSVOptionsSerializer().fields)
    # What the accepted export renderer takes besides the events (see `initial`).
    export_options: dict = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.accepted_renderer.format == CSVRenderer.format:
            options = CSVOptionsSerializer(data=request.query_params)
            options.is_valid(raise_exception=True)
            self.export_options = dict(options.validated_data)

    def get_renderer_context(self):
        return {**super().get_renderer_context(), **self.export_options}

    def get_queryset(self):
        return selectors.event_queryset(user=self.request.user)

    def get_filterset(self) -> EventFilterSet:
        filterset = EventFilterSet(
            self.request.query_params,
            queryset=self.get_queryset(),
            request=self.request,
            can_see_unpublished=selectors.user_can_see_unpublished(self.request.user),
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset

    def get_object(self) -> Event:
        try:
            return selectors.event_get(user=self.request.user, pk=self.kwargs["pk"])
        except Event.DoesNotExist as exc:
            raise exceptions.NotFound("No such event.") from exc

    # -- reads ---------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        filterset = self.get_filterset()
        ordering = selectors.ORDERINGS[filterset.ordering_name]
        export = EXPORT_FORMATS.get(request.accepted_renderer.format)
        if export is not None:
            return self.export(filterset, ordering, request.accepted_renderer)
        size = pagination.parse_page_size(request.query_params.get("page_size"))
        rows, next_url, previous_url = pagination.filtered_event_page(
            request, filterset, ordering, size, public=not filterset.can_see_unpublished
        )
        prefix = event_url_prefix(request)
        return Response(
            {
                "next": next_url,
                "previous": previous_url,
                "results": [
                    event_representation(row, url=f"{prefix}{row['id']}/")
                    for row in rows
                ],
            }
        )

    def export(self, filterset, ordering, renderer) -> StreamingHttpResponse:
        qs = filterset.qs.order_by(*selectors.order_by_args(ordering))
        public = not filterset.can_see_unpublished
        events = selectors.event_with_related(qs, public=public).iterator(
            chunk_size=EXPORT_CHUNK
        )
        context = self.get_serializer_context()
        rows = _started(
            EventSerializer(event, context=context).data for event in events
        )
        response = StreamingHttpResponse(
            (
                chunk.encode("utf-8")
                for chunk in renderer.stream(rows, **self.export_options)
            ),
            content_type=f"{renderer.media_type}; charset=utf-8",
        )
        extension = {"timelinejs": "json", "jsonld": "jsonld"}.get(
            renderer.format, renderer.format
        )
        response["Content-Disposition"] = f'inline; filename="events.{extension}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    # -- writes --------------------------------------------------------------

    def _check_if_match(self, event: Event) -> int | None:
        """The version an `If-Match` header vouches for (None without one);
        PreconditionFailed when it does not match the event as read now.

        The write then carries that version to the service, which checks it
        again under its lock: a change landing between this check and the
        write is a 412 as well, never a 409 nor a write over it.
        """
        expected = self.request.headers.get("If-Match")
        if not expected or expected.strip() == "*":
            return None
        current = representation_etag(self.get_serializer(event).data)
        offered = [tag.strip().removeprefix("W/") for tag in expected.split(",")]
        if current not in offered:
            raise PreconditionFailed()
        return event.version

    @staticmethod
    def _refusal(exc: event_services.StaleVersion, matched: int | None):
        """412 when the If-Match no longer holds, else 409 for a stale `version`."""
        if matched is not None and exc.current_version != matched:
            return PreconditionFailed(
                f"{PreconditionFailed.default_detail} {exc.message}"
            )
        return Conflict({"version": [exc.message]})

    def _respond(self, event: Event, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.events_by_ids([event.pk])
        data = self.get_serializer(fresh[0] if fresh else event).data
        return Response(data, status=code, headers={"ETag": representation_etag(data)})

    def create(self, request, *args, **kwargs):
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        event = event_services.event_create(data=data, user=request.user)
        return self._respond(event, status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        event = self.get_object()
        matched = self._check_if_match(event)
        serializer = EventWriteSerializer(
            event,
            data=request.data,
            partial=partial,
            context={"if_match": bool(request.headers.get("If-Match"))},
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # `If-Match: *` vouches for no version: the one just read is checked.
        expected = data.pop("version", event.version if matched is None else matched)
        try:
            event = event_services.event_update(
                event=event, data=data, user=request.user, expected_version=expected
            )
        except event_services.StaleVersion as exc:
            raise self._refusal(exc, matched) from exc
        if event.pending_revision is not None:
            # A curator's edit of a published event: the live version stays.
            live = self._respond(event)
            return Response(
                {
                    "detail": "The event is published: the change waits for an "
                    "editor's review; the published version stays live.",
                    "revision": event.pending_revision.pk,
                    "event": live.data,
                },
                status=status.HTTP_202_ACCEPTED,
            )
        return self._respond(event)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        event = self.get_object()
        matched = self._check_if_match(event)
        raw = request.query_params.get("version")
        if raw is not None and not (raw.isascii() and raw.isdigit()):
            raise exceptions.ValidationError({"version": ["Must be an integer."]})
        try:
            event_services.event_delete(
                event=event,
                user=request.user,
                expected_version=int(raw) if raw is not None else matched,
                reason=request.query_params.get("reason", ""),
            )
        except event_services.StaleVersion as exc:
            raise self._refusal(exc, matched) from exc
        except event_services.EventInUse as exc:
            raise Conflict({"detail": str(exc)}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _transition(self, request, service, *, reason_arg: str) -> Response:
        event = self.get_object()
        matched = self._check_if_match(event)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        try:
            event = service(
                event=event,
                user=request.user,
                expected_version=params.get("version", matched),
                **{reason_arg: params.get("reason", "")},
            )
        except event_services.StaleVersion as exc:
            raise self._refusal(exc, matched) from exc
        except review.InvalidTransition as exc:
            raise Conflict({"status": [str(exc)]}) from exc
        return self._respond(event)

    TRANSITION_SCHEMA = {
        "request": TransitionSerializer,
        "parameters": [IF_MATCH],
        "responses": {200: EventSerializer, **WRITE_ERRORS},
    }

    @extend_schema(summary="Send a draft to review.", **TRANSITION_SCHEMA)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, review.event_submit, reason_arg="note")

    @extend_schema(summary="Publish an event in review.", **TRANSITION_SCHEMA)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition(request, review.event_publish, reason_arg="note")

    @extend_schema(summary="Reject (a reason is required).", **TRANSITION_SCHEMA)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, review.event_reject, reason_arg="reason")

    @extend_schema(summary="Take a published event back.", **TRANSITION_SCHEMA)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, review.event_withdraw, reason_arg="reason")


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = pagination.DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = pagination.MAX_PAGE_SIZE

    def decode_cursor(self, request):
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        return pagination.decode_id_cursor(token, offset_cutoff=self.offset_cutoff)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        return pagination.parse_page_size(raw)


def _read_only_schema(serializer):
    return extend_schema_view(
        list=extend_schema(
            responses={200: serializer(many=True), 400: ERROR, 503: UNAVAILABLE},
            parameters=[
                OpenApiParameter(
                    "page_size", int, description=pagination.PAGE_SIZE_HELP
                )
            ],
        ),
        retrieve=extend_schema(
            responses={200: serializer, 400: ERROR, 404: ERROR, 503: UNAVAILABLE}
        ),
    )


class ReadOnlyViewSet(
    ConditionalGetMixin, KnownParametersMixin, viewsets.ReadOnlyModelViewSet
):
    pagination_class = IdCursorPagination
    filter_backends = [DjangoFilterBackend]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    lookup_value_converter = "int"


@_read_only_schema(EventKindSerializer)
class EventKindViewSet(ReadOnlyViewSet):
    """Event kinds; filter events with their `slug`."""

    queryset = EventKind.objects.order_by("id")
    serializer_class = EventKindSerializer


@_read_only_schema(DocumentSerializer)
class DocumentViewSet(ReadOnlyViewSet):
    """Source documents (news articles), without their full text."""

    queryset = Document.objects.none()  # for the schema; see get_queryset
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet

    def get_queryset(self):
        return selectors.document_queryset(user=self.request.user)


@_read_only_schema(EntitySerializer)
class EntityViewSet(ReadOnlyViewSet):
    """Organisations, companies, places, people and programmes."""

    queryset = Entity.objects.none()  # for the schema; see get_queryset
    serializer_class = EntitySerializer
    filterset_class = EntityFilterSet

    def get_queryset(self):
        return selectors.entity_queryset(user=self.request.user)


@csrf_exempt  # it changes nothing; without this a POST got the HTML CSRF page
def api_not_found(request, *args, **kwargs):
    """JSON 404 for any unknown /api/ path, so consumers never parse HTML."""
    return JsonResponse({"detail": "Not found."}, status=404)
