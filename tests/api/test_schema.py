"""The OpenAPI schema documents the API, and the API keeps to it under schemathesis.

The property-based run calls the app in-process (WSGI) with requests generated
from /api/schema/: no 5xx anywhere, and every response matches the schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from tests.api.conftest import EVENT_PARAMETERS
from tests.factories import editor

pytestmark = pytest.mark.django_db


def test_schema_documents_every_filter_and_format(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {
        p["name"]: p for p in schema["paths"]["/api/events/"]["get"]["parameters"]
    }
    for name in EVENT_PARAMETERS:
        assert name in parameters, name
        assert parameters[name].get("description"), name
    assert parameters["date_match"]["schema"]["enum"] == ["overlaps", "within"]
    assert set(parameters["format"]["schema"]["enum"]) == {
        "json",
        "csv",
        "ics",
        "timelinejs",
        "jsonld",
    }
    assert "since 2005" in parameters["date_match"]["description"]
    assert parameters["bom"]["schema"] == {"type": "boolean"}
    content = schema["paths"]["/api/events/"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "text/calendar"} <= set(content)


def test_schema_documents_the_change_feed_and_the_new_parameters(api):
    schema = api.get("/api/schema/?format=json").json()
    events = {
        p["name"]: p for p in schema["paths"]["/api/events/"]["get"]["parameters"]
    }
    assert events["updated_since"]["schema"] == {
        "type": "string",
        "format": "date-time",
    }
    assert events["entity"]["schema"] == {"type": "string"}
    page = schema["paths"]["/api/events/"]["get"]["responses"]["200"]["content"]
    assert "previous" in page["application/json"]["schema"]["required"]
    feed = schema["paths"]["/api/changes/"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {"since", "page_size"}
    body = feed["responses"]["200"]["content"]["application/json"]["schema"]
    entry = body["properties"]["results"]["items"]
    assert set(entry["properties"]["type"]["enum"]) == {
        "published",
        "updated",
        "withdrawn",
        "rejected",
        "merged",
        "deleted",
    }
    assert {"400", "503"} <= set(feed["responses"])


WRITES = [
    ("/api/events/{id}/", "put"),
    ("/api/events/{id}/", "patch"),
    ("/api/events/{id}/", "delete"),
    *[
        (f"/api/events/{{id}}/{name}/", "post")
        for name in ("submit", "publish", "reject", "withdraw")
    ],
]


@pytest.mark.parametrize(("path", "method"), WRITES)
def test_schema_says_a_stale_if_match_is_412_and_a_stale_version_409(api, path, method):
    operation = api.get("/api/schema/?format=json").json()["paths"][path][method]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert "412" in headers["If-Match"]["description"]
    responses = operation["responses"]
    assert "`version`" in responses["409"]["description"]
    assert "If-Match" not in responses["409"]["description"]
    assert "`If-Match`" in responses["412"]["description"]


def test_docs_page_serves_its_assets_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr.net" not in html
    asset = client.get(
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    )
    assert asset.status_code == 200


# Loaded at collection, where the database is off limits: without a rate the
# throttle leaves its counts (a database table) alone.
with override_settings(
    REST_FRAMEWORK={**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application()
    )


@pytest.fixture
def _unthrottled(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/second"},
    }


@pytest.fixture
def _keep_test_connection():
    # Django's test client does the same: a WSGI request must not close the
    # connection that holds the test's transaction (PostgreSQL would lose it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def _some_events(make_event):
    for edtf in ("2023-09-04", "2023-08", "2005/..", "2018/2020", "198X"):
        make_event(edtf, sources=1)


# Schema-valid is not always acceptable: an id that does not exist, or a
# window that ends before it starts, is a documented 400 (and generated write
# bodies break workflow rules: 400/409). Reads are public, so a credential that
# is not ours (a Bearer header, a stray cookie) reads as anonymous rather than
# failing: ignored_auth does not apply. Empty parameters (`?kind=`) mean "no
# filter", as in django-filter, so negative_data_rejection's idea of invalid
# input does not apply either.
EXCLUDED_CHECKS = [positive_data_acceptance, ignored_auth, negative_data_rejection]


def generated(max_examples: int):
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# Reads, where consumers live.
@schema.include(method="GET").parametrize()
@generated(max_examples=40)
def test_api_conforms_to_its_schema(
    case, _unthrottled, _keep_test_connection, _some_events
):
    case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)


@pytest.fixture
def editor_token(db):
    user = editor("schema-editor")
    return Token.objects.create(user=user).key


# Writes as an editor (who may create, edit, submit, publish, reject and
# withdraw, not delete): whatever the payload, a documented answer, never a 5xx.
@schema.include(method=["POST", "PUT", "PATCH", "DELETE"]).parametrize()
@generated(max_examples=25)
def test_writes_conform_to_the_schema(
    case, _unthrottled, _keep_test_connection, _some_events, editor_token
):
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token}"},
        excluded_checks=EXCLUDED_CHECKS,
    )
