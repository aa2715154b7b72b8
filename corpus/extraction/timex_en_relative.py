"""Normalisers for English expressions read against the publication date:
today, weekdays, this/last/next units, "ago", "the past N years", durations,
sets, PRESENT/PAST/FUTURE_REF, clock times and "the day" anaphora."""

from __future__ import annotations

import datetime as dt
import re

from corpus.extraction import timex_common as c
from corpus.extraction.timex_common import Cand, Ctx
from corpus.extraction.timex_en_lexicon import (
    WEEKDAYS,
    date_cand,
    is_future,
    parse_num,
)

_REL_DAY = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


def h_rel_day(m: re.Match[str], ctx: Ctx) -> Cand | None:
    a = ctx.anchor
    w = m["w"].lower() if m["w"] else ""
    ba = (m["ba"] or "").lower()
    delta = (-2 if "before" in ba else 2) if ba else _REL_DAY[w]
    if a is None:
        return date_cand(m, "PRESENT_REF" if delta == 0 else "XXXX-XX-XX", None)
    d = c.iso(a + dt.timedelta(days=delta))
    value = d + "TNI" if w == "tonight" else d
    return date_cand(m, value, d)


def h_part_of_day(m: re.Match[str], ctx: Ctx) -> Cand | None:
    a = ctx.anchor
    if a is None:
        return None
    if m["last"]:
        d, p = a - dt.timedelta(days=1), "night"
    else:
        w = (m["w"] or "").lower()
        d = a + dt.timedelta(days=_REL_DAY.get(w, 0))
        p = (m["p"] or m["p2"]).lower()
    return date_cand(m, c.iso(d) + "T" + _PART_OF_DAY[p], c.iso(d))


_HOLIDAY_LEFT = re.compile(
    r"\b(?:Black|Good|Holy|Super|Cyber|Blue|Ash|Easter|Palm|Maundy|Shrove|Bloody"
    r"|Giving|Plough|Low)\s+\Z"
)


def h_weekday(m: re.Match[str], ctx: Ctx) -> Cand | None:
    if _HOLIDAY_LEFT.search(ctx.text, max(0, m.start() - 10), m.start()):
        return None
    a = ctx.anchor
    wd = WEEKDAYS.index(m["wd"].lower())
    rel = " ".join((m["rel"] or "").lower().split())
    p = (m["p"] or "").lower()
    if a is None:
        return date_cand(m, "XXXX-XX-XX", None)
    if rel in ("next", "this coming", "coming"):
        d = c.weekday_date(a, wd, future=True, strict=True)
    elif rel in ("last", "past"):
        d = c.weekday_date(a, wd, future=False, strict=True)
    else:
        d = c.weekday_date(a, wd, future=rel == "this" or is_future(ctx, m.start()))
    value = c.iso(d) + ("T" + _PART_OF_DAY[p] if p else "")
    return date_cand(m, value, c.iso(d))


def h_rel_unit(m: re.Match[str], ctx: Ctx) -> Cand | None:
    a = ctx.anchor
    rel = " ".join(m["rel"].lower().split()).removeprefix("the ")
    unit = m["unit"].lower()
    if rel == "same":
        return None
    if a is None:
        return date_cand(m, "XXXX-XX-XX", None)
    if rel in ("past", "last", "previous") and unit in ("decade", "century"):
        return date_cand(
            m, c.duration_value(1, unit), c.past_interval(a, 1, unit, forward=False)
        )
    # "the past month" is the month up to the anchor; "the past weekend" is
    # simply the last one.
    if rel == "past" and m["the"] and unit != "weekend":
        return date_cand(
            m, c.duration_value(1, unit), c.past_interval(a, 1, unit, forward=False)
        )
    delta = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
    if unit == "week":
        v, e = c.iso_week(a + dt.timedelta(weeks=delta))
        return date_cand(m, v, e)
    if unit == "weekend":
        base = a + dt.timedelta(weeks=delta)
        if not delta and m["the"] and a.weekday() <= 1:
            base = a - dt.timedelta(weeks=1)
        v, e = c.weekend(base)
        return date_cand(m, v, e)
    if unit == "month":
        s = c.ym(*c.add_months(a.year, a.month, delta))
        return date_cand(m, s, s)
    if unit == "quarter":
        y, mon = c.add_months(a.year, a.month, 3 * delta)
        q = (mon - 1) // 3 + 1
        return date_cand(m, f"{y:04d}-Q{q}", c.quarter(y, q))
    if unit == "year":
        s = f"{a.year + delta:04d}"
        return date_cand(m, s, s)
    if unit == "decade":
        dec = a.year // 10 + delta
        return date_cand(m, str(dec), f"{dec}X")
    return None


def _unit_name(u: str) -> str:
    u = u.lower().rstrip("s")
    return {"centurie": "century", "fortnight": "week"}.get(u, u)


def h_ago(m: re.Match[str], ctx: Ctx) -> Cand | None:
    n = parse_num(m["num"])
    unit = _unit_name(m["unit"])
    if n is None or n != int(n) or unit in ("second", "minute", "hour"):
        return None
    if "fortnight" in m["unit"].lower():
        n *= 2
    if ctx.anchor is None:
        return date_cand(m, "PAST_REF", None)
    sign = 1 if "now" in m["dir"].lower() or "hence" in m["dir"].lower() else -1
    v, e = c.shift_date(ctx.anchor, sign * int(n), unit)
    return date_cand(m, v, e)


def h_after_n(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """ "After ten years of development": the past N years, up to the anchor."""
    n = parse_num(m["num"])
    if n is None or n != int(n) or not 1 < n < 100:
        return None
    dur = c.duration_value(n, "year")
    if ctx.anchor is None:
        return Cand(m.start(), m.end(), "DURATION", dur)
    return date_cand(m, dur, c.past_interval(ctx.anchor, int(n), "year", forward=False))


def h_past_n(m: re.Match[str], ctx: Ctx) -> Cand | None:
    unit = _unit_name(m["unit"])
    d = m["dir"].lower()
    n = parse_num(m["num"]) if m["num"] else None
    if unit in ("second", "minute", "hour"):
        return None
    plural = m["unit"].lower().endswith("s")
    if m["num"] is None and not plural:
        return None
    dur = c.duration_value(n, unit)
    if d in ("following", "first") or n is None or n != int(n) or ctx.anchor is None:
        return Cand(m.start(), m.end(), "DURATION", dur)
    forward = d in ("next", "coming")
    return date_cand(m, dur, c.past_interval(ctx.anchor, int(n), unit, forward=forward))


_RATE_LEFT = re.compile(
    r"(?:\d[\d,.]*(?:\s*(?:%|[A-Za-z]+)){0,2}|\b(?:times|twice|once|thrice))\s+\Z"
)


_SHARE_OF = re.compile(r",?\s+of\b")


def h_duration(m: re.Match[str], ctx: Ctx) -> Cand | None:
    unit = _unit_name(m["unit"])
    num = m["num"]
    n = parse_num(num)
    if "fortnight" in m["unit"].lower():
        unit, n = "week", (n * 2 if n is not None else None)
    if m["half"]:
        n = (n or 0) + 0.5
    lowered = num.lower()
    if lowered in ("a", "an") and unit == "second":
        return None  # "a second" is nearly always the ordinal
    if (
        unit == "quarter"
        and lowered in ("a", "an")
        and _SHARE_OF.match(ctx.text, m.end())
    ):
        return None  # "a quarter of the patients" is a share
    if lowered in ("a", "an") and not m["mod"]:
        left = ctx.text[max(0, m.start() - 30) : m.start()]
        if _RATE_LEFT.search(left):
            return Cand(m.start(), m.end(), "SET", c.duration_value(1, unit))
        if m["unit"].lower().endswith("s"):
            return None
    if num[0].isdigit() and n is not None and n >= 1000:
        return None
    if num[0].isdigit() and _glued_to_number(ctx.text, m.start()):
        return None
    return Cand(m.start(), m.end(), "DURATION", c.duration_value(n, unit))


def _glued_to_number(text: str, pos: int) -> bool:
    """Digits glued to a preceding number or currency belong to that number."""
    prev = text[pos - 1 : pos] if pos else ""
    return prev.isdigit() or prev in "$.,#"


_SET_UNITS = {
    "annual": "year", "annually": "year", "yearly": "year", "monthly": "month",
    "weekly": "week", "daily": "day", "quarterly": "quarter", "hourly": "hour",
}  # fmt: skip


def h_set(m: re.Match[str], ctx: Ctx) -> Cand | None:
    unit = _SET_UNITS[m["adj"].lower()] if m["adj"] else _unit_name(m["unit"])
    return Cand(m.start(), m.end(), "SET", c.duration_value(1, unit))


def h_ref(m: re.Match[str], ctx: Ctx) -> Cand | None:
    value = "PRESENT_REF" if m["present"] else "PAST_REF" if m["past"] else "FUTURE_REF"
    return date_cand(m, value, None)


def h_time(m: re.Match[str], ctx: Ctx) -> Cand | None:
    gd = m.groupdict()
    h = int(gd["h"])
    mi = int(gd.get("mi") or 0)
    ap = (gd.get("ap") or "").lower().replace(".", "")
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    if h > 23:
        return None
    tz = "Z" if gd.get("tz") in ("UTC", "GMT") else ""
    return Cand(m.start(), m.end(), "TIME", f"T{h:02d}:{mi:02d}{tz}")


def h_anaphoric_day(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """'the day', 'the following day': resolved later against the last date."""
    rel = (m["rel"] or "same").lower()
    shift = {"following": 1, "next": 1, "previous": -1, "prior": -1}.get(rel, 0)
    return date_cand(m, f"@day{shift:+d}", None)
