"""Reads for curators and editors: the review queue and quotes in context.

`quote_context` and `highlight_spans` return escaped, safe HTML fragments so
templates only place them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from timeline.models import Citation, Event, EventEntity

# A sentence ends at ., ! or ? followed by space, or at a blank line.
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n\s*\n")
CONTEXT_SENTENCES = 2
CONTEXT_CHARS = 700


def quote_context(
    text: str, start: int, end: int, *, sentences: int = CONTEXT_SENTENCES
) -> SafeString:
    """The quoted span with up to `sentences` sentences each side, span marked."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    cuts = [m.end() for m in SENTENCE_END.finditer(before)]
    # The last boundary before the quote starts the quote's own sentence.
    lead = before[cuts[-sentences - 1] :] if len(cuts) > sentences else before
    if len(cuts) <= sentences and start - CONTEXT_CHARS > 0:
        lead = "…" + lead.lstrip()
    ends = [m.start() for m in SENTENCE_END.finditer(after)]
    tail = after[: ends[sentences]] if len(ends) > sentences else after
    if len(ends) <= sentences and end + CONTEXT_CHARS < len(text):
        tail = tail.rstrip() + "…"
    return format_html(
        "{}<mark>{}</mark>{}", lead.lstrip(), text[start:end], tail.rstrip()
    )


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    url: str
    label: str


def highlight_spans(text: str, spans: Sequence[Span]) -> SafeString:
    """`text` escaped, with every span marked and linked; overlaps are merged."""
    points = sorted({0, len(text), *[s.start for s in spans], *[s.end for s in spans]})
    parts: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        piece = escape(text[a:b])
        if covering:
            first = covering[0]
            title = "; ".join(s.label for s in covering)
            piece = format_html(
                '<a class="cited" href="{}" title="{}"><mark>{}</mark></a>',
                first.url,
                title,
                text[a:b],
            )
        parts.append(piece)
    return mark_safe("".join(parts))  # noqa: S308 — every part is escaped above


def citation_count(by: str) -> Coalesce:
    """The number of citations whose `by` (event or document) is the outer row,
    as a correlated subquery.

    A subquery rather than Count() over a join: it runs for the rows on the
    page only and keeps the changelist's COUNT free of a GROUP BY.
    """
    counts = _citations_of(by).values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts), 0)


def _citations_of(by: str) -> QuerySet[Citation]:
    """The citations whose `by` is the outer row, unordered."""
    return Citation.objects.filter(**{by: OuterRef("pk")}).order_by()


class _CountOf(Subquery):
    """COUNT(*) of a subquery's rows (a sliced one: a capped count)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def capped_citation_count(by: str, cap: int) -> _CountOf:
    """citation_count, but counting at most `cap` + 1 citations per row: a
    list of documents cited a hundred thousand times each (bench/admin.py)
    spent 25 ms of its 100 counting them. Show `cap` + 1 as "over `cap`"."""
    return _CountOf(_citations_of(by).values("pk")[: cap + 1])


def with_source_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate `source_count`: the citations of each event."""
    return queryset.annotate(source_count=citation_count("event"))


def review_queue(*, include_drafts: bool = False) -> QuerySet[Event]:
    """Events waiting for an editor, oldest submission first, ready to render."""
    if include_drafts:
        queryset = Event.objects.filter(
            status__in=[Event.Status.IN_REVIEW, Event.Status.DRAFT],
            merged_into__isnull=True,
        ).order_by("-status", "submitted_at", "created_at", "id")
    else:
        queryset = Event.objects.awaiting_review()
    return queryset.select_related("kind", "submitted_by").prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("document__publisher"),
        ),
        "amounts",
        Prefetch("roles", queryset=EventEntity.objects.select_related("entity")),
    )


def citations_in_context(citations: Iterable[Citation]) -> list[tuple[Citation, str]]:
    return [(c, quote_context(c.document.text, c.start, c.end)) for c in citations]


def flagged_sources(*, limit: int) -> tuple[list[Citation], int]:
    """The first `limit` sources the ingest added to published events, waiting
    for an editor (oldest first), and how many wait.

    Those on events still in review show under their event in the queue and
    are accepted with it; these need a decision of their own.
    """
    # One read of the ids serves the count and the page: the few flagged
    # citations (index citation_flagged), each checked against its event by
    # an EXISTS (joined to events in one query, the database started from all
    # published events). A count and a page each did that work.
    published = Event.objects.filter(
        pk=OuterRef("event_id"),
        status=Event.Status.PUBLISHED,
        merged_into__isnull=True,
    )
    ids = list(
        Citation.objects.filter(Exists(published), needs_review=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    shown = ids[:limit]
    rows = Citation.objects.select_related("event", "document__publisher").in_bulk(
        shown
    )
    return [rows[pk] for pk in shown if pk in rows], len(ids)
