"""English vocabulary shared by the temporal rules: pattern fragments for months,
days, years and counts, number words, and the tense cue used to pick a year."""

from __future__ import annotations

import re
from collections.abc import Callable

from corpus.extraction.prechecks import has_case_traps
from corpus.extraction.timex_common import Cand, Ctx

Handler = Callable[[re.Match[str], Ctx], Cand | None]

_MONTHS_FULL = (
    "January|February|March|April|May|June|July|August|September|October"
    "|November|December"
)
_MONTHS_ABBR = (
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?"
    r"|Nov\.?|Dec\.?"
)
MONTH_ANY = rf"(?P<mon>(?:{_MONTHS_FULL}|{_MONTHS_ABBR})(?![A-Za-z]))"
MONTH_FULL = rf"(?P<mon>(?:{_MONTHS_FULL})(?![A-Za-z]))"
DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:%])"
DAY2 = r"(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:%])"
YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)(?![\d%]|,\d)"
REL_YEAR = r"(?P<rel>(?i:this|last|next|the))\s+(?i:year)"
WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
WEEKDAY_RE = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

NUM_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
TENS = {
    w: 10 * i
    for i, w in enumerate(
        [
            "_",
            "_",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
        ]
    )
    if w != "_"
}
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_SMALL = "|".join(sorted(NUM_WORDS, key=len, reverse=True))
_TENS_RE = "|".join(TENS)
_NUM_DIGIT = r"\d+(?:\.\d+)?(?![\d,])"
NUM = (
    rf"(?P<num>(?i:a\s+couple\s+of|a\s+few|several|few|many|a|an"
    rf"|(?:{_TENS_RE})(?:[\s-](?:{_UNITS_WORDS}))?|{_SMALL})(?![A-Za-z])"
    rf"|{_NUM_DIGIT})"
)
# All NUM can match where a number starts: its words need a letter.
NUM_DIGITS = rf"(?P<num>{_NUM_DIGIT})"
UNIT = (
    r"(?:(?i:trading|business|working|straight|consecutive|full|calendar|school)\s+)?"
    r"(?P<unit>(?i:second|minute|hour|day|week|fortnight|month|quarter|year"
    r"|decade|centur(?:y|ie)))(?i:s)?(?![A-Za-z])"
)
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4, "final": 4, "latter": 2,
}  # fmt: skip

_FUTURE_CUE = re.compile(
    r"\b(?:will|shall|'ll|is\s+to|are\s+to|to\s+be\s+held|scheduled|expected\s+to"
    r"|is\s+due|are\s+due|plans?\s+to|planned|upcoming|set\s+to|going\s+to"
    r"|should\s+be|intends?\s+to|aims?\s+to)\b",
    re.IGNORECASE,
)
# Each _FUTURE_CUE branch with its white space as one space: a clause that
# contains none of them (lowercased, its white space collapsed) cannot match,
# and these substring tests cost a fraction of the case-insensitive search.
_FUTURE_CUE_TEXTS = (
    "will", "shall", "'ll", "is to", "are to", "to be held", "scheduled",
    "expected to", "is due", "are due", "plan to", "plans to", "planned",
    "upcoming", "set to", "going to", "should be", "intend to", "intends to",
    "aim to", "aims to",
)  # fmt: skip
_PAST_VERBS = frozenset((
    "said", "told", "held", "was", "were", "met", "made", "saw", "began", "fell",
    "rose", "won", "lost", "gave", "took", "came", "went", "had", "did", "sold",
    "bought", "left", "paid", "hit", "became", "spoke", "wrote", "struck", "broke",
    "shut", "quit", "led", "ran", "grew", "chose", "drew", "flew", "sank",
))  # fmt: skip
_VERB_TAIL = frozenset(("on", "late", "early", "last", "in"))
_BOUND_WORDS = frozenset(("until", "till", "by", "before", "through", "next", "coming"))
_AUX = frozenset(("be", "been", "being"))


def parse_num(s: str) -> float | None:
    """Number words and digits to a value; vague counts ("several") -> None."""
    s = " ".join(s.lower().replace("-", " ").split())
    if s in ("a", "an"):
        return 1
    if s.replace(".", "", 1).isdigit():
        return float(s)
    if s in ("a couple of",):
        return 2
    if s in NUM_WORDS:
        return NUM_WORDS[s]
    parts = s.split()
    if parts and parts[0] in TENS:
        return TENS[parts[0]] + (NUM_WORDS.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


_MONTH_PREFIXES = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
)  # fmt: skip


def month_num(s: str) -> int:
    return _MONTH_PREFIXES.index(s[:3].lower()) + 1


def _sentence_start(text: str, pos: int) -> int:
    lo = max(0, pos - 200)
    return max(
        lo,
        text.rfind(". ", lo, pos) + 2,
        text.rfind("? ", lo, pos) + 2,
        text.rfind("! ", lo, pos) + 2,
        text.rfind("\n", lo, pos) + 1,
    )


def _may_cue_future(clause: str) -> bool:
    if has_case_traps(clause):
        return True
    # str.split() and the pattern's \s agree on what white space is.
    collapsed = " ".join(clause.lower().split())
    return any(cue in collapsed for cue in _FUTURE_CUE_TEXTS)


def is_future(ctx: Ctx, pos: int) -> bool:
    """Whether the clause before `pos` speaks about the future."""
    cached = ctx.future_cache.get(pos)
    if cached is not None:
        return cached
    text = ctx.text
    words = text[max(0, pos - 40) : pos].lower().split()
    if words and words[-1] in _BOUND_WORDS:
        result = True
    else:
        if words and words[-1] in _VERB_TAIL:
            words.pop()
        verb = words[-1] if words else ""
        aux = words[-2] if len(words) > 1 else ""
        # "said Friday", "held on Sunday": a past verb right before settles
        # it, unless "be"/"been" makes it passive or perfect.
        if (verb in _PAST_VERBS or (verb.endswith("ed") and verb.isalpha())) and (
            aux not in _AUX
        ):
            result = False
        else:
            # Only the clause before the expression: in "announced Friday that
            # it will ..." the future belongs to the reported clause.
            begin = _sentence_start(text, pos)
            result = _may_cue_future(text[begin:pos]) and (
                _FUTURE_CUE.search(text, begin, pos) is not None
            )
    ctx.future_cache[pos] = result
    return result


def date_cand(m: re.Match[str], value: str, edtf: str | None, **kw: object) -> Cand:
    return Cand(m.start(), m.end(), "DATE", value, edtf, **kw)  # type: ignore[arg-type]


def resolve_year(m: re.Match[str], ctx: Ctx) -> int | None:
    """Explicit year or the anchor year shifted by this/last/next year."""
    gd = m.groupdict()
    if gd.get("year"):
        return int(gd["year"])
    if ctx.anchor is None:
        return None
    rel = (gd.get("rel") or "this").lower()
    return ctx.anchor.year + {"last": -1, "next": 1}.get(rel, 0)
