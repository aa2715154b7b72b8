"""Admin smoke test over every registered ModelAdmin, plus the event pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from corpus.models import IngestRun
from tests.factories import (
    AmountFactory,
    CitationFactory,
    DocumentFactory,
    EventEntityFactory,
    EventFactory,
    curator,
    superuser,
)
from timeline.models import Event
from timeline.services.events import event_update

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30


def admin_url(model, name, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)


@pytest.fixture
def world():
    """A few events, each with sources, amounts and entities, over two documents
    that an ingest run stored."""
    run = IngestRun.objects.create(via=IngestRun.Via.COMMAND, invoked_by="ci@test")
    documents = DocumentFactory.create_batch(2, ingest_run=run)
    run.files = [
        {"name": f"{d.source_name}", "outcome": "stored", "document": d.pk}
        for d in documents
    ] + [{"name": "bad.txt", "outcome": "failed", "error": "the file is empty"}]
    run.save()
    for i in range(6):
        event = EventFactory(date_edtf=f"20{10 + i}/20{12 + i}")
        for sentence, document in enumerate(documents):
            CitationFactory(event=event, document=document, sentence=sentence + i % 3)
        AmountFactory(event=event)
        EventEntityFactory(event=event)
    # One published event with a curator's change waiting (an EventRevision).
    event.status = Event.Status.PUBLISHED
    event.save()
    event_update(
        event=event,
        data={"title": "Changed"},
        user=curator(),
        expected_version=event.version,
    )
    return Event.objects.first()


@pytest.fixture
def admin_client_(client):
    user = superuser()
    # Third-party registrations (DRF tokens) need a row for their change page.
    from rest_framework.authtoken.models import Token

    Token.objects.get_or_create(user=user)
    client.force_login(user)
    return client


REGISTERED = sorted(admin.site._registry.items(), key=lambda item: str(item[0]._meta))


@pytest.mark.parametrize(
    "model", [model for model, _ in REGISTERED], ids=lambda m: m._meta.label
)
@pytest.mark.parametrize("page", ["changelist", "add", "change"])
def test_every_admin_page_renders_in_bounded_queries(
    model, page, world, admin_client_, django_assert_max_num_queries
):
    args = []
    if page == "change":
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the world fixture has no {model._meta.label}"
        args = [obj.pk]
    url = admin_url(model, page, *args)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = admin_client_.get(url)
    # Read-only admins (the proposed revisions) refuse the add page.
    adds = admin.site._registry[model].has_add_permission(response.wsgi_request)
    assert response.status_code == (403 if page == "add" and not adds else 200)


def test_event_changelist_queries_do_not_grow_with_rows(
    world, admin_client_, django_assert_max_num_queries, django_assert_num_queries
):
    url = admin_url(Event, "changelist")
    admin_client_.get(url)  # warm session, content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client_.get(url)
    for _ in range(20):
        event = EventFactory()
        CitationFactory(event=event)
    with CaptureQueriesContext(connection) as many:
        response = admin_client_.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


def test_event_changelist_shows_date_status_and_source_count(world, admin_client_):
    response = admin_client_.get(admin_url(Event, "changelist"))
    content = response.content.decode()
    assert "2010–2012" in content
    assert 'class="field-source_count_column">2<' in content
    assert "Review queue" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Events span 2010/2012 … 2015/2017: 2011/2013, 2012/2014, 2013/2015.
        ("year=2013", 3),
        ("year=2010", 1),
        ("status__exact=draft", 5),
        ("date_precision__exact=interval", 6),
        ("merged=yes", 0),
    ],
)
def test_event_changelist_filters(world, admin_client_, query, expected):
    response = admin_client_.get(admin_url(Event, "changelist") + "?" + query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_year_filter_lists_every_year_an_interval_spans(world, admin_client_):
    response = admin_client_.get(admin_url(Event, "changelist"))
    content = response.content.decode()
    for year in range(2010, 2018):
        assert f"?year={year}" in content


def test_publisher_filter_and_search_over_quotes_and_entities(world, admin_client_):
    event = Event.objects.first()
    publisher = event.citations.first().document.publisher
    url = admin_url(Event, "changelist")
    response = admin_client_.get(f"{url}?publisher={publisher.pk}")
    assert response.context["cl"].result_count == 6
    response = admin_client_.get(url + "?q=10+billion+yuan")
    assert response.context["cl"].result_count >= 1
    # A name of its own: every event names an "Entity N" and has a "0"
    # somewhere in its text, so the factories' "Entity 0" (the first name of a
    # fresh sequence, as when this test runs alone) matched all six.
    entity = event.roles.first().entity
    entity.name = "Kangtai Biological"
    entity.save()
    response = admin_client_.get(url, {"q": entity.name})
    assert list(response.context["cl"].result_list) == [event]


def test_event_change_page_shows_derived_date_bounds(world, admin_client_):
    response = admin_client_.get(admin_url(Event, "change", world.pk))
    content = response.content.decode()
    assert "2010-01-01 – 2012-12-31" in content
    assert 'name="expected_version"' in content


def test_document_page_highlights_cited_spans_linked_to_events(world, admin_client_):
    citation = world.citations.first()
    document = citation.document
    response = admin_client_.get(admin_url(document, "change", document.pk))
    content = response.content.decode()
    event_url = reverse("admin:timeline_event_change", args=[world.pk])
    assert f'<a class="cited" href="{event_url}"' in content
    assert f"<mark>{citation.quote}</mark>" in content
    assert "events citing it" in content.lower()
    # The stored text is read-only: no textarea to edit it.
    assert 'name="text"' not in content


def test_review_queue_renders_quote_in_context(world, admin_client_):
    Event.objects.update(status=Event.Status.IN_REVIEW)
    response = admin_client_.get(reverse("admin:timeline_event_review"))
    assert response.status_code == 200
    citation = world.citations.first()
    content = response.content.decode()
    assert f"<mark>{citation.quote}</mark>" in content
    assert "Publish" in content
