"""EDTF date semantics shared by the timeline and the extractor.

`describe_edtf` validates an EDTF string with the `edtf` parser and derives the
closed interval it covers, its precision and a human display, in English or
in the words (`DateWords`) of another language. Open ends are
stored as the extreme representable dates (OPEN_LOWER, OPEN_UPPER) rather than
NULL, so plain `>=`/`<=` filters and sorting keep "since 2005" in the results.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

__all__ = [
    "OPEN_LOWER",
    "OPEN_UPPER",
    "PRECISIONS",
    "ENGLISH",
    "DateWords",
    "EdtfDate",
    "InvalidEdtf",
    "describe_edtf",
    "earliest_start",
]

OPEN_LOWER = datetime.date.min  # 0001-01-01: "../2030" starts before anything
OPEN_UPPER = datetime.date.max  # 9999-12-31: "2005/.." has not ended

PRECISIONS = ("day", "month", "season", "year", "decade", "century", "interval")

MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# EDTF level 1 and 2 sub-year groupings (21-41), as (first month, last month,
# label). Winter (24) runs December to February of the following year: the
# `edtf` package cuts it to December alone, which would hide January events.
SEASONS: dict[int, tuple[int, int, str]] = {
    21: (3, 5, "spring {y}"),
    22: (6, 8, "summer {y}"),
    23: (9, 11, "autumn {y}"),
    24: (12, 14, "winter {y}–{y1}"),
    25: (3, 5, "spring {y} (Northern Hemisphere)"),
    26: (6, 8, "summer {y} (Northern Hemisphere)"),
    27: (9, 11, "autumn {y} (Northern Hemisphere)"),
    28: (12, 14, "winter {y}–{y1} (Northern Hemisphere)"),
    29: (9, 11, "spring {y} (Southern Hemisphere)"),
    30: (12, 14, "summer {y}–{y1} (Southern Hemisphere)"),
    31: (3, 5, "autumn {y} (Southern Hemisphere)"),
    32: (6, 8, "winter {y} (Southern Hemisphere)"),
    33: (1, 3, "Q1 {y}"),
    34: (4, 6, "Q2 {y}"),
    35: (7, 9, "Q3 {y}"),
    36: (10, 12, "Q4 {y}"),
    37: (1, 4, "first third of {y}"),
    38: (5, 8, "second third of {y}"),
    39: (9, 12, "last third of {y}"),
    40: (1, 6, "first half of {y}"),
    41: (7, 12, "second half of {y}"),
}

# Named parts of a year, shown instead of a bare month range when they match.
YEAR_PARTS: dict[tuple[int, int], str] = {
    (1, 4): "early {y}",
    (5, 8): "mid-{y}",
    (9, 12): "late {y}",
    (1, 6): "first half of {y}",
    (7, 12): "second half of {y}",
    (1, 3): "Q1 {y}",
    (4, 6): "Q2 {y}",
    (7, 9): "Q3 {y}",
    (10, 12): "Q4 {y}",
}


# Plain and qualified calendar values (2023, 2023-08~, 2023-08-21?) and
# intervals of them are nearly everything stored and imported; they are
# described without the parser, which costs 1-14 ms for every value not already
# in the cache (and bulk imports are mostly distinct values).
UNIT = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([?~%]?)")
# Unqualified seasons and groupings (2023-21 … 2023-41), decades (196X) and
# centuries (19XX): a few hundred distinct values, each a parse the first time.
GROUPING = re.compile(r"([0-9]{4})-(2[1-9]|3[0-9]|4[01])|([0-9]{3})X|([0-9]{2})XX")


def _printf(template: str) -> str:
    return template.replace("{y}", "%(year)s").replace("{y1}", "%(next_year)s")


@dataclass(frozen=True, eq=False)
class DateWords:
    """How one language writes a date: printf-style templates over named parts
    (`year`, `next_year`, `month` as a number, `month_name`, `day`, and the
    `date`, `first`, `last` already written), as gettext catalogues hold
    them. The defaults are the English of `date_display`; a caller builds
    another language's from its catalogue and keeps that object (displays are
    cached per object)."""

    month_names: tuple[str, ...] = MONTHS  # index 1-12
    year: str = "%(year)s"
    month: str = "%(month_name)s %(year)s"
    day: str = "%(day)s %(month_name)s %(year)s"
    decade: str = "%(year)ss"  # year: the decade's first, 1960
    century: str = "%(year)ss"  # year: the century's first, 1900; and `century`
    # A whole-date qualifier: approximate "c. 2023", uncertain "2023?".
    approximate: str = "c. %(date)s"
    uncertain: str = "%(date)s?"
    approximate_uncertain: str = "c. %(date)s?"
    seasons: Mapping[int, str] = field(
        default_factory=lambda: {code: _printf(s[2]) for code, s in SEASONS.items()}
    )
    year_parts: Mapping[tuple[int, int], str] = field(
        default_factory=lambda: {k: _printf(v) for k, v in YEAR_PARTS.items()}
    )
    early_month: str = "early %(month)s"  # month: as `month` writes it
    mid_month: str = "mid-%(month)s"
    late_month: str = "late %(month)s"
    day_range: str = "%(first)s–%(last)s %(month)s"  # first, last: day numbers
    month_range: str = "%(first)s–%(last)s %(year)s"  # first, last: month names
    year_range: str = "%(first)s–%(last)s"
    interval: str = "%(first)s – %(last)s"
    until: str = "until %(date)s"
    since: str = "since %(date)s"

    def qualified(self, display: str, qualifier: str) -> str:
        template = {
            "": "%(date)s",
            "?": self.uncertain,
            "~": self.approximate,
            "%": self.approximate_uncertain,
        }[qualifier]
        return template % {"date": display}

    def month_of(self, year: int | str, month: int) -> str:
        return self.month % {
            "year": year,
            "month": month,
            "month_name": self.month_names[month],
        }

    def day_of(self, date: datetime.date) -> str:
        return self.day % {
            "year": date.year,
            "month": date.month,
            "month_name": self.month_names[date.month],
            "day": date.day,
        }


ENGLISH = DateWords()


class InvalidEdtf(ValueError):
    """An EDTF string that does not parse, or describes an impossible span."""


@dataclass(frozen=True, slots=True)
class EdtfDate:
    edtf: str
    lower: datetime.date
    upper: datetime.date
    precision: str
    display: str

    @property
    def is_open_start(self) -> bool:
        return self.lower == OPEN_LOWER

    @property
    def is_open_end(self) -> bool:
        return self.upper == OPEN_UPPER


def _month_end(year: int, month: int) -> datetime.date:
    # Months past December roll into the next year (winter = 12..14).
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month_start(year: int, month: int) -> datetime.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime.date(year, month, 1)


def _bound(value: object, *, edtf: str) -> datetime.date | None:
    """Turn an `edtf` strict bound (struct_time or +/-inf) into a date."""
    if isinstance(value, float):  # inf/-inf: an open or unknown end
        return None
    try:
        return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)  # type: ignore[attr-defined]
    except (AttributeError, ValueError) as exc:
        raise InvalidEdtf(f"{edtf!r}: date out of the supported range") from exc


def _single(
    node: object, text: str, words: DateWords = ENGLISH
) -> tuple[datetime.date, datetime.date, str, str]:
    """Bounds, precision and display of one EDTF date (not an interval)."""
    qualifier = text[-1:] if text.endswith(("?", "~", "%")) else ""
    core = text[: len(text) - len(qualifier)]

    parts = core.split("-")
    year_text = parts[0]
    if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) >= 21:
        if not int(year_text):  # the parser takes year 0, dates do not
            raise InvalidEdtf(f"{text!r}: date out of the supported range")
        lower, upper, precision, display = _season(int(year_text), int(parts[1]), words)
    else:
        lower = _bound(node.lower_strict(), edtf=text)  # type: ignore[attr-defined]
        upper = _bound(node.upper_strict(), edtf=text)  # type: ignore[attr-defined]
        if lower is None or upper is None:
            raise InvalidEdtf(f"{text!r}: cannot derive bounds")
        if "X" in year_text or "x" in year_text:
            unknown = sum(1 for c in year_text if c in "Xx")
            if unknown == 1:
                precision = "decade"
                display = words.decade % {"year": f"{year_text[:3]}0"}
            elif unknown == 2:
                precision = "century"
                display = _century(year_text[:2], words)
            else:
                precision, display = "interval", text
        elif len(parts) == 1:
            precision, display = "year", words.year % {"year": year_text}
        elif len(parts) == 2 or (len(parts) == 3 and "X" in parts[2].upper()):
            month = int(parts[1]) if parts[1].isdigit() else 0
            if month:
                precision, display = "month", words.month_of(lower.year, month)
            else:
                precision, display = "year", words.year % {"year": lower.year}
        else:
            precision = "day"
            display = words.day_of(lower)
    return lower, upper, precision, words.qualified(display, qualifier)


def _century(digits: str, words: DateWords) -> str:
    """19XX: "1900s" (year 1900, the 20th century)."""
    return words.century % {"year": f"{digits}00", "century": int(digits) + 1}


def _season(
    year: int, code: int, words: DateWords = ENGLISH
) -> tuple[datetime.date, datetime.date, str, str]:
    first, last, _ = SEASONS[code]
    lower, upper = _month_start(year, first), _month_end(year, last)
    label = words.seasons[code] % {"year": year, "next_year": year + 1}
    return lower, upper, "season", label


def _interval_display(
    lower: datetime.date,
    upper: datetime.date,
    a: str,
    b: str,
    shown: tuple[str, str],
    words: DateWords = ENGLISH,
) -> str:
    """A human form for a closed interval: 'late August 2023', '2018–2020'."""
    both = {"first": shown[0], "last": shown[1]}
    if any(q in a + b for q in "~?%"):
        return words.interval % both
    if lower.year == upper.year and lower.month == upper.month:
        last_day = calendar.monthrange(lower.year, lower.month)[1]
        month = {"month": words.month_of(lower.year, lower.month)}
        if (lower.day, upper.day) == (1, 10):
            return words.early_month % month
        if (lower.day, upper.day) == (11, 20):
            return words.mid_month % month
        if (lower.day, upper.day) == (21, last_day):
            return words.late_month % month
        return words.day_range % {**month, "first": lower.day, "last": upper.day}
    whole_months = lower.day == 1 and upper == _month_end(upper.year, upper.month)
    if whole_months and lower.year == upper.year:
        part = words.year_parts.get((lower.month, upper.month))
        if part and len(a.split("-")) == 2:
            return part % {"year": lower.year}
        if len(a.split("-")) == 2:
            names = words.month_names
            return words.month_range % {
                "first": names[lower.month],
                "last": names[upper.month],
                "year": lower.year,
            }
    if len(a) == 4 and len(b) == 4 and a.isdigit() and b.isdigit():
        return words.year_range % {"first": a, "last": b}
    return words.interval % both


@lru_cache(maxsize=8192)
def describe_edtf(value: str, words: DateWords = ENGLISH) -> EdtfDate:
    """Validate `value` and derive its bounds, precision and display (in
    `words`' language).

    Raises InvalidEdtf with a message that quotes the value.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidEdtf("an EDTF date is required")
    text = value.strip()
    if text != value:
        raise InvalidEdtf(f"{value!r}: surrounding whitespace is not allowed")
    fast = _describe_fast(text, words)
    return fast if fast is not None else _describe_parsed(text, words)


def _describe_fast(text: str, words: DateWords = ENGLISH) -> EdtfDate | None:
    """The common shapes without the parser; None sends `text` to the parser.

    Plain or qualified (?, ~, %) years, months and days, and intervals of them
    with open or unknown ends. Anything else, and anything invalid, is left to
    the parser, so errors read the same whichever path a value takes.
    `tests/corpus/test_dates_fast.py` checks both paths agree on every field.
    """
    if "/" not in text:
        grouping = GROUPING.fullmatch(text)
        if grouping is not None:
            return _grouping_fast(text, *grouping.groups(), words)
        unit = UNIT.fullmatch(text)
        if unit is None:
            return None
        described = _unit_fast(*unit.groups(), words)
        plain = not unit[4] and text[:4] != "0000" and (unit[2] or "") <= "12"
        if described is None and plain:
            # A plain 2023-02-30 or 2023-00 (not a season such as 2023-21):
            # the parser rejects it too, or for 29 February fails on its
            # bounds; say so directly.
            raise InvalidEdtf(f"{text!r} is not a valid EDTF date")
        return EdtfDate(text, *described) if described is not None else None
    start, end = text.split("/", 1)
    sides = []
    for part in (start, end):
        if part in ("..", ""):
            sides.append(None)
            continue
        unit = UNIT.fullmatch(part)
        described = _unit_fast(*unit.groups(), words) if unit is not None else None
        if described is None:
            return None
        sides.append(described)
    low, high = sides
    if low is None and high is None:
        return None
    if low is not None and high is not None and low[0] > high[1]:
        return None
    return _interval(text, start, end, low, high, words)


def _grouping_fast(
    text: str,
    year: str | None,
    code: str | None,
    decade: str | None,
    century: str | None,
    words: DateWords = ENGLISH,
) -> EdtfDate | None:
    """A season or grouping, decade or century as `_single` derives it."""
    if year is not None:
        if not int(year):
            return None
        return EdtfDate(text, *_season(int(year), int(code), words))
    if decade is not None:
        first, span, precision = decade + "0", 10, "decade"
        display = words.decade % {"year": first}
    else:
        first, span, precision = century + "00", 100, "century"
        display = _century(text[:2], words)
    if not int(first):
        return None
    start = int(first)
    lower, upper = datetime.date(start, 1, 1), datetime.date(start + span - 1, 12, 31)
    return EdtfDate(text, lower, upper, precision, display)


def _unit_fast(
    year: str,
    month: str | None,
    day: str | None,
    qualifier: str,
    words: DateWords = ENGLISH,
) -> tuple[datetime.date, datetime.date, str, str] | None:
    """What `_single` derives for a year, month or day, qualified or not;
    None when the value is not a real date (or year 0, out of range)."""
    y = int(year)
    if y == 0:
        return None
    try:
        if month is None:
            lower, upper = datetime.date(y, 1, 1), datetime.date(y, 12, 31)
            precision, display = "year", words.year % {"year": year}
        else:
            m = int(month)
            if not 1 <= m <= 12:
                return None
            if day is None:
                lower, upper = _month_start(y, m), _month_end(y, m)
                precision, display = "month", words.month_of(y, m)
            else:
                lower = upper = datetime.date(y, m, int(day))
                precision, display = "day", words.day_of(lower)
    except ValueError:
        return None
    return lower, upper, precision, words.qualified(display, qualifier)


def _describe_parsed(text: str, words: DateWords = ENGLISH) -> EdtfDate:
    """Any EDTF value, through the `edtf` parser (milliseconds per value)."""
    try:
        node = parse_edtf(text)
    except EDTFParseException as exc:
        raise InvalidEdtf(f"{text!r} is not a valid EDTF date") from exc
    except Exception as exc:  # the parser raises bare errors on some inputs
        raise InvalidEdtf(f"{text!r} is not a valid EDTF date ({exc})") from exc

    if text.startswith(("[", "{")):
        lower = _bound(node.lower_strict(), edtf=text)
        upper = _bound(node.upper_strict(), edtf=text)
        if lower is None or upper is None:
            raise InvalidEdtf(f"{text!r}: sets must have known members")
        return EdtfDate(text, lower, upper, "interval", text)

    if "/" in text:
        start, end = text.split("/", 1)
        low = None if start in ("..", "") else _single(parse_edtf(start), start, words)
        high = None if end in ("..", "") else _single(parse_edtf(end), end, words)
        return _interval(text, start, end, low, high, words)

    lower, upper, precision, display = _single(node, text, words)
    return EdtfDate(text, lower, upper, precision, display)


Side = tuple[datetime.date, datetime.date, str, str]


def _interval(
    text: str,
    start: str,
    end: str,
    low: Side | None,
    high: Side | None,
    words: DateWords = ENGLISH,
) -> EdtfDate:
    """An interval from its described ends (None: open or unknown)."""
    if low is None and high is None:
        raise InvalidEdtf(f"{text!r}: an interval needs at least one known end")
    if low is None:
        lower, upper = OPEN_LOWER, high[1]
        display = words.until % {"date": high[3]}
    elif high is None:
        lower, upper = low[0], OPEN_UPPER
        display = words.since % {"date": low[3]}
    else:
        lower, upper = low[0], high[1]
        shown = (low[3], high[3])
        display = _interval_display(lower, upper, start, end, shown, words)
    if lower > upper:
        raise InvalidEdtf(f"{text!r}: the interval ends before it starts")
    return EdtfDate(text, lower, upper, "interval", display)


def earliest_start(precision: str, day: datetime.date) -> datetime.date | None:
    """The earliest `lower` an event of `precision` can have and still end on or
    after `day`; None for free intervals ("2018/2020"), whose spans are unbounded.

    Months, years, decades and centuries tile the calendar, so such an event
    ends on or after `day` exactly when its unit is the one holding `day` or a
    later one. Seasons and the other sub-year groupings (quarters, thirds,
    halves) overlap one another: the earliest start of any grouping that ends
    on or after `day` bounds them all. A date query turns this into an index
    range on `date_lower` per precision (timeline.selectors.pages).
    """
    if precision == "day":
        return day
    if precision == "month":
        return day.replace(day=1)
    if precision == "year":
        return datetime.date(day.year, 1, 1)
    if precision == "decade":
        return datetime.date(max(1, day.year - day.year % 10), 1, 1)
    if precision == "century":
        return datetime.date(max(1, day.year - day.year % 100), 1, 1)
    if precision == "season":
        return _season_floor(day.year, day.month)
    if precision == "interval":
        return None
    raise ValueError(f"unknown precision {precision!r}")


@lru_cache(maxsize=4096)
def _season_floor(year: int, month: int) -> datetime.date:
    # Groupings end at month ends, so the floor depends on the month alone.
    last_day = _month_end(year, month)
    return min(
        _month_start(y, first)
        for first, last, _ in SEASONS.values()
        for y in range(max(1, year - 1), year + 1)
        if _month_end(y, last) >= last_day
    )
