"""The public change feed, /api/changes/: what to apply to mirror the timeline.

Entries come from the PublicChange table the services write
(timeline.services.changes); this view reads a page of them
(`selectors.public_change_page`) and attaches each live event's current JSON.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from timeline import selectors
from timeline.api import pagination
from timeline.api.serializers import event_representation, event_url_prefix
from timeline.api.views import (
    ERROR,
    UNAVAILABLE,
    ConditionalGetMixin,
    EventSchema,
    KnownParametersMixin,
)
from timeline.models import PublicChange

CHANGE_PAGE = {
    "type": "object",
    "required": ["next", "cursor", "results"],
    "properties": {
        "next": {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "The next page, or null when this one reaches the "
            "end of the feed for now.",
        },
        "cursor": {
            "type": "string",
            "description": "Pass it as `since` later to get what changed after "
            "this page (also on the last page, where `next` is null).",
        },
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "sequence",
                    "type",
                    "changed_at",
                    "id",
                    "key",
                    "merged_into",
                    "event",
                ],
                "properties": {
                    "sequence": {
                        "type": "integer",
                        "description": "Increases along the feed.",
                    },
                    "type": {"type": "string", "enum": PublicChange.Type.values},
                    "changed_at": {"type": "string", "format": "date-time"},
                    "id": {"type": "integer", "description": "The event's id."},
                    "key": {"type": "string"},
                    "merged_into": {
                        "type": "integer",
                        "nullable": True,
                        "description": "For `merged`: the public event it became "
                        "part of.",
                    },
                    "event": {
                        "allOf": [{"$ref": "#/components/schemas/Event"}],
                        "nullable": True,
                        "description": "`published`, `updated`: the event as "
                        "/api/events/ shows it now; null for a tombstone.",
                    },
                },
            },
        },
    },
}


@extend_schema_view(
    list=extend_schema(
        operation_id="changes_list",
        summary="What changed in the public timeline since a cursor: a feed to "
        "mirror it exactly.",
        description=(
            "One entry per event that became public (`published`), changed "
            "while public (`updated`) or stopped being public: `withdrawn`, "
            "`rejected`, `merged` (into `merged_into`, a public event: one "
            "merged into an unpublished event is `rejected`) or `deleted`. Each "
            "event appears once, at its latest change, with its current JSON "
            "(or, for the last four, a tombstone: `event` is null). Replaying "
            "the feed from the start into a map from `id` (put `event` for "
            "the first two types, remove the id for the others) gives exactly "
            "the events /api/events/ lists. Unpublished events never appear. "
            "Ordered by `sequence`; a change commits in sequence order, so a "
            "cursor never skips one committed later."
        ),
        parameters=[
            OpenApiParameter("since", str, description=pagination.SINCE_HELP),
            OpenApiParameter("page_size", int, description=pagination.PAGE_SIZE_HELP),
        ],
        responses={200: CHANGE_PAGE, 400: ERROR, 503: UNAVAILABLE},
    )
)
class ChangeViewSet(ConditionalGetMixin, KnownParametersMixin, viewsets.ViewSet):
    """The public change feed (selectors.public_change_page)."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    # Public data only, the same for every reader; the view has no writes.
    permission_classes = [permissions.AllowAny]
    page_parameters = frozenset({"since", "page_size", "format"})
    schema = EventSchema()  # a page is one object

    def list(self, request):
        after = pagination.decode_since(request.query_params.get("since"))
        size = pagination.parse_page_size(request.query_params.get("page_size"))
        entries = selectors.public_change_page(after=after, limit=size + 1)
        page, more = entries[:size], len(entries) > size
        live = [e.event_id for e in page if e.type not in PublicChange.TOMBSTONES]
        public = set(
            selectors.event_queryset(user=None)
            .filter(pk__in=live)
            .values_list("pk", flat=True)
        )
        prefix = event_url_prefix(request)
        events = {
            row["id"]: event_representation(row, url=f"{prefix}{row['id']}/")
            for row in selectors.event_rows_by_ids(
                [pk for pk in live if pk in public], public=True
            )
        }
        cursor = pagination.encode_since(page[-1].pk if page else after)
        return Response(
            {
                "next": replace_query_param(
                    request.build_absolute_uri(), "since", cursor
                )
                if more
                else None,
                "cursor": cursor,
                "results": [_change_entry(entry, events) for entry in page],
            }
        )


def _change_entry(entry: PublicChange, events: dict[int, dict]) -> dict:
    event = events.get(entry.event_id)
    kind = entry.type
    if kind not in PublicChange.TOMBSTONES and event is None:
        # Made non-public outside the services (public_changes_sync repairs
        # the feed): the consumer must not keep it.
        kind = PublicChange.Type.WITHDRAWN
    return {
        "sequence": entry.pk,
        "type": kind,
        "changed_at": entry.changed_at,
        "id": entry.event_id,
        "key": entry.key,
        "merged_into": entry.merged_into_id,
        "event": event if kind not in PublicChange.TOMBSTONES else None,
    }
