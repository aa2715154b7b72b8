"""The admin at scale: full-text tables kept by triggers on SQLite, pages read
by id, capped counts, deep pages and the bounded year filter."""

import pytest
from django.contrib import admin
from django.db import connection

from corpus.admin import EstimatedCountPaginator
from tests.factories import (
    CitationFactory,
    EventFactory,
)
from timeline.models import Citation, Event
from timeline.selectors import search

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/timeline/event/"


@pytest.mark.requires_sqlite
def test_full_text_tables_follow_inserts_updates_and_deletes():
    event = EventFactory(title="Original headline")
    citation = CitationFactory(event=event)

    def found(text, quotes=False):
        ids = search.event_ids_with_text(
            text, fields=["title"], quotes=Citation.objects.all() if quotes else None
        )
        return set(ids or [])

    assert found("Original") == {event.pk}
    event.title = "Renamed 新标题"
    event.save()
    assert found("Original") == set()
    assert found("新标题") == {event.pk}
    quote_word = citation.quote.split()[1]
    assert event.pk in found(quote_word, quotes=True)
    event.delete()
    assert found("新标题") == set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM timeline_event_fts WHERE timeline_event_fts "
            "MATCH 'Renamed'"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.requires_sqlite
def test_full_text_triggers_exist():
    """A migration that rebuilds the event or citation table on SQLite (some
    ALTERs do) drops its triggers: this fails until 0014's are recreated."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    for table in ("timeline_event_fts", "timeline_citation_fts"):
        assert {f"{table}_{op}" for op in ("insert", "update", "delete")} <= triggers


def page_of(queryset, number, per_page=3, cap=None):
    paginator = EstimatedCountPaginator(queryset, per_page)
    if cap is not None:
        paginator.cap = cap
    return paginator, paginator.page(number)


def test_pages_read_by_id_equal_plain_slices():
    EventFactory.create_batch(11, date_edtf="2020")
    EventFactory.create_batch(4, date_edtf="2019-05")
    queryset = Event.objects.order_by("date_lower", "date_upper", "id")
    ids = list(queryset.values_list("pk", flat=True))
    for number in range(1, 6):
        _, page = page_of(queryset, number)
        assert [e.pk for e in page] == ids[(number - 1) * 3 : number * 3]


def test_a_capped_count_still_serves_pages_past_the_cap():
    EventFactory.create_batch(10, status=Event.Status.PUBLISHED)
    queryset = Event.objects.filter(status=Event.Status.PUBLISHED).order_by("pk")
    paginator, page = page_of(queryset, 4, cap=5)
    assert paginator.is_capped
    assert paginator.count == 6
    assert [e.pk for e in page] == list(queryset.values_list("pk", flat=True))[9:]
    _, empty = page_of(queryset, 9, cap=5)
    assert list(empty) == []


def test_an_uncapped_count_is_exact():
    EventFactory.create_batch(4, status=Event.Status.PUBLISHED)
    queryset = Event.objects.filter(status=Event.Status.PUBLISHED)
    paginator, _ = page_of(queryset, 1, cap=10)
    assert not paginator.is_capped
    assert paginator.count == 4


def test_changelist_says_more_than_the_cap_and_links_the_next_page(
    admin_client_, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "cap", 3)
    monkeypatch.setattr(admin.site._registry[Event], "list_per_page", 2)
    EventFactory.create_batch(8, status=Event.Status.PUBLISHED)
    response = admin_client_.get(CHANGELIST + "?status__exact=published&p=3")
    content = response.content.decode()
    assert "more than 3 events" in content
    assert "p=4" in content
    assert len(response.context["cl"].result_list) == 2


def test_changelist_deep_page_shows_the_right_rows(admin_client_, monkeypatch):
    monkeypatch.setattr(admin.site._registry[Event], "list_per_page", 2)
    EventFactory.create_batch(7, date_edtf="2021")
    ids = list(Event.objects.values_list("pk", flat=True))  # the default order
    response = admin_client_.get(CHANGELIST + "?p=4")
    assert [e.pk for e in response.context["cl"].result_list] == ids[6:8]


def test_year_filter_lists_years_from_the_bounded_ends(admin_client_):
    EventFactory(date_edtf="2005/..")
    EventFactory(date_edtf="../2030")
    EventFactory(date_edtf="2012-03")
    response = admin_client_.get(CHANGELIST)
    years = [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "year"
        for choice in spec.choices(response.context["cl"])
    ]
    assert years[1:] == [str(y) for y in range(2030, 2004, -1)]
