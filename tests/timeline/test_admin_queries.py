"""The admin and the API's relation and text filters at scale: fixed query
counts, search results equal to a plain substring search (FTS5 trigrams on
SQLite, Chinese included), pages read by id, capped counts."""

import re
from types import MethodType

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from corpus.admin import (
    BigTableMixin,
    CappedRelatedFilter,
    EstimatedCountPaginator,
    id_url,
)
from corpus.models import Publisher
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    EventEntityFactory,
    EventFactory,
    superuser,
)
from timeline.admin.events import REVIEW_SHOWN
from timeline.api.filters import EventFilterSet
from timeline.models import Citation, Entity, Event
from timeline.selectors import search

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/timeline/event/"

TEXTS = [
    ("Approval of a cancer drug", "国家药监局批准了新药。", "Pfizer China"),
    ("药监局 approves", "Summary in English.", "国家药品监督管理局"),
    ("Deal signed", "BeiGene and Novartis sign a licence deal.", "BeiGene"),
    ("Fair opens", "The CMEF fair opens in Shanghai; 100% booked.", "CMEF"),
    ('A "quoted" title', "Under_score and percent%.", "Shanghai Pharma"),
    ("Investment round", "A round led by HongShan.", "HongShan"),
]
TERMS = [
    "药监局",  # three CJK characters: a trigram
    "监局",  # two: no trigram, the plain search
    "批准了新药",
    "APPROVAL",  # case-insensitive
    "cancer drug",  # a phrase with a space
    "beigene",  # in a summary and an entity name
    "Shanghai",  # a quote, a summary and an entity
    "国家药品",  # an entity name only
    '"quoted"',
    "100%",  # LIKE's wildcard, taken literally
    "_score",
    "hongshan",
    "no such text",
    "ab",
]


@pytest.fixture
def world():
    """Events with English and Chinese text, quotes and entity names."""
    document = DocumentFactory()
    for i, (title, summary, name) in enumerate(TEXTS):
        event = EventFactory(
            title=title,
            summary=summary,
            date_edtf=f"20{10 + i}",
            status=Event.Status.PUBLISHED,
        )
        CitationFactory(event=event, document=document, sentence=i % 4)
        EventEntityFactory(event=event, entity=EntityFactory(name=name))
    Event.objects.filter(title="Fair opens").update(key="cmef-shanghai-2015")
    Citation.objects.filter(event__title="Deal signed").update(
        quote="Shanghai announced"
    )
    return document


def substring_reference(term: str, fields: list[str]) -> set[int]:
    """The old search: icontains over the fields and the joined relations."""
    q = Q(citations__quote__icontains=term) | Q(entities__name__icontains=term)
    for field in fields:
        q |= Q(**{f"{field}__icontains": term})
    return set(Event.objects.filter(q).values_list("pk", flat=True).distinct())


@pytest.fixture
def admin_client_(client):
    client.force_login(superuser())
    return client


def changelist_ids(client, query: str) -> set[int]:
    response = client.get(CHANGELIST + "?" + query)
    assert response.status_code == 200
    return {event.pk for event in response.context["cl"].result_list}


@pytest.mark.parametrize("few", [search.FEW, 0], ids=["candidates", "row-by-row"])
@pytest.mark.parametrize("term", TERMS)
def test_admin_search_finds_what_a_substring_search_finds(
    world, admin_client_, monkeypatch, term, few
):
    monkeypatch.setattr(search, "FEW", few)
    expected = substring_reference(term, ["title", "summary", "key"])
    assert changelist_ids(admin_client_, f"q={term}") == expected


def test_admin_search_needs_every_word(world, admin_client_):
    found = changelist_ids(admin_client_, "q=Shanghai fair")
    assert {Event.objects.get(pk=pk).title for pk in found} == {"Fair opens"}


@pytest.mark.requires_sqlite
@pytest.mark.parametrize("few", [search.FEW, 0], ids=["candidates", "row-by-row"])
@pytest.mark.parametrize("term", TERMS)
def test_api_q_on_sqlite_finds_what_a_substring_search_finds(
    world, monkeypatch, term, few
):
    monkeypatch.setattr(search, "FEW", few)
    filterset = EventFilterSet({"q": term}, queryset=Event.objects.all())
    assert filterset.is_valid()
    expected = substring_reference(term, ["title", "summary"])
    assert set(filterset.qs.values_list("pk", flat=True)) == expected


@pytest.mark.requires_sqlite
def test_trigram_candidates_find_chinese_and_stop_at_the_limit(world):
    ids = search.event_ids_with_text(
        "药监局", fields=["title", "summary"], quotes=Citation.objects.all()
    )
    assert set(ids) == set(
        Event.objects.filter(
            Q(title__contains="药监局") | Q(summary__contains="药监局")
        ).values_list("pk", flat=True)
    )
    assert len(ids) == 2
    # "pro" is in two titles: more than `limit` candidates is "many".
    assert len(search.event_ids_with_text("pro", fields=["title"], limit=2)) == 2
    assert search.event_ids_with_text("pro", fields=["title"], limit=1) is None
    # Two characters have no trigram: no candidates, the plain search runs.
    assert search.event_ids_with_text("监局", fields=["summary"]) is None


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


# -- relation filters: the same events from either plan -----------------------


@pytest.mark.parametrize("few", [search.FEW, 0], ids=["candidates", "row-by-row"])
@pytest.mark.parametrize("name", ["entity", "document", "publisher"])
def test_api_relation_filters_agree_on_both_plans(world, monkeypatch, name, few):
    monkeypatch.setattr(search, "FEW", few)
    other = DocumentFactory()
    events = list(Event.objects.order_by("pk"))
    CitationFactory(event=events[0], document=other)
    flagged = CitationFactory(event=events[1], document=other)
    flagged.needs_review = True
    flagged.save()
    entity = Entity.objects.get(name="BeiGene")
    EventEntityFactory(event=events[4], entity=entity)
    value = {"entity": entity.pk, "document": other.pk, "publisher": other.publisher_id}
    filterset = EventFilterSet({name: value[name]}, queryset=Event.objects.all())
    assert filterset.is_valid(), filterset.errors
    expected = {
        "entity": {events[2].pk, events[4].pk},
        # The public does not see the flagged citation.
        "document": {events[0].pk},
        "publisher": {events[0].pk},
    }[name]
    assert set(filterset.qs.values_list("pk", flat=True)) == expected


# -- pages read by id, capped counts -------------------------------------------


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


# -- rows rendered without per-row URL resolving ------------------------------


@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST,
        CHANGELIST + "?year=2013&status__exact=published",
        CHANGELIST + "?q=药监局&o=2",
        "/admin/corpus/document/?language__exact=en",
        "/admin/timeline/citation/",
        "/admin/timeline/entity/?q=Pfizer",
    ],
)
def test_lean_changelist_renders_what_djangos_own_renders(
    world, admin_client_, monkeypatch, url
):
    def page() -> str:
        html = admin_client_.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    lean = page()
    assert 'class="action-select"' in lean
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, BigTableMixin):
            monkeypatch.setattr(
                model_admin, "get_changelist", lambda request, **kw: ChangeList
            )
            monkeypatch.setattr(
                model_admin,
                "action_checkbox",
                MethodType(admin.ModelAdmin.action_checkbox, model_admin),
            )
    assert page() == lean


def test_id_url_gives_what_reverse_gives():
    event_url = id_url("admin:timeline_event_change")
    for pk in (1, 42, 2**62):
        assert event_url(pk) == reverse("admin:timeline_event_change", args=[pk])
    with pytest.raises(ValueError):
        event_url("1/../delete")


# -- query counts ------------------------------------------------------------


@pytest.fixture
def many():
    """Enough events for several pages, each with a source and an entity."""
    document = DocumentFactory()
    for i in range(60):
        event = EventFactory(date_edtf=f"20{10 + i % 10}", title=f"Event {i} 药监局")
        CitationFactory(event=event, document=document)
        EventEntityFactory(event=event)
    return document


# Session, user, the count, the page's ids, its rows, the in-review count,
# the year filter's two ends, the kinds and publishers of the filters.
CHANGELIST_QUERIES = 10


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        ("", 0),
        ("p=2", 0),
        # One page only: the rows are read without their ids first, -1.
        ("year=2013", -1),
        ("kind__id__exact=1", 0),
        ("status__exact=draft", 0),
        ("modality__exact=planned", -1),
        ("date_precision__exact=year", 0),
        ("origin__exact=curated", 0),
        ("merged=no", 0),
        ("o=2", 0),
        # The publisher's citations, looked up first (few): +1.
        ("publisher=PUBLISHER", 1),
        # Full-text candidates on SQLite: +1 per word.
        ("q=药监局", "sqlite"),
        ("q=Event+药监局", "sqlite2"),
    ],
)
def test_changelist_runs_a_fixed_number_of_queries(
    many, admin_client_, django_assert_num_queries, query, extra
):
    query = query.replace("PUBLISHER", str(many.publisher_id))
    if isinstance(extra, str):
        words = 2 if extra == "sqlite2" else 1
        extra = words if connection.vendor == "sqlite" else 0
    if query in ("", "p=2", "o=2") and connection.vendor == "postgresql":
        extra += 1  # the planner's row estimate first (EstimatedCountPaginator)
    admin_client_.get(CHANGELIST + "?" + query)
    with django_assert_num_queries(CHANGELIST_QUERIES + extra):
        response = admin_client_.get(CHANGELIST + "?" + query)
    assert response.status_code == 200


def test_review_queue_runs_a_fixed_number_of_queries(
    many, admin_client_, django_assert_num_queries
):
    Event.objects.update(status=Event.Status.IN_REVIEW)
    Citation.objects.filter(pk__in=Citation.objects.values("pk")[:5]).update(
        needs_review=True
    )
    # New sources on published events: a section of their own.
    published = Event.objects.order_by("pk")[:3]
    Event.objects.filter(pk__in=published).update(status=Event.Status.PUBLISHED)
    Citation.objects.filter(event__in=published).update(needs_review=True)
    url = reverse("admin:timeline_event_review")
    admin_client_.get(url)
    # Session, user, the events, their citations, amounts and roles, the
    # flagged sources' ids (their count) and rows, pending revisions, the
    # waiting count.
    with django_assert_num_queries(10):
        response = admin_client_.get(url)
    assert response.status_code == 200
    # 57 wait; the first REVIEW_SHOWN show.
    assert [e.pk for e, *_ in response.context["items"]] == list(
        Event.objects.awaiting_review().values_list("pk", flat=True)[:REVIEW_SHOWN]
    )
    assert REVIEW_SHOWN < 57
    assert "57 events waiting for review" in response.content.decode()
    assert f"the first {REVIEW_SHOWN} below" in response.content.decode()
    # Links reversed once per page, to the right rows.
    event, _, sources = response.context["items"][0]
    citation = sources[0][0]
    content = response.content.decode()
    assert f'id="review-{event.pk}"' in content
    event_url = reverse("admin:timeline_event_change", args=[event.pk])
    document_url = reverse("admin:corpus_document_change", args=[citation.document_id])
    assert f'href="{event_url}"' in content
    assert f'href="{document_url}"' in content
    source = response.context["flagged"][0][0]
    assert f'name="accept_source" value="{source.pk}"' in content
    assert response.context["flagged_count"] == 3
    assert [c.event_id for c, *_ in response.context["flagged"]] == [
        e.pk for e in published
    ]


@pytest.mark.parametrize(
    ("model", "queries"),
    [("event", 12), ("document", 5), ("entity", 3)],
)
def test_change_forms_run_a_fixed_number_of_queries(
    many, admin_client_, django_assert_num_queries, model, queries
):
    obj = {
        "event": lambda: Event.objects.first(),
        "document": lambda: many,
        "entity": lambda: Entity.objects.first(),
    }[model]()
    app = "corpus" if model == "document" else "timeline"
    url = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    admin_client_.get(url)
    with django_assert_num_queries(queries):
        response = admin_client_.get(url)
    assert response.status_code == 200


def test_document_change_form_shows_the_first_citations_and_links_the_rest(
    many, admin_client_, monkeypatch
):
    monkeypatch.setattr("timeline.admin.documents.CITATIONS_SHOWN", 5)
    response = admin_client_.get(
        reverse("admin:corpus_document_change", args=[many.pk])
    )
    content = response.content.decode()
    assert "The first 5 of 60 citations" in content
    assert f"document__id__exact={many.pk}" in content
    assert content.count('<li><a href="/admin/timeline/event/') == 5


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


def test_publisher_filter_past_the_limit_lists_only_the_chosen_one(
    world, admin_client_, monkeypatch
):
    monkeypatch.setattr("timeline.admin.filters.MAX_PUBLISHERS", 1)
    other = DocumentFactory()
    cited = Event.objects.get(title="Deal signed")
    CitationFactory(event=cited, document=other)
    response = admin_client_.get(CHANGELIST + f"?publisher={other.publisher_id}")
    assert {e.pk for e in response.context["cl"].result_list} == {cited.pk}
    spec = next(
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", None) == "publisher"
    )
    assert spec.lookup_choices == [(str(other.publisher_id), other.publisher.name)]
    unfiltered = admin_client_.get(CHANGELIST)
    names = [
        getattr(s, "parameter_name", None)
        for s in unfiltered.context["cl"].filter_specs
    ]
    assert "publisher" not in names


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/admin/corpus/document/", "publisher"),
        ("/admin/timeline/citation/", "document__publisher"),
    ],
)
def test_document_and_citation_publisher_filters_past_the_limit_list_the_chosen_one(
    world, admin_client_, monkeypatch, url, path
):
    other = DocumentFactory()
    CitationFactory(event=Event.objects.first(), document=other)

    def publisher_choices(query: str = "") -> list | None:
        """The filter's choices; None when it has none to show."""
        response = admin_client_.get(url + query)
        assert response.status_code == 200
        specs = response.context["cl"].filter_specs
        spec = next((s for s in specs if isinstance(s, CappedRelatedFilter)), None)
        return spec and spec.lookup_choices

    everyone = sorted(Publisher.objects.values_list("pk", "name"))
    assert sorted(publisher_choices()) == everyone
    monkeypatch.setattr(CappedRelatedFilter, "limit", 1)
    assert publisher_choices() is None
    chosen = f"?{path}__id__exact={other.publisher_id}"
    assert publisher_choices(chosen) == [(other.publisher_id, other.publisher.name)]
