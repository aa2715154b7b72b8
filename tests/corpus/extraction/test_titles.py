"""Candidate titles: at most 90 characters, without datelines or attributions,
cut at a clause or word boundary (Chinese at punctuation), never mid-word."""

import pytest

from corpus.extraction.titles import MAX_TITLE, headline

LONG_EN = (
    "The provincial health commission approved a pilot programme for remote"
    " consultations in 40 county hospitals, which will share imaging records"
    " with the city's top hospitals over the next two years"
)
LONG_ZH = (
    "市卫生健康委与三家医院签署合作协议,共同建设区域医学影像中心,计划在两年内覆盖全市所有社区卫生服务中心,"
    "并逐步向周边县区开放远程会诊服务,提升基层医疗机构的诊断能力和服务水平,让群众在家门口享受优质医疗资源"
)

CASES = [
    pytest.param(
        "BEIJING, May 6 (Example Agency) -- The city opened a new children's"
        " hospital on Monday.",
        "The city opened a new children's hospital on Monday",
        id="wire-dateline-removed",
    ),
    pytest.param(
        "示例社北京3月8日电 (记者 王明)市卫生健康委8日发布了新的分级诊疗方案。",
        "市卫生健康委8日发布了新的分级诊疗方案",
        id="zh-dateline-removed",
    ),
    pytest.param(
        "According to the annual report, revenue rose 12% in 2023.",
        "Revenue rose 12% in 2023",
        id="attribution-removed",
    ),
    pytest.param(
        "近日,某市医保局发布了关于门诊共济保障的实施细则。",
        "某市医保局发布了关于门诊共济保障的实施细则",
        id="zh-recently-lead-removed",
    ),
    pytest.param(
        LONG_EN,
        "The provincial health commission approved a pilot programme for remote"
        " consultations…",
        id="long-en-cut-at-a-word-boundary",
    ),
    pytest.param(
        LONG_ZH,
        "市卫生健康委与三家医院签署合作协议,共同建设区域医学影像中心…",
        id="long-zh-cut-at-punctuation",
    ),
    pytest.param(
        "Example Biotech (HKEX: 1234) raised US$50 million in a share sale (IPO).",
        "Example Biotech raised US$50 million in a share sale",
        id="bracketed-asides-removed",
    ),
    pytest.param(
        "And become the largest market for medical robots in Asia by 2030.",
        "Become the largest market for medical robots in Asia by 2030",
        id="leading-connective-removed",
    ),
    pytest.param(
        "示例药业(688000)宣布,其自主研发的创新药获得国家药监局批准上市。",
        "示例药业宣布,其自主研发的创新药获得国家药监局批准上市",
        id="zh-stock-code-removed",
    ),
    pytest.param(
        " date 2021-02-24 Example Bio and Example Pharma have signed a licence"
        " agreement.",
        "Example Bio and Example Pharma have signed a licence agreement",
        id="date-field-before-the-sentence-removed",
    ),
    pytest.param(
        "发布时间:2024-03-05 10:30 示例医院宣布启用新的远程会诊平台。",
        "示例医院宣布启用新的远程会诊平台",
        id="zh-date-field-before-the-sentence-removed",
    ),
    pytest.param(
        "Dated 2024 figures show the market grew by a fifth.",
        "Dated 2024 figures show the market grew by a fifth",
        id="a-year-after-dated-is-no-date-field",
    ),
    pytest.param(
        "昨天(4日),示例卫生委员会、示例发展委员会等5个部门公布"
        "《关于促进和规范远程医疗服务应用发展的实施意见》,明确提出了三年目标。",
        "示例卫生委员会等5个部门公布《关于促进和规范远程医疗服务应用发展的实施意见》…",
        id="zh-day-lead-list-and-document-name",
    ),
    pytest.param(
        "示例消费报北京讯(记者 王明)近日,示例药监局发布《2024年度药品审评报告》。",
        "示例药监局发布《2024年度药品审评报告》",
        id="zh-newspaper-dateline-removed",
    ),
    pytest.param(
        "示例省卫生健康委员会今天召开新闻发布会,介绍了全省县级医院能力提升工程"
        "的进展、成效和下一步工作安排以及相关配套政策。",
        "示例省卫生健康委员会今天召开新闻发布会,介绍了全省县级医院能力提升工程的进展…",
        id="zh-long-without-a-name-cut-at-punctuation",
    ),
    pytest.param(
        "Some booths began early installation on Oct 19.",
        "Some booths began early installation on Oct 19",
        id="a-word-that-starts-like-a-connective-is-kept-whole",
    ),
    pytest.param(
        "Also, the firm hired 200 nurses in 2024.",
        "The firm hired 200 nurses in 2024",
        id="connective-and-its-comma-removed",
    ),
    pytest.param(
        "并购完成后,示例医药的营收增长了三成。",
        "并购完成后,示例医药的营收增长了三成",
        id="zh-merger-is-no-connective",
    ),
    pytest.param(
        "2024年1-3月示例工业增加值增11.1% |",
        "2024年1-3月示例工业增加值增11.1%",
        id="table-pipe-left-out",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_headline(text, expected):
    title = headline(text)
    assert title == expected
    assert len(title) <= MAX_TITLE
