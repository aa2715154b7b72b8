"""Dates that may not date an event: page furniture, names carrying a year,
comparison bases and phase lengths; 近日/recently dating the news hook."""

import datetime

import pytest

from corpus.extraction.events import extract_events

ANCHOR = datetime.date(2024, 9, 12)


def _dates(text: str) -> list[str]:
    return [c.date.edtf for c in extract_events(text, published_on=ANCHOR)]


NOT_EVENTS = [
    pytest.param(
        "Release date: 2024-09-12\nThe hospital group said it would hire more nurses.",
        id="release-date-label",
    ),
    pytest.param(
        "时间:2024-09-10 来源:健康日报 点击:233次\n"
        "该医院表示将继续扩大门诊服务规模和范围。",
        id="zh-time-source-line",
    ),
    pytest.param(
        "(Example Daily Online) 13:16, October 29, 2019 The city hospital association"
        " spoke about staffing and training for young doctors.",
        id="timestamp-with-clock",
    ),
    pytest.param(
        " date 2024-09-12 Exhibitors from many provinces showed their newest"
        " imaging devices to the visitors.",
        id="stored-date-prefix",
    ),
    pytest.param(
        " date 2024-09-12 Example Wire - Thursday, September 12, 2024\n"
        "Exhibitors from many provinces showed their newest imaging devices.",
        id="every-date-on-a-date-field-line",
    ),
    pytest.param(
        "Published: 12 September 2024 | Example Daily | Sept. 12, 2024\n"
        "Exhibitors from many provinces showed their newest imaging devices.",
        id="every-date-on-a-labelled-line",
    ),
    pytest.param(
        "The commission published its 2023 Regional Hospital Quality Report to"
        " help patients compare clinics.",
        id="year-a-report-covers",
    ),
    pytest.param(
        "Investors read the company's 2023 annual report closely for news of"
        " new clinics.",
        id="year-of-an-annual-report",
    ),
    pytest.param(
        "根据示例办发〔2023〕12号文件要求,各地医保部门加快推进门诊共济保障机制改革工作。",
        id="zh-year-in-a-document-number",
    ),
    pytest.param(
        "To implement the council's opinions (Shifa [2025] No. 11), the commission"
        " set new rules for county hospitals.",
        id="year-in-a-document-number",
    ),
    pytest.param(
        "The commission sent Document No. 5 [2024] on hospital pricing to every"
        " province.",
        id="year-after-a-document-number",
    ),
    pytest.param(
        "The province promotes the Healthy Region 2035 programme among its"
        " rural clinics and county hospitals.",
        id="year-in-programme-name",
    ),
    pytest.param(
        "According to the “2023 Regional Digital Health White Paper,” hospitals"
        " are adopting cloud records.",
        id="year-in-quoted-report-title",
    ),
    pytest.param(
        "根据《关于做好2023年度医疗机构评审工作的通知》要求,各医院逐项梳理了评审材料和整改清单。",
        id="zh-year-in-document-title",
    ),
    pytest.param(
        "公司召开董事会2024年第六次临时会议,审议了关于调整组织架构和管理制度的相关议案。",
        id="zh-year-before-ordinal-meeting",
    ),
    pytest.param(
        "第一阶段:设备评估与网络改造工作安排(1 - 2 月)",
        id="zh-phase-length-in-brackets",
    ),
    pytest.param(
        "Example Health Today spoke with several investors about the sector's outlook.",
        id="today-in-a-name",
    ),
]


@pytest.mark.parametrize("text", NOT_EVENTS)
def test_furniture_and_names_propose_no_event(text):
    assert _dates(text) == []


COMPARISONS = [
    pytest.param(
        "Output should double from the 2010 level by 2015, the plan says.",
        ["2015"],
        id="en-the-year-level",
    ),
    pytest.param(
        "与2019年相比,同类产品平均价格在本轮采购中下降了93%,节约费用明显。",
        [],
        id="zh-compared-with-year",
    ),
    pytest.param(
        "In 2023, the clinic network treated 2.1 million patients, up 22% over 2022.",
        ["2023"],
        id="en-percentage-over-a-year",
    ),
    pytest.param(
        "Hospital visits reached 8 million in the first half of 2024, 12 percent"
        " more than the same period in 2023.",
        ["2024-01/2024-06"],
        id="en-than-the-same-period-in",
    ),
    pytest.param(
        "Exports rose to 4.1 billion yuan in 2024, a rise of 9 percent from last year.",
        ["2024"],
        id="en-percentage-from-last-year",
    ),
    pytest.param(
        "The growth rate reached 3.4% in 2024, higher than that in the previous year.",
        ["2024"],
        id="en-than-that-in-the-previous-year",
    ),
    pytest.param(
        "Patient numbers grew 8 percent from 2019 to 2023, the survey found.",
        ["2019/2023"],
        id="en-a-range-after-a-percentage-is-no-base",
    ),
    pytest.param(
        "今年上半年,示例市创新药授权交易总额近660亿元,超过2023年全年的519亿元。",
        ["2024-01/2024-06", "2023"],
        id="zh-a-base-with-its-own-figure-is-its-own-fact",
    ),
    pytest.param(
        "今年上半年,示例市创新药授权交易总额近660亿元,已超过2023年全年水平。",
        ["2024-01/2024-06"],
        id="zh-more-than-a-years-level",
    ),
    pytest.param(
        "The province approved 52 new drugs in 2024, more than 2023's 40 approvals.",
        ["2024", "2023"],
        id="en-a-base-with-its-own-figure-is-its-own-fact",
    ),
    pytest.param(
        "1~8月份,示例省医药产业产销率为95.7%,略低于去年同期水平。",
        ["2024-01/2024-08"],
        id="zh-lower-than-the-same-period-last-year",
    ),
]


@pytest.mark.parametrize(("text", "expected"), COMPARISONS)
def test_comparison_base_does_not_date_the_event(text, expected):
    assert _dates(text) == expected


HOOKS = [
    pytest.param(
        "近日,某市卫生健康委发布了关于推进智慧医院建设的实施方案。",
        "2024-09-12~",
        id="zh-jinri-at-start",
    ),
    pytest.param(
        "该市医院门诊量在今年上半年保持增长,市场近期对互联网医院的关注度也明显上升了不少。",
        "2024-01/2024-06",
        id="zh-jinqi-mid-clause-is-commentary",
    ),
    pytest.param(
        "Recently, the provincial health commission issued guidelines on"
        " telemedicine fees.",
        "2024-09-12~",
        id="en-recently-at-start",
    ),
]


@pytest.mark.parametrize(("text", "edtf"), HOOKS)
def test_recently_dates_the_news_hook_approximately(text, edtf):
    assert _dates(text) == [edtf]


def test_recently_inside_a_clause_is_description():
    text = (
        "The hospital has recently become a training centre for rural doctors"
        " and nurses."
    )
    assert _dates(text) == []


CONTEXT = [
    pytest.param(
        "In July, two device makers applied for a listing in Hong Kong, marking the"
        " first filings of the third quarter of 2024.",
        ["2024-07"],
        id="month-inside-its-quarter-and-year-is-one-event",
    ),
    pytest.param(
        "As of May 31, 2024, 60 hospitals in the province had deployed the model.\n"
        "Among them, 12 hospitals trained vertical models of their own on local"
        " records.",
        ["2024-05-31", "2024-05-31"],
        id="among-them-takes-the-date-of-the-sentence-before",
    ),
    pytest.param(
        "From January to June, the regulator approved 21 new vaccines.\n"
        "It also cleared 35 diagnostic kits during the same period, up 9 percent"
        " from last year.",
        ["2024-01/2024-06", "2024-01/2024-06"],
        id="the-same-period-inside-a-sentence-takes-the-date-before",
    ),
    pytest.param(
        "From January to June, the regulator approved 21 new vaccines.\n"
        "Officials said the same period had been busy for inspectors and"
        " reviewers alike.",
        ["2024-01/2024-06"],
        id="the-same-period-without-a-preposition-refers-to-nothing",
    ),
    pytest.param(
        "NANJING, Sept. 11, 2024 /Example Wire/ -- The 9th Example Medical Expo will"
        " be held in the city from September 16 to 18.",
        ["2024-09-16/2024-09-18"],
        id="a-dateline-does-not-date-a-lead-with-its-own-date",
    ),
    pytest.param(
        "HAIKOU, south China, Hainan province, April 13. /Example Wire/. The"
        " exhibition of medical equipment"
        " opened in the pilot zone on Monday.",
        ["2024-09-09"],
        id="a-dateline-alone-is-no-event",
    ),
    pytest.param(
        "BEIJING, Sept. 4, 2024 (Example Agency) -- The city opened a new children's"
        " hospital with 300 beds.",
        ["2024-09-04"],
        id="a-dateline-dates-a-lead-without-a-date",
    ),
    pytest.param(
        "The setup period for this year's expo will run from Oct 25 to Nov 4,"
        " organisers said.",
        ["2024-10-25/2024-11-04"],
        id="run-before-a-range-is-prose-not-an-identifier",
    ),
    pytest.param(
        "2023年,市卫生健康委坚持以人民健康为中心,不断深化医药卫生体制改革各项工作。"
        "全年30项市级绩效任务全部完成,210件建议提案全部办理完毕。",
        ["2023"],
        id="zh-paragraph-opening-year-dates-the-next-sentence",
    ),
    pytest.param(
        "After ten years of development, the Example Medical Park has become a hub"
        " for drug makers. More than 800 companies have settled in the park.",
        ["2014/2024"],
        id="after-n-years-of-development-dates-the-figures-that-follow",
    ),
    pytest.param(
        "示例监管局自成立以来,已连续4年开展创新产品评审工作,累计将120个产品纳入目录。",
        ["2020/2024"],
        id="zh-for-n-consecutive-years",
    ),
    pytest.param(
        "公司今年首5個月錄得首筆營運收入,主要來自新藥在內地的銷售。",
        ["2024-01/2024-05"],
        id="zh-first-n-months",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONTEXT)
def test_dates_from_context(text, expected):
    assert _dates(text) == expected


def test_paragraph_opening_year_quotes_both_sentences():
    text = (
        "2023年,市卫生健康委坚持以人民健康为中心,不断深化医药卫生体制改革各项工作。"
        "全年30项市级绩效任务全部完成,210件建议提案全部办理完毕。"
    )
    (candidate,) = extract_events(text, published_on=ANCHOR)
    assert candidate.quote == text


FULL_WIDTH = [
    pytest.param(
        "２０２４年３月，公司完成新一轮融资。", "２０２４年３月", "2024-03", id="date"
    ),
    pytest.param(
        "該院於２０２３年１２月５日正式開診。",
        "２０２３年１２月５日",
        "2023-12-05",
        id="day",
    ),
]


@pytest.mark.parametrize(("text", "quoted", "edtf"), FULL_WIDTH)
def test_full_width_digits_keep_exact_offsets(text, quoted, edtf):
    from corpus.extraction.timex import tag_dates

    (timex,) = tag_dates(text, anchor=ANCHOR)
    assert (timex.text, timex.edtf) == (quoted, edtf)
    assert text[timex.start : timex.end] == quoted


def test_full_width_amount_keeps_the_source_text():
    from decimal import Decimal

    from corpus.extraction.amounts import extract_amounts

    text = "公司以自有资金５，０００万元投资建设新厂房。"
    (amount,) = extract_amounts(text)
    assert (amount.text, amount.value, amount.currency) == (
        "５，０００万元",
        Decimal("50000000"),
        "CNY",
    )
    assert text[amount.start : amount.end] == amount.text


def _undated(text: str) -> list[tuple[str, bool]]:
    """(EDTF, flagged as a guess) of each candidate, with no publication date."""
    return [
        (c.date.edtf, any("no publication date" in n for n in c.notes))
        for c in extract_events(text, published_on=None)
    ]


WITHOUT_PUBLICATION_DATE = [
    pytest.param(
        "Example Bio raised 50 million yuan in a funding round in March 2024.\n"
        "The regulator approved its first drug on July 1, the company said.",
        [("2024-03", False), ("2024-07-01", True)],
        id="month-day-takes-the-latest-year-stated",
    ),
    pytest.param(
        "示例医药2023年营业收入增长两成,创下历史新高。\n"
        "该公司新建的工厂于9月28日正式投产,年产能达到1亿片。",
        [("2023", False), ("2023-09-28", True)],
        id="zh-month-day-takes-the-latest-year-stated",
    ),
    pytest.param(
        "到2030年,示例省将建成20家区域医疗中心,覆盖全部地级市。\n"
        "示例医院于3月5日正式开诊,首日接诊患者超过2000人次。",
        [("2030", False)],
        id="zh-target-year-is-not-the-texts-year",
    ),
    pytest.param(
        "与2022年相比,示例药企的海外收入增长三成。\n"
        "该公司11月与一家欧洲药企签署了授权协议,首付款为2000万美元。",
        [("2023-11", True)],
        id="zh-comparison-base-lies-before-the-texts-year",
    ),
    pytest.param(
        "Example Bio said yesterday that its drug, approved in 2023, reached"
        " 2,000 hospitals.",
        [("2023", False)],
        id="yesterday-needs-the-day-and-stays-undated",
    ),
]


@pytest.mark.parametrize(("text", "expected"), WITHOUT_PUBLICATION_DATE)
def test_without_publication_date_the_year_comes_from_context(text, expected):
    assert _undated(text) == expected


def test_a_date_from_a_guessed_year_is_less_confident():
    text = "The regulator approved Example Bio's first drug on July 1, 2024.\n"
    guessed_text = (
        "In 2024, sales rose.\n"
        "The regulator approved Example Bio's first drug on July 1."
    )
    sure = extract_events(text, published_on=None)[0]
    guessed = extract_events(guessed_text, published_on=None)[-1]
    assert guessed.date.edtf == sure.date.edtf == "2024-07-01"
    assert guessed.confidence < sure.confidence


AFTER_THE_NEWS = [
    pytest.param(
        "示例部门3月8日宣布,新一轮创新药目录调整工作已经完成,共有20个药品新增进入目录。"
        "本次调整涉及肿瘤、罕见病等多个领域的药品。"
        "本轮调整后,目录内药品总数达到3000种,其中西药1600种。",
        [("2024-03-08", "示例部门"), ("2024-03-08", "本轮调整后")],
        id="zh-state-after-this-round-takes-the-news-day",
    ),
    pytest.param(
        "Example Agency said on March 8 that 20 drugs joined the national list."
        " After this round, the list holds 3,000 drugs, including 1,600 western"
        " medicines.",
        [("2024-03-08", "Example Agency"), ("2024-03-08", "After this round")],
        id="state-after-this-round-takes-the-news-day",
    ),
    pytest.param(
        "示例部门在2024年完成了新一轮创新药目录调整工作,共有20个药品新增进入目录。"
        "本轮调整后,目录内药品总数达到3000种,其中西药1600种。",
        [("2024", "示例部门")],
        id="zh-no-news-day-no-state-after-it",
    ),
]


@pytest.mark.parametrize(("text", "expected"), AFTER_THE_NEWS)
def test_the_state_after_the_news_is_dated_by_the_news_day(text, expected):
    candidates = extract_events(text, published_on=ANCHOR)
    assert [
        (c.date.edtf, c.quote[: len(q)])
        for c, (_, q) in zip(candidates, expected, strict=False)
    ] == expected
    assert len(candidates) == len(expected)
