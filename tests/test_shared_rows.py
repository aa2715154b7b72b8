"""`shared_rows`: a module's tests share rows made once, and each test still
starts from them as they were made, whatever an earlier test wrote."""

import pytest

from tests.factories import EventFactory
from tests.shared_rows import shared_rows
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
