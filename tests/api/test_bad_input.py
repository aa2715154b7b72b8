"""Input that used to be a 500: each is a 400 naming the parameter, or stored
whole. Runs on SQLite and PostgreSQL (which refuses NUL in text and enforces
column lengths)."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.api.conftest import EVENT_PARAMETERS
from tests.factories import editor, superuser
from timeline.models import Event

pytestmark = pytest.mark.django_db


def _signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


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


# Every query parameter of every list endpoint (the FilterSets' and the
# pagination's), each of which once reached the database or a parser.
PARAMETERS = {
    "/api/events/": EVENT_PARAMETERS,
    "/api/documents/": [
        "publisher",
        "published_from",
        "published_to",
        "q",
        "cursor",
        "page_size",
    ],
    "/api/entities/": ["kind", "q", "cursor", "page_size"],
    "/api/kinds/": ["cursor", "page_size"],
    "/api/changes/": ["since", "page_size"],
}
NUL_CASES = [
    (path, name, value)
    for path, names in PARAMETERS.items()
    for name in names
    for value in ("deal\x00", "\x00", "1\x00")
]


@pytest.mark.parametrize(
    ("path", "name", "value"),
    NUL_CASES,
    ids=[f"{p.strip('/')}-{n}-{v!r}" for p, n, v in NUL_CASES],
)
def test_a_nul_byte_in_any_parameter_is_a_400_naming_it(
    api, make_event, staff_reader, path, name, value
):
    make_event("2023", sources=1)
    query = urlencode({name: value})
    for client in (api, _signed_in(staff_reader)):  # the lean path and DRF
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, name, response.content[:200])
        assert name in response.json(), response.json()


def b64(raw: bytes | str, *, urlsafe: bool = True, pad: bool = False) -> str:
    data = raw.encode() if isinstance(raw, str) else raw
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    token = encode(data).decode()
    return token if pad else token.rstrip("=")


DAY = {"d": "2023-01-01"}
CRAFTED_EVENT_CURSORS = {
    "dates-as-ints": b64(json.dumps(["date", [1, 2, 3]])),
    "dates-as-strings": b64(json.dumps(["date", ["2023-01-01", "x", 3]])),
    "date-not-iso": b64(json.dumps(["date", [{"d": "tomorrow"}, DAY, 3]])),
    "date-as-number": b64(json.dumps(["date", [{"d": 20230101}, DAY, 3]])),
    "date-extra-key": b64(json.dumps(["date", [{"d": "2023-01-01", "x": 1}, DAY, 1]])),
    "id-too-big": b64(json.dumps(["date", [DAY, DAY, 2**64]])),
    "id-zero": b64(json.dumps(["date", [DAY, DAY, 0]])),
    "id-bool": b64(json.dumps(["date", [DAY, DAY, True]])),
    "id-float": b64(json.dumps(["date", [DAY, DAY, 1.5]])),
    "id-nan": b64('["date", [{"d": "2023-01-01"}, {"d": "2023-01-01"}, NaN]]'),
    "id-as-object": b64(json.dumps(["date", [DAY, DAY, {"d": "2023-01-01"}]])),
    "too-few-values": b64(json.dumps(["date", [DAY, 3]])),
    "values-not-a-list": b64(json.dumps(["date", "abc"])),
    "not-a-pair": b64(json.dumps({"date": [DAY, DAY, 1]})),
    "three-items": b64(json.dumps(["date", [DAY, DAY, 1], 1])),
    "unknown-ordering": b64(json.dumps(["size", [1, 2]])),
    "ordering-as-list": b64(json.dumps([["date"], [DAY, DAY, 1]])),
    "title-with-nul": b64(json.dumps(["title", ["a\x00b", 1]])),
    "title-too-long": b64(json.dumps(["title", ["x" * 301, 1]])),
    "title-as-number": b64(json.dumps(["title", [5, 1]])),
    "updated-naive": b64(json.dumps(["updated", [{"dt": "2023-01-01T00:00:00"}, 1]])),
    "updated-as-date": b64(json.dumps(["updated", [DAY, 1]])),
    "deeply-nested": b64("[" * 3000 + "]" * 3000),
    "not-utf8": b64(b"\xff\xfe\x00["),
    "not-json": b64("date,1,2,3"),
    "blank-json": b64(" "),
    "padded-junk": "====",
    "foreign-characters": "!!!***",
    "nul": "\x00",
    "spaces": b64(json.dumps(["date", [DAY, DAY, 1]])) + " x",
    "standard-alphabet-junk": "ab+/cd==ef",
    "too-long": "A" * 5000,
}
CRAFTED_ID_CURSORS = {
    "position-not-a-number": b64("p=abc", urlsafe=False, pad=True),
    "position-too-big": b64(f"p={2**64}", urlsafe=False, pad=True),
    "position-negative": b64("p=-1", urlsafe=False, pad=True),
    "position-unicode-digits": b64("p=%C2%B2", urlsafe=False, pad=True),
    "offset-negative": b64("o=-1&p=1", urlsafe=False, pad=True),
    "offset-past-cutoff": b64("o=100000&p=1", urlsafe=False, pad=True),
    "reverse-not-a-flag": b64("r=yes&p=1", urlsafe=False, pad=True),
    "reverse-empty": b64("r=&p=1", urlsafe=False, pad=True),
    "unknown-token": b64("x=1", urlsafe=False, pad=True),
    "repeated-token": b64("p=1&p=2", urlsafe=False, pad=True),
    "no-tokens": b64("&", urlsafe=False, pad=True),
    "nul": "\x00",
    "foreign-characters": "!!!***",
    "not-ascii": b64(b"p=\xff", urlsafe=False, pad=True),
}


def assert_cursor_refused(client, path: str, token: str) -> None:
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}{urlencode({'cursor': token})}")
    assert response.status_code == 400, (path, token, response.content[:200])
    assert "cursor" in response.json()


@pytest.mark.parametrize(
    "token", CRAFTED_EVENT_CURSORS.values(), ids=CRAFTED_EVENT_CURSORS.keys()
)
def test_a_crafted_event_cursor_is_a_400_naming_it(
    api, make_event, staff_reader, token
):
    make_event("2023")
    for client in (api, _signed_in(staff_reader)):
        assert_cursor_refused(client, "/api/events/", token)
        assert_cursor_refused(client, "/api/events/?ordering=title", token)


@pytest.mark.parametrize(
    "token", CRAFTED_ID_CURSORS.values(), ids=CRAFTED_ID_CURSORS.keys()
)
@pytest.mark.parametrize("path", ["/api/documents/", "/api/entities/", "/api/kinds/"])
def test_a_crafted_id_cursor_is_a_400_naming_it(api, make_event, path, token):
    make_event("2023", sources=1)
    assert_cursor_refused(api, path, token)


def test_the_cursors_the_api_hands_out_still_page(api, make_event):
    for i in range(3):
        make_event("2023", sources=1, title=f"Événement « {i} » " + "é" * 250)
    for path in [
        "/api/events/?page_size=1",
        "/api/events/?page_size=1&ordering=-title",
        "/api/events/?page_size=1&ordering=updated",
        "/api/documents/?page_size=1",
        "/api/kinds/?page_size=1",
    ]:
        seen = []
        for _ in range(20):
            body = api.get(path).json()
            seen += [row["id"] for row in body["results"]]
            if not body["next"]:
                break
            path = body["next"]
        assert len(seen) == len(set(seen)) >= 3, path


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["d", "dt", "x"]) | st.text(), inner, max_size=3
        )
    ),
    max_leaves=12,
)
key_values = st.one_of(
    json_values,
    st.builds(lambda t: {"d": t}, st.text() | st.dates().map(str)),
    st.builds(lambda t: {"dt": t}, st.text() | st.datetimes().map(str)),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=400),
)
event_payloads = st.one_of(
    json_values,
    st.tuples(
        st.sampled_from(["date", "-date", "updated", "title"]),
        st.lists(key_values, max_size=4),
    ),
)
tokens = st.one_of(
    st.binary(max_size=200).map(b64),
    st.binary(max_size=200).map(lambda raw: b64(raw, urlsafe=False, pad=True)),
    event_payloads.map(
        lambda payload: b64(
            json.dumps(list(payload) if isinstance(payload, tuple) else payload)
        )
    ),
    st.text(max_size=60),
)
fuzz = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@fuzz
@given(token=tokens)
def test_any_event_cursor_is_a_page_or_a_400_naming_it(
    api, make_event, staff_reader, token
):
    if not token:
        return  # an empty cursor is the first page
    make_event("2023")
    ordering = "title" if "title" in token else "date"
    for client in (api, _signed_in(staff_reader)):
        query = urlencode({"cursor": token, "ordering": ordering})
        response = client.get(f"/api/events/?{query}")
        assert response.status_code in (200, 400), response.content[:200]
        if response.status_code == 400:
            assert set(response.json()) == {"cursor"}


@fuzz
@given(
    token=st.one_of(
        st.binary(max_size=100).map(lambda raw: b64(raw, urlsafe=False, pad=True)),
        st.lists(
            st.tuples(st.sampled_from(["o", "r", "p", "x"]), st.text(max_size=25)),
            max_size=4,
        ).map(lambda pairs: b64(urlencode(pairs), urlsafe=False, pad=True)),
        st.text(max_size=40),
    ),
    path=st.sampled_from(["/api/documents/", "/api/entities/", "/api/kinds/"]),
)
def test_any_id_cursor_is_a_page_or_a_400_naming_it(api, token, path):
    if not token:
        return
    response = api.get(f"{path}?{urlencode({'cursor': token})}")
    assert response.status_code in (200, 400), response.content[:200]
    if response.status_code == 400:
        assert set(response.json()) == {"cursor"}
