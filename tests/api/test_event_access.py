"""Who sees what, writes through the services, ETags, and anonymous throttling."""

from __future__ import annotations

import pytest
from django.db.models import F
from rest_framework.authtoken.models import Token

from tests.factories import EntityFactory, PublisherFactory, curator, editor, superuser
from timeline.models import Citation, Event

pytestmark = pytest.mark.django_db

EVENT_KEYS = {
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
}


def test_detail_has_the_contract_keys(api, make_event):
    event = make_event("2005/..", sources=1)
    data = api.get(f"/api/events/{event.pk}/").json()
    assert set(data) == EVENT_KEYS
    assert data["date"] == {
        "edtf": "2005/..",
        "display": "since 2005",
        "text": "",
        "lower": "2005-01-01",
        "upper": None,
        "precision": "interval",
    }
    assert set(data["sources"][0]) == {"document", "quote", "start", "end"}
    assert set(data["sources"][0]["document"]) == {
        "id",
        "title",
        "publisher",
        "url",
        "published_on",
    }


@pytest.mark.parametrize("status", ["draft", "in_review", "rejected"])
def test_unpublished_events_are_hidden_from_the_public(api, make_event, status):
    hidden = make_event("2023", status=status)
    assert api.get(f"/api/events/{hidden.pk}/").status_code == 404
    assert api.get("/api/events/").json()["results"] == []
    assert (
        hidden.title
        not in b"".join(api.get("/api/events/?format=csv").streaming_content).decode()
    )


def test_merged_away_events_are_not_listed(api, make_event):
    survivor = make_event("2023")
    merged = make_event("2023", merged_into=survivor)
    ids = [e["id"] for e in api.get("/api/events/").json()["results"]]
    assert ids == [survivor.pk]
    assert api.get(f"/api/events/{merged.pk}/").status_code == 404


def test_readers_with_permission_see_drafts_and_filter_by_status(
    api, make_event, staff_reader
):
    draft = make_event("2023", status="draft")
    make_event("2023")
    api.force_authenticate(staff_reader)
    body = api.get("/api/events/?status=draft").json()
    assert [e["id"] for e in body["results"]] == [draft.pk]
    assert api.get(f"/api/events/{draft.pk}/").status_code == 200


def test_etag_gives_304_on_list_and_detail(api, make_event):
    event = make_event("2023")
    for url in ("/api/events/", f"/api/events/{event.pk}/"):
        first = api.get(url)
        assert first.status_code == 200
        again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""


def test_etag_changes_when_the_event_changes(api, make_event):
    event = make_event("2023")
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    Event.objects.filter(pk=event.pk).update(title="Renamed")
    response = api.get(f"/api/events/{event.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200


@pytest.fixture
def a_curator(db):
    return curator()


def test_anonymous_writes_are_refused(api, make_event):
    event = make_event("2023")
    assert api.post("/api/events/", {"title": "x"}).status_code == 401
    assert api.patch(f"/api/events/{event.pk}/", {"title": "x"}).status_code == 401
    assert api.post(f"/api/events/{event.pk}/publish/").status_code == 401


def test_token_user_creates_a_draft_through_the_service(api, a_curator):
    token = Token.objects.create(user=a_curator)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(
        "/api/events/",
        {
            "key": "new-deal",
            "title": "New deal",
            "kind": "deal",
            "date_edtf": "2023-08",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    event = Event.objects.get(key="new-deal")
    assert event.history.first().history_user == a_curator


def test_create_with_a_bad_date_is_a_400(api, a_curator):
    api.force_authenticate(a_curator)
    response = api.post(
        "/api/events/",
        {"key": "bad", "title": "Bad", "kind": "deal", "date_edtf": "2023-13"},
        format="json",
    )
    assert response.status_code == 400
    assert "date_edtf" in response.json()


def test_stale_version_is_a_409_and_changes_nothing(api, make_event, a_curator):
    event = make_event("2023", status="draft")
    api.force_authenticate(a_curator)
    ok = api.patch(
        f"/api/events/{event.pk}/", {"title": "First", "version": 1}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["version"] == 2
    stale = api.patch(
        f"/api/events/{event.pk}/", {"title": "Second", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert "version" in stale.json()
    event.refresh_from_db()
    assert (event.title, event.version) == ("First", 2)


def test_stale_if_match_is_a_412_and_changes_nothing(api, make_event, a_curator):
    event = make_event("2023", status="draft")
    api.force_authenticate(a_curator)
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    Event.objects.filter(pk=event.pk).update(title="Changed elsewhere")
    response = api.patch(
        f"/api/events/{event.pk}/",
        {"title": "Mine", "version": 1},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 412
    event.refresh_from_db()
    assert event.title == "Changed elsewhere"


def test_current_if_match_is_accepted(api, make_event, a_curator):
    event = make_event("2023", status="draft")
    api.force_authenticate(a_curator)
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    response = api.patch(
        f"/api/events/{event.pk}/", {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.json()


def test_workflow_transitions_follow_the_review_rules(api, make_event, a_curator):
    event = make_event("2023", status="draft", sources=1)
    api.force_authenticate(a_curator)
    assert api.post(f"/api/events/{event.pk}/submit/").status_code == 200
    # A curator cannot publish: the service's permission check answers.
    assert api.post(f"/api/events/{event.pk}/publish/").status_code == 403
    api.force_authenticate(editor())
    assert api.post(f"/api/events/{event.pk}/publish/").json()["status"] == "published"
    # Publishing twice is an invalid transition: 409.
    assert api.post(f"/api/events/{event.pk}/publish/").status_code == 409
    reject = api.post(f"/api/events/{event.pk}/withdraw/", {"reason": "Wrong date"})
    assert reject.status_code == 200
    assert reject.json()["status"] != "published"


def test_reject_needs_a_reason(api, make_event):
    event = make_event("2023", status="in_review")
    api.force_authenticate(editor())
    response = api.post(f"/api/events/{event.pk}/reject/", {"reason": ""})
    assert response.status_code == 409
    assert "reason" in response.json()["status"][0]


def test_anonymous_clients_are_throttled_at_the_configured_rate(
    api, make_event, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    codes = [api.get("/api/kinds/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_other_endpoints_list_and_page(api, make_event):
    make_event("2023", sources=3)
    kinds = api.get("/api/kinds/?page_size=2").json()
    assert len(kinds["results"]) == 2 and kinds["next"]
    documents = api.get("/api/documents/").json()["results"]
    assert len(documents) == 3 and "text" not in documents[0]
    assert api.get("/api/entities/").status_code == 200
    assert api.get("/api/documents/?cursor=bad").status_code == 400


def test_public_sees_only_documents_and_entities_of_published_events(
    api, make_event, entity, staff_reader
):
    published = make_event("2023", sources=1, entity=entity)
    queued_entity = EntityFactory(name="Unreviewed Extracted Name")
    queued = make_event("2024", status="in_review", sources=1, entity=queued_entity)
    public_doc = published.citations.get().document
    queued_doc = queued.citations.get().document

    documents = {d["id"] for d in api.get("/api/documents/").json()["results"]}
    entities = {e["id"] for e in api.get("/api/entities/").json()["results"]}

    assert public_doc.pk in documents
    assert queued_doc.pk not in documents
    assert api.get(f"/api/documents/{queued_doc.pk}/").status_code == 404
    assert entity.pk in entities
    assert queued_entity.pk not in entities
    assert api.get(f"/api/entities/{queued_entity.pk}/").status_code == 404

    api.force_authenticate(staff_reader)
    documents = {d["id"] for d in api.get("/api/documents/").json()["results"]}
    entities = {e["id"] for e in api.get("/api/entities/").json()["results"]}
    assert {public_doc.pk, queued_doc.pk} <= documents
    assert {entity.pk, queued_entity.pk} <= entities


def test_delete_needs_the_delete_permission(api, make_event, a_curator):
    event = make_event("2023", sources=1)
    assert api.delete(f"/api/events/{event.pk}/").status_code == 401
    api.force_authenticate(a_curator)
    assert api.delete(f"/api/events/{event.pk}/").status_code == 403
    api.force_authenticate(editor())
    assert api.delete(f"/api/events/{event.pk}/").status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_delete_removes_the_event_and_keeps_its_history(api, make_event):
    event = make_event("2023", sources=2)
    citation_ids = list(event.citations.values_list("pk", flat=True))
    admin = superuser()
    api.force_authenticate(admin)
    response = api.delete(f"/api/events/{event.pk}/?version=1&reason=Duplicate")
    assert response.status_code == 204
    assert not Event.objects.filter(pk=event.pk).exists()
    last = Event.history.filter(id=event.pk).first()
    assert last.history_type == "-"
    assert (last.history_user, last.history_change_reason) == (
        admin,
        "Deleted: Duplicate",
    )
    gone = Citation.history.filter(id__in=citation_ids, history_type="-")
    assert gone.count() == 2
    assert api.get(f"/api/events/{event.pk}/").status_code == 404


def test_a_stale_delete_is_refused_and_deletes_nothing(api, make_event):
    event = make_event("2023")
    api.force_authenticate(superuser())
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    Event.objects.filter(pk=event.pk).update(title="Changed", version=2)
    assert api.delete(f"/api/events/{event.pk}/?version=1").status_code == 409
    stale_etag = api.delete(f"/api/events/{event.pk}/", HTTP_IF_MATCH=etag)
    assert stale_etag.status_code == 412
    assert api.delete(f"/api/events/{event.pk}/?version=x").status_code == 400
    assert Event.objects.filter(pk=event.pk).exists()


def test_an_event_others_were_merged_into_is_not_deleted(api, make_event):
    survivor = make_event("2023")
    make_event("2023", merged_into=survivor)
    api.force_authenticate(superuser())
    response = api.delete(f"/api/events/{survivor.pk}/")
    assert response.status_code == 409
    assert "merged into this one" in response.json()["detail"]
    assert Event.objects.filter(pk=survivor.pk).exists()


@pytest.fixture
def hidden_world(make_event, entity):
    """A published event and one in review, each with its own entity,
    document and publisher (the second ones tied to nothing public)."""
    public = make_event("2023", sources=1, entity=entity)
    hidden_entity = EntityFactory(name="Hidden Extracted Entity")
    hidden = make_event("2024", status="in_review", sources=1, entity=hidden_entity)
    hidden_doc = hidden.citations.get().document
    hidden_doc.publisher = PublisherFactory(name="Publisher Of A Queued Article")
    hidden_doc.save()
    public_doc = public.citations.get().document
    return {
        "public": {
            "entity": entity.pk,
            "document": public_doc.pk,
            "publisher": public_doc.publisher_id,
        },
        "hidden": {
            "entity": hidden_entity.pk,
            "document": hidden_doc.pk,
            "publisher": hidden_doc.publisher_id,
        },
        "hidden_event": hidden,
    }


ID_FILTERS = [
    ("/api/events/", "entity"),
    ("/api/events/", "document"),
    ("/api/events/", "publisher"),
    ("/api/documents/", "publisher"),
]


@pytest.mark.parametrize(("path", "name"), ID_FILTERS)
def test_a_hidden_id_answers_like_an_unknown_one(api, hidden_world, path, name):
    public = api.get(f"{path}?{name}={hidden_world['public'][name]}")
    assert public.status_code == 200 and public.json()["results"]
    hidden = api.get(f"{path}?{name}={hidden_world['hidden'][name]}")
    unknown = api.get(f"{path}?{name}=987654")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert set(hidden.json()) == {name}


@pytest.mark.parametrize(("path", "name"), ID_FILTERS)
def test_readers_who_may_see_drafts_filter_by_hidden_ids(
    api, hidden_world, staff_reader, path, name
):
    api.force_authenticate(staff_reader)
    response = api.get(f"{path}?{name}={hidden_world['hidden'][name]}")
    assert response.status_code == 200
    results = response.json()["results"]
    if path == "/api/events/":
        assert [e["id"] for e in results] == [hidden_world["hidden_event"].pk]
    else:
        assert [d["id"] for d in results] == [hidden_world["hidden"]["document"]]


@pytest.mark.parametrize("path", ["/api/events/", "/api/documents/"])
def test_the_browsable_filter_forms_list_only_what_the_reader_may_see(
    api, hidden_world, staff_reader, path
):
    html = api.get(path, HTTP_ACCEPT="text/html").content.decode()
    assert "Publisher Of A Queued Article" not in html
    assert "Hidden Extracted Entity" not in html
    api.force_authenticate(staff_reader)
    html = api.get(path, HTTP_ACCEPT="text/html").content.decode()
    assert "Publisher Of A Queued Article" in html


@pytest.fixture
def changed_right_after_the_check(monkeypatch):
    """Another writer changes the event between the If-Match check and the
    write: the window a check outside the write's lock leaves open."""
    from timeline.api.views import EventViewSet

    check = EventViewSet._check_if_match

    def check_then_race(self, event):
        result = check(self, event)
        Event.objects.filter(pk=event.pk).update(
            title="Changed meanwhile", version=F("version") + 1
        )
        return result

    monkeypatch.setattr(EventViewSet, "_check_if_match", check_then_race)


@pytest.mark.parametrize(
    ("method", "suffix", "data", "status"),
    [
        ("patch", "", {"title": "Mine"}, "draft"),
        ("post", "submit/", {}, "draft"),
        ("post", "reject/", {"reason": "Duplicate"}, "in_review"),
        ("delete", "", None, "draft"),
    ],
    ids=["patch", "submit", "reject", "delete"],
)
def test_an_if_match_gone_stale_during_the_write_is_a_412(
    api, make_event, changed_right_after_the_check, method, suffix, data, status
):
    event = make_event("2023", status=status)
    api.force_authenticate(superuser())
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    response = getattr(api, method)(
        f"/api/events/{event.pk}/{suffix}", data, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412, response.content
    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.status, stored.version) == (
        "Changed meanwhile",
        status,
        2,
    )


def test_a_stale_version_with_a_current_if_match_is_a_409(api, make_event):
    event = make_event("2023", status="draft")
    api.force_authenticate(superuser())
    Event.objects.filter(pk=event.pk).update(version=3)
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    response = api.patch(
        f"/api/events/{event.pk}/",
        {"title": "Mine", "version": 1},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 409
    assert set(response.json()) == {"version"}


def test_a_stale_if_match_wins_over_a_stale_version(api, make_event):
    event = make_event("2023", status="draft")
    api.force_authenticate(superuser())
    etag = api.get(f"/api/events/{event.pk}/")["ETag"]
    Event.objects.filter(pk=event.pk).update(title="Changed", version=2)
    response = api.post(
        f"/api/events/{event.pk}/submit/", {"version": 1}, HTTP_IF_MATCH=etag
    )
    assert response.status_code == 412
