"""Parameters for consumers who mirror the timeline: unknown ones are a 400,
choice errors list the valid values, entities and publishers by id, slug or
name, and `updated_since`."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from corpus.models import Publisher
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EntityFactory,
    PublisherFactory,
)
from timeline.models import Entity, Event

pytestmark = pytest.mark.django_db


def _signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# -- unknown parameters -----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/?datefrom=2023",
        "/api/events/?date=2023&datefrom=2023",
        "/api/events/?format=csv&datefrom=2023",
        "/api/events/?format=ics&datefrom=2023",
        "/api/documents/?datefrom=2023",
        "/api/entities/?datefrom=2023",
        "/api/kinds/?datefrom=2023",
    ],
)
def test_an_unknown_parameter_is_a_400_naming_it(api, make_event, staff_reader, path):
    make_event("2023", sources=1)
    for client in (api, _signed_in(staff_reader)):  # the lean path and DRF
        response = client.get(path)
        assert response.status_code == 400, response.content[:200]
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert list(body) == ["datefrom"]
        assert "page_size" in body["datefrom"][0]


def test_every_known_parameter_of_the_event_list_is_accepted(api, make_event):
    make_event("2023", sources=1)
    query = (
        "date_from=2023&date_to=2023&date_match=overlaps&kind=deal&modality=actual"
        "&q=Event&updated_since=2020-01-01T00:00:00Z&status=published"
        "&ordering=date&page_size=5&format=json&bom=false"
    )
    response = api.get(f"/api/events/?{query}")
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) == 1


# -- choice errors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name", "listed"),
    [
        ("date_match=sometimes", "date_match", "overlaps, within"),
        ("ordering=size", "ordering", "date, -date, updated"),
        ("modality=perhaps", "modality", "actual, planned, forecast"),
        ("kind=nonsense", "kind", "approval, collaboration, deal"),
    ],
)
def test_a_bad_choice_lists_the_valid_values(api, make_event, query, name, listed):
    make_event("2023", kind="deal")
    make_event("2023", kind="approval")
    response = api.get(f"/api/events/?{query}")
    assert response.status_code == 400
    [message] = response.json()[name]
    assert listed in message
    assert query.split("=")[1] in message


def test_a_bad_entity_kind_lists_the_kinds(api):
    response = api.get("/api/entities/?kind=city")
    assert response.status_code == 400
    assert "organisation, company, government_body" in response.json()["kind"][0]


# -- slugs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Shanghai Municipal Government", "shanghai-municipal-government"),
        ("上海市人民政府", "上海市人民政府"),
        ("国家药品监督管理局 (NMPA)", "国家药品监督管理局-nmpa"),
        ("2023", "entity-2023"),  # digits alone would read as an id
        ("!!!", "entity"),
    ],
    ids=["latin", "chinese", "mixed", "digits", "no-letters"],
)
def test_an_entity_gets_a_slug_from_its_name(name, slug):
    assert EntityFactory(name=name).slug == slug


def test_entities_sharing_a_name_get_distinct_slugs():
    first = EntityFactory(name="Fosun", kind=Entity.Kind.COMPANY)
    second = EntityFactory(name="Fosun", kind=Entity.Kind.ORGANISATION)
    assert (first.slug, second.slug) == ("fosun", "fosun-2")


def test_a_slug_given_is_kept_and_renaming_keeps_it():
    entity = EntityFactory(name="Xinhua", slug="xinhua-agency")
    entity.name = "Xinhua News Agency"
    entity.save()
    entity.refresh_from_db()
    assert entity.slug == "xinhua-agency"


def test_publishers_get_unicode_slugs():
    assert PublisherFactory(name="新华社").slug == "新华社"
    assert PublisherFactory(name="Caixin Global").slug == "caixin-global"


def test_the_migrations_fill_slugs_uniquely():
    for kind in (Entity.Kind.COMPANY, Entity.Kind.PERSON):
        EntityFactory(name="Fosun", kind=kind)
    publisher = PublisherFactory(name="新华社")
    for model in (Entity, Publisher):  # as before the migration: no slugs
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(slug=f"unset-{pk}")
    timeline = import_module("timeline.migrations.0013_public_changes_and_entity_slugs")
    timeline.fill_entity_slugs(apps, None)
    import_module("corpus.migrations.0004_publisher_slug").fill_slugs(apps, None)
    slugs = Entity.objects.order_by("pk").values_list("slug", flat=True)
    assert list(slugs) == ["fosun", "fosun-2"]
    publisher.refresh_from_db()
    assert publisher.slug == "新华社"


@pytest.fixture
def linked(make_event):
    """A public event with an entity and a publisher, and a draft with others."""
    entity = EntityFactory(name="上海市人民政府")
    shown = make_event("2023", entity=entity)
    CitationFactory(
        event=shown, document=DocumentFactory(publisher=PublisherFactory(name="新华社"))
    )
    hidden_entity = EntityFactory(name="Secret Lab")
    draft = make_event("2023", status=Event.Status.DRAFT, entity=hidden_entity)
    CitationFactory(
        event=draft, document=DocumentFactory(publisher=PublisherFactory(name="Leak"))
    )
    make_event("2023")  # public, linked to neither
    return shown, entity, hidden_entity


@pytest.mark.parametrize("how", ["id", "slug", "name"])
def test_events_by_entity_id_slug_or_name(api, linked, how):
    shown, entity, _ = linked
    value = {"id": entity.pk, "slug": entity.slug, "name": entity.name}[how]
    response = api.get("/api/events/", {"entity": value})
    assert response.status_code == 200, response.json()
    assert [e["id"] for e in response.json()["results"]] == [shown.pk]


@pytest.mark.parametrize("value", ["新华社", "新华社 "])
def test_events_by_publisher_slug_or_name(api, linked, value):
    shown, _, _ = linked
    response = api.get("/api/events/", {"publisher": value})
    assert response.status_code == 200, response.json()
    assert [e["id"] for e in response.json()["results"]] == [shown.pk]


def test_documents_by_publisher_slug(api, linked):
    response = api.get("/api/documents/", {"publisher": "新华社"})
    assert response.status_code == 200
    assert [d["publisher"]["name"] for d in response.json()["results"]] == ["新华社"]


@pytest.mark.parametrize(
    ("name", "hidden", "unknown"),
    [
        ("entity", "Secret Lab", "Nobody"),
        ("entity", "secret-lab", "nobody"),
        ("publisher", "Leak", "Nobody"),
        ("publisher", "leak", "nobody"),
    ],
)
def test_a_hidden_slug_or_name_answers_as_an_unknown_one(
    api, linked, name, hidden, unknown
):
    refused = api.get("/api/events/", {name: hidden})
    assert refused.status_code == 400
    assert refused.json() == api.get("/api/events/", {name: unknown}).json()


def test_a_reader_of_unpublished_events_finds_hidden_ones_by_slug(linked, staff_reader):
    _, _, hidden_entity = linked
    response = _signed_in(staff_reader).get(
        "/api/events/", {"entity": hidden_entity.slug}
    )
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_a_name_two_visible_entities_share_is_a_400_listing_their_slugs(
    api, make_event
):
    for kind in (Entity.Kind.COMPANY, Entity.Kind.PERSON):
        make_event("2023", entity=EntityFactory(name="Fosun", kind=kind))
    response = api.get("/api/events/", {"entity": "Fosun"})
    assert response.status_code == 400
    assert "fosun, fosun-2" in response.json()["entity"][0]
    by_slug = api.get("/api/events/", {"entity": "fosun-2"})
    assert len(by_slug.json()["results"]) == 1


# -- updated_since ------------------------------------------------------------


def test_updated_since_keeps_events_updated_at_or_after_it(api, make_event):
    old, recent = make_event("2023"), make_event("2024")
    moment = timezone.now() - datetime.timedelta(days=1)
    Event.objects.filter(pk=old.pk).update(
        updated_at=moment - datetime.timedelta(seconds=1)
    )
    Event.objects.filter(pk=recent.pk).update(updated_at=moment)
    since = moment.isoformat().replace("+00:00", "Z")
    response = api.get("/api/events/", {"updated_since": since})
    assert [e["id"] for e in response.json()["results"]] == [recent.pk]
    # The same moment in another offset.
    shanghai = moment.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    response = api.get("/api/events/", {"updated_since": shanghai.isoformat()})
    assert [e["id"] for e in response.json()["results"]] == [recent.pk]


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01T00:00:00Z", "0001-01-01T00:00:00+05:00"]
)
def test_a_bad_updated_since_is_a_400_naming_it(api, make_event, value):
    make_event("2023")
    response = api.get("/api/events/", {"updated_since": value})
    assert response.status_code == 400
    assert list(response.json()) == ["updated_since"]
