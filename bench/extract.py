"""Benchmark and score the article extractor.

1. Throughput: articles per second on one core through the whole pipeline
   (header, dates, amounts, sentences, entities, candidates), by wall clock
   and by CPU time, on three sets: the seeds repeated (real news); synthetic
   5 KB articles whose share of dated sentences is the seeds'; and the dense
   stress case, 5 KB in which every sentence carries dated facts.
2. Seed recall: how many curated fixture events (seeds/events.yaml) the
   extractor recovers, and with the right EDTF date.

Run from the repository root: .venv/bin/python bench/extract.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from corpus.extraction.events import extract_events  # noqa: E402
from corpus.extraction.headers import parse_header  # noqa: E402
from corpus.extraction.sentences import split_sentences  # noqa: E402
from corpus.extraction.timex import tag_dates  # noqa: E402

SEEDS = ROOT / "seeds"

SYNTHETIC_SENTENCES = [
    "The company said on Tuesday that revenue rose 12 percent to 3.2 billion yuan"
    " in 2023.",
    "Regulators approved the drug in late August, according to a statement.",
    "The city aims to build 50 smart hospitals by 2025 under a three-year action plan.",
    "Shares closed at 24.50 yuan, while trading volume reached 1,200 lots.",
    "The two firms signed a licensing deal worth up to $1.2 billion"
    " in March this year.",
    "Analysts expect the market to exceed 500 billion yuan by 2030.",
    "The expo, held from 2019 to 2024 in Shanghai, drew 2,000 exhibitors.",
    "Since 2015, the province has invested heavily in biotech parks.",
    "他说，预计2025年市场规模将达到1.5万亿元。",
    "Officials met in the first half of 2024 to discuss the new policy.",
]


# Sentences news carries between its dated facts: background, quotes,
# explanation. No dates, amounts or times.
UNDATED_SENTENCES = [
    "The hospital group operates clinics in several provinces and employs"
    " thousands of doctors and nurses.",
    '"We are committed to making innovative medicines available to more'
    ' patients," the chief executive said in a statement.',
    "Analysts said the move reflects growing competition among domestic drugmakers.",
    "The company did not respond to a request for comment.",
    "Researchers at the institute have focused on gene therapies for rare diseases.",
    "Local officials said the programme would help attract talent and capital"
    " to the region.",
    "The regulator has encouraged hospitals to adopt digital records and remote"
    " consultations.",
    "Investors have been cautious about the sector amid pricing pressure from"
    " volume-based procurement.",
    "The partnership will combine the firm's research platform with its"
    " partner's manufacturing network.",
    "Patients in smaller cities often travel long distances to see specialists.",
    "该公司表示，将继续加大研发投入，推动创新药物上市。",
    "Industry groups welcomed the guidelines but called for clearer rules on data"
    " sharing.",
]


def synthetic_article(
    rng: random.Random, size: int = 5000, dated_share: float = 1.0
) -> str:
    """About `size` characters of news-like text under a header line; each
    sentence carries dated facts with probability `dated_share` (1.0: every
    sentence, the dense stress case)."""
    parts = [
        "Synthetic health news",
        "",
        "By A. Writer | Example Daily | 2024-05-06",
        "",
    ]
    length = 0
    while length < size:
        pool = SYNTHETIC_SENTENCES if rng.random() < dated_share else UNDATED_SENTENCES
        sentence = rng.choice(pool)
        parts.append(sentence)
        length += len(sentence) + 1
    return "\n".join(parts)


def seed_dated_share(articles: list[str]) -> float:
    """The share of the seed articles' sentences that carry a usable date."""
    sentences = dated = 0
    for text in articles:
        header = parse_header(text)
        dates = [
            t
            for t in tag_dates(text, anchor=header.published_on)
            if t.type == "DATE" and t.edtf
        ]
        for sentence in split_sentences(text):
            sentences += 1
            dated += any(sentence.start <= d.start < sentence.end for d in dates)
    return dated / sentences


def seed_articles() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def throughput(articles: list[str], seconds: float) -> dict[str, float]:
    """Articles and KB per second through header + extraction, by wall clock
    and by this process's CPU time (the machine is shared: CPU time is what
    other load on the cores does not inflate)."""
    count = total = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while time.perf_counter() - started < seconds:
        for text in articles:
            header = parse_header(text)
            extract_events(text, published_on=header.published_on)
            count += 1
            total += len(text.encode("utf-8"))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "articles_per_s": count / elapsed,
        "kb_per_s": total / 1024 / elapsed,
        "cpu_articles_per_s": count / cpu,
        "cpu_kb_per_s": total / 1024 / cpu,
    }


def candidates_per_kb(articles: list[str]) -> float:
    candidates = sum(
        len(extract_events(text, published_on=parse_header(text).published_on))
        for text in articles
    )
    return candidates / (sum(len(t.encode("utf-8")) for t in articles) / 1024)


def seed_recall() -> dict:
    """Share of curated events whose quote span and date the extractor finds."""
    fixture = yaml.safe_load((SEEDS / "events.yaml").read_text(encoding="utf-8"))
    by_doc: dict[str, list] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text, source_name=path.name)
        by_doc[path.name] = (
            text,
            extract_events(text, published_on=header.published_on),
        )
    found = dated = 0
    misses = []
    for entry in fixture:
        edtf = str(entry["date"]["edtf"])
        hit = same_date = False
        for citation in entry["citations"]:
            text, candidates = by_doc[citation["document"]]
            start = text.find(citation["quote"])
            end = start + len(citation["quote"])
            overlapping = [c for c in candidates if c.start < end and start < c.end]
            if overlapping:
                hit = True
                same_date = same_date or any(c.date.edtf == edtf for c in overlapping)
        found += hit
        dated += same_date
        if not same_date:
            misses.append(
                {
                    "key": entry["key"],
                    "edtf": edtf,
                    "found": [
                        c.date.edtf
                        for c in by_doc[entry["citations"][0]["document"]][1]
                        if c.start <= text.find(entry["citations"][0]["quote"]) < c.end
                    ]
                    if hit
                    else [],
                }
            )
    candidates = sum(len(c) for _, c in by_doc.values())
    return {
        "curated_events": len(fixture),
        "recalled": found,
        "recall": round(found / len(fixture), 3),
        "recalled_with_same_edtf": dated,
        "date_accuracy_on_recalled": round(dated / found, 3) if found else 0.0,
        "candidates": candidates,
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()

    seeds = seed_articles()
    share = seed_dated_share(seeds)
    rng = random.Random(7)
    sets = {
        "seeds": seeds,
        # 5 KB articles as dense in dated facts as the seeds (news), and the
        # stress case where every sentence carries some (10 times as dense).
        "synthetic_news_5kb": [
            synthetic_article(rng, dated_share=share) for _ in range(50)
        ],
        "synthetic_dense_5kb": [synthetic_article(rng) for _ in range(50)],
    }
    results: dict = {"seed_dated_share": share}
    for name, articles in sets.items():
        results[name] = {
            **throughput(articles, args.seconds),
            "candidates_per_kb": candidates_per_kb(articles),
        }
    results["seed_recall"] = seed_recall()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"seed sentences with a usable date: {share:.0%}")
    for name in sets:
        r = results[name]
        print(
            f"{name:>19}: {r['articles_per_s']:6.0f} articles/s"
            f" {r['kb_per_s']:6.0f} KB/s (wall);"
            f" {r['cpu_articles_per_s']:6.0f} articles/s"
            f" {r['cpu_kb_per_s']:6.0f} KB/s (CPU);"
            f" {r['candidates_per_kb']:5.1f} candidates/KB"
        )
    recall = results["seed_recall"]
    print(
        f"seed recall: {recall['recalled']}/{recall['curated_events']} "
        f"({recall['recall']:.0%}); same EDTF on {recall['recalled_with_same_edtf']} "
        f"({recall['date_accuracy_on_recalled']:.0%} of recalled); "
        f"{recall['candidates']} candidates proposed"
    )
    for miss in recall["misses"]:
        print(
            f"  date differs or missed: {miss['key']}: {miss['edtf']}"
            f" vs {miss['found']}"
        )


if __name__ == "__main__":
    main()
