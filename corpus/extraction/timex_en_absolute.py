"""Normalisers for English expressions tied to the calendar: month/day/year
forms, ranges, parts of periods, quarters, seasons, decades and bare years."""

from __future__ import annotations

import datetime as dt
import re

from corpus.extraction import timex_common as c
from corpus.extraction.timex_common import Cand, Ctx
from corpus.extraction.timex_en_lexicon import (
    ORDINALS,
    date_cand,
    is_future,
    month_num,
    parse_num,
    resolve_year,
)


def h_month_day(m: re.Match[str], ctx: Ctx) -> Cand | None:
    mon = month_num(m["mon"])
    day = int(m["day"])
    yearless = not m["year"]
    if m["year"]:
        y = int(m["year"])
    elif ctx.anchor is not None:
        y = c.year_near_anchor(ctx, mon, day, future=is_future(ctx, m.start()))
    else:
        return date_cand(m, f"XXXX-{mon:02d}-{day:02d}", None)
    if not c.valid_day(y, mon, day):
        return None
    if m["day2"]:
        day2 = int(m["day2"])
        if day2 <= day or not c.valid_day(y, mon, day2):
            return None
        edtf = f"{c.ymd(y, mon, day)}/{c.ymd(y, mon, day2)}"
        return date_cand(m, c.ymd(y, mon, day), edtf, yearless=yearless)
    value = c.ymd(y, mon, day)
    return date_cand(m, value, value, yearless=yearless)


def h_month_year(m: re.Match[str], ctx: Ctx) -> Cand | None:
    s = c.ym(int(m["year"]), month_num(m["mon"]))
    return date_cand(m, s, s)


def h_month_span(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """ "January-August", "Jan.-Aug. 2024": one interval. Without a year the
    last month takes the year nearest the anchor and the first one follows
    it, so a September article's "January-August" is this year's."""
    m1, m2 = month_num(m["mon"]), month_num(m["mon2"])
    if m1 == m2:
        return None
    if m["year"]:
        y2 = int(m["year"])
    elif ctx.anchor is None:
        return date_cand(m, f"XXXX-{m1:02d}", None)
    else:
        y2 = c.year_near_anchor(ctx, m2, None, future=is_future(ctx, m.start()))
    lo, hi = c.ym(y2 if m1 < m2 else y2 - 1, m1), c.ym(y2, m2)
    return date_cand(m, c.span_duration(lo, hi), f"{lo}/{hi}")


_YEAR_OF = re.compile(r"\s+of\s+(?:the|this)\s+year|\s+this\s+year|[,.;:)]", re.I)


def h_first_months(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """ "the first eight months (of 2024)": January to the Nth month. Without a
    year only when the phrase ends there or names the year ("of the year"),
    not "the first six months of the trial"; the months are the latest
    completed ones."""
    n = parse_num(m["num"])
    if n is None or n != int(n) or not 2 <= n <= 11:
        return None
    n = int(n)
    end = m.end()
    if m["year"]:
        y = int(m["year"])
    else:
        if ctx.anchor is None:
            return None
        tail = _YEAR_OF.match(ctx.text, end)
        if tail is None and end < len(ctx.text):
            return None
        if tail is not None and tail.group().strip()[:1].isalpha():
            end = tail.end()
        a = ctx.anchor
        y = a.year if n < a.month else a.year - 1
    return Cand(m.start(), end, "DATE", f"{y:04d}", f"{y:04d}-01/{c.ym(y, n)}")


_NEEDS_CONTEXT = {"May", "March", "August", "June"}
_MONTH_LEFT = re.compile(
    r"(?:\b(?:in|on|since|by|until|till|before|after|from|to|through|of|during"
    r"|early|late|mid|end|and|or|between|last|next|this|each|every|until)"
    r"\s+|[,(]\s*)\Z",
    re.IGNORECASE,
)


def h_month(m: re.Match[str], ctx: Ctx) -> Cand | None:
    mon_s = m["mon"]
    rel = (m["rel"] or "").lower()
    rel2 = (m["rel2"] or "").lower()
    text = ctx.text
    if not rel and not rel2:
        # Bare month names double as names and verbs ("May", "Long March").
        left = text[max(0, m.start() - 12) : m.start()]
        if left.endswith("Long "):
            return None
        after = text[m.end() : m.end() + 2]
        if after[:1] == " " and after[1:2].isupper():
            return None
        if after[:1] == "-" or (
            mon_s in _NEEDS_CONTEXT and not _MONTH_LEFT.search(left)
        ):
            return None
    mon = month_num(mon_s)
    a = ctx.anchor
    if a is None:
        return date_cand(m, f"XXXX-{mon:02d}", None)
    if rel2:
        y = a.year + {"last": -1, "next": 1}.get(rel2, 0)
    elif rel in ("last", "past"):
        y = a.year if mon < a.month else a.year - 1
    elif rel in ("next", "coming", "this coming"):
        y = a.year if mon > a.month else a.year + 1
    elif rel == "this":
        y = a.year
    else:
        y = c.year_near_anchor(ctx, mon, None, future=is_future(ctx, m.start()))
    s = c.ym(y, mon)
    return date_cand(m, s, s, yearless=not rel and not rel2)


def _part_key(part: str) -> str:
    p = part.lower()
    for key, name in (
        ("earlier", "earlier"),
        ("later", "later"),
        ("early", "early"),
        ("beginning", "start"),
        ("start", "start"),
        ("end", "end"),
        ("late", "late"),
        ("mid", "mid"),
    ):
        if key in p:
            return name
    return "mid"


def h_part_month(m: re.Match[str], ctx: Ctx) -> Cand | None:
    mon = month_num(m["mon"])
    part = _part_key(m["part"])
    part = {"start": "early", "end": "late", "earlier": "early", "later": "late"}.get(
        part, part
    )
    if m["year"] or m["rel"]:
        y = resolve_year(m, ctx)
    elif ctx.anchor is not None:
        y = c.year_near_anchor(ctx, mon, None, future=is_future(ctx, m.start()))
    else:
        y = None
    if y is None:
        return date_cand(m, f"XXXX-{mon:02d}", None)
    return date_cand(m, c.ym(y, mon), c.month_part(y, mon, part))


def h_part_year(m: re.Match[str], ctx: Ctx) -> Cand | None:
    y = resolve_year(m, ctx)
    if y is None:
        return date_cand(m, "XXXX", None)
    part = _part_key(m["part"])
    a = ctx.anchor
    if part in ("earlier", "later"):
        if a is None or y != a.year:
            part = "early" if part == "earlier" else "late"
        elif part == "earlier":
            return date_cand(m, f"{y:04d}", f"{y:04d}-01/{c.ym(y, a.month)}")
        else:
            return date_cand(m, f"{y:04d}", f"{c.ym(y, a.month)}/{y:04d}-12")
    return date_cand(m, f"{y:04d}", c.year_part(y, part))


def h_year_end(m: re.Match[str], ctx: Ctx) -> Cand | None:
    if ctx.anchor is None:
        return None
    y = ctx.anchor.year
    return date_cand(m, f"{y:04d}", c.year_part(y, "end"))


def _after_of_rejects(m: re.Match[str], ctx: Ctx) -> bool:
    """'the first half of the match' is not a date: a dangling 'of'."""
    gd = m.groupdict()
    return not (gd.get("year") or gd.get("rel")) and ctx.text.startswith(
        " of ", m.end()
    )


def h_half(m: re.Match[str], ctx: Ctx) -> Cand | None:
    if _after_of_rejects(m, ctx):
        return None
    y = resolve_year(m, ctx)
    gd = m.groupdict()
    h = ORDINALS.get(gd["ord"].lower(), 2) if gd.get("ord") else int(gd["h"])
    if h not in (1, 2):
        return None
    if y is None:
        return date_cand(m, f"XXXX-H{h}", None)
    return date_cand(m, f"{y:04d}-H{h}", c.year_part(y, f"h{h}"))


def h_quarter(m: re.Match[str], ctx: Ctx) -> Cand | None:
    if _after_of_rejects(m, ctx):
        return None
    gd = m.groupdict()
    ordw = (gd.get("ord") or "").lower()
    a = ctx.anchor
    if ordw == "last" and not (gd.get("year") or gd.get("rel")):
        if a is None:
            return None
        y, mon = c.add_months(a.year, a.month, -3)
        q = (mon - 1) // 3 + 1
    else:
        # With a year, "the last quarter of 2019" is its fourth.
        q = 4 if ordw == "last" else ORDINALS[ordw] if ordw else int(gd["q"])
        if gd.get("yy"):
            y = c.two_digit_year(int(gd["yy"]), a)
        elif gd.get("year") or gd.get("rel"):
            y = resolve_year(m, ctx)
        elif a is not None:
            y = c.year_near_anchor(ctx, 3 * q - 1, 15, future=is_future(ctx, m.start()))
        else:
            y = None
    if y is None:
        return date_cand(m, f"XXXX-Q{q}", None)
    return date_cand(m, f"{y:04d}-Q{q}", c.quarter(y, q))


_SEASONS = {
    "spring": "SP",
    "summer": "SU",
    "autumn": "FA",
    "fall": "FA",
    "winter": "WI",
}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def h_season(m: re.Match[str], ctx: Ctx) -> Cand | None:
    word = m["s"].lower()
    rel = (m["srel"] or "").lower()
    if ctx.text.startswith((" Festival", " festival"), m.end()):
        return None
    if word == "fall" and not (
        m["year"] or m["rel"] or rel in ("this", "last", "next")
    ):
        return None
    code = _SEASONS[word]
    a = ctx.anchor
    if m["year"] or m["rel"]:
        y = resolve_year(m, ctx)
    elif a is None:
        y = None
    elif rel == "last":
        y = a.year if a.month >= _SEASON_START[code] + 3 else a.year - 1
    elif rel == "next":
        y = a.year if a.month < _SEASON_START[code] else a.year + 1
    else:
        y = a.year
    if y is None:
        return date_cand(m, f"XXXX-{code}", None)
    return date_cand(m, f"{y:04d}-{code}", f"{y:04d}-{c.SEASON_CODES[code]}")


def _prev_two(text: str, pos: int) -> str:
    return text[max(0, pos - 2) : pos]


def h_year_range(m: re.Match[str], ctx: Ctx) -> Cand | None:
    text = ctx.text
    y1 = int(m["y1"])
    y2s = m["y2"]
    y2 = int(y2s) if len(y2s) == 4 else y1 // 100 * 100 + int(y2s)
    sep = m["sep"].lower()
    pre = (m["pre"] or "").lower()
    if not y1 < y2 <= y1 + 100:
        return None
    if sep == "and" and pre != "between":
        return None
    if pre == "between" and sep != "and":
        return None
    if sep == "/" and y2 != y1 + 1:
        return None
    prev = _prev_two(text, m.start())[-1:]
    if prev and (prev in "$#./-" or prev.isdigit()):
        return None
    if re.match(r"[-/.]\d", text[m.end() : m.end() + 2]):
        return None
    # "the" belongs to the span only in "the 2023-2025 period".
    start = m.start("y1") if m["the"] and not m["per"] else m.start()
    return Cand(start, m.end(), "DATE", f"P{y2 - y1}Y", f"{y1:04d}/{y2:04d}")


def h_iso_date(m: re.Match[str], ctx: Ctx) -> Cand | None:
    y, mon, d = int(m["year"]), int(m["m"]), int(m["d"])
    if not c.valid_day(y, mon, d):
        return None
    s = c.ymd(y, mon, d)
    return date_cand(m, s, s)


def h_iso_month(m: re.Match[str], ctx: Ctx) -> Cand | None:
    s = c.ym(int(m["year"]), int(m["m"]))
    return date_cand(m, s, s)


def h_numeric_date(m: re.Match[str], ctx: Ctx) -> Cand | None:
    a, b, ys = int(m["a"]), int(m["b"]), m["y"]
    if m["sep"] == "." and len(ys) == 2:
        return None
    y = int(ys) if len(ys) == 4 else c.two_digit_year(int(ys), ctx.anchor)
    # Slashes follow US month/day unless the first number cannot be a month;
    # dots follow the European day.month order.
    if m["sep"] == "/":
        mon, d = (a, b) if a <= 12 else (b, a)
    else:
        d, mon = a, b
    if not c.valid_day(y, mon, d):
        return None
    s = c.ymd(y, mon, d)
    return date_cand(m, s, s)


_DECADE_LEFT = re.compile(r"\d0'?s,?\s+(?:and|or|to|through)\s+\Z")


def h_decade(m: re.Match[str], ctx: Ctx) -> Cand | None:
    gd = m.groupdict()
    if gd["dec"]:
        dec = int(gd["dec"]) // 10
    else:
        d2 = gd["d2"] or gd["d3"]
        if gd["d3"] and not (
            gd["the"] or gd["part"] or _DECADE_LEFT.search(ctx.text, 0, m.start())
        ):
            return None
        dec = 190 + int(d2) // 10
    part = (gd["part"] or "").lower()
    if part:
        lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}[part]
        edtf = f"{dec}{lo}/{dec}{hi}"
    else:
        edtf = f"{dec}X"
    return date_cand(m, str(dec), edtf)


_YEAR_LEFT_BAD = re.compile(
    r"(?:[$€£¥#№+]|\b(?:US|HK|NT|RMB|No|no|Nos|Number|number|Article|article|Art"
    r"|Section|section|Rule|Room|Flight|flight|Version|version|ISO|GB|Model|Type"
    r"|Route|route|Highway|Item|Case|Order|Decree|Document|Chapter|Page|page|p|pp"
    r"|Vol|vol|Issue|Level|Line|Gate)\.?\s*|\d[-,.:]|[-/]\s*|\+\d+\s|\d\s)\Z"
)
_YEAR_RIGHT_BAD = re.compile(
    r"(?:\s*(?:%|percent|per\s+cent|pct|st|nd|rd|th)\b|[-/.:,]\d|\s*[-/]\s*\d|\s\d{3}"
    r"|\s+(?:million|billion|trillion|thousand|hundred|yuan|dollars?|euros?|pounds"
    r"|rmb|usd|cny|km|kilometers?|kilometres?|meters?|metres?|square|kg|tons?"
    r"|tonnes?|mw|gw|kw|units?|beds?|people|persons|patients|staff|workers"
    r"|employees|doctors|nurses|cases|times|members|yuan|hospitals|clinics|sets"
    r"|pieces|copies|visits|sq|m|mm|cm|ml|mg|hours|minutes|seconds|days|steps"
    r"|points|votes|pixels|calories|jobs|students|children|families|households"
    r"|companies|firms|enterprises|projects|institutions|items|samples|rooms"
    r"|vehicles|cars|devices|machines|robots|products|drugs|hectares|acres|mu)\b)",
    re.IGNORECASE,
)


_NAME_LEFT = re.compile(
    r"(?<![.!?]\s)(?<!\A)\b(?!(?:In|Since|By|From|Until|Before|After|During|Of|And|The"
    r"|For|To|Through|Between)\b)[A-Z][A-Za-z]+\s+\Z"
)
_NAME_RIGHT = re.compile(r"[ \t]+[A-Z][a-z]")


def h_year(m: re.Match[str], ctx: Ctx) -> Cand | None:
    text = ctx.text
    start = m.start("year")
    if _YEAR_LEFT_BAD.search(text, max(0, start - 12), start):
        return None
    if _YEAR_RIGHT_BAD.match(text, m.end()):
        return None
    # The cheap right-hand test first: few years are followed by a name.
    if _NAME_RIGHT.match(text, m.end()) and _NAME_LEFT.search(
        text, max(0, start - 20), start
    ):
        return None  # "the Russell 2000 Index", "Windows 2000 Server"
    y = m["year"]
    if not 1900 <= int(y) <= 2099 and not m["pre"]:
        return None
    return date_cand(m, y, y)


def h_short_year(m: re.Match[str], ctx: Ctx) -> Cand | None:
    y = c.two_digit_year(int(m["yy"]), ctx.anchor)
    if m["mon"]:
        s = c.ym(y, month_num(m["mon"]))
        return date_cand(m, s, s)
    return Cand(m.start("yy") - 1, m.end(), "DATE", f"{y:04d}", f"{y:04d}")


_WEEK_ORD = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}
_WEEK_ORD.update({"fourth": 3, "4th": 3})


def h_week_of_month(m: re.Match[str], ctx: Ctx) -> Cand | None:
    mon = month_num(m["mon"])
    if m["year"]:
        y = int(m["year"])
    elif ctx.anchor is not None:
        y = c.year_near_anchor(ctx, mon, None, future=is_future(ctx, m.start()))
    else:
        return None
    ordw = m["ord"].lower()
    if ordw in ("last", "final"):
        first = c.last_day(y, mon) - 6
    else:
        first = 1 + 7 * _WEEK_ORD[ordw]
    lo = dt.date(y, mon, first)
    hi = lo + dt.timedelta(days=6)
    week, _ = c.iso_week(lo)
    return date_cand(m, week, f"{c.iso(lo)}/{c.iso(hi)}")


def h_five_year_plan(m: re.Match[str], ctx: Ctx) -> Cand | None:
    n = int(m["n"])
    if n < 3:
        return None
    y = 1966 + 5 * (n - 3)
    return date_cand(m, "P4Y", f"{y}/{y + 4}")
