"""Writes from a browser session need the CSRF token, and what a signed-in
reader sees is never cached for anyone else."""

import pytest
from rest_framework.test import APIClient

from tests.factories import SourcedEventFactory, editor
from timeline.models import Event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]


@pytest.fixture
def session_editor() -> APIClient:
    """An editor signed in with a session cookie, sending no CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor())
    return client


def test_a_session_write_without_the_csrf_token_is_refused(session_editor):
    # /api/events/ first passes the lean read path, which is csrf_exempt.
    body = {"title": "Forged", "key": "forged", "kind": "plan", "date_edtf": "2024"}
    response = session_editor.post("/api/events/", body, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Event.objects.filter(key="forged").exists()


@pytest.mark.parametrize("action", ["submit", "reject", "withdraw", "publish"])
def test_a_session_transition_without_the_csrf_token_is_refused(session_editor, action):
    event = SourcedEventFactory(status=Event.Status.IN_REVIEW)
    response = session_editor.post(
        f"/api/events/{event.pk}/{action}/", {"reason": "Forged"}, format="json"
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert (event.status, event.version) == (Event.Status.IN_REVIEW, 1)


def test_a_session_edit_or_delete_without_the_csrf_token_is_refused(session_editor):
    event = SourcedEventFactory()
    url = f"/api/events/{event.pk}/"
    patched = session_editor.patch(url, {"title": "Forged"}, format="json")
    deleted = session_editor.delete(url)
    assert (patched.status_code, deleted.status_code) == (403, 403)
    event.refresh_from_db()
    assert event.title != "Forged"
    assert event.version == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/",
        "/api/events/?format=csv",
        "/api/events/?format=ics",
        "/api/events/{pk}/",
        "/api/documents/",
        "/api/entities/",
        "/api/changes/",
    ],
)
def test_responses_vary_on_who_asks(api, path, staff_reader):
    event = SourcedEventFactory()  # a draft: only the reader sees it
    api.force_authenticate(staff_reader)
    response = api.get(path.format(pk=event.pk))
    assert response.status_code == 200
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Cookie", "Authorization"} <= vary
