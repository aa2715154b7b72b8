"""The extractor never crashes on odd text and keeps its invariants: offsets
that slice the text, sorted non-overlapping dates, EDTF values that parse.

Generated from the vocabulary of dates, amounts and news prose, so the rules
meet combinations no table lists ("the last quarter of 2019" once crashed).
"""

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.dates import describe_edtf
from corpus.extraction import extract_amounts, extract_events, tag_dates

WORDS = (  # noqa: SIM905 (a sentence of words reads better than a list)
    "the a an in on of to and by since until from between before after about over"
    " year years month week day quarter half first second third last final next"
    " this past previous coming early late mid end beginning period May March"
    " June August September Tuesday Friday Sunday Q1 Q3 H1 FY fiscal 2023 2019"
    " 1998 '19 12 3.2 1,200 31 07 $ US$ RMB € billion million yuan dollars"
    " percent % am pm 10:30 ago now recently soon said will plans expected to"
    " deal approval expo fair signed Ministry Commission Ltd Inc. Co. (FDA)"
    " Beijing Shanghai Updated © 2020s 1990s mid-2024 year-end five-year plan"
    " 14th 2018-20 2021-2025 09/04/2023 2023-09-04 去年 今年 明年 上半年 年底"
    " 近三年 2025年 7月 11日 1.5万亿元 450亿美元 超 约 . , ; : - – / ( ) \n"
).split()

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join)
anchors = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=texts, anchor=anchors)
def test_dates_keep_their_invariants(text, anchor):
    timexes = tag_dates(text, anchor=anchor)
    end = 0
    for timex in timexes:
        assert timex.start >= end and timex.end > timex.start
        assert text[timex.start : timex.end] == timex.text
        end = timex.end
        if timex.edtf is not None:
            assert describe_edtf(timex.edtf).precision == timex.precision


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=texts, anchor=anchors)
def test_events_and_amounts_keep_their_invariants(text, anchor):
    for amount in extract_amounts(text):
        assert text[amount.start : amount.end] == amount.text
        assert amount.value >= 0
    for candidate in extract_events(text, published_on=anchor):
        assert text[candidate.start : candidate.end] == candidate.quote
        info = describe_edtf(candidate.date.edtf)
        assert (info.lower, info.upper) == (candidate.date.lower, candidate.date.upper)
        assert 0 <= candidate.confidence <= 1


# Every combination of the words a date phrase is built from, in order.
PREPOSITIONS = ["in", "by", "between"]
DETERMINERS = ["the", "", "this", "last", "next"]
MODIFIERS = ["first", "second", "fourth", "last", "final", "latter", "early", "late"]
MODIFIERS += ["mid", "past", "coming", "", "three", "the next two"]
UNITS = ["quarter", "half", "year", "month", "week", "decade", "weekend", "winter"]
UNITS += ["period", "five-year plan", "fiscal year", "May", "Friday", "2020s"]
LINKS = ["of", "", "and"]
TAILS = ["2019", "last year", "this year", "next", "'19", "FY2020", "", "March"]
TAILS += ["the year", "2023-24", "2021-2025", "a year ago"]


def test_every_date_phrase_of_the_grammar_is_tagged_without_error():
    anchor = dt.date(2023, 9, 6)
    count = 0
    for prep, det, mod, unit, link, tail in itertools.product(
        PREPOSITIONS, DETERMINERS, MODIFIERS, UNITS, LINKS, TAILS
    ):
        words = [prep, det, mod, unit, link, tail]
        text = "Sales rose " + " ".join(w for w in words if w) + ", it said."
        for timex in tag_dates(text, anchor=anchor):
            assert text[timex.start : timex.end] == timex.text
        count += 1
    assert count == 3 * 5 * 14 * 14 * 3 * 12
