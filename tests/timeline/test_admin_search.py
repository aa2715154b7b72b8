"""Admin search and the API's text and relation filters find what a plain
substring search finds (FTS5 trigrams on SQLite, Chinese included), on one
set of English and Chinese events shared by the module's tests."""

import re
from types import MethodType

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Q
from django.urls import reverse

from corpus.admin import BigTableMixin, CappedRelatedFilter, id_url
from corpus.models import Publisher
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    EventEntityFactory,
    EventFactory,
)
from tests.shared_rows import shared_rows
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


@shared_rows
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
