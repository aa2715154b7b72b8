"""Find sums of money in English and Chinese news text ("250 billion yuan",
"US$30 million", "超450亿美元") as exact Decimal values in base currency units."""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Amount", "extract_amounts"]


@dataclass(frozen=True, slots=True)
class Amount:
    start: int
    end: int
    text: str  # the source's own words: source[start:end] == text
    value: Decimal  # base units: 250 billion yuan -> Decimal("250000000000")
    currency: str  # ISO 4217
    approximate: bool  # "over", "about", "约", "超", "20多亿", ...
    upper: Decimal | None = None  # high end of a range; value is the low end


# "¥" is read as yuan, not yen: the corpus is about China, where ¥ prices
# renminbi; Japanese amounts are recognised by "yen", "JPY" or "日元".
_PREFIXES = {
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
_CODES = ("CNY", "USD", "EUR", "GBP", "JPY", "HKD", "CHF", "SGD", "AUD", "CAD")
_CODES += ("KRW", "INR", "TWD", "NZD")
_SUFFIXES = {
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
_CN_CURRENCIES = {
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
_SCALES = {
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
_CN_DIGITS = {
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
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}

_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"
_PREFIX = (
    r"(?:(?<![A-Za-z])(?:US|U\.S\.|HK|NT|AU|CA|NZ|S|A|C)?\$|€|£|¥|￥|₩|₹"
    rf"|(?<![A-Za-z])(?:RMB|{'|'.join(_CODES)})(?![A-Za-z]))"
)
_SCALE = r"(?:thousand|million|billion|trillion|mln|mn|bln|bn|trn|tn|m|k|b)(?![A-Za-z])"
_SUFFIX = (
    r"(?:(?:US|U\.S\.|American)\s+dollars?|(?:Hong\s+Kong|HK)\s+dollars?"
    r"|(?:Singapore|Australian|Canadian|New\s+Taiwan)\s+dollars?|Swiss\s+francs?"
    r"|yuan(?:\s+renminbi)?|renminbi|dollars?|euros?|(?:pounds\s+)?sterling|yen|won"
    rf"|rupees?|RMB|{'|'.join(_CODES)})(?![A-Za-z])"
)


def _side(n: int) -> str:
    return (
        rf"(?:(?P<pre{n}>{_PREFIX})\s?)?(?P<num{n}>{_NUMBER})"
        rf"(?:[ \t\u00a0]?(?P<scale{n}>{_SCALE}))?"
    )


# One side, an optional second side for ranges ("$1-2 billion"; "and" only
# after "between"), then an optional currency word.
_EN_RE = re.compile(
    r"(?P<between>\bbetween\s+)?"
    + _side(1)
    + r"(?:(?(between)\s+and\s+|[ \t]*(?P<join>-|–|—|~|to(?=\s))[ \t]*)"
    + _side(2)
    + r")?"
    + rf"(?:[ \t\u00a0]+(?P<suf>{_SUFFIX}))?",
    re.I,
)
_CN_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+"
_CN_CURRENCY = "|".join(sorted(_CN_CURRENCIES, key=len, reverse=True))


# English amounts contain a currency sign or a number: the full pattern is
# tried only where one starts, which is many times faster than a plain scan.
_EN_ANCHOR_RE = re.compile(r"[$€£¥￥₩₹0-9][0-9.,]*")
# What may stand right before an anchor and still belong to the amount.
_EN_LEAD_RE = re.compile(
    r"(?:\bbetween\s+)?(?:(?<![A-Za-z])(?:US|U\.S\.|HK|NT|AU|CA|NZ|S|A|C|RMB"
    rf"|{'|'.join(_CODES)})\s?)?\Z",
    re.I,
)
_LEAD_WINDOW = 16


def _cn_side(n: int) -> str:
    return (
        rf"(?P<cnum{n}>{_CN_NUM})(?P<more{n}>[多余])?"
        rf"(?P<cscale{n}>[十百千万亿]{{0,3}})(?P<more{n}b>[多余])?"
    )


# Starts on the number so the regex engine can skip ahead by character class;
# a leading "人民币" is picked up afterwards, like the qualifiers.
_CN_RE = re.compile(
    _cn_side(1)
    + r"(?:\s*(?:至|到|-|–|—|~|～)\s*"
    + _cn_side(2)
    + rf")?(?P<ccur>{_CN_CURRENCY})"
)
# Qualifiers are matched backwards from an amount's start, so the main scans
# stay anchored on numbers and currency signs.
_EN_APPROX_RE = re.compile(
    r"(?:\b(?:more\s+than|less\s+than|fewer\s+than|over|about|around|approximately"
    r"|approx\.|nearly|almost|roughly|some|up\s+to|close\s+to|as\s+much\s+as"
    r"|in\s+excess\s+of|upwards\s+of|at\s+least|an\s+estimated|estimated|under"
    r"|below|circa|c\.)\s+|~\s*)$",
    re.I,
)
_CN_APPROX_RE = re.compile(
    r"(?:超过|超|大约|约合|约|将近|接近|近|逾|多达|高达|不到|不足)$"
)
_SPACES_RE = re.compile(r"\s+")
_FROM_RE = re.compile(r"\bfrom\s+$", re.I)
_QUALIFIER_WINDOW = 24
# Every Chinese currency word contains one of these characters. They are rare,
# so the Chinese pattern is only tried in a short window before each one;
# scanning from every numeral (一 is everywhere) would cost far more.
_CN_ANCHOR_RE = re.compile(r"[元币金镑]")
_CN_WINDOW = 40
_CN_NUMERALS = frozenset("0123456789.,零〇一二两三四五六七八九十百千万亿")


# Amounts are exact: a context wide enough for the longest accepted number
# times 万亿 never rounds (the default 28 digits could).
_MAX_NUMBER_CHARS = 24
_CONTEXT = decimal.Context(prec=64, traps=[decimal.Inexact, decimal.InvalidOperation])


def _decimal(number: str) -> Decimal:
    if number[0] in _CN_DIGITS or number[0] in _CN_UNITS:
        return Decimal(_cn_numeral(number))
    return Decimal(number.replace(",", ""))


def _cn_numeral(s: str) -> int:
    """Value of a Chinese numeral such as 三千万 or 一亿五千万."""
    above_yi = above_wan = below_wan = digit = 0
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "万":
            above_wan += (below_wan + digit or 1) * 10**4
            below_wan = digit = 0
        elif ch == "亿":
            # 万亿 arrives here with the 万 part already scaled.
            above_yi += (above_wan + below_wan + digit or 1) * 10**8
            above_wan = below_wan = digit = 0
        else:
            below_wan += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return above_yi + above_wan + below_wan + digit


def _scaled(number: Decimal, scale: Decimal) -> Decimal:
    value = _CONTEXT.multiply(number, scale)
    # Whole amounts read best without a trailing ".0" ("1200000000", not
    # "1200000000.0"); fractional ones keep only their significant digits.
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=_CONTEXT)
    return value.normalize(context=_CONTEXT)


def _cn_scale(units: str) -> Decimal:
    scale = Decimal(1)
    for ch in units:
        scale *= _CN_UNITS[ch]
    return scale


def _en_currency(m: re.Match[str]) -> str:
    for group in ("pre1", "pre2"):
        if m[group]:
            sign = _SPACES_RE.sub("", m[group]).lower()
            return _PREFIXES.get(sign) or sign.upper()
    if m["suf"]:
        word = _SPACES_RE.sub(" ", m["suf"]).lower().rstrip("s")
        return word.upper() if word.upper() in _CODES else _SUFFIXES.get(word, "")
    return ""


def _from_en(text: str, m: re.Match[str]) -> tuple[list[Amount], int]:
    """Amounts in one match and where scanning resumes."""
    currency = _en_currency(m)
    if not currency:
        # A bare number ("1,800 surgeries", "2023", "6G") is no sum; a failed
        # range ("in 2023 to $5 billion") may still hide one in its second half.
        return [], _side2_start(m) if m["num2"] else m.end()
    if any(len(n or "") > _MAX_NUMBER_CHARS for n in (m["num1"], m["num2"])):
        return [], m.end()  # a serial number or a hash, not money
    if m["suf"] and m["suf"].lower() == "won" and not (m["scale1"] or m["scale2"]):
        return [], m.end()  # "3 won" is usually the verb
    if not m["num2"]:
        value = _scaled(_decimal(m["num1"]), _scale(m["scale1"]))
        amount = _make(text, m.start(), m.end(), value, currency, None, cn=False)
        return [amount], m.end()
    side1_end = m.end("scale1") if m["scale1"] else m.end("num1")
    if m["join"] == "to" and _FROM_RE.search(text, max(0, m.start() - 8), m.start()):
        # "from $1 billion to $2 billion" is a change, not a range: emit the
        # first figure alone and let the scan pick up the second.
        value = _scaled(_decimal(m["num1"]), _scale(m["scale1"] or m["scale2"]))
        first = _make(text, m.start(), side1_end, value, currency, None, cn=False)
        return [first], _side2_start(m)
    value = _scaled(_decimal(m["num1"]), _scale(m["scale1"] or m["scale2"]))
    upper = _scaled(_decimal(m["num2"]), _scale(m["scale2"]))
    if upper <= value:
        return [], _side2_start(m)  # "2-1" is a score or a list, not a range
    return [_make(text, m.start(), m.end(), value, currency, upper, cn=False)], m.end()


def _side2_start(m: re.Match[str]) -> int:
    return m.start("pre2") if m["pre2"] else m.start("num2")


def _scale(word: str | None) -> Decimal:
    return _SCALES[word.lower()] if word else Decimal(1)


def _scan_en(text: str) -> list[Amount]:
    out: list[Amount] = []
    pos = 0
    for anchor in _EN_ANCHOR_RE.finditer(text):
        at = anchor.start()
        if at < pos:
            continue  # inside an amount already read
        lead = _EN_LEAD_RE.search(text, max(pos, at - _LEAD_WINDOW), at)
        m = _EN_RE.match(text, lead.start()) if lead and lead.start() < at else None
        m = m or _EN_RE.match(text, at)
        if m is not None:
            amounts, pos = _from_en(text, m)
            out.extend(amounts)
    return out


def _scan_cn(text: str) -> list[Amount]:
    out: list[Amount] = []
    pos = 0
    for anchor in _CN_ANCHOR_RE.finditer(text):
        at = anchor.start()
        if at < pos:
            continue  # "元人民币": the 币 belongs to the amount just read
        start = max(pos, at - _CN_WINDOW)
        while start > pos and text[start - 1] in _CN_NUMERALS:
            start -= 1  # never begin inside a long numeral
        # "元人民币" reaches 3 characters past the anchor.
        end = min(len(text), at + 4)
        while (m := _CN_RE.search(text, start, end)) is not None and m.end() <= at:
            start = m.end()
        if m is not None and m.start() <= at:
            amount = _from_cn(text, m)
            if amount is not None:
                out.append(amount)
            pos = m.end()
    return out


def _from_cn(text: str, m: re.Match[str]) -> Amount | None:
    num1, num2 = m["cnum1"], m["cnum2"]
    for num in (num1, num2):
        if num and len(num) > _MAX_NUMBER_CHARS:
            return None  # a serial number or a hash, not money
        if num and not num.strip("万亿"):
            return None  # "万元" alone is a unit ("per 10,000 yuan"), not a sum
    scale1_units = m["cscale1"] or (m["cscale2"] if num2 else "")
    value = _scaled(_decimal(num1), _cn_scale(scale1_units))
    upper = _scaled(_decimal(num2), _cn_scale(m["cscale2"])) if num2 else None
    if upper is not None and upper < value:
        return None
    more = any(m[g] for g in ("more1", "more1b", "more2", "more2b"))
    currency = _CN_CURRENCIES[m["ccur"]]
    start = m.start()
    if text.endswith("人民币", 0, start):
        start -= 3
    return _make(text, start, m.end(), value, currency, upper, cn=True, more=more)


def _make(
    text: str,
    start: int,
    end: int,
    value: Decimal,
    currency: str,
    upper: Decimal | None,
    *,
    cn: bool,
    more: bool = False,
) -> Amount:
    window = text[max(0, start - _QUALIFIER_WINDOW) : start]
    q = (_CN_APPROX_RE if cn else _EN_APPROX_RE).search(window)
    if q is None and cn:
        # Chinese pages mix in English qualifiers less often than the reverse,
        # but "about 20亿元" happens in translated text.
        q = _EN_APPROX_RE.search(window)
    if q is not None:
        start -= len(q[0])
    return Amount(
        start=start,
        end=end,
        text=text[start:end],
        value=value,
        currency=currency,
        approximate=q is not None or more,
        upper=upper,
    )


def extract_amounts(text: str) -> list[Amount]:
    """Every sum of money in ``text`` with its currency, sorted by position and
    non-overlapping; numbers without a currency are not amounts."""
    found = _scan_en(text)
    found.extend(_scan_cn(text))
    found.sort(key=lambda a: (a.start, -a.end))
    result: list[Amount] = []
    for amount in found:
        if result and amount.start < result[-1].end:
            continue  # the earlier, longer reading already covers it
        result.append(amount)
    return result
