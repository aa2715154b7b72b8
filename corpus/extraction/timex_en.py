"""English temporal-expression rules: compiled patterns keyed by the first token
they can start with, each paired with a handler that normalises the match."""

from __future__ import annotations

import re
from itertools import accumulate

from corpus.extraction.timex_common import Cand, Ctx
from corpus.extraction.timex_en_absolute import (
    h_decade,
    h_five_year_plan,
    h_half,
    h_iso_date,
    h_iso_month,
    h_month,
    h_month_day,
    h_month_year,
    h_numeric_date,
    h_part_month,
    h_part_year,
    h_quarter,
    h_season,
    h_short_year,
    h_week_of_month,
    h_year,
    h_year_end,
    h_year_range,
)
from corpus.extraction.timex_en_lexicon import (
    DAY,
    DAY2,
    MONTH_ANY,
    MONTH_FULL,
    NUM,
    NUM_WORDS,
    REL_YEAR,
    TENS,
    UNIT,
    WEEKDAY_RE,
    WEEKDAYS,
    YEAR,
    Handler,
)
from corpus.extraction.timex_en_relative import (
    h_ago,
    h_anaphoric_day,
    h_duration,
    h_part_of_day,
    h_past_n,
    h_ref,
    h_rel_day,
    h_rel_unit,
    h_set,
    h_time,
    h_weekday,
)

_S = r"\s+"
_RULE_SPECS: list[tuple[str, str, Handler]] = [
    # (first-token keys, pattern, handler)
    (
        "#s the",
        rf"(?:(?i:the){_S})?(?P<n>\d{{1,2}})(?:st|nd|rd|th)[\s-]+(?i:five-year[\s-]+plan)"
        r"(?:\s+(?i:period))?",
        h_five_year_plan,
    ),
    (
        "MON in since of from to and",
        rf"(?:{MONTH_FULL}\s+|(?i:in|since|of|from|to|and)\s+)'(?P<yy>\d\d)(?![\d\w'])",
        h_short_year,
    ),
    (
        "the",
        rf"(?i:the\s+(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|final)"
        rf"\s+week\s+of)\s+{MONTH_ANY}(?:,?\s+{YEAR})?",
        h_week_of_month,
    ),
    (
        "MON " + " ".join(WEEKDAYS),
        rf"(?:{WEEKDAY_RE},?\s+)?{MONTH_ANY}\s*{DAY}(?:\s*(?:[-–]|to|and)\s*{DAY2})?"
        rf"(?:,?\s+{YEAR})?",
        h_month_day,
    ),
    (
        "#s the " + " ".join(WEEKDAYS),
        rf"(?:{WEEKDAY_RE},?\s+)?(?:(?i:the){_S})?{DAY}(?:\s*[-–]\s*{DAY2})?{_S}"
        rf"(?:(?i:of){_S})?{MONTH_ANY}(?:,?\s+{YEAR})?",
        h_month_day,
    ),
    ("MON", rf"{MONTH_ANY}\s*,?\s+(?:(?i:of){_S})?{YEAR}", h_month_year),
    (
        "MON last next this coming past",
        rf"(?:(?P<rel>(?i:last|next|this\s+coming|this|coming|past)){_S})?{MONTH_FULL}"
        rf"(?:{_S}(?:(?i:of){_S})?(?P<rel2>(?i:this|last|next)){_S}(?i:year))?",
        h_month,
    ),
    (
        "the early mid middle late beginning start end",
        rf"(?:(?i:the){_S})?(?P<part>(?i:early|mid|middle|late|(?:the\s+)?"
        rf"(?:beginning|start|end|middle)\s+of))[\s-]+{MONTH_ANY}"
        rf"(?:,?\s+{YEAR}|{_S}{REL_YEAR})?",
        h_part_month,
    ),
    (
        "the early mid middle late beginning start end earlier later",
        rf"(?:(?i:the){_S})?(?P<part>(?i:early|mid|middle|late|earlier|later"
        rf"|(?:the\s+)?(?:beginning|start|end|middle)\s+of))[\s-]+"
        rf"(?:(?i:(?:the\s+)?year){_S})?(?:{YEAR}|{REL_YEAR})",
        h_part_year,
    ),
    ("year the", r"(?i:(?:the\s+)?year[\s-]end)", h_year_end),
    (
        "the first second 1st 2nd latter last",
        rf"(?:(?i:the){_S})?(?P<ord>(?i:first|second|1st|2nd|latter)){_S}(?i:half)"
        rf"(?:{_S}(?:(?i:of){_S})?(?:(?i:fiscal){_S})?(?:{YEAR}|{REL_YEAR}))?",
        h_half,
    ),
    ("H h", rf"[Hh](?P<h>[12])\s*(?:(?i:of){_S})?{YEAR}", h_half),
    (
        "the first second third fourth final last 1st 2nd 3rd 4th",
        rf"(?:(?i:the){_S})?(?P<ord>(?i:first|second|third|fourth|final|last|1st|2nd"
        rf"|3rd|4th))[\s-]+(?:(?i:fiscal|calendar){_S})?(?i:quarter)(?![A-Za-z])"
        rf"(?:{_S}(?:(?i:of){_S})?(?:(?i:fiscal){_S})?(?:{YEAR}|{REL_YEAR}))?",
        h_quarter,
    ),
    (
        "Q q",
        rf"[Qq](?P<q>[1-4])(?:\s*(?:(?i:of){_S})?(?:{YEAR}|'?(?P<yy>\d\d)(?!\d)))?"
        r"(?![\w])",
        h_quarter,
    ),
    (
        "#y",
        rf"{YEAR}\s*[Qq](?P<q>[1-4])(?!\w)",
        h_quarter,
    ),
    (
        "spring summer autumn fall winter this last next early late the",
        rf"(?:(?P<srel>(?i:this|last|next|early|late|the)){_S})?"
        rf"(?P<s>(?i:spring|summer|autumn|fall|winter))(?![A-Za-z])"
        rf"(?:{_S}(?:(?i:of){_S})?{YEAR}|{_S}{REL_YEAR})?",
        h_season,
    ),
    (
        "#y from between the",
        rf"(?:(?P<pre>(?i:from|between)){_S}|(?P<the>(?i:the)){_S})?"
        rf"(?P<y1>(?:19|20)\d\d)\s*(?P<sep>[-–—/]|(?i:to|through|until|and))\s*"
        r"(?P<y2>(?:19|20)\d\d|\d\d)(?![\d%])(?P<per>\s+(?i:period))?",
        h_year_range,
    ),
    (
        "#y",
        r"(?<![\d./-])(?P<year>(?:19|20)\d\d)(?P<sep>[-/.])"
        r"(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d]|[-/.]\d)",
        h_iso_date,
    ),
    (
        "#y",
        r"(?<![\d./-])(?P<year>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])(?![\d]|-\d)",
        h_iso_month,
    ),
    (
        "#s",
        r"(?<![\d/.,-])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)"
        r"(?P<y>(?:19|20)\d\d|\d\d)(?![\d/]|\.\d)",
        h_numeric_date,
    ),
    (
        "#y #s 'd the early mid late",
        rf"(?:(?P<the>(?i:the)){_S})?(?:(?P<part>(?i:early|mid|late))[\s-]+)?"
        r"(?:(?P<dec>(?:1[0-9]|20)\d0)|'(?P<d2>\d0)|(?P<d3>[2-9]0))'?s(?![A-Za-z])",
        h_decade,
    ),
    (
        "#y the year fiscal fy",
        r"(?:(?P<pre>(?i:the\s+year|year|fiscal(?:\s+year)?|FY))\s*)?"
        r"(?<![\d.,])(?P<year>(?:19|20)\d\d)(?![\d%]|,\d|[A-Za-z])(?:'s)?",
        h_year,
    ),
    (
        "earlier later today tonight yesterday tomorrow the",
        r"(?i:(?:(?:earlier|later)\s+)?(?P<w>today|tonight|yesterday|tomorrow)"
        r"|the\s+day\s+(?P<ba>before\s+yesterday|after\s+tomorrow))(?![A-Za-z])",
        h_rel_day,
    ),
    (
        "this yesterday tomorrow last",
        r"(?i:this\s+(?P<p>morning|afternoon|evening)|(?P<w>yesterday|tomorrow)\s+"
        r"(?P<p2>morning|afternoon|evening|night)|(?P<last>last)\s+night)(?![A-Za-z])",
        h_part_of_day,
    ),
    (
        " ".join(WEEKDAYS) + " last next this coming past",
        rf"(?:(?P<rel>(?i:last|next|this\s+coming|this|coming|past)){_S})?{WEEKDAY_RE}"
        r"(?:\s+(?P<p>(?i:morning|afternoon|evening|night)))?(?![A-Za-z])",
        h_weekday,
    ),
    (
        "this last next past previous coming current the",
        r"(?i:(?P<the>the\s+)?(?P<rel>this|last|next|past|previous|coming|current"
        r"|same)\s+(?P<unit>weekend|week|month|year|quarter|decade|century))"
        r"(?![A-Za-z])",
        h_rel_unit,
    ),
    (
        "the",
        r"(?i:(?P<the>the\s+)(?P<rel>)(?P<unit>weekend))(?![A-Za-z])",
        h_rel_unit,
    ),
    (
        "the that",
        r"(?i:(?:the|that)\s+(?:(?P<rel>same|following|next|previous|prior)\s+)?day)"
        r"(?![A-Za-z-])(?!\s+(?i:before|after|of|when|that|in\s+which|on\s+which)\b)",
        h_anaphoric_day,
    ),
    (
        "NUM",
        rf"{NUM}[\s-]+{UNIT}{_S}(?P<dir>(?i:ago|from\s+now|hence))(?![A-Za-z])",
        h_ago,
    ),
    (
        "the",
        rf"(?i:the)\s+(?P<dir>(?i:past|last|previous|next|coming|following|first))"
        rf"\s+(?:{NUM}\s+)?{UNIT}",
        h_past_n,
    ),
    (
        "NUM about around almost nearly approximately over more less at some roughly "
        "up just",
        rf"(?:(?P<mod>(?i:about|around|almost|nearly|approximately|over|more\s+than"
        rf"|less\s+than|at\s+least|some|roughly|up\s+to|just\s+over|just\s+under))"
        rf"\s+)?{NUM}(?P<half>\s+(?i:and\s+a\s+half))?[\s-]+{UNIT}",
        h_duration,
    ),
    (
        "per each every annual annually yearly monthly weekly daily quarterly hourly",
        r"(?:(?i:per|each|every)\s+(?P<unit>(?i:year|month|week|day|quarter))"
        r"|(?P<adj>[Aa]nnual(?:ly)?|[Yy]early|[Mm]onthly|[Ww]eekly|daily|[Qq]uarterly"
        r"|[Hh]ourly))(?![A-Za-z])",
        h_set,
    ),
    (
        "now currently at presently nowadays these the to more recently recent "
        "lately very soon",
        r"(?i:(?P<present>now|currently|at\s+present|presently|nowadays|these\s+days"
        r"|at\s+the\s+moment|the\s+present\s+day|the\s+time\s+being"
        r"|(?<![Uu]p\s)to\s+date)"
        r"|(?P<past>(?:more\s+)?recently|recent\s+years|recent\s+months"
        r"|recent(?=\s+(?:history|times|decades|weeks|days))|lately|the\s+past"
        r"(?!\s+(?:few|several|\d|one|two|three|four|five|six|seven|eight|nine|ten"
        r"|year|month|week|day|decade)))"
        r"|(?P<future>the\s+(?:near\s+|distant\s+)?future|(?:very\s+)?soon"
        r"|the\s+(?:near|short|long|medium)\s+term))(?![A-Za-z])",
        h_ref,
    ),
    (
        "#s",
        r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::[0-5]\d)?"
        r"(?:\s*(?P<ap>(?i:a\.m\.|p\.m\.|am|pm)(?![A-Za-z])))?"
        r"(?:\s*(?P<tz>UTC|GMT|CST|EST|PST|BST|CET))?(?![\d:])",
        h_time,
    ),
    (
        "#s",
        r"(?<![\d:.,])(?P<h>1[0-2]|0?[1-9])\s*(?P<ap>(?i:a\.m\.|p\.m\.)|am(?!\w)|pm(?!\w))"
        r"(?:\s*(?P<tz>UTC|GMT))?",
        h_time,
    ),
    (
        "#y #o",
        r"(?<![\d:.,])(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s*(?P<tz>UTC|GMT)",
        h_time,
    ),
]


_MONTH_KEYS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
]
_NUM_KEYS = ["#s", "#o", "a", "an", "several", "few", "many", *NUM_WORDS, *TENS]


Rule = tuple[re.Pattern[str], Handler, int]
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
_BACKREF = re.compile(r"\(\?P=\w+\)")


def _gate(patterns: list[str]) -> re.Pattern[str]:
    """The union of a key's rules without group names: one cheap match call
    rejects the many tokens ("the", "a", plain numbers) that start no date."""
    parts = [_BACKREF.sub("[-/.]", _GROUP_NAME.sub("(?:", p)) for p in patterns]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _build() -> dict[str, tuple[re.Pattern[str], list[Rule]]]:
    rules_by_key: dict[str, list[Rule]] = {}
    sources: dict[str, list[str]] = {}
    for rank, (keys, pattern, handler) in enumerate(_RULE_SPECS):
        rx = re.compile(pattern)
        expanded: list[str] = []
        for k in keys.split():
            if k == "MON":
                expanded += _MONTH_KEYS
            elif k == "NUM":
                expanded += _NUM_KEYS
            else:
                expanded.append(k.lower())
        for k in dict.fromkeys(expanded):
            rules_by_key.setdefault(k, []).append((rx, handler, rank))
            sources.setdefault(k, []).append(pattern)
    table = {}
    for k, rules in rules_by_key.items():
        gate = _gate(sources[k])
        table[k] = (gate, rules)
        # Tokens are looked up as written first, saving a lower() per word.
        table.setdefault(k.capitalize(), (gate, rules))
    return table


_TABLE = _build()
_TOKEN_SPLIT = re.compile(r"([A-Za-z]+|'?\d+)")
# Frequent words that only ever open a longer expression ("the past three
# years", "a year", "more than a week"). They are tried only when one of the
# next few tokens is itself a trigger, which keeps "the" and "a" cheap.
_PASSIVE = frozenset({
    "the", "a", "an", "to", "of", "in", "and", "at", "from", "between", "since",
    "more", "less", "than", "some", "over", "about", "around", "up", "just",
    "these", "very", "almost", "nearly", "approximately", "roughly", "least",
    "that",
})  # fmt: skip
_PASSIVE_WINDOW = 4
# Words with no rule of their own that still complete a passive opener.
_EXTRA_TRIGGERS = (
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days",
    "week", "weeks", "fortnight", "month", "months", "quarter", "quarters", "years",
    "decade",
    "decades", "century", "centuries", "moment", "date", "being", "term", "future",
    "weekend", "present",
)  # fmt: skip


def _digit_key(word: str) -> str:
    if word[0] == "'":
        return "'d"
    n = len(word)
    if n <= 2:
        return "#s"
    return "#y" if n == 4 and word[0] in "12" else "#o"


def _try_rules(
    ctx: Ctx, pos: int, entry: tuple[re.Pattern[str], list[Rule]], out: list[Cand]
) -> None:
    gate, rules = entry
    text = ctx.text
    if len(rules) > 2 and gate.match(text, pos) is None:
        return
    for rx, handler, rank in rules:
        m = rx.match(text, pos)
        if m is None or m.end() == pos:
            continue
        cand = handler(m, ctx)
        if cand is not None:
            cand.rank = rank
            out.append(cand)


def _words(text: str) -> tuple[list[str], list[int]]:
    """The lowercased tokens of `text` and the offset each one starts at.

    Splitting and summing lengths run in C: looping over every token in
    Python cost more than the rules themselves on most articles."""
    lowered = text.lower()
    # Lowercasing keeps the offsets and token boundaries unless a character
    # lowercases into ASCII (U+0130 "İ" grows, U+212A "K" becomes "k").
    if len(lowered) == len(text) and "\u212a" not in text:
        parts = _TOKEN_SPLIT.split(lowered)
        words = parts[1::2]
    else:
        parts = _TOKEN_SPLIT.split(text)
        words = [w.lower() for w in parts[1::2]]
    ends = list(accumulate(map(len, parts)))
    return words, ends[::2]


def candidates(ctx: Ctx) -> list[Cand]:
    """Every English rule match, keyed on the token each match starts with."""
    text = ctx.text
    table = _TABLE
    empty = _EMPTY
    out: list[Cand] = []
    recent: list[tuple[int, int, str]] = []  # (token index, pos, passive word)
    tried: set[int] = set()
    words, starts = _words(text)
    # Most tokens start no rule: pick out the few that do in one comprehension.
    hits = [i for i, w in enumerate(words) if w in table or w[0] <= "9"]
    for i in hits:
        word = words[i]
        first = word[0]
        entry = table.get(_digit_key(word), empty) if first <= "9" else table[word]
        pos = starts[i]
        # A token glued to a preceding letter or digit is inside a code
        # ("6G", "A330"); ISO datetimes keep their "T".
        if (
            pos
            and text[pos - 1].isalnum()
            and (first.isalpha() or text[pos - 1] != "T")
        ):
            continue
        if entry is _PASSIVE_MARK:
            recent.append((i, pos, word))
            continue
        for j, ppos, pword in recent:
            if i - j <= _PASSIVE_WINDOW and ppos not in tried:
                tried.add(ppos)
                _try_rules(ctx, ppos, _PASSIVE_TABLE[pword], out)
        recent.clear()
        if entry is not empty:
            _try_rules(ctx, pos, entry, out)
    return out


def _split_passive() -> dict[str, tuple[re.Pattern[str], list[Rule]]]:
    passive = {}
    for word in _PASSIVE:
        entry = _TABLE.pop(word, None)
        _TABLE.pop(word.capitalize(), None)
        if entry is not None:
            passive[word] = entry
    return passive


_EMPTY: tuple[re.Pattern[str], list[Rule]] = (re.compile(r"(?!)"), [])
_PASSIVE_MARK: tuple[re.Pattern[str], list[Rule]] = (re.compile(r"(?!)"), [])
_PASSIVE_TABLE = _split_passive()
for _word in _PASSIVE_TABLE:
    _TABLE[_word] = _TABLE[_word.capitalize()] = _PASSIVE_MARK
for _word in _EXTRA_TRIGGERS:
    _TABLE.setdefault(_word, _EMPTY)
    _TABLE.setdefault(_word.capitalize(), _EMPTY)
