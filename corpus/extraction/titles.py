"""Short headlines for candidate events: the fact's clause, without datelines,
attributions, bracketed asides and connectives, cut to at most 90 characters
at a clause or word boundary (Chinese: 40 characters, at punctuation)."""

from __future__ import annotations

import re

from corpus.extraction.headers import DATE_LABEL_FIRST, DATE_LABELS

__all__ = ["MAX_TITLE", "MAX_ZH_TITLE", "headline"]

MAX_TITLE = 90
# A Chinese character carries about a word: a headline of more than about 40
# reads as a paragraph.
MAX_ZH_TITLE = 40
# A document's name is not cut: a headline may run this far to close its 》.
MAX_ZH_NAMED = 64
# Below this a cut at a clause boundary keeps too little: cut at a word.
MIN_CLAUSE = 30

_SPACES = re.compile(r"\s+")
# "BEIJING, Sept. 4 (Xinhua) --", "(Yicai) Sept. 23 --",
# "HONG KONG, …, March 14, 2023 (GLOBE NEWSWIRE) --", "SHANGHAI, … /PRNewswire/ --"
_DATELINE = re.compile(
    r"^(?:[^()\n]{0,120}?\([^)\n]{1,40}\)|[^()\n]{0,120}?/[^/\n]{1,40}/"
    r"|\([^)\n]{1,40}\)[^()\n]{0,20}?)\s*(?:--|—|–)\s*"
)
# 中新社北京1月18日电 (记者 李纯), 上证报中国证券网讯(记者 宋薇萍), 央视网消息:,
# 示例日报北京讯(记者 王明)
_ZH_DATELINE = re.compile(
    r"^[^，,。\n]{0,24}?(?:\d{1,2}月\d{1,2}日电|[报報社台网網][\u4e00-\u9fff]{0,4}讯"
    r"|消息[:：])"
    r"\s*(?:[(（][^)）]{0,20}[)）])?\s*"
)
# A page's date field glued before the first sentence: " date 2021-02-24 …",
# "Published: 2024-03-05 10:30 …", "发布时间:2024-03-05 …".
_DATE_FIELD = re.compile(
    rf"^{DATE_LABELS}\s*[:：]?\s*"
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
    r"(?:[\sT]+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s+",
    re.IGNORECASE,
)
# Openings that say where the fact comes from or how it connects, not what
# happened.
_LEADS = re.compile(
    r"^(?:according to [^,]{0,80},|in addition,|meanwhile,|however,|moreover,"
    r"|among (?:them|those|these),|of (?:them|those|these),|furthermore,"
    r"|近日|日前|昨天|昨日|今天|今日|其中|此外|同时|另外|与此同时"
    r"|據[^,，]{0,30}(?:消息|報道|統計)|据[^,，]{0,30}(?:消息|报道|统计)"
    r"|根据[^,，]{0,40}|據悉|据悉|据了解|據了解)[,，:：]?\s*",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff]")
# The second and later items of a list closed by 等 ("甲、乙、丙等5个部门"): a
# long headline keeps the first ("甲等5个部门").
_ZH_LIST_REST = re.compile(
    r"、[^、，,。；;：:()（）《》“”]{1,15}(?=(?:、[^、，,。；;：:()（）《》“”]{1,15})*等)"
)
# Short asides in brackets: tickers, acronyms, glosses ("(HKEX)", "(H1)",
# "(Nasdaq/AIM:HCM, HKEX:13)"); a headline does without them.
_ASIDE = re.compile(r"\s*[(（][^()（）]{0,30}[)）]")
# A connective left at the start once the sentence is cut out of its context.
_CONNECTIVE = re.compile(
    r"^(?:(?:and|but|so|also)\b[,，]?|而|并且|并(?![购購表])|且)\s*", re.IGNORECASE
)
_ZH_BREAKS = "，,；;：:、）)」』”"
_EN_BREAKS = (", ", "; ", ": ", " – ", " — ", " - ")
_TRAILING = ".。;；,，:：、|｜ "
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "that",
        "which",
        "who",
        "its",
        "their",
        "his",
        "her",
    ]
)


def headline(text: str) -> str:
    """A headline of at most MAX_TITLE characters from a sentence or clause."""
    if "  " in text or not text.isprintable():
        text = _SPACES.sub(" ", text)
    title = text.strip()
    if title[:1] in DATE_LABEL_FIRST:
        title = _DATE_FIELD.sub("", title, count=1)
    if "--" in title or "—" in title or "–" in title:
        title = _DATELINE.sub("", title, count=1)
    if not title.isascii() and _CJK.search(title[:30]):
        title = _ZH_DATELINE.sub("", title, count=1)
    # "" when nothing but an attribution is left: the caller takes more text.
    title = _LEADS.sub("", title, count=1)
    if "(" in title or "（" in title:
        shorter = _ASIDE.sub("", title).lstrip(_TRAILING)
        title = shorter if len(shorter) >= MIN_CLAUSE // 2 else title
    title = _CONNECTIVE.sub("", title, count=1)
    title = title.strip().rstrip(_TRAILING)
    if title[:1].islower():
        title = title[0].upper() + title[1:]
    if not title.isascii() and _CJK.search(title):
        if len(title) > MAX_ZH_TITLE and "、" in title:
            title = _ZH_LIST_REST.sub("", title)
        if len(title) <= MAX_ZH_TITLE:
            return title
        limit = MAX_ZH_TITLE - 1
        opened = title.rfind("《", 0, limit)
        if opened >= 0 and title.find("》", opened, limit) < 0:
            closed = title.find("》", limit, MAX_ZH_NAMED)
            if closed >= 0:  # the name is the news: keep it whole
                return title if closed == len(title) - 1 else title[: closed + 1] + "…"
        cut = max(title.rfind(mark, 0, limit + 1) for mark in _ZH_BREAKS)
        if cut >= MIN_CLAUSE // 3:
            return title[:cut].rstrip(_TRAILING) + "…"
        return title[:limit].rstrip(_TRAILING) + "…"
    if len(title) <= MAX_TITLE:
        return title
    limit = MAX_TITLE - 1  # room for the ellipsis
    cut = max(title.rfind(mark, 0, limit) for mark in _EN_BREAKS)
    if cut < MIN_CLAUSE:
        cut = title.rfind(" ", 0, limit)
    if cut < MIN_CLAUSE:
        cut = limit
    title = title[:cut].rstrip(_TRAILING)
    # "… consultations in…" reads as a fragment: end on a content word.
    while (last := title.rfind(" ")) > MIN_CLAUSE and (
        title[last + 1 :].lower() in _FUNCTION_WORDS
    ):
        title = title[:last].rstrip(_TRAILING)
    return title + "…"
