"""Date-window semantics of /api/events/ as tables, via the API and the FilterSet
(one event per date shape, shared by the module's tests), and the 400 that
names a bad parameter."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from tests.api.conftest import dated_event
from tests.shared_rows import shared_rows
from timeline.api.filters import EventFilterSet
from timeline.models import Event

pytestmark = pytest.mark.django_db

# One event per date shape; the tables below name them by their EDTF.
DATES = [
    "2022-12-31",
    "2023-01-01",
    "2023-08-21/2023-08-31",  # late August: sub-month interval
    "2023-09-04",
    "2023-22",  # summer 2023 (season)
    "2023",
    "2024~",
    "2018/2020",
    "2022/2024",
    "2005/..",  # since 2005: open end
    "../2019",  # until 2019: open start
    "198X",
    "2023-24",  # winter 2023-24: December into February
]


@shared_rows
def dated():
    return {edtf: dated_event(edtf) for edtf in DATES}


def edtfs(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {event["date"]["edtf"] for event in response.json()["results"]}


WINDOW_CASES = [
    (
        "date=2023",
        {
            "2023-01-01",
            "2023-08-21/2023-08-31",
            "2023-09-04",
            "2023-22",
            "2023",
            "2022/2024",
            "2005/..",
            "2023-24",
        },
    ),
    (
        "date=2023&date_match=within",
        {"2023-01-01", "2023-08-21/2023-08-31", "2023-09-04", "2023-22", "2023"},
    ),
    (
        "date=2023-08",
        {"2023-08-21/2023-08-31", "2023-22", "2023", "2022/2024", "2005/.."},
    ),
    ("date=2023-08&date_match=within", {"2023-08-21/2023-08-31"}),
    (
        "date_from=2023-08-25&date_to=2023-08-26",
        {"2023-08-21/2023-08-31", "2023-22", "2023", "2022/2024", "2005/.."},
    ),
    ("date_from=2023-08-25&date_to=2023-08-26&date_match=within", set()),
    ("date=2024-01", {"2024~", "2022/2024", "2005/..", "2023-24"}),
    ("date=1985", {"198X", "../2019"}),
    ("date=2018/2020", {"2018/2020", "2005/..", "../2019"}),
    ("date=2018/2020&date_match=within", {"2018/2020"}),
    ("date_to=1990", {"198X", "../2019"}),
    ("date_to=1990&date_match=within", {"198X"}),
    ("date_from=2024", {"2024~", "2022/2024", "2005/..", "2023-24"}),
    ("date_from=2024&date_match=within", {"2024~"}),
    ("date=2005/..&date_match=within", set(DATES) - {"198X", "../2019"}),
    ("date_from=2022-12-31&date_to=2022-12-31", {"2022-12-31", "2022/2024", "2005/.."}),
    ("date_from=2023&date_to=2023", None),  # same as date=2023
]


@pytest.mark.parametrize(
    ("query", "expected"), WINDOW_CASES, ids=[case[0] for case in WINDOW_CASES]
)
def test_date_window(api, dated, query, expected):
    if expected is None:
        expected = WINDOW_CASES[0][1]
    assert edtfs(api.get(f"/api/events/?{query}&page_size=100")) == expected


@pytest.mark.parametrize(
    ("query", "expected"), WINDOW_CASES, ids=[case[0] for case in WINDOW_CASES]
)
def test_filterset_qs_matches_the_api(dated, query, expected):
    if expected is None:
        expected = WINDOW_CASES[0][1]
    filterset = EventFilterSet(QueryDict(query), queryset=Event.objects.published())
    assert filterset.is_valid(), filterset.errors
    assert {e.date_edtf for e in filterset.qs} == expected


BAD_PARAMETERS = [
    ("date=2023-13", "date"),
    ("date=soon", "date"),
    ("date_from=yesterday", "date_from"),
    ("date_to=2023-02-30", "date_to"),
    ("date_from=2023/2024", "date_from"),
    ("date_from=2024&date_to=2023", "date_to"),
    ("date=2023&date_to=2024", "date"),
    ("date_match=foo", "date_match"),
    ("kind=no-such-kind", "kind"),
    ("kind=deal,nope", "kind"),
    ("modality=maybe", "modality"),
    ("ordering=-id", "ordering"),
    ("entity=abc", "entity"),
    ("entity=424242", "entity"),
    ("document=-1", "document"),
    ("publisher=1e3", "publisher"),
    ("status=draft", "status"),
    ("page_size=0", "page_size"),
    ("page_size=501", "page_size"),
    ("page_size=ten", "page_size"),
    ("cursor=not-a-cursor", "cursor"),
]


@pytest.mark.parametrize(
    ("query", "parameter"), BAD_PARAMETERS, ids=[b[0] for b in BAD_PARAMETERS]
)
def test_bad_parameter_is_a_400_naming_it(api, dated, query, parameter):
    response = api.get(f"/api/events/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [parameter]
    assert body[parameter] and all(isinstance(m, str) for m in body[parameter])


@pytest.mark.parametrize("fmt", ["csv", "ics", "timelinejs", "jsonld"])
def test_bad_parameter_in_an_export_is_a_json_400(api, fmt):
    response = api.get(f"/api/events/?format={fmt}&date=nope")
    assert response.status_code == 400
    assert response.json() == {"date": ["'nope' is not a valid EDTF date"]}
