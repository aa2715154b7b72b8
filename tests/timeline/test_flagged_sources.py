"""Sources the ingest adds to events already on the timeline (`needs_review`):
hidden from the public until an editor accepts them, one by one in the review
queue or by publishing their event; a wrong one can be detached."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    UserFactory,
    curator,
    editor,
)
from timeline.models import Citation, Event
from timeline.services import review

pytestmark = pytest.mark.django_db

S = Event.Status


@pytest.fixture
def published(db):
    """A published event with its curated source and a new, flagged one from
    an article nothing else cites."""
    event = EventFactory(status=S.PUBLISHED, date_edtf="2023-09-04", title="Deal")
    reviewed = CitationFactory(event=event)
    flagged = CitationFactory(
        event=event,
        document=DocumentFactory(
            title="Newly ingested",
            text="Wire copy\n\nThe partners named the drug zanubrutinib. More.\n",
        ),
        needs_review=True,
    )
    return event, reviewed, flagged


def source_ids(body: dict) -> set[int]:
    return {s["document"]["id"] for s in body["sources"]}


@pytest.mark.parametrize(
    "query",
    ["date=2023", "date=2023&q=Deal"],  # the lean path, then the DRF viewset
    ids=["lean", "full"],
)
def test_the_public_does_not_see_a_flagged_source(published, query):
    event, reviewed, flagged = published
    api = APIClient()
    (listed,) = api.get(f"/api/events/?{query}").json()["results"]
    assert source_ids(listed) == {reviewed.document_id}
    detail = api.get(f"/api/events/{event.pk}/").json()
    assert source_ids(detail) == {reviewed.document_id}


def test_exports_documents_and_filters_leave_flagged_sources_out(published):
    event, reviewed, flagged = published
    api = APIClient()
    export = api.get("/api/events/?format=csv")
    text = b"".join(export.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["sources_count"] for row in rows] == ["1"]
    documents = [d["id"] for d in api.get("/api/documents/").json()["results"]]
    assert documents == [reviewed.document_id]
    # A document only flagged sources cite is hidden: the same 400 as an
    # unknown id, so the filter does not reveal that it exists.
    by_document = api.get(f"/api/events/?document={flagged.document_id}")
    unknown = api.get("/api/events/?document=999999")
    assert by_document.status_code == unknown.status_code == 400
    assert by_document.json() == {
        "document": [
            m.replace("999999", str(flagged.document_id))
            for m in unknown.json()["document"]
        ]
    }
    assert "zanubrutinib" in flagged.quote
    assert api.get("/api/events/?q=zanubrutinib").json()["results"] == []


def test_readers_who_may_see_unpublished_events_see_flagged_sources(published):
    event, reviewed, flagged = published
    reader = UserFactory(username="reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_event"))
    api = APIClient()
    api.force_login(reader)
    detail = api.get(f"/api/events/{event.pk}/").json()
    assert source_ids(detail) == {reviewed.document_id, flagged.document_id}


def test_an_editor_accepts_a_flagged_source_and_the_history_says_so(published):
    event, _, flagged = published
    user = editor()
    review.citation_accept(citation=flagged, user=user)
    flagged.refresh_from_db()
    assert not flagged.needs_review
    last = flagged.history.first()
    assert (last.history_user, last.history_change_reason) == (user, "Source accepted")
    detail = APIClient().get(f"/api/events/{event.pk}/").json()
    assert flagged.document_id in source_ids(detail)
    with pytest.raises(review.InvalidTransition):
        review.citation_accept(citation=flagged, user=user)


def test_a_curator_cannot_accept_or_detach_sources(published):
    _, _, flagged = published
    with pytest.raises(PermissionDenied):
        review.citation_accept(citation=flagged, user=curator())
    with pytest.raises(PermissionDenied):
        review.citation_detach(citation=flagged, user=curator())
    assert Citation.objects.get(pk=flagged.pk).needs_review


def test_detaching_removes_the_source_but_never_the_last_one(published):
    event, reviewed, flagged = published
    user = editor()
    review.citation_detach(citation=flagged, user=user, reason="Another deal.")
    assert list(event.citations.all()) == [reviewed]
    deleted = Citation.history.filter(id=flagged.pk).first()
    assert deleted.history_type == "-"
    assert deleted.history_change_reason == "Source detached: Another deal."
    with pytest.raises(review.InvalidTransition, match="only source"):
        review.citation_detach(citation=reviewed, user=user)
    assert event.citations.count() == 1


@pytest.mark.parametrize("bulk", [False, True], ids=["one", "bulk"])
def test_publishing_an_event_accepts_the_sources_its_review_showed(bulk):
    event = EventFactory(status=S.IN_REVIEW)
    flagged = CitationFactory(event=event, needs_review=True)
    if bulk:
        review.events_publish(events=[event], user=editor())
    else:
        review.event_publish(event=event, user=editor())
    flagged.refresh_from_db()
    assert not flagged.needs_review
    assert flagged.history.first().history_change_reason == (
        "Source accepted with its event"
    )


def test_review_queue_lists_new_sources_and_acts_on_them(client, published):
    event, reviewed, flagged = published
    other = CitationFactory(event=event, needs_review=True)
    client.force_login(editor())
    url = reverse("admin:timeline_event_review")
    page = client.get(url).content.decode()
    assert "2 new sources on published events" in page
    assert f'name="accept_source" value="{flagged.pk}"' in page
    assert "Newly ingested" in page

    client.post(url, {"accept_source": flagged.pk})
    client.post(url, {"detach_source": other.pk, f"source_reason_{other.pk}": "No"})

    assert not Citation.objects.get(pk=flagged.pk).needs_review
    assert not Citation.objects.filter(pk=other.pk).exists()
    assert "New sources on published events" not in client.get(url).content.decode()


def test_review_queue_shows_curators_new_sources_without_buttons(client, published):
    _, _, flagged = published
    client.force_login(curator())
    url = reverse("admin:timeline_event_review")
    page = client.get(url).content.decode()
    assert "New sources on published events" in page
    assert "accept_source" not in page
    client.post(url, {"accept_source": flagged.pk})
    assert Citation.objects.get(pk=flagged.pk).needs_review
