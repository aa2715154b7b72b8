"""The editorial workflow services: transitions, permissions, reasons, history."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tests.factories import (
    EventFactory,
    SourcedEventFactory,
    UserFactory,
    curator,
    editor,
    superuser,
)
from timeline.models import Event
from timeline.services import review
from timeline.services.events import StaleVersion

pytestmark = pytest.mark.django_db

S = Event.Status
ROLES = ["anonymous", "curator", "editor", "superuser", "staff_without_group"]


def make_user(role):
    return {
        "anonymous": AnonymousUser,
        "curator": curator,
        "editor": editor,
        "superuser": superuser,
        "staff_without_group": lambda: UserFactory(username="plain"),
    }[role]()


# (transition, status before, allowed roles)
MATRIX = [
    ("submit", S.DRAFT, {"curator", "editor", "superuser"}),
    ("publish", S.IN_REVIEW, {"editor", "superuser"}),
    ("reject", S.IN_REVIEW, {"editor", "superuser"}),
    ("withdraw", S.PUBLISHED, {"editor", "superuser"}),
]


def call(name, event, user):
    if name == "reject":
        return review.event_reject(event=event, user=user, reason="Wrong date.")
    return getattr(review, f"event_{name}")(event=event, user=user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "before", "allowed"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_transition_permission_matrix(role, name, before, allowed):
    user = make_user(role)
    event = SourcedEventFactory(status=before)
    if role in allowed:
        call(name, event, user)
        event.refresh_from_db()
        assert event.status == review.TRANSITIONS[name].target
        assert event.version == 2
    else:
        with pytest.raises(PermissionDenied):
            call(name, event, user)
        event.refresh_from_db()
        assert (event.status, event.version) == (before, 1)


@pytest.mark.parametrize(
    ("name", "before"),
    [
        ("publish", S.DRAFT),
        ("publish", S.REJECTED),
        ("publish", S.PUBLISHED),
        ("submit", S.IN_REVIEW),
        ("submit", S.PUBLISHED),
        ("withdraw", S.DRAFT),
        ("withdraw", S.IN_REVIEW),
        ("reject", S.PUBLISHED),
        ("reject", S.REJECTED),
    ],
)
def test_illegal_transition_is_refused_and_changes_nothing(name, before):
    event = SourcedEventFactory(status=before)
    with pytest.raises(review.InvalidTransition):
        call(name, event, superuser())
    event.refresh_from_db()
    assert (event.status, event.version) == (before, 1)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_without_a_reason_is_refused(reason):
    event = SourcedEventFactory(status=S.IN_REVIEW)
    with pytest.raises(review.InvalidTransition, match="reason"):
        review.event_reject(event=event, user=editor(), reason=reason)
    event.refresh_from_db()
    assert event.status == S.IN_REVIEW
    with pytest.raises(review.InvalidTransition, match="reason"):
        review.events_reject(events=[event], user=editor(), reason=reason)


def test_review_records_who_when_and_why_on_the_event_and_in_history():
    author, boss = curator(), editor()
    event = SourcedEventFactory()
    review.event_submit(event=event, user=author, note="Date checked twice.")
    review.event_reject(event=event, user=boss, reason="The source says 2024.")
    event.refresh_from_db()
    assert event.status == S.REJECTED
    assert event.reviewed_by == boss
    assert event.reviewed_at is not None
    assert event.review_note == "The source says 2024."
    assert event.submitted_by == author
    latest, submitted = event.history.all()[:2]
    assert latest.history_user == boss
    assert latest.status == S.REJECTED
    assert latest.history_change_reason == "Rejected: The source says 2024."
    assert (
        submitted.history_change_reason == "Submitted for review: Date checked twice."
    )
    assert submitted.history_user == author


def test_full_cycle_draft_review_publish_withdraw_resubmit():
    event = SourcedEventFactory()
    user = editor()
    review.event_submit(event=event, user=user)
    review.event_publish(event=event, user=user, note="Matches the source.")
    assert Event.objects.published().filter(pk=event.pk).exists()
    review.event_withdraw(event=event, user=user, reason="Source retracted.")
    event.refresh_from_db()
    assert (event.status, event.version) == (S.DRAFT, 4)
    review.event_submit(event=event, user=user)
    assert event.status == S.IN_REVIEW


def test_transition_with_a_stale_version_is_refused():
    event = SourcedEventFactory(status=S.IN_REVIEW)
    Event.objects.filter(pk=event.pk).update(version=5)
    with pytest.raises(StaleVersion):
        review.event_publish(event=event, user=editor(), expected_version=4)
    review.event_publish(event=event, user=editor(), expected_version=5)


def test_merged_event_cannot_be_resubmitted():
    survivor = SourcedEventFactory()
    merged = SourcedEventFactory(status=S.REJECTED, merged_into=survivor)
    with pytest.raises(review.InvalidTransition, match="merged"):
        review.event_submit(event=merged, user=editor())


def test_bulk_publish_skips_illegal_rows_and_writes_history_in_constant_queries(
    django_assert_max_num_queries,
):
    user = editor()
    ready = SourcedEventFactory.create_batch(30, status=S.IN_REVIEW)
    draft = SourcedEventFactory(status=S.DRAFT)
    user.has_perm("timeline.publish_event")  # warm the permission cache
    # 8 for the transition; 8 for the public feed (the events, their rows in
    # 4 queries, their last entries, a lock on PostgreSQL, one INSERT).
    with django_assert_max_num_queries(16):
        result = review.events_publish(events=[*ready, draft], user=user)
    assert len(result.changed) == 30
    assert [e.pk for e, _ in result.skipped] == [draft.pk]
    assert Event.objects.published().count() == 30
    record = Event.history.filter(id=ready[0].pk).first()
    assert (record.status, record.history_user, record.version) == (
        S.PUBLISHED,
        user,
        2,
    )
    assert Event.history.filter(status=S.PUBLISHED).count() == 30


def test_bulk_transitions_refuse_users_without_permission():
    events = EventFactory.create_batch(2, status=S.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        review.events_publish(events=events, user=curator())
    assert not Event.objects.published().exists()


def test_awaiting_review_is_oldest_submission_first():
    user = curator()
    first, second = SourcedEventFactory(), SourcedEventFactory()
    review.event_submit(event=second, user=user)
    review.event_submit(event=first, user=user)
    assert list(Event.objects.awaiting_review()) == [second, first]


LONG_REASON = (
    "The date is the signing of the framework agreement, not the approval; "
    "the approval came three weeks later according to the second source."
) * 4  # 556 characters: far past the 100 a history column used to hold


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if hasattr(m, "history")],
    ids=lambda m: m.__name__,
)
def test_every_history_keeps_a_reason_of_any_length(model):
    field = model.history.model._meta.get_field("history_change_reason")
    assert field.max_length is None
    assert field.get_internal_type() == "TextField"


@pytest.mark.parametrize(
    ("name", "before"), [("reject", S.IN_REVIEW), ("withdraw", S.PUBLISHED)]
)
def test_a_long_reason_is_kept_whole_on_the_event_and_in_its_history(name, before):
    event = EventFactory(status=before)
    service = getattr(review, f"event_{name}")
    service(event=event, user=editor(), reason=LONG_REASON)
    event.refresh_from_db()
    assert event.review_note == LONG_REASON
    record = event.history.first()
    label = review.TRANSITIONS[name].label
    assert record.history_change_reason == f"{label}: {LONG_REASON}"


def test_a_long_bulk_reason_is_kept_whole_in_every_history_record():
    events = [EventFactory(status=S.IN_REVIEW) for _ in range(2)]
    review.events_reject(events=events, user=editor(), reason=LONG_REASON)
    for event in events:
        record = event.history.first()
        assert record.history_change_reason == f"Rejected: {LONG_REASON}"
