"""Sentence segmentation for English and Chinese news text, with character offsets.

Rule-based: ends a sentence at . ! ? (English, unless the period belongs to an
abbreviation, an initial or a number) and at 。！？； (Chinese), and always at
a blank line or a line break between a short headline-like line and the next.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from corpus.extraction.prechecks import char_positions

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


# Periods after these never end a sentence ("Sept. 4", "Dr. Wang", "No. 2").
ABBREVIATIONS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "no",
        "nos",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "al",
        "fig",
        "co",
        "corp",
        "inc",
        "ltd",
        "plc",
        "gov",
        "govt",
        "dept",
        "univ",
        "approx",
        "est",
        "u.s",
        "u.k",
        "u.n",
        "a.m",
        "p.m",
        "mt",
        "ft",
    ]
)

_LINE_BREAK = re.compile(r"\n")
# A candidate sentence end: terminal punctuation, optional closing quotes or
# brackets, then white space (English) — or any Chinese terminal mark.
_END = re.compile(
    r"""(?:[.!?]+["'”’)\]]*(?=\s)|[.!?]+["'”’)\]]*\Z|[。！？；]+[”’」』)）]*)"""
)
# The characters _END can start with.
_MARKS = ".!?。！？；"


_WORD_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."
_WORD_CHARS = frozenset(_WORD_TEXT)


def _is_abbreviation(text: str, dot: int) -> bool:
    # A period after a digit, quote or bracket ends no abbreviation: no regex.
    if text[dot - 1 : dot] not in _WORD_CHARS:
        return False
    # Look back a few characters only: searching from 0 would make the
    # segmentation quadratic in the article's length.
    before = _word_before(text[max(0, dot - 24) : dot])
    if not before:
        return False
    word = before.lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("Xi J. Ping", "U.S.").
    return len(word) == 1 and before.isupper()


def _word_before(window: str) -> str:
    """What `([A-Za-z][A-Za-z.]*)\\Z` finds in `window` ("" for nothing), by
    stripping the letters and periods it ends in (a C loop) instead of trying
    every start."""
    return window[len(window.rstrip(_WORD_TEXT)) :].lstrip(".")


def _split_block(
    text: str, start: int, end: int, marks: list[int], out: list[Sentence]
) -> None:
    position = resume = start
    # Every sentence end opens with a terminal mark, so trying _END only where
    # one stands finds what _END.finditer would, without scanning each
    # character of the block in the regex engine.
    for index in range(bisect_left(marks, start), bisect_left(marks, end)):
        at = marks[index]
        if at < resume:
            continue
        match = _END.match(text, at, end)
        if match is None:
            continue
        resume = match.end()
        if resume == end or text[resume:end].isspace():
            # The block's last mark: ending here or not, the sentence ends
            # with the block, so the abbreviation tests are not needed.
            break
        mark = match.group(0)
        if mark[0] == "." and len(mark.rstrip("\"'”’)]")) == 1:
            if _is_abbreviation(text, at):
                continue
            following = text[resume : resume + 3].lstrip()
            # "... in Beijing. [Photo/VCG]" ends; "approx. 5" and "e.g. the" don't.
            if following[:1].islower():
                continue
        _emit(text, position, resume, out)
        position = resume
    if position < end:
        _emit(text, position, end, out)


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    # str.strip() trims exactly the characters str.isspace() accepts, in C.
    raw = text[start:end]
    body = raw.lstrip()
    if body:
        start += len(raw) - len(body)
        body = body.rstrip()
        out.append(Sentence(start, start + len(body), body))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` in order; `text[s.start:s.end] == s.text` always."""
    out: list[Sentence] = []
    marks = char_positions(text, _MARKS)
    block_start = 0
    # Every line break ends a block: news pages put headlines, bylines and
    # paragraphs on lines of their own, and no sentence spans two paragraphs.
    for match in _LINE_BREAK.finditer(text):
        block_end = match.start()
        if block_end > block_start:  # a blank line holds no sentence
            _split_block(text, block_start, block_end, marks, out)
        block_start = match.end()
    _split_block(text, block_start, len(text), marks, out)
    return out
