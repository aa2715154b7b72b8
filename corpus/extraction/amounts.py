"""Find sums of money in English and Chinese news text ("250 billion yuan",
"US$30 million", "超450亿美元") as exact Decimal values in base currency units."""

from __future__ import annotations

import dataclasses
import decimal
import re
from dataclasses import dataclass
from decimal import Decimal

import cn2an

from corpus.extraction.amounts_lexicon import (
    CN_ANCHORS,
    CN_APPROX_RE,
    CN_CURRENCIES,
    CN_DIGITS,
    CN_NUMERALS,
    CN_RE,
    CN_UNITS,
    CODES,
    EN_ANCHOR_RE,
    EN_APPROX_RE,
    EN_LEAD_RE,
    EN_NUMBER_RE,
    EN_RE,
    FROM_RE,
    LEAD_WORDS,
    PREFIXES,
    QUALIFIER_WORDS,
    SCALES,
    SUFFIXES,
)
from corpus.extraction.prechecks import char_positions, has_case_traps
from corpus.extraction.timex_common import halfwidth

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


# How far before a number a lead, and before an amount a qualifier, may
# start; how far before a Chinese currency character its number may start.
_LEAD_WINDOW = 16
_QUALIFIER_WINDOW = 24
_CN_WINDOW = 40
_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = frozenset("0123456789")
_SPACES_RE = re.compile(r"\s+")


# Amounts are exact: a context wide enough for the longest accepted number
# times 万亿 never rounds (the default 28 digits could).
_MAX_NUMBER_CHARS = 24
_CONTEXT = decimal.Context(prec=64, traps=[decimal.Inexact, decimal.InvalidOperation])


def _decimal(number: str) -> Decimal:
    if number[0] in CN_DIGITS or number[0] in CN_UNITS:
        return Decimal(_cn_numeral(number))
    return Decimal(number.replace(",", ""))


def _cn_numeral(s: str) -> int:
    """Value of a Chinese numeral such as 三千万 or 一亿五千万 (cn2an); a unit
    alone (万) is one of it."""
    if s[0] in CN_UNITS and s[0] != "十":
        s = "一" + s
    return int(cn2an.cn2an(s, "smart"))


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
        scale *= CN_UNITS[ch]
    return scale


def _en_currency(m: re.Match[str]) -> str:
    for group in ("pre1", "pre2"):
        if m[group]:
            sign = _SPACES_RE.sub("", m[group]).lower()
            return PREFIXES.get(sign) or sign.upper()
    if m["suf"]:
        word = _SPACES_RE.sub(" ", m["suf"]).lower().rstrip("s")
        return word.upper() if word.upper() in CODES else SUFFIXES.get(word, "")
    return ""


def _from_en(text: str, m: re.Match[str]) -> tuple[list[Amount], int]:
    """Amounts in one match and where scanning resumes."""
    # Most numbers have neither a currency sign nor a currency word.
    currency = _en_currency(m) if any(m.group("pre1", "pre2", "suf")) else ""
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
    if m["join"] == "to" and FROM_RE.search(text, max(0, m.start() - 8), m.start()):
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
    return SCALES[word.lower()] if word else Decimal(1)


def _last_word(stripped: str) -> str:
    """The run of ASCII letters `stripped` ends with, lowercased."""
    # str.rstrip strips the run in a C loop.
    return stripped[len(stripped.rstrip(_ASCII_LETTERS)) :].lower()


def _may_lead(before: str) -> bool:
    """Whether `before` (the text up to a number) can end in a lead."""
    stripped = before.rstrip()
    return stripped[-4:].lower() == "u.s." or _last_word(stripped) in LEAD_WORDS


def _may_qualify(before: str) -> bool:
    """Whether `before` (the text up to an amount) can end in an English
    qualifier: its last word (after the one it needs, if any) then white
    space, or "~"."""
    stripped = before.rstrip()
    if stripped.endswith(("~", ".")):
        return True  # "~5", "approx. 5", "c. 5"
    word = _last_word(stripped)
    if len(stripped) == len(before) or word not in QUALIFIER_WORDS:
        return False
    needed = QUALIFIER_WORDS[word]
    if not needed:
        return True
    rest = stripped[: len(stripped) - len(word)]
    return rest[-1:].isspace() and _last_word(rest.rstrip()) in needed


def _scan_en(text: str) -> list[Amount]:
    out: list[Amount] = []
    pos = 0
    # Lowercased letters may miss what the case-insensitive lead matches.
    traps = has_case_traps(text)
    for anchor in EN_ANCHOR_RE.finditer(text):
        at = anchor.start()
        if at < pos:
            continue  # inside an amount already read
        lead_from = max(pos, at - _LEAD_WINDOW)
        m = None
        if traps or _may_lead(text[lead_from:at]):
            lead = EN_LEAD_RE.search(text, lead_from, at)
            if lead and lead.start() < at:
                m = EN_RE.match(text, lead.start())
        m = m or (EN_NUMBER_RE if text[at] in _DIGITS else EN_RE).match(text, at)
        if m is not None:
            amounts, pos = _from_en(text, m)
            out.extend(amounts)
    return out


def _scan_cn(text: str) -> list[Amount]:
    out: list[Amount] = []
    pos = 0
    for at in char_positions(text, CN_ANCHORS):
        if at < pos:
            continue  # "元人民币": the 币 belongs to the amount just read
        start = max(pos, at - _CN_WINDOW)
        while start > pos and text[start - 1] in CN_NUMERALS:
            start -= 1  # never begin inside a long numeral
        # "元人民币" reaches 3 characters past the anchor.
        end = min(len(text), at + 4)
        while (m := CN_RE.search(text, start, end)) is not None and m.end() <= at:
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
    currency = CN_CURRENCIES[m["ccur"]]
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
    # Lowercased letters may miss what the case-insensitive qualifier matches.
    english = has_case_traps(window) or _may_qualify(window)
    if cn:
        q = CN_APPROX_RE.search(window)
        if q is None and english:
            # Chinese pages mix in English qualifiers less often than the
            # reverse, but "about 20亿元" happens in translated text.
            q = EN_APPROX_RE.search(window)
    else:
        q = EN_APPROX_RE.search(window) if english else None
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
    normal = halfwidth(text)
    found = _scan_en(normal)
    found.extend(_scan_cn(normal))
    if normal is not text:
        # The source's own words, not the normalised digits.
        found = [dataclasses.replace(a, text=text[a.start : a.end]) for a in found]
    found.sort(key=lambda a: (a.start, -a.end))
    result: list[Amount] = []
    for amount in found:
        if result and amount.start < result[-1].end:
            continue  # the earlier, longer reading already covers it
        result.append(amount)
    return result
