"""`shared_rows`: a module's tests share rows made once, and each test still
starts from them as they were made, whatever an earlier test wrote."""

import pytest

from tests.factories import EventFactory
from tests.shared_rows import shared_rows, uses_shared_rows
from timeline.models import Event

pytestmark = pytest.mark.django_db


@shared_rows
def headline():
    return EventFactory(title="Shared")


@pytest.mark.parametrize("change", ["delete", "rename", "add", "none"])
def test_each_test_starts_from_the_rows_as_made(headline, change):
    assert list(Event.objects.values_list("pk", "title")) == [(headline.pk, "Shared")]
    if change == "delete":
        Event.objects.filter(pk=headline.pk).delete()
    elif change == "rename":
        Event.objects.filter(pk=headline.pk).update(title="Changed")
    elif change == "add":
        EventFactory(title="Another")


def test_collection_knows_which_tests_share_rows(request):
    """What tests/conftest.py reads to refuse a transactional test beside
    shared rows (a module with one fails at collection, naming the test)."""
    here = {
        item.name: uses_shared_rows(item)
        for item in request.session.items
        if item.module.__name__ == __name__
    }
    assert here.pop("test_collection_knows_which_tests_share_rows") is False
    assert set(here.values()) == {True}
