"""FilterSets for the API: query parameters are their attribute names.

Date windows accept ISO dates and EDTF; the window semantics (overlaps or
within, open ends) are DESIGN.md's "Date filtering semantics".
"""

from __future__ import annotations

import datetime

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core import validators
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from corpus.dates import InvalidEdtf, describe_edtf
from corpus.models import Document
from timeline.models import Citation, Entity, Event, EventEntity, EventKind
from timeline.selectors import (
    ORDERINGS,
    citation_queryset,
    document_queryset,
    entity_queryset,
    publisher_queryset,
    search,
)

DATE_MATCHES = ("overlaps", "within")

DATE_FROM_HELP = (
    "Start of the query window: an ISO date (`2023-03-01`) or any EDTF value, "
    "of which the **first** day counts (`2023` = from 2023-01-01, `2023-08` = "
    "from 2023-08-01). Absent: the window has no start."
)
DATE_TO_HELP = (
    "End of the query window: an ISO date or any EDTF value, of which the "
    "**last** day counts (`2023` = to 2023-12-31, `2023-22` = to 2023-08-31). "
    "Absent: the window has no end. A window that ends before it starts is a 400."
)
DATE_HELP = (
    "The query window as one EDTF value: `2023` (the year), `2023-08` (a "
    "month), `2023-22` (summer 2023), `2018/2020`, `2005/..` (open end). "
    "Cannot be combined with `date_from`/`date_to`."
)
DATE_MATCH_HELP = (
    "`overlaps` (default): an event matches when its interval shares at least "
    "one day with the window (`date_upper >= from and date_lower <= to`), so "
    "`?date=2023` finds 4 September 2023, 2018/2020's successor 2022/2024, "
    "and 'since 2005' (`2005/..`). `within`: the event's whole interval lies "
    "inside the window (`date_lower >= from and date_upper <= to`), so "
    "`?date=2023&date_match=within` finds August 2023 but not 2022/2024 nor "
    "'since 2005', which never ends."
)
Q_HELP = (
    "Text search over title, summary, quotes and entity names (PostgreSQL "
    "full-text search in websearch syntax on PostgreSQL; case-insensitive "
    "substring match on SQLite, through its FTS5 trigram index for text of "
    "three characters or more)."
)
UPDATED_SINCE_HELP = (
    "ISO 8601 date-time (`2024-05-01T08:00:00Z`; without an offset, UTC): "
    "events whose `updated_at` is at or after it. A renamed entity, document "
    "or publisher does not touch `updated_at`, and withdrawn or deleted events "
    "are simply absent: to keep an exact copy, follow `/api/changes/`."
)
STATUS_HELP = (
    "Only for users who may see unpublished events (permission "
    "`timeline.view_event`); anyone may ask for `published`."
)
ORDERING_HELP = (
    "`date` (default: by lower bound, then upper bound, then id), `-date`, "
    "`updated`, `-updated`, `title`, `-title`. Every ordering ends with the id, "
    "so cursor pages are stable when many events share a date."
)


def parse_window_value(value: str, *, end: bool) -> datetime.date:
    """First (or last, with `end`) day of an ISO date or EDTF value."""
    try:
        info = describe_edtf(value)
    except InvalidEdtf as exc:
        raise forms.ValidationError(
            f"{value!r} is not an ISO date or EDTF value (e.g. 2023, 2023-08, "
            "2023-08-21)."
        ) from exc
    if "/" in value or value.startswith(("[", "{")):
        raise forms.ValidationError(
            f"{value!r} is an interval; use date= for an interval window."
        )
    return info.upper if end else info.lower


class WindowDateField(forms.CharField):
    """A form field turning an ISO/EDTF value into the window's first or last day."""

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_window_value(value, end=self.end)


@extend_schema_field(OpenApiTypes.STR)
class WindowDateFilter(filters.Filter):
    """Collects one end of the window; EventFilterSet.filter_queryset applies it."""

    field_class = WindowDateField

    def filter(self, qs, value):
        return qs


class EdtfField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return describe_edtf(value)
        except InvalidEdtf as exc:
            raise forms.ValidationError(str(exc)) from exc


@extend_schema_field(OpenApiTypes.STR)
class EdtfFilter(filters.Filter):
    field_class = EdtfField

    def filter(self, qs, value):
        return qs


class UtcDateTimeField(filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, in UTC: one whose UTC time falls outside years
    1–9999 (`0001-01-01T00:00+05:00`) is a 400, not an overflow in the driver."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(
                "Out of range once converted to UTC.", code="invalid"
            ) from exc


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class SlugsField(filters.fields.ModelMultipleChoiceField):
    """Slugs looked up in the database: NUL is refused first (PostgreSQL
    cannot compare a string holding it, and said so with a 500)."""

    def _check_values(self, value):
        validate = validators.ProhibitNullCharactersValidator()
        for item in value:
            validate(str(item))
        return super()._check_values(value)


class KindFilter(filters.ModelMultipleChoiceFilter):
    """Kinds by slug: `?kind=deal&kind=approval` or `?kind=deal,approval`."""

    field_class = SlugsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", EventKind.objects.all())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(kind__in=[kind.pk for kind in value])


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.ModelChoiceFilter):
    """A related object by id, among those the reader may see; an unknown id
    is a 400, not an empty list, and so is one the reader may not see, in the
    same words (a 200 there told which hidden ids exist). The browsable API's
    select lists the same rows."""

    def __init__(self, *args, visible, **kwargs):
        self.visible = visible
        # What the public may see, until VisibleIdsMixin knows the reader.
        super().__init__(*args, queryset=visible(user=None), **kwargs)


class IdSlugOrNameField(filters.fields.ModelChoiceField):
    """A row by id (digits), else by `slug`, else by exact `name`; a name
    several visible rows share is a 400 listing their slugs."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        validators.ProhibitNullCharactersValidator()(value)
        if value.isascii() and value.isdigit():
            return super().to_python(value)
        for field in ("slug", "name"):
            found = list(self.queryset.filter(**{field: value})[:5])
            if len(found) == 1:
                return found[0]
            if found:
                slugs = ", ".join(sorted(row.slug for row in found))
                raise forms.ValidationError(
                    f"Several match the name {value!r}; use an id or a slug: {slugs}.",
                    code="ambiguous",
                )
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice"
        )


@extend_schema_field(OpenApiTypes.STR)
class IdSlugOrNameFilter(IdFilter):
    """IdFilter that also takes the row's slug or exact name."""

    field_class = IdSlugOrNameField


class VisibleIdsMixin:
    """Gives each IdFilter's form field the rows this request's reader may
    see (the form class itself may be shared by every request), and each
    choice field an error that lists the valid values."""

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_visible_ids", False):
            user = getattr(self.request, "user", None)
            for name, spec in self.filters.items():
                if isinstance(spec, IdFilter):
                    form.fields[name].queryset = spec.visible(user=user)
                else:
                    _list_choices(form.fields[name])
            self._visible_ids = True
        return form


def _list_choices(field: forms.Field) -> None:
    """Make an invalid choice's message list the valid ones (kinds: their
    slugs, read only when the message is shown)."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        name = field.to_field_name or "pk"
        queryset = field.queryset

        def values() -> list[str]:
            return [
                str(v) for v in queryset.order_by(name).values_list(name, flat=True)
            ]

    elif isinstance(field, forms.ChoiceField):
        choices = [str(value) for value, _ in field.choices if value != ""]

        def values() -> list[str]:
            return choices

    else:
        return

    def message() -> str:
        listed = ", ".join(values()).replace("%", "%%")
        return f"“%(value)s” is not one of the valid values: {listed}."

    field.error_messages = {
        **field.error_messages,
        "invalid_choice": lazy(message, str)(),
    }


class CommaMultipleWidget(forms.SelectMultiple):
    """Accepts repeated parameters and comma-separated values alike."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        return [part.strip() for value in values for part in value.split(",") if part]


# Parameters that leave an event list as "public events of some kinds in a
# window" (EventFilterSet.kinds_only).
KINDS_ONLY_PARAMETERS = frozenset(
    {"date_from", "date_to", "date", "date_match", "kind", "ordering"}
)


class EventFilterSet(VisibleIdsMixin, filters.FilterSet):
    date_from = WindowDateFilter(help_text=DATE_FROM_HELP)
    date_to = WindowDateFilter(help_text=DATE_TO_HELP, end=True)
    date = EdtfFilter(help_text=DATE_HELP)
    date_match = filters.ChoiceFilter(
        choices=[(m, m) for m in DATE_MATCHES],
        method="filter_noop",
        help_text=DATE_MATCH_HELP,
        empty_label=None,
    )
    kind = KindFilter(
        widget=CommaMultipleWidget,
        help_text="Event kind slug(s): `deal`, or `deal,approval`, or repeated.",
    )
    modality = filters.MultipleChoiceFilter(
        choices=Event.Modality.choices,
        widget=CommaMultipleWidget,
        help_text="`actual`, `planned` or `forecast` (one or several).",
    )
    entity = IdSlugOrNameFilter(
        visible=entity_queryset,
        method="filter_entity",
        help_text="Entity id, slug or exact name (`上海市政府`): events that "
        "involve this entity in any role. One you may not see is a 400, in the "
        "words of an unknown one.",
    )
    document = IdFilter(
        visible=document_queryset,
        method="filter_document",
        help_text="Document id: events citing this document.",
    )
    publisher = IdSlugOrNameFilter(
        visible=publisher_queryset,
        method="filter_publisher",
        help_text="Publisher id, slug or exact name: events citing a document "
        "from this publisher.",
    )
    q = filters.CharFilter(method="filter_q", help_text=Q_HELP, max_length=200)
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE_HELP
    )
    status = filters.MultipleChoiceFilter(
        choices=Event.Status.choices, widget=CommaMultipleWidget, help_text=STATUS_HELP
    )
    ordering = filters.ChoiceFilter(
        choices=[(name, name) for name in ORDERINGS],
        method="filter_noop",
        help_text=ORDERING_HELP,
        empty_label=None,
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, *args, can_see_unpublished: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_see_unpublished = can_see_unpublished

    def get_form_class(self) -> type[forms.Form]:
        # Built once per class rather than per request (a dozen form fields
        # each time): no field here depends on the request, and every form
        # still gets its own deep copies of the fields.
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class

    # -- validation across parameters --------------------------------------

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:
            return False
        data = self.form.cleaned_data
        window = self.form.data
        if data.get("date") is not None and (
            window.get("date_from") or window.get("date_to")
        ):
            self.form.add_error(
                "date", "date cannot be combined with date_from or date_to."
            )
        lower, upper = self.window
        if lower and upper and lower > upper:
            self.form.add_error(
                "date_to",
                f"The window ends ({upper}) before it starts ({lower}).",
            )
        statuses = set(data.get("status") or [])
        if statuses - {Event.Status.PUBLISHED} and not self.can_see_unpublished:
            self.form.add_error(
                "status",
                "Only users who may see unpublished events can filter by status.",
            )
        return self.form.is_valid() and not self.form.errors

    @property
    def window(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The query window [from, to]; None for an open end."""
        data = getattr(self.form, "cleaned_data", {})
        edtf = data.get("date")
        if edtf is not None:
            lower = None if edtf.is_open_start else edtf.lower
            upper = None if edtf.is_open_end else edtf.upper
            return lower, upper
        return data.get("date_from"), data.get("date_to")

    def kinds_only(self) -> tuple[int, ...] | None:
        """The kind ids filtered on (empty: all) when every other filter is a
        date window matched by overlap and the events are the public ones;
        None otherwise."""
        if self.can_see_unpublished or self.match_mode != "overlaps":
            return None
        data = self.form.cleaned_data
        for name, value in data.items():
            if name in KINDS_ONLY_PARAMETERS or value in (None, "", []):
                continue
            if name == "status" and set(value) == {Event.Status.PUBLISHED}:
                continue
            return None
        return tuple(sorted(kind.pk for kind in data.get("kind") or ()))

    @property
    def match_mode(self) -> str:
        return self.form.cleaned_data.get("date_match") or "overlaps"

    @property
    def ordering_name(self) -> str:
        return self.form.cleaned_data.get("ordering") or "date"

    @property
    def overlap_from(self) -> datetime.date | None:
        """The window start when an interval-aware plan applies (see selectors)."""
        return self.window[0] if self.match_mode == "overlaps" else None

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        lower, upper = self.window
        if self.match_mode == "within":
            return queryset.within(lower, upper)
        return queryset.overlapping(lower, upper)

    # -- filter methods ----------------------------------------------------

    def filter_noop(self, queryset, name, value):
        return queryset

    # Each relation filter starts from its small side when it is small
    # (timeline.selectors.search); the EXISTS keeps the result exact.

    def filter_entity(self, queryset, name, value):
        links = EventEntity.objects.filter(entity=value)
        queryset = search.narrowed(queryset, links.values_list("event_id", flat=True))
        return queryset.filter(Exists(links.filter(event=OuterRef("pk"))))

    @property
    def citations(self) -> QuerySet[Citation]:
        """The citations this reader may see (the public: reviewed ones only)."""
        return citation_queryset(public=not self.can_see_unpublished)

    def filter_document(self, queryset, name, value):
        return self._citing(queryset, self.citations.filter(document=value))

    def filter_publisher(self, queryset, name, value):
        return self._citing(queryset, self.citations.filter(document__publisher=value))

    def _citing(self, queryset, citations: QuerySet[Citation]) -> QuerySet:
        """Events with one of `citations`."""
        queryset = search.narrowed(
            queryset, citations.values_list("event_id", flat=True)
        )
        return queryset.filter(Exists(citations.filter(event=OuterRef("pk"))))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            # One id set from the three GIN-indexed searches (migration 0007):
            # an OR of per-row subqueries would check every event in turn.
            query = SearchQuery(value, search_type="websearch", config="simple")
            own = (
                Event.objects.annotate(
                    search=SearchVector("title", "summary", config="simple")
                )
                .filter(search=query)
                .order_by()
                .values("pk")
            )
            quotes = (
                self.citations.annotate(search=SearchVector("quote", config="simple"))
                .filter(search=query)
                .order_by()
                .values("event_id")
            )
            names = (
                EventEntity.objects.filter(
                    entity__in=Entity.objects.annotate(
                        search=SearchVector("name", config="simple")
                    )
                    .filter(search=query)
                    .values("pk")
                )
                .order_by()
                .values("event_id")
            )
            return queryset.filter(pk__in=own.union(quotes, names))
        return search.events_with_text(
            queryset, value, fields=["title", "summary"], quotes=self.citations
        )


class DocumentFilterSet(VisibleIdsMixin, filters.FilterSet):
    publisher = IdSlugOrNameFilter(
        visible=publisher_queryset, help_text="Publisher id, slug or exact name."
    )
    published_from = filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="ISO date."
    )
    published_to = filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="ISO date."
    )
    q = filters.CharFilter(
        field_name="title", lookup_expr="icontains", help_text="Text in the title."
    )

    class Meta:
        model = Document
        fields: list[str] = []


class EntityFilterSet(VisibleIdsMixin, filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Entity.Kind.choices, help_text="Entity kind.")
    q = filters.CharFilter(
        field_name="name", lookup_expr="icontains", help_text="Text in the name."
    )

    class Meta:
        model = Entity
        fields: list[str] = []
