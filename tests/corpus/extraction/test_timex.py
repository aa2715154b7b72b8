"""Table tests for the English temporal tagger: one row per linguistic case,
checking span text, TIMEX type/value and the canonical EDTF with its precision."""

from __future__ import annotations

import datetime as dt

import pytest
from edtf import parse_edtf

from corpus.extraction.timex import Timex, tag_dates

WED = dt.date(2023, 9, 6)  # a Wednesday: weekday rows depend on it
JAN = dt.date(2025, 1, 24)
SEPT = dt.date(2024, 9, 25)


def _one(text: str, anchor: dt.date | None, phrase: str) -> Timex:
    """The timex whose span is exactly `phrase`."""
    found = [t for t in tag_dates(text, anchor=anchor) if t.text == phrase]
    assert found, f"{phrase!r} not tagged in {text!r}: {tag_dates(text, anchor=anchor)}"
    return found[0]


# (sentence, anchor, span, type, value, edtf, precision)
# fmt: off
DATE_CASES = [
    # full dates
    pytest.param("BEIJING, Sept. 4 (Xinhua) -- Robots", WED, "Sept. 4",
                 "DATE", "2023-09-04", "2023-09-04", "day", id="abbr-month-day"),
    pytest.param("It opened on September 4, 2023.", WED, "September 4, 2023",
                 "DATE", "2023-09-04", "2023-09-04", "day", id="month-day-year"),
    pytest.param("It opened on 4 September 2023.", WED, "4 September 2023",
                 "DATE", "2023-09-04", "2023-09-04", "day", id="day-month-year"),
    pytest.param("Updated 2023-09-04 in Beijing", WED, "2023-09-04",
                 "DATE", "2023-09-04", "2023-09-04", "day", id="iso-date"),
    pytest.param("Filed 09/04/2023 by staff", WED, "09/04/2023",
                 "DATE", "2023-09-04", "2023-09-04", "day", id="us-numeric-date"),
    pytest.param("Filed 13/04/2023 by staff", WED, "13/04/2023",
                 "DATE", "2023-04-13", "2023-04-13", "day", id="numeric-day-first"),
    pytest.param("Filed 7/8/07 by staff", WED, "7/8/07",
                 "DATE", "2007-07-08", "2007-07-08", "day", id="numeric-short-year"),
    pytest.param("It opened on April 28,2015 in Beijing.", WED, "April 28,2015",
                 "DATE", "2015-04-28", "2015-04-28", "day",
                 id="month-day-comma-without-space"),
    pytest.param("It closed on Sept.4,2021 after talks.", WED, "Sept.4,2021",
                 "DATE", "2021-09-04", "2021-09-04", "day",
                 id="abbr-month-day-no-spaces"),
    pytest.param("It closed on 28 April,2015 after talks.", WED, "28 April,2015",
                 "DATE", "2015-04-28", "2015-04-28", "day",
                 id="day-month-comma-without-space"),
    pytest.param("It opened on April 28 ,2015 in Beijing.", WED, "April 28 ,2015",
                 "DATE", "2015-04-28", "2015-04-28", "day",
                 id="month-day-space-before-comma"),
    pytest.param("It opened on April 28，2015 in Beijing.", WED, "April 28，2015",
                 "DATE", "2015-04-28", "2015-04-28", "day",
                 id="month-day-full-width-comma"),
    pytest.param("Sales fell in March,2019 across the region.", WED, "March,2019",
                 "DATE", "2019-03", "2019-03", "month",
                 id="month-comma-year-without-space"),
    pytest.param("on March 12 2009 the index", WED, "March 12 2009",
                 "DATE", "2009-03-12", "2009-03-12", "day", id="mdy-no-comma"),
    pytest.param("on April 2nd the firm", dt.date(2008, 4, 9), "April 2nd",
                 "DATE", "2008-04-02", "2008-04-02", "day", id="ordinal-day"),
    pytest.param("Monday, September 4, 2023, was a holiday", WED,
                 "Monday, September 4, 2023", "DATE", "2023-09-04", "2023-09-04",
                 "day", id="weekday-prefixed-date"),
    pytest.param("the fair runs Sept. 2-6 in Beijing", WED, "Sept. 2-6",
                 "DATE", "2023-09-02", "2023-09-02/2023-09-06", "interval",
                 id="day-range"),
    pytest.param("results due December 20", dt.date(2024, 1, 10), "December 20",
                 "DATE", "2023-12-20", "2023-12-20", "day",
                 id="yearless-date-nearest-year-back"),
    pytest.param("the summit will open on January 5", dt.date(2023, 12, 20),
                 "January 5", "DATE", "2024-01-05", "2024-01-05", "day",
                 id="yearless-date-future-cue-goes-forward"),
    pytest.param("From January to August, exports rose.", SEPT,
                 "From January to August", "DATE", "P7M", "2024-01/2024-08",
                 "interval", id="yearless-month-range-takes-the-year-of-its-end"),
    pytest.param("From March to August, exports rose.", dt.date(2025, 1, 20),
                 "From March to August", "DATE", "P5M", "2024-03/2024-08",
                 "interval", id="yearless-month-range-early-next-year-looks-back"),
    pytest.param("In January-August, imports fell.", SEPT, "January-August",
                 "DATE", "P7M", "2024-01/2024-08", "interval",
                 id="hyphenated-month-range"),
    pytest.param("In Jan.-Aug. imports fell.", SEPT, "Jan.-Aug.",
                 "DATE", "P7M", "2024-01/2024-08", "interval",
                 id="hyphenated-abbr-month-range"),
    pytest.param("In Nov.-Feb. imports fell.", SEPT, "Nov.-Feb.",
                 "DATE", "P3M", "2023-11/2024-02", "interval",
                 id="hyphenated-month-range-across-new-year"),
    pytest.param("In Jan-Aug 2022 imports fell.", SEPT, "Jan-Aug 2022",
                 "DATE", "P7M", "2022-01/2022-08", "interval",
                 id="hyphenated-month-range-with-year"),
    pytest.param("Exports rose in the first eight months of the year.", SEPT,
                 "the first eight months of the year", "DATE", "2024",
                 "2024-01/2024-08", "interval", id="first-n-months-of-the-year"),
    pytest.param("In the first eight months of 2022, exports rose.", SEPT,
                 "the first eight months of 2022", "DATE", "2022",
                 "2022-01/2022-08", "interval", id="first-n-months-of-a-year"),
    pytest.param("In the first eleven months, exports rose.", dt.date(2025, 1, 20),
                 "the first eleven months", "DATE", "2024", "2024-01/2024-11",
                 "interval", id="first-n-months-early-next-year-looks-back"),
    # months and years
    pytest.param("In January 2020 the plan", WED, "January 2020",
                 "DATE", "2020-01", "2020-01", "month", id="month-year"),
    pytest.param("approved in 2016 by the", WED, "2016",
                 "DATE", "2016", "2016", "year", id="in-year"),
    pytest.param("Sales rose in June.", WED, "June",
                 "DATE", "2023-06", "2023-06", "month", id="bare-month"),
    pytest.param("Sales rose in November.", dt.date(2009, 3, 13), "November",
                 "DATE", "2008-11", "2008-11", "month", id="bare-month-previous-year"),
    pytest.param("The law takes effect in March this year.", WED, "March this year",
                 "DATE", "2023-03", "2023-03", "month", id="month-this-year"),
    pytest.param("prices fell last September", WED, "last September",
                 "DATE", "2022-09", "2022-09", "month", id="last-month-name"),
    pytest.param("Launched in 2023-08 nationwide", WED, "2023-08",
                 "DATE", "2023-08", "2023-08", "month", id="iso-month"),
    # year ranges
    pytest.param("The 2018-20 plan", WED, "2018-20",
                 "DATE", "P2Y", "2018/2020", "interval", id="year-range-short"),
    pytest.param("over 2021-2025 China", WED, "2021-2025",
                 "DATE", "P4Y", "2021/2025", "interval", id="year-range-long"),
    pytest.param("grew from 2019 to 2024.", WED, "from 2019 to 2024",
                 "DATE", "P5Y", "2019/2024", "interval", id="from-to-years"),
    pytest.param("built between 2021 and 2025.", WED, "between 2021 and 2025",
                 "DATE", "P4Y", "2021/2025", "interval", id="between-years"),
    pytest.param("during the 2023-2025 period there", WED, "the 2023-2025 period",
                 "DATE", "P2Y", "2023/2025", "interval", id="period-years"),
    pytest.param("from January to March 2024 sales", WED,
                 "from January to March 2024", "DATE", "P2M", "2024-01/2024-03",
                 "interval", id="from-month-to-month-year"),
    # parts of periods
    pytest.param("Trading slowed in late August.", WED, "late August",
                 "DATE", "2023-08", "2023-08-21/2023-08-31", "interval",
                 id="late-month"),
    pytest.param("in early March 2024", WED, "early March 2024",
                 "DATE", "2024-03", "2024-03-01/2024-03-10", "interval",
                 id="early-month-year"),
    pytest.param("by mid-June 2023 it", WED, "mid-June 2023",
                 "DATE", "2023-06", "2023-06-11/2023-06-20", "interval",
                 id="mid-month"),
    pytest.param("expected in early 2024.", WED, "early 2024",
                 "DATE", "2024", "2024-01/2024-04", "interval", id="early-year"),
    pytest.param("completed in mid-2023.", WED, "mid-2023",
                 "DATE", "2023", "2023-05/2023-08", "interval", id="mid-year"),
    pytest.param("announced in late 2023.", WED, "late 2023",
                 "DATE", "2023", "2023-09/2023-12", "interval", id="late-year"),
    pytest.param("by the end of 2025 all", WED, "the end of 2025",
                 "DATE", "2025", "2025-12", "month", id="end-of-year"),
    pytest.param("at the beginning of the year we", WED, "the beginning of the year",
                 "DATE", "2023", "2023-01/2023-02", "interval", id="beginning-of-year"),
    pytest.param("Revenue in the first half of 2024 rose", WED,
                 "the first half of 2024", "DATE", "2024-H1", "2024-01/2024-06",
                 "interval", id="first-half"),
    pytest.param("Sales rose in the first half (H1) of 2025, a review found.", WED,
                 "the first half (H1) of 2025", "DATE", "2025-H1", "2025-01/2025-06",
                 "interval", id="first-half-with-parenthesised-abbreviation"),
    pytest.param("Sales rose in the third quarter (Q3) of 2022, a review found.", WED,
                 "the third quarter (Q3) of 2022", "DATE", "2022-Q3",
                 "2022-07/2022-09", "interval",
                 id="quarter-with-parenthesised-abbreviation"),
    pytest.param("in the second half, output", WED, "the second half",
                 "DATE", "2023-H2", "2023-07/2023-12", "interval",
                 id="second-half-anchor-year"),
    pytest.param("H1 2024 revenue rose", WED, "H1 2024",
                 "DATE", "2024-H1", "2024-01/2024-06", "interval", id="h1-notation"),
    pytest.param("in the first quarter of last year", WED,
                 "the first quarter of last year", "DATE", "2022-Q1",
                 "2022-01/2022-03", "interval", id="quarter-of-last-year"),
    pytest.param("Revenue in Q3 2023 rose", WED, "Q3 2023",
                 "DATE", "2023-Q3", "2023-07/2023-09", "interval", id="q-notation"),
    pytest.param("in the third quarter of 2023.", WED, "the third quarter of 2023",
                 "DATE", "2023-Q3", "2023-07/2023-09", "interval", id="quarter-words"),
    pytest.param("shops were busy over the past weekend", WED, "the past weekend",
                 "DATE", "2023-W35-WE", "2023-09-02/2023-09-03", "interval",
                 id="past-weekend"),
    pytest.param("profit in the last quarter of 2019 fell", WED,
                 "the last quarter of 2019", "DATE", "2019-Q4", "2019-10/2019-12",
                 "interval", id="last-quarter-of-year"),
    pytest.param("profit in the last quarter fell", WED, "the last quarter",
                 "DATE", "2023-Q2", "2023-04/2023-06", "interval",
                 id="last-quarter-before-anchor"),
    pytest.param("in the fourth quarter, sales", dt.date(2007, 3, 13),
                 "the fourth quarter", "DATE", "2006-Q4", "2006-10/2006-12",
                 "interval", id="bare-quarter-nearest"),
    pytest.param("Visitors came in summer 2023.", WED, "summer 2023",
                 "DATE", "2023-SU", "2023-22", "season", id="season-year"),
    pytest.param("prices rose last winter", WED, "last winter",
                 "DATE", "2022-WI", "2022-24", "season", id="last-season"),
    pytest.param("later this year the firm", WED, "later this year",
                 "DATE", "2023", "2023-09/2023-12", "interval", id="later-this-year"),
    pytest.param("cases in the last week of March", dt.date(2009, 4, 1),
                 "the last week of March", "DATE", "2009-W13",
                 "2009-03-25/2009-03-31", "interval", id="last-week-of-month"),
    # relative expressions
    pytest.param("The fair opens today.", WED, "today",
                 "DATE", "2023-09-06", "2023-09-06", "day", id="today"),
    pytest.param("Yesterday the index fell.", WED, "Yesterday",
                 "DATE", "2023-09-05", "2023-09-05", "day", id="yesterday"),
    pytest.param("It will open tomorrow.", WED, "tomorrow",
                 "DATE", "2023-09-07", "2023-09-07", "day", id="tomorrow"),
    pytest.param("Output grew this year.", WED, "this year",
                 "DATE", "2023", "2023", "year", id="this-year"),
    pytest.param("Output grew last year.", WED, "last year",
                 "DATE", "2022", "2022", "year", id="last-year"),
    pytest.param("Output will grow next year.", WED, "next year",
                 "DATE", "2024", "2024", "year", id="next-year"),
    pytest.param("Output grew this month.", WED, "this month",
                 "DATE", "2023-09", "2023-09", "month", id="this-month"),
    pytest.param("Output grew last month.", WED, "last month",
                 "DATE", "2023-08", "2023-08", "month", id="last-month"),
    pytest.param("Stocks fell this week.", WED, "this week",
                 "DATE", "2023-W36", "2023-09-04/2023-09-10", "interval",
                 id="this-week-iso"),
    pytest.param("The fair opened Friday.", WED, "Friday",
                 "DATE", "2023-09-01", "2023-09-01", "day",
                 id="weekday-past-by-default"),
    pytest.param("The vote was held on Sunday.", WED, "Sunday",
                 "DATE", "2023-09-03", "2023-09-03", "day", id="on-weekday"),
    pytest.param("The ministry said Wednesday it", WED, "Wednesday",
                 "DATE", "2023-09-06", "2023-09-06", "day",
                 id="weekday-same-day-as-anchor"),
    pytest.param("The forum will be held on Friday.", WED, "Friday",
                 "DATE", "2023-09-08", "2023-09-08", "day",
                 id="weekday-future-tense-goes-forward"),
    pytest.param("The firm announced Friday that it will expand.", WED, "Friday",
                 "DATE", "2023-09-01", "2023-09-01", "day",
                 id="weekday-reported-future-stays-past"),
    pytest.param("Talks resume next Friday.", WED, "next Friday",
                 "DATE", "2023-09-08", "2023-09-08", "day", id="next-weekday"),
    pytest.param("Talks resume this coming Monday.", WED, "this coming Monday",
                 "DATE", "2023-09-11", "2023-09-11", "day", id="this-coming-weekday"),
    pytest.param("Talks ended last Wednesday.", WED, "last Wednesday",
                 "DATE", "2023-08-30", "2023-08-30", "day", id="last-weekday"),
    pytest.param("It closed lower for the day.", WED, "the day",
                 "DATE", "2023-09-06", "2023-09-06", "day", id="the-day-is-anchor"),
    pytest.param("Shares fell on Monday. On the day, volume", WED, "the day",
                 "DATE", "2023-09-04", "2023-09-04", "day",
                 id="the-day-is-last-mentioned-day"),
    pytest.param("The plan began three years ago.", WED, "three years ago",
                 "DATE", "2020", "2020", "year", id="years-ago"),
    pytest.param("It rose a week ago.", dt.date(2011, 3, 18), "a week ago",
                 "DATE", "2011-03-11", "2011-03-11", "day", id="week-ago"),
    pytest.param("over the past three years, sales", JAN, "the past three years",
                 "DATE", "P3Y", "2022/2025", "interval",
                 id="past-n-years-ends-in-anchor-year"),
    pytest.param("After ten years of development, the park", JAN,
                 "After ten years of development", "DATE", "P10Y", "2015/2025",
                 "interval", id="after-n-years-of-development"),
    pytest.param("after 5 years of rapid growth, sales", JAN,
                 "after 5 years of rapid growth", "DATE", "P5Y", "2020/2025",
                 "interval", id="after-n-years-of-growth"),
    pytest.param("over the past six months", JAN, "the past six months",
                 "DATE", "P6M", "2024-07/2025-01", "interval", id="past-n-months"),
    pytest.param("in the next five years", JAN, "the next five years",
                 "DATE", "P5Y", "2025/2030", "interval", id="next-n-years"),
    pytest.param("in the past decade prices", JAN, "the past decade",
                 "DATE", "P10Y", "2015/2025", "interval", id="past-decade"),
    pytest.param("Mergers rose in recent years.", WED, "recent years",
                 "DATE", "PAST_REF", None, None, id="recent-years"),
    pytest.param("The hospital now treats", WED, "now",
                 "DATE", "PRESENT_REF", None, None, id="now"),
    pytest.param("It is currently testing", WED, "currently",
                 "DATE", "PRESENT_REF", None, None, id="currently"),
    pytest.param("in the near future the", WED, "the near future",
                 "DATE", "FUTURE_REF", None, None, id="near-future"),
    # open and bounded ends
    pytest.param("It has grown since 2005.", WED, "since 2005",
                 "DATE", "2005", "2005/..", "interval", id="since-year"),
    pytest.param("since March 2020 the", WED, "since March 2020",
                 "DATE", "2020-03", "2020-03/..", "interval", id="since-month"),
    pytest.param("to be finished by 2020.", WED, "2020",
                 "DATE", "2020", "2020", "year", id="by-year-is-target-year"),
    pytest.param("must end before 2030.", WED, "before 2030",
                 "DATE", "2030", "../2029", "interval", id="before-year"),
    pytest.param("runs until 2025.", WED, "until 2025",
                 "DATE", "2025", "../2025", "interval", id="until-year"),
    pytest.param("allowed after 2020.", WED, "after 2020",
                 "DATE", "2020", "2021/..", "interval", id="after-year"),
    pytest.param("from 2026 onwards the", WED, "2026 onwards",
                 "DATE", "2026", "2026/..", "interval", id="year-onwards"),
    pytest.param("output around 2024 was", WED, "around 2024",
                 "DATE", "2024", "2024~", "year", id="around-year-approximate"),
    # decades
    pytest.param("since the 1980s", WED, "since the 1980s",
                 "DATE", "198", "1980/..", "interval", id="since-decade"),
    pytest.param("popular in the 1980s.", WED, "the 1980s",
                 "DATE", "198", "198X", "decade", id="decade"),
    pytest.param("in the early 1960s.", WED, "the early 1960s",
                 "DATE", "196", "1960/1963", "interval", id="early-decade"),
    pytest.param("in the late 1990s.", WED, "the late 1990s",
                 "DATE", "199", "1997/1999", "interval", id="late-decade"),
    pytest.param("hits of the '80s", WED, "the '80s",
                 "DATE", "198", "198X", "decade", id="apostrophe-decade"),
    # five-year plans
    pytest.param("in the 13th Five-Year-Plan period", WED,
                 "the 13th Five-Year-Plan period", "DATE", "P4Y", "2016/2020",
                 "interval", id="five-year-plan-hyphenated"),
    pytest.param("during the 14th Five-Year Plan period", WED,
                 "the 14th Five-Year Plan period", "DATE", "P4Y", "2021/2025",
                 "interval", id="five-year-plan"),
]
# fmt: on


@pytest.mark.parametrize(
    ("sentence", "anchor", "span", "type_", "value", "edtf", "precision"), DATE_CASES
)
def test_tag_dates_normalises_case(
    sentence: str,
    anchor: dt.date,
    span: str,
    type_: str,
    value: str,
    edtf: str | None,
    precision: str | None,
) -> None:
    t = _one(sentence, anchor, span)
    assert (t.type, t.value, t.edtf, t.precision) == (type_, value, edtf, precision)
    assert sentence[t.start : t.end] == t.text


# fmt: off
OTHER_CASES = [
    pytest.param("a three-year action plan", "three-year", "DURATION", "P3Y",
                 id="hyphen-word-duration"),
    pytest.param("a 15-year lease", "15-year", "DURATION", "P15Y",
                 id="hyphen-digit-duration"),
    pytest.param("for three years", "three years", "DURATION", "P3Y",
                 id="plain-duration"),
    pytest.param("within 18 months", "18 months", "DURATION", "P18M",
                 id="months-duration"),
    pytest.param("in the first six months of the trial", "the first six months",
                 "DURATION", "P6M", id="first-n-months-of-something-else-duration"),
    pytest.param("nearly five months of talks", "nearly five months", "DURATION",
                 "P5M", id="modified-duration"),
    pytest.param("almost two and a half years", "almost two and a half years",
                 "DURATION", "P2.5Y", id="half-duration"),
    pytest.param("for thirty minutes", "thirty minutes", "DURATION", "PT30M",
                 id="minutes-duration"),
    pytest.param("over the next few years", "the next few years", "DURATION", "PXY",
                 id="vague-duration"),
    pytest.param("after two consecutive quarters of growth", "two consecutive quarters",
                 "DURATION", "P2Q", id="adjective-between-count-and-unit"),
    pytest.param("the annual report", "annual", "SET", "P1Y", id="annual-set"),
    pytest.param("at a rate of 15 a year.", "a year", "SET", "P1Y",
                 id="rate-a-year-set"),
    pytest.param("$5 million a year in fees", "a year", "SET", "P1Y",
                 id="money-a-year-set"),
    pytest.param("held every year in May", "every year", "SET", "P1Y",
                 id="every-year-set"),
    pytest.param("a weekly meeting", "weekly", "SET", "P1W", id="weekly-set"),
    pytest.param("Doors open at 14:45 sharp", "14:45", "TIME", "2023-09-06T14:45",
                 id="clock-time-on-anchor-day"),
    pytest.param("at 6:40 p.m. local time", "6:40 p.m.", "TIME", "2023-09-06T18:40",
                 id="pm-time"),
    pytest.param("at 18:00 UTC on", "18:00 UTC", "TIME", "2023-09-06T18:00Z",
                 id="utc-time"),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "span", "type_", "value"), OTHER_CASES)
def test_tag_dates_types_durations_sets_and_times(
    sentence: str, span: str, type_: str, value: str
) -> None:
    t = _one(sentence, WED, span)
    assert (t.type, t.value, t.edtf, t.precision) == (type_, value, None, None)


def test_datetime_splits_into_date_and_time_of_that_date() -> None:
    text = "China Daily | Updated: 2018-10-14 07:30"
    tags = tag_dates(text, anchor=WED)
    assert [(t.text, t.type, t.value, t.edtf) for t in tags] == [
        ("2018-10-14", "DATE", "2018-10-14", "2018-10-14"),
        ("07:30", "TIME", "2018-10-14T07:30", None),
    ]


# fmt: off
NEGATIVES = [
    pytest.param("a $36 billion contract", id="money-dollars"),
    pytest.param("a 250 billion yuan fund", id="money-yuan"),
    pytest.param("after two years of treatment", id="after-n-years-of-treatment"),
    pytest.param("worth US$ 2020 million", id="money-year-like"),
    pytest.param("rose 50% on", id="percent-sign"),
    pytest.param("rose 13 percent on", id="percent-word"),
    pytest.param("rose 2020% on", id="percent-year-like"),
    pytest.param("over 1,800 surgeries", id="count-thousands-comma"),
    pytest.param("some 2,000 people came", id="count-people"),
    pytest.param("117 generative AI services", id="count-services"),
    pytest.param("open 24/7 for patients", id="twenty-four-seven"),
    pytest.param("Document No. 2020 says", id="numbered-document"),
    pytest.param("under Article 2023 of the law", id="article-number"),
    pytest.param("call 010-2023-4567 for details", id="phone-number"),
    pytest.param("call +86 2023 4567 for", id="phone-with-country-code"),
    pytest.param("as shown in [3][4] and", id="reference-markers"),
    pytest.param("6G networks and 5G phones", id="network-generation"),
    pytest.param("a hospital with 2050 beds", id="year-like-quantity"),
    pytest.param("it hired 2024 nurses", id="year-like-staff-count"),
    pytest.param("the Russell 2000 Index fell", id="index-name"),
    pytest.param("version 2.2023 released", id="version-number"),
    pytest.param("ID 20230904123 assigned", id="long-identifier"),
    pytest.param("Long March rockets flew", id="long-march-rocket"),
    pytest.param("You may apply.", id="may-verb"),
    pytest.param("the first half of the match", id="sports-half"),
    pytest.param("a second look", id="ordinal-second"),
    pytest.param("about a quarter, of its 3,200 dealers", id="quarter-share"),
    pytest.param("Spring Festival travel", id="spring-festival"),
]
# fmt: on


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_non_dates_produce_no_date(sentence: str) -> None:
    dates = [t for t in tag_dates(sentence, anchor=WED) if t.type == "DATE"]
    assert dates == []


def test_clock_time_takes_the_date_written_next_to_it() -> None:
    tags = tag_dates("The vote closes Sunday 18:00 local time.", anchor=WED)
    assert [(t.text, t.type, t.value) for t in tags] == [
        ("Sunday", "DATE", "2023-09-03"),
        ("18:00", "TIME", "2023-09-03T18:00"),
    ]


def test_clock_times_are_never_dates() -> None:
    tags = tag_dates("Trains leave at 07:30 and 14:45.", anchor=WED)
    assert [t.type for t in tags] == ["TIME", "TIME"]


def test_without_anchor_relative_dates_have_no_edtf() -> None:
    tags = tag_dates("Sept. 4 and yesterday, but 2023-09-04 too.")
    assert [(t.text, t.value, t.edtf) for t in tags] == [
        ("Sept. 4", "XXXX-09-04", None),
        ("yesterday", "XXXX-XX-XX", None),
        ("2023-09-04", "2023-09-04", "2023-09-04"),
    ]


YEAR_ONLY_CASES = [
    pytest.param(
        "The plant opened on Dec. 20.", "Dec. 20", "2024-12-20", id="late-month-day"
    ),
    pytest.param(
        "The plant opened on Jan. 3.", "Jan. 3", "2024-01-03", id="early-month-day"
    ),
    pytest.param("Sales doubled in June.", "June", "2024-06", id="month"),
    pytest.param("Sales doubled last year.", "last year", "2023", id="last-year"),
    pytest.param("Sales doubled this year.", "this year", "2024", id="this-year"),
    pytest.param("Sales doubled in 2019.", "2019", "2019", id="explicit-year"),
    pytest.param("销售额11月增长两成。", "11月", "2024-11", id="zh-month"),
    pytest.param("该项目于3月5日开工。", "3月5日", "2024-03-05", id="zh-month-day"),
    pytest.param("去年销售额增长两成。", "去年", "2023", id="zh-last-year"),
    pytest.param(
        "The firm said yesterday it would expand.", "yesterday", None, id="yesterday"
    ),
    pytest.param(
        "The firm said on Friday it would expand.", "Friday", None, id="weekday"
    ),
    pytest.param("Sales doubled last month.", "last month", None, id="last-month"),
    pytest.param("该院昨日开诊。", "昨日", None, id="zh-yesterday"),
]


@pytest.mark.parametrize(("text", "phrase", "edtf"), YEAR_ONLY_CASES)
def test_a_year_from_context_dates_only_what_needs_no_day(text, phrase, edtf) -> None:
    found = [t for t in tag_dates(text, year=2024) if t.text == phrase]
    assert [t.edtf for t in found] == [edtf]


def test_results_are_sorted_and_non_overlapping() -> None:
    text = " ".join(p.values[0] for p in DATE_CASES)
    tags = tag_dates(text, anchor=WED)
    assert tags == sorted(tags, key=lambda t: t.start)
    assert all(a.end <= b.start for a, b in zip(tags, tags[1:], strict=False))
    assert all(text[t.start : t.end] == t.text for t in tags)


def test_every_edtf_parses_and_matches_its_precision() -> None:
    text = " ".join(p.values[0] for p in DATE_CASES + NEGATIVES)
    for anchor in (WED, JAN, dt.date(2008, 12, 31), dt.date(2024, 2, 29)):
        for t in tag_dates(text, anchor=anchor):
            if t.edtf is None:
                assert t.precision is None
                continue
            assert parse_edtf(t.edtf) is not None, t
            assert (t.precision == "interval") == ("/" in t.edtf), t


@pytest.mark.parametrize("gap", [" ", " " * 100, " \n " * 40])
def test_an_opener_far_before_its_trigger_still_opens_it(gap: str) -> None:
    # "the" is tried from the few tokens before "past", however many
    # characters lie between them.
    text = f"Sales over the{gap}past three years rose"
    (tag,) = tag_dates(text, anchor=dt.date(2023, 9, 6))
    assert (tag.start, tag.text.split(), tag.edtf) == (
        11,
        ["the", "past", "three", "years"],
        "2020/2023",
    )
