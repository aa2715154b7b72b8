"""Audit history: every change is traced (who, when, what, why) and can be undone."""

import pytest
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    EventFactory,
    SourcedEventFactory,
    admin_form_data,
    curator,
    editor,
    superuser,
)
from timeline.models import Citation, Event
from timeline.services import review
from timeline.services.events import event_update

pytestmark = pytest.mark.django_db


def test_history_records_a_status_change_with_its_reason():
    event = SourcedEventFactory(status=Event.Status.IN_REVIEW)
    user = editor()
    review.event_reject(event=event, user=user, reason="No source gives a date.")
    record = event.history.first()
    previous = record.prev_record
    delta = record.diff_against(previous)
    assert {c.field: (c.old, c.new) for c in delta.changes}["status"] == (
        "in_review",
        "rejected",
    )
    assert record.history_user == user
    assert record.history_change_reason == "Rejected: No source gives a date."


def test_revert_in_the_admin_restores_a_previous_date(client):
    event = SourcedEventFactory(date_edtf="2023-09-04")
    user = curator()
    event_update(event=event, data={"date_edtf": "2024"}, user=user, expected_version=1)
    old = event.history.get(version=1)
    client.force_login(user)
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, old.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = admin_form_data(response)
    assert data["date_edtf"] == "2023-09-04"
    assert data["expected_version"] == 2  # the stored version, not the old one
    response = client.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.date_edtf, event.date_lower.isoformat(), event.version) == (
        "2023-09-04",
        "2023-09-04",
        3,
    )
    latest = event.history.first()
    assert latest.history_user == user
    assert latest.history_change_reason.startswith("Reverted to the version of")


def test_revert_never_changes_the_review_status(client):
    event = SourcedEventFactory()
    user = editor()
    review.event_submit(event=event, user=user)
    review.event_publish(event=event, user=user)
    first = event.history.order_by("history_date")[1]  # status in_review
    client.force_login(user)
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, first.pk])
    response = client.post(url, admin_form_data(client.get(url)))
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_history_page_lists_versions_and_source_changes(client):
    event = EventFactory()
    citation = CitationFactory(event=event)
    citation.delete()
    CitationFactory(event=event)  # submitting needs a source
    review.event_submit(event=event, user=curator(), note="ready")
    client.force_login(superuser())
    response = client.get(reverse("admin:timeline_event_history", args=[event.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Submitted for review: ready" in content
    assert "Sources, amounts and entities of this event" in content
    assert content.count("Citation:") == 3  # created, deleted; the second created
    assert not Citation.objects.filter(pk=citation.pk).exists()


def test_inline_citation_changes_are_attributed_to_the_admin_user(client):
    event = EventFactory()
    citation = CitationFactory(event=event)
    user = curator()
    client.force_login(user)
    url = reverse("admin:timeline_event_change", args=[event.pk])
    data = admin_form_data(client.get(url))
    data["citations-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    deleted = Citation.history.filter(id=citation.pk, history_type="-").get()
    assert deleted.history_user == user
