"""The real seed corpus: every curated event loads, and every citation holds."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from corpus.models import Document
from tests.conftest import SEEDS_DIR
from tests.shared_rows import shared_rows
from timeline.models import Citation, Event

pytestmark = pytest.mark.django_db


@shared_rows
def loaded():
    """The seed corpus, loaded once for the module's tests."""
    call_command("load_seeds", dir=SEEDS_DIR, stdout=StringIO())


def test_every_seed_article_is_stored_verbatim(loaded, seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        document = Document.objects.get(source_name=path.name)
        assert document.text == path.read_bytes().decode("utf-8")


def test_every_citation_quote_matches_its_document_span(loaded):
    citations = Citation.objects.select_related("document")
    assert citations.exists()
    for citation in citations:
        text = citation.document.text
        assert text[citation.start : citation.end] == citation.quote, citation.pk


def test_every_seed_article_contributes_events(loaded):
    per_document = dict(
        Document.objects.annotate(
            n=Count("citations__event", distinct=True)
        ).values_list("source_name", "n")
    )
    assert len(per_document) == 5
    assert all(count > 0 for count in per_document.values()), per_document
    assert Event.objects.count() >= 30


def test_every_seed_event_is_dated_cited_and_published(loaded):
    for event in Event.objects.annotate(n=Count("citations")):
        assert event.n >= 1, event.key
        assert event.date_lower <= event.date_upper
        assert event.date_display
        assert event.status == Event.Status.PUBLISHED


def test_chinese_headline_event_is_kept(loaded):
    document = Document.objects.get(source_name__startswith="002_")
    headline = document.title
    assert any("\u4e00" <= ch <= "\u9fff" for ch in headline)
    quotes = Citation.objects.filter(document=document).values_list("quote", flat=True)
    assert any(headline in quote or quote in headline for quote in quotes)


def test_seed_dates_are_never_rounded_to_a_day_without_a_day_in_the_source(loaded):
    # A day-precision date must come from a phrase that names a day or weekday.
    for event in Event.objects.filter(date_precision="day"):
        assert event.date_text, event.key
