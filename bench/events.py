"""Score the event extractor against gold events: recall, precision, dates,
kinds, modalities, amounts and titles, per language and overall.

Gold sets:
- `devset`: ../shared/devset/gold.yaml (third-party texts, read at run time,
  never copied into the repository; see its README for the guidelines);
- `seeds`: seeds/events.yaml over seeds/*.txt.

Matching. A candidate and a gold event *match* when the candidate's quote span
overlaps the span of the gold quote or of one of its alt_quotes in the same
document, and the candidate's date interval overlaps the interval of the gold
EDTF or of one of its edtf_alt. Each gold event justifies at most one
candidate and each candidate at most one gold event: pairs are taken greedily,
best first, by (same EDTF, core before optional, share of the gold span
covered), which for these sizes gives the same count as an optimal assignment
in practice. Gold events marked `optional` are neither rewarded nor penalised:
a candidate matched to one is left out of precision, an unmatched one is not a
miss.

Scores (among core matches unless said otherwise):
- recall = matched core / core gold; precision = matched core / (candidates
  - candidates matched to optional gold);
- date = candidate EDTF equal to the gold EDTF or one of its edtf_alt;
- kind, modality = equal to the gold value or one of its *_alt;
- amounts = precision and recall of (value, currency) items over matched pairs;
- title = share of all candidates' titles of at most 90 characters;
- top/bottom = precision of the more and the less confident half of the scored
  candidates (confidence should rank).

The publication date each article is read against is, by default, the one the
header parser finds (`--anchor header`, what `manage.py extract` and `ingest`
do); `--anchor gold` gives the extractor the gold metadata's date instead.

Run from the repository root: .venv/bin/python bench/events.py [--json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from corpus.dates import describe_edtf  # noqa: E402
from corpus.extraction.events import EventCandidate, extract_events  # noqa: E402
from corpus.extraction.headers import parse_header  # noqa: E402


def _devset_folder() -> Path:
    """../shared/devset beside the clone (or beside the worktrees' folder);
    TIMELINE_DEVSET overrides."""
    if os.environ.get("TIMELINE_DEVSET"):
        return Path(os.environ["TIMELINE_DEVSET"])
    candidates = [
        ROOT / ".." / "shared" / "devset",
        ROOT / ".." / ".." / "shared" / "devset",
    ]
    return next((c for c in candidates if c.exists()), candidates[0])


DEVSET = _devset_folder()
SEEDS = ROOT / "seeds"
MAX_TITLE = 90


@dataclass
class GoldEvent:
    id: str
    doc: str
    title: str
    kinds: frozenset[str]
    edtfs: tuple[str, ...]
    modalities: frozenset[str]
    spans: tuple[tuple[int, int], ...]
    amounts: frozenset[tuple[Decimal, str]]
    optional: bool
    intervals: tuple[tuple[datetime.date, datetime.date], ...] = ()

    def __post_init__(self) -> None:
        bounds = []
        for edtf in self.edtfs:
            info = describe_edtf(edtf)
            bounds.append((info.lower, info.upper))
        self.intervals = tuple(bounds)


@dataclass
class GoldDocument:
    name: str
    text: str
    language: str
    published_on: datetime.date | None
    events: list[GoldEvent] = field(default_factory=list)


def _spans(text: str, quotes: list[str], where: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for quote in quotes:
        start = text.find(quote)
        if start < 0:
            raise ValueError(f"{where}: quote not in the document: {quote[:60]!r}")
        spans.append((start, start + len(quote)))
    return tuple(spans)


def _amounts(items: list[dict]) -> frozenset[tuple[Decimal, str]]:
    return frozenset((Decimal(str(a["value"])), a["currency"]) for a in items or ())


def load_devset(folder: Path = DEVSET) -> list[GoldDocument]:
    gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    docs = {}
    for meta in gold["documents"]:
        text = (folder / (meta.get("path") or meta["doc"])).read_text(encoding="utf-8")
        docs[meta["doc"]] = GoldDocument(
            name=meta["doc"],
            text=text,
            language=meta["language"],
            published_on=datetime.date.fromisoformat(str(meta["publication_date"])),
        )
    for entry in gold["events"]:
        doc = docs[entry["doc"]]
        doc.events.append(
            GoldEvent(
                id=entry["id"],
                doc=entry["doc"],
                title=entry["title"],
                kinds=frozenset([entry["kind"], *(entry.get("kind_alt") or ())]),
                edtfs=(str(entry["edtf"]), *map(str, entry.get("edtf_alt") or ())),
                modalities=frozenset(
                    [entry["modality"], *(entry.get("modality_alt") or ())]
                ),
                spans=_spans(
                    doc.text,
                    [entry["quote"], *(entry.get("alt_quotes") or ())],
                    entry["id"],
                ),
                amounts=_amounts(entry.get("amounts")),
                optional=bool(entry.get("optional")),
            )
        )
    return list(docs.values())


def load_seeds(folder: Path = SEEDS) -> list[GoldDocument]:
    docs = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text, source_name=path.name)
        docs[path.name] = GoldDocument(
            name=path.name,
            text=text,
            language=header.language,
            published_on=header.published_on,
        )
    fixture = yaml.safe_load((folder / "events.yaml").read_text(encoding="utf-8"))
    for entry in fixture:
        for citation in entry["citations"]:
            doc = docs[citation["document"]]
            doc.events.append(
                GoldEvent(
                    id=entry["key"],
                    doc=doc.name,
                    title=entry["title"],
                    kinds=frozenset([entry["kind"]]),
                    edtfs=(str(entry["date"]["edtf"]),),
                    modalities=frozenset([entry["modality"]]),
                    spans=_spans(doc.text, [citation["quote"]], entry["key"]),
                    amounts=_amounts(entry.get("amounts")),
                    optional=False,
                )
            )
    return list(docs.values())


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_score(
    candidate: EventCandidate, gold: GoldEvent
) -> tuple[bool, bool, float] | None:
    """None when the two do not match; otherwise the greedy order key."""
    cover = max(
        _overlap((candidate.start, candidate.end), span) / (span[1] - span[0])
        for span in gold.spans
    )
    if cover <= 0:
        return None
    lower, upper = candidate.date.lower, candidate.date.upper
    if not any(
        lower <= g_upper and g_lower <= upper for g_lower, g_upper in gold.intervals
    ):
        return None
    return (candidate.date.edtf in gold.edtfs, not gold.optional, cover)


def match(
    candidates: list[EventCandidate], gold: list[GoldEvent]
) -> list[tuple[int, int]]:
    """One-to-one (candidate index, gold index) pairs, greedy on match_score."""
    scored = []
    for i, candidate in enumerate(candidates):
        for j, event in enumerate(gold):
            score = match_score(candidate, event)
            if score is not None:
                scored.append((score, i, j))
    scored.sort(key=lambda item: item[0], reverse=True)
    used_c: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i in used_c or j in used_g:
            continue
        used_c.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


@dataclass
class Tally:
    docs: int = 0
    core: int = 0
    candidates: int = 0
    scored: int = 0  # candidates not matched to optional gold
    matched: int = 0  # core matches
    date: int = 0
    kind: int = 0
    modality: int = 0
    amount_tp: int = 0
    amount_cand: int = 0
    amount_gold: int = 0
    titles_ok: int = 0
    # (confidence, matched core) of each scored candidate
    ranked: list[tuple[float, bool]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(other, name)
            if isinstance(value, list):
                getattr(self, name).extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    def summary(self) -> dict:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        ranked = sorted(self.ranked, key=lambda item: -item[0])
        half = (len(ranked) + 1) // 2
        top, bottom = ranked[:half], ranked[half:]
        return {
            "docs": self.docs,
            "gold_core": self.core,
            "candidates": self.candidates,
            "matched_core": self.matched,
            "recall": ratio(self.matched, self.core),
            "precision": ratio(self.matched, self.scored),
            "date_exact": ratio(self.date, self.matched),
            "kind": ratio(self.kind, self.matched),
            "modality": ratio(self.modality, self.matched),
            "amount_precision": ratio(self.amount_tp, self.amount_cand),
            "amount_recall": ratio(self.amount_tp, self.amount_gold),
            "title_le_90": ratio(self.titles_ok, self.candidates),
            "precision_top_half": ratio(sum(m for _, m in top), len(top)),
            "precision_bottom_half": ratio(sum(m for _, m in bottom), len(bottom)),
        }


def score_document(
    doc: GoldDocument, anchor: str, details: list[dict] | None = None
) -> Tally:
    published_on = (
        doc.published_on
        if anchor == "gold"
        else parse_header(doc.text, source_name=doc.name).published_on
    )
    candidates = extract_events(doc.text, published_on=published_on)
    pairs = match(candidates, doc.events)
    tally = Tally(docs=1, core=sum(not g.optional for g in doc.events))
    tally.candidates = len(candidates)
    tally.titles_ok = sum(len(c.title) <= MAX_TITLE for c in candidates)
    by_candidate = dict(pairs)
    for i, candidate in enumerate(candidates):
        j = by_candidate.get(i)
        gold = doc.events[j] if j is not None else None
        if gold is not None and gold.optional:
            continue
        tally.scored += 1
        tally.ranked.append((candidate.confidence, gold is not None))
        if gold is None:
            if details is not None:
                details.append(_detail("false_positive", doc, candidate, None))
            continue
        tally.matched += 1
        tally.date += candidate.date.edtf in gold.edtfs
        tally.kind += candidate.kind in gold.kinds
        tally.modality += candidate.modality in gold.modalities
        mine = {(a.value, a.currency) for a in candidate.amounts}
        tally.amount_tp += len(mine & gold.amounts)
        tally.amount_cand += len(mine)
        tally.amount_gold += len(gold.amounts)
        if details is not None and (
            candidate.date.edtf not in gold.edtfs
            or candidate.kind not in gold.kinds
            or candidate.modality not in gold.modalities
        ):
            details.append(_detail("mismatch", doc, candidate, gold))
    matched_gold = {j for _, j in pairs}
    if details is not None:
        for j, gold in enumerate(doc.events):
            if j not in matched_gold and not gold.optional:
                details.append(_detail("miss", doc, None, gold))
    return tally


def _detail(
    what: str,
    doc: GoldDocument,
    candidate: EventCandidate | None,
    gold: GoldEvent | None,
) -> dict:
    out: dict = {"what": what, "doc": doc.name}
    if gold is not None:
        out["gold"] = {
            "id": gold.id,
            "edtf": list(gold.edtfs),
            "kind": sorted(gold.kinds),
            "modality": sorted(gold.modalities),
            "quote": doc.text[gold.spans[0][0] : gold.spans[0][1]],
        }
    if candidate is not None:
        out["candidate"] = {
            "edtf": candidate.date.edtf,
            "date_text": candidate.date.text,
            "kind": candidate.kind,
            "modality": candidate.modality,
            "confidence": candidate.confidence,
            "title": candidate.title,
        }
    return out


def evaluate(
    docs: list[GoldDocument], anchor: str = "header", details: list[dict] | None = None
) -> dict:
    """Scores per language and overall ("all")."""
    tallies: dict[str, Tally] = {}
    for doc in docs:
        tally = score_document(doc, anchor, details)
        tallies.setdefault(doc.language, Tally()).add(tally)
    overall = Tally()
    for tally in tallies.values():
        overall.add(tally)
    out = {lang: tallies[lang].summary() for lang in sorted(tallies)}
    out["all"] = overall.summary()
    return out


COLUMNS = (
    ("docs", "docs"),
    ("gold_core", "gold"),
    ("candidates", "cand"),
    ("matched_core", "match"),
    ("recall", "recall"),
    ("precision", "prec"),
    ("date_exact", "date"),
    ("kind", "kind"),
    ("modality", "modal"),
    ("amount_precision", "amt P"),
    ("amount_recall", "amt R"),
    ("title_le_90", "title"),
    ("precision_top_half", "top½"),
    ("precision_bottom_half", "bot½"),
)


def table(name: str, results: dict) -> str:
    lines = [
        f"| set | lang | {' | '.join(label for _, label in COLUMNS)} |",
        "| --- | --- |" + " ---: |" * len(COLUMNS),
    ]
    for lang, row in results.items():
        cells = [
            "–"
            if row[key] is None
            else (f"{row[key]:.2f}" if isinstance(row[key], float) else str(row[key]))
            for key, _ in COLUMNS
        ]
        lines.append(f"| {name} | {lang} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("devset", "seeds", "both"), default="both")
    parser.add_argument("--anchor", choices=("header", "gold"), default="header")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--details",
        action="store_true",
        help="list misses, false positives, mismatches",
    )
    args = parser.parse_args()

    sets = {}
    if args.set in ("devset", "both"):
        if not (DEVSET / "gold.yaml").exists():
            sys.exit(f"no development set at {DEVSET.resolve()}")
        sets["devset"] = load_devset()
    if args.set in ("seeds", "both"):
        sets["seeds"] = load_seeds()
    results = {}
    details: dict[str, list[dict]] = {}
    for name, docs in sets.items():
        details[name] = []
        results[name] = evaluate(
            docs, args.anchor, details[name] if args.details else None
        )
    if args.json:
        out = {"anchor": args.anchor, "results": results}
        if args.details:
            out["details"] = details
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return
    print(f"publication date from: {args.anchor}")
    for name, result in results.items():
        print(table(name, result))
    if args.details:
        for name, items in details.items():
            for item in items:
                print(name, json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main()
