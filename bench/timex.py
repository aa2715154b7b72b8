"""Score the temporal tagger on MEANTIME English with TempEval-3 metrics (strict
and relaxed extent P/R/F1, value accuracy and value F1) and time it."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.extraction.timex import tag_dates  # noqa: E402

DEFAULT_DATA = ROOT / ".." / "shared" / "benchmarks" / "timex" / "meantime-en.jsonl"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    type: str
    value: str
    text: str


def match(gold: list[Span], pred: list[Span]) -> list[tuple[Span, Span]]:
    """One predicted span per gold span: identical extents first, then the
    largest overlap among those still free (TempEval-3)."""
    pairs: list[tuple[Span, Span]] = []
    free = list(pred)
    unmatched: list[Span] = []
    for g in gold:
        same = next((p for p in free if (p.start, p.end) == (g.start, g.end)), None)
        if same is None:
            unmatched.append(g)
        else:
            free.remove(same)
            pairs.append((g, same))
    for g in unmatched:
        best, best_overlap = None, 0
        for p in free:
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > best_overlap:
                best, best_overlap = p, overlap
        if best is not None:
            free.remove(best)
            pairs.append((g, best))
    return pairs


def prf(hits: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = hits / n_pred if n_pred else 0.0
    r = hits / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(docs: list[tuple[list[Span], list[Span]]]) -> dict[str, float]:
    n_gold = n_pred = strict = relaxed = value_ok = 0
    for gold, pred in docs:
        n_gold += len(gold)
        n_pred += len(pred)
        for g, p in match(gold, pred):
            relaxed += 1
            strict += (g.start, g.end) == (p.start, p.end)
            value_ok += g.value == p.value
    sp, sr, sf = prf(strict, n_pred, n_gold)
    rp, rr, rf = prf(relaxed, n_pred, n_gold)
    accuracy = value_ok / relaxed if relaxed else 0.0
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "strict_p": sp,
        "strict_r": sr,
        "strict_f1": sf,
        "relaxed_p": rp,
        "relaxed_r": rr,
        "relaxed_f1": rf,
        "value_accuracy": accuracy,
        "value_f1": rf * accuracy,
    }


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run(path: Path, *, show_errors: bool = False) -> dict[str, object]:
    rows = load(path)
    per_doc: list[tuple[list[Span], list[Span]]] = []
    chars = 0
    elapsed = 0.0
    for row in rows:
        text = row["text"]
        anchor = dt.date.fromisoformat(row["dct"])
        t0 = time.perf_counter()
        tagged = tag_dates(text, anchor=anchor)
        elapsed += time.perf_counter() - t0
        chars += len(text)
        gold = [
            Span(t["start"], t["end"], t["type"], t["value"], t["text"])
            for t in row["timexes"]
        ]
        pred = [Span(t.start, t.end, t.type, t.value, t.text) for t in tagged]
        per_doc.append((gold, pred))
        if show_errors:
            report_errors(row, gold, pred)
    dates = [
        ([g for g in gold if g.type == "DATE"], [p for p in pred if p.type == "DATE"])
        for gold, pred in per_doc
    ]
    return {
        "documents": len(rows),
        "overall": score(per_doc),
        "date": score(dates),
        "ms_per_kb": 1000 * elapsed / (chars / 1000) if chars else 0.0,
    }


def report_errors(row: dict, gold: list[Span], pred: list[Span]) -> None:
    matched = match(gold, pred)
    seen_pred = {id(p) for _, p in matched}
    seen_gold = {id(g) for g, _ in matched}
    out = sys.stdout
    for g, p in matched:
        if g.value != p.value or (g.start, g.end) != (p.start, p.end):
            out.write(
                f"{row['dct']} MISMATCH gold {g.text!r} {g.type} {g.value} | "
                f"pred {p.text!r} {p.type} {p.value}\n"
            )
    for g in gold:
        if id(g) not in seen_gold:
            out.write(f"{row['dct']} MISSED   {g.text!r} {g.type} {g.value}\n")
    for p in pred:
        if id(p) not in seen_pred:
            out.write(f"{row['dct']} SPURIOUS {p.text!r} {p.type} {p.value}\n")


def table(result: dict[str, object]) -> str:
    lines = [
        f"MEANTIME-en: {result['documents']} documents, "
        f"{result['ms_per_kb']:.3f} ms per KB",
        f"{'':8} {'gold':>5} {'pred':>5} {'strict F1':>10} {'relaxed F1':>11} "
        f"{'value acc':>10} {'value F1':>9}",
    ]
    for name in ("overall", "date"):
        s = result[name]
        assert isinstance(s, dict)
        lines.append(
            f"{name:8} {s['gold']:>5} {s['predicted']:>5} {s['strict_f1']:>10.3f} "
            f"{s['relaxed_f1']:>11.3f} {s['value_accuracy']:>10.3f} "
            f"{s['value_f1']:>9.3f}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print JSON results")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    result = run(args.data, show_errors=args.errors)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
