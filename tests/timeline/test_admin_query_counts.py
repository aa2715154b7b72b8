"""The event list, review queue and change forms run a fixed number of
queries whatever the page holds (sixty events shared by the module's tests)."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EventEntityFactory,
    EventFactory,
)
from tests.shared_rows import shared_rows
from timeline.admin.events import REVIEW_SHOWN
from timeline.models import Citation, Entity, Event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/timeline/event/"


@shared_rows
def many():
    """Enough events for several pages, each with a source and an entity."""
    document = DocumentFactory()
    for i in range(60):
        event = EventFactory(date_edtf=f"20{10 + i % 10}", title=f"Event {i} 药监局")
        CitationFactory(event=event, document=document)
        EventEntityFactory(event=event)
    return document


# Session, user, the count, the page's ids, its rows, the in-review count,
# the year filter's two ends, the kinds and publishers of the filters.
CHANGELIST_QUERIES = 10


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ("", 0),
        ("p=2", 0),
        # One page only: the rows are read without their ids first, -1.
        ("year=2013", -1),
        ("kind__id__exact=1", 0),
        ("status__exact=draft", 0),
        ("modality__exact=planned", -1),
        ("date_precision__exact=year", 0),
        ("origin__exact=curated", 0),
        ("merged=no", 0),
        ("o=2", 0),
        # The publisher's citations, looked up first (few): +1.
        ("publisher=PUBLISHER", 1),
        # Full-text candidates on SQLite: +1 per word.
        ("q=药监局", "sqlite"),
        ("q=Event+药监局", "sqlite2"),
    ],
)
def test_changelist_runs_a_fixed_number_of_queries(
    many, admin_client_, django_assert_num_queries, query, extra
):
    query = query.replace("PUBLISHER", str(many.publisher_id))
    if isinstance(extra, str):
        words = 2 if extra == "sqlite2" else 1
        extra = words if connection.vendor == "sqlite" else 0
    if query in ("", "p=2", "o=2") and connection.vendor == "postgresql":
        extra += 1  # the planner's row estimate first (EstimatedCountPaginator)
    admin_client_.get(CHANGELIST + "?" + query)
    with django_assert_num_queries(CHANGELIST_QUERIES + extra):
        response = admin_client_.get(CHANGELIST + "?" + query)
    assert response.status_code == 200


def test_review_queue_runs_a_fixed_number_of_queries(
    many, admin_client_, django_assert_num_queries
):
    Event.objects.update(status=Event.Status.IN_REVIEW)
    Citation.objects.filter(pk__in=Citation.objects.values("pk")[:5]).update(
        needs_review=True
    )
    # New sources on published events: a section of their own.
    published = Event.objects.order_by("pk")[:3]
    Event.objects.filter(pk__in=published).update(status=Event.Status.PUBLISHED)
    Citation.objects.filter(event__in=published).update(needs_review=True)
    url = reverse("admin:timeline_event_review")
    admin_client_.get(url)
    # Session, user, the events, their citations, amounts and roles, the
    # flagged sources' ids (their count) and rows, pending revisions, the
    # waiting count.
    with django_assert_num_queries(10):
        response = admin_client_.get(url)
    assert response.status_code == 200
    # 57 wait; the first REVIEW_SHOWN show.
    assert [e.pk for e, *_ in response.context["items"]] == list(
        Event.objects.awaiting_review().values_list("pk", flat=True)[:REVIEW_SHOWN]
    )
    assert REVIEW_SHOWN < 57
    assert "57 events waiting for review" in response.content.decode()
    assert f"the first {REVIEW_SHOWN} below" in response.content.decode()
    # Links reversed once per page, to the right rows.
    event, _, sources = response.context["items"][0]
    citation = sources[0][0]
    content = response.content.decode()
    assert f'id="review-{event.pk}"' in content
    event_url = reverse("admin:timeline_event_change", args=[event.pk])
    document_url = reverse("admin:corpus_document_change", args=[citation.document_id])
    assert f'href="{event_url}"' in content
    assert f'href="{document_url}"' in content
    source = response.context["flagged"][0][0]
    assert f'name="accept_source" value="{source.pk}"' in content
    assert response.context["flagged_count"] == 3
    assert [c.event_id for c, *_ in response.context["flagged"]] == [
        e.pk for e in published
    ]


# The autocomplete widgets of its source and entity rows read no row again.
EVENT_FORM_QUERIES = 10


@pytest.mark.parametrize(
    ("model", "queries"),
    [("event", EVENT_FORM_QUERIES), ("document", 5), ("entity", 3)],
)
def test_change_forms_run_a_fixed_number_of_queries(
    many, admin_client_, django_assert_num_queries, model, queries
):
    obj = {
        "event": lambda: Event.objects.first(),
        "document": lambda: many,
        "entity": lambda: Entity.objects.first(),
    }[model]()
    app = "corpus" if model == "document" else "timeline"
    url = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    admin_client_.get(url)
    with django_assert_num_queries(queries):
        response = admin_client_.get(url)
    assert response.status_code == 200


def test_document_change_form_shows_the_first_citations_and_links_the_rest(
    many, admin_client_, monkeypatch
):
    monkeypatch.setattr("timeline.admin.documents.CITATIONS_SHOWN", 5)
    response = admin_client_.get(
        reverse("admin:corpus_document_change", args=[many.pk])
    )
    content = response.content.decode()
    assert "The first 5 of 60 citations" in content
    assert f"document__id__exact={many.pk}" in content
    assert content.count('<li><a href="/admin/timeline/event/') == 5


def test_event_change_form_queries_do_not_grow_with_its_sources_and_entities(
    many, admin_client_, django_assert_num_queries
):
    """Django's autocomplete widget reads its selected row again: one query
    per citation and per entity. The inlines render the rows they read."""
    event = Event.objects.first()
    for _ in range(4):
        CitationFactory(event=event, document=DocumentFactory())
        EventEntityFactory(event=event)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    admin_client_.get(url)
    with django_assert_num_queries(EVENT_FORM_QUERIES):
        response = admin_client_.get(url)
    content = response.content.decode()
    for citation in event.citations.select_related("document"):
        assert f'<option value="{citation.document_id}" selected>' in content
        assert str(citation.document) in content
    for link in event.roles.select_related("entity"):
        assert f'<option value="{link.entity_id}" selected>{link.entity}</option>' in (
            content
        )


def test_row_autocomplete_renders_what_djangos_widget_renders(many):
    from django.contrib import admin as django_admin
    from django.contrib.admin.widgets import AutocompleteSelect

    from corpus.admin import RowAutocompleteSelect
    from timeline.models import EventEntity

    link = EventEntity.objects.select_related("entity").first()
    field = EventEntity._meta.get_field("entity")
    ours = RowAutocompleteSelect(field, django_admin.site)
    ours.row = link.entity
    theirs = AutocompleteSelect(field, django_admin.site)
    for widget in (ours, theirs):
        widget.choices = field.formfield().choices
        widget.is_required = True
    assert ours.render("entity", link.entity_id) == theirs.render(
        "entity", link.entity_id
    )
