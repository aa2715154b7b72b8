"""The document list at scale: its date hierarchy reads the distinct stored
dates, and its citation column counts up to a cap."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from corpus.admin import StoredDatesQuerySet
from corpus.models import Document
from tests.factories import CitationFactory, DocumentFactory, curator
from timeline.admin import documents as document_admin

pytestmark = pytest.mark.django_db

DAYS = [
    datetime.date(2019, 12, 31),
    datetime.date(2020, 1, 1),
    datetime.date(2020, 1, 1),
    datetime.date(2020, 2, 29),
    datetime.date(2023, 9, 4),
    None,
]


@pytest.mark.parametrize("kind", ["year", "month", "day"])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_stored_dates_are_djangos_dates(kind, order):
    for day in DAYS:
        DocumentFactory(published_on=day)
    for queryset in (
        Document.objects.all(),
        Document.objects.filter(published_on__year=2020),
        Document.objects.filter(title="nothing"),
    ):
        expected = list(queryset.dates("published_on", kind, order))
        found = StoredDatesQuerySet.of(queryset).dates("published_on", kind, order)
        assert list(found) == expected


def test_the_date_hierarchy_lists_the_years_then_the_months(client):
    for day in DAYS:
        DocumentFactory(published_on=day)
    client.force_login(curator())
    url = reverse("admin:corpus_document_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    # No date truncated per row in SQL (Django's own dates() does).
    assert not [q for q in queries if "trunc" in q["sql"].lower()]
    for year in ("2019", "2020", "2023"):
        assert f"?published_on__year={year}" in page
    months = client.get(url, {"published_on__year": "2020"}).content.decode()
    assert "published_on__month=1" in months and "published_on__month=2" in months
    assert "published_on__month=9" not in months


def test_the_list_counts_citations_up_to_a_cap_and_the_form_counts_all(
    client, monkeypatch
):
    monkeypatch.setattr(document_admin, "CITATIONS_COUNTED", 2)
    busy, quiet = DocumentFactory(title="Busy"), DocumentFactory(title="Quiet")
    for _ in range(3):
        CitationFactory(document=busy)
    for _ in range(2):
        CitationFactory(document=quiet)
    client.force_login(curator())
    page = client.get(reverse("admin:corpus_document_changelist")).content.decode()
    assert '<td class="field-citation_count">over 2</td>' in page
    assert '<td class="field-citation_count">2</td>' in page
    monkeypatch.setattr(document_admin, "CITATIONS_SHOWN", 1)
    form = client.get(reverse("admin:corpus_document_change", args=[busy.pk]))
    assert "The first 1 of 3 citations" in form.content.decode()
