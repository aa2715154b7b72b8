"""Nothing reaches the public without an editor: curators' changes to published
events wait as revisions, sources stay reviewed, and revert restores everything."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import (
    AmountFactory,
    CitationFactory,
    EntityFactory,
    EventEntityFactory,
    EventFactory,
    admin_form_data,
    curator,
    editor,
)
from timeline.models import Amount, Citation, Event, EventRevision
from timeline.services import review, revisions
from timeline.services.events import event_merge, event_update

pytestmark = pytest.mark.django_db

S = Event.Status


def public_state() -> dict:
    """Everything an anonymous reader can get from the API."""
    anonymous = APIClient()
    state = {}
    for url in (
        "/api/events/?page_size=500",
        "/api/documents/?page_size=500",
        "/api/entities/?page_size=500",
        "/api/kinds/",
    ):
        response = anonymous.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, url
        state[url] = json.loads(response.content)
    for event in Event.objects.published():
        state[event.pk] = anonymous.get(f"/api/events/{event.pk}/").json()
    return state


@pytest.fixture
def world():
    """A published event with a source, an amount, an entity and a flagged new
    source; an unreviewed extracted event with its own source and amount."""
    live = EventFactory(status=S.PUBLISHED, title="Live title", summary="Live.")
    CitationFactory(event=live)
    flagged = CitationFactory(event=live, needs_review=True)
    AmountFactory(event=live)
    EventEntityFactory(event=live, entity=EntityFactory(name="Live Co"))
    unreviewed = EventFactory(
        status=S.IN_REVIEW, origin=Event.Origin.EXTRACTED, title="Machine made"
    )
    hidden = CitationFactory(event=unreviewed)
    AmountFactory(event=unreviewed, value=99, text="99 yuan")
    return {
        "live": live,
        "flagged": flagged,
        "unreviewed": unreviewed,
        "hidden": hidden,
    }


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


# -- the event form: a published event's edit waits, the live version stays --


def test_curator_edit_of_published_event_keeps_it_live_and_waits_for_review(world):
    live = world["live"]
    before = public_state()
    client = admin_client(curator())
    data = admin_form_data(client.get(change_url(live)))
    data["title"] = "Curator's title"
    data["amounts-0-value"] = "123"
    data["amounts-0-text"] = "123 yuan"
    response = client.post(change_url(live), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert public_state() == before  # nothing public changed, not even the link
    stored = Event.objects.get(pk=live.pk)
    assert (stored.status, stored.title) == (S.PUBLISHED, "Live title")
    revision = EventRevision.objects.get(event=live)
    assert revision.status == EventRevision.Status.PENDING
    assert revision.proposed["fields"]["title"] == "Curator's title"

    # The admin shows both versions with a diff: the event page and the queue.
    page = client.get(change_url(live)).content.decode()
    assert "Changes waiting for an editor" in page and "Curator&#x27;s title" in page
    queue = admin_client(editor()).get(reverse("admin:timeline_event_review"))
    assert f'name="publish_revision" value="{revision.pk}"' in queue.content.decode()


def test_editor_publishing_the_revision_replaces_the_live_version(world):
    live = world["live"]
    revision = event_update(
        event=live, data={"title": "Better"}, user=curator(), expected_version=1
    ).pending_revision
    client = admin_client(editor())
    client.post(
        reverse("admin:timeline_event_review"), {"publish_revision": revision.pk}
    )
    stored = Event.objects.get(pk=live.pk)
    assert (stored.title, stored.status, stored.version) == ("Better", S.PUBLISHED, 2)
    assert APIClient().get(f"/api/events/{live.pk}/").json()["title"] == "Better"
    revision.refresh_from_db()
    assert revision.status == EventRevision.Status.PUBLISHED
    assert stored.history.first().history_change_reason.startswith(
        f"Published revision #{revision.pk}"
    )


def test_rejecting_the_revision_keeps_the_live_version(world):
    live = world["live"]
    revision = event_update(
        event=live, data={"title": "Worse"}, user=curator(), expected_version=1
    ).pending_revision
    with pytest.raises(revisions.ValidationError, match="reason"):
        revisions.revision_reject(revision=revision, user=editor(), reason=" ")
    revisions.revision_reject(revision=revision, user=editor(), reason="Not better")
    assert Event.objects.get(pk=live.pk).title == "Live title"
    with pytest.raises(revisions.ValidationError, match="already rejected"):
        revisions.revision_publish(revision=revision, user=editor())


def test_only_editors_publish_revisions(world):
    revision = event_update(
        event=world["live"], data={"title": "X"}, user=curator(), expected_version=1
    ).pending_revision
    with pytest.raises(revisions.PermissionDenied):
        revisions.revision_publish(revision=revision, user=curator())


def test_revision_keeps_what_others_changed_meanwhile(world):
    live = world["live"]
    revision = event_update(
        event=live, data={"title": "Curator title"}, user=curator(), expected_version=1
    ).pending_revision
    event_update(
        event=live,
        data={"summary": "Editor summary."},
        user=editor(),
        expected_version=1,
    )
    revisions.revision_publish(revision=revision, user=editor())
    stored = Event.objects.get(pk=live.pk)
    assert (stored.title, stored.summary) == ("Curator title", "Editor summary.")


def test_api_patch_by_curator_on_published_event_is_accepted_for_review(world):
    live = world["live"]
    before = public_state()
    api = APIClient()
    api.force_authenticate(curator())
    response = api.patch(
        f"/api/events/{live.pk}/", {"title": "Via API", "version": 1}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["event"]["title"] == "Live title"
    assert EventRevision.objects.get(pk=body["revision"]).event_id == live.pk
    assert public_state() == before


# -- sources -------------------------------------------------------------------


def test_curator_cannot_accept_a_flagged_source_in_the_citation_admin(world):
    flagged = world["flagged"]
    client = admin_client(curator())
    data = admin_form_data(client.get(change_url(flagged)))
    data.pop("needs_review", None)  # untick
    client.post(change_url(flagged), data)
    assert Citation.objects.get(pk=flagged.pk).needs_review


def test_curator_cannot_accept_a_flagged_source_in_the_event_inline(world):
    live = world["live"]
    client = admin_client(curator())
    data = admin_form_data(client.get(change_url(live)))
    for key in [k for k in data if k.endswith("needs_review")]:
        del data[key]
    client.post(change_url(live), data)
    assert Citation.objects.get(pk=world["flagged"].pk).needs_review
    assert not EventRevision.objects.exists()


def test_source_from_an_unpublished_document_added_by_curator_waits(world):
    live, hidden = world["live"], world["hidden"]
    before = public_state()
    client = admin_client(curator())
    add = reverse("admin:timeline_citation_add")
    response = client.post(
        add, {"event": live.pk, "document": hidden.document_id, "quote": hidden.quote}
    )
    assert response.status_code == 302
    assert public_state() == before
    assert not Citation.objects.filter(event=live, document=hidden.document).exists()
    revision = EventRevision.objects.get(event=live)
    assert {c["document"] for c in revision.proposed["citations"]} >= {
        hidden.document_id
    }


@pytest.mark.parametrize("role", ["curator", "editor"])
def test_nobody_deletes_the_last_accepted_source_of_a_published_event(world, role):
    live = world["live"]
    accepted = live.citations.get(needs_review=False)
    user = curator() if role == "curator" else editor()
    client = admin_client(user)
    delete = reverse("admin:timeline_citation_delete", args=[accepted.pk])
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 403
    assert Citation.objects.filter(pk=accepted.pk).exists()

    data = admin_form_data(client.get(change_url(live)))
    index = next(
        k.split("-")[1]
        for k, v in data.items()
        if k.startswith("citations-") and k.endswith("-id") and v == accepted.pk
    )
    data[f"citations-{index}-DELETE"] = "on"
    response = client.post(change_url(live), data)
    assert response.status_code == 200
    assert "needs at least one accepted source" in response.content.decode()
    assert Citation.objects.filter(pk=accepted.pk).exists()


def test_curator_change_to_a_published_amount_in_the_amount_admin_waits(world):
    amount = world["live"].amounts.get()
    client = admin_client(curator())
    data = admin_form_data(client.get(change_url(amount)))
    data["value"] = "1"
    client.post(change_url(amount), data)
    assert Amount.objects.get(pk=amount.pk).value == amount.value
    revision = EventRevision.objects.get(event=world["live"])
    assert [a["value"] for a in revision.proposed["amounts"]] == ["1.0000"]


# -- merge -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["curator", "editor"])
def test_merging_an_unreviewed_event_into_a_published_one_publishes_nothing(
    world, role
):
    live, unreviewed = world["live"], world["unreviewed"]
    before = public_state()
    user = curator() if role == "curator" else editor()
    report = event_merge(survivor=live, others=[unreviewed], user=user)
    assert public_state() == before
    assert Event.objects.get(pk=unreviewed.pk).merged_into_id == live.pk
    assert report.revision is not None
    revisions.revision_publish(revision=report.revision, user=editor())
    shown = APIClient().get(f"/api/events/{live.pk}/").json()
    assert world["hidden"].quote in [s["quote"] for s in shown["sources"]]
    assert "99 yuan" in [a["text"] for a in shown["amounts"]]


# -- publishing needs a source ------------------------------------------------------


def test_an_event_without_a_source_is_neither_submitted_nor_published():
    draft, waiting = EventFactory(), EventFactory(status=S.IN_REVIEW)
    with pytest.raises(review.InvalidTransition, match="no source"):
        review.event_submit(event=draft, user=editor())
    with pytest.raises(review.InvalidTransition, match="no source"):
        review.event_publish(event=waiting, user=editor())
    result = review.events_publish(events=[waiting], user=editor())
    assert result.skipped and not result.changed
    queue = admin_client(editor()).get(reverse("admin:timeline_event_review"))
    assert f'name="publish_one" value="{waiting.pk}"' not in queue.content.decode()


# -- revert ---------------------------------------------------------------------------


def test_revert_restores_sources_amounts_and_entity_links():
    event = EventFactory(title="First")
    source = CitationFactory(event=event)
    AmountFactory(event=event, text="10 billion yuan")
    role = EventEntityFactory(event=event)
    user = editor()
    event_update(event=event, data={"title": "Second"}, user=user, expected_version=1)
    target = event.history.order_by("-history_date").first()  # "Second"

    Amount.objects.filter(event=event).delete()
    role.delete()
    CitationFactory(event=event, sentence=1)
    event_update(event=event, data={"title": "Third"}, user=user, expected_version=2)

    client = admin_client(user)
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, target.pk])
    response = client.post(url, admin_form_data(client.get(url)))
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.title == "Second"
    assert [(c.document_id, c.start, c.end) for c in event.citations.all()] == [
        (source.document_id, source.start, source.end)
    ]
    assert [a.text for a in event.amounts.all()] == ["10 billion yuan"]
    assert [(r.entity_id, r.role) for r in event.roles.all()] == [
        (role.entity_id, role.role)
    ]


def test_curator_revert_of_a_published_event_waits_as_a_revision(world):
    live, user = world["live"], editor()
    event_update(event=live, data={"title": "Edited"}, user=user, expected_version=1)
    target = live.history.order_by("-history_date").first()
    event_update(event=live, data={"title": "Again"}, user=user, expected_version=2)
    client = admin_client(curator())
    url = reverse("admin:timeline_event_simple_history", args=[live.pk, target.pk])
    client.post(url, admin_form_data(client.get(url)))
    assert Event.objects.get(pk=live.pk).title == "Again"
    revision = EventRevision.objects.get(event=live)
    assert revision.proposed["fields"]["title"] == "Edited"


# -- a walk over every admin page and API write -----------------------------------


def mutated(data: dict) -> dict:
    """The form as a careless or hostile user would send it back: every text
    changed, every box unticked, every inline row marked for deletion."""
    out = {}
    kept = ("_FORMS", "expected_version", "-id")
    for key, value in data.items():
        if key.endswith(kept):
            out[key] = value
        elif key.endswith("needs_review") or value is True:
            continue
        elif isinstance(value, str) and not value.isdigit():
            out[key] = value + " changed"
        else:
            out[key] = value
        if key.endswith("-id"):
            out[key.removesuffix("-id") + "-DELETE"] = "on"
    return out


def walk_admin(client, world) -> None:
    from django.contrib import admin

    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        client.get(reverse(f"{name}_changelist"))
        for obj in model._default_manager.all()[:20]:
            url = reverse(f"{name}_change", args=[obj.pk])
            page = client.get(url)
            if page.status_code == 200 and page.context and "adminform" in page.context:
                client.post(url, mutated(admin_form_data(page)))
            client.post(reverse(f"{name}_delete", args=[obj.pk]), {"post": "yes"})
    live, hidden = world["live"], world["hidden"]
    client.post(
        reverse("admin:timeline_citation_add"),
        {"event": live.pk, "document": hidden.document_id, "quote": hidden.quote},
    )
    client.post(
        reverse("admin:timeline_amount_add"),
        {"event": live.pk, "value": "5", "currency": "USD", "text": "5 dollars"},
    )
    changelist = reverse("admin:timeline_event_changelist")
    ids = list(Event.objects.values_list("pk", flat=True))
    for action in ("publish", "withdraw", "submit_for_review", "delete_selected"):
        client.post(
            changelist,
            {"action": action, "_selected_action": ids, "post": "yes", "apply": "1"},
        )
    client.post(
        changelist,
        {
            "action": "merge",
            "_selected_action": ids,
            "apply": "1",
            "survivor": live.pk,
        },
    )
    review_url = reverse("admin:timeline_event_review")
    for citation in Citation.objects.all():
        client.post(review_url, {"accept_source": citation.pk})
    for event_id in ids:
        client.post(review_url, {"publish_one": event_id, f"version_{event_id}": 1})
    for revision in EventRevision.objects.all():
        client.post(review_url, {"publish_revision": revision.pk})


def walk_api(api, world) -> None:
    for event in Event.objects.all():
        url = f"/api/events/{event.pk}/"
        body = {"title": "API change", "summary": "x", "version": event.version}
        api.patch(url, body, format="json")
        api.put(
            url,
            {**body, "key": event.key, "kind": "plan", "date_edtf": "2020"},
            format="json",
        )
        for action in ("publish", "withdraw", "submit", "reject"):
            api.post(f"{url}{action}/", {"reason": "walk"}, format="json")
        api.delete(f"{url}?version={event.version}")
    api.post(
        "/api/events/",
        {"key": "new-one", "title": "New", "kind": "plan", "date_edtf": "2020"},
        format="json",
    )


def test_a_curator_walking_every_admin_page_and_api_write_changes_nothing_public(
    world,
):
    before = public_state()
    user = curator()
    walk_admin(admin_client(user), world)
    api = APIClient()
    api.force_authenticate(user)
    walk_api(api, world)
    assert public_state() == before
    assert EventRevision.objects.filter(status="pending").exists()


def test_the_same_walk_as_an_editor_does_change_public_content(world):
    # The walk is strong enough to change public content when allowed to.
    before = public_state()
    walk_admin(admin_client(editor()), world)
    assert public_state() != before
