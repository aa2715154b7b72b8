"""Optimistic locking: a stale edit is refused with what changed, nothing is lost."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    EventFactory,
    SourcedEventFactory,
    admin_form_data,
    curator,
    editor,
)
from timeline.models import Event
from timeline.services.events import StaleVersion, event_update

pytestmark = pytest.mark.django_db


def change_url(event):
    return reverse("admin:timeline_event_change", args=[event.pk])


def test_update_with_a_stale_version_is_refused_with_what_changed():
    event = EventFactory(title="Shanghai plan", date_edtf="2023")
    alice, bob = editor("alice"), editor("bob")
    first = Event.objects.get(pk=event.pk)
    second = Event.objects.get(pk=event.pk)
    event_update(
        event=first, data={"date_edtf": "2023-09"}, user=alice, expected_version=1
    )
    with pytest.raises(StaleVersion) as caught:
        event_update(
            event=second, data={"title": "Bob's title"}, user=bob, expected_version=1
        )
    message = str(caught.value)
    assert "alice" in message
    assert "2023 → 2023-09" in message
    assert caught.value.current_version == 2
    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.date_edtf, stored.version) == (
        "Shanghai plan",
        "2023-09",
        2,
    )


def test_update_bumps_version_and_records_user_and_reason():
    event = EventFactory()
    user = curator()
    event_update(
        event=event,
        data={"title": "Better title"},
        user=user,
        expected_version=1,
        reason="typo",
    )
    record = event.history.first()
    assert (record.version, record.history_user, record.history_change_reason) == (
        2,
        user,
        "typo",
    )


def test_update_refuses_fields_outside_the_editable_set():
    from django.core.exceptions import ValidationError

    event = EventFactory()
    with pytest.raises(ValidationError):
        event_update(
            event=event,
            data={"status": "published"},
            user=curator(),
            expected_version=1,
        )


def test_curator_edit_of_a_published_event_waits_as_a_revision_editor_edits_live():
    event = SourcedEventFactory(status=Event.Status.PUBLISHED, title="Live")
    edited = event_update(
        event=event, data={"title": "New"}, user=curator(), expected_version=1
    )
    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.title, stored.version) == ("published", "Live", 1)
    assert edited.pending_revision.proposed["fields"]["title"] == "New"
    event = SourcedEventFactory(status=Event.Status.PUBLISHED)
    event_update(event=event, data={"title": "New"}, user=editor(), expected_version=1)
    stored = Event.objects.get(pk=event.pk)
    assert (stored.status, stored.title) == (Event.Status.PUBLISHED, "New")


def test_two_admin_change_forms_second_save_is_refused_and_keeps_its_values(client):
    event = EventFactory(title="Original title", date_edtf="2023")
    CitationFactory(event=event)
    alice, bob = curator("alice"), curator("bob")

    client.force_login(alice)
    alice_form = admin_form_data(client.get(change_url(event)))
    client.force_login(bob)
    bob_form = admin_form_data(client.get(change_url(event)))

    client.force_login(alice)
    alice_form["date_edtf"] = "2023-08-21/2023-08-31"
    response = client.post(change_url(event), alice_form)
    assert response.status_code == 302, response.content.decode()[:2000]

    client.force_login(bob)
    bob_form["title"] = "Bob's better title"
    response = client.post(change_url(event), bob_form)
    assert response.status_code == 200  # re-displayed, not saved
    content = response.content.decode()
    assert "changed by alice" in content
    assert "2023 → 2023-08-21/2023-08-31" in content
    assert 'value="Bob&#x27;s better title"' in content  # Bob's work is kept
    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.date_edtf) == (
        "Original title",
        "2023-08-21/2023-08-31",
    )

    # Saving the re-displayed form applies Bob's values on top of Alice's.
    again = admin_form_data(response)
    assert again["expected_version"] == "2"
    response = client.post(change_url(event), again)
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.title, stored.date_edtf, stored.version) == (
        "Bob's better title",
        "2023-08-21/2023-08-31",
        3,
    )


def test_admin_refuses_an_invalid_edtf_with_a_clear_error(client):
    event = EventFactory()
    client.force_login(curator())
    data = admin_form_data(client.get(change_url(event)))
    data["date_edtf"] = "late 2023"
    response = client.post(change_url(event), data)
    assert response.status_code == 200
    assert "is not a valid EDTF date" in response.content.decode()
    assert Event.objects.get(pk=event.pk).version == 1


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_updates_exactly_one_wins():
    event = EventFactory()
    user = editor()
    outcomes = []
    barrier = threading.Barrier(2)

    def edit(title):
        try:
            barrier.wait()
            fresh = Event.objects.get(pk=event.pk)
            event_update(
                event=fresh, data={"title": title}, user=user, expected_version=1
            )
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")
        except Exception as exc:  # surfaced in the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert Event.objects.get(pk=event.pk).version == 2


def test_fields_both_people_changed_keep_the_second_persons_value(client):
    event = EventFactory(title="Original", summary="Old summary")
    alice, bob = curator("alice"), curator("bob")
    client.force_login(alice)
    alice_form = admin_form_data(client.get(change_url(event)))
    client.force_login(bob)
    bob_form = admin_form_data(client.get(change_url(event)))
    alice_form.update(title="Alice title", summary="Alice summary")
    client.force_login(alice)
    assert client.post(change_url(event), alice_form).status_code == 302
    bob_form["title"] = "Bob title"
    client.force_login(bob)
    response = client.post(change_url(event), bob_form)
    content = response.content.decode()
    assert "You both changed title" in content
    again = admin_form_data(response)
    assert (again["title"], again["summary"]) == ("Bob title", "Alice summary")
