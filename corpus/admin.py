"""Admin for source documents and publishers, plus what keeps lists of a
million rows fast (a paginator, a changelist, a capped related filter).

The timeline app extends DocumentAdmin with the cited spans (corpus never
imports timeline); a stored document's text is read-only because citations
point into it by offset.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections, models
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from corpus.models import Document, IngestRun, Publisher

NO_DATE = "no publication date"


class EstimatedCountPaginator(Paginator):
    """A paginator for tables of a million rows: bounded counts, and pages
    read through their ids.

    - Count: COUNT(*) reads every matching row. An unfiltered list counts the
      table (on PostgreSQL past `threshold` rows, the planner's estimate, which
      is close enough to page through and costs nothing); a filtered list
      counts at most `cap` + 1 rows, and past `cap` says "more than `cap`"
      (`is_capped`) while any page past it may still be asked for.
    - Pages: OFFSET makes the database step over the rows before the page.
      It steps over ids only (an index holding the ordering covers that),
      then the page's rows, with their annotations, are read by id: a
      per-row count annotated by the admin is computed for the page's rows
      alone, not for every row before sorting. A page is a list, so admins
      using it have no `list_editable` (its formset wants a queryset).
    """

    threshold = 50_000
    cap = 10_000

    @cached_property
    def is_capped(self) -> bool:
        return self.count > self.cap and self._filtered

    @cached_property
    def _filtered(self) -> bool:
        queryset = self.object_list
        return not isinstance(queryset, QuerySet) or bool(queryset.query.where)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        if self._filtered:
            return queryset.order_by().values("pk")[: self.cap + 1].count()
        if connections[queryset.db].vendor == "postgresql":
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > self.threshold:
                return int(row[0])
        return super().count

    def validate_number(self, number):
        if not self.is_capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("That page number is not an integer") from exc
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        number = self.validate_number(number)
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.is_capped and top + self.orphans >= self.count:
            top = self.count
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        # Unordered, so the database looks the rows up by id rather than walk
        # the ordering's index checking each against the list; sorted here.
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services write: nobody adds, edits or deletes."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose revert form writes only for users who may
    change the row: django-simple-history opens it to anyone who may view
    the row and only hides the button, so a view-only user's POST saved."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def id_url(viewname: str, *, current_app: str | None = None) -> Callable[[int], str]:
    """A function giving `reverse(viewname, args=[pk])` for an integer pk, for
    pages that link hundreds of rows: one reverse() in all rather than one
    URL-pattern walk per link."""
    marker = 999_999_999_999_999_999
    url = reverse(viewname, args=[marker], current_app=current_app)
    head, tail = url.split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


class LeanChangeList(ChangeList):
    """A changelist whose row links cost no URL resolving.

    Django builds each row link with reverse() and then add_preserved_filters(),
    which resolve()s the URL again to see whether it is the changelist's own:
    two walks of the URL patterns per link, up to a hundred links a page. A
    change URL differs between rows only by the id, and the filters it carries
    are the same for every row: both are worked out once here, and
    `preserved_filters` is left empty so add_preserved_filters() only copies
    the query the link already has. The links are the same.
    """

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # What add_preserved_filters() appends to a link that is not the
        # changelist's URL: the filters, decoded and encoded again.
        preserved = dict(parse_qsl(self.preserved_filters))
        self.row_link_query = f"?{urlencode(preserved)}" if preserved else ""
        self.preserved_filters = ""
        self._change_url = id_url(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            current_app=self.model_admin.admin_site.name,
        )

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):  # quoted and percent-encoded by reverse()
            return super().url_for_result(result) + self.row_link_query
        return self._change_url(pk) + self.row_link_query


def is_changelist(request) -> bool:
    """Whether `request` is for an admin list (not a change form)."""
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name and match.url_name.endswith("_changelist"))


class StoredDatesQuerySet(QuerySet):
    """`dates()` from the distinct stored dates: Django's truncates every row
    in SQL (on SQLite a Python function per row: 12 ms for 5,000 documents)
    and then takes the distinct values; the distinct dates of a date column
    are one index scan and at most one per day, truncated here. Same list."""

    TRUNCATE = {
        "year": lambda day: day.replace(month=1, day=1),
        "month": lambda day: day.replace(day=1),
        "day": lambda day: day,
    }

    @classmethod
    def of(cls, queryset: QuerySet) -> StoredDatesQuerySet:
        return cls(
            model=queryset.model,
            query=queryset.query.chain(),
            using=queryset._db,
            hints=queryset._hints,
        )

    def dates(self, field_name, kind, order="ASC"):
        field = self.model._meta.get_field(field_name)
        if kind not in self.TRUNCATE or field.get_internal_type() != "DateField":
            return super().dates(field_name, kind, order)
        stored = self.order_by().values_list(field_name, flat=True).distinct()
        truncate = self.TRUNCATE[kind]
        found = {truncate(day) for day in stored if day is not None}
        return sorted(found, reverse=order == "DESC")


class DateHierarchyChangeList(LeanChangeList):
    """A LeanChangeList whose date hierarchy reads the stored dates
    (`StoredDatesQuerySet`)."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # The rows are read; the date hierarchy's template tag reads this.
        self.queryset = StoredDatesQuerySet.of(self.queryset)


class RowAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, rendering its selected option from the
    form's own row (`row`, set by RowAutocompleteMixin) rather than reading
    it again: Django's runs a query per widget, one per inline row (an event
    with 150 entities ran 524 queries). The same HTML
    (tests/timeline/test_admin_query_counts.py)."""

    row = None

    def optgroups(self, name, value, attr=None):
        chosen = {
            str(v) for v in value if str(v) not in self.choices.field.empty_values
        }
        row, remote = self.row, self.field.remote_field
        if (
            row is None
            or chosen != {str(row.pk)}
            or remote.field_name != remote.model._meta.pk.name
        ):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(row)
        options.append(self.create_option(name, row.pk, label, chosen, len(options)))
        return [(None, options, 0)]


class RowAutocompleteMixin:
    """For inlines whose autocomplete fields' rows come with the inline's
    queryset (select_related): each form's widget renders its own row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = RowAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        names = list(self.get_autocomplete_fields(request))

        class Form(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                cached = self.instance._state.fields_cache
                for name in names:
                    field = self.fields.get(name)
                    widget = getattr(field, "widget", None)
                    widget = getattr(widget, "widget", widget)  # admin's wrapper
                    if isinstance(widget, RowAutocompleteSelect):
                        widget.row = cached.get(name)

        Form.__name__ = Form.__qualname__ = formset.form.__name__
        formset.form = Form
        return formset


class BigTableMixin:
    """Changelist settings that stay fast however many rows there are: bounded
    counts, pages read by id (EstimatedCountPaginator), rows rendered without
    per-row URL resolving or widget templates."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return LeanChangeList

    def action_checkbox(self, obj):
        # The HTML of Django's CheckboxInput, without a template render per row.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class BigTableAdmin(BigTableMixin, admin.ModelAdmin):
    pass


@admin.register(Publisher)
class PublisherAdmin(BigTableAdmin):
    list_display = ["name", "url", "document_count"]
    search_fields = ["name", "url"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_total=Count("documents"))

    @admin.display(description="documents", ordering="document_total")
    def document_count(self, obj: Publisher) -> int:
        return obj.document_total


class CappedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter over a table of thousands (publishers): past
    `limit` rows the sidebar lists only the chosen one, as thousands of links
    took longer to render than the page's rows (the related object's own
    admin list links to what it filters)."""

    limit = 100

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = field.remote_field.model._default_manager.all()
        if ordering:
            rows = rows.order_by(*ordering)
        target = field.target_field.attname
        listed = capped_choices(rows, self.limit, self.lookup_val or [], key=target)
        return [(getattr(row, target), str(row)) for row in listed]


def capped_choices(
    rows: QuerySet, limit: int, chosen: list[str], *, key: str = "pk"
) -> list:
    """A filter sidebar's rows: all of them up to `limit`; past it only the
    chosen ones (`chosen`: the request's values of `key`), since thousands of
    links took longer to render than the page's rows."""
    listed = list(rows[: limit + 1])
    if len(listed) <= limit:
        return listed
    chosen = [value for value in chosen if value.isdigit()]
    return list(rows.filter(**{f"{key}__in": chosen})) if chosen else []


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
class DocumentAdmin(BigTableAdmin, HistoryAdmin):
    list_display = [
        "title",
        "publisher",
        "publication_date",
        "language",
        "source_name",
    ]
    list_filter = [
        PublicationDateFilter,
        "language",
        ("publisher", CappedRelatedFilter),
    ]
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

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList

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
        if is_changelist(request):
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
