"""/api/changes/: a consumer replaying the feed keeps an exact copy of the
public timeline, and never learns of an event that was not public."""

from __future__ import annotations

import base64
import json
import random
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.factories import (
    CitationFactory,
    EntityFactory,
    EventEntityFactory,
    SourcedEventFactory,
    curator,
    editor,
    superuser,
)
from timeline import selectors
from timeline.models import Event, EventRevision, PublicChange
from timeline.services import review, revisions
from timeline.services.changes import public_changes_record, public_changes_sync
from timeline.services.events import event_delete, event_merge, event_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

ENTRY_KEYS = {"sequence", "type", "changed_at", "id", "key", "merged_into", "event"}


class Mirror:
    """A consumer: applies the feed page by page into {id: event JSON}."""

    def __init__(self, api, page_size: int = 3):
        self.api, self.page_size = api, page_size
        self.events: dict[int, dict] = {}
        self.cursor: str | None = None
        self.seen: set[int] = set()

    def poll(self) -> list[dict]:
        url = f"/api/changes/?page_size={self.page_size}"
        if self.cursor:
            url += f"&since={self.cursor}"
        applied = []
        while url:
            response = self.api.get(url)
            assert response.status_code == 200, response.content
            body = response.json()
            assert set(body) == {"next", "cursor", "results"}
            for entry in body["results"]:
                assert set(entry) == ENTRY_KEYS
                self.seen.add(entry["id"])
                if entry["type"] in ("published", "updated"):
                    assert entry["event"]["id"] == entry["id"]
                    self.events[entry["id"]] = entry["event"]
                else:
                    assert entry["event"] is None
                    self.events.pop(entry["id"], None)
                applied.append(entry)
            self.cursor = body["cursor"]
            url = body["next"]
        return applied


def public_events(api) -> dict[int, dict]:
    body = api.get("/api/events/?page_size=500").json()
    assert body["next"] is None
    return {event["id"]: event for event in body["results"]}


def publish(event: Event, user) -> None:
    review.event_submit(event=event, user=user)
    review.event_publish(event=event, user=user)


# -- the replay property ------------------------------------------------------


class Timeline:
    """Random editorial work through the services, as the admin and API do it."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.editor, self.curator, self.admin = editor(), curator(), superuser()
        self.entities = [EntityFactory() for _ in range(3)]
        self.ever_public: set[int] = set()
        self.counter = 0

    def events(self, **filters) -> list[Event]:
        return list(Event.objects.filter(**filters).order_by("pk"))

    def pick(self, **filters) -> Event | None:
        found = self.events(**filters)
        return self.rng.choice(found) if found else None

    def note_public(self) -> None:
        self.ever_public |= set(
            selectors.event_queryset(user=None).values_list("pk", flat=True)
        )

    # Operations: each does nothing when no event fits.

    def create(self) -> None:
        event = SourcedEventFactory()
        if self.rng.random() < 0.5:
            EventEntityFactory(event=event, entity=self.rng.choice(self.entities))

    def publish(self) -> None:
        event = self.pick(status=Event.Status.DRAFT, merged_into=None)
        if event is not None:
            publish(event, self.editor)

    def edit_draft(self) -> None:
        event = self.pick(status=Event.Status.DRAFT, merged_into=None)
        if event is not None:
            self._edit(event, self.editor)

    def update(self) -> None:
        event = self.pick(status=Event.Status.PUBLISHED)
        if event is not None:
            self._edit(event, self.editor)

    def revision_publish(self) -> None:
        event = self.pick(status=Event.Status.PUBLISHED)
        if event is None:
            return
        self._edit(event, self.curator)  # waits for review: nothing public yet
        revision = EventRevision.objects.filter(
            event=event, status=EventRevision.Status.PENDING
        ).first()
        if revision is not None:
            revisions.revision_publish(revision=revision, user=self.editor)

    def withdraw(self) -> None:
        event = self.pick(status=Event.Status.PUBLISHED)
        if event is not None:
            review.event_withdraw(event=event, user=self.editor, reason="Wrong date")

    def merge(self) -> None:
        candidates = self.events(merged_into=None)
        if len(candidates) < 2:
            return
        survivor, other = self.rng.sample(candidates, 2)
        event_merge(survivor=survivor, others=[other], user=self.editor)

    def delete(self) -> None:
        event = self.pick(merged_into=None, merged_events=None)
        if event is not None:
            event_delete(event=event, user=self.admin, reason="Duplicate")

    def rename_entity(self) -> None:
        entity = self.rng.choice(self.entities)
        self.counter += 1
        entity.name = f"{entity.name.split(' #')[0]} #{self.counter}"
        entity.save()

    def _edit(self, event: Event, user) -> None:
        self.counter += 1
        event_update(
            event=event,
            data={"title": f"{event.title.split(' #')[0]} #{self.counter}"},
            user=user,
            expected_version=event.version,
        )

    OPERATIONS = (
        "create",
        "create",
        "publish",
        "publish",
        "edit_draft",
        "update",
        "revision_publish",
        "withdraw",
        "merge",
        "delete",
        "rename_entity",
    )

    def step(self) -> str:
        name = self.rng.choice(self.OPERATIONS)
        getattr(self, name)()
        self.note_public()
        return name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_replaying_the_feed_gives_exactly_the_public_events(api, seed):
    timeline = Timeline(random.Random(seed))
    follower = Mirror(api)  # polls after every operation
    done = []
    for _ in range(40):
        done.append(timeline.step())
        follower.poll()
        assert follower.events == public_events(api), done
    assert {"publish", "withdraw", "merge", "delete"} <= set(done)
    fresh = Mirror(api, page_size=2)  # replays everything at the end
    fresh.poll()
    assert fresh.events == public_events(api)
    assert fresh.seen | follower.seen <= timeline.ever_public


# -- entries ----------------------------------------------------------------


def test_an_event_never_public_never_appears(api):
    event = SourcedEventFactory()
    review.event_submit(event=event, user=editor())
    review.event_reject(event=event, user=editor(), reason="Not news")
    event_delete(event=event, user=superuser())
    assert PublicChange.objects.count() == 0
    assert api.get("/api/changes/").json()["results"] == []


def test_publishing_is_one_entry_with_the_event_json(api):
    event = SourcedEventFactory()
    publish(event, editor())
    body = api.get("/api/changes/").json()
    [entry] = body["results"]
    listed = api.get(f"/api/events/{event.pk}/").json()
    assert entry["type"] == "published"
    assert entry["event"] == listed
    assert (entry["id"], entry["key"], entry["merged_into"]) == (
        event.pk,
        event.key,
        None,
    )
    assert body["next"] is None


def test_a_merged_event_is_a_tombstone_naming_its_target(api):
    survivor, other = SourcedEventFactory(), SourcedEventFactory()
    for event in (survivor, other):
        publish(event, editor())
    event_merge(survivor=survivor, others=[other], user=editor())
    entries = {e["id"]: e for e in api.get("/api/changes/").json()["results"]}
    assert entries[other.pk]["type"] == "merged"
    assert entries[other.pk]["merged_into"] == survivor.pk
    assert entries[other.pk]["event"] is None
    assert entries[survivor.pk]["type"] == "updated"  # it gained a source
    assert len(entries[survivor.pk]["event"]["sources"]) == 2


def test_merging_into_an_unpublished_event_names_no_survivor(api):
    published, draft = SourcedEventFactory(), SourcedEventFactory()
    publish(published, editor())
    event_merge(survivor=draft, others=[published], user=editor())
    entries = api.get("/api/changes/").json()["results"]
    assert [(e["id"], e["type"], e["merged_into"]) for e in entries] == [
        (published.pk, "rejected", None)
    ]
    assert str(draft.pk) not in {str(e["merged_into"]) for e in entries}


def test_a_deleted_event_keeps_its_key_in_the_tombstone(api):
    event = SourcedEventFactory(key="shanghai-plan-2023")
    publish(event, editor())
    pk = event.pk
    event_delete(event=event, user=superuser())
    [entry] = api.get("/api/changes/").json()["results"]
    assert (entry["type"], entry["id"], entry["key"]) == (
        "deleted",
        pk,
        "shanghai-plan-2023",
    )


def test_a_withdrawn_then_rejected_event_stays_one_withdrawal(api):
    event = SourcedEventFactory()
    publish(event, editor())
    review.event_withdraw(event=event, user=editor(), reason="Wrong")
    review.event_reject(event=event, user=editor(), reason="Wrong")
    types = list(PublicChange.objects.values_list("type", flat=True))
    assert types == ["published", "withdrawn"]


def test_a_curators_pending_change_is_not_in_the_feed_until_published(api):
    event = SourcedEventFactory(title="Old title")
    publish(event, editor())
    event_update(
        event=event,
        data={"title": "New title"},
        user=curator(),
        expected_version=event.version,
    )
    [entry] = api.get("/api/changes/").json()["results"]
    assert entry["event"]["title"] == "Old title"
    revision = EventRevision.objects.get(event=event)
    revisions.revision_publish(revision=revision, user=editor())
    [entry] = api.get("/api/changes/").json()["results"]
    assert (entry["type"], entry["event"]["title"]) == ("updated", "New title")


def test_renaming_an_entity_updates_the_public_events_showing_it(api):
    entity = EntityFactory(name="Shanghai")
    shown = SourcedEventFactory()
    EventEntityFactory(event=shown, entity=entity)
    publish(shown, editor())
    hidden = SourcedEventFactory()  # a draft: renaming tells nothing about it
    EventEntityFactory(event=hidden, entity=entity)
    cursor = api.get("/api/changes/").json()["cursor"]
    entity.name = "Shanghai Municipality"
    entity.save()
    [entry] = api.get(f"/api/changes/?since={cursor}").json()["results"]
    assert entry["id"] == shown.pk
    assert entry["event"]["entities"][0]["name"] == "Shanghai Municipality"


def test_recording_an_unchanged_event_writes_nothing():
    event = SourcedEventFactory()
    publish(event, editor())
    assert public_changes_record(event_ids=[event.pk]) == []
    assert public_changes_sync() == []
    assert PublicChange.objects.count() == 1


def test_sync_repairs_a_change_made_outside_the_services(api):
    event = SourcedEventFactory()
    publish(event, editor())
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    [written] = public_changes_sync()
    assert written.type == "withdrawn"
    mirror = Mirror(api)
    mirror.poll()
    assert mirror.events == public_events(api) == {}


def test_sync_public_changes_command_repairs_the_feed(api):
    event = SourcedEventFactory()
    publish(event, editor())
    Event.objects.filter(pk=event.pk).update(title="Retitled in SQL")
    out = StringIO()
    call_command("sync_public_changes", stdout=out)
    assert out.getvalue() == "Recorded 1 change(s).\n"
    assert PublicChange.objects.latest("id").type == "updated"
    call_command("sync_public_changes", stdout=out)
    assert out.getvalue().endswith("Recorded 0 change(s).\n")


def test_the_feed_lists_each_event_once_at_its_latest_change(api):
    first, second = SourcedEventFactory(), SourcedEventFactory()
    publish(first, editor())
    publish(second, editor())
    review.event_withdraw(event=first, user=editor(), reason="Wrong")
    entries = api.get("/api/changes/").json()["results"]
    assert [(e["id"], e["type"]) for e in entries] == [
        (second.pk, "published"),
        (first.pk, "withdrawn"),
    ]
    assert entries[0]["sequence"] < entries[1]["sequence"]


def test_pages_follow_next_and_the_cursor_resumes_after_the_last(api):
    events = [SourcedEventFactory() for _ in range(5)]
    for event in events:
        publish(event, editor())
    first = api.get("/api/changes/?page_size=2").json()
    assert [e["id"] for e in first["results"]] == [e.pk for e in events[:2]]
    assert "since=" in first["next"] and "page_size=2" in first["next"]
    second = api.get(first["next"]).json()
    assert [e["id"] for e in second["results"]] == [e.pk for e in events[2:4]]
    last = api.get(second["next"]).json()
    assert [e["id"] for e in last["results"]] == [events[4].pk]
    assert last["next"] is None
    empty = api.get(f"/api/changes/?since={last['cursor']}").json()
    assert empty == {"next": None, "cursor": last["cursor"], "results": []}


def test_a_page_of_changes_takes_a_fixed_number_of_queries(
    api, django_assert_num_queries
):
    for _ in range(4):
        event = SourcedEventFactory()
        publish(event, editor())
    # The page; which of its events are public; their rows (events,
    # citations, amounts, entity links).
    with django_assert_num_queries(6):
        assert len(api.get("/api/changes/").json()["results"]) == 4


# -- bad input ----------------------------------------------------------------


def _token(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "since",
    [
        "junk!",
        _token(["changes", -1]),
        _token(["changes", 2**63]),
        _token(["changes", "12"]),
        _token(["changes", True]),
        _token(["changes", 1.5]),
        _token(["date", [1, 2, 3]]),
        _token({"changes": 1}),
        _token(b"\xff\xfe"),
        "x" * 5000,
    ],
    ids=[
        "not-base64",
        "negative",
        "past-64-bits",
        "string",
        "bool",
        "float",
        "an-events-cursor",
        "object",
        "not-utf8",
        "too-long",
    ],
)
def test_a_bad_since_is_a_400_naming_it(api, since):
    response = api.get("/api/changes/", {"since": since})
    assert response.status_code == 400
    assert list(response.json()) == ["since"]


def test_unknown_parameters_of_the_feed_are_a_400_naming_them(api):
    response = api.get("/api/changes/?cursor=abc&sinse=1")
    assert response.status_code == 400
    assert set(response.json()) == {"cursor", "sinse"}
    assert "since" in response.json()["sinse"][0]


# -- the migration's backfill ---------------------------------------------------


def test_the_backfill_gives_each_public_event_one_published_entry(api):
    public = [SourcedEventFactory(status=Event.Status.PUBLISHED) for _ in range(3)]
    SourcedEventFactory(status=Event.Status.DRAFT)
    merged = SourcedEventFactory(status=Event.Status.PUBLISHED)
    Event.objects.filter(pk=merged.pk).update(merged_into=public[0])
    migration = import_module(
        "timeline.migrations.0013_public_changes_and_entity_slugs"
    )
    migration.backfill_public_changes(apps, None)
    rows = PublicChange.objects.values_list("event_id", "type")
    assert list(rows) == [(e.pk, "published") for e in public]
    mirror = Mirror(api)
    mirror.poll()
    assert mirror.events == public_events(api)
    # A backfilled entry has no fingerprint: the next change is an update.
    CitationFactory(event=public[1], sentence=1)
    [written] = public_changes_record(event_ids=[public[1].pk])
    assert (written.event_id, written.type) == (public[1].pk, "updated")


def test_deleting_in_the_admin_writes_the_tombstone(client):
    event = SourcedEventFactory()
    publish(event, editor())
    client.force_login(superuser())
    response = client.post(f"/admin/timeline/event/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    assert PublicChange.objects.last().type == "deleted"
