"""Rule-based temporal tagger (TIMEX3 type/value plus canonical EDTF) for English
and Chinese news text, normalised against the publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from corpus.extraction import timex_common as c
from corpus.extraction import timex_en, timex_zh
from corpus.extraction.prechecks import has_case_traps
from corpus.extraction.timex_common import Cand, Ctx

__all__ = ["Timex", "tag_dates"]


@dataclass(frozen=True, slots=True)
class Timex:
    start: int  # character offsets into the text: text[start:end] == self.text
    end: int
    text: str
    type: str  # TIMEX3 type: DATE, TIME, DURATION or SET
    value: str  # TIMEX3 value: 2023-09-04, 2023-Q3, P3Y, PRESENT_REF, 198...
    edtf: str | None  # canonical EDTF for resolvable DATEs, else None
    precision: str | None  # day, month, season, year, decade or interval


def tag_dates(
    text: str, *, anchor: dt.date | None = None, year: int | None = None
) -> list[Timex]:
    """Find temporal expressions in `text`, normalised against the publication
    date `anchor`. Sorted by start, non-overlapping.

    Without an anchor, `year` (the text's year, known from its context) dates
    what needs only a year: a month or day without one lies in it, "last
    year" is the year before; what needs the day ("yesterday", "on Friday",
    "last month") keeps no EDTF.

    House rules where the text is ambiguous:
    - a weekday is the latest such day on or before the anchor, unless "next",
      "this coming", a bounding word ("until Friday") or a future cue in the
      clause before it ("will be held on Friday") points forward; a past verb
      right before it ("said Friday") keeps it in the past;
    - a month or day without a year takes the year nearest the anchor, a
      future date counting double (news looks back); Chinese 7月 alone is in
      the anchor's year; a range without a year ("January to August",
      "Jan.-Aug.", 1-8月) takes the year of its last month and its first
      month follows; 前8个月 / "the first eight months" are the latest ones
      completed;
    - "the past three years" / 近三年 is (Y-3)/Y for anchor year Y; "the next
      five years" is Y/(Y+5); their TIMEX value is the duration (P3Y);
    - "by 2020" / 到2025年 is the target year (edtf 2020, span without "by");
      since/after/before/until fold into the span and open or close the EDTF;
    - ranges ("2018-20", "from 2019 to 2024") are one DATE whose value is the
      duration between the bounds and whose EDTF is the interval;
    - "2018-10-14 07:30" is a DATE plus a TIME carrying that date;
    - without an anchor, relative expressions keep an X-filled value and no
      EDTF.
    """
    if anchor is None and year is not None:
        return _tag_in_year(text, year)
    return _tag(text, Ctx(c.halfwidth(text), anchor), anchor)


# Two days of one year far enough apart that every expression resolved from
# the day ("yesterday", a weekday, "last month", 前8个月) differs between them.
_YEAR_PROBES = ((3, 15), (10, 16))


def _tag_in_year(text: str, year: int) -> list[Timex]:
    """Tag against two days of `year`: what resolves the same on both needs
    only the year; the rest keeps no EDTF."""
    half = c.halfwidth(text)
    first, second = (
        _tag(text, Ctx(half, dt.date(year, m, d), year_only=True), None)
        for m, d in _YEAR_PROBES
    )
    agreed = {(x.start, x.end, x.edtf) for x in second}
    return [
        x
        if (x.start, x.end, x.edtf) in agreed
        else Timex(x.start, x.end, x.text, x.type, x.value, None, None)
        for x in first
    ]


def _tag(original: str, ctx: Ctx, anchor: dt.date | None) -> list[Timex]:
    text = ctx.text
    cands = timex_en.candidates(ctx)
    if timex_zh.has_cjk(text):
        cands += timex_zh.candidates(ctx)
    chosen = _longest_first(cands, len(text))
    chosen = _merge_ranges(chosen, text)
    plain = not has_case_traps(text)
    for i, cand in enumerate(chosen):
        if cand.type == "DATE" and cand.edtf is not None:
            lo = chosen[i - 1].end if i else 0
            hi = chosen[i + 1].start if i + 1 < len(chosen) else len(text)
            _apply_signal(cand, text, lo, hi, plain)
    chosen = _resolve_anaphora(chosen, anchor)
    _complete_times(chosen, text, anchor)
    return [
        Timex(
            x.start,
            x.end,
            original[x.start : x.end],
            x.type,
            x.value,
            x.edtf,
            c.precision_of(x.edtf),
        )
        for x in chosen
    ]


def _longest_first(cands: list[Cand], length: int) -> list[Cand]:
    """Keep the longest candidates; on equal length the earlier-listed rule."""
    cands.sort(key=lambda x: (x.start - x.end, x.rank, x.start))
    taken: list[Cand] = []
    used = bytearray(length)
    for cand in cands:
        if used.find(1, cand.start, cand.end) == -1:
            used[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
            taken.append(cand)
    taken.sort(key=lambda x: x.start)
    return taken


_RANGE_GAP = re.compile(r"\s*(?:[-–—~～至到]|to|through|until|till|and)\s*\Z", re.I)
_RANGE_LEFT = re.compile(r"\b(?P<w>from|between)\s+\Z|(?P<zh>[从自])\Z", re.I)


def _merge_ranges(chosen: list[Cand], text: str) -> list[Cand]:
    """Join "from A to B" / "between A and B" / "A–B" into one interval."""
    out: list[Cand] = []
    for cand in chosen:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type == cand.type == "DATE"
            and prev.edtf
            and cand.edtf
            and cand.start - prev.end <= 12
        ):
            merged = _try_merge(prev, cand, text)
            if merged is not None:
                out[-1] = merged
                continue
        out.append(cand)
    return out


def _try_merge(a: Cand, b: Cand, text: str) -> Cand | None:
    gap = text[a.end : b.start]
    gm = _RANGE_GAP.match(gap)
    if gm is None or gm.end() != len(gap):
        return None
    word = gap.strip().lower()
    left = _RANGE_LEFT.search(text, max(0, a.start - 10), a.start)
    lead = (left["w"] or "").lower() if left else ""
    if word == "and" and lead != "between":
        return None
    if word in ("to", "through", "until", "till") and lead != "from":
        return None
    assert a.edtf and b.edtf
    lo, hi = c.plain_lower(a.edtf), c.plain_upper(b.edtf)
    if lo is None or hi is None or ".." in a.edtf + b.edtf:
        return None
    if a.yearless:
        # The end settles a yearless range's year, even when it is yearless
        # too: in a September article "from January to August" is this
        # year's, though January alone would lean to the coming one.
        lo = hi[:4] + lo[4:]
        if lo[: len(hi)] > hi[: len(lo)]:
            lo = f"{int(lo[:4]) - 1:04d}" + lo[4:]
    n = min(len(lo), len(hi))
    if lo[:n] >= hi[:n]:
        return None
    start = left.start() if left else a.start
    value = c.span_duration(lo, hi)
    return Cand(start, b.end, "DATE", value, f"{lo}/{hi}")


_SIGNAL_LEFT = re.compile(
    r"\b(?P<w>since|before|after|until|till|through|by|as\s+of|up\s+to|prior\s+to"
    r"|no\s+later\s+than|not\s+later\s+than|ever\s+since|around|circa|about"
    r"|approximately|roughly)\s+\Z"
    r"|(?P<zh>自从|自|从|截至|截止到|截止|到)\s*\Z",
    re.IGNORECASE,
)
# 前/后 followed by a count start another expression (前三季度), not a bound.
_NOT_COUNT = r"(?![一二三四五六七八九十两半\d季个年天])"
_SIGNAL_RIGHT = re.compile(
    rf"(?:(?P<approx>前后|左右)|(?P<open>以来|起|开始|以后|之后|后{_NOT_COUNT})"
    rf"|(?P<close>以前|之前|前{_NOT_COUNT}))"
    r"|\s+(?P<en_open>onwards?|and\s+beyond|or\s+later)\b",
    re.IGNORECASE,
)
_SIGNAL_KIND = {
    "since": "since", "ever since": "since", "自从": "since", "自": "since",
    "从": "since", "before": "before", "prior to": "before", "after": "after",
    "until": "until", "till": "until", "through": "until", "up to": "until",
    "no later than": "until", "not later than": "until", "by": "by",
    "around": "approx", "circa": "approx", "about": "approx",
    "approximately": "approx", "roughly": "approx", "as of": "by", "截至": "by",
    "截止": "by", "截止到": "by", "到": "by",
}  # fmt: skip


# Left signals end in one of these words (English, then white space) or
# characters (Chinese) right before the date; the right ones start with white
# space or one of these characters. Most dates have neither next to them, which
# these tests tell far sooner than the patterns.
_SIGNAL_EN_ENDS = (
    "since", "before", "after", "until", "till", "through", "by", "of", "to",
    "than", "around", "circa", "about", "approximately", "roughly",
)  # fmt: skip
_SIGNAL_ZH_ENDS = ("从", "自", "至", "止", "到")
_SIGNAL_RIGHT_FIRST = frozenset("前左以起开之后")


def _may_end_in_signal(before: str, plain: bool) -> bool:
    stripped = before.rstrip()
    if stripped.endswith(_SIGNAL_ZH_ENDS):
        return True
    if len(stripped) == len(before):
        return False
    return not plain or stripped.lower().endswith(_SIGNAL_EN_ENDS)


def _apply_signal(cand: Cand, text: str, lo: int, hi: int, plain: bool) -> None:
    """Fold a bounding word into the span and the EDTF: since 2005 -> 2005/..,
    before 2030 -> ../2029, until 2025 -> ../2025, after 2020 -> 2021/..,
    around 2024 -> 2024~. "by 2020" stays the target year, span "2020".
    `lo`..`hi` is the free text between the neighbouring expressions; `plain`
    says the text holds no character a case-insensitive pattern reads as
    another letter (see has_case_traps)."""
    assert cand.edtf is not None
    if ".." in cand.edtf:
        return
    kind = None
    start, end = cand.start, cand.end
    # A signal may not reach into a neighbouring expression (lo..hi is free).
    left_from = max(lo, start - 20)
    left = (
        _SIGNAL_LEFT.search(text, left_from, start)
        if _may_end_in_signal(text[left_from:start], plain)
        else None
    )
    right = (
        _SIGNAL_RIGHT.match(text, end, hi)
        if end < hi and (text[end] in _SIGNAL_RIGHT_FIRST or text[end].isspace())
        else None
    )
    if left:
        word = " ".join((left["w"] or left["zh"]).lower().split())
        kind = _SIGNAL_KIND[word]
        start = left.start()
        # Chinese 从/自 X 起 are one signal split around the date.
        if left["zh"] and right and right["open"] in ("以来", "起", "开始"):
            end = right.end()
    elif right and right["approx"]:
        kind = "approx"
        end = right.end()
    elif right:
        kind = "since" if right["open"] or right["en_open"] else "before"
        end = right.end()
        # 年底前 / 月末前 is a deadline at that end: read it like "by".
        if kind == "before" and text[cand.end - 1] in "底末":
            kind = "by"
        if right["open"] in ("以后", "之后", "后"):
            kind = "after"
    # "by 2020" is read as the target year itself: nothing to fold in.
    if kind is None or kind == "by":
        return
    if kind == "approx":
        # "around 2024", "2025年前后": EDTF's approximate qualifier.
        if "/" in cand.edtf or not c.plain_lower(cand.edtf):
            return
        cand.edtf += "~"
        cand.start, cand.end = start, end
        return
    lo, hi = c.plain_lower(cand.edtf), c.plain_upper(cand.edtf)
    if lo is None or hi is None:
        return
    if kind == "since":
        cand.edtf = f"{lo}/.."
    elif kind == "after":
        cand.edtf = f"{c.step(hi, 1)}/.."
    elif kind == "before":
        cand.edtf = f"../{c.step(lo, -1)}"
    elif kind == "until":
        cand.edtf = f"../{hi}"
    cand.start, cand.end = start, end


def _resolve_anaphora(chosen: list[Cand], anchor: dt.date | None) -> list[Cand]:
    """'the day' means the last day-precision date mentioned, else the anchor."""
    out: list[Cand] = []
    last: dt.date | None = anchor
    for cand in chosen:
        if cand.value.startswith("@day"):
            if last is None:
                continue
            day = (last + dt.timedelta(days=int(cand.value[4:]))).isoformat()
            cand.value = cand.edtf = day
        elif cand.type == "DATE" and c.precision_of(cand.edtf) == "day":
            last = dt.date.fromisoformat(cand.edtf.rstrip("~"))
        out.append(cand)
    return out


_TIME_GAP = re.compile(r"[\sT,]*(?:(?:at|on)\s+)?\Z", re.IGNORECASE)


def _complete_times(chosen: list[Cand], text: str, anchor: dt.date | None) -> None:
    """Give clock times the calendar date written next to them, else the anchor."""
    for i, cand in enumerate(chosen):
        if cand.type != "TIME" or not cand.value.startswith("T"):
            continue
        day = None
        for j in (i - 1, i + 1):
            if not 0 <= j < len(chosen):
                continue
            other = chosen[j]
            if other.edtf is None or c.precision_of(other.edtf) != "day":
                continue
            gap = (
                text[other.end : cand.start] if j < i else text[cand.end : other.start]
            )
            if len(gap) <= 6 and _TIME_GAP.match(gap):
                day = other.edtf.rstrip("~")
                break
        if day is None:
            day = anchor.isoformat() if anchor else "XXXX-XX-XX"
        cand.value = day + cand.value
