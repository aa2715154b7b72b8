"""Filtering and paging /api/events/: several kinds, modality and relation
filters, text search, cursors over ties and inserts, fixed query counts."""

from __future__ import annotations

import pytest

from timeline.models import Event

pytestmark = pytest.mark.django_db


def test_kind_accepts_several_kinds(api, make_event):
    make_event("2023", kind="deal")
    make_event("2023", kind="approval")
    make_event("2023", kind="policy")
    for query in ("kind=deal,approval", "kind=deal&kind=approval"):
        response = api.get(f"/api/events/?{query}")
        kinds = sorted(e["kind"] for e in response.json()["results"])
        assert kinds == ["approval", "deal"]


def test_modality_entity_document_and_publisher_filters(api, make_event, entity):
    planned = make_event("2024", modality=Event.Modality.PLANNED, sources=1)
    linked = make_event("2023", entity=entity)
    make_event("2022")
    document = planned.citations.get().document

    def ids(query):
        return [e["id"] for e in api.get(f"/api/events/?{query}").json()["results"]]

    assert ids("modality=planned") == [planned.pk]
    assert ids(f"entity={entity.pk}") == [linked.pk]
    assert ids(f"document={document.pk}") == [planned.pk]
    assert ids(f"publisher={document.publisher_id}") == [planned.pk]


@pytest.mark.parametrize(
    "query", ["biomedicine", "Shanghai Municipal", "merger", "MERGER"]
)
def test_q_searches_title_summary_quotes_and_entity_names(
    api, make_event, entity, query
):
    quoted = make_event("2023", sources=1)  # quote: "Shanghai announced plan…"
    titled = make_event("2023", title="Big merger", summary="")
    named = make_event("2023", entity=entity)
    make_event("2023", title="Nothing", summary="")
    expected = {
        "biomedicine": {quoted.pk},
        "Shanghai Municipal": {named.pk},
        "merger": {titled.pk},
        "MERGER": {titled.pk},
    }[query]
    got = {e["id"] for e in api.get("/api/events/", {"q": query}).json()["results"]}
    assert got == expected


@pytest.mark.parametrize("ordering", ["date", "-date", "updated", "title", "-title"])
def test_cursor_pages_over_ties_have_no_gaps_or_repeats(api, make_event, ordering):
    for i in range(23):
        # Many ties: only three distinct dates and five distinct titles.
        make_event(["2023", "2023-08", "2005/.."][i % 3], title=f"T{i % 5}")
    seen: list[int] = []
    url = f"/api/events/?date=2023&page_size=4&ordering={ordering}"
    while url:
        body = api.get(url).json()
        assert len(body["results"]) <= 4
        seen += [e["id"] for e in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 23
    events = Event.objects.in_bulk(seen)
    keys = {
        "date": lambda e: (e.date_lower, e.date_upper, e.pk),
        "-date": lambda e: (e.date_lower, e.date_upper, e.pk),
        "updated": lambda e: (e.updated_at, e.pk),
        "title": lambda e: (e.title, e.pk),
        "-title": lambda e: (e.title, e.pk),
    }[ordering]
    expected = sorted(events.values(), key=keys, reverse=ordering.startswith("-"))
    assert seen == [e.pk for e in expected]


def test_cursor_is_bound_to_its_ordering(api, make_event):
    for _ in range(3):
        make_event("2023")
    next_url = api.get("/api/events/?page_size=1").json()["next"]
    response = api.get(next_url.replace("page_size=1", "page_size=1&ordering=title"))
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_page_after_an_insert_neither_skips_nor_repeats(api, make_event):
    first = [make_event("2023-05") for _ in range(4)]
    body = api.get("/api/events/?page_size=2").json()
    make_event("2023-01")  # sorts before the cursor: must not shift the pages
    rest = api.get(body["next"]).json()
    assert [e["id"] for e in body["results"] + rest["results"]] == [e.pk for e in first]


@pytest.mark.parametrize("page_size", [1, 10, 40])
@pytest.mark.parametrize(
    "query", ["", "date=2023", "date_from=2023-06&kind=deal", "q=Event&ordering=-date"]
)
def test_list_runs_a_fixed_number_of_queries(
    api,
    make_event,
    entity,
    django_assert_num_queries,
    page_size,
    query,
    unthrottled,
    is_postgres,
):
    for i in range(40):
        make_event(["2023", f"2023-07-0{i % 9 + 1}", "2005/.."][i % 3], sources=1)
    # The lean path (timeline.api.pages) renders the page in one query; the
    # full one (q=) reads keys, events, citations, amounts, roles, and the
    # longest interval for its plan, and on SQLite first the full-text
    # candidates (timeline.selectors.search). +1 for the kind lookup (kind=).
    full = 5 if is_postgres else 6
    expected = (full if "q=" in query else 1) + (1 if "kind=" in query else 0)
    api.get(f"/api/events/?{query}")
    with django_assert_num_queries(expected):
        response = api.get(f"/api/events/?{query}&page_size={page_size}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
