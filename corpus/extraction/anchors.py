"""Which tagged dates may date an event: page furniture and names that carry a
year are not events, and "recently"/近日 date the news hook to the publication.

A date in a page's furniture ("Release date: …", "时间:2015-06-30 来源:…",
" date 2023-09-04", "(Agency) 13:16, October 29, 2019") only says when the
page was made; a year inside a name ("Healthy China 2030", "《关于…2023年度…
的通知》", the "2023 … White Paper", 董事会2024年第六次临时会议) says nothing
about when the event happened.
"""

from __future__ import annotations

import datetime
import re

from corpus.extraction.headers import DATE_LABEL_FIRST, DATE_LABELS
from corpus.extraction.prechecks import has_case_traps
from corpus.extraction.timex import Timex

__all__ = [
    "approximate_now",
    "context_year",
    "dateline_end",
    "is_comparison_base",
    "is_furniture",
    "is_in_name",
    "is_not_prose",
    "is_phase_length",
]

# A label right before the date on its line: the page's own date field.
_LABEL_BEFORE = re.compile(
    r"(?:^|[\s|｜(（\[【])(?:date[d]?|time|release\s+date|published(?:\s+on)?"
    r"|updated(?:\s+on)?|posted(?:\s+on)?|last\s+updated|发布时间|发布日期|發布日期"
    r"|發布時間|更新时间|时间|時間|日期)\s*[:：]?\s*\Z",
    re.IGNORECASE,
)
# A clock time next to the date: a timestamp, not a date in prose.
_CLOCK_AFTER = re.compile(r"[\sT,]*\d{1,2}[:：]\d{2}")
_CLOCK_BEFORE = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?[\s,]*\Z")
# Other header fields on the same short line.
_FIELD_ON_LINE = re.compile(
    r"(?:来源|來源|作者|编辑|責任編輯|责任编辑|浏览|瀏覽|点击|點擊|字号|字號)\s*[:：]"
    r"|\b(?:source|author|editor|views?)\s*:",
    re.IGNORECASE,
)
FURNITURE_LINE = 160
# A short line that opens with a date label is the page's date field, every
# date on it: " date 2024-03-05 Example Daily - Tuesday, March 5, 2024".
_LABEL_OPENS_LINE = re.compile(
    rf"[\s|｜•·]*{DATE_LABELS}\s*(?:[:：]|(?=\d))", re.IGNORECASE
)
# After white space, a line that opens with neither a bullet nor a label's
# first character (DATE_LABEL_FIRST) is no date field.
_LABEL_OPENS_BULLETS = frozenset("|｜•·")

# The last character a label, a clock time or an identifier can end in once
# trailing white space (and a colon or separator) is stripped: a window that
# ends in none of them cannot match the pattern, far cheaper to tell. None of
# these letters has a case-insensitive double among the CASE_TRAPS.
_LABEL_ENDS = frozenset("ednEDN间期間")
_IDENTIFIER_ENDS = frozenset("hbtdneorvHBTDNEORV.#")
_IDENTIFIER_MARKS = frozenset("(:=#-")
# "versus" and "vs" end in "s", which case-insensitive matching also reads in "ſ".
_COMPARED_ENDS = frozenset("honfsetdrmHONFSETDRM.\u017f与較较比于於起过過出及")


def _last_char(window: str) -> str:
    return window.rstrip()[-1:]


def _may_end_in_label(before: str) -> bool:
    """Whether _LABEL_BEFORE may match: a label, then a colon or not."""
    stripped = before.rstrip()
    if stripped[-1:] in (":", "："):
        stripped = stripped[:-1].rstrip()
    return stripped[-1:] in _LABEL_ENDS


def _may_end_in_identifier(before: str) -> bool:
    """Whether _IDENTIFIER_BEFORE may match: an identifier word, a "#" or a
    version number, then one separator or none."""
    stripped = before.rstrip()
    last = stripped[-1:]
    if last in _IDENTIFIER_ENDS or last.isdigit():
        return True
    if last and last in _IDENTIFIER_MARKS:
        last = _last_char(stripped[:-1])
        return last in _IDENTIFIER_ENDS or last.isdigit()
    return False


def _may_cite(line: str) -> bool:
    """Whether _CITATION_LINE may match: each of its branches needs one of
    these substrings."""
    if ";" in line or "(" in line or "[" in line or "出版社" in line:
        return True
    if has_case_traps(line):
        return True
    lowered = line.lower()
    return "et al" in lowered or "doi:" in lowered


# Words that introduce a date in prose: a capitalised word before a bare year
# is a name only when it is none of these.
_DATE_WORDS_TEXT = (
    "in by since from until till to through before after of on during for and or "
    "the end early mid late spring summer autumn fall winter fy fiscal year q1 q2 "
    "q3 q4 h1 h2 january february march april may june july august september "
    "october november december jan feb mar apr jun jul aug sep sept oct nov dec "
    "around about circa as at between than"
)
_DATE_WORDS = frozenset(_DATE_WORDS_TEXT.split())
_WORD_BEFORE = re.compile(r"([A-Z][A-Za-z]+)\s\Z")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A report named after the year it covers, after "the", "its", "a", "the
# company's": "the 2023 annual report", "its 2024 Drug Review Annual Report".
_DOCUMENT_AFTER = re.compile(
    r"(?:\s+[A-Z][\w&'’-]*){0,6}?\s+(?:Annual\s+)?(?:Reports?|White\s+Papers?"
    r"|Blue\s+Books?|Yearbooks?|Bulletins?)\b"
    r"|\s+(?:annual\s+reports?|white\s+papers?|blue\s+books?|yearbooks?)\b"
)
_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|its|their|his|her|our|this|a|an)|\w['’]s)\s+\Z", re.IGNORECASE
)
# A year followed by an ordinal meeting or session: 2024年第六次临时会议.
_ZH_ORDINAL_AFTER = re.compile(
    r"\s*(?:年度?)?\s*第[一二三四五六七八九十百\d]+[次届屆期]"
)
# A quoted English name: short, mostly capitalised words.
_QUOTE_OPEN = '“"'
_QUOTE_CLOSE = {"“": "”", '"': '"'}
_NAME_WORD = re.compile(r"[A-Za-z][\w'’&-]*")
_MINOR_TEXT = "of and the for in on to a an with &"
_MINOR = frozenset(_MINOR_TEXT.split())

# Identifiers that look like dates ("batch 1999-12", "job 2023-11") and dates
# of software releases ("2.3.1 (2024-01-15)").
_IDENTIFIER_BEFORE = re.compile(
    r"(?:\b(?:batch|job|lot|build|run|ticket|issue|order|id|no\.?|version|ver\.?|v)"
    r"|#|\b\d+\.\d+(?:\.\d+)*)\s*[(:=#-]?\s*\Z",
    re.IGNORECASE,
)
# A log line opens with a timestamp; a reference list cites authors, volumes
# and publishers.
_LOG_LINE = re.compile(r"\s*\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
_CITATION_LINE = re.compile(
    r"\bet al\b|\b(?:19|20)\d\d\s*;\s*\d|\b(?:19|20)\d\d\)?\s*[,;]?\s*\d+\s*\(\d+\)\s*:"
    r"|\bdoi:|出版社|\[[JMDC]\]",
    re.IGNORECASE,
)


def is_not_prose(timex: Timex, text: str) -> bool:
    """Whether the date is an identifier, a log timestamp's line or a
    citation's year: READMEs, logs and reference lists state no news."""
    start = timex.start
    # An identifier is digits ("run 2023-11"); "will run from Oct 25" is prose.
    if (
        timex.text[:1].isdigit()
        and _may_end_in_identifier(text[max(0, start - 16) : start])
        and _IDENTIFIER_BEFORE.search(text, max(0, start - 16), start)
    ):
        return True
    line_start, line_end = _line_bounds(text, start, timex.end)
    if _LOG_LINE.match(text, line_start, line_end):
        return True
    return _may_cite(text[line_start:line_end]) and (
        _CITATION_LINE.search(text, line_start, line_end) is not None
    )


# Relative words that date the news hook itself: the publication date, approximately.
APPROXIMATE_NOW = frozenset(
    ["近日", "近期", "日前", "recently", "Recently", "近來", "近来"]
)


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def is_furniture(timex: Timex, text: str) -> bool:
    """Whether the date is the page's own date field, not a date in prose."""
    line_start, line_end = _line_bounds(text, timex.start, timex.end)
    before = text[max(line_start, timex.start - 40) : timex.start]
    if _may_end_in_label(before) and _LABEL_BEFORE.search(before):
        return True
    if _CLOCK_AFTER.match(text, timex.end, min(line_end, timex.end + 12)):
        return True
    # A clock time and a header field both need a colon.
    if (":" in before or "：" in before) and _CLOCK_BEFORE.search(before):
        return True
    if line_end - line_start > FURNITURE_LINE:
        return False
    opening = text[line_start:line_end].lstrip()[:1]
    if opening in DATE_LABEL_FIRST or opening in _LABEL_OPENS_BULLETS:
        label = _LABEL_OPENS_LINE.match(text, line_start, line_end)
        if label is not None and label.end() <= timex.start:
            return True
    colon = text.find(":", line_start, line_end) >= 0
    return (colon or text.find("：", line_start, line_end) >= 0) and (
        _FIELD_ON_LINE.search(text, line_start, line_end) is not None
    )


# A wire's credit right after the date: "NANJING, Sept. 11, 2018 /CNW/ --",
# "HAIKOU, April 13. /TASS/.", "BEIJING, Sept. 4 (Xinhua) --".
_WIRE_AFTER = re.compile(
    r"[.,]?[ \t]*(?:/[^/\n]{1,40}/|\([^()\n]{1,40}\))[ \t]*(?:--|—|–|-[ \t]|\.)"
)


def dateline_end(timex: Timex, text: str) -> int | None:
    """Where the wire's credit ends when the date is a wire story's dateline
    (the day it was filed), else None."""
    end = timex.end
    if text[end : end + 3].lstrip(" .,\t")[:1] not in "/(":
        return None
    credit = _WIRE_AFTER.match(text, end)
    return None if credit is None else credit.end()


# "BioWorld Today", "USA Today": a capitalised relative word after a name.
_RELATIVE_NAMES = frozenset(["Today", "Tomorrow", "Tonight"])
_CAPITAL_BEFORE = re.compile(r"[A-Z][\w&.-]*\s\Z")


def is_in_name(timex: Timex, text: str) -> bool:
    """Whether the date is part of a title or a name."""
    start, end = timex.start, timex.end
    if timex.text in _RELATIVE_NAMES:
        return _CAPITAL_BEFORE.search(text, max(0, start - 30), start) is not None
    # 《…》 holds titles of documents, laws and plans.
    opened = text.rfind("《", max(0, start - 80), start)
    if opened >= 0 and text.find("》", opened, start) < 0:
        closed = text.find("》", end, end + 120)
        if closed >= 0:
            return True
    if _ZH_ORDINAL_AFTER.match(text, end):
        return True
    opening = text[start - 1 : start]
    if opening in _NUMBER_OPEN and _is_document_number(text, start, end):
        return True
    if not _YEAR.fullmatch(timex.text):
        return _in_quoted_name(text, start, end)
    # "Healthy China 2030", "Vision 2030": a proper name before a bare year.
    word = _WORD_BEFORE.search(text, max(0, start - 30), start)
    if word and word[1].lower() not in _DATE_WORDS:
        return True
    # "its 2024 Drug Review Annual Report": the year the report covers.
    if _DOCUMENT_AFTER.match(text, end) and _DETERMINER_BEFORE.search(
        text, max(0, start - 12), start
    ):
        return True
    return _in_quoted_name(text, start, end)


# A document's number carries the year it was issued in brackets: 国发〔2025〕11号,
# 医保办发[2023]5号, "Guofa [2025] No. 11", "Document No. 5 [2024]".
_NUMBER_OPEN = frozenset("〔[［【")
_NUMBER_AFTER = re.compile(
    r"\s*[〕\]］】]\s*(?:第\s*)?(?:\d+\s*[号號]|No\.?\s*\d+)", re.IGNORECASE
)
_NUMBER_BEFORE = re.compile(r"(?:[发發函字令]|\bNo\.?\s*\d+)\s*\Z", re.IGNORECASE)


def _is_document_number(text: str, start: int, end: int) -> bool:
    """Whether the year in brackets at start..end is part of a document number."""
    if not _YEAR.fullmatch(text, start, end):
        return False
    return _NUMBER_AFTER.match(text, end) is not None or (
        _NUMBER_BEFORE.search(text, max(0, start - 12), start - 1) is not None
        and text[end : end + 1] in "〕]］】"
    )


def _in_quoted_name(text: str, start: int, end: int) -> bool:
    """Inside a short quoted phrase of capitalised words: a report's or a
    ranking's title ("2023 … White Paper", "Spring 2022 … Ranking")."""
    window = text[max(0, start - 100) : start]
    opened = max(window.rfind(q) for q in _QUOTE_OPEN)
    if opened < 0:
        return False
    quote = window[opened]
    if quote == '"' and window.count('"') % 2 == 0:
        return False
    if quote == "“" and "”" in window[opened:]:
        return False
    closed = text.find(_QUOTE_CLOSE[quote], end, end + 100)
    if closed < 0:
        return False
    inside = window[opened + 1 :] + text[start:closed]
    words = [w for w in _NAME_WORD.findall(inside) if w.lower() not in _MINOR]
    if len(words) < 2 or len(inside) > 120:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised >= 0.7 * len(words)


# The base a figure is compared with ("the 2010 level", "compared with 2019",
# 与2019年相比, 较上年同期): its date is not the event's.
# A percentage's base ("up 22% over 2017", "12 percent from last year") and
# the figure of the same period ("than the same period in 2016", "compared
# with that in the previous year") are comparisons too.
_COMPARED_BEFORE = re.compile(
    r"(?:\bcompared\s+(?:with|to)|\bthan(?:\s+in)?|\bversus|\bvs\.?|\bfrom\s+the"
    r"|(?:%|\bper\s*cent|\bpct|\bpoints?)\s*(?:from|over|on)"
    r"|与|較|较|比|相比于|相較於|相较于|比起|[高低多少]于|[高低多少]於|超[过過出]|不及)"
    r"(?:\s+(?:that|those)(?:\s+(?:of|in))?)?\s*(?:the\s+)?"
    r"(?:same\s+period\s+(?:of\s+|in\s+)?)?\Z",
    re.IGNORECASE,
)
# The same pattern read backwards, matched at the start of the reversed window:
# a search for a pattern anchored at the end tries every start (5-12 us a
# window); this reads only the words it needs (about 1 us).
# tests/corpus/extraction/test_prechecks.py checks that the two agree.
_COMPARED_REVERSED = re.compile(
    r"(?:(?:\s+fo|\s+ni)?\s+doirep\s+emas)?(?:\s+eht)?\s*"
    r"(?:(?:(?:fo|ni)\s+)?(?:taht|esoht)\s+)?"
    r"(?:(?:htiw|ot)\s+derapmoc\b|(?:ni\s+)?naht\b|susrev\b|\.?sv\b|eht\s+morf\b"
    r"|(?:morf|revo|no)\s*(?:%|tnec\s*rep\b|tcp\b|s?tniop\b)"
    r"|与|較|较|比|于比相|於較相|于较相|起比|[于於][高低多少]|[过過出]超|及不)",
    re.IGNORECASE,
)
# How far before a date its comparison word may stand ("than the same period
# in", "compared with those of the").
_COMPARED_WINDOW = 40


_OWN_FIGURE_AFTER = re.compile(
    r"\s*(?:全年度?|同期|年度)?\s*的\s*(?:约|近|逾|超过?)?\s*[\d０-９]"
)
# After a possessive year: "than 2023's 40 approvals", "2023's total 5 billion".
_OWN_FIGURE_AFTER_EN = re.compile(r"\s+(?:[a-z]+\s+)?\d")
_LEVEL_AFTER = re.compile(r"\s+levels?\b|[\s'’s]*\s+(?:figure|level)s?\b")


def is_comparison_base(timex: Timex, text: str) -> bool:
    """Whether the date only names the base a figure is compared with."""
    before = text[max(0, timex.start - _COMPARED_WINDOW) : timex.start]
    if _last_char(before) in _COMPARED_ENDS and _COMPARED_REVERSED.match(before[::-1]):
        # "超过2024年的48个", "than 2023's 40": the base states its own figure,
        # a fact of its own.
        possessive = timex.text.endswith(("'s", "’s"))
        own = _OWN_FIGURE_AFTER_EN if possessive else _OWN_FIGURE_AFTER
        return own.match(text, timex.end) is None
    return before.endswith(("the ", "The ")) and (
        _LEVEL_AFTER.match(text, timex.end) is not None
    )


_OPEN_PAREN = "(（"
_CLOSE_PAREN = ")）"
_HAS_YEAR = re.compile(r"\d{4}|年|year", re.IGNORECASE)


def is_phase_length(timex: Timex, text: str) -> bool:
    """A yearless span alone in brackets ("第一阶段(1 - 2 月)") is a length or a
    schedule step, not a date."""
    if _HAS_YEAR.search(timex.text):
        return False
    before = text[max(0, timex.start - 2) : timex.start].rstrip()
    after = text[timex.end : timex.end + 2].lstrip()
    return before[-1:] in _OPEN_PAREN and after[:1] in _CLOSE_PAREN


# 近期 and "recently" date the news itself only at the start of a clause; inside
# one it is commentary ("市场近期对…反应热烈").
CLAUSE_INITIAL_ONLY = frozenset(["近期", "近來", "近来", "recently", "Recently"])
_CLAUSE_START = frozenset("\n,，、；;:：。(（")


def approximate_now(
    timex: Timex, text: str, published_on: datetime.date | None
) -> Timex | None:
    """近日 / "recently" as the publication date, approximately (`YYYY-MM-DD~`)."""
    if published_on is None or timex.text not in APPROXIMATE_NOW:
        return None
    if timex.text in CLAUSE_INITIAL_ONLY:
        before = text[max(0, timex.start - 3) : timex.start].strip(" ")
        if before and before[-1] not in _CLAUSE_START:
            return None
    edtf = f"{published_on.isoformat()}~"
    return Timex(timex.start, timex.end, timex.text, "DATE", timex.value, edtf, "day")


# A target ("到2027年", "by 2030") or a future clause says when something
# should happen, not when the text was written.
_TARGET_BEFORE = re.compile(
    r"(?:到|至|届时|将于|将在|预计|计划|\bby|\buntil|\bthrough|\bbefore"
    r"|\bwill(?:\s+\w+){0,2}\s+(?:in|by)|\bexpected\s+(?:in|by)|\bslated\s+for)"
    r"\s*(?:the\s+end\s+of\s+)?\Z",
    re.IGNORECASE,
)


def context_year(text: str, explicit: list[Timex]) -> int | None:
    """The year a text without a publication date was most likely written
    in: the latest year its prose states as fact. Targets and future dates
    are left out; a comparison base ("与2019年相比", "compared with 2019")
    lies before the text's own year. `explicit` are the dates tagged with
    no anchor (only those that carry their year resolve)."""
    best = None
    for timex in explicit:
        if not _usable_edtf(timex.edtf):
            continue
        if (
            is_furniture(timex, text)
            or is_in_name(timex, text)
            or is_not_prose(timex, text)
            or timex.edtf.startswith("..")
            or _TARGET_BEFORE.search(text, max(0, timex.start - 24), timex.start)
        ):
            continue
        year = int(timex.edtf[:4]) + (1 if is_comparison_base(timex, text) else 0)
        best = year if best is None else max(best, year)
    return best


_EDTF_YEAR = re.compile(r"\d{4}")


def _usable_edtf(edtf: str | None) -> bool:
    return edtf is not None and _EDTF_YEAR.match(edtf) is not None
