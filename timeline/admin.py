"""Admin registrations for the timeline."""

from django.contrib import admin

from timeline.models import Amount, Citation, Entity, Event, EventEntity, EventKind


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    raw_id_fields = ["document"]


class AmountInline(admin.TabularInline):
    model = Amount
    extra = 0


class EventEntityInline(admin.TabularInline):
    model = EventEntity
    extra = 0
    raw_id_fields = ["entity"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["date_display", "title", "kind", "status", "modality"]
    list_filter = ["status", "kind", "modality", "date_precision", "origin"]
    list_select_related = ["kind"]
    search_fields = ["title", "summary", "key"]
    readonly_fields = [*Event.DERIVED_DATE_FIELDS, "version"]
    inlines = [CitationInline, AmountInline, EventEntityInline]


admin.site.register(EventKind)
admin.site.register(Entity)
