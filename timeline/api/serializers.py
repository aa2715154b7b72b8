"""Serializers: the API's JSON representations (DESIGN.md "API contract").

Reads nest the related rows the selectors prefetched; writes validate the
editable fields and hand them to timeline.services, which own the rules.
"""

from __future__ import annotations

from django.urls import get_script_prefix, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from corpus.dates import OPEN_LOWER, OPEN_UPPER, InvalidEdtf, describe_edtf
from corpus.models import Document, Publisher
from timeline.models import Amount, Citation, Entity, Event, EventEntity, EventKind
from timeline.selectors import event_row

DATETIME = serializers.DateTimeField()


class EventDateSerializer(serializers.Serializer):
    edtf = serializers.CharField(
        source="date_edtf", help_text="Canonical EDTF, e.g. `2023-08-21/2023-08-31`."
    )
    display = serializers.CharField(
        source="date_display", help_text="Human form: 'late August 2023'."
    )
    text = serializers.CharField(
        source="date_text", help_text="The phrase as the source wrote it."
    )
    lower = serializers.SerializerMethodField(
        help_text="First day of the interval; null when open ('until 2030')."
    )
    upper = serializers.SerializerMethodField(
        help_text="Last day of the interval; null when open ('since 2005')."
    )
    precision = serializers.ChoiceField(
        source="date_precision", choices=Event.Precision.choices
    )

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_lower(self, event: Event) -> str | None:
        return None if event.date_lower == OPEN_LOWER else event.date_lower.isoformat()

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_upper(self, event: Event) -> str | None:
        return None if event.date_upper == OPEN_UPPER else event.date_upper.isoformat()


class PublisherSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name", "url"]


class DocumentRefSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(
        source="publisher.name", allow_null=True, default=None
    )

    class Meta:
        model = Document
        fields = ["id", "title", "publisher", "url", "published_on"]


class SourceSerializer(serializers.ModelSerializer):
    document = DocumentRefSerializer()

    class Meta:
        model = Citation
        fields = ["document", "quote", "start", "end"]


class AmountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Amount
        fields = ["value", "currency", "text", "is_approximate"]


class EventEntitySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="entity.id")
    name = serializers.CharField(source="entity.name")
    kind = serializers.ChoiceField(source="entity.kind", choices=Entity.Kind.choices)
    wikidata_id = serializers.CharField(source="entity.wikidata_id")

    class Meta:
        model = EventEntity
        fields = ["id", "name", "kind", "role", "wikidata_id"]


class EventSerializer(serializers.ModelSerializer):
    """The published representation of an event."""

    url = serializers.SerializerMethodField(help_text="This event in the API.")
    kind = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    date = EventDateSerializer(source="*")
    amounts = AmountSerializer(many=True)
    entities = EventEntitySerializer(source="roles", many=True)
    sources = SourceSerializer(source="citations", many=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "key",
            "title",
            "summary",
            "kind",
            "date",
            "modality",
            "status",
            "amounts",
            "entities",
            "sources",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, event: Event) -> dict:
        """The declared fields, built directly by `event_representation`: DRF's
        generic field walk costs ~0.4 ms per event. Tests pin it to the fields."""
        return event_representation(event_row(event), url=self.get_url(event))

    @extend_schema_field(serializers.URLField())
    def get_url(self, event: Event) -> str:
        # Not HyperlinkedIdentityField: it would carry ?format=csv into exports.
        if not hasattr(self, "_detail_prefix"):
            self._detail_prefix = event_url_prefix(self.context.get("request"))
        return f"{self._detail_prefix}{event.pk}/"


_detail_paths: dict[str, str] = {}


def event_url_prefix(request=None) -> str:
    """The detail URL of event 0 without its "0/": a pattern, so reverse() runs
    once per script prefix rather than once per event or page. Absolute when
    there is a request."""
    script_prefix = get_script_prefix()
    path = _detail_paths.get(script_prefix)
    if path is None:
        path = _detail_paths[script_prefix] = reverse("api:event-detail", args=[0])[:-2]
    return request.build_absolute_uri(path) if request else path


def event_representation(row: dict, *, url: str) -> dict:
    """The published JSON of an event from its row (`selectors.event_row` or
    `selectors.event_rows_by_ids`): the one place the event format is spelt."""
    # Open ends are the stored extremes; no EDTF parse (about 1 ms) per row.
    lower, upper = row["date_lower"], row["date_upper"]
    return {
        "id": row["id"],
        "url": url,
        "key": row["key"],
        "title": row["title"],
        "summary": row["summary"],
        "kind": row["kind"],
        "date": {
            "edtf": row["date_edtf"],
            "display": row["date_display"],
            "text": row["date_text"],
            "lower": None if lower == OPEN_LOWER else lower.isoformat(),
            "upper": None if upper == OPEN_UPPER else upper.isoformat(),
            "precision": row["date_precision"],
        },
        "modality": row["modality"],
        "status": row["status"],
        "amounts": [
            {
                "value": str(a["value"]),
                "currency": a["currency"],
                "text": a["text"],
                "is_approximate": a["is_approximate"],
            }
            for a in row["amounts"]
        ],
        "entities": [
            {
                "id": e["id"],
                "name": e["name"],
                "kind": e["kind"],
                "role": e["role"],
                "wikidata_id": e["wikidata_id"],
            }
            for e in row["entities"]
        ],
        "sources": [
            {
                "document": {
                    "id": s["document_id"],
                    "title": s["title"],
                    "publisher": s["publisher"],
                    "url": s["url"],
                    "published_on": s["published_on"].isoformat()
                    if s["published_on"]
                    else None,
                },
                "quote": s["quote"],
                "start": s["start"],
                "end": s["end"],
            }
            for s in row["sources"]
        ],
        "updated_at": DATETIME.to_representation(row["updated_at"]),
        "version": row["version"],
    }


class EventWriteSerializer(serializers.Serializer):
    """Editable fields of an event. `version` is required on updates."""

    key = serializers.SlugField(max_length=100, required=False)
    title = serializers.CharField(max_length=300, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.SlugRelatedField(
        slug_field="slug", queryset=EventKind.objects.all(), required=False
    )
    date_edtf = serializers.CharField(
        max_length=100, required=False, help_text="EDTF, e.g. `2023-08`."
    )
    date_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    modality = serializers.ChoiceField(choices=Event.Modality.choices, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version the edit is based on (required for PUT/PATCH "
        "unless If-Match is sent); a stale one is a 409 Conflict.",
    )

    CREATE_REQUIRED = ("key", "title", "kind", "date_edtf")

    def validate_date_edtf(self, value: str) -> str:
        try:
            describe_edtf(value)
        except InvalidEdtf as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate(self, attrs):
        if self.instance is None:
            missing = [f for f in self.CREATE_REQUIRED if f not in attrs]
            if missing:
                raise serializers.ValidationError(
                    dict.fromkeys(missing, "This field is required.")
                )
        elif "version" not in attrs and not self.context.get("if_match"):
            raise serializers.ValidationError(
                {"version": "Send the version your edit is based on (or If-Match)."}
            )
        return attrs


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read; a stale one is a 409 Conflict.",
    )


BOM_HELP = (
    "With `format=csv`: `true` (or `1`) starts the file with a UTF-8 byte order "
    "mark, so that Excel reads its non-ASCII text (Chinese names, dashes) as "
    "UTF-8; default `false`. Any other value is a 400."
)


class CSVOptionsSerializer(serializers.Serializer):
    """The CSV export's own query parameters (the filters are the FilterSet's)."""

    bom = serializers.BooleanField(required=False, default=False, help_text=BOM_HELP)


class EventKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventKind
        fields = ["id", "slug", "name", "description"]


class DocumentSerializer(serializers.ModelSerializer):
    publisher = PublisherSerializer(allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "publisher",
            "author",
            "url",
            "language",
            "published_on",
            "source_name",
            "sha256",
        ]


class EntitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entity
        fields = ["id", "name", "kind", "aliases", "wikidata_id"]
