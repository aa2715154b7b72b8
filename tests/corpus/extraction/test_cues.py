"""Kinds from lexical cues: the fact's own cue wins over intent words,
attributions, statement verbs and titles."""

import pytest

from corpus.extraction.cues import classify_kind

KINDS = [
    pytest.param(
        "Founded in 2016, the start-up aims to bring AI imaging to county hospitals.",
        "other",
        id="founding-is-not-a-plan-because-of-aims",
    ),
    pytest.param(
        "该公司成立于2016年,其产品已获批在国内上市。",
        "other",
        id="zh-founding-beats-approval-in-the-same-sentence",
    ),
    pytest.param(
        "双方将成立合资企业,共同开发医学影像设备。",
        "collaboration",
        id="zh-joint-venture",
    ),
    pytest.param(
        "国家卫生健康委等五部门联合发布关于推进互联网医院建设的指导意见。",
        "policy",
        id="zh-authority-issues-jointly",
    ),
    pytest.param(
        "市政府办公厅印发《智慧医院建设三年行动方案》。",
        "policy",
        id="zh-document-title-issued",
    ),
    pytest.param(
        "The firm plans to offer 30 million H shares at HK$20 each.",
        "investment",
        id="plans-to-with-a-concrete-kind",
    ),
    pytest.param(
        "The government also plans to build 30 research hospitals by 2030.",
        "plan",
        id="plans-to-alone-is-a-plan",
    ),
    pytest.param(
        "Output reached 2 trillion yuan in 2011, according to the plan.",
        "market_figure",
        id="attribution-is-not-the-kind",
    ),
    pytest.param(
        "“We are proud of it,” she said as the company launched its new scanner.",
        "launch",
        id="statement-only-when-nothing-else-happened",
    ),
    pytest.param(
        "The convention kicked off in Beijing with 600 executives.",
        "fair",
        id="convention",
    ),
    pytest.param(
        "該公司上月收到合作夥伴支付的1000萬美元里程碑付款。",
        "deal",
        id="zh-hant-milestone-payment",
    ),
    pytest.param(
        "自成立以来,示例生物已募集了数亿美元。",
        "investment",
        id="zh-raising-funds",
    ),
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_classify_kind(text, kind):
    assert classify_kind(text)[0] == kind
