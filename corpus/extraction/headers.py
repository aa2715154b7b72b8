"""Read title, publisher, author, publication date and language from the messy top
(and tail) of a news page saved as plain text, plus a parser for user-given dates."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = ["DocumentHeader", "parse_date_string", "parse_header"]

# Only the top and bottom of a page carry metadata; bounding the scan keeps the
# parser O(1) in article length and stops body prose from posing as a header.
HEAD_LINES = 40
TAIL_LINES = 30
# Metadata sits before the article; after a few prose paragraphs we are in it.
MAX_BODY_PARAGRAPHS_IN_HEAD = 3
TITLE_MAX_CHARS = 120
# Language is a majority vote, so a prefix of the body is as good as all of it.
LANGUAGE_SAMPLE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    title: str
    publisher: str  # "" when the page does not say
    author: str  # "" when the page does not say
    published_on: datetime.date | None
    language: str  # BCP 47 primary tag from the body's majority script
    # Why published_on is a guess, for the editor ("" when the page prints it
    # in full or gives none).
    date_note: str = ""


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
    r"|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b"
)
_DATE_PATTERNS = {
    "cn": r"(?P<cn_y>\d{4})\s*年\s*(?P<cn_m>\d{1,2})\s*月\s*(?P<cn_d>\d{1,2})\s*[日号]",
    "iso": (
        r"(?<!\d)(?P<iso_y>\d{4})(?P<iso_sep>[-/.])(?P<iso_m>\d{1,2})"
        r"(?P=iso_sep)(?P<iso_d>\d{1,2})(?!\d)"
    ),
    # Slash dates are read month-first (US style) unless the first number
    # cannot be a month; dotted ones day-first (European style).
    "num": (
        r"(?<!\d)(?P<num_a>\d{1,2})(?P<num_sep>[/.])(?P<num_b>\d{1,2})"
        r"(?P=num_sep)(?P<num_y>\d{4})(?!\d)"
    ),
    "mdy": (
        rf"\b(?P<mdy_mon>{_MONTH})\.?\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
        r"(?P<mdy_y>\d{4})(?!\d)"
    ),
    "dmy": (
        rf"\b(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dmy_mon>{_MONTH})\.?,?\s+"
        r"(?P<dmy_y>\d{4})(?!\d)"
    ),
}
_DATE_RE = re.compile(
    "|".join(f"(?P<{k}>{v})" for k, v in _DATE_PATTERNS.items()), re.I
)
# Forms accepted from users: the ambiguous 01/02/2025 is refused rather than guessed.
_USER_DATE_RE = re.compile(
    "|".join(f"(?P<{k}>{v})" for k, v in _DATE_PATTERNS.items() if k != "num"), re.I
)
_TIME_RE = re.compile(
    r"(?<!\d)\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:GMT|UTC|BJT|CST|EST|EDT|PST|PDT|CET|CEST)(?:[+-]\d{1,2}(?::?\d{2})?)?)?"
    r"|\d{1,2}时\d{1,2}分"
)
# The labels a page opens its own date with ("Published on", "发布时间"),
# shared with anchors (a date-field line) and titles (a field before the first
# sentence), and the characters they start with, case doubles included.
DATE_LABELS = (
    r"(?:date[d]?|(?:published|updated|posted)(?:\s+(?:on|at))?|last\s+updated"
    r"|release\s+date|发布时间|发布日期|發布日期|發布時間|更新时间|时间|時間|日期)"
)
DATE_LABEL_FIRST = frozenset("dDpPuUlLrR发發更时時日")
_DATE_LABEL_RE = re.compile(rf"^{DATE_LABELS}\s*[:：]?\s*", re.IGNORECASE)
# Meta lines are cut into fields on the separators sites put between them.
_FIELD_SEP_RE = re.compile(r"\s*[|｜•·]\s*|\s{2,}|\u3000+|\s+[-–—]\s+")
_LABEL_SPLIT_RE = re.compile(
    r"\s+(?=(?:来源|作者|记者|责任编辑|编辑|责编)\s*[:：])"
    r"|\s+(?=(?:Source|Author|Editor|Reporter|Publisher)s?\s*:)"
)
_LABEL_RE = re.compile(
    r"^(?:(?P<by>(?:written\s+|posted\s+|reported\s+)?by)\s*[:：]?\s+"
    r"|(?P<role>authors?|reporters?|sources?|publisher|editors?|edited\s+by)\s*[:：]\s*"
    r"|(?P<cn>来源|作者|记者|责任编辑|编辑|责编|出处|文)\s*[:：/／]?\s*)"
    r"(?P<value>\S.*)$",
    re.I,
)
_AUTHOR_ROLES = frozenset(
    {"by", "author", "authors", "reporter", "reporters", "作者", "记者", "文"}
)
_PUBLISHER_ROLES = frozenset({"source", "sources", "publisher", "来源", "出处"})
_BULLET_RE = re.compile(r"^\s*(?:[•·*▪◦●■►]|[-–](?=\s))\s*")
_BOILERPLATE_RE = re.compile(
    r"^(?:home|menu|top|back\s+to\s+(?:the\s+)?top|print|e-?mail|close|log\s*in|sign\s*(?:in|up)"
    r"|register|read\s+more|more|comments?|advertisement|ad|tickets|contact(?:\s+us)?|english"
    r"|newsletter|trending|latest(?:\s+news)?|most\s+(?:read|popular)|editor'?s?\s+picks?"
    r"|(?:share|search|follow\s+us|subscribe|skip\s+to)(?:\W+\S+){0,3}"
    r"|global\s+edition.*|copyright\b.*|©.*|all\s+rights\s+reserved.*|font\s*size.*"
    r"|首页|分享.*|搜索.*|菜单|返回顶部|打印|关闭|登录|注册|更多|相关(?:新闻|阅读|文章)?"
    r"|[^\w]*\d*[^\w]*)$",
    re.I,
)
_BREADCRUMB_RE = re.compile(r"^(?:home|首页)\s*[/>»›]|(?:\s[/>»›]\s.*){2}", re.I)
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.I)
_DATELINE_RE = re.compile(
    r"^[A-Z][A-Za-z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?,?\s+"
    rf"(?:{_MONTH}\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?\s+)?"
    r"(?:\((?P<agency>[A-Z][A-Za-z&.' -]{0,38}[A-Za-z.])\)"
    r"|/(?P<wire>[A-Za-z][\w .-]{1,30})/)"
    r"\s*(?:--|—|–|-)"
)
_CN_DATELINE_RE = re.compile(
    r"^[(（【]?(?P<agency>新华社|中新社|中新网|[\u4e00-\u9fff]{2,6}(?:社|网|报))"
    r"[\u4e00-\u9fff]{0,8}(?P<cn_m>\d{1,2})月(?P<cn_d>\d{1,2})日(?:电|讯)"
)
# Wire datelines without a year: "BEIJING, Sept. 4 (Xinhua) --", "(Yicai) Sept. 23 --".
_YEARLESS_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Za-z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?,?\s+"
    rf"(?P<mon>{_MONTH})\.?\s+(?P<day>\d{{1,2}})\s+\([A-Z][A-Za-z&.' -]{{0,38}}\)"
    rf"|\([A-Z][A-Za-z&.' -]{{0,38}}\)\s*(?P<mon2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}}))"
    r"\s*(?:--|—|–)"
)
# A press-release dateline with places and a full date:
# "HONG KONG and SHANGHAI, China and FLORHAM PARK, N.J., March 14, 2023 (WIRE) --".
_WIRE_DATELINE_RE = re.compile(
    r"^[A-Z][A-Za-z.,'’ -]{0,120}?,\s+"
    rf"(?P<date>{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}})"
    r"\s*(?:\([A-Z][^)\n]{0,40}\))?\s*(?:--|—|–)"
)
# Years a text mentions, for a dateline that gives only month and day.
_CONTEXT_YEAR_RE = re.compile(r"(?<!\d)(?<!\d\.)(?:19[5-9]\d|20\d\d)(?!\d|\.\d|%)")
CONTEXT_YEAR_NOTE = (
    "day and month from the dateline; the year is the latest the text mentions"
)
NEXT_YEAR_NOTE = (
    "day and month from the dateline; the year follows the latest the text"
    " mentions, whose yearly work it reports finished"
)
# A year's round of work reported finished ("2022年…调整工作已顺利结束",
# "completed its 2022 review", "full-year 2022 results"): in a dateline of the
# first two months, that year is over and the dateline is in the next one.
_YEAR_CLOSED_RE = re.compile(
    r"(?P<zh>(?:19|20)\d\d)\s*年(?:度)?[^。；;！!\n]{0,60}?"
    r"(?:已|已经)(?:顺利|圆满|全面|基本)?(?:结束|完成|收官|落幕|闭幕|完结)"
    r"|(?:full[- ]year|fiscal(?:\s+year)?|FY)\s*(?P<en>(?:19|20)\d\d)"
    r"|(?:completed|concluded|wrapped\s+up)\s+(?:its|the|their)\s+"
    r"(?P<en2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
CLOSING_MONTHS = 2
# A page with a lone "Author" heading near the end lists the author, then often
# the publishing house, on the following lines.
_TAIL_AUTHOR_HEADING_RE = re.compile(
    r"^(?:authors?|written\s+by|about\s+the\s+authors?|作者|记者)\s*[:：]?$", re.I
)
# Login names and CMS defaults are not people: "admin" says nothing about who
# wrote the page, so it is reported as "" like a missing author.
_CMS_USERS = frozenset(
    {"admin", "administrator", "root", "webmaster", "editor", "guest", "anonymous"}
    | {"unknown", "user", "staff", "author", "管理员", "小编", "佚名"}
)
_HANDLE_RE = re.compile(r"^[a-z0-9_.@-]+$")
_AUTHOR_IN_PLACE_RE = re.compile(r"\s+in\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*$")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_PROSE_RE = re.compile(r"，|[。！？]”?$")
_YEAR_RE = re.compile(r"[0-9]{4}")
_HAN_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SENTENCE_END_RE = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bCo)(?<!\bInc)"
    r"(?<!\bLtd)(?<!\bJan)(?<!\bFeb)(?<!\bAug)(?<!\bSept)(?<!\bSep)(?<!\bOct)(?<!\bNov)"
    r"(?<!\bDec)(?<!\bMrs)(?<!\bvs)[.!?](?=[\"'”’]?\s+[\"'“‘(\[]?[A-Z0-9])|[。！？]"
)
# Scripts that settle the language; Latin text is reported as English because
# the script alone cannot tell English from French and the corpus is English.
_LATIN_RUN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# Greek onwards, minus typographic punctuation (U+2000-U+206F) that English
# pages use freely.
_NON_LATIN_RE = re.compile(r"[\u0370-\u1fff\u2e80-\uffef]")
_KANA_RUN_RE = re.compile(r"[\u3040-\u30ff]+")
_OTHER_SCRIPTS = (
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]+"), "ko"),
    (re.compile(r"[\u0400-\u04ff]+"), "ru"),
    (re.compile(r"[\u0600-\u06ff]+"), "ar"),
    (re.compile(r"[\u0370-\u03ff]+"), "el"),
    (re.compile(r"[\u0590-\u05ff]+"), "he"),
    (re.compile(r"[\u0e00-\u0e7f]+"), "th"),
    (re.compile(r"[\u0900-\u097f]+"), "hi"),
)
_OTHER_SCRIPT_RE = re.compile(
    r"[\uac00-\ud7af\u1100-\u11ff\u0370-\u06ff\u0e00-\u0e7f\u0900-\u097f]"
)
_FULLWIDTH_RE = re.compile(r"[\uff10-\uff1a\uff0f]")


def _halfwidth(s: str) -> str:
    """Full-width digits, colon and slash as ASCII, so one set of date
    patterns serves Chinese pages too."""
    if _FULLWIDTH_RE.search(s) is None:
        return s
    return _FULLWIDTH_RE.sub(lambda m: chr(ord(m[0]) - 0xFEE0), s)


def _date_from_match(m: re.Match[str]) -> datetime.date | None:
    """The date a _DATE_RE match spells, or None when it names no real day."""
    g = m.groupdict()
    if g["cn"]:
        y, mo, d = int(g["cn_y"]), int(g["cn_m"]), int(g["cn_d"])
    elif g["iso"]:
        y, mo, d = int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"])
    elif g.get("num"):
        a, b, y = int(g["num_a"]), int(g["num_b"]), int(g["num_y"])
        mo, d = (a, b) if g["num_sep"] == "/" and a <= 12 else (b, a)
    elif g["mdy"]:
        y, mo, d = int(g["mdy_y"]), _MONTHS[g["mdy_mon"][:3].lower()], int(g["mdy_d"])
    else:
        y, mo, d = int(g["dmy_y"]), _MONTHS[g["dmy_mon"][:3].lower()], int(g["dmy_d"])
    if not 1800 <= y <= 2200:
        return None
    try:
        return datetime.date(y, mo, d)
    except ValueError:
        return None


def parse_date_string(s: str) -> datetime.date:
    """Parse a user-given publication date such as "2025-07-11", "July 11, 2025",
    "11 July 2025", "2025/07/11" or "2025年7月11日"; raise ValueError otherwise."""
    cleaned = _halfwidth(s.strip())
    m = _USER_DATE_RE.fullmatch(cleaned)
    if m is None:
        raise ValueError(
            f"unrecognised publication date {s!r}: use e.g. 2025-07-11, "
            "July 11, 2025, 11 July 2025, 2025/07/11 or 2025年7月11日"
        )
    date = _date_from_match(m)
    if date is None:
        raise ValueError(f"publication date {s!r} is not a valid calendar day")
    return date


def _find_date(s: str) -> tuple[datetime.date, re.Match[str]] | None:
    if _YEAR_RE.search(s) is None:
        return None  # every accepted form has a four-digit year; cheap to rule out
    for m in _DATE_RE.finditer(s):
        date = _date_from_match(m)
        if date is not None:
            return date, m
    return None


def _is_cjk(s: str) -> bool:
    return not s.isascii() and bool(_HAN_RE.search(s))


def _looks_like_name(s: str) -> bool:
    """A publisher or person name: short, capitalised, not a sentence."""
    s = s.strip()
    if not s or len(s) > 60 or s[-1] in ".。:：;；,，!?！？" or _URL_RE.match(s):
        return False
    if _BOILERPLATE_RE.match(s):
        return False
    if _is_cjk(s):
        return len(s) <= 12 and not re.search(r"[，。：；！？、“”]", s)
    words = s.split()
    if len(words) > 6 or not s[0].isupper():
        return False
    minor = {"of", "and", "the", "for", "de", "&", "on", "in", "staff", "media"}
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in minor for w in words)


def _is_title_like(s: str) -> bool:
    if not s or len(s) > 200 or s[-1] in ".。:：;；,，":
        return False
    if _BOILERPLATE_RE.match(s) or _BREADCRUMB_RE.search(s) or _URL_RE.match(s):
        return False
    han = len(_HAN_RE.findall(s))
    if han >= 6:
        return True
    words = s.split()
    return 2 <= len(words) <= 25 and sum(c.isalpha() for c in s) >= 6


def _is_body_paragraph(s: str) -> bool:
    """Article prose, as opposed to the short lines of a page header."""
    if len(s) >= 150:
        return True
    if _is_cjk(s):
        # Chinese has no spaces to count words by: a clause comma or a closing
        # full stop marks prose.
        return len(s) >= 60 or (len(s) >= 20 and bool(_CJK_PROSE_RE.search(s)))
    return s[-1] in '.。!！?？”"' and len(s.split()) >= 12


def _clean_author(s: str) -> str:
    s = s.strip(" \t,;:|-–—")
    s = _AUTHOR_IN_PLACE_RE.sub("", s)
    if not s or s.lower() in _CMS_USERS or _HANDLE_RE.match(s):
        return ""
    if s.isupper() and not _is_cjk(s):
        s = s.title()
    return s


def _clean_publisher(s: str) -> str:
    return s.strip(" \t,;:|-–—()（）[]【】")


@dataclass(slots=True)
class _Meta:
    """What one header line says; strong fields come from explicit labels."""

    date: datetime.date | None = None
    author: str = ""
    publisher: str = ""
    weak_publisher: str = ""
    title: str = ""


def _parse_meta_line(line: str) -> _Meta | None:
    """Fields of a byline or date line, or None when the line is neither."""
    fields = [f for f in _FIELD_SEP_RE.split(line) if f]
    meta = _Meta()
    plain: list[str] = []
    has_byline = False
    for field in fields:
        found = _find_date(field)
        if found is not None:
            date, m = found
            if meta.date is None:
                meta.date = date
            rest = (field[: m.start()] + " " + field[m.end() :]).strip()
            rest = _TIME_RE.sub(" ", rest)
            rest = _DATE_LABEL_RE.sub("", rest.strip()).strip(" ,")
            if not rest:
                continue
            field = rest
        elif _DATE_LABEL_RE.match(field) and _TIME_RE.fullmatch(
            _DATE_LABEL_RE.sub("", field)
        ):
            continue
        for piece in _LABEL_SPLIT_RE.split(field):
            lm = _LABEL_RE.match(piece)
            if lm is None:
                plain.append(piece)
                continue
            has_byline = True
            role = (lm["by"] or lm["role"] or lm["cn"]).lower().split()[-1]
            value = lm["value"].strip()
            if role in _AUTHOR_ROLES:
                author, publisher = _split_byline(value)
                meta.author = meta.author or author
                meta.publisher = meta.publisher or publisher
            elif role in _PUBLISHER_ROLES:
                meta.publisher = meta.publisher or _clean_publisher(value)
    if meta.date is None and not has_byline:
        return None
    if meta.date is not None and not has_byline:
        # Prose that merely mentions a date is not a header line.
        rest_words = sum(len(p.split()) for p in plain)
        if len(line) > 120 or rest_words > 15:
            return None
        stripped = _DATE_LABEL_RE.sub("", line.strip())
        starts_with_date = _DATE_RE.match(stripped) is not None
        if line.rstrip()[-1] in ".。" and not (starts_with_date and rest_words <= 3):
            return None
    for piece in plain:
        piece = piece.strip()
        if _looks_like_name(piece):
            if has_byline:
                meta.publisher = meta.publisher or _clean_publisher(piece)
            else:
                meta.weak_publisher = meta.weak_publisher or _clean_publisher(piece)
        elif _is_title_like(piece) and len(fields) == 1:
            # "date 2023-09-04 Headline": a headline glued to the date.
            meta.title = meta.title or piece
    return meta


def _split_byline(value: str) -> tuple[str, str]:
    """Split "Jane Doe, Reuters" into author and publisher; a list of names
    ("A, B and C") and a role ("Jane Doe, staff reporter") stay the author."""
    head, sep, tail = value.partition(",")
    tail = tail.strip()
    if not sep or " and " in tail or not _looks_like_name(tail):
        return _clean_author(value), ""
    return _clean_author(head), _clean_publisher(tail)


def _dateline_agency(line: str) -> str:
    m = _DATELINE_RE.match(line) or _CN_DATELINE_RE.match(line)
    if m is None:
        return ""
    return (m.groupdict().get("wire") or m["agency"]).strip()


def _first_sentence(paragraph: str) -> str:
    m = _DATELINE_RE.match(paragraph)
    if m is not None:
        paragraph = paragraph[m.end() :].strip()
    end = _SENTENCE_END_RE.search(paragraph)
    sentence = paragraph[: end.start() + 1] if end else paragraph
    sentence = sentence.strip().rstrip(".。")
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence[: TITLE_MAX_CHARS - 1]
    if " " in cut and not _is_cjk(cut):
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:，；：") + "…"


# Letters counted on the UTF-8 bytes, where C loops do the counting: an ASCII
# letter is its own byte, a letter of U+00C0-U+024F two bytes led by C3-C9
# (C9 only before 80-8F), a kana three bytes led by E3 81, E3 82 or E3 83.
_LATIN_BYTES = frozenset([*range(65, 91), *range(97, 123), *range(0xC3, 0xC9)])
_NOT_LATIN_BYTES = bytes(b for b in range(256) if b not in _LATIN_BYTES)
_C9_LATIN_RE = re.compile(rb"\xc9[\x80-\x8f]")
_KANA_LEADS = (b"\xe3\x81", b"\xe3\x82", b"\xe3\x83")


def _latin_and_kana(sample: str) -> tuple[int, int]:
    """How many characters of `sample` _LATIN_RUN_RE and _KANA_RUN_RE match."""
    try:
        raw = sample.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        latin = sum(map(len, _LATIN_RUN_RE.findall(sample)))
        return latin, sum(map(len, _KANA_RUN_RE.findall(sample)))
    latin = len(raw.translate(None, _NOT_LATIN_BYTES))
    if b"\xc9" in raw:
        latin += len(_C9_LATIN_RE.findall(raw))
    return latin, sum(raw.count(lead) for lead in _KANA_LEADS)


def _language(sample: str) -> str:
    """Primary tag of the script with the most letters; "und" when none."""
    latin, kana = _latin_and_kana(sample)
    if sample.isascii() or _NON_LATIN_RE.search(sample) is None:
        # The common case, decided in one scan.
        return "en" if latin else "und"
    counts = {"en": latin, "zh": sum(map(len, _HAN_RUN_RE.findall(sample)))}
    if kana and kana * 10 >= counts["zh"]:
        # Japanese mixes kana with Han; a real share of kana decides it.
        counts["ja"] = kana + counts.pop("zh")
    if _OTHER_SCRIPT_RE.search(sample) is not None:
        for pattern, tag in _OTHER_SCRIPTS:
            counts[tag] = sum(map(len, pattern.findall(sample)))
    tag, count = max(counts.items(), key=lambda item: item[1])
    return tag if count else "und"


# The characters the tail's labels can start with: a line starting with
# none of them is spared the patterns. The patterns ignore case, and to them
# "ſ" is an "s" (no other letter here has a non-ASCII double).
_HEADING_FIRST = frozenset("aAwW作记")
# Only the role and Chinese branches of _LABEL_RE count in the tail.
_ROLE_FIRST = frozenset("aArRsSſpPeE来作记责编出文")


def _parse_tail(lines: list[str]) -> tuple[str, str, datetime.date | None]:
    """Author, publisher and labelled date from the last lines of a page."""
    author = publisher = ""
    date = None
    values = [line for line in lines if line]
    for i, line in enumerate(values):
        first = line[0]
        if first in _HEADING_FIRST and _TAIL_AUTHOR_HEADING_RE.match(line):
            following = values[i + 1 : i + 3]
            if following and _looks_like_name(following[0]):
                author = author or _clean_author(following[0])
                if len(following) > 1 and _looks_like_name(following[1]):
                    publisher = publisher or _clean_publisher(following[1])
            continue
        lm = _LABEL_RE.match(line) if first in _ROLE_FIRST else None
        if lm is not None and (lm["role"] or lm["cn"]):
            role = (lm["role"] or lm["cn"]).lower()
            if role in _AUTHOR_ROLES:
                author = author or _clean_author(lm["value"])
            elif role in _PUBLISHER_ROLES:
                publisher = publisher or _clean_publisher(lm["value"])
        if (
            date is None
            and len(line) <= 80
            and first in DATE_LABEL_FIRST
            and _DATE_LABEL_RE.match(line)
        ):
            found = _find_date(line)
            date = found[0] if found else None
    if date is None and values:
        date, credit = _closing_credit(values[-1])
        publisher = publisher or credit
    return author, publisher, date


# A wire's credit closing the story: "(PRNewswire, January 12, 2022)",
# "（美通社，2022年1月12日上海）": the source, then the day it was filed.
_CLOSING_CREDIT_RE = re.compile(r"[(（]([^()（）]{6,60})[)）]\s*\Z")
_CREDIT_SOURCE_RE = re.compile(r"\s*([^\d,，]{2,30}?)\s*[,，]")


def _closing_credit(line: str) -> tuple[datetime.date | None, str]:
    """The date and source of a credit that closes the last line, if any."""
    if line[-1:] not in ")）":
        return None, ""
    closing = _CLOSING_CREDIT_RE.search(_halfwidth(line))
    if closing is None:
        return None, ""
    inside = closing[1]
    source = _CREDIT_SOURCE_RE.match(inside)
    found = _find_date(inside) if source else None
    if found is None or found[1].start() < source.end():
        return None, ""
    return found[0], _clean_publisher(source[1])


def parse_header(text: str, *, source_name: str = "") -> DocumentHeader:
    """Read the header fields of a news page saved as plain text.

    Explicit labels ("By", "Source:", "来源：", an agency dateline) win over the
    author block at the page's end, which wins over a bare name printed next
    to the date. The title is the title-like line next to the byline/date
    line, else the first title-like line, else the body's first sentence,
    else ``source_name``.
    """
    head_raw = text.split("\n", HEAD_LINES)[:HEAD_LINES]
    tail_raw = text.rsplit("\n", TAIL_LINES)[-TAIL_LINES:]

    # Stripped head lines, bullets removed; read as the loop below reaches
    # them, which stops after a few body paragraphs: no later line is used.
    lines: list[str] = []
    bullets: list[bool] = []
    offsets: list[int] = []
    offset = 0

    date: datetime.date | None = None
    yearless: tuple[int, int] | None = None  # a dateline's month and day
    author = publisher = weak_publisher = weak_author = agency = ""
    meta_at: list[int] = []
    glued_titles: list[str] = []
    body_at: list[int] = []
    # Dated bullet lines, whose neighbours may name the author.
    dated_bullets: list[int] = []
    for i, raw in enumerate(head_raw):
        offsets.append(offset)
        offset += len(raw) + 1
        line = raw.strip()
        if len(line) <= 200:  # only short lines can be header lines
            line = _halfwidth(line)
        bullet = _BULLET_RE.match(line)
        bullets.append(bullet is not None)
        if bullet:
            line = line[bullet.end() :].strip()
        lines.append(line)
        if not line:
            continue
        if _is_body_paragraph(line):
            body_at.append(i)
            if len(body_at) == 1:
                agency = _dateline_agency(line)
            if date is None:
                date, found_yearless = _body_date(line)
                yearless = yearless or found_yearless
            if len(body_at) >= MAX_BODY_PARAGRAPHS_IN_HEAD:
                break
            continue
        meta = _parse_meta_line(line)
        if meta is None:
            continue
        meta_at.append(i)
        date = date or meta.date
        author = author or meta.author
        publisher = publisher or meta.publisher
        weak_publisher = weak_publisher or meta.weak_publisher
        if meta.title:
            glued_titles.append(meta.title)
        if bullets[i] and meta.date is not None:
            dated_bullets.append(i)
    # The loop has read the line after each of them (it stops on a body
    # paragraph, never right after a header line, or at the last line).
    for i in dated_bullets:
        weak_author = weak_author or _bullet_author(lines, bullets, i)

    tail_author, tail_publisher, tail_date = _parse_tail(
        [line.strip() for line in tail_raw]
    )
    body_start = body_at[0] if body_at else len(lines)
    # Bullet items are page furniture (date, user name, comment count).
    not_title = set(meta_at) | {i for i, bullet in enumerate(bullets) if bullet}
    title = _choose_title(lines, meta_at, not_title, glued_titles, body_start)
    if not title and body_at:
        title = _first_sentence(lines[body_at[0]])
    if not title:
        title = source_name.rsplit(".", 1)[0] if "." in source_name else source_name

    sample_from = offsets[body_start] if body_at else 0
    language = _language(text[sample_from : sample_from + LANGUAGE_SAMPLE_CHARS])
    date = date or tail_date
    note = ""
    if date is None and yearless is not None:
        date, note = _with_context_year(text, *yearless)
    return DocumentHeader(
        title=title,
        publisher=publisher or agency or tail_publisher or weak_publisher,
        author=author or tail_author or weak_author,
        published_on=date,
        language=language,
        date_note=note,
    )


def _body_date(line: str) -> tuple[datetime.date | None, tuple[int, int] | None]:
    """The date a paragraph opens with: a stored " date 2019-09-19 " prefix or
    a wire dateline ("HONG KONG, March 14, 2023 (GLOBE NEWSWIRE) --"); else the
    month and day of a dateline without a year."""
    label = _DATE_LABEL_RE.match(line)
    if label is not None and label.end() > 0:
        m = _DATE_RE.match(line, label.end())
        if m is not None and (date := _date_from_match(m)) is not None:
            return date, None
    dateline = _DATELINE_RE.match(line) or _WIRE_DATELINE_RE.match(line)
    if dateline is not None:
        found = _find_date(dateline.group(0))
        if found is not None:
            return found[0], None
    m = _YEARLESS_DATELINE_RE.match(line)
    if m is not None:
        month = _MONTHS[(m["mon"] or m["mon2"])[:3].lower()]
        return None, (month, int(m["day"] or m["day2"]))
    m = _CN_DATELINE_RE.match(line)
    if m is not None:
        return None, (int(m["cn_m"]), int(m["cn_d"]))
    return None, None


def _with_context_year(
    text: str, month: int, day: int
) -> tuple[datetime.date | None, str]:
    """A yearless dateline's date in the latest year the text mentions, or in
    the year after when the text reports that year's work finished early in
    the next one; with the note saying which."""
    years = [int(y) for y in _CONTEXT_YEAR_RE.findall(text)]
    if not years:
        return None, ""
    year, note = max(years), CONTEXT_YEAR_NOTE
    if month <= CLOSING_MONTHS and any(
        int(m["zh"] or m["en"] or m["en2"]) == year
        for m in _YEAR_CLOSED_RE.finditer(text)
    ):
        year, note = year + 1, NEXT_YEAR_NOTE
    try:
        return datetime.date(year, month, day), note
    except ValueError:
        return None, ""


def _bullet_author(lines: list[str], bullets: list[bool], i: int) -> str:
    """In a WordPress-style bullet block (date, user, comment count) the bullet
    next to the date names the author."""
    for j in (i + 1, i - 1):
        if 0 <= j < len(lines) and bullets[j] and lines[j]:
            candidate = lines[j]
            if not _find_date(candidate) and not candidate.isdigit():
                return _clean_author(candidate) if len(candidate.split()) <= 4 else ""
    return ""


def _choose_title(
    lines: list[str],
    meta_at: list[int],
    not_title: set[int],
    glued: list[str],
    body_start: int,
) -> str:
    """The title-like line next to a byline/date line, else the first
    title-like line of three or more words, else a headline glued to the date,
    else any title-like line; "" when the header has none."""

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < body_start and not lines[j]:
            j += step
        if 0 <= j < body_start and j not in not_title and _is_title_like(lines[j]):
            return lines[j]
        return ""

    for step in (-1, 1):
        for i in meta_at:
            if i < body_start and (found := neighbour(i, step)):
                return found
    standalone = [
        line
        for i, line in enumerate(lines[:body_start])
        if i not in not_title and _is_title_like(line)
    ]
    for line in standalone:
        if len(line.split()) >= 3 or len(_HAN_RE.findall(line)) >= 8:
            return line
    if glued:
        return glued[0]
    return standalone[0] if standalone else ""
