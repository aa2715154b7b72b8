"""Table tests for the Chinese temporal rules: absolute and relative dates,
year parts, ranges, bounded ends, durations and non-dates."""

from __future__ import annotations

import datetime as dt

import pytest
from edtf import parse_edtf

from corpus.extraction.timex import tag_dates

ANCHOR = dt.date(2025, 7, 11)  # a Friday


# (sentence, span, type, value, edtf, precision)
# fmt: off
CASES = [
    pytest.param("新华社北京2025年7月11日电", "2025年7月11日", "DATE", "2025-07-11",
                 "2025-07-11", "day", id="full-date"),
    pytest.param("于2024年8月发布", "2024年8月", "DATE", "2024-08", "2024-08",
                 "month", id="year-month"),
    pytest.param("2023年，全国", "2023年", "DATE", "2023", "2023", "year",
                 id="year"),
    pytest.param("二〇二三年全国", "二〇二三年", "DATE", "2023", "2023", "year",
                 id="year-in-chinese-digits"),
    pytest.param("十二月五日，", "十二月五日", "DATE", "2024-12-05", "2024-12-05",
                 "day", id="chinese-numeral-month-day-nearest-year"),
    pytest.param("今年全国", "今年", "DATE", "2025", "2025", "year", id="this-year"),
    pytest.param("去年全国", "去年", "DATE", "2024", "2024", "year", id="last-year"),
    pytest.param("明年全国", "明年", "DATE", "2026", "2026", "year", id="next-year"),
    pytest.param("前年全国", "前年", "DATE", "2023", "2023", "year",
                 id="year-before-last"),
    pytest.param("今年3月，", "今年3月", "DATE", "2025-03", "2025-03", "month",
                 id="this-year-month"),
    pytest.param("上半年，收入", "上半年", "DATE", "2025-H1", "2025-01/2025-06",
                 "interval", id="first-half-anchor-year"),
    pytest.param("2024年上半年，收入", "2024年上半年", "DATE", "2024-H1",
                 "2024-01/2024-06", "interval", id="first-half-of-year"),
    pytest.param("下半年，收入", "下半年", "DATE", "2025-H2", "2025-07/2025-12",
                 "interval", id="second-half"),
    pytest.param("今年上半年，收入", "今年上半年", "DATE", "2025-H1",
                 "2025-01/2025-06", "interval", id="this-year-first-half"),
    pytest.param("年底前完成", "年底", "DATE", "2025", "2025-12", "month",
                 id="year-end"),
    pytest.param("预计年末完成", "年末", "DATE", "2025", "2025-12", "month",
                 id="year-end-synonym"),
    pytest.param("年初以来", "年初以来", "DATE", "2025", "2025-01/..", "interval",
                 id="since-start-of-year"),
    pytest.param("年初，", "年初", "DATE", "2025", "2025-01/2025-02", "interval",
                 id="start-of-year"),
    pytest.param("2023年底，", "2023年底", "DATE", "2023", "2023-12", "month",
                 id="end-of-given-year"),
    pytest.param("2024年第三季度，", "2024年第三季度", "DATE", "2024-Q3",
                 "2024-07/2024-09", "interval", id="quarter"),
    pytest.param("2024年前三季度，", "2024年前三季度", "DATE", "2024",
                 "2024-01/2024-09", "interval", id="first-three-quarters"),
    pytest.param("7月上旬，", "7月上旬", "DATE", "2025-07", "2025-07-01/2025-07-10",
                 "interval", id="early-month-part"),
    pytest.param("8月下旬，", "8月下旬", "DATE", "2025-08", "2025-08-21/2025-08-31",
                 "interval", id="late-month-part"),
    pytest.param("2019年至2024年，", "2019年至2024年", "DATE", "P5Y", "2019/2024",
                 "interval", id="year-range-zhi"),
    pytest.param("2019-2024年，", "2019-2024年", "DATE", "P5Y", "2019/2024",
                 "interval", id="year-range-dash"),
    pytest.param("1-6月，全国", "1-6月", "DATE", "P5M", "2025-01/2025-06",
                 "interval", id="month-range-anchor-year"),
    pytest.param("2024年1月至3月，", "2024年1月至3月", "DATE", "P2M",
                 "2024-01/2024-03", "interval", id="month-range-with-year"),
    pytest.param("近三年，", "近三年", "DATE", "P3Y", "2022/2025", "interval",
                 id="past-three-years"),
    pytest.param("过去三年，", "过去三年", "DATE", "P3Y", "2022/2025", "interval",
                 id="past-three-years-guoqu"),
    pytest.param("未来五年，", "未来五年", "DATE", "P5Y", "2025/2030", "interval",
                 id="next-five-years"),
    pytest.param("三年来，", "三年来", "DATE", "P3Y", "2022/2025", "interval",
                 id="over-three-years"),
    pytest.param("该局已连续4年开展评审，", "已连续4年", "DATE", "P4Y", "2021/2025",
                 "interval", id="has-for-n-consecutive-years"),
    pytest.param("经过十年的发展，", "经过十年的发展", "DATE", "P10Y", "2015/2025",
                 "interval", id="after-n-years-of-development"),
    pytest.param("两年前，", "两年前", "DATE", "2023", "2023", "year",
                 id="two-years-ago"),
    pytest.param("7月，全国", "7月", "DATE", "2025-07", "2025-07", "month",
                 id="bare-month-anchor-year"),
    pytest.param("7月起实施", "7月起", "DATE", "2025-07", "2025-07/..", "interval",
                 id="month-qi-opens-the-end"),
    pytest.param("12月，全国", "12月", "DATE", "2025-12", "2025-12", "month",
                 id="bare-month-stays-in-anchor-year"),
    pytest.param("今天发布", "今天", "DATE", "2025-07-11", "2025-07-11", "day",
                 id="today"),
    pytest.param("昨日发布", "昨日", "DATE", "2025-07-10", "2025-07-10", "day",
                 id="yesterday"),
    pytest.param("会议于周二举行", "周二", "DATE", "2025-07-08", "2025-07-08", "day",
                 id="weekday-past"),
    pytest.param("会议将于下周三召开", "下周三", "DATE", "2025-07-16", "2025-07-16",
                 "day", id="next-week-weekday"),
    pytest.param("本月，全国", "本月", "DATE", "2025-07", "2025-07", "month",
                 id="this-month"),
    pytest.param("自2019年以来，", "自2019年以来", "DATE", "2019", "2019/..",
                 "interval", id="since-year"),
    pytest.param("2030年前实现", "2030年前", "DATE", "2030", "../2029", "interval",
                 id="before-year"),
    pytest.param("2020年以后，", "2020年以后", "DATE", "2020", "2021/..", "interval",
                 id="after-year"),
    pytest.param("2025年前后，", "2025年前后", "DATE", "2025", "2025~", "year",
                 id="around-year"),
    pytest.param("到2025年，覆盖率", "2025年", "DATE", "2025", "2025", "year",
                 id="by-year-is-target"),
    pytest.param("“十四五”期间，", "“十四五”期间", "DATE", "P4Y", "2021/2025",
                 "interval", id="fourteenth-five-year-plan"),
    pytest.param("目前，全国", "目前", "DATE", "PRESENT_REF", None, None,
                 id="present"),
    pytest.param("近年来，全国", "近年来", "DATE", "PAST_REF", None, None,
                 id="recent-years"),
    pytest.param("三年行动计划", "三年", "DURATION", "P3Y", None, None,
                 id="three-year-plan-duration"),
    pytest.param("历时6个月", "6个月", "DURATION", "P6M", None, None,
                 id="months-duration"),
    pytest.param("每年举办一次", "每年", "SET", "P1Y", None, None, id="every-year"),
    pytest.param("每周三开放", "每周三", "SET", "P1W", None, None,
                 id="every-wednesday"),
]
# fmt: on


@pytest.mark.parametrize(
    ("sentence", "span", "type_", "value", "edtf", "precision"), CASES
)
def test_chinese_expression_normalises(
    sentence: str,
    span: str,
    type_: str,
    value: str,
    edtf: str | None,
    precision: str | None,
) -> None:
    tags = tag_dates(sentence, anchor=ANCHOR)
    found = [t for t in tags if t.text == span]
    assert found, tags
    t = found[0]
    assert (t.type, t.value, t.edtf, t.precision) == (type_, value, edtf, precision)


SEPT = dt.date(2024, 9, 25)
JAN = dt.date(2025, 1, 20)

# (sentence, anchor, span, edtf): a range with no year is the latest
# completed one, not next year's.
# fmt: off
YEARLESS_RANGES = [
    pytest.param("1-8月，全国出口增长", SEPT, "1-8月", "2024-01/2024-08",
                 id="month-range-in-the-year-after"),
    pytest.param("1至8月，全国出口增长", JAN, "1至8月", "2024-01/2024-08",
                 id="month-range-early-in-next-year-is-last-years"),
    pytest.param("今年1-8月，全国出口增长", JAN, "今年1-8月", "2025-01/2025-08",
                 id="month-range-with-this-year-keeps-it"),
    pytest.param("前8个月，全国出口增长", SEPT, "前8个月", "2024-01/2024-08",
                 id="first-n-months-bare"),
    pytest.param("前11个月，全国出口增长", JAN, "前11个月", "2024-01/2024-11",
                 id="first-n-months-early-in-next-year-is-last-years"),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "anchor", "span", "edtf"), YEARLESS_RANGES)
def test_chinese_yearless_range_is_the_latest_completed_one(
    sentence: str, anchor: dt.date, span: str, edtf: str
) -> None:
    tags = tag_dates(sentence, anchor=anchor)
    assert [(t.text, t.edtf) for t in tags if t.type == "DATE"] == [(span, edtf)]


def test_first_months_after_another_start_is_only_a_duration() -> None:
    tags = tag_dates("上市后的前3个月，销量翻倍", anchor=SEPT)
    assert all(t.type != "DATE" for t in tags), tags


# fmt: off
NEGATIVES = [
    pytest.param("投资250亿元", id="money-yi-yuan"),
    pytest.param("增长13%", id="percent"),
    pytest.param("共有2050张床位", id="year-like-bed-count"),
    pytest.param("2024年中国医院", id="year-followed-by-zhongguo-is-not-mid-year"),
    pytest.param("二十五个省份", id="twenty-five-is-not-a-five-year-plan"),
    pytest.param("成立十周年", id="anniversary-is-not-weeks"),
    pytest.param("每周一次", id="once-a-week-is-not-monday"),
]
# fmt: on


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_chinese_non_dates_produce_no_extra_date(sentence: str) -> None:
    tags = tag_dates(sentence, anchor=ANCHOR)
    assert all(t.edtf in (None, "2024") for t in tags if t.type == "DATE"), tags
    assert all(t.text != "2050" and t.type != "DURATION" for t in tags), tags


MONTH_ITSELF = ["8月当月,出口增长了一成。", "12月份当月,产值回升。"]


@pytest.mark.parametrize("sentence", MONTH_ITSELF)
def test_the_month_itself_is_the_month_before_it(sentence: str) -> None:
    tags = [t for t in tag_dates(sentence, anchor=ANCHOR) if t.type == "DATE"]
    assert [t.text for t in tags] == [sentence.split("当月")[0]]


def test_the_current_month_alone_is_the_publication_month() -> None:
    tags = tag_dates("当月,产值回升了两成。", anchor=ANCHOR)
    assert [(t.text, t.edtf) for t in tags] == [("当月", "2025-07")]


def test_chinese_edtf_values_all_parse() -> None:
    text = "，".join(p.values[0] for p in CASES)
    for t in tag_dates(text, anchor=ANCHOR):
        if t.edtf is not None:
            assert parse_edtf(t.edtf) is not None, t


def test_bounding_character_never_swallows_the_next_expression() -> None:
    tags = tag_dates("2030年前年底", anchor=ANCHOR)
    assert all(a.end <= b.start for a, b in zip(tags, tags[1:], strict=False))
    assert tags[0].text == "2030年"
