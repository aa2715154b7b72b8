"""Admin for source documents and publishers, plus a paginator for big tables.

The timeline app extends DocumentAdmin with the cited spans (corpus never
imports timeline); a stored document's text is read-only because citations
point into it by offset.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from corpus.models import Document, IngestRun, Publisher

NO_DATE = "no publication date"


class EstimatedCountPaginator(Paginator):
    """Exact counts, except for an unfiltered PostgreSQL table past `threshold`.

    COUNT(*) scans the whole table on PostgreSQL; on an unfiltered changelist of
    hundreds of thousands of rows the planner's estimate is close enough to
    page through and costs nothing. Filtered lists keep their exact count.
    """

    threshold = 50_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if (
            isinstance(queryset, QuerySet)
            and connections[queryset.db].vendor == "postgresql"
            and not queryset.query.where
        ):
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > self.threshold:
                return int(row[0])
        return super().count


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services write: nobody adds, edits or deletes."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class BigTableAdmin(admin.ModelAdmin):
    """Changelist settings that stay fast however many rows there are."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


@admin.register(Publisher)
class PublisherAdmin(BigTableAdmin):
    list_display = ["name", "url", "document_count"]
    search_fields = ["name", "url"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_total=Count("documents"))

    @admin.display(description="documents", ordering="document_total")
    def document_count(self, obj: Publisher) -> int:
        return obj.document_total


class PublicationDateFilter(admin.SimpleListFilter):
    """Documents without a date: their relative dates ("last month") wait on one."""

    title = "publication date"
    parameter_name = "dated"

    def lookups(self, request, model_admin):
        return [("yes", "Has a publication date"), ("no", "No publication date")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(published_on__isnull=True)
        if self.value() == "yes":
            return queryset.filter(published_on__isnull=False)
        return queryset


@admin.register(Document)
class DocumentAdmin(BigTableAdmin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "publisher",
        "publication_date",
        "language",
        "source_name",
    ]
    list_filter = [PublicationDateFilter, "language", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "source_name", "url", "publisher__name"]
    autocomplete_fields = ["publisher"]
    date_hierarchy = "published_on"
    readonly_fields = [
        "sha256",
        "created_at",
        "updated_at",
        "publication_date",
        "ingest_run_link",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="published", ordering="published_on")
    def publication_date(self, obj: Document) -> str:
        if obj.published_on is None:
            return format_html(
                '<strong class="no-publication-date" style="color:#ba2121">'
                "⚠ {}</strong>",
                NO_DATE,
            )
        return obj.published_on.isoformat()

    @admin.display(description="ingest run")
    def ingest_run_link(self, obj: Document) -> str:
        if obj.ingest_run_id is None:
            return "—"
        return format_html(
            '<a href="{}">ingest run {}</a>',
            reverse("admin:corpus_ingestrun_change", args=[obj.ingest_run_id]),
            obj.ingest_run_id,
        )

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # An ingest run's page links to the documents it stored.
        return lookup == "ingest_run__id__exact" or super().lookup_allowed(
            lookup, value, request
        )

    def revert_disabled(self, request, obj=None) -> bool:
        # Edits go through the admin form (and re-date candidates); a revert
        # from history would skip that, and history holds no text.
        return True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match and match.url_name and match.url_name.endswith("_changelist"):
            # Lists never show the article body: do not read it.
            queryset = queryset.defer("text")
        return queryset

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("text")
        return fields


@admin.register(IngestRun)
class IngestRunAdmin(ReadOnlyAdmin, BigTableAdmin):
    """What each ingest run did, read-only: only `ingest` writes runs."""

    list_display = [
        "__str__",
        "via",
        "who",
        "status",
        "documents_created",
        "documents_skipped",
        "files_failed",
        "events_created",
        "citations_added",
    ]
    list_filter = ["status", "via"]
    list_select_related = ["user"]
    date_hierarchy = "started_at"
    fields = [
        ("via", "who", "status"),
        ("started_at", "finished_at"),
        "arguments",
        "atomic",
        (
            "documents_created",
            "documents_skipped",
            "files_failed",
            "events_created",
            "citations_added",
        ),
        "documents_link",
        "file_table",
    ]
    readonly_fields = [
        name
        for entry in fields
        for name in (entry if isinstance(entry, tuple) else (entry,))
    ]

    @admin.display(description="who")
    def who(self, obj: IngestRun) -> str:
        return obj.who

    @admin.display(description="documents")
    def documents_link(self, obj: IngestRun) -> str:
        url = reverse("admin:corpus_document_changelist")
        return format_html(
            '<a href="{}?ingest_run__id__exact={}">the {} document(s) it stored</a>',
            url,
            obj.pk,
            obj.documents_created,
        )

    @admin.display(description="files")
    def file_table(self, obj: IngestRun) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    entry.get("name", ""),
                    entry.get("outcome", ""),
                    self._document_cell(entry.get("document")),
                    entry.get("events", ""),
                    entry.get("error", "") or entry.get("citations", ""),
                )
                for entry in obj.files
            ),
        )
        return format_html(
            "<table><thead><tr><th>file</th><th>outcome</th><th>document</th>"
            "<th>events</th><th>citations added, or why it failed</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            rows,
        )

    @staticmethod
    def _document_cell(pk: int | None) -> str:
        if pk is None:
            return ""
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:corpus_document_change", args=[pk]),
            pk,
        )
