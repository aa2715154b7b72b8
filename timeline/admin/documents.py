"""The document admin, extended with what cites it: every cited span of the
text highlighted and linked to its event, and the list of citing events.

Registered here, over corpus's DocumentAdmin, because corpus never imports
timeline. Curators edit a document's metadata through services.documents (a
new date re-dates its candidates), add articles through the ingest service,
and editors retract a wrong upload in one action.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from corpus.admin import DocumentAdmin, PublisherAdmin, is_changelist
from corpus.models import Document, IngestRun, Publisher
from timeline.admin.catalog import PublicCatalogMixin
from timeline.admin.forms import AddArticlesForm, ReasonForm
from timeline.models import Citation
from timeline.selectors import (
    Span,
    capped_citation_count,
    citation_count,
    highlight_spans,
)
from timeline.services import documents as document_services
from timeline.services.ingest import (
    INGEST_PERMISSIONS,
    IngestError,
    documents_ingest,
)

CITATIONS_SHOWN = 200
# The document list counts each row's citations up to this many.
CITATIONS_COUNTED = 1_000


class CitedDocumentAdmin(PublicCatalogMixin, DocumentAdmin):
    list_display = [*DocumentAdmin.list_display, "citation_count"]
    actions = ["retract"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_changelist(request):
            counted = capped_citation_count("document", CITATIONS_COUNTED)
        else:  # the change form says how many there are
            counted = citation_count("document")
        return queryset.annotate(citation_total=counted)

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
                        ("language", "published_on", "publication_date"),
                        ("source_name", "ingest_run_link"),
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

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in document_services.EDITABLE_FIELDS
        }
        report = document_services.document_update(
            document=obj, data=data, user=request.user
        )
        for redating in report.redated:
            self.message_user(request, f"Re-dated {redating}.", messages.INFO)
        if report.kept:
            listed = "; ".join(f"#{e.pk} “{e.title}”" for e in report.kept)
            self.message_user(
                request,
                f"Left as they are (changed by a person since ingest): {listed}.",
                messages.WARNING,
            )

    # -- retract ---------------------------------------------------------------

    def has_retract_permission(self, request) -> bool:
        user = request.user
        return user.has_perm("timeline.publish_event") and user.has_perm(
            "timeline.reject_event"
        )

    @admin.action(
        description="Retract: reject its unreviewed candidates, detach its "
        "flagged sources (asks for a reason)",
        permissions=["retract"],
    )
    def retract(self, request, queryset):
        form = ReasonForm(
            request.POST if "apply" in request.POST else None, required=True
        )
        if not form.is_bound or not form.is_valid():
            return TemplateResponse(
                request,
                "admin/corpus/document/retract.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Retract documents",
                    "action": "retract",
                    "documents": queryset,
                    "form": form,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for document in queryset:
            try:
                report = document_services.document_retract(
                    document=document,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except (
                PermissionDenied,
                ValidationError,
                document_services.DocumentInUse,
            ) as exc:
                text = exc.messages[0] if isinstance(exc, ValidationError) else exc
                self.message_user(request, str(text), messages.ERROR)
                continue
            self.message_user(
                request,
                f"Retracted “{document.title}”: {len(report.rejected)} candidates "
                f"rejected, {len(report.detached)} flagged sources detached"
                + (
                    "; still cited by "
                    + ", ".join(f"#{e.pk}" for e in report.still_citing)
                    if report.still_citing
                    else ""
                )
                + ".",
                messages.SUCCESS,
            )
        return None

    # -- add articles ----------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "add-articles/",
                self.admin_site.admin_view(self.add_articles_view),
                name=f"{opts.app_label}_{opts.model_name}_add_articles",
            ),
            *super().get_urls(),
        ]

    def has_add_articles_permission(self, request) -> bool:
        return self.has_add_permission(request) and all(
            request.user.has_perm(perm) for perm in INGEST_PERMISSIONS
        )

    def changelist_view(self, request, extra_context=None):
        context = {
            **(extra_context or {}),
            "can_add_articles": self.has_add_articles_permission(request),
        }
        return super().changelist_view(request, extra_context=context)

    def add_articles_view(self, request):
        if not self.has_add_articles_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = AddArticlesForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    report = documents_ingest(
                        articles=form.articles(),
                        atomic=form.cleaned_data["atomic"],
                        user=request.user,
                        via=IngestRun.Via.ADMIN,
                    )
                except IngestError as exc:
                    form.add_error(None, f"Nothing was stored. {exc}")
                else:
                    if report.rolled_back:
                        form.add_error(
                            None,
                            "Nothing was stored: "
                            f"{len(report.failures)} article(s) failed and "
                            "“all or nothing” was ticked.",
                        )
                    else:
                        form = AddArticlesForm()
        else:
            form = AddArticlesForm()
        return TemplateResponse(
            request,
            "admin/corpus/document/add_articles.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Add articles",
                "form": form,
                "report": report,
                "media": self.media + form.media,
            },
        )

    def _citations(self, obj: Document) -> list[Citation]:
        """The first CITATIONS_SHOWN citations in text order: a document cited
        by thousands of events renders a page, not all of them."""
        if not hasattr(obj, "_admin_citations"):
            obj._admin_citations = list(
                obj.citations.select_related("event").order_by("start", "id")[
                    :CITATIONS_SHOWN
                ]
            )
        return obj._admin_citations

    def _more_citations(self, obj: Document) -> str:
        total = getattr(obj, "citation_total", 0)
        if total <= CITATIONS_SHOWN:
            return ""
        url = reverse("admin:timeline_citation_changelist")
        return format_html(
            '<p class="more-citations">The first {} of {} citations; '
            '<a href="{}?document__id__exact={}">all of them</a>.</p>',
            CITATIONS_SHOWN,
            total,
            url,
            obj.pk,
        )

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, obj: Document) -> str:
        if obj.citation_total > CITATIONS_COUNTED:
            return f"over {CITATIONS_COUNTED:,}"
        return str(obj.citation_total)

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
            '{}<div class="cited-text" style="white-space:pre-wrap;max-width:60em;'
            'line-height:1.6">{}</div>',
            self._more_citations(obj),
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
            "{}<ul style='margin-left:0'>{}</ul>",
            self._more_citations(obj),
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

    list_display = [*PublisherAdmin.list_display, "events_link"]

    @admin.display(description="events")
    def events_link(self, obj: Publisher) -> str:
        url = reverse("admin:timeline_event_changelist")
        return format_html('<a href="{}?publisher={}">events</a>', url, obj.pk)


admin.site.unregister(Publisher)
admin.site.register(Publisher, GuardedPublisherAdmin)
