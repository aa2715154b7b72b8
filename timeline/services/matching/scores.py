"""How alike an extracted candidate and an event are: their `Facts` and the
score of the two (see the package's docstring for what counts)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

from rapidfuzz import fuzz, process

from corpus.extraction.events import EventCandidate
from timeline.models import Entity

MATCH_THRESHOLD = 0.5
AMOUNT_WEIGHT = 0.5
ACTOR_WEIGHT = 0.2
TEXT_WEIGHT = 0.6
# Two names are one entity at this rapidfuzz ratio ("Hengrui Medicine" vs
# "Hengrui Medicines"); a shorter name inside a longer one also counts.
NAME_RATIO = 90
ACTOR_KINDS = frozenset(
    {Entity.Kind.COMPANY, Entity.Kind.ORGANISATION, Entity.Kind.PROGRAMME}
)
NOTHING: frozenset = frozenset()
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
NOT_WORD = re.compile(r"[\W_]+")
# `NOT_WORD.sub(" ", …).strip()` of an ASCII text, lower-cased too, as a
# translation: each letter or digit to its lower case, anything else to a
# space (the ASCII characters `[\W_]` matches), the spaces then folded by
# `split`. Some three times faster than the regular expression.
ASCII_WORDS = str.maketrans(
    {i: chr(i).lower() if chr(i).isalnum() else " " for i in range(128)}
)
# A capitalised word, or a word mixing letters and digits ("PD-1"), with any
# possessive 's left off.
NAME = re.compile(
    r"(?<![\w'’-])(?:[A-Z][\w-]*|[A-Za-z][\w-]*\d[\w-]*|\d[\w-]*[A-Za-z][\w-]*)"
    r"(?:['’]s)?"
)
WORD = re.compile(r"[^\W_]+")
# Capitalised for grammar or the calendar, not because they name something.
NOT_NAMES = frozenset(
    """a an the in on at by for of to as and or but it its he she they we this
    that these those there here according after before while when with from
    monday tuesday wednesday thursday friday saturday sunday january february
    march april may june july august september october november december jan
    feb mar apr jun jul aug sep sept oct nov dec mr ms dr""".split()  # noqa: SIM905
)
# A dateline or wire credit before the story: "BEIJING --", "(Xinhua) --".
DATELINE = re.compile(r"^[^.!?\n]{0,80}?\s(?:--|—|–)\s")
# Kinds of entity whose names are setting, not subject.
SETTING_KINDS = frozenset(
    {Entity.Kind.PLACE, Entity.Kind.GOVERNMENT_BODY, Entity.Kind.PERSON}
)


class Facts:
    """What a candidate or an event states, normalised for comparison.

    Names and words are worked out only when a comparison gets that far.
    """

    def __init__(
        self,
        texts: list[str],
        amounts: Iterable[tuple[Decimal, str]],
        mentions: Iterable[tuple[str, str]],
    ) -> None:
        self.raw = texts
        self._texts: tuple[tuple[str, bool], ...] | None = None
        self._by_script: tuple[list[str], list[str]] | None = None
        self.amounts = frozenset(amounts)
        self.mentions = list(mentions)
        self.actors: frozenset[str] = NOTHING
        self.others: frozenset[str] = NOTHING  # places, people, bodies
        if self.mentions:  # most events of a pool have none: no sets to make
            entities = _entities(self.mentions)
            self.actors, self.others = entities["actors"], entities["others"]
        # No amount, actor or other name: `stated_score` against anything is
        # 0 (each of its terms needs both sides), as for most pool events.
        self.states_nothing = not (self.amounts or self.actors or self.others)

    @property
    def texts(self) -> tuple[tuple[str, bool], ...]:
        """(normalised text, whether it is Chinese), empty ones left out: only
        for events that the amounts and actors did not tell apart already.
        Kept once made (not a cached_property: its lock cost more than
        normalising the short texts)."""
        if (found := self._texts) is None:
            texts = []
            for text in self.raw:  # a loop: the generators cost more than the work
                if normalised := normalise(text):
                    # Stripped and not empty: an ASCII one is not all spaces,
                    # so not Chinese (`is_chinese`, without the call).
                    zh = not normalised.isascii() and is_chinese(normalised)
                    texts.append((normalised, zh))
            found = self._texts = tuple(texts)
        return found

    @property
    def by_script(self) -> tuple[list[str], list[str]]:
        """The `texts` as `wordings` compares them: the alphabetic ones, and
        the Chinese ones without spaces; kept once made."""
        if (found := self._by_script) is None:
            words, chinese = [], []
            for text, zh in self.texts:
                if zh:
                    chinese.append(text.replace(" ", ""))
                else:
                    words.append(text)
            found = self._by_script = (words, chinese)
        return found

    def with_text(self, text: str) -> Facts:
        """These facts and one more text (a quote cited since they were read)."""
        return Facts([*self.raw, text], self.amounts, self.mentions)

    @classmethod
    def of_candidate(cls, candidate: EventCandidate) -> Facts:
        return cls(
            [candidate.title, candidate.quote],
            ((Decimal(a.value).normalize(), a.currency) for a in candidate.amounts),
            ((m.name, m.kind) for m in candidate.entities),
        )

    @cached_property
    def _names_and_words(self) -> dict[str, frozenset[str]]:
        setting = {
            _bare(word)
            for name, kind in self.mentions
            if kind in SETTING_KINDS
            for word in WORD.findall(unicodedata.normalize("NFKC", name))
        }
        return _names_and_words(self.raw, setting)

    @property
    def names(self) -> frozenset[str]:
        """Named in alphabetic text, lower case."""
        return self._names_and_words["names"]

    @property
    def words(self) -> frozenset[str]:
        """Every word, lower case."""
        return self._names_and_words["words"]

    def names_unknown_to(self, other: Facts) -> set[str]:
        """Names here that the other's texts never mention."""
        return {
            name
            for name in self.names
            if name not in other.words
            and not any(fuzz.ratio(name, word) >= NAME_RATIO for word in other.words)
        }


def normalise(text: str) -> str:
    """Case, width and punctuation folded: ２０２４ = 2024, "A.I." ~ "a i"."""
    if text.isascii():  # as NFKC, casefold and NOT_WORD would leave it, sooner
        return " ".join(text.translate(ASCII_WORDS).split())
    folded = unicodedata.normalize("NFKC", text).casefold()
    return NOT_WORD.sub(" ", folded).strip()


def is_chinese(text: str) -> bool:
    if text.isascii():  # no CJK character: Chinese only if it is all spaces
        return not text.replace(" ", "")
    return len(CJK.findall(text)) * 3 >= len(text.replace(" ", ""))


def text_similarity(
    a: str, b: str, chinese: bool | None = None, at_least: float = 0.0
) -> float:
    """0..1: how alike two normalised texts are, in either language; 0 as
    soon as it is clear the result would be below `at_least`."""
    if not a or not b:
        return 0.0
    if chinese is None:
        chinese = is_chinese(a) or is_chinese(b)
    if chinese:
        a, b = a.replace(" ", ""), b.replace(" ", "")
        return fuzz.ratio(a, b, score_cutoff=at_least * 100) / 100
    # Set ratio alone scores a short title inside any long text as 1.0; sort
    # ratio alone punishes a shorter wording of the same words. Their mean
    # reaches `at_least` only if each reaches 2 × at_least - 1.
    cutoff = max(0.0, 2 * at_least - 1) * 100
    by_set = fuzz.token_set_ratio(a, b, score_cutoff=cutoff)
    if not by_set:
        return 0.0
    by_order = fuzz.token_sort_ratio(a, b, score_cutoff=cutoff)
    return 0.0 if not by_order else (by_set + by_order) / 200


def names_match(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= (2 if is_chinese(shorter) else 4) and shorter in longer:
        return True
    return fuzz.ratio(a, b) >= NAME_RATIO


def _any_name_matches(ours: Iterable[str], theirs: Iterable[str]) -> int:
    theirs = list(theirs)
    return sum(1 for a in ours if any(names_match(a, b) for b in theirs))


def match_score(candidate: Facts, event: Facts) -> float:
    """0..1 (0 when the two are different facts); see the module docstring."""
    score = stated_score(candidate, event)
    if score is None:
        return 0.0
    needed = wording_needed(score)
    if needed > 1:
        return score  # no wording could make it a match
    wording = max(
        (
            text_similarity(a, b, a_zh or b_zh, needed)
            for a, a_zh in candidate.texts
            for b, b_zh in event.texts
        ),
        default=0.0,
    )
    return worded_score(candidate, event, score, wording)


def stated_score(candidate: Facts, event: Facts) -> float | None:
    """What the amounts and actors add to the score; None when they show two
    different facts."""
    score = 0.0
    if candidate.amounts and event.amounts:
        if not candidate.amounts & event.amounts:
            return None
        score += AMOUNT_WEIGHT
    if candidate.actors and event.actors:
        shared = _any_name_matches(candidate.actors, event.actors)
        if not shared:
            return None
        score += ACTOR_WEIGHT * shared / min(len(candidate.actors), len(event.actors))
    elif candidate.others and event.others:
        shared = _any_name_matches(candidate.others, event.others)
        score += ACTOR_WEIGHT / 2 * shared / len(candidate.others)
    return score


def wording_needed(score: float) -> float:
    """The text similarity that would bring `score` to the threshold."""
    return (MATCH_THRESHOLD - score) / TEXT_WEIGHT


def worded_score(candidate: Facts, event: Facts, score: float, wording: float) -> float:
    """The stated `score` with the best `wording` similarity of the texts."""
    score = min(score + TEXT_WEIGHT * wording, 1.0)
    # Names last: the dearest check, and only for what would match.
    if score < MATCH_THRESHOLD:
        return score
    if candidate.names_unknown_to(event) and event.names_unknown_to(candidate):
        return 0.0
    return score


def wordings(candidate: Facts, events: list[tuple[Facts, float]]) -> list[float]:
    """For each (event, needed), the wording `match_score` finds: the best
    `text_similarity(a, b, chinese, needed)` of the candidate's texts and the
    event's, each text scored against all the events' in one rapidfuzz call."""
    best = [0.0] * len(events)
    # needed -> the event numbers and texts of the alphabetic texts, then of
    # the Chinese ones (without spaces): made once for the candidate's texts.
    by_needed: dict[float, tuple[list, list, list, list]] = {}
    for number, (facts, needed) in enumerate(events):
        if (group := by_needed.get(needed)) is None:
            group = by_needed[needed] = ([], [], [], [])
        words, chinese = facts.by_script
        if words:
            group[0].extend([number] * len(words))
            group[1].extend(words)
        if chinese:
            group[2].extend([number] * len(chinese))
            group[3].extend(chinese)
    for needed, (word_numbers, words, zh_numbers, zh_texts) in by_needed.items():
        squeezed = None  # the alphabetic texts without spaces, if wanted
        for a, a_zh in candidate.texts:
            numbers, chinese = zh_numbers, zh_texts
            if a_zh:  # then every text is compared as Chinese
                if squeezed is None:
                    squeezed = [b.replace(" ", "") for b in words]
                numbers, chinese = zh_numbers + word_numbers, zh_texts + squeezed
            if chinese:
                found = process.extract(
                    a.replace(" ", ""),
                    chinese,
                    scorer=fuzz.ratio,
                    score_cutoff=max(0.0, needed) * 100,
                    limit=None,
                )
                for _, ratio, index in found:
                    number = numbers[index]
                    best[number] = max(best[number], ratio / 100)
            if words and not a_zh:
                # As text_similarity: set ratio first, sort ratio for the rest.
                cutoff = max(0.0, 2 * needed - 1) * 100
                found = process.extract(
                    a,
                    words,
                    scorer=fuzz.token_set_ratio,
                    score_cutoff=cutoff,
                    limit=None,
                )
                for b, by_set, index in found:
                    by_order = by_set and fuzz.token_sort_ratio(
                        a, b, score_cutoff=cutoff
                    )
                    if by_order:
                        number = word_numbers[index]
                        best[number] = max(best[number], (by_set + by_order) / 200)
    return best


def _names_and_words(
    texts: Iterable[str], setting: set[str]
) -> dict[str, frozenset[str]]:
    """The names in `texts` (less the `setting` words) and all their words."""
    names, words = set(), set()
    for text in texts:
        text = unicodedata.normalize("NFKC", text)
        words.update(_bare(w) for w in WORD.findall(text))
        text = DATELINE.sub(" ", text, count=1)
        for match in NAME.finditer(text):
            if _sentence_initial(text, match) and not _looks_named(text, match):
                continue
            name = _bare(match[0])
            if name not in NOT_NAMES and name not in setting and not is_chinese(name):
                names.add(name)
    return {"names": frozenset(names), "words": frozenset(words)}


def _sentence_initial(text: str, match: re.Match) -> bool:
    before = text[: match.start()].rstrip()
    return match[0][0].isupper() and (not before or before[-1] in '.!?:;"“')


def _looks_named(text: str, match: re.Match) -> bool:
    """A sentence's first word that is a name all the same: "BeiGene will",
    "Hengrui Medicine said", "Pfizer's board" (not "Hospitals across")."""
    word = match[0]
    if any(c.isupper() or c.isdigit() for c in word[1:]) or word[-2:] in ("'s", "’s"):
        return True
    following = text[match.end() :].lstrip()
    return bool(following) and following[0].isupper()


def _bare(word: str) -> str:
    """Lower case, without a possessive or a trailing hyphen."""
    word = word.casefold()
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    return word.strip("-")


def _entities(mentions: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    actors, others = set(), set()
    for name, kind in mentions:
        (actors if kind in ACTOR_KINDS else others).add(normalise(name))
    actors.discard("")
    others.discard("")
    return {"actors": frozenset(actors), "others": frozenset(others)}
