"""Admin for the catalog around events: kinds, entities, citations and amounts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from corpus.admin import EstimatedCountPaginator
from timeline.admin.forms import CitationForm
from timeline.models import Amount, Citation, Entity, EventKind
from timeline.services.entities import entity_merge


class BigTableMixin:
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


@admin.register(EventKind)
class EventKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description", "event_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj: EventKind) -> int:
        return obj.event_total


@admin.register(Entity)
class EntityAdmin(BigTableMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "alias_list", "wikidata_id", "event_count"]
    list_filter = ["kind"]
    # aliases is a JSON list: icontains matches inside it on both databases.
    search_fields = ["name", "aliases", "wikidata_id"]
    fields = ["name", "kind", "aliases", "wikidata_id"]
    actions = ["merge"]

    @admin.action(
        description="Merge into the first selected (others become its aliases)",
        permissions=["change"],
    )
    def merge(self, request, queryset):
        entities = list(queryset.order_by("pk"))
        if len(entities) < 2:
            self.message_user(request, "Select at least two.", messages.WARNING)
            return
        survivor, others = entities[0], entities[1:]
        try:
            entity_merge(survivor=survivor, others=others, user=request.user)
        except (PermissionDenied, ValidationError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            f"Merged {len(others)} into “{survivor}”; their names are now aliases.",
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(event_total=Count("event_roles__event", distinct=True))
        )

    @admin.display(description="aliases")
    def alias_list(self, obj: Entity) -> str:
        return ", ".join(obj.aliases or []) or "—"

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj: Entity) -> int:
        return obj.event_total


@admin.register(Citation)
class CitationAdmin(BigTableMixin, SimpleHistoryAdmin):
    """Every quote, searchable; each edit is checked against the document text."""

    form = CitationForm
    list_display = [
        "quote_excerpt",
        "event",
        "document",
        "start",
        "end",
        "needs_review",
    ]
    list_filter = ["needs_review", "document__publisher"]
    list_select_related = ["event", "document"]
    search_fields = ["quote", "event__title", "document__title"]
    autocomplete_fields = ["event", "document"]
    readonly_fields = ["start", "end"]
    fields = ["event", "document", "quote", ("start", "end"), "needs_review"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = ["event", "document", "quote", "needs_review"]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="quote")
    def quote_excerpt(self, obj: Citation) -> str:
        return obj.quote if len(obj.quote) <= 90 else obj.quote[:89] + "…"


@admin.register(Amount)
class AmountAdmin(BigTableMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "value", "currency", "is_approximate", "event"]
    list_filter = ["currency", "is_approximate"]
    list_select_related = ["event"]
    search_fields = ["text", "event__title"]
    autocomplete_fields = ["event"]
