"""EDTF semantics: bounds, precision and display derived from one EDTF string."""

import datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from corpus.dates import (
    OPEN_LOWER,
    OPEN_UPPER,
    InvalidEdtf,
    describe_edtf,
    earliest_start,
)

D = datetime.date

CASES = [
    # edtf, lower, upper, precision, display
    ("2023-09-04", D(2023, 9, 4), D(2023, 9, 4), "day", "4 September 2023"),
    ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), "day", "29 February 2024"),
    ("2023-08", D(2023, 8, 1), D(2023, 8, 31), "month", "August 2023"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", "February 2024"),
    ("2023", D(2023, 1, 1), D(2023, 12, 31), "year", "2023"),
    ("2023-21", D(2023, 3, 1), D(2023, 5, 31), "season", "spring 2023"),
    ("2023-22", D(2023, 6, 1), D(2023, 8, 31), "season", "summer 2023"),
    ("2023-23", D(2023, 9, 1), D(2023, 11, 30), "season", "autumn 2023"),
    ("2023-24", D(2023, 12, 1), D(2024, 2, 29), "season", "winter 2023–2024"),
    ("2023-35", D(2023, 7, 1), D(2023, 9, 30), "season", "Q3 2023"),
    ("2024-40", D(2024, 1, 1), D(2024, 6, 30), "season", "first half of 2024"),
    ("2024-41", D(2024, 7, 1), D(2024, 12, 31), "season", "second half of 2024"),
    ("196X", D(1960, 1, 1), D(1969, 12, 31), "decade", "1960s"),
    ("19XX", D(1900, 1, 1), D(1999, 12, 31), "century", "1900s"),
    ("2020-06-XX", D(2020, 6, 1), D(2020, 6, 30), "month", "June 2020"),
    ("2024~", D(2024, 1, 1), D(2024, 12, 31), "year", "c. 2024"),
    ("2023?", D(2023, 1, 1), D(2023, 12, 31), "year", "2023?"),
    ("2023-08%", D(2023, 8, 1), D(2023, 8, 31), "month", "c. August 2023?"),
    ("2023-09-04~", D(2023, 9, 4), D(2023, 9, 4), "day", "c. 4 September 2023"),
    (
        "2023-08-21/2023-08-31",
        D(2023, 8, 21),
        D(2023, 8, 31),
        "interval",
        "late August 2023",
    ),
    (
        "2023-08-01/2023-08-10",
        D(2023, 8, 1),
        D(2023, 8, 10),
        "interval",
        "early August 2023",
    ),
    (
        "2023-02-11/2023-02-20",
        D(2023, 2, 11),
        D(2023, 2, 20),
        "interval",
        "mid-February 2023",
    ),
    ("2024-01/2024-04", D(2024, 1, 1), D(2024, 4, 30), "interval", "early 2024"),
    ("2023-05/2023-08", D(2023, 5, 1), D(2023, 8, 31), "interval", "mid-2023"),
    ("2023-09/2023-12", D(2023, 9, 1), D(2023, 12, 31), "interval", "late 2023"),
    (
        "2024-01/2024-06",
        D(2024, 1, 1),
        D(2024, 6, 30),
        "interval",
        "first half of 2024",
    ),
    ("2018/2020", D(2018, 1, 1), D(2020, 12, 31), "interval", "2018–2020"),
    ("1960/1963", D(1960, 1, 1), D(1963, 12, 31), "interval", "1960–1963"),
    ("2005/..", D(2005, 1, 1), OPEN_UPPER, "interval", "since 2005"),
    ("2020-01/..", D(2020, 1, 1), OPEN_UPPER, "interval", "since January 2020"),
    ("../2030", OPEN_LOWER, D(2030, 12, 31), "interval", "until 2030"),
    (
        "2023-05-03/2023-06-07",
        D(2023, 5, 3),
        D(2023, 6, 7),
        "interval",
        "3 May 2023 – 7 June 2023",
    ),
    (
        "2024-03~/2024-05",
        D(2024, 3, 1),
        D(2024, 5, 31),
        "interval",
        "c. March 2024 – May 2024",
    ),
]


@pytest.mark.parametrize(
    ("edtf", "lower", "upper", "precision", "display"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_describe_edtf_derives_bounds_precision_and_display(
    edtf, lower, upper, precision, display
):
    info = describe_edtf(edtf)
    assert (info.lower, info.upper, info.precision, info.display) == (
        lower,
        upper,
        precision,
        display,
    )


INVALID = [
    ("", "required"),
    ("   ", "required"),
    (" 2023", "whitespace"),
    ("2023-13", "not a valid EDTF"),
    ("2023-02-30", "not a valid EDTF"),
    ("2023-02-29", "not a valid EDTF"),
    ("2023-00", "not a valid EDTF"),
    ("August 2023", "not a valid EDTF"),
    ("2023/08/04", "not a valid EDTF"),
    ("late 2023", "not a valid EDTF"),
    ("2024/2023", "ends before it starts"),
    ("2023-09-05/2023-09-04", "ends before it starts"),
    ("../..", "at least one known end"),
]


@pytest.mark.parametrize(
    ("value", "message"), INVALID, ids=[v or "empty" for v, _ in INVALID]
)
def test_describe_edtf_refuses_invalid_values_with_a_clear_message(value, message):
    with pytest.raises(InvalidEdtf, match=message):
        describe_edtf(value)


def test_open_ends_are_flagged():
    assert describe_edtf("2005/..").is_open_end
    assert not describe_edtf("2005/..").is_open_start
    assert describe_edtf("../2030").is_open_start


# Every EDTF form that describes one calendar unit or grouping, not a free
# interval: plain and qualified days, months and years, unspecified digits,
# and all the sub-year groupings (21-41).
years = st.integers(1001, 2999)
units = st.one_of(
    st.dates(D(1001, 1, 1), D(2999, 12, 31)).map(str),
    st.builds(lambda y, m: f"{y}-{m:02d}", years, st.integers(1, 12)),
    st.builds(lambda y, m: f"{y}-{m:02d}-XX", years, st.integers(1, 12)),
    years.map(str),
    years.map(lambda y: f"{y}-XX"),
    st.builds(lambda y, code: f"{y}-{code}", years, st.integers(21, 41)),
    years.map(lambda y: f"{str(y)[:3]}X"),
    years.map(lambda y: f"{str(y)[:2]}XX"),
)
qualified = st.builds(lambda v, q: v + q, units, st.sampled_from(["", "~", "?", "%"]))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(value=qualified, data=st.data())
def test_an_event_ending_on_or_after_a_day_starts_no_earlier_than_its_floor(
    value, data
):
    # The API's interval plan scans date_lower from this floor per precision:
    # an event below it that still overlaps would be silently left out.
    try:
        info = describe_edtf(value)
    except InvalidEdtf:  # qualifiers on some groupings, 29 February of 1900
        assume(False)
    # Days around and inside the event, where a floor that is too high bites.
    span = (info.upper - info.lower).days
    offset = data.draw(st.integers(-400, span + 400), label="days after lower")
    day = info.lower + datetime.timedelta(days=offset)
    floor = earliest_start(info.precision, day)
    assert floor is not None
    if info.upper >= day:
        assert info.lower >= floor, (value, day, floor)


@pytest.mark.parametrize(
    "precision, day, floor",
    [
        ("day", D(2023, 5, 20), D(2023, 5, 20)),
        ("month", D(2023, 5, 20), D(2023, 5, 1)),
        ("year", D(2023, 5, 20), D(2023, 1, 1)),
        ("decade", D(2023, 5, 20), D(2020, 1, 1)),
        ("century", D(2023, 5, 20), D(2000, 1, 1)),
        # The first half of 2023 (2023-40) still runs on 20 May.
        ("season", D(2023, 5, 20), D(2023, 1, 1)),
        # Winter 2022-2023 (2022-24) runs until the end of February.
        ("season", D(2023, 2, 10), D(2022, 12, 1)),
        ("interval", D(2023, 5, 20), None),
    ],
)
def test_floors_are_as_tight_as_the_definitions_allow(precision, day, floor):
    assert earliest_start(precision, day) == floor
