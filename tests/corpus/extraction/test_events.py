"""Candidate events: a date tied to what happened, with kind, modality and evidence."""

import datetime
from decimal import Decimal

import pytest

from corpus.extraction.events import extract_events

ANCHOR = datetime.date(2024, 3, 15)

CASES = [
    # id, text, kind, modality, edtf
    (
        "plan-target",
        "The city aims to build 50 smart hospitals by 2026 under its new plan.",
        "plan",
        "planned",
        "2026",
    ),
    (
        "forecast-market",
        "The market is expected to exceed 200 billion yuan in 2025, analysts said.",
        "market_figure",
        "forecast",
        "2025",
    ),
    (
        "actual-market",
        "In 2023, the value of the city's healthcare industry reached 163 billion "
        "yuan.",
        "market_figure",
        "actual",
        "2023",
    ),
    (
        "approval-day",
        "Regulators approved the first domestic PD-1 drug on March 4, 2024.",
        "approval",
        "actual",
        "2024-03-04",
    ),
    (
        "deal-licensing",
        "Hengrui signed a licensing deal worth $1.2 billion with a US partner in "
        "January 2024.",
        "deal",
        "actual",
        "2024-01",
    ),
    (
        "fair-weekday",
        "The China International Fair for Trade in Services opened in Beijing on "
        "Saturday with 2,000 exhibitors.",
        "fair",
        "actual",
        "2024-03-09",
    ),
    (
        "investment",
        "The fund invested 3 billion yuan in biotech start-ups last year, its "
        "managers said.",
        "investment",
        "actual",
        "2023",
    ),
    (
        "collaboration",
        "The two universities started a research partnership on gene therapy in 2020.",
        "collaboration",
        "actual",
        "2020",
    ),
    (
        "policy-range",
        "The State Council adopted work plans on medical reform for 2023-2025.",
        "policy",
        "actual",
        "2023/2025",
    ),
    (
        "launch",
        "The company launched its AI diagnosis platform in late February.",
        "launch",
        "actual",
        "2024-02-21/2024-02-29",
    ),
    (
        "chinese-deal",
        "今年中国创新药出海交易总额已超过450亿美元，创历史新高。",
        "deal",
        "actual",
        "2024",
    ),
    (
        "chinese-forecast",
        "预计到2030年，中国医疗人工智能市场规模将达到1.5万亿元。",
        "market_figure",
        "forecast",
        "2030",
    ),
    (
        "chinese-target-without-a-kind-of-its-own-is-a-plan",
        "到2028年，示例省医疗服务体系将更加完善，群众就医更加便捷。",
        "plan",
        "planned",
        "2028",
    ),
    (
        "chinese-target-without-an-intent-word-is-a-plan",
        "到2030年,示例省基层诊疗智能辅助应用基本实现全覆盖。",
        "plan",
        "planned",
        "2030",
    ),
    (
        "target-in-a-plan-text-is-a-plan",
        "By 2030, basic coverage of remote consultation in every county of the"
        " province will be achieved.",
        "plan",
        "planned",
        "2030",
    ),
    (
        "a-target-date-already-past-is-no-plan",
        "By the end of 2022, after a rival's new model, the race among hospital"
        " software makers had begun.",
        "other",
        "actual",
        "2022-12",
    ),
    (
        "figure-aimed-at-by-a-year-is-a-plan",
        "The province aims to lift the share of GDP from its health sector to"
        " 8 percent by 2027.",
        "plan",
        "planned",
        "2027",
    ),
    (
        "forecast-by-a-year-stays-a-figure",
        "Analysts expect the market to become the largest in Asia by 2027.",
        "market_figure",
        "forecast",
        "2027",
    ),
    (
        "count-without-a-kind-is-a-figure",
        "As of June 30, 2023, 120 hospitals in the province had joined the network.",
        "market_figure",
        "actual",
        "2023-06-30",
    ),
    (
        "chinese-count-without-a-kind-is-a-figure",
        "截至2023年底，示例省共有三级医院86家，其中公立医院70家。",
        "market_figure",
        "actual",
        "2023-12",
    ),
    (
        "founding-with-a-product-code-stays-other",
        "Founded in 2016, the company's lead candidate is EX-024.",
        "other",
        "actual",
        "2016",
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "modality", "edtf"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_extract_events_ties_the_date_to_kind_and_modality(text, kind, modality, edtf):
    candidates = extract_events(text, published_on=ANCHOR)

    assert [(c.kind, c.modality, c.date.edtf) for c in candidates] == [
        (kind, modality, edtf)
    ]
    candidate = candidates[0]
    assert text[candidate.start : candidate.end] == candidate.quote
    assert 0 < candidate.confidence <= 1
    assert candidate.title


def test_extract_events_keeps_amounts_in_base_units_with_their_clause():
    text = (
        "In 2017, the industry's value reached 163 billion yuan; by 2020 it is "
        "expected to reach 250 billion yuan."
    )
    candidates = extract_events(text, published_on=datetime.date(2018, 10, 14))

    by_date = {c.date.edtf: c for c in candidates}
    assert set(by_date) == {"2017", "2020"}
    assert [a.value for a in by_date["2017"].amounts] == [Decimal("163000000000")]
    assert [a.value for a in by_date["2020"].amounts] == [Decimal("250000000000")]
    assert by_date["2017"].modality == "actual"
    assert by_date["2020"].modality == "forecast"


def test_a_fact_repeated_in_an_article_is_one_candidate():
    text = (
        "Beijing expects healthcare revenue to reach 250 billion yuan by 2020.\n\n"
        "Officials repeated that healthcare revenue should reach 250 billion yuan "
        "by 2020."
    )
    candidates = extract_events(text, published_on=datetime.date(2018, 10, 14))

    assert len(candidates) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Shares rose 50% to $36 billion as 1,800 surgeries were completed.",
        "The hotline runs 24/7 and opens at 07:30 every day for patients.",
        "Updated: 2018-10-14 07:30",
        "Copyright 1995 - 2024. All rights reserved by the publisher here.",
        "Hospitals across the region have adopted new imaging systems.",
    ],
    ids=["money-percent-count", "times", "byline", "copyright", "undated"],
)
def test_extract_events_proposes_nothing_without_a_real_date(text):
    assert extract_events(text, published_on=ANCHOR) == []


def test_candidates_come_in_text_order_with_valid_offsets(seeds_dir):
    text = (seeds_dir / "001_82b489f4c0265caf.txt").read_text(encoding="utf-8")

    candidates = extract_events(text, published_on=datetime.date(2018, 10, 14))

    assert candidates
    assert [c.start for c in candidates] == sorted(c.start for c in candidates)
    for candidate in candidates:
        assert text[candidate.start : candidate.end] == candidate.quote
        assert candidate.date.lower <= candidate.date.upper


@pytest.mark.parametrize(
    ("text", "edtfs"),
    [
        (
            "3月，公司推出了新产品，这也是公司今年前8个月收入增长的原因。",
            {"2024-03", "2024-01/2024-08"},
        ),
        (
            "In March the firm launched a new drug, which drove its sales growth "
            "in the first eight months of 2024.",
            {"2024-03", "2024-01/2024-08"},
        ),
        (
            "In 2024, the firm launched a new drug in March across the country.",
            {"2024-03"},
        ),
    ],
    ids=["zh-first-months", "en-first-months", "bare-year-contains-the-month"],
)
def test_a_first_months_span_is_its_own_date_not_a_container(text, edtfs):
    candidates = extract_events(text, published_on=datetime.date(2024, 9, 20))

    assert {c.date.edtf for c in candidates} == edtfs


def test_a_clause_that_only_attributes_takes_the_sentences_title():
    text = (
        "示例社北京3月8日电 (记者 王明)据示例部门8日消息,2023年度创新药目录"
        "调整工作已结束,共有20个药品新增进入目录。"
    )
    candidates = extract_events(text, published_on=ANCHOR)
    assert candidates
    assert all(len(c.title) >= 8 and "消息" not in c.title for c in candidates)
