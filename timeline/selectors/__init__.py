"""Reads with their own query plans (STYLE.md "selectors").

- `review`: the review queue and quotes in the context of their article;
- `events`: who may read what, and the rows the API representation shows;
- `changes`: the public change feed;
- `pages`: keyset pages with an interval-aware plan for date windows, and the
  public JSON page built by the database.
"""

from timeline.selectors.changes import public_change_page
from timeline.selectors.events import (
    AMOUNT_ROW_FIELDS,
    EVENT_ROW_FIELDS,
    PUBLIC_CITATIONS,
    ROLE_ROW_FIELDS,
    SOURCE_ROW_FIELDS,
    citation_queryset,
    document_queryset,
    entity_queryset,
    event_get,
    event_list,
    event_queryset,
    event_row,
    event_rows_by_ids,
    event_with_related,
    events_by_ids,
    publisher_queryset,
    user_can_see_unpublished,
)
from timeline.selectors.pages import (
    ORDERINGS,
    EventPage,
    Ordering,
    arm_floors,
    event_page,
    event_page_ids,
    keyset_after,
    longest_interval_days,
    order_by_args,
    overlap_arms,
)
from timeline.selectors.public import PublicPage, PublicPageQuery, kind_ids, public_page
from timeline.selectors.review import (
    Span,
    capped_citation_count,
    citation_count,
    citations_in_context,
    flagged_sources,
    highlight_spans,
    quote_context,
    review_queue,
    with_source_counts,
)
from timeline.selectors.revisions import DiffRow, pending_revisions, revision_diff

__all__ = [
    "DiffRow",
    "pending_revisions",
    "revision_diff",
    "AMOUNT_ROW_FIELDS",
    "EVENT_ROW_FIELDS",
    "ORDERINGS",
    "PUBLIC_CITATIONS",
    "ROLE_ROW_FIELDS",
    "SOURCE_ROW_FIELDS",
    "Ordering",
    "PublicPage",
    "PublicPageQuery",
    "Span",
    "capped_citation_count",
    "citation_count",
    "citation_queryset",
    "citations_in_context",
    "document_queryset",
    "entity_queryset",
    "event_get",
    "event_list",
    "EventPage",
    "event_page",
    "event_page_ids",
    "event_queryset",
    "event_row",
    "event_rows_by_ids",
    "event_with_related",
    "events_by_ids",
    "flagged_sources",
    "highlight_spans",
    "kind_ids",
    "keyset_after",
    "order_by_args",
    "overlap_arms",
    "longest_interval_days",
    "arm_floors",
    "public_change_page",
    "public_page",
    "publisher_queryset",
    "quote_context",
    "review_queue",
    "user_can_see_unpublished",
    "with_source_counts",
]
