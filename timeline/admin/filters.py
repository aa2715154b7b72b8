"""Changelist filters for events that need more than a field lookup."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef

from corpus.admin import capped_choices
from corpus.dates import OPEN_LOWER, OPEN_UPPER
from corpus.models import Publisher
from timeline.models import Citation, Event
from timeline.selectors import search

MAX_YEARS = 150
MAX_PUBLISHERS = 100


class YearFilter(admin.SimpleListFilter):
    """Events overlapping a calendar year: an interval appears under each year."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        # The first and last bounded days, each read from the end of an index
        # (event_dates, event_date_upper): a MIN/MAX with a filter scanned all.
        low = (
            Event.objects.filter(date_lower__gt=OPEN_LOWER)
            .order_by("date_lower")
            .values_list("date_lower", flat=True)
            .first()
        )
        high = (
            Event.objects.filter(date_upper__lt=OPEN_UPPER)
            .order_by("-date_upper")
            .values_list("date_upper", flat=True)
            .first()
        )
        if low is None or high is None:
            return []
        high_year = high.year
        low_year = max(low.year, high_year - MAX_YEARS)
        return [(str(y), str(y)) for y in range(high_year, low_year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        year = int(value)
        if not 1 <= year <= 9999:
            return queryset.none()
        return queryset.overlapping(
            datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        )


class PublisherFilter(admin.SimpleListFilter):
    """Events citing at least one document from the publisher."""

    title = "publisher"
    parameter_name = "publisher"

    def lookups(self, request, model_admin):
        # Thousands of links in the sidebar cost a second to render: past
        # MAX_PUBLISHERS only the chosen one shows, and the publishers' list
        # links each publisher's events (GuardedPublisherAdmin).
        publishers = Publisher.objects.order_by("name").values_list("pk", "name")
        chosen = [self.value()] if self.value() else []
        listed = capped_choices(publishers, MAX_PUBLISHERS, chosen)
        return [(str(pk), name) for pk, name in listed]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        citations = Citation.objects.filter(document__publisher_id=int(value))
        queryset = search.narrowed(
            queryset, citations.values_list("event_id", flat=True)
        )
        return queryset.filter(Exists(citations.filter(event=OuterRef("pk"))))


class MergedFilter(admin.SimpleListFilter):
    """Hide merged-away events unless asked: they are kept only to be findable."""

    title = "merged"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", "Not merged"), ("yes", "Merged into another")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(merged_into__isnull=True)
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset
