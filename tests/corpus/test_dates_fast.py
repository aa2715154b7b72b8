"""The parser-free path of describe_edtf agrees with the `edtf` parser path.

Hypothesis generates the shapes the fast path claims (plain and qualified
years, months and days, intervals of them with open or unknown ends, plain
seasons, decades and centuries), valid and invalid, and every field or error
must match what the parser path gives.
"""

import calendar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from corpus.dates import InvalidEdtf, _describe_fast, _describe_parsed, describe_edtf

# Out-of-range parts on purpose: year 0, month 0 and 13, day 0 and 32, and
# 29-31 in every month, so invalid dates are drawn as often as valid ones.
years = st.integers(0, 2999).map(lambda y: f"{y:04d}")
months = st.integers(0, 13).map(lambda m: f"{m:02d}")
days = st.integers(0, 32).map(lambda d: f"{d:02d}")
qualifiers = st.sampled_from(["", "?", "~", "%"])
units = st.builds(
    lambda y, m, d, shape, q: "-".join([y, m, d][:shape]) + q,
    years,
    months,
    days,
    st.integers(1, 3),
    qualifiers,
)
# Seasons and groupings (21-41, and the invalid 20 and 42), decades, centuries.
groupings = st.one_of(
    st.builds(lambda y, code: f"{y}-{code}", years, st.integers(20, 42)),
    years.map(lambda y: f"{y[:3]}X"),
    years.map(lambda y: f"{y[:2]}XX"),
)
ends = st.one_of(units, st.sampled_from(["..", ""]))
intervals = st.builds(lambda a, b: f"{a}/{b}", ends, ends)


def _outcome(describe, value):
    try:
        return describe(value)
    except InvalidEdtf as exc:
        return f"InvalidEdtf: {exc}"


def _is_plain_29_february_of_a_common_year(value: str) -> bool:
    year, _, rest = value.partition("-")
    return rest == "02-29" and year.isdigit() and not calendar.isleap(int(year))


@settings(max_examples=500, deadline=None, derandomize=True)
@given(value=st.one_of(units, groupings, intervals))
@example("2024-03~/2024-05")
@example("../2030")
@example("2005?/..")
@example("/2020")
@example("2023~/")
@example("2024/2023")
@example("2023-02-29/2023-03")
@example("0000~")
@example("0000-21")
@example("000X")
@example("001X")
@example("../..")
def test_fast_path_gives_what_the_parser_gives(value):
    fast = _outcome(describe_edtf.__wrapped__, value)
    parsed = _outcome(_describe_parsed, value)
    if _is_plain_29_february_of_a_common_year(value):
        # The parser accepts 2023-02-29 and then fails on its bounds ("out of
        # the supported range"); both paths refuse it, the plain one saying
        # "not a valid EDTF date" as it always has.
        assert fast == f"InvalidEdtf: {value!r} is not a valid EDTF date"
        assert parsed.startswith("InvalidEdtf:")
        return
    assert fast == parsed, value
    if not isinstance(parsed, str):
        # Every valid value of these shapes really skips the parser.
        assert _describe_fast(value) == parsed


@pytest.mark.parametrize(
    "value",
    [
        "2020-06-XX",  # unspecified digits
        "196X~",
        "[2020, 2021]",  # set
        "Y12345",  # exponent-style year
        "2004-06~-11",  # qualifier on one component
        "?2004-06-11",
        "2023-21/2023-23",  # interval of seasons
        "2023-13~",  # invalid: the parser words the error
        "2024/2023",  # inverted: the parser path words the error
    ],
)
def test_other_shapes_and_invalid_values_go_to_the_parser(value):
    assert _describe_fast(value) is None
