"""Admin permissions, workflow actions, the review queue, merging and citations."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tests.factories import (
    AmountFactory,
    CitationFactory,
    DocumentFactory,
    EventEntityFactory,
    EventFactory,
    SourcedEventFactory,
    admin_form_data,
    curator,
    editor,
    superuser,
)
from timeline.models import Citation, Event, EventEntity
from timeline.services.events import event_merge

pytestmark = pytest.mark.django_db

S = Event.Status
CHANGELIST = "admin:timeline_event_changelist"
ROLES = ["anonymous", "curator", "editor", "superuser"]


@pytest.fixture
def login(client):
    def as_role(role):
        user = {
            "anonymous": lambda: AnonymousUser(),
            "curator": curator,
            "editor": editor,
            "superuser": superuser,
        }[role]()
        if role != "anonymous":
            client.force_login(user)
        return client

    return as_role


# page -> roles that may open it
PAGES = {
    "changelist": {"curator", "editor", "superuser"},
    "add": {"curator", "editor", "superuser"},
    "change": {"curator", "editor", "superuser"},
    "delete": {"superuser"},
    "history": {"curator", "editor", "superuser"},
    "review": {"curator", "editor", "superuser"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_admin_page_permission_matrix(login, role, page):
    event = SourcedEventFactory()
    client = login(role)
    name = {"review": "timeline_event_review"}.get(page, f"timeline_event_{page}")
    args = [] if page in ("changelist", "add", "review") else [event.pk]
    response = client.get(reverse(f"admin:{name}", args=args))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    elif role in PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


# action -> (status before, roles allowed, extra POST)
ACTIONS = {
    "submit_for_review": (S.DRAFT, {"curator", "editor", "superuser"}, {}),
    "publish": (S.IN_REVIEW, {"editor", "superuser"}, {}),
    "reject": (S.IN_REVIEW, {"editor", "superuser"}, {"apply": "1", "reason": "Dup"}),
    "withdraw": (S.PUBLISHED, {"editor", "superuser"}, {"apply": "1", "reason": ""}),
    "delete_selected": (S.DRAFT, {"superuser"}, {"post": "yes"}),
}
TARGET = {
    "submit_for_review": S.IN_REVIEW,
    "publish": S.PUBLISHED,
    "reject": S.REJECTED,
    "withdraw": S.DRAFT,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_admin_action_permission_matrix(login, role, action):
    before, allowed, extra = ACTIONS[action]
    event = SourcedEventFactory(status=before)
    client = login(role)
    url = reverse(CHANGELIST)
    if role != "anonymous":
        form = client.get(url).context["action_form"]
        offered = [name for name, _ in form.fields["action"].choices]
        assert (action in offered) == (role in allowed)
    client.post(url, {"action": action, "_selected_action": [event.pk], **extra})
    stored = Event.objects.filter(pk=event.pk).first()
    if role in allowed:
        if action == "delete_selected":
            assert stored is None
        else:
            assert stored.status == TARGET[action]
            assert stored.history.first().history_user.is_authenticated
    else:
        assert stored is not None and stored.status == before


def test_reject_action_without_a_reason_is_refused_and_asks_again(login):
    event = SourcedEventFactory(status=S.IN_REVIEW)
    client = login("editor")
    url = reverse(CHANGELIST)
    response = client.post(url, {"action": "reject", "_selected_action": [event.pk]})
    assert response.status_code == 200
    assert "Reason" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "reject",
            "_selected_action": [event.pk],
            "apply": "1",
            "reason": " ",
        },
    )
    assert "Give a reason" in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == S.IN_REVIEW


def test_bulk_action_reports_skipped_events(login):
    ready = SourcedEventFactory(status=S.IN_REVIEW)
    draft = SourcedEventFactory(status=S.DRAFT, title="Not yet")
    client = login("editor")
    response = client.post(
        reverse(CHANGELIST),
        {"action": "publish", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "Published: 1 event." in content
    assert "Skipped “Not yet”" in content


def test_change_form_buttons_and_transition_page(login):
    event = SourcedEventFactory()
    client = login("curator")
    change = reverse("admin:timeline_event_change", args=[event.pk])
    content = client.get(change).content.decode()
    assert "Submit for review" in content
    assert "transition/publish" not in content
    url = reverse("admin:timeline_event_transition", args=[event.pk, "submit"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Checked.", "version": "1"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.review_note) == (S.IN_REVIEW, "Checked.")
    publish = reverse("admin:timeline_event_transition", args=[event.pk, "publish"])
    assert client.post(publish, {"version": "2"}).status_code == 403


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver/admin/",  # same host, but the request was HTTPS
    ],
)
def test_transition_never_redirects_off_site(login, next_url):
    event = SourcedEventFactory()
    client = login("curator")
    url = reverse("admin:timeline_event_transition", args=[event.pk, "submit"])
    response = client.post(url, {"version": "1", "next": next_url}, secure=True)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:timeline_event_change", args=[event.pk]
    )
    assert Event.objects.get(pk=event.pk).status == S.IN_REVIEW


@pytest.mark.parametrize(
    "next_url", ["/admin/timeline/event/?status=in_review", "https://testserver/admin/"]
)
def test_transition_redirects_to_a_same_site_next(login, next_url):
    event = SourcedEventFactory()
    client = login("curator")
    url = reverse("admin:timeline_event_transition", args=[event.pk, "submit"])
    response = client.post(url, {"version": "1", "next": next_url}, secure=True)
    assert (response.status_code, response["Location"]) == (302, next_url)


def test_review_queue_publish_one_and_reject_one_needs_a_reason(login):
    first = SourcedEventFactory(status=S.IN_REVIEW, title="First")
    second = SourcedEventFactory(status=S.IN_REVIEW, title="Second")
    CitationFactory(event=first)
    client = login("editor")
    url = reverse("admin:timeline_event_review")
    client.post(url, {"publish_one": first.pk, f"version_{first.pk}": 1})
    client.post(url, {"reject_one": second.pk, f"version_{second.pk}": 1})
    assert Event.objects.get(pk=first.pk).status == S.PUBLISHED
    assert Event.objects.get(pk=second.pk).status == S.IN_REVIEW  # no reason
    client.post(
        url,
        {
            "reject_one": second.pk,
            f"version_{second.pk}": 1,
            f"reason_{second.pk}": "Dup",
        },
    )
    assert Event.objects.get(pk=second.pk).review_note == "Dup"


def test_review_queue_bulk_publish_skips_events_changed_since_loading(login):
    events = SourcedEventFactory.create_batch(3, status=S.IN_REVIEW)
    Event.objects.filter(pk=events[2].pk).update(version=7)
    client = login("editor")
    data = {"publish_selected": "1", "ids": [e.pk for e in events]}
    data.update({f"version_{e.pk}": 1 for e in events})
    client.post(reverse("admin:timeline_event_review"), data)
    assert Event.objects.published().count() == 2
    assert Event.objects.get(pk=events[2].pk).status == S.IN_REVIEW


def test_review_queue_curator_sees_no_publish_buttons_and_cannot_post(login):
    event = SourcedEventFactory(status=S.IN_REVIEW)
    client = login("curator")
    url = reverse("admin:timeline_event_review")
    assert "publish_one" not in client.get(url).content.decode()
    client.post(url, {"publish_one": event.pk, f"version_{event.pk}": 1})
    assert Event.objects.get(pk=event.pk).status == S.IN_REVIEW


def test_merge_keeps_every_source_amount_and_entity_and_never_deletes():
    survivor, other = EventFactory(), EventFactory(status=S.PUBLISHED)
    shared = DocumentFactory()
    CitationFactory(event=survivor, document=shared, sentence=0)
    CitationFactory(event=other, document=shared, sentence=0)  # exact duplicate
    CitationFactory(event=other, document=shared, sentence=1)
    CitationFactory(event=other)
    AmountFactory(event=other)
    role = EventEntityFactory(event=other)
    user = editor()

    report = event_merge(survivor=survivor, others=[other], user=user)

    assert (report.citations_moved, report.duplicates_skipped) == (2, 1)
    assert survivor.citations.count() == 3
    assert survivor.amounts.count() == 1
    assert EventEntity.objects.get(pk=role.pk).event == survivor
    other.refresh_from_db()
    assert other.merged_into == survivor
    assert other.status == S.REJECTED
    assert "Merged into event" in other.review_note
    assert Citation.objects.count() == 4  # nothing deleted
    assert other.history.first().history_user == user
    assert Citation.history.filter(event_id=survivor.pk, history_type="~").count() == 2


def test_merge_action_in_the_admin(login):
    a, b, c = EventFactory.create_batch(3)
    for event in (a, b, c):
        CitationFactory(event=event)
    client = login("curator")
    url = reverse(CHANGELIST)
    ids = [a.pk, b.pk, c.pk]
    response = client.post(url, {"action": "merge", "_selected_action": ids})
    assert response.status_code == 200
    assert "Choose the event that survives" in response.content.decode()
    client.post(
        url,
        {"action": "merge", "_selected_action": ids, "apply": "1", "survivor": b.pk},
    )
    assert Event.objects.get(pk=b.pk).citations.count() == 3
    assert set(Event.objects.filter(merged_into=b).values_list("pk", flat=True)) == {
        a.pk,
        c.pk,
    }
    # Merged-away events stay findable in the admin.
    response = client.get(url + "?merged=yes")
    assert response.context["cl"].result_count == 2


def test_citation_inline_finds_offsets_from_the_pasted_quote(login):
    event = SourcedEventFactory()
    document = DocumentFactory()
    quote = "The city will invest 10 billion yuan in research parks by 2026."
    client = login("curator")
    url = reverse("admin:timeline_event_change", args=[event.pk])
    data = admin_form_data(client.get(url))
    data.update(
        {
            "citations-TOTAL_FORMS": 1,
            "citations-0-document": document.pk,
            "citations-0-quote": quote,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    citation = event.citations.get()
    assert document.text[citation.start : citation.end] == quote


def test_citation_inline_refuses_a_quote_not_in_the_document(login):
    event = EventFactory()
    document = DocumentFactory()
    client = login("curator")
    url = reverse("admin:timeline_event_change", args=[event.pk])
    data = admin_form_data(client.get(url))
    data.update(
        {
            "citations-TOTAL_FORMS": 1,
            "citations-0-document": document.pk,
            "citations-0-quote": "Beijing announced nothing.",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This quote does not occur in" in response.content.decode()
    assert not event.citations.exists()
    assert Event.objects.get(pk=event.pk).version == 1


def test_entity_merge_action_moves_links_and_keeps_names_as_aliases(login):
    from tests.factories import EntityFactory
    from timeline.models import Entity

    first = EntityFactory(name="Shanghai Municipal Government")
    second = EntityFactory(name="Shanghai government", aliases=["SMG"])
    event = SourcedEventFactory()
    EventEntityFactory(event=event, entity=first, role="organiser")
    EventEntityFactory(event=event, entity=second, role="organiser")  # duplicate
    other = EventEntityFactory(entity=second, role="funder")
    client = login("curator")
    client.post(
        reverse("admin:timeline_entity_changelist"),
        {"action": "merge", "_selected_action": [first.pk, second.pk]},
    )
    first.refresh_from_db()
    assert first.aliases == ["Shanghai government", "SMG"]
    assert not Entity.objects.filter(pk=second.pk).exists()
    assert EventEntity.objects.get(pk=other.pk).entity == first
    assert event.roles.count() == 1
    response = client.get(
        reverse("admin:timeline_entity_changelist"), {"q": "Shanghai government"}
    )
    assert list(response.context["cl"].result_list) == [first]


BAD_NUMBERS = ["abc", "1.5", "", " ", "²", "-3", "1e3", str(2**64), "9" * 40, "0x10"]


def _posted(client, data):
    """POST to the review queue; the editor lands back on it with a message."""
    url = reverse("admin:timeline_event_review")
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    "button",
    ["publish_one", "reject_one", "accept_source", "detach_source", "bulk_id"],
)
def test_review_queue_refuses_a_bad_number_with_a_message(login, button, value):
    event = EventFactory(status=S.IN_REVIEW)
    CitationFactory(event=event)
    client = login("editor")
    if button == "bulk_id":
        data = {"publish_selected": "1", "ids": [event.pk, value]}
    else:
        data = {button: value, f"reason_{value}": "Dup"}
    messages = _posted(client, data)
    assert any(f"{value!r} is not an event id" in m for m in messages) or any(
        f"{value!r} is not a source id" in m for m in messages
    ), messages
    assert Event.objects.get(pk=event.pk).status == S.IN_REVIEW


@pytest.mark.parametrize("value", [v for v in BAD_NUMBERS if v.strip()])
@pytest.mark.parametrize("button", ["publish_one", "reject_one", "bulk"])
def test_review_queue_refuses_a_bad_version_with_a_message(login, button, value):
    event = EventFactory(status=S.IN_REVIEW)
    CitationFactory(event=event)
    client = login("editor")
    data = {f"version_{event.pk}": value, f"reason_{event.pk}": "Dup"}
    if button == "bulk":
        data.update({"publish_selected": "1", "ids": [event.pk]})
    else:
        data[button] = event.pk
    messages = _posted(client, data)
    assert any(f"{value!r} is not a version" in m for m in messages), messages
    assert Event.objects.get(pk=event.pk).status == S.IN_REVIEW


@pytest.mark.parametrize("value", ["abc", "1.5", "²", str(2**64)])
def test_transition_page_refuses_a_bad_version_on_the_form(login, value):
    event = EventFactory(status=S.IN_REVIEW)
    client = login("editor")
    url = reverse("admin:timeline_event_transition", args=[event.pk, "reject"])
    response = client.post(url, {"reason": "Dup", "version": value})
    assert response.status_code == 200
    assert "is not a version" in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == S.IN_REVIEW
