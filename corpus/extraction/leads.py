"""The lead of a news article: its first body sentences, and whether one of them
reports the news itself ("X has received a USD 30 million investment") without
a date, so the publication date is the best date it has."""

from __future__ import annotations

import re

from corpus.extraction.sentences import Sentence

__all__ = ["LEAD_SENTENCES", "is_news_hook", "lead_sentences"]

# How many body sentences count as the lead, and how far into the article
# to look for the first one (past the title, dateline and furniture).
LEAD_SENTENCES = 2
_SEARCH = 12

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_FINAL = frozenset(".!。！")
_MIN_WORDS = 10
_MIN_CJK = 20

# Verbs that report something as done or made public. "announced" is also a
# statement cue, the others cues of kinds; none says it lies ahead.
_DONE_EN = frozenset(
    [
        "announced",
        "announces",
        "received",
        "receives",
        "completed",
        "completes",
        "closed",
        "raised",
        "secured",
        "signed",
        "approved",
        "launched",
        "unveiled",
        "released",
        "acquired",
        "obtained",
        "won",
        "granted",
        "awarded",
    ]
)
_DONE_ZH = (
    "宣布", "完成", "获得", "獲得", "获批", "獲批", "签署", "簽署", "发布", "發布",
    "推出", "落地", "斩获", "斬獲", "收购", "收購", "投资", "投資",
)  # fmt: skip
_DONE_NOUNS_ZH = ("完成情况", "完成情況", "完成率")
# Questions, conditions and reported intentions are not the news.
_NOT_DONE_EN = frozenset(
    ["will", "would", "could", "may", "might", "if", "whether", "plans", "aims"]
)
_NOT_DONE_ZH = ("将", "將", "拟", "擬", "计划", "計劃", "预计", "預計", "如果", "是否")


def lead_sentences(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """The first LEAD_SENTENCES sentences of the first body paragraph: the
    first paragraph holding a long sentence that ends like prose (a title,
    dateline or byline does not)."""
    for i, sentence in enumerate(sentences[:_SEARCH]):
        if _is_prose(sentence.text):
            lead = [sentence]
            for following in sentences[i + 1 : i + LEAD_SENTENCES]:
                if "\n" in text[lead[-1].end : following.start]:
                    break
                lead.append(following)
            return lead
    return []


def _is_prose(text: str) -> bool:
    stripped = text.rstrip(' "”’)）')
    if not stripped or stripped[-1] not in _FINAL:
        return False
    if not text.isascii() and _CJK.search(text):
        return len(_CJK.findall(text)) >= _MIN_CJK
    return len(_WORD.findall(text)) >= _MIN_WORDS


def is_news_hook(text: str, *, kind: str, has_amount: bool) -> bool:
    """Whether a lead sentence reports a completed fact: a kind of event with
    an amount or a verb of completion or announcement, and no sign that it
    lies ahead or is only asked about."""
    if text.rstrip().endswith(("?", "？")):
        return False
    if kind == "other":
        return False
    if not text.isascii() and _CJK.search(text):
        if any(word in text for word in _NOT_DONE_ZH):
            return False
        # 完成情况, 完成率: the noun, not the verb.
        done = any(word in text for word in _DONE_ZH) and not any(
            noun in text for noun in _DONE_NOUNS_ZH
        )
    else:
        words = {w.lower() for w in _WORD.findall(text)}
        if not words.isdisjoint(_NOT_DONE_EN):
            return False
        done = not words.isdisjoint(_DONE_EN)
    return done or (has_amount and kind != "statement")
