"""The timeline: dated events, their kinds, entities, amounts and citations.

An event's date is one EDTF string; its bounds, precision and display are
derived from it on every write path (save, bulk_create, queryset update).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from corpus.dates import InvalidEdtf, describe_edtf
from corpus.models import Document
from corpus.slugs import SlugFromName


def validate_edtf(value: str) -> None:
    try:
        describe_edtf(value)
    except InvalidEdtf as exc:
        raise ValidationError(str(exc), code="invalid_edtf") from exc


class EventKind(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Entity(SlugFromName):
    slug_fallback = "entity"

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        COMPANY = "company", "Company"
        GOVERNMENT_BODY = "government_body", "Government body"
        PLACE = "place", "Place"
        PERSON = "person", "Person"
        PROGRAMME = "programme", "Programme"

    name = models.CharField(max_length=300)
    # For the API (`?entity=上海市政府`); derived from the name when blank.
    slug = models.SlugField(max_length=320, unique=True, allow_unicode=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    aliases = models.JSONField(default=list, blank=True)
    wikidata_id = models.CharField(
        max_length=20, blank=True, help_text="A Wikidata item id such as Q148."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="entity_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def awaiting_review(self) -> EventQuerySet:
        """Events in review, the longest-waiting first."""
        return self.filter(status=Event.Status.IN_REVIEW).order_by(
            F("submitted_at").asc(nulls_first=True), "created_at", "id"
        )

    def overlapping(
        self, lower: datetime.date | None, upper: datetime.date | None
    ) -> EventQuerySet:
        """Events whose interval shares at least one day with [lower, upper]."""
        qs = self
        if lower is not None:
            qs = qs.filter(date_upper__gte=lower)
        if upper is not None:
            qs = qs.filter(date_lower__lte=upper)
        return qs

    def within(
        self, lower: datetime.date | None, upper: datetime.date | None
    ) -> EventQuerySet:
        """Events whose whole interval lies inside [lower, upper]."""
        qs = self
        if lower is not None:
            qs = qs.filter(date_lower__gte=lower)
        if upper is not None:
            qs = qs.filter(date_upper__lte=upper)
        return qs

    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[override]
        for obj in objs:
            obj.derive_date_fields()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):  # type: ignore[override]
        if "date_edtf" in fields:
            for obj in objs:
                obj.derive_date_fields()
            fields = list({*fields, *Event.DERIVED_DATE_FIELDS})
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        if "date_edtf" in kwargs:
            kwargs.update(derived_date_values(kwargs["date_edtf"]))
        return super().update(**kwargs)


def derived_date_values(edtf: str) -> dict[str, Any]:
    info = describe_edtf(edtf)
    open_ended = info.is_open_start or info.is_open_end
    return {
        "date_lower": info.lower,
        "date_upper": info.upper,
        "date_precision": info.precision,
        "date_display": info.display,
        "date_span_days": None if open_ended else (info.upper - info.lower).days,
    }


# The changelist's filters and sortable columns with an index in date order.
ADMIN_FILTER_COLUMNS = (
    ("kind", "kind_only"),
    ("modality", "modality"),
    ("origin", "origin"),
    ("date_precision", "precision"),
    ("title", "title"),
)


class Event(models.Model):
    class Modality(models.TextChoices):
        ACTUAL = "actual", "Actual"
        PLANNED = "planned", "Planned"
        FORECAST = "forecast", "Forecast"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    class Origin(models.TextChoices):
        CURATED = "curated", "Curated"
        EXTRACTED = "extracted", "Extracted"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        SEASON = "season", "Season"
        YEAR = "year", "Year"
        DECADE = "decade", "Decade"
        CENTURY = "century", "Century"
        INTERVAL = "interval", "Interval"

    DERIVED_DATE_FIELDS = (
        "date_lower",
        "date_upper",
        "date_precision",
        "date_display",
        "date_span_days",
    )

    key = models.SlugField(
        max_length=100, unique=True, help_text="Stable natural key used by imports."
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="events")

    date_edtf = models.CharField(
        "date (EDTF)",
        max_length=100,
        validators=[validate_edtf],
        help_text="Extended Date/Time Format: 2023-09-04, 2023-08, 2023, "
        "2023-08-21/2023-08-31 (late August), 2018/2020, 2005/.. (since 2005), "
        "2024~ (around 2024).",
    )
    date_text = models.CharField(
        "date as written", max_length=200, blank=True, help_text="The source's phrase."
    )
    date_lower = models.DateField(editable=False)
    date_upper = models.DateField(editable=False)
    date_precision = models.CharField(
        max_length=10, choices=Precision.choices, editable=False
    )
    date_display = models.CharField(max_length=200, editable=False)
    # upper - lower; None when an end is open. The date plan reads the longest
    # free interval from its index (timeline.selectors.pages).
    date_span_days = models.IntegerField(null=True, editable=False)

    modality = models.CharField(
        max_length=10, choices=Modality.choices, default=Modality.ACTUAL
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    origin = models.CharField(
        max_length=10, choices=Origin.choices, default=Origin.CURATED
    )
    confidence = models.FloatField(
        null=True, blank=True, help_text="0–1, for extracted events."
    )
    entities = models.ManyToManyField(
        Entity, through="EventEntity", related_name="events", blank=True
    )

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_events",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # When the event last entered review: the review queue is oldest first.
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="submitted_events",
    )
    review_note = models.TextField(
        blank=True, help_text="Why it was rejected, withdrawn or published."
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_events",
    )

    # What `load_seeds` last wrote: the fixture entry's hash and the event's
    # fingerprint right after import. A fingerprint that no longer matches
    # means a curator changed the event, and the loader leaves it alone.
    seed_hash = models.CharField(max_length=64, blank=True, editable=False)
    seed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # The same for `ingest`: the candidate's fingerprint as the extractor left
    # it. Re-dating a document's candidates only touches those still matching.
    extracted_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(
        excluded_fields=["seed_hash", "seed_fingerprint", "extracted_fingerprint"]
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["date_lower", "date_upper", "id"]
        # The editorial workflow's permissions; timeline/services/review.py
        # checks them and the Curators/Editors groups (migration 0003) hold them.
        permissions = [
            ("submit_event", "Can submit an event for review"),
            ("publish_event", "Can publish an event"),
            ("reject_event", "Can reject an event"),
            ("withdraw_event", "Can withdraw a published event"),
            ("merge_event", "Can merge duplicate events"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_lower__lte=F("date_upper")),
                name="event_date_lower_not_after_upper",
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True)
                | Q(confidence__gte=0, confidence__lte=1),
                name="event_confidence_between_0_and_1",
            ),
        ]
        indexes = [
            # The default ordering, alone and after each list filter's
            # column: a changelist page is an index range read, a rare value
            # is found without a scan (the admin, timeline.admin).
            models.Index(fields=["date_lower", "date_upper", "id"], name="event_dates"),
            *(
                models.Index(
                    fields=[column, "date_lower", "date_upper", "id"],
                    name=f"event_{name}_dates",
                )
                for column, name in ADMIN_FILTER_COLUMNS
            ),
            models.Index(
                fields=["status", "date_lower", "date_upper", "id"],
                name="event_status_dates",
            ),
            models.Index(
                fields=["kind", "status", "date_lower"], name="event_kind_dates"
            ),
            models.Index(fields=["date_upper"], name="event_date_upper"),
            # The review queue's order (awaiting_review; SQLite sorts NULLs first).
            models.Index(
                fields=["status", "submitted_at", "created_at", "id"],
                name="event_review_queue",
            ),
            # Counting a year's events (the admin's year filter) from its end.
            models.Index(fields=["date_upper", "date_lower"], name="event_upper_lower"),
            models.Index(
                fields=["date_precision", "date_span_days"], name="event_span"
            ),
            models.Index(fields=["updated_at", "id"], name="event_updated"),
            # Ingest's duplicate check (timeline.services.matching).
            models.Index(
                fields=["kind", "date_precision", "date_lower", "date_upper"],
                name="event_match_pool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date_display or self.date_edtf}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.derive_date_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date_edtf" in update_fields:
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_DATE_FIELDS}
        super().save(*args, **kwargs)

    def derive_date_fields(self) -> None:
        for field, value in derived_date_values(self.date_edtf).items():
            setattr(self, field, value)


class EventEntity(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="event_roles"
    )
    role = models.CharField(max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "event entity"
        verbose_name_plural = "event entities"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "entity", "role"], name="event_entity_unique_role"
            )
        ]
        indexes = [
            # An entity's events from the index alone: its admin count and the
            # API's entity= candidates.
            models.Index(fields=["entity", "event"], name="event_entity_by_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} ({self.role})" if self.role else str(self.entity)


class Amount(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="amounts")
    value = models.DecimalField(
        max_digits=24, decimal_places=4, help_text="In base units: yuan, dollars."
    )
    currency = models.CharField(max_length=3, help_text="ISO 4217 code: CNY, USD.")
    text = models.CharField(
        max_length=200, blank=True, help_text='As written: "250 billion yuan".'
    )
    is_approximate = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0), name="amount_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.text or f"{self.value} {self.currency}"

    def clean(self) -> None:
        super().clean()
        code = self.currency or ""
        if len(code) != 3 or not code.isalpha() or not code.isupper():
            raise ValidationError(
                {"currency": "Use a three-letter ISO 4217 code such as CNY."}
            )


class Citation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="citations"
    )
    quote = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    needs_review = models.BooleanField(
        default=False, help_text="Added by ingest to an existing event."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="citation_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["event", "document", "start", "end"],
                name="citation_unique_span",
            ),
        ]
        indexes = [
            # A document's cited spans in text order (its admin page).
            models.Index(
                fields=["document", "start", "id"], name="citation_document_start"
            ),
            # The few sources waiting for an editor (the review queue).
            models.Index(
                fields=["created_at", "id"],
                condition=Q(needs_review=True),
                name="citation_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document}: “{self.quote[:60]}”"

    def clean(self) -> None:
        super().clean()
        if self.document_id is None or not self.quote:
            return
        text = self.document.text
        if text[self.start : self.end] != self.quote:
            raise ValidationError(
                {
                    "quote": "The quote does not match the document text at "
                    f"{self.start}–{self.end}."
                }
            )


class EventRevision(models.Model):
    """A change to a published event, waiting for an editor.

    The event row keeps the published (live) version, which the API serves;
    the revision holds the event's content as the change found it (`base`)
    and as the change left it (`proposed`), so publishing it applies exactly
    what the change did and the admin shows both with a diff (Wagtail keeps
    live and draft revisions the same way).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    base = models.JSONField(help_text="The event's content when the change was made.")
    proposed = models.JSONField(help_text="The content the change proposes.")
    base_version = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="event_revisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_event_revisions",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="revision_status"),
        ]

    def __str__(self) -> str:
        return f"Revision #{self.pk} of event {self.event_id} ({self.status})"


class PublicChange(models.Model):
    """One change to what the public sees of an event, for /api/changes/.

    Append-only, written by the services in the transaction of the change
    (services.changes): an event that became public, changed while public, or
    stopped being public. Events that were never public have no rows. The id
    is the feed's sequence; `event_id` is a plain number, not a foreign key,
    so that a deleted event's tombstone outlives it.
    """

    class Type(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged"
        DELETED = "deleted", "Deleted"

    TOMBSTONES = frozenset({Type.WITHDRAWN, Type.REJECTED, Type.MERGED, Type.DELETED})

    event_id = models.BigIntegerField()
    key = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=Type.choices)
    changed_at = models.DateTimeField()
    merged_into_id = models.BigIntegerField(null=True, blank=True)
    # sha256 of the public JSON this change left (blank for tombstones and
    # for the rows migration 0013 backfilled): a call that changed nothing
    # public writes no row.
    fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["event_id", "id"], name="public_change_event"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} event {self.event_id}"


class EventMonthCount(models.Model):
    """How many public events of a kind start and end in a month.

    A public event (published, not merged) adds one to `starts` in the month
    of its `date_lower` and one to `ends` in the month of its `date_upper`
    (open ends in January of year 1 and December of 9999). Counts of the
    events overlapping a window follow from sums of these rows
    (timeline.selectors.windows), so a zoomed-out timeline never counts
    events. Database triggers keep the rows in step with every write to
    events, the services' and the bulk paths' alike (migration 0015,
    timeline.counts); `rebuild_event_counts` recomputes them.
    """

    kind = models.ForeignKey(
        EventKind, on_delete=models.CASCADE, related_name="month_counts"
    )
    month = models.DateField(help_text="The first day of the month.")
    # Plain integers, no CHECK: counts that something bypassing the triggers
    # left stale must not make event writes fail (rebuild_event_counts
    # repairs them).
    starts = models.IntegerField(default=0)
    ends = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month"], name="event_month_count_unique"
            )
        ]
        indexes = [models.Index(fields=["month"], name="event_month_count_month")]

    def __str__(self) -> str:
        return f"{self.kind_id} {self.month:%Y-%m}: +{self.starts} -{self.ends}"
