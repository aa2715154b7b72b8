"""Chinese temporal-expression rules (2025年7月11日, 去年, 上半年, 近三年, 十四五…),
run only on text that contains CJK characters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import cn2an

from corpus.extraction import timex_common as c
from corpus.extraction.timex_common import Cand, Ctx

_CJK = re.compile(r"[\u4e00-\u9fff]")

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})

CN = "[一二三四五六七八九十两〇零]"
NUM = rf"(?:\d+(?:\.\d+)?|{CN}+|半)"
MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
DAY = r"(?:3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
YEAR = r"(?:(?:19|20)\d\d|[一二][〇零一二三四五六七八九]{3})"
YPART = (
    r"(?P<ypart>上半年|下半年|年初|年底|年末|年中|初|底|末|第?(?P<q>[一二三四1-4])季度"
    r"|前(?P<nq>[三3])季度|(?P<season>[春夏秋冬])(?:季|天)"
    r"|[前首](?P<nm>1[01]|[2-9]|十一|[二三四五六七八九十])\s*[个個]月)"
)
MPART = r"(?P<mpart>上旬|中旬|下旬|初|底|末)"


def has_cjk(text: str) -> bool:
    return not text.isascii() and _CJK.search(text) is not None


def cn_int(s: str) -> float | None:
    """Arabic or Chinese numerals up to the hundreds; 二〇二三 reads digit by digit."""
    if s == "半":
        return 0.5
    if s.replace(".", "", 1).isdigit():
        return float(s)
    if "十" not in s and "百" not in s:
        if all(ch in _DIGITS for ch in s):
            return int("".join(str(_DIGITS[ch]) for ch in s))
        return None
    try:
        return int(cn2an.cn2an(s, "smart"))
    except ValueError:  # not a numeral cn2an knows
        return None


def _num(s: str) -> int:
    n = cn_int(s)
    return int(n) if n is not None else 0


_FUTURE_CUE = re.compile(r"将|拟|计划|预计|即将|有望|届时|下一步")
_SENT_END = re.compile(r"[。！？\n]")


def _is_future(ctx: Ctx, pos: int) -> bool:
    text = ctx.text
    lo = max(0, pos - 80)
    seps = [m.end() for m in _SENT_END.finditer(text, lo, pos)]
    begin = seps[-1] if seps else lo
    m_end = _SENT_END.search(text, pos, pos + 80)
    end = m_end.start() if m_end else min(len(text), pos + 80)
    return bool(_FUTURE_CUE.search(text, begin, end))


def _date(m: re.Match[str], value: str, edtf: str | None) -> Cand:
    return Cand(m.start(), m.end(), "DATE", value, edtf)


def _with_parts(m: re.Match[str], y: int | None, ctx: Ctx) -> Cand | None:
    """A year (explicit or relative) followed by an optional month/day/part."""
    gd = m.groupdict()
    if y is None:
        return _date(m, "XXXX", None)
    if gd.get("m"):
        mon = _num(gd["m"])
        if not 1 <= mon <= 12:
            return None
        if gd.get("d"):
            d = _num(gd["d"])
            if not c.valid_day(y, mon, d):
                return None
            s = c.ymd(y, mon, d)
            return _date(m, s, s)
        mp = gd.get("mpart")
        if mp:
            part = {"上旬": "early", "初": "early", "中旬": "mid"}.get(mp, "late")
            return _date(m, c.ym(y, mon), c.month_part(y, mon, part))
        s = c.ym(y, mon)
        return _date(m, s, s)
    yp = gd.get("ypart")
    if yp:
        if gd.get("q"):
            q = _num(gd["q"])
            return _date(m, f"{y:04d}-Q{q}", c.quarter(y, q))
        if gd.get("nq"):
            return _date(m, f"{y:04d}", f"{y:04d}-01/{y:04d}-09")
        if gd.get("nm"):
            # 今年首5個月, 2024年前8个月: January to the Nth month.
            last = _num(gd["nm"])
            return _date(m, f"{y:04d}", f"{y:04d}-01/{y:04d}-{last:02d}")
        if gd.get("season"):
            code = {"春": "SP", "夏": "SU", "秋": "FA", "冬": "WI"}[gd["season"]]
            return _date(m, f"{y:04d}-{code}", f"{y:04d}-{c.SEASON_CODES[code]}")
        key = yp.removeprefix("年") if len(yp) == 2 and yp[0] == "年" else yp
        part = {
            "上半年": "h1", "下半年": "h2", "初": "start", "底": "end", "末": "end",
            "中": "mid",
        }[key]  # fmt: skip
        value = f"{y:04d}-H{part[1]}" if part in ("h1", "h2") else f"{y:04d}"
        return _date(m, value, c.year_part(y, part))
    s = f"{y:04d}"
    return _date(m, s, s)


def h_abs(m: re.Match[str], ctx: Ctx) -> Cand | None:
    return _with_parts(m, _num(m["y"]), ctx)


_REL_YEARS = {
    "今年": 0, "本年": 0, "去年": -1, "上年": -1, "明年": 1, "前年": -2, "后年": 2,
}  # fmt: skip


def h_rel_year(m: re.Match[str], ctx: Ctx) -> Cand | None:
    a = ctx.anchor
    y = a.year + _REL_YEARS[m["w"]] if a else None
    return _with_parts(m, y, ctx)


def h_bare_part(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """上半年, 年底, 一季度 with no year: the anchor year."""
    if m.start() and ctx.text[m.start() - 1] in "年同当每":
        return None
    a = ctx.anchor
    if m["nm"]:
        # 前8个月 counts from January only in the statistics sense; after
        # 后/的 (上市后的前3个月) it counts from some other start.
        if a is None or (m.start() and ctx.text[m.start() - 1] in "后的起"):
            return None
        # The latest completed months: a September article's 前8个月 is this
        # year's, a January one's 前11个月 last year's.
        return _with_parts(m, a.year if _num(m["nm"]) < a.month else a.year - 1, ctx)
    return _with_parts(m, a.year if a else None, ctx)


def h_month_day(m: re.Match[str], ctx: Ctx) -> Cand | None:
    text = ctx.text
    if m.start() and (text[m.start() - 1].isdigit() or text[m.start() - 1] in "个第"):
        return None
    mon = _num(m["m"])
    a = ctx.anchor
    if a is None:
        return _date(m, f"XXXX-{mon:02d}", None)
    if m["d"]:
        d = _num(m["d"])
        y = c.year_near_anchor(ctx, mon, d, future=_is_future(ctx, m.start()))
        cand = _with_parts(m, y, ctx)
    else:
        # A bare 月 names a month of the publication year.
        cand = _with_parts(m, a.year, ctx)
    if cand is not None:
        cand.yearless = True
    return cand


def h_year_range(m: re.Match[str], ctx: Ctx) -> Cand | None:
    y1, y2 = int(m["y1"]), int(m["y2"])
    if not y1 < y2 <= y1 + 100:
        return None
    return _date(m, f"P{y2 - y1}Y", f"{y1:04d}/{y2:04d}")


_YEAR_BEFORE = re.compile(
    rf"(?:(?P<y>{YEAR})\s*年|(?P<w>今年|去年|明年|前年|本年))\s*\Z"
)


def h_month_range(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """1-6月, 2024年1月至3月: the year, if any, is read from just before."""
    text, a = ctx.text, ctx.anchor
    start = m.start()
    if start and text[start - 1] in "0123456789一二三四五六七八九十.":
        return None
    m1, m2 = _num(m["m1"]), _num(m["m2"])
    if not 1 <= m1 < m2 <= 12:
        return None
    before = _YEAR_BEFORE.search(text, max(0, start - 8), start)
    if before and before["y"]:
        y = _num(before["y"])
    elif a is None:
        return None
    elif before:
        y = a.year + _REL_YEARS[before["w"]]
    else:
        # Like a yearless month, the range falls in the year that puts its
        # last month nearest the anchor: 1-8月 in a January article is last
        # year's.
        y = c.year_near_anchor(ctx, m2, None, future=_is_future(ctx, start))
    if before:
        start = before.start()
    return Cand(start, m.end(), "DATE", f"P{m2 - m1}M", f"{c.ym(y, m1)}/{c.ym(y, m2)}")


_REL_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "明天": 1, "明日": 1}
_REL_DAYS.update({"前天": -2, "后天": 2})
_REL_MONTHS = {"本月": 0, "当月": 0, "这个月": 0, "上月": -1, "上个月": -1}
_REL_MONTHS.update({"下月": 1, "下个月": 1})
_REL_WEEKS = {"本周": 0, "这周": 0, "上周": -1, "下周": 1}


def h_rel_day(m: re.Match[str], ctx: Ctx) -> Cand | None:
    a = ctx.anchor
    w = m["w"]
    # "8月当月": that month itself, which the month before already dates.
    if w == "当月" and ctx.text[m.start() - 1 : m.start()] in ("月", "份"):
        return None
    if a is None:
        return _date(m, "XXXX-XX-XX", None)
    if w in _REL_DAYS:
        s = c.iso(a + dt.timedelta(days=_REL_DAYS[w]))
        return _date(m, s, s)
    if w in _REL_MONTHS:
        s = c.ym(*c.add_months(a.year, a.month, _REL_MONTHS[w]))
        return _date(m, s, s)
    v, e = c.iso_week(a + dt.timedelta(weeks=_REL_WEEKS[w]))
    return _date(m, v, e)


_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def h_weekday(m: re.Match[str], ctx: Ctx) -> Cand | None:
    text = ctx.text
    # 每周一次 / 一周三次: the "weekday" digit is really a count.
    if (m.start() and text[m.start() - 1] in "每一二三四五六七八九十两几") or (
        text[m.end() : m.end() + 1] in ("次", "个", "天", "日")
    ):
        return None
    a = ctx.anchor
    if a is None:
        return _date(m, "XXXX-XX-XX", None)
    wd = _WEEKDAY[m["wd"]]
    rel = m["rel"]
    if rel in ("上", "上个"):
        base = a - dt.timedelta(weeks=1)
        d = base + dt.timedelta(days=wd - base.weekday())
    elif rel in ("下", "下个"):
        base = a + dt.timedelta(weeks=1)
        d = base + dt.timedelta(days=wd - base.weekday())
    elif rel in ("本", "这"):
        d = a + dt.timedelta(days=wd - a.weekday())
    else:
        d = c.weekday_date(a, wd, future=_is_future(ctx, m.start()))
    s = c.iso(d)
    return _date(m, s, s)


_REF = {
    "目前": "PRESENT_REF", "当前": "PRESENT_REF", "现在": "PRESENT_REF",
    "如今": "PRESENT_REF", "眼下": "PRESENT_REF", "现阶段": "PRESENT_REF",
    "近年来": "PAST_REF", "近年": "PAST_REF", "近些年": "PAST_REF",
    "近几年": "PAST_REF", "近日": "PAST_REF", "近期": "PAST_REF", "日前": "PAST_REF",
    "未来": "FUTURE_REF", "今后": "FUTURE_REF", "将来": "FUTURE_REF",
}  # fmt: skip


def h_ref(m: re.Match[str], ctx: Ctx) -> Cand | None:
    return _date(m, _REF[m["w"]], None)


_UNITS = {"年": "year", "个月": "month", "月": "month", "季度": "quarter"}
_UNITS.update({"个季度": "quarter", "周": "week", "个星期": "week", "星期": "week"})
_UNITS.update({"天": "day", "日": "day", "小时": "hour", "个小时": "hour"})
_UNITS.update({"分钟": "minute", "个多月": "month"})


def h_past_n(m: re.Match[str], ctx: Ctx) -> Cand | None:
    n = cn_int(m["n"])
    unit = _UNITS[m["unit"]]
    if n is None or n != int(n) or unit in ("hour", "minute"):
        return None
    forward = m["dir"] in ("未来", "今后")
    dur = c.duration_value(n, unit)
    if ctx.anchor is None:
        return Cand(m.start(), m.end(), "DURATION", dur)
    return _date(m, dur, c.past_interval(ctx.anchor, int(n), unit, forward=forward))


def h_since_n(m: re.Match[str], ctx: Ctx) -> Cand | None:
    """三年来: the past N units; 三年前: N units ago."""
    n = cn_int(m["n"])
    unit = _UNITS[m["unit"]]
    if n is None or n != int(n) or unit in ("hour", "minute") or n >= 1000:
        return None
    if ctx.anchor is None:
        return None
    if m["dir"] == "前":
        v, e = c.shift_date(ctx.anchor, -int(n), unit)
        return _date(m, v, e)
    dur = c.duration_value(n, unit)
    return _date(m, dur, c.past_interval(ctx.anchor, int(n), unit, forward=False))


def h_duration(m: re.Match[str], ctx: Ctx) -> Cand | None:
    n = cn_int(m["n"])
    if n is None or n >= 1000:
        return None
    if m.start() and ctx.text[m.start() - 1] in "第.":
        return None
    if m.start() and ctx.text[m.start() - 1].isdigit():
        return None
    return Cand(m.start(), m.end(), "DURATION", c.duration_value(n, _UNITS[m["unit"]]))


_SET = {"每年": "year", "每月": "month", "每周": "week", "每天": "day", "每日": "day"}
_SET.update({"每季度": "quarter", "年均": "year"})


def h_set(m: re.Match[str], ctx: Ctx) -> Cand | None:
    return Cand(m.start(), m.end(), "SET", c.duration_value(1, _SET[m["w"][:2]]))


def h_five_year_plan(m: re.Match[str], ctx: Ctx) -> Cand | None:
    n = _num(m["n"] or m["n2"])
    if n < 3:
        return None
    y = 1966 + 5 * (n - 3)
    return _date(m, "P4Y", f"{y}/{y + 4}")


_RULES: list[
    tuple[str, re.Pattern[str], Callable[[re.Match[str], Ctx], Cand | None]]
] = [
    # (characters of which one must occur, pattern, handler)
    (
        "年",
        re.compile(
            r"(?<!\d)(?P<y1>(?:19|20)\d\d)\s*年?\s*(?:[-–—~～至到]|—)\s*"
            r"(?P<y2>(?:19|20)\d\d)\s*年(?:间|期间)?"
        ),
        h_year_range,
    ),
    (
        "月",
        re.compile(
            r"(?P<m1>[0-9一二三四五六七八九十][0-9一二]?)\s*(?:月份?)?\s*[-–—~～至到]\s*"
            r"(?P<m2>[0-9一二三四五六七八九十][0-9一二]?)\s*月(?:份)?"
        ),
        h_month_range,
    ),
    (
        "年",
        re.compile(
            rf"(?<!\d)(?P<y>{YEAR})\s*年(?:度)?\s*(?:(?P<m>{MONTH})\s*月份?\s*"
            rf"(?:(?P<d>{DAY})\s*[日号]|{MPART})?|{YPART})?"
        ),
        h_abs,
    ),
    (
        "年",
        re.compile(
            rf"(?P<w>今年|去年|明年|前年|后年|本年|上年)(?:度)?(?:(?P<m>{MONTH})\s*月份?"
            rf"(?:(?P<d>{DAY})\s*[日号]|{MPART})?|{YPART})?"
        ),
        h_rel_year,
    ),
    (
        "月",
        re.compile(rf"(?P<m>{MONTH})\s*月份?(?:(?P<d>{DAY})\s*[日号]|{MPART})?"),
        h_month_day,
    ),
    (
        "年季月",
        re.compile(
            r"(?P<ypart>上半年|下半年|年初|年底|年末|年中|第?(?P<q>[一二三四1-4])季度"
            r"|前(?P<nq>[三3])季度"
            r"|[前首](?P<nm>1[01]|[2-9]|十一|[二三四五六七八九十])\s*[个個]月)"
        ),
        h_bare_part,
    ),
    (
        "天日月周",
        re.compile(
            r"(?P<w>今天|今日|昨天|昨日|明天|明日|前天|后天|本月|当月|这个月"
            r"|上个月|上月|下个月|下月|本周|这周|上周|下周)"
        ),
        h_rel_day,
    ),
    (
        "周期拜",
        re.compile(
            r"(?P<rel>上个|下个|上|下|本|这)?(?:星期|礼拜|周)(?P<wd>[一二三四五六日天])"
        ),
        h_weekday,
    ),
    (
        "年月季周期天",
        re.compile(
            rf"(?P<dir>近|过去|最近|未来|今后)(?P<n>\d+|{CN}+)\s*"
            r"(?P<unit>年|个月|个?季度|周|个?星期|天)(?:来|以来|间|内|中)?"
        ),
        h_past_n,
    ),
    (
        "年月季周期天",
        re.compile(
            rf"(?P<n>\d+|{CN}+)\s*(?P<unit>年|个多?月|个?季度|周|个?星期|天)"
            r"(?P<dir>来|以来|前)"
        ),
        h_since_n,
    ),
    # 已连续5年开展, 经过十年的发展: the past N years, up to the anchor.
    (
        "年",
        re.compile(
            rf"(?:已经?连续|经过)(?P<n>\d+|{CN}+)\s*(?P<unit>年)(?P<dir>)"
            r"(?:的?(?:快速|持续|不懈)?(?:发展|建设|努力|探索|奋斗))?"
        ),
        h_since_n,
    ),
    (
        "年月季周期天时钟",
        re.compile(
            rf"(?P<n>{NUM})\s*多?\s*(?P<unit>年|个多月|个月|个?季度|周(?!年)|个星期|天"
            r"|个?小时|分钟)"
        ),
        h_duration,
    ),
    (
        "每年",
        # 每周三 is every Wednesday, but in 每周一次 the digit starts a count.
        re.compile(
            r"(?P<w>每年|每月|每天|每日|每季度|年均"
            r"|每周(?:[一二三四五六日天](?![次个一二三四五六七八九十]))?)"
        ),
        h_set,
    ),
    (
        "目当现如眼近日未今将",
        re.compile(
            r"(?P<w>目前|当前|现在|如今|眼下|现阶段|近年来|近些年|近几年|近年"
            r"|近日|近期|日前|未来|今后|将来)"
        ),
        h_ref,
    ),
    (
        "五",
        re.compile(
            # Quoted or followed by 规划/时期/期间: a bare 二十五 is just 25.
            r"[“\"「](?P<n>十[一二三四五六七八九]|二十)五[”\"」](?:规划|时期|期间)?"
            r"|(?P<n2>十[一二三四五六七八九]|二十)五(?:规划|时期|期间)"
        ),
        h_five_year_plan,
    ),
]


# Every Chinese rule needs a CJK character in its match, and no match reaches
# this far from one: rules run only on windows around CJK runs, so the
# patterns that may start on a digit do not crawl an English article's
# numbers when it quotes a few Chinese words.
_REACH = 40
# CJK characters no more than twice the reach apart: their windows overlap and
# make one. One match per window instead of one per run of CJK characters.
_CJK_CLUSTER = re.compile(
    rf"[\u4e00-\u9fff](?:[^\u4e00-\u9fff]{{0,{2 * _REACH}}}[\u4e00-\u9fff])*"
)


def _windows(text: str) -> list[tuple[int, int]]:
    n = len(text)
    return [
        (max(0, m.start() - _REACH), min(n, m.end() + _REACH))
        for m in _CJK_CLUSTER.finditer(text)
    ]


# Each rule with the set of characters one of which its every match holds.
_RULE_NEEDS = [
    (rank, frozenset(needs), rx, handler)
    for rank, (needs, rx, handler) in enumerate(_RULES, start=1000)
]


def candidates(ctx: Ctx) -> list[Cand]:
    """Every Chinese rule match; rank follows rule order for equal lengths."""
    out: list[Cand] = []
    text = ctx.text
    windows = _windows(text)
    # A window's characters, gathered once: each rule then asks in C whether
    # the window holds one of its characters.
    letters = [set(text[lo:hi]) for lo, hi in windows]
    for rank, needs, rx, handler in _RULE_NEEDS:
        for (lo, hi), chars in zip(windows, letters, strict=True):
            # Every match of a rule holds one of its characters: a window
            # without any (most, for most rules) is skipped outright.
            if needs.isdisjoint(chars):
                continue
            for m in rx.finditer(text, lo, hi):
                cand = handler(m, ctx)
                if cand is not None:
                    cand.rank = rank
                    out.append(cand)
    return out
