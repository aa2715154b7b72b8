"""Reading one article file end to end: decode, parse the header, extract events.

Shared by `manage.py extract` (prints) and `manage.py ingest` (stores), so both
see the same text, the same publication date and the same offsets.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from pathlib import Path

from corpus.extraction.events import EventCandidate, extract_events
from corpus.extraction.headers import DocumentHeader, parse_header
from corpus.reading import FALLBACK_ENCODINGS, read_article

__all__ = [
    "ArticleAnalysis",
    "analyse_article",
    "analysis_as_dict",
    "article_paths",
    "candidate_as_dict",
]


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    path: Path
    text: str
    header: DocumentHeader
    published_on: datetime.date | None
    events: list[EventCandidate]


def analyse_article(
    path: Path, *, published_on: datetime.date | None = None
) -> ArticleAnalysis:
    """Read `path` and propose its events; `published_on` overrides the header."""
    text = read_article(path, fallback_encodings=FALLBACK_ENCODINGS)
    header = parse_header(text, source_name=path.name)
    anchor = published_on or header.published_on
    events = extract_events(text, published_on=anchor)
    if published_on is None and header.date_note:
        # Every date resolved against a guessed publication date is a guess.
        note = f"publication date {anchor} is inferred: {header.date_note}"
        events = [dataclasses.replace(e, notes=(*e.notes, note)) for e in events]
    return ArticleAnalysis(
        path=path,
        text=text,
        header=header,
        published_on=anchor,
        events=events,
    )


def article_paths(paths: list[Path]) -> list[Path]:
    """Files as given, folders expanded to their *.txt files (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            out.append(path)
    return out


def candidate_as_dict(candidate: EventCandidate) -> dict:
    """The JSON shape `manage.py extract` prints for one candidate."""
    return {
        "title": candidate.title,
        "kind": candidate.kind,
        "modality": candidate.modality,
        "date": {
            "edtf": candidate.date.edtf,
            "text": candidate.date.text,
            "lower": candidate.date.lower.isoformat(),
            "upper": candidate.date.upper.isoformat(),
            "precision": candidate.date.precision,
        },
        "quote": candidate.quote,
        "start": candidate.start,
        "end": candidate.end,
        "amounts": [
            {
                "value": format(amount.value, "f"),
                "currency": amount.currency,
                "text": amount.text,
                "approximate": amount.approximate,
            }
            for amount in candidate.amounts
        ],
        "entities": [
            {"name": entity.name, "kind": entity.kind} for entity in candidate.entities
        ],
        "confidence": candidate.confidence,
        "notes": list(candidate.notes),
    }


def analysis_as_dict(analysis: ArticleAnalysis) -> dict:
    header = analysis.header
    return {
        "file": str(analysis.path),
        "document": {
            "title": header.title,
            "publisher": header.publisher,
            "author": header.author,
            "published_on": analysis.published_on.isoformat()
            if analysis.published_on
            else None,
            "language": header.language,
        },
        "events": [candidate_as_dict(c) for c in analysis.events],
    }
