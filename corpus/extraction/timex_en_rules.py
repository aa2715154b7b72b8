"""The English temporal-expression rules: for each, the tokens a match can start
with, the pattern, the handler that normalises it, and the words it cannot match
without."""

from __future__ import annotations

from corpus.extraction.timex_en_absolute import (
    h_decade,
    h_first_months,
    h_five_year_plan,
    h_half,
    h_iso_date,
    h_iso_month,
    h_month,
    h_month_day,
    h_month_span,
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
    REL_YEAR,
    UNIT,
    WEEKDAY_RE,
    WEEKDAYS,
    YEAR,
    Handler,
)
from corpus.extraction.timex_en_relative import (
    h_after_n,
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

MONTH_KEYS = [
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

# A rule's needed words: a match always contains one of them as a whole token
# (a run of ASCII letters, lowercased), so a document whose tokens hold none
# of them cannot match the rule at all. Items that are not words are
# substrings of the text ("'", ":"). A rule with none is tried everywhere.
# Whoever edits a pattern must keep its needed words true to it.
_MONTH_WORDS = " ".join(MONTH_KEYS)
_UNIT_WORDS = " ".join(
    unit + plural
    for unit in (
        "second", "minute", "hour", "day", "week", "fortnight", "month", "quarter",
        "year", "decade", "century", "centurie",
    )
    for plural in ("", "s")
)  # fmt: skip

_S = r"\s+"
RULE_SPECS: list[tuple[str, str, Handler, str]] = [
    # (first-token keys, pattern, handler, needed words)
    (
        "#s the",
        rf"(?:(?i:the){_S})?(?P<n>\d{{1,2}})(?:st|nd|rd|th)[\s-]+(?i:five-year[\s-]+plan)"
        r"(?:\s+(?i:period))?",
        h_five_year_plan,
        "five",
    ),
    (
        "MON in since of from to and",
        rf"(?:{MONTH_FULL}\s+|(?i:in|since|of|from|to|and)\s+)'(?P<yy>\d\d)(?![\d\w'])",
        h_short_year,
        "'",
    ),
    (
        "the",
        rf"(?i:the\s+(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|final)"
        rf"\s+week\s+of)\s+{MONTH_ANY}(?:(?:\s*[,，]\s*|\s+){YEAR})?",
        h_week_of_month,
        "week",
    ),
    (
        "MON",
        rf"{MONTH_ANY}\s*[-–—]\s*{MONTH_ANY.replace('<mon>', '<mon2>')}"
        rf"(?:(?:\s*[,，]\s*|\s+){YEAR})?",
        h_month_span,
        _MONTH_WORDS,
    ),
    (
        "the",
        rf"(?i:the\s+first)\s+{NUM}\s+(?i:months)(?:\s+(?i:of)\s+{YEAR})?",
        h_first_months,
        "months",
    ),
    (
        "MON " + " ".join(WEEKDAYS),
        rf"(?:{WEEKDAY_RE},?\s+)?{MONTH_ANY}\s*{DAY}(?:\s*(?:[-–]|to|and)\s*{DAY2})?"
        rf"(?:(?:\s*[,，]\s*|\s+){YEAR})?",
        h_month_day,
        _MONTH_WORDS,
    ),
    (
        "#s the " + " ".join(WEEKDAYS),
        rf"(?:{WEEKDAY_RE},?\s+)?(?:(?i:the){_S})?{DAY}(?:\s*[-–]\s*{DAY2})?{_S}"
        rf"(?:(?i:of){_S})?{MONTH_ANY}(?:(?:\s*[,，]\s*|\s+){YEAR})?",
        h_month_day,
        _MONTH_WORDS,
    ),
    (
        "MON",
        rf"{MONTH_ANY}(?:\s*[,，]\s*|\s+)(?:(?i:of){_S})?{YEAR}",
        h_month_year,
        _MONTH_WORDS,
    ),
    (
        "MON last next this coming past",
        rf"(?:(?P<rel>(?i:last|next|this\s+coming|this|coming|past)){_S})?{MONTH_FULL}"
        rf"(?:{_S}(?:(?i:of){_S})?(?P<rel2>(?i:this|last|next)){_S}(?i:year))?",
        h_month,
        _MONTH_WORDS,
    ),
    (
        "the early mid middle late beginning start end",
        rf"(?:(?i:the){_S})?(?P<part>(?i:early|mid|middle|late|(?:the\s+)?"
        rf"(?:beginning|start|end|middle)\s+of))[\s-]+{MONTH_ANY}"
        rf"(?:(?:\s*[,，]\s*|\s+){YEAR}|{_S}{REL_YEAR})?",
        h_part_month,
        _MONTH_WORDS,
    ),
    (
        "the early mid middle late beginning start end earlier later",
        rf"(?:(?i:the){_S})?(?P<part>(?i:early|mid|middle|late|earlier|later"
        rf"|(?:the\s+)?(?:beginning|start|end|middle)\s+of))[\s-]+"
        rf"(?:(?i:(?:the\s+)?year){_S})?(?:{YEAR}|{REL_YEAR})",
        h_part_year,
        "early earlier mid middle late later beginning start end",
    ),
    (
        "year the",
        r"(?i:(?:the\s+)?year[\s-]end)",
        h_year_end,
        "year",
    ),
    (
        "the first second 1st 2nd latter last",
        rf"(?:(?i:the){_S})?(?P<ord>(?i:first|second|1st|2nd|latter)){_S}(?i:half)"
        rf"(?:{_S}\([12]?[Hh][12]?\))?(?:{_S}(?:(?i:of){_S})?(?:(?i:fiscal){_S})?(?:{YEAR}|{REL_YEAR}))?",
        h_half,
        "first second latter st nd",
    ),
    (
        "H h",
        rf"[Hh](?P<h>[12])\s*(?:(?i:of){_S})?{YEAR}",
        h_half,
        "h",
    ),
    (
        "the first second third fourth final last 1st 2nd 3rd 4th",
        rf"(?:(?i:the){_S})?(?P<ord>(?i:first|second|third|fourth|final|last|1st|2nd"
        rf"|3rd|4th))[\s-]+(?:(?i:fiscal|calendar){_S})?(?i:quarter)(?![A-Za-z])"
        rf"(?:{_S}\([1-4]?[Qq][1-4]?\))?(?:{_S}(?:(?i:of){_S})?(?:(?i:fiscal){_S})?(?:{YEAR}|{REL_YEAR}))?",
        h_quarter,
        "quarter",
    ),
    (
        "Q q",
        rf"[Qq](?P<q>[1-4])(?:\s*(?:(?i:of){_S})?(?:{YEAR}|'?(?P<yy>\d\d)(?!\d)))?"
        r"(?![\w])",
        h_quarter,
        "q",
    ),
    (
        "#y",
        rf"{YEAR}\s*[Qq](?P<q>[1-4])(?!\w)",
        h_quarter,
        "q",
    ),
    (
        "spring summer autumn fall winter this last next early late the",
        rf"(?:(?P<srel>(?i:this|last|next|early|late|the)){_S})?"
        rf"(?P<s>(?i:spring|summer|autumn|fall|winter))(?![A-Za-z])"
        rf"(?:{_S}(?:(?i:of){_S})?{YEAR}|{_S}{REL_YEAR})?",
        h_season,
        "spring summer autumn fall winter",
    ),
    (
        "#y from between the",
        rf"(?:(?P<pre>(?i:from|between)){_S}|(?P<the>(?i:the)){_S})?"
        rf"(?P<y1>(?:19|20)\d\d)\s*(?P<sep>[-–—/]|(?i:to|through|until|and))\s*"
        r"(?P<y2>(?:19|20)\d\d|\d\d)(?![\d%])(?P<per>\s+(?i:period))?",
        h_year_range,
        "",
    ),
    (
        "#y",
        r"(?<![\d./-])(?P<year>(?:19|20)\d\d)(?P<sep>[-/.])"
        r"(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d]|[-/.]\d)",
        h_iso_date,
        "",
    ),
    (
        "#y",
        r"(?<![\d./-])(?P<year>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])(?![\d]|-\d)",
        h_iso_month,
        "",
    ),
    (
        "#s",
        r"(?<![\d/.,-])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)"
        r"(?P<y>(?:19|20)\d\d|\d\d)(?![\d/]|\.\d)",
        h_numeric_date,
        "",
    ),
    (
        "#y #s 'd the early mid late",
        rf"(?:(?P<the>(?i:the)){_S})?(?:(?P<part>(?i:early|mid|late))[\s-]+)?"
        r"(?:(?P<dec>(?:1[0-9]|20)\d0)|'(?P<d2>\d0)|(?P<d3>[2-9]0))'?s(?![A-Za-z])",
        h_decade,
        "s",
    ),
    (
        "#y the year fiscal fy",
        r"(?:(?P<pre>(?i:the\s+year|year|fiscal(?:\s+year)?|FY))\s*)?"
        r"(?<![\d.,])(?P<year>(?:19|20)\d\d)(?![\d%]|,\d|[A-Za-z])(?:'s)?",
        h_year,
        "",
    ),
    (
        "earlier later today tonight yesterday tomorrow the",
        r"(?i:(?:(?:earlier|later)\s+)?(?P<w>today|tonight|yesterday|tomorrow)"
        r"|the\s+day\s+(?P<ba>before\s+yesterday|after\s+tomorrow))(?![A-Za-z])",
        h_rel_day,
        "today tonight yesterday tomorrow",
    ),
    (
        "this yesterday tomorrow last",
        r"(?i:this\s+(?P<p>morning|afternoon|evening)|(?P<w>yesterday|tomorrow)\s+"
        r"(?P<p2>morning|afternoon|evening|night)|(?P<last>last)\s+night)(?![A-Za-z])",
        h_part_of_day,
        "morning afternoon evening night",
    ),
    (
        " ".join(WEEKDAYS) + " last next this coming past",
        rf"(?:(?P<rel>(?i:last|next|this\s+coming|this|coming|past)){_S})?{WEEKDAY_RE}"
        r"(?:\s+(?P<p>(?i:morning|afternoon|evening|night)))?(?![A-Za-z])",
        h_weekday,
        " ".join(WEEKDAYS),
    ),
    (
        "this last next past previous coming current the",
        r"(?i:(?P<the>the\s+)?(?P<rel>this|last|next|past|previous|coming|current"
        r"|same)\s+(?P<unit>weekend|week|month|year|quarter|decade|century))"
        r"(?![A-Za-z])",
        h_rel_unit,
        "weekend week month year quarter decade century",
    ),
    (
        "the",
        r"(?i:(?P<the>the\s+)(?P<rel>)(?P<unit>weekend))(?![A-Za-z])",
        h_rel_unit,
        "weekend",
    ),
    (
        "the that",
        r"(?i:(?:the|that)\s+(?:(?P<rel>same|following|next|previous|prior)\s+)?day)"
        r"(?![A-Za-z-])(?!\s+(?i:before|after|of|when|that|in\s+which|on\s+which)\b)",
        h_anaphoric_day,
        "day",
    ),
    (
        "NUM",
        rf"{NUM}[\s-]+{UNIT}{_S}(?P<dir>(?i:ago|from\s+now|hence))(?![A-Za-z])",
        h_ago,
        "ago now hence",
    ),
    (
        "after",
        rf"(?i:after)\s+{NUM}\s+(?P<unit>(?i:years))\s+of\s+"
        r"(?:(?i:rapid|steady|continuous|sustained)\s+)?"
        r"(?i:development|growth|construction|operations?|efforts|exploration"
        r"|expansion|building|reforms?|cooperation|hard\s+work)(?![A-Za-z])",
        h_after_n,
        "years",
    ),
    (
        "the",
        rf"(?i:the)\s+(?P<dir>(?i:past|last|previous|next|coming|following|first))"
        rf"\s+(?:{NUM}\s+)?{UNIT}",
        h_past_n,
        _UNIT_WORDS,
    ),
    (
        "NUM about around almost nearly approximately over more less at some roughly "
        "up just",
        rf"(?:(?P<mod>(?i:about|around|almost|nearly|approximately|over|more\s+than"
        rf"|less\s+than|at\s+least|some|roughly|up\s+to|just\s+over|just\s+under))"
        rf"\s+)?{NUM}(?P<half>\s+(?i:and\s+a\s+half))?[\s-]+{UNIT}",
        h_duration,
        _UNIT_WORDS,
    ),
    (
        "per each every annual annually yearly monthly weekly daily quarterly hourly",
        r"(?:(?i:per|each|every)\s+(?P<unit>(?i:year|month|week|day|quarter))"
        r"|(?P<adj>[Aa]nnual(?:ly)?|[Yy]early|[Mm]onthly|[Ww]eekly|daily|[Qq]uarterly"
        r"|[Hh]ourly))(?![A-Za-z])",
        h_set,
        "per each every annual annually yearly monthly weekly daily quarterly hourly",
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
        "now currently present presently nowadays days moment day being date recently"
        " years months recent lately past future soon term",
    ),
    (
        "#s",
        r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?::[0-5]\d)?"
        r"(?:\s*(?P<ap>(?i:a\.m\.|p\.m\.|am|pm)(?![A-Za-z])))?"
        r"(?:\s*(?P<tz>UTC|GMT|CST|EST|PST|BST|CET))?(?![\d:])",
        h_time,
        ":",
    ),
    (
        "#s",
        r"(?<![\d:.,])(?P<h>1[0-2]|0?[1-9])\s*(?P<ap>(?i:a\.m\.|p\.m\.)|am(?!\w)|pm(?!\w))"
        r"(?:\s*(?P<tz>UTC|GMT))?",
        h_time,
        "am pm m",
    ),
    (
        "#y #o",
        r"(?<![\d:.,])(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s*(?P<tz>UTC|GMT)",
        h_time,
        "",
    ),
]
