"""Admin for the catalog around events: kinds, entities, citations and amounts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from corpus.admin import BigTableMixin, CappedRelatedFilter, HistoryAdmin
from timeline.admin.forms import CitationForm
from timeline.models import Amount, Citation, Entity, EventEntity, EventKind
from timeline.services import revisions
from timeline.services.entities import entity_merge


class PublicCatalogMixin:
    """Rows that published events show (an entity's name, a kind, a publisher)
    are read-only for curators: only an editor changes public content."""

    def _guarded(self, request, obj) -> bool:
        return (
            obj is not None
            and not revisions.user_can_publish(request.user)
            and revisions.in_public_use(obj)
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not self._guarded(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not self._guarded(request, obj)


@admin.register(EventKind)
class EventKindAdmin(PublicCatalogMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "description", "event_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj: EventKind) -> int:
        return obj.event_total


@admin.register(Entity)
class EntityAdmin(PublicCatalogMixin, BigTableMixin, HistoryAdmin):
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
        # A correlated subquery, computed for the page's rows only (the
        # paginator reads them by id); a COUNT over the join grouped the table.
        events = (
            EventEntity.objects.filter(entity=OuterRef("pk"))
            .order_by()
            .values("entity")
            .annotate(n=Count("event", distinct=True))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(event_total=Coalesce(Subquery(events), 0))
        )

    @admin.display(description="aliases")
    def alias_list(self, obj: Entity) -> str:
        return ", ".join(obj.aliases or []) or "—"

    @admin.display(description="events", ordering="event_total")
    def event_count(self, obj: Entity) -> int:
        return obj.event_total


class EventContentAdmin(BigTableMixin, HistoryAdmin):
    """Rows that are part of an event's public content (sources, amounts).

    Saving and deleting go through services.revisions.event_change: on a
    published event a curator's change waits for an editor, and a published
    event keeps an accepted source. A row stays on its event (to move it,
    remove it here and add it on the other event).
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "event"] if obj is not None else fields

    def _through_gate(self, request, obj, write, label: str) -> None:
        try:
            revision = revisions.event_change(
                event=obj.event, user=request.user, apply=write, reason=label
            )
        except ValidationError as exc:
            raise PermissionDenied("; ".join(exc.messages)) from exc
        if revision is not None:
            self.message_user(
                request,
                f"“{obj.event}” is published: this change waits for an editor's "
                f"review (revision #{revision.pk}); the published version stays "
                "live until then.",
                messages.WARNING,
            )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        self._through_gate(
            request,
            obj,
            lambda: super(EventContentAdmin, self).save_model(
                request, obj, form, change
            ),
            f"{obj._meta.verbose_name.capitalize()} {'changed' if change else 'added'}",
        )

    def delete_model(self, request, obj):
        obj._history_user = request.user
        self._through_gate(
            request,
            obj,
            lambda: super(EventContentAdmin, self).delete_model(request, obj),
            f"{obj._meta.verbose_name.capitalize()} deleted",
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("event"):
            self.delete_model(request, obj)


@admin.register(Citation)
class CitationAdmin(EventContentAdmin):
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
    list_filter = ["needs_review", ("document__publisher", CappedRelatedFilter)]
    list_select_related = ["event", "document"]
    search_fields = ["quote", "event__title", "document__title"]
    autocomplete_fields = ["event", "document"]
    readonly_fields = ["start", "end"]
    fields = ["event", "document", "quote", ("start", "end"), "needs_review"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__text")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Accepting a flagged source is an editor's decision (review queue).
        if not revisions.user_can_publish(request.user):
            fields.append("needs_review")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        readonly = self.get_readonly_fields(request, obj)
        editable = ("event", "document", "quote", "needs_review")
        kwargs["fields"] = [f for f in editable if f not in readonly]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="quote")
    def quote_excerpt(self, obj: Citation) -> str:
        return obj.quote if len(obj.quote) <= 90 else obj.quote[:89] + "…"


@admin.register(Amount)
class AmountAdmin(EventContentAdmin):
    list_display = ["__str__", "value", "currency", "is_approximate", "event"]
    list_filter = ["currency", "is_approximate"]
    list_select_related = ["event"]
    search_fields = ["text", "event__title"]
    autocomplete_fields = ["event"]
