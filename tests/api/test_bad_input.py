"""Input that used to be a 500: each is a 400 naming the parameter, or stored
whole. Runs on SQLite and PostgreSQL (which refuses NUL in text and enforces
column lengths)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.factories import editor, superuser
from timeline.models import Event

pytestmark = pytest.mark.django_db

LONG_REASON = "Rejected after checking the second source: " + "wrong date; " * 150


@pytest.mark.parametrize(
    ("name", "status"), [("reject", "in_review"), ("withdraw", "published")]
)
def test_a_long_transition_reason_is_stored_whole(api, make_event, name, status):
    event = make_event("2023", status=status)
    api.force_authenticate(editor())
    response = api.post(
        f"/api/events/{event.pk}/{name}/", {"reason": LONG_REASON[:2000]}
    )
    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.review_note == LONG_REASON[:2000].strip()
    assert event.history.first().history_change_reason.endswith(
        LONG_REASON[:2000].strip()
    )


def test_a_reason_past_the_limit_is_a_400_naming_it(api, make_event):
    event = make_event("2023", status="in_review")
    api.force_authenticate(editor())
    response = api.post(f"/api/events/{event.pk}/reject/", {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "reason" in response.json()


def test_a_long_delete_reason_is_kept_in_the_history(api, make_event):
    event = make_event("2023", sources=1)
    api.force_authenticate(superuser())
    reason = "Duplicate of the event from the Xinhua article " * 20
    query = urlencode({"version": 1, "reason": reason})
    response = api.delete(f"/api/events/{event.pk}/?{query}")
    assert response.status_code == 204
    record = Event.history.filter(id=event.pk).first()
    assert record.history_change_reason == f"Deleted: {reason.strip()}"
