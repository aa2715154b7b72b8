"""The document admin, extended with what cites it: every cited span of the
text highlighted and linked to its event, and the list of citing events.

Registered here, over corpus's DocumentAdmin, because corpus never imports
timeline.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from corpus.admin import DocumentAdmin, PublisherAdmin
from corpus.models import Document, Publisher
from timeline.admin.catalog import PublicCatalogMixin
from timeline.models import Citation
from timeline.selectors import Span, citation_count, highlight_spans


class CitedDocumentAdmin(PublicCatalogMixin, DocumentAdmin):
    list_display = [*DocumentAdmin.list_display, "citation_count"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citation_total=citation_count("document"))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["cited_text", "citing_events"]
        return fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        return [
            (
                None,
                {
                    "fields": [
                        "title",
                        "publisher",
                        "author",
                        "url",
                        ("language", "published_on"),
                        "source_name",
                    ]
                },
            ),
            ("Cited by", {"fields": ["citing_events"]}),
            ("Text, cited spans highlighted", {"fields": ["cited_text"]}),
            (
                "Stored text",
                {
                    "classes": ["collapse"],
                    "fields": ["text", "sha256", ("created_at", "updated_at")],
                },
            ),
        ]

    def _citations(self, obj: Document) -> list[Citation]:
        if not hasattr(obj, "_admin_citations"):
            obj._admin_citations = list(
                obj.citations.select_related("event").order_by("start", "id")
            )
        return obj._admin_citations

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, obj: Document) -> int:
        return obj.citation_total

    @admin.display(description="text")
    def cited_text(self, obj: Document) -> str:
        spans = [
            Span(
                start=c.start,
                end=c.end,
                url=reverse("admin:timeline_event_change", args=[c.event_id]),
                label=f"#{c.event_id} {c.event.title}",
            )
            for c in self._citations(obj)
        ]
        return format_html(
            '<div class="cited-text" style="white-space:pre-wrap;max-width:60em;'
            'line-height:1.6">{}</div>',
            highlight_spans(obj.text, spans),
        )

    @admin.display(description="events citing it")
    def citing_events(self, obj: Document) -> str:
        seen: dict[int, Citation] = {}
        for citation in self._citations(obj):
            seen.setdefault(citation.event_id, citation)
        if not seen:
            return "No event cites this document yet."
        return format_html(
            "<ul style='margin-left:0'>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> — {} ({})</li>',
                (
                    (
                        reverse("admin:timeline_event_change", args=[c.event_id]),
                        c.event.title,
                        c.event.date_display,
                        c.event.get_status_display(),
                    )
                    for c in seen.values()
                ),
            ),
        )


admin.site.unregister(Document)
admin.site.register(Document, CitedDocumentAdmin)


class GuardedPublisherAdmin(PublicCatalogMixin, PublisherAdmin):
    """A publisher's name shows on every published source it published."""


admin.site.unregister(Publisher)
admin.site.register(Publisher, GuardedPublisherAdmin)
