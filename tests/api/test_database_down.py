"""With the database unreachable every endpoint answers a 503 and nothing else:
a JSON body under /api/ (never a 200 whose export stops short, never an HTML
500), plain text elsewhere."""

from __future__ import annotations

import pytest
from django.db import OperationalError, ProgrammingError, connections

from tests.factories import CitationFactory, superuser

pytestmark = pytest.mark.django_db

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def cut_database():
    """Make every later query fail as a refused connection does (what
    `connect()` raises, wrapped by Django, when PostgreSQL is down). The
    connection comes back before other fixtures tear down (the throttle
    cache is a table they clear)."""
    patch = pytest.MonkeyPatch()

    def refuse(*args, **kwargs):
        raise OperationalError(REFUSED)

    def cut() -> None:
        for connection in connections.all():
            patch.setattr(connection, "ensure_connection", refuse)

    yield cut
    patch.undo()


@pytest.fixture
def published(make_event):
    event = make_event(sources=2)
    CitationFactory(event=event)
    return event


API_PATHS = [
    "/api/events/",  # the lean path (timeline/api/pages.py)
    "/api/events/?format=json&kind=deal&date=2023",  # lean, with its kind lookup
    "/api/events/?format=json&q=plan",  # the DRF path
    "/api/events/?format=csv",
    "/api/events/?format=csv&bom=1",
    "/api/events/?format=ics",
    "/api/events/?format=timelinejs",
    "/api/events/?format=jsonld",
    "/api/events/{event}/",
    "/api/events/{event}/?format=csv",
    "/api/events/{event}/?format=ics",
    "/api/events/{event}/?format=timelinejs",
    "/api/events/{event}/?format=jsonld",
    "/api/documents/",
    "/api/documents/{document}/",
    "/api/entities/",
    "/api/kinds/",
]


@pytest.mark.parametrize("path", API_PATHS)
def test_api_answers_a_json_503_without_partial_content(
    api, published, cut_database, path
):
    document = published.citations.first().document_id
    cut_database()
    response = api.get(path.format(event=published.pk, document=document))
    assert response.status_code == 503
    assert not response.streaming
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"].isdigit()
    assert set(response.json()) == {"detail"}
    assert published.title not in response.content.decode()


def test_admin_answers_a_plain_503(client, cut_database):
    client.force_login(superuser())
    cut_database()
    response = client.get("/admin/timeline/event/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response["Retry-After"].isdigit()


def test_other_database_errors_stay_errors(api, published):
    # A broken query is a bug (a 500), not an outage to retry.
    def broken(*args, **kwargs):
        raise ProgrammingError("syntax error")

    with pytest.MonkeyPatch.context() as patch:
        for connection in connections.all():
            patch.setattr(connection, "ensure_connection", broken)
        with pytest.raises(ProgrammingError):
            api.get(f"/api/events/{published.pk}/")


def test_schema_documents_the_503(api):
    schema = api.get("/api/schema/?format=json").json()
    for path in ("/api/events/", "/api/events/{id}/", "/api/documents/"):
        assert "503" in schema["paths"][path]["get"]["responses"], path
