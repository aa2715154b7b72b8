"""English temporal-expression engine: the rules of `timex_en_rules`, keyed by
the first token they can start with, tried at every token of a text that starts
one."""

from __future__ import annotations

import re
from itertools import accumulate

from corpus.extraction.prechecks import has_case_traps
from corpus.extraction.timex_common import Cand, Ctx
from corpus.extraction.timex_en_lexicon import (
    NUM,
    NUM_DIGITS,
    NUM_WORDS,
    TENS,
    Handler,
)
from corpus.extraction.timex_en_rules import MONTH_KEYS, RULE_SPECS

_NUM_KEYS = ["#s", "#o", "a", "an", "several", "few", "many", *NUM_WORDS, *TENS]


Rule = tuple[re.Pattern[str], Handler, int]
# A key's rules and, when it has more than two, their union as a gate.
Entry = tuple[re.Pattern[str] | None, list[Rule]]
_GROUP_NAME = re.compile(r"\(\?P<\w+>")
_BACKREF = re.compile(r"\(\?P=\w+\)")
_DIGIT_KEYS = frozenset(("#s", "#o"))
# Nearly every four-digit token from 1000 to 2999 is a year that h_year takes:
# a gate would let them all through at the price of one more match each.
_UNGATED = frozenset(("#y",))


def _gate(patterns: list[str]) -> re.Pattern[str]:
    """The union of a key's rules without group names: one cheap match call
    rejects the many tokens ("the", "a", plain numbers) that start no date."""
    parts = [_BACKREF.sub("[-/.]", _GROUP_NAME.sub("(?:", p)) for p in patterns]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _for_key(pattern: str, key: str) -> str:
    # A number token can only start NUM's digit branch: without the forty
    # number words the rule fails far sooner on the many plain numbers.
    return pattern.replace(NUM, NUM_DIGITS) if key in _DIGIT_KEYS else pattern


def _build() -> dict[str, Entry]:
    rules_by_key: dict[str, list[Rule]] = {}
    sources: dict[str, list[str]] = {}
    compiled: dict[str, re.Pattern[str]] = {}
    for rank, (keys, pattern, handler, _needs) in enumerate(RULE_SPECS):
        expanded: list[str] = []
        for k in keys.split():
            if k == "MON":
                expanded += MONTH_KEYS
            elif k == "NUM":
                expanded += _NUM_KEYS
            else:
                expanded.append(k.lower())
        for k in dict.fromkeys(expanded):
            source = _for_key(pattern, k)
            if source not in compiled:
                compiled[source] = re.compile(source)
            rules_by_key.setdefault(k, []).append((compiled[source], handler, rank))
            sources.setdefault(k, []).append(source)
    return {
        k: (_gate(sources[k]) if len(rules) > 2 and k not in _UNGATED else None, rules)
        for k, rules in rules_by_key.items()
    }


_TABLE = _build()
# Letter runs, digit runs and 'digits ("'19"). Each branch opens with a plain
# character class, so the engine skips the characters between tokens by that
# class instead of trying the whole pattern at each: "([A-Za-z]+|'?\d+)" cost
# 15 % more instructions.
_TOKEN_SPLIT = re.compile(r"([A-Za-z][A-Za-z]*|'\d+|\d\d*)")
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


def _try_rules(ctx: Ctx, pos: int, entry: Entry, out: list[Cand]) -> None:
    gate, rules = entry
    text = ctx.text
    if gate is not None and gate.match(text, pos) is None:
        return
    for rx, handler, rank in rules:
        m = rx.match(text, pos)
        if m is None or m.end() == pos:
            continue
        cand = handler(m, ctx)
        if cand is not None:
            cand.rank = rank
            out.append(cand)


def _tokenised_triggers(text: str) -> tuple[list[tuple[int, str]], set[str]]:
    """Every trigger token of `text` with its offset, and the set of all its
    tokens: the whole-text tokenisation, for texts whose lowercasing moves
    offsets or token boundaries (U+0130 "İ" grows, U+212A "K" becomes "k")."""
    parts = _TOKEN_SPLIT.split(text)
    words = [w.lower() for w in parts[1::2]]
    # One start per token, and the text's end.
    starts = list(accumulate(map(len, parts)))[::2]
    table = _TABLE
    hits = [
        (at, w)
        for at, w in zip(starts, words, strict=False)
        if w in table or w[0] <= "9"
    ]
    return hits, set(words)


def _found_triggers(lowered: str, text: str) -> tuple[list[tuple[int, str]], set[str]]:
    """The trigger tokens of `lowered` that may start a rule, with their
    offsets, and which needed words (see _NEEDS) it holds as tokens.

    Found without tokenising the text in the regex engine: most of its
    ~1,600 tokens per article start nothing. Its letter runs become words
    between spaces in one byte string (`str.encode`, `bytes.translate`: one
    byte per character, so offsets stay), one split tells which looked-for
    words occur, and `bytes.find` places each. Number tokens are those that
    follow no letter; one glued to a letter is inside a code and starts
    nothing, except after "T" (ISO datetimes), searched apart."""
    table = _TABLE
    hits = [(m.start(), m[0]) for m in _NUMBER_TOKEN.finditer(lowered)]
    vocabulary: set[str] = set()
    words = b" " + lowered.encode("ascii", "replace").translate(_LETTERS_ONLY) + b" "
    for found in _LOOKED_FOR_BYTES.keys() & words.split():
        word, needle, is_needed = _LOOKED_FOR_BYTES[found]
        if is_needed:
            vocabulary.add(word)
        if word in table:
            # In `words` the needle's leading space stands at the word's offset.
            at = words.find(needle)
            while at >= 0:
                hits.append((at, word))
                at = words.find(needle, at + len(needle) - 1)
    if "T" in text:
        hits.extend(
            (m.end(), _NUMBER.match(lowered, m.end())[0])
            for m in _T_NUMBER.finditer(text)
        )
    hits.sort()
    return hits, vocabulary


# The last tokens before an offset, read in the reversed text: letter runs,
# digit runs each with the quote before it (\'19), and whatever lies between.
_TOKEN_BACK = "([A-Za-z]+|\\d+'?)"
_BEFORE = re.compile(
    rf"[^A-Za-z\d]*{_TOKEN_BACK}(?:[^A-Za-z\d]*{_TOKEN_BACK}"
    rf"(?:[^A-Za-z\d]*{_TOKEN_BACK}(?:[^A-Za-z\d]*{_TOKEN_BACK})?)?)?"
)


def candidates(ctx: Ctx) -> list[Cand]:
    """Every English rule match, keyed on the token each match starts with."""
    text = ctx.text
    lowered = text.lower()
    # Lowercasing keeps the offsets and token boundaries unless a character
    # lowercases into ASCII (U+0130 "İ" grows, U+212A "K" becomes "k").
    clean = len(lowered) == len(text) and "\u212a" not in text
    if clean:
        tokens = lowered
        hits, vocabulary = _found_triggers(lowered, text)
    else:
        tokens = text
        hits, vocabulary = _tokenised_triggers(text)
    backwards, length = tokens[::-1], len(tokens)
    absent = _absent_rules(text, vocabulary)
    pruned = _pruned_entries(absent)
    table, passive, empty = _TABLE, _PASSIVE_BACK, _EMPTY
    out: list[Cand] = []
    tried = 0  # where the last trigger ends: openers before it are done with
    for pos, word in hits:
        first = word[0]
        entry = table.get(_digit_key(word), empty) if first <= "9" else table[word]
        # A token glued to a preceding letter or digit is inside a code
        # ("6G", "A330"); ISO datetimes keep their "T".
        if (
            pos
            and text[pos - 1].isalnum()
            and (first.isalpha() or text[pos - 1] != "T")
        ):
            continue
        # Openers ("the", "a", "more") are tried only when a trigger follows
        # within a few tokens, each once, in text order.
        # In the reversed text, the at most four tokens between the last
        # trigger and this one, nearest first.
        before = (
            _BEFORE.match(backwards, length - pos, length - tried)
            if pos - tried > 1
            else None
        )
        if before is not None:
            for k in range(before.lastindex, 0, -1):
                opener = passive.get(before[k] if clean else before[k].lower())
                if opener is not None:
                    at = length - before.end(k)
                    if not (at and text[at - 1].isalnum()):
                        if absent:
                            opener = pruned.get(id(opener)) or _prune(opener, pruned)
                        _try_rules(ctx, at, opener, out)
        tried = pos + len(word)
        if entry is not empty:
            if absent:
                entry = pruned.get(id(entry)) or _prune(entry, pruned)
            _try_rules(ctx, pos, entry, out)
    return out


def _needs() -> list[tuple[int, frozenset[str], tuple[str, ...]]]:
    needs = []
    for rank, (*_, needed) in enumerate(RULE_SPECS):
        items = needed.split()
        if items:
            words = frozenset(w for w in items if w.isalpha())
            marks = tuple(w for w in items if not w.isalpha())
            needs.append((rank, words, marks))
    return needs


_NEEDS = _needs()
_NEEDED_WORDS = frozenset().union(*(words for _, words, _ in _NEEDS))


def _absent_rules(text: str, vocabulary: set[str]) -> frozenset[int]:
    """Ranks of the rules `text` cannot match: none of their needed words or
    marks occur in it. One set of its tokens answers for every rule."""
    if has_case_traps(text):
        return frozenset()  # tokens may miss what the patterns would match
    return frozenset(
        rank
        for rank, needed, marks in _NEEDS
        if needed.isdisjoint(vocabulary) and not any(m in text for m in marks)
    )


# Each key's entry without the absent rules, per set of absent rules, filled
# in as keys come up. Articles on one subject share most sets; the bound only
# keeps a varied corpus from growing the cache without end.
_PRUNED: dict[frozenset[int], _Pruned] = {}
_MAX_PRUNED = 256


class _Pruned(dict[int, Entry]):
    """Entries without the absent rules, by id of the full entry."""

    def __init__(self, absent: frozenset[int]) -> None:
        super().__init__()
        self.absent = absent


def _pruned_entries(absent: frozenset[int]) -> _Pruned:
    found = _PRUNED.get(absent)
    if found is None:
        if len(_PRUNED) >= _MAX_PRUNED:
            _PRUNED.clear()
        found = _PRUNED[absent] = _Pruned(absent)
    return found


def _prune(entry: Entry, pruned: _Pruned) -> Entry:
    gate, rules = entry
    kept = [rule for rule in rules if rule[2] not in pruned.absent]
    # The full gate still rejects whatever the kept rules would; compiling
    # one per set of kept rules would cost milliseconds per new article.
    found = pruned[id(entry)] = (
        (gate if len(kept) > 2 else None, kept) if kept else _EMPTY
    )
    return found


def _split_passive() -> dict[str, Entry]:
    passive = {}
    for word in _PASSIVE:
        entry = _TABLE.pop(word, None)
        if entry is not None:
            passive[word] = entry
    return passive


_EMPTY: Entry = (None, [])
_PASSIVE_TABLE = _split_passive()
# Keyed by the reversed word, as the tokens before a trigger are read.
_PASSIVE_BACK = {word[::-1]: entry for word, entry in _PASSIVE_TABLE.items()}
for _word in _EXTRA_TRIGGERS:
    _TABLE.setdefault(_word, _EMPTY)


# A trigger or needed word as a whole letter token, by its bytes: the word, the
# word between spaces as `_found_triggers` finds it, and whether it is needed.
_LOOKED_FOR = sorted(w for w in {*_TABLE, *_NEEDED_WORDS} if re.fullmatch("[a-z]+", w))
_LOOKED_FOR_BYTES = {
    w.encode(): (w, f" {w} ".encode(), w in _NEEDED_WORDS) for w in _LOOKED_FOR
}
# Every byte but a lowercase ASCII letter becomes a space: a text encoded with
# "?" for each non-ASCII character becomes its letter runs between spaces.
_LETTERS_ONLY = bytes(c if 0x61 <= c <= 0x7A else 0x20 for c in range(256))
# A number token: digits after neither a letter, a digit nor "'", or 'digits
# after no letter. It opens with a plain class the engine scans for, and looks
# behind only there (a look-behind first would be tried at every offset).
_NUMBER_TOKEN = re.compile(
    r"[0-9'](?:(?<=[0-9])(?<![A-Za-z\d'][0-9])\d*|(?<=')(?<![A-Za-z]')\d+)"
)
_T_NUMBER = re.compile(r"T(?=[0-9]|'\d)")
_NUMBER = re.compile(r"'\d+|\d+")
