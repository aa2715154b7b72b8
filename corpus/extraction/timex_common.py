"""Calendar arithmetic, EDTF builders and the candidate record shared by the
English and Chinese temporal-expression rules."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

SEASON_CODES = {"SP": 21, "SU": 22, "FA": 23, "WI": 24}


@dataclass(slots=True)
class Cand:
    """A tagged span before overlap resolution; `yearless` marks a year taken
    from the anchor rather than the text, so range merging may replace it."""

    start: int
    end: int
    type: str
    value: str
    edtf: str | None = None
    yearless: bool = False
    rank: int = 0


@dataclass(slots=True)
class Ctx:
    """The text being tagged and its publication date, shared by all rules."""

    text: str
    anchor: dt.date | None
    # Only the anchor's year is known: a month or day without a year lies in it.
    year_only: bool = False
    # Tense verdicts by offset: several rules may ask about the same match.
    future_cache: dict[int, bool] = field(default_factory=dict)


def ymd(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def iso(d: dt.date) -> str:
    return d.isoformat()


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def last_day(y: int, m: int) -> int:
    if m == 2 and calendar.isleap(y):
        return 29
    return _MONTH_DAYS[m - 1]


def valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= last_day(y, m)


def add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + delta
    return n // 12, n % 12 + 1


def month_part(y: int, m: int, part: str) -> str:
    """Early = days 1-10, mid = 11-20, late = 21-end (house convention)."""
    if part == "early":
        return f"{ymd(y, m, 1)}/{ymd(y, m, 10)}"
    if part == "mid":
        return f"{ymd(y, m, 11)}/{ymd(y, m, 20)}"
    return f"{ymd(y, m, 21)}/{ymd(y, m, last_day(y, m))}"


# Thirds of a year use four-month blocks; "start"/"end" follow Chinese 年初/年底.
_YEAR_PARTS = {
    "early": ("01", "04"),
    "mid": ("05", "08"),
    "late": ("09", "12"),
    "start": ("01", "02"),
    "h1": ("01", "06"),
    "h2": ("07", "12"),
}


def year_part(y: int, part: str) -> str:
    if part == "end":
        return f"{y:04d}-12"
    lo, hi = _YEAR_PARTS[part]
    return f"{y:04d}-{lo}/{y:04d}-{hi}"


def quarter(y: int, q: int) -> str:
    return f"{ym(y, 3 * q - 2)}/{ym(y, 3 * q)}"


def iso_week(d: dt.date) -> tuple[str, str]:
    """TIMEX week value and the Monday-Sunday EDTF interval of `d`'s week."""
    y, w, _ = d.isocalendar()
    monday = d - dt.timedelta(days=d.weekday())
    return f"{y:04d}-W{w:02d}", f"{iso(monday)}/{iso(monday + dt.timedelta(days=6))}"


def weekend(d: dt.date) -> tuple[str, str]:
    y, w, _ = d.isocalendar()
    sat = d + dt.timedelta(days=5 - d.weekday())
    return f"{y:04d}-W{w:02d}-WE", f"{iso(sat)}/{iso(sat + dt.timedelta(days=1))}"


def weekday_date(
    anchor: dt.date, wd: int, *, future: bool, strict: bool = False
) -> dt.date:
    """Nearest `wd` on or before the anchor (or on or after when `future`);
    `strict` excludes the anchor itself ("last Friday", "next Friday")."""
    if future:
        delta = (wd - anchor.weekday()) % 7 or (7 if strict else 0)
        return anchor + dt.timedelta(days=delta)
    delta = (anchor.weekday() - wd) % 7 or (7 if strict else 0)
    return anchor - dt.timedelta(days=delta)


def nearest_year(
    anchor: dt.date, m: int, d: int | None, *, future: bool, year_only: bool = False
) -> int:
    """The year placing month `m` (day `d`) nearest the anchor. News reports
    mostly look back, so a future date costs 2x its distance unless the
    sentence has a future cue, in which case the past costs 3x. When only the
    anchor's year is known (`year_only`), that year."""
    if year_only:
        return anchor.year
    best, best_cost = anchor.year, float("inf")
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        day = d if d is not None else 15
        if not valid_day(y, m, day):
            continue
        delta = (dt.date(y, m, day) - anchor).days
        if future:
            cost = -delta * 3 if delta < 0 else delta
        else:
            cost = delta * 2 if delta > 0 else -delta
        if cost < best_cost:
            best, best_cost = y, cost
    return best


def year_near_anchor(ctx: Ctx, m: int, d: int | None, *, future: bool) -> int:
    """`nearest_year` for the text being tagged (which has an anchor)."""
    assert ctx.anchor is not None
    return nearest_year(ctx.anchor, m, d, future=future, year_only=ctx.year_only)


def two_digit_year(yy: int, anchor: dt.date | None) -> int:
    pivot = (anchor.year if anchor else 2025) % 100 + 10
    return 2000 + yy if yy <= pivot else 1900 + yy


def precision_of(edtf: str | None) -> str | None:
    if edtf is None:
        return None
    edtf = edtf.rstrip("~")
    if "/" in edtf:
        return "interval"
    if edtf.endswith("X"):
        return "decade"
    if len(edtf) == 4:
        return "year"
    if len(edtf) == 7:
        return "season" if edtf[5] == "2" else "month"
    return "day"


# --- bounds used by signal words ("since", "before") and range merging ---

_PLAIN = re.compile(r"\d{4}(?:-\d\d){0,2}\Z")


def lower_bound(edtf: str) -> str:
    return edtf.split("/", 1)[0]


def upper_bound(edtf: str) -> str:
    return edtf.rsplit("/", 1)[-1]


def plain_lower(edtf: str) -> str | None:
    """Lower bound as a plain Y, Y-M or Y-M-D (decades expand to a year)."""
    lo = lower_bound(edtf)
    if lo.endswith("X"):
        return lo[:3] + "0"
    return lo if _PLAIN.match(lo) and not _is_season(lo) else None


def plain_upper(edtf: str) -> str | None:
    hi = upper_bound(edtf)
    if hi.endswith("X"):
        return hi[:3] + "9"
    return hi if _PLAIN.match(hi) and not _is_season(hi) else None


def _is_season(s: str) -> bool:
    return len(s) == 7 and s[5] == "2"


def step(point: str, delta: int) -> str:
    """Move a plain Y / Y-M / Y-M-D by one unit of its own precision."""
    if len(point) == 4:
        return f"{int(point) + delta:04d}"
    y, m = int(point[:4]), int(point[5:7])
    if len(point) == 7:
        return ym(*add_months(y, m, delta))
    return iso(dt.date(y, m, int(point[8:10])) + dt.timedelta(days=delta))


def span_duration(lo: str, hi: str) -> str:
    """TIMEX duration value between two plain points of equal precision."""
    if len(lo) == 4 and len(hi) == 4:
        return f"P{int(hi) - int(lo)}Y"
    if len(lo) == 7 and len(hi) == 7:
        months = (int(hi[:4]) - int(lo[:4])) * 12 + int(hi[5:7]) - int(lo[5:7])
        return f"P{months}M"
    if len(lo) == 10 and len(hi) == 10:
        days = (dt.date.fromisoformat(hi) - dt.date.fromisoformat(lo)).days
        return f"P{days}D"
    return "PX"


def past_interval(anchor: dt.date, n: int, unit: str, *, forward: bool) -> str:
    """The span of `n` units ending (or starting) at the anchor, at the
    precision of the unit: "the past three years" -> (Y-3)/Y."""
    sign = 1 if forward else -1
    if unit in ("year", "decade", "century"):
        years = n * {"year": 1, "decade": 10, "century": 100}[unit]
        a, b = anchor.year, anchor.year + sign * years
        lo, hi = (a, b) if forward else (b, a)
        return f"{lo:04d}/{hi:04d}"
    if unit in ("month", "quarter"):
        months = n * (3 if unit == "quarter" else 1)
        a = (anchor.year, anchor.month)
        b = add_months(anchor.year, anchor.month, sign * months)
        lo, hi = (a, b) if forward else (b, a)
        return f"{ym(*lo)}/{ym(*hi)}"
    days = n * (7 if unit == "week" else 1)
    other = anchor + dt.timedelta(days=sign * days)
    lo_d, hi_d = (anchor, other) if forward else (other, anchor)
    return f"{iso(lo_d)}/{iso(hi_d)}"


def shift_date(anchor: dt.date, n: int, unit: str) -> tuple[str, str]:
    """(TIMEX value, EDTF) of the anchor moved by `n` units ("3 years ago")."""
    if unit in ("year", "decade", "century"):
        y = anchor.year + n * {"year": 1, "decade": 10, "century": 100}[unit]
        return f"{y:04d}", f"{y:04d}"
    if unit in ("month", "quarter"):
        s = ym(
            *add_months(anchor.year, anchor.month, n * (3 if unit == "quarter" else 1))
        )
        return s, s
    d = iso(anchor + dt.timedelta(days=n * (7 if unit == "week" else 1)))
    return d, d


def duration_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration such as P3Y, PT30M; unknown counts give PXY."""
    if unit == "decade":
        n, unit = (n * 10 if n is not None else None), "year"
    elif unit == "century":
        n, unit = (n * 100 if n is not None else None), "year"
    code = {
        "second": "TS",
        "minute": "TM",
        "hour": "TH",
        "day": "D",
        "week": "W",
        "month": "M",
        "quarter": "Q",
        "year": "Y",
    }[unit]
    if n is None:
        num = "X"
    elif n == int(n):
        num = str(int(n))
    else:
        num = f"{n:g}"
    if code.startswith("T"):
        return f"PT{num}{code[1]}"
    return f"P{num}{code}"


# Full-width digits (２０２４年, ５，０００万元) as ASCII, one character for one:
# offsets into the normalised text are offsets into the original, so quotes
# and spans stay exact. A full-width comma or point only becomes ASCII inside
# a number; elsewhere it is Chinese punctuation and stays.
HALFWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})
# Ten substring tests (C loops) tell far sooner than a character-class search.
_FULLWIDTH_DIGITS = tuple(chr(0xFF10 + i) for i in range(10))
_NUMBER_PUNCTUATION = re.compile("(?<=[0-9])[，．](?=[0-9])")


def halfwidth(text: str) -> str:
    """`text` with full-width digits as ASCII, same length."""
    if text.isascii() or not any(digit in text for digit in _FULLWIDTH_DIGITS):
        return text
    text = text.translate(HALFWIDTH)
    return _NUMBER_PUNCTUATION.sub(lambda m: "," if m[0] == "，" else ".", text)
