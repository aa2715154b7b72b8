"""The news hook: a lead sentence that reports a completed fact with no date is
dated about the publication date, with a low confidence and a note."""

import datetime

import pytest

from corpus.extraction.events import LEAD_NOTE, extract_events

PUBLISHED = datetime.date(2024, 9, 15)

# (text, kind) of articles whose first body sentence is the undated news.
# fmt: off
HOOKS = [
    pytest.param(
        "Acme Health Raises Funds\n"
        "Acme Health, a Shanghai-based maker of surgical robots, has received a "
        "USD 30 million investment led by Example Capital.\n"
        "The company makes robots for knee and hip surgery.",
        "investment", id="english-amount-and-kind",
    ),
    pytest.param(
        "Regulator clears scanner\n"
        "The national regulator has approved the first domestic photon-counting "
        "CT scanner made by Example Medical for use in hospitals.",
        "approval", id="english-completion-verb",
    ),
    pytest.param(
        "星河医疗扩产\n"
        "星河医疗科技有限公司宣布以自有资金2,794万元投资建设新的研发中心，进一步扩大产能。",
        "investment", id="chinese-announcement-and-amount",
    ),
]
# fmt: on


@pytest.mark.parametrize(("text", "kind"), HOOKS)
def test_undated_lead_is_dated_about_the_publication_date(text, kind):
    [candidate] = extract_events(text, published_on=PUBLISHED)

    assert (candidate.kind, candidate.modality) == (kind, "actual")
    assert candidate.date.edtf == "2024-09-15~"
    assert candidate.notes == (LEAD_NOTE,)
    assert candidate.confidence < 0.45
    assert text[candidate.start : candidate.end] == candidate.quote


def test_undated_lead_without_a_publication_date_proposes_nothing():
    assert extract_events(HOOKS[0].values[0], published_on=None) == []


# fmt: off
NOT_HOOKS = [
    pytest.param(
        "Acme plans to expand\n"
        "Acme Health will invest USD 30 million in a new plant in Suzhou, the "
        "company said in a statement on its website.",
        id="future-intention",
    ),
    pytest.param(
        "Robots in surgery\n"
        "Surgical robots are becoming a familiar sight in large hospitals across "
        "the country, doctors and engineers say.",
        id="background-no-fact",
    ),
    pytest.param(
        "Acme Health Raises Funds\n"
        "Acme Health makes robots for knee and hip surgery in its plant in the "
        "city of Suzhou.\n"
        "Its founders worked at hospitals for a decade before starting it.\n"
        "Acme Health has received a USD 30 million investment led by Example "
        "Capital.",
        id="fact-after-the-lead",
    ),
    pytest.param(
        "年度工作报告\n"
        "我们重点对照日常履职清单逐项梳理年度任务完成情况，形成了本报告的主要内容。",
        id="chinese-completion-noun",
    ),
]
# fmt: on


@pytest.mark.parametrize("text", NOT_HOOKS)
def test_lead_that_is_not_completed_news_gets_no_date(text):
    assert extract_events(text, published_on=PUBLISHED) == []


def test_lead_with_its_own_date_keeps_it():
    text = (
        "Acme Health Raises Funds\n"
        "Acme Health said on Monday it has received a USD 30 million investment "
        "led by Example Capital."
    )

    [candidate] = extract_events(text, published_on=PUBLISHED)

    assert candidate.date.edtf == "2024-09-09"
    assert candidate.notes == ()
