"""Finding quotes in documents: citations point into the stored text by offsets."""

from __future__ import annotations

from corpus.models import Document


class QuoteNotFound(ValueError):
    """The quote does not occur in the document's stored text."""


def quote_locate(
    *, text: str, quote: str, start_hint: int | None = None
) -> tuple[int, int]:
    """Return (start, end) of `quote` in `text`, so that text[start:end] == quote.

    The first occurrence wins unless `start_hint` names one that matches.
    """
    if not quote:
        raise QuoteNotFound("the quote is empty")
    if start_hint is not None and text[start_hint : start_hint + len(quote)] == quote:
        return start_hint, start_hint + len(quote)
    start = text.find(quote)
    if start < 0:
        raise QuoteNotFound("the quote does not occur in the document")
    return start, start + len(quote)


def document_quote_locate(*, document: Document, quote: str) -> tuple[int, int]:
    try:
        return quote_locate(text=document.text, quote=quote)
    except QuoteNotFound as exc:
        raise QuoteNotFound(f"{exc}: {document.source_name or document.title}") from exc
