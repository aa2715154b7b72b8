"""Changelist filters for events that need more than a field lookup."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Exists, Max, Min, OuterRef, Q

from corpus.dates import OPEN_LOWER, OPEN_UPPER
from corpus.models import Publisher
from timeline.models import Citation, Event

MAX_YEARS = 150


class YearFilter(admin.SimpleListFilter):
    """Events overlapping a calendar year: an interval appears under each year."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        bounds = Event.objects.aggregate(
            low=Min("date_lower", filter=~Q(date_lower=OPEN_LOWER)),
            high=Max("date_upper", filter=~Q(date_upper=OPEN_UPPER)),
        )
        if bounds["low"] is None or bounds["high"] is None:
            return []
        high = bounds["high"].year
        low = max(bounds["low"].year, high - MAX_YEARS)
        return [(str(y), str(y)) for y in range(high, low - 1, -1)]

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
        return [
            (str(pk), name) for pk, name in Publisher.objects.values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(
            Exists(
                Citation.objects.filter(
                    event=OuterRef("pk"), document__publisher_id=int(value)
                )
            )
        )


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
