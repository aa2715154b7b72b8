"""The vocabulary of amounts: currency signs, codes and words, number scales and
Chinese numerals, and the patterns built from them."""

from __future__ import annotations

import re
from decimal import Decimal

# "¥" is read as yuan, not yen: the corpus is about China, where ¥ prices
# renminbi; Japanese amounts are recognised by "yen", "JPY" or "日元".
PREFIXES = {
    "us$": "USD",
    "u.s.$": "USD",
    "hk$": "HKD",
    "nt$": "TWD",
    "s$": "SGD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "nz$": "NZD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",
    "￥": "CNY",
    "₩": "KRW",
    "₹": "INR",
    "rmb": "CNY",
}
CODES = ("CNY", "USD", "EUR", "GBP", "JPY", "HKD", "CHF", "SGD", "AUD", "CAD")
CODES += ("KRW", "INR", "TWD", "NZD")
SUFFIXES = {
    "yuan": "CNY",
    "renminbi": "CNY",
    "rmb": "CNY",
    "dollar": "USD",
    "euro": "EUR",
    "sterling": "GBP",
    "yen": "JPY",
    "won": "KRW",
    "hong kong dollar": "HKD",
    "hk dollar": "HKD",
    "singapore dollar": "SGD",
    "australian dollar": "AUD",
    "canadian dollar": "CAD",
    "new taiwan dollar": "TWD",
    "swiss franc": "CHF",
    "rupee": "INR",
    "us dollar": "USD",
    "u.s. dollar": "USD",
    "american dollar": "USD",
    "yuan renminbi": "CNY",
    "pounds sterling": "GBP",
}
CN_CURRENCIES = {
    "元": "CNY",
    "人民币": "CNY",
    "元人民币": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "港元": "HKD",
    "港币": "HKD",
    "韩元": "KRW",
}
SCALES = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "bln": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "trn": Decimal(10) ** 12,
}
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}

_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"
_PREFIX = (
    r"(?:(?<![A-Za-z])(?:US|U\.S\.|HK|NT|AU|CA|NZ|S|A|C)?\$|€|£|¥|￥|₩|₹"
    rf"|(?<![A-Za-z])(?:RMB|{'|'.join(CODES)})(?![A-Za-z]))"
)
_SCALE = r"(?:thousand|million|billion|trillion|mln|mn|bln|bn|trn|tn|m|k|b)(?![A-Za-z])"
_SUFFIX = (
    r"(?:(?:US|U\.S\.|American)\s+dollars?|(?:Hong\s+Kong|HK)\s+dollars?"
    r"|(?:Singapore|Australian|Canadian|New\s+Taiwan)\s+dollars?|Swiss\s+francs?"
    r"|yuan(?:\s+renminbi)?|renminbi|dollars?|euros?|(?:pounds\s+)?sterling|yen|won"
    rf"|rupees?|RMB|{'|'.join(CODES)})(?![A-Za-z])"
)


def _side(n: int, prefix: str = _PREFIX) -> str:
    return (
        rf"(?:(?P<pre{n}>{prefix})\s?)?(?P<num{n}>{_NUMBER})"
        rf"(?:[ \t\u00a0]?(?P<scale{n}>{_SCALE}))?"
    )


def _en_pattern(between: str, prefix: str) -> re.Pattern[str]:
    # One side, an optional second side for ranges ("$1-2 billion"; "and" only
    # after "between"), then an optional currency word.
    return re.compile(
        rf"(?P<between>{between})?"
        + _side(1, prefix)
        + r"(?:(?(between)\s+and\s+|[ \t]*(?P<join>-|–|—|~|to(?=\s))[ \t]*)"
        + _side(2)
        + r")?"
        + rf"(?:[ \t\u00a0]+(?P<suf>{_SUFFIX}))?",
        re.I,
    )


EN_RE = _en_pattern(r"\bbetween\s+", _PREFIX)
# The same where a number starts the match: neither "between" nor a sign can
# match there, so they never match here, sparing every plain number their
# alternatives (the groups stay for the code that reads them).
EN_NUMBER_RE = _en_pattern("(?!)", "(?!)")
_CN_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+"
_CN_CURRENCY = "|".join(sorted(CN_CURRENCIES, key=len, reverse=True))


# English amounts contain a currency sign or a number: the full pattern is
# tried only where one starts, which is many times faster than a plain scan.
EN_ANCHOR_RE = re.compile(r"[$€£¥￥₩₹0-9][0-9.,]*")
# What may stand right before an anchor and still belong to the amount.
EN_LEAD_RE = re.compile(
    r"(?:\bbetween\s+)?(?:(?<![A-Za-z])(?:US|U\.S\.|HK|NT|AU|CA|NZ|S|A|C|RMB"
    rf"|{'|'.join(CODES)})\s?)?\Z",
    re.I,
)
# A lead is "between" or a currency code, each a whole run of letters, or
# "U.S.", then white space: the letters before white space tell whether the
# lead pattern, the costliest step per number, is worth a search.
LEAD_WORDS = frozenset(
    ["between", "us", "hk", "nt", "au", "ca", "nz", "s", "a", "c", "rmb"]
    + [code.lower() for code in CODES]
)


def _cn_side(n: int) -> str:
    return (
        rf"(?P<cnum{n}>{_CN_NUM})(?P<more{n}>[多余])?"
        rf"(?P<cscale{n}>[十百千万亿]{{0,3}})(?P<more{n}b>[多余])?"
    )


# Starts on the number so the regex engine can skip ahead by character class;
# a leading "人民币" is picked up afterwards, like the qualifiers.
CN_RE = re.compile(
    _cn_side(1)
    + r"(?:\s*(?:至|到|-|–|—|~|～)\s*"
    + _cn_side(2)
    + rf")?(?P<ccur>{_CN_CURRENCY})"
)
# Qualifiers are matched backwards from an amount's start, so the main scans
# stay anchored on numbers and currency signs.
EN_APPROX_RE = re.compile(
    r"(?:\b(?:more\s+than|less\s+than|fewer\s+than|over|about|around|approximately"
    r"|approx\.|nearly|almost|roughly|some|up\s+to|close\s+to|as\s+much\s+as"
    r"|in\s+excess\s+of|upwards\s+of|at\s+least|an\s+estimated|estimated|under"
    r"|below|circa|c\.)\s+|~\s*)$",
    re.I,
)
CN_APPROX_RE = re.compile(
    r"(?:超过|超|大约|约合|约|将近|接近|近|逾|多达|高达|不到|不足)$"
)
# The last word of each English qualifier above, with the words that must
# come right before it when it is not one on its own ("up to", "at least").
QUALIFIER_WORDS: dict[str, frozenset[str]] = {
    "than": frozenset(("more", "less", "fewer")),
    "to": frozenset(("up", "close")),
    "as": frozenset(("much",)),
    "of": frozenset(("excess", "upwards")),
    "least": frozenset(("at",)),
    **dict.fromkeys(
        (
            "over", "about", "around", "approximately", "nearly", "almost",
            "roughly", "some", "estimated", "under", "below", "circa",
        ),
        frozenset(),
    ),
}  # fmt: skip
FROM_RE = re.compile(r"\bfrom\s+$", re.I)
# Every Chinese currency word contains one of these characters. They are rare,
# so the Chinese pattern is only tried in a short window before each one;
# scanning from every numeral (一 is everywhere) would cost far more.
CN_ANCHORS = "元币金镑"
CN_NUMERALS = frozenset("0123456789.,零〇一二两三四五六七八九十百千万亿")
