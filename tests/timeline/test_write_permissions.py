"""Every write is permission-checked: paths outside the workflow actions.

The admin's revert form (django-simple-history) is open to anyone who may
view a row; saving it must still need the permission to change that row.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from corpus.models import Document, IngestRun
from tests.factories import (
    AmountFactory,
    EntityFactory,
    SourcedEventFactory,
    UserFactory,
    admin_form_data,
    curator,
    editor,
)
from timeline.models import Entity, Event, EventEntity
from timeline.services import review, revisions
from timeline.services.events import event_merge, event_update
from timeline.services.ingest import ArticleInput, documents_ingest

pytestmark = pytest.mark.django_db


def viewer(*codenames: str):
    """A staff user holding only these (view) permissions."""
    user = UserFactory(username="viewer")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def _redated_event() -> tuple[Event, object]:
    event = SourcedEventFactory(date_edtf="2023-09-04")
    event_update(
        event=event, data={"date_edtf": "2024"}, user=curator(), expected_version=1
    )
    return event, event.history.get(version=1)


def _revert_form(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200  # viewing an old version stays allowed
    return admin_form_data(response)


def test_a_view_only_user_cannot_revert_an_event_in_the_admin(client):
    event, old = _redated_event()
    client.force_login(viewer("view_event"))
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, old.pk])
    response = client.post(url, _revert_form(client, url))
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.date_edtf, event.version) == ("2024", 2)


@pytest.mark.parametrize(
    ("factory", "field", "permission"),
    [
        (lambda: EntityFactory(name="Old"), "name", "view_entity"),
        (lambda: AmountFactory(text="Old"), "text", "view_amount"),
    ],
    ids=["entity", "amount"],
)
def test_a_view_only_user_cannot_revert_a_row_in_the_admin(
    client, factory, field, permission
):
    row = factory()
    setattr(row, field, "New")
    row.save()
    old = row.history.order_by("history_id").first()
    client.force_login(viewer(permission))
    name = f"admin:timeline_{row._meta.model_name}_simple_history"
    url = reverse(name, args=[row.pk, old.pk])
    response = client.post(url, _revert_form(client, url))
    assert response.status_code == 403
    assert getattr(type(row).objects.get(pk=row.pk), field) == "New"


def test_a_curator_cannot_revert_an_entity_that_published_events_show(client):
    entity = EntityFactory(name="Old name")
    event = SourcedEventFactory(status=Event.Status.IN_REVIEW)
    EventEntity.objects.create(event=event, entity=entity, role="buyer")
    review.event_publish(event=event, user=editor())
    entity.name = "New name"
    entity.save()
    old = entity.history.order_by("history_id").first()
    client.force_login(curator())
    url = reverse("admin:timeline_entity_simple_history", args=[entity.pk, old.pk])
    response = client.post(url, _revert_form(client, url))
    assert response.status_code == 403
    assert Entity.objects.get(pk=entity.pk).name == "New name"


def test_a_curator_can_still_revert_an_event(client):
    event, old = _redated_event()
    client.force_login(curator())
    url = reverse("admin:timeline_event_simple_history", args=[event.pk, old.pk])
    response = client.post(url, _revert_form(client, url))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.date_edtf == "2023-09-04"


def _published() -> Event:
    event = SourcedEventFactory(status=Event.Status.IN_REVIEW)
    return review.event_publish(event=event, user=editor())


def test_a_curator_cannot_merge_a_published_event_away():
    published, draft = _published(), SourcedEventFactory()
    with pytest.raises(PermissionDenied, match="withdraw_event"):
        event_merge(survivor=draft, others=[published], user=curator())
    published.refresh_from_db()
    assert (published.status, published.merged_into_id) == (
        Event.Status.PUBLISHED,
        None,
    )
    assert draft.citations.count() == 1


def test_the_admin_merge_action_refuses_a_curator_a_published_event(client):
    published, draft = _published(), SourcedEventFactory()
    client.force_login(curator())
    ids = [published.pk, draft.pk]
    response = client.post(
        reverse("admin:timeline_event_changelist"),
        {
            "action": "merge",
            "_selected_action": ids,
            "apply": "1",
            "survivor": draft.pk,
        },
        follow=True,
    )
    assert "withdraw_event" in response.content.decode()
    assert Event.objects.published().filter(pk=published.pk, merged_into=None).exists()


def test_an_editor_merges_a_published_duplicate_into_a_published_event():
    survivor, other = _published(), _published()
    event_merge(survivor=survivor, others=[other], user=editor())
    other.refresh_from_db()
    assert other.merged_into_id == survivor.pk
    assert survivor.citations.count() == 2


def test_snapshot_restore_needs_the_change_permission():
    event, old = _redated_event()
    snapshot = revisions.snapshot_as_of(event=event, when=old.history_date)
    with pytest.raises(PermissionDenied):
        revisions.snapshot_restore(
            event=event,
            snapshot=snapshot,
            user=viewer("view_event"),
            reason="Reverted",
        )
    event.refresh_from_db()
    assert event.version == 2


def test_a_view_only_user_cannot_save_the_event_change_form(client):
    event, _ = _redated_event()
    client.force_login(viewer("view_event"))
    url = reverse("admin:timeline_event_change", args=[event.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Changed", "date_edtf": "2020"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.date_edtf, event.version) == ("2024", 2)


ARTICLE = (
    "Title: Hangzhou funds biotech parks\nPublisher: Example Daily\n"
    "Date: 2024-03-15\n\nHangzhou will invest 300 million yuan in biotech "
    "parks by 2026, the city government said on Friday.\n"
)


def test_adding_articles_in_the_admin_needs_every_permission_ingest_uses(client):
    # Ingest also cites the new article on events already on the timeline.
    user = viewer("view_document", "add_document", "add_event", "view_event")
    client.force_login(user)
    url = reverse("admin:corpus_document_add_articles")
    assert client.get(url).status_code == 403
    response = client.post(url, {"pasted_text": ARTICLE})
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_the_ingest_service_checks_the_admin_user():
    user = viewer("add_document", "add_event")
    with pytest.raises(PermissionDenied, match="add_citation"):
        documents_ingest(
            articles=[ArticleInput(name="pasted.txt", data=ARTICLE)],
            user=user,
            via=IngestRun.Via.ADMIN,
        )
    assert not Document.objects.exists()
    assert not IngestRun.objects.exists()


@pytest.mark.parametrize(
    "view",
    ["review", "transition", "changelist"],
)
def test_admin_writes_without_the_csrf_token_are_refused(view):
    event = SourcedEventFactory(status=Event.Status.IN_REVIEW)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor())
    url, data = {
        "review": (
            reverse("admin:timeline_event_review"),
            {"publish_one": event.pk, f"version_{event.pk}": 1},
        ),
        "transition": (
            reverse("admin:timeline_event_transition", args=[event.pk, "publish"]),
            {"reason": "", "version": 1},
        ),
        "changelist": (
            reverse("admin:timeline_event_changelist"),
            {"action": "publish", "_selected_action": [event.pk]},
        ),
    }[view]
    assert client.post(url, data).status_code == 403
    event.refresh_from_db()
    assert (event.status, event.version) == (Event.Status.IN_REVIEW, 1)


def test_admin_autocomplete_needs_the_view_permission_of_the_rows(client):
    SourcedEventFactory()
    client.force_login(viewer("view_citation"))  # not view_document
    query = "app_label=timeline&model_name=citation&field_name=document&term=Art"
    response = client.get(reverse("admin:autocomplete") + "?" + query)
    assert response.status_code == 403
