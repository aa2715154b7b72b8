"""Candidate events: a dated sentence tied to what happened, with its evidence.

For each sentence that carries a resolvable date, the extractor proposes one
candidate per date: kind and modality from lexical cues, amounts and entities
found in the same clause, the sentence as the supporting quote (with offsets),
and a confidence. Facts repeated within an article become one candidate.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from corpus.dates import InvalidEdtf, describe_edtf
from corpus.extraction.amounts import Amount, extract_amounts
from corpus.extraction.anchors import (
    approximate_now,
    context_year,
    dateline_end,
    is_comparison_base,
    is_furniture,
    is_in_name,
    is_not_prose,
    is_phase_length,
)
from corpus.extraction.cues import classify, classify_kind, classify_modality
from corpus.extraction.entities import EntityMention, find_entities
from corpus.extraction.leads import is_news_hook, lead_sentences
from corpus.extraction.prechecks import CASE_TRAPS
from corpus.extraction.sentences import Sentence, split_sentences
from corpus.extraction.timex import Timex, tag_dates
from corpus.extraction.titles import MAX_TITLE, headline

__all__ = [
    "CandidateDate",
    "EventCandidate",
    "dated_by_context_year",
    "extract_events",
]


@dataclass(frozen=True, slots=True)
class CandidateDate:
    edtf: str
    text: str
    lower: datetime.date
    upper: datetime.date
    precision: str


@dataclass(frozen=True, slots=True)
class EventCandidate:
    title: str
    kind: str
    modality: str
    date: CandidateDate
    quote: str
    start: int
    end: int
    amounts: tuple[Amount, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    confidence: float = 0.5
    cues: tuple[str, ...] = field(default=(), compare=False)
    # What the editor should check ("the publication year is a guess").
    notes: tuple[str, ...] = ()


# Lines that only anchor the page, never an event ("Updated: 2018-10-14 07:30",
# "Share - WeChat"); "published" or "share" in prose ("per share") are words.
BOILERPLATE = re.compile(
    r"^\W*(?:updated|published|posted|share)\b"
    r"|\b(?:updated|published|posted)(?:\s+(?:on|at))?\s*[:：]"
    r"|\b(?:copyright|all rights reserved)\b|©",
    re.IGNORECASE,
)

# Substrings BOILERPLATE cannot match without: testing them is far cheaper
# than the case-insensitive regex. Case-insensitive matching also pairs "s",
# "k" and "i" with characters that lower() leaves alone; those take the regex.
_BOILERPLATE_WORDS = (
    "updated",
    "published",
    "posted",
    "copyright",
    "all rights reserved",
    "share",
)
_BOILERPLATE_CHARS = ("©", *CASE_TRAPS)


def _may_be_boilerplate(text: str) -> bool:
    # The characters are all non-ASCII; str.isascii() reads a flag, no scan.
    if not text.isascii() and any(char in text for char in _BOILERPLATE_CHARS):
        return True
    lowered = text.lower()
    return any(word in lowered for word in _BOILERPLATE_WORDS)


MIN_WORDS = 5
MIN_CJK_CHARS = 10
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
# Whether WORD (CJK) finds at least MIN_WORDS (MIN_CJK_CHARS) matches, in one
# call and without building the list: the possessive quantifiers step from
# match to match exactly as findall does.
ENOUGH_WORDS = re.compile(rf"(?:[^A-Za-z0-9]*+[A-Za-z0-9][\w'’-]*+){{{MIN_WORDS}}}")
ENOUGH_CJK = re.compile(rf"(?:[^\u4e00-\u9fff]*+[\u4e00-\u9fff]){{{MIN_CJK_CHARS}}}")


def extract_events(
    text: str, *, published_on: datetime.date | None = None
) -> list[EventCandidate]:
    """Propose dated events found in `text` (an article as stored).

    Without a publication date, the year the text was written in is taken
    from its context (`context_year`): dates that need only a year resolve
    in it, and their candidates say so in their notes."""
    timexes, guessed = _event_dates(text, published_on)
    if not timexes and published_on is None:
        return []
    amounts = extract_amounts(text)
    sentences = split_sentences(text)
    candidates: list[EventCandidate] = []
    if published_on is not None:
        candidates.extend(_lead_hooks(text, sentences, timexes, amounts, published_on))
    t_index = 0
    amount_finder = _AmountFinder(amounts)
    # The sentence before, when it carries dates.
    previous: tuple[Sentence, list[Timex]] | None = None
    # The date of the news: the first date in the text, when it is a day.
    dated = False
    hook: Timex | None = None
    count = len(sentences)
    i = 0
    while i < count:
        sentence = sentences[i]
        i += 1
        while t_index < len(timexes) and timexes[t_index].start < sentence.start:
            t_index += 1
        dates = []
        while t_index < len(timexes) and timexes[t_index].end <= sentence.end:
            dates.append(timexes[t_index])
            t_index += 1
        if not dates:
            # "Among them, …" / 其中… / "During the same period, …" speaks of
            # the time of the sentence before.
            # "本轮调整后, …" speaks of the news itself: the day of the
            # article's first dated fact.
            referred = None
            if previous is not None and (
                ANAPHORA.match(sentence.text)
                or ("period" in sentence.text and SAME_PERIOD.search(sentence.text))
            ):
                referred = previous[1][-1]
            elif (
                hook is not None
                and sentence.text[:1] in THIS_EVENT_FIRST
                and THIS_EVENT.match(sentence.text)
            ):
                referred = hook
            if referred is not None and _eventful(sentence):
                inherited = [_inherit(referred, sentence)]
                candidates.extend(
                    _candidates_for(
                        sentence, inherited, amount_finder.within(sentence), None
                    )
                )
            # Only the sentence right after a dated one may refer back to it.
            previous = None
            continue
        dates = _most_specific(dates)
        # A dateline dates the lead only when the lead says no date of its
        # own and is more than the dateline.
        credits = [dateline_end(d, text) for d in dates]
        if any(credits):
            own = [d for d, credit in zip(dates, credits, strict=True) if not credit]
            after = min(sentence.end, max(c for c in credits if c))
            rest = Sentence(after, sentence.end, text[after : sentence.end])
            if own or not _eventful(rest):
                dates = own
                if not dates:
                    previous = None
                    continue
        previous = (sentence, dates)
        if not dated:
            dated = True
            hook = dates[0] if dates[0].precision == "day" else None
        # Most sentences carry no date: skip them before gathering amounts.
        if not _eventful(sentence):
            continue
        # A date that opens a paragraph with no fact of its own ("2023年,
        # 市卫生健康委以…为指导,…") dates the sentence that follows it.
        if (
            len(dates) == 1
            and i < count
            and _same_paragraph(text, sentence, sentences[i])
            and not _has_date(timexes, t_index, sentences[i])
            and classify_kind(sentence.text)[0] == "other"
            and not amount_finder.within(sentence)
            and not _has_figure(sentence, dates[0])
        ):
            following = sentences[i]
            sentence = Sentence(
                sentence.start, following.end, text[sentence.start : following.end]
            )
            i += 1
        candidates.extend(
            _candidates_for(
                sentence, dates, amount_finder.within(sentence), published_on
            )
        )
    if guessed:
        candidates = [_flag_guess(c, guessed) for c in candidates]
    return _merge_repeats(candidates)


CONTEXT_YEAR_NOTE = (
    "no publication date: the year {year} is the latest the text states; check the date"
)
# Dates resolved from a guessed year are less sure than the ones the text
# spells out.
GUESS_PENALTY = 0.1


def dated_by_context_year(candidate: EventCandidate) -> bool:
    """Whether the candidate's date rests on a year guessed from the text
    (extracted without a publication date)."""
    return any(note.startswith(_CONTEXT_YEAR_PREFIX) for note in candidate.notes)


_CONTEXT_YEAR_PREFIX = CONTEXT_YEAR_NOTE.partition(":")[0]


def _flag_guess(
    candidate: EventCandidate, guessed: dict[tuple[str, str], int]
) -> EventCandidate:
    year = guessed.get((candidate.date.text, candidate.date.edtf))
    if year is None:
        return candidate
    return dataclasses.replace(
        candidate,
        confidence=round(candidate.confidence - GUESS_PENALTY, 2),
        notes=(*candidate.notes, CONTEXT_YEAR_NOTE.format(year=year)),
    )


LEAD_NOTE = "dated by the publication date: the lead states the news without a date"


def _lead_hooks(
    text: str,
    sentences: list[Sentence],
    timexes: list[Timex],
    amounts: list[Amount],
    published_on: datetime.date,
) -> list[EventCandidate]:
    """The news the lead reports with no date of its own ("X has received a
    USD 30 million investment"), dated about the publication date. Once a lead
    sentence carries a date, it dates the news and the rest is elaboration."""
    out: list[EventCandidate] = []
    for sentence in lead_sentences(text, sentences):
        if any(sentence.start <= t.start < sentence.end for t in timexes):
            break
        if not _eventful(sentence):
            continue
        kind, cues, modality = classify(sentence.text)
        inside = tuple(
            a for a in amounts if sentence.start <= a.start and a.end <= sentence.end
        )
        if modality is not None or not is_news_hook(
            sentence.text, kind=kind, has_amount=bool(inside)
        ):
            continue
        if kind in ("statement", "other") and inside:
            kind = "market_figure"
        edtf = f"{published_on.isoformat()}~"
        info = describe_edtf(edtf)
        date = CandidateDate(edtf, "", info.lower, info.upper, info.precision)
        out.append(
            EventCandidate(
                title=_title(sentence, sentence.text, sentence.start),
                kind=kind,
                modality="actual",
                date=date,
                quote=sentence.text,
                start=sentence.start,
                end=sentence.end,
                amounts=inside,
                entities=tuple(find_entities(sentence.text, offset=sentence.start)),
                confidence=0.4,
                cues=cues,
                notes=(LEAD_NOTE,),
            )
        )
    return out


# Openings that refer back to the time of the sentence before.
ANAPHORA = re.compile(
    r"(?:among (?:them|those|these)|of (?:them|those|these)"
    r"|(?:in|during|over) the same period|其中|同期|同一时期|與此同時|与此同时)"
    r"[,，:：\s]",
    re.IGNORECASE,
)
# Anywhere in a sentence with no date of its own, "during the same period"
# is the period of the sentence before: "… also approved 46 devices during
# the same period, up 12 percent from last year."
SAME_PERIOD = re.compile(r"\b(?:in|during|over|for)\s+the\s+same\s+period\b", re.I)


# Openings that state what the news left behind ("本轮调整后, 目录内药品总数达到…",
# "After this round, …"): a state of its own, dated by the news. Other
# mentions of the news (本次集采, …) only describe it.
THIS_EVENT = re.compile(
    r"(?:本轮|本次|此次|这次)[\u4e00-\u9fff]{0,6}(?:后|之后|以后)[,，]"
    r"|after\s+(?:this|the\s+latest)\s+(?:round|adjustment|update)\b",
    re.IGNORECASE,
)
# The characters a THIS_EVENT match starts with ("a" has no case double but
# "A"): most undated sentences open with none and are spared the match.
THIS_EVENT_FIRST = frozenset("本此这Aa")


class _AmountFinder:
    """Amounts inside a sentence, for sentences visited in order."""

    def __init__(self, amounts: list[Amount]) -> None:
        self.amounts = amounts
        self.index = 0

    def within(self, sentence: Sentence) -> list[Amount]:
        amounts = self.amounts
        while self.index < len(amounts) and amounts[self.index].start < sentence.start:
            self.index += 1
        out = []
        j = self.index
        while j < len(amounts) and amounts[j].end <= sentence.end:
            out.append(amounts[j])
            j += 1
        return out


_DIGIT = re.compile(r"\d")


def _has_figure(sentence: Sentence, date: Timex) -> bool:
    """Whether the sentence states a number besides its date."""
    text = sentence.text
    cut = date.start - sentence.start
    rest = text[:cut] + text[cut + len(date.text) :]
    return _DIGIT.search(rest) is not None


def _same_paragraph(text: str, first: Sentence, second: Sentence) -> bool:
    return "\n" not in text[first.end : second.start]


def _has_date(timexes: list[Timex], index: int, sentence: Sentence) -> bool:
    return (
        index < len(timexes)
        and timexes[index].start >= sentence.start
        and timexes[index].end <= sentence.end
    )


def _inherit(timex: Timex, sentence: Sentence) -> Timex:
    """The date of the sentence before, for a sentence that refers back to it."""
    return Timex(
        sentence.start,
        sentence.start,
        timex.text,
        timex.type,
        timex.value,
        timex.edtf,
        timex.precision,
    )


# A bare year, half or quarter ("2025", "Q3 of 2025") in the same sentence as
# a date inside it ("In July, …") only places that date in its year.
_CONTAINER_VALUE = re.compile(r"\d{4}(?:-[HQ]\d)?")


def _most_specific(dates: list[Timex]) -> list[Timex]:
    if len(dates) < 2:
        return dates
    spans = [describe_edtf(d.edtf) for d in dates]
    out = []
    seen = set()
    for i, date in enumerate(dates):
        if date.edtf in seen:
            continue
        # 今年首5個月 (value 2025, EDTF 2025-01/2025-05) is a period of its
        # own, not the year it lies in.
        container = (
            ".." not in date.edtf
            and _CONTAINER_VALUE.fullmatch(date.value)
            and (len(date.value) > 4 or date.edtf == date.value)
        )
        if container and any(
            j != i
            and spans[i].lower <= spans[j].lower
            and spans[j].upper <= spans[i].upper
            and (spans[j].lower, spans[j].upper) != (spans[i].lower, spans[i].upper)
            for j in range(len(dates))
        ):
            continue
        seen.add(date.edtf)
        out.append(date)
    return out


def _event_dates(
    text: str, published_on: datetime.date | None
) -> tuple[list[Timex], dict[tuple[str, str], int]]:
    """The tagged dates that may date an event, in order, and those resolved
    only through a year taken from the context: (text, EDTF) -> that year."""
    tagged = tag_dates(text, anchor=published_on)
    guessed: dict[tuple[str, str], int] = {}
    if published_on is None:
        year = context_year(text, tagged)
        if year is not None:
            explicit = {(t.start, t.end) for t in tagged if t.edtf}
            tagged = tag_dates(text, year=year)
            guessed = {
                (t.text, t.edtf): year
                for t in tagged
                if t.edtf and (t.start, t.end) not in explicit
            }
    out = []
    for timex in tagged:
        if not _usable(timex):
            timex = approximate_now(timex, text, published_on)
            if timex is None:
                continue
        if (
            is_furniture(timex, text)
            or is_in_name(timex, text)
            or is_comparison_base(timex, text)
            or is_phase_length(timex, text)
            or is_not_prose(timex, text)
        ):
            continue
        out.append(timex)
    return out, guessed


def _usable(timex: Timex) -> bool:
    if timex.type != "DATE" or not timex.edtf:
        return False
    try:
        describe_edtf(timex.edtf)
    except InvalidEdtf:
        return False
    return True


def _eventful(sentence: Sentence) -> bool:
    text = sentence.text
    if _may_be_boilerplate(text) and BOILERPLATE.search(text):
        return False
    if not text.isascii() and CJK.search(text):
        return ENOUGH_CJK.match(text) is not None
    return ENOUGH_WORDS.match(text) is not None


def _clauses(sentence: Sentence, dates: list[Timex]) -> list[tuple[int, int]]:
    """Split a sentence between its dates, at the punctuation nearest the middle.

    "In 2017 the value reached 163 billion yuan; by 2020 it should reach 250
    billion" speaks of two facts: each date keeps the amounts of its clause.
    """
    bounds = []
    start = sentence.start
    for left, right in zip(dates, dates[1:], strict=False):
        gap = sentence.text[left.end - sentence.start : right.start - sentence.start]
        cut = max(gap.rfind(","), gap.rfind(";"), gap.rfind("，"), gap.rfind("；"))
        if cut < 0:
            # No punctuation between the dates: split at the space nearest
            # the middle, never inside a word.
            middle = len(gap) // 2
            spaces = [i for i, char in enumerate(gap) if char.isspace()]
            cut = min(spaces, key=lambda i: abs(i - middle)) if spaces else middle - 1
        split = left.end + cut + 1
        bounds.append((start, split))
        start = split
    bounds.append((start, sentence.end))
    return bounds


def _modality(
    cue: str | None, date: CandidateDate, published_on: datetime.date | None
) -> str:
    if cue == "forecast":
        return "forecast"
    future = published_on is None or date.upper >= published_on
    if cue == "planned":
        return "planned" if future else "actual"
    if published_on is not None and date.lower > published_on:
        return "planned"
    return "actual"


def _title_source(sentence: Sentence, clause: str, c_start: int) -> str:
    """The clause when it can stand as a title (long enough, cut at
    punctuation), else the whole sentence."""
    cjk = not clause.isascii() and CJK.search(clause)
    if len(clause) <= (12 if cjk else 40):
        return sentence.text
    before = sentence.text[: c_start - sentence.start].rstrip()
    return clause if not before or before[-1] in ",;，；" else sentence.text


# Kinds that say too little to name a dated target or a count.
_VAGUE = frozenset(["statement", "other"])
_TARGETABLE = frozenset(["market_figure", "policy", *_VAGUE])
# "到2027年", "by 2030", "by the end of 2025": the date is a target.
_TARGET_BEFORE = re.compile(r"(?:到|\bby(?:\s+the\s+end\s+of)?)\s*\Z", re.IGNORECASE)
# A count or a share: "1,000 companies", "38 hospitals", "2967种", "3.1%"; not
# a code ("LBL-024") or a date.
_COUNT = re.compile(
    r"(?<![A-Za-z0-9.-])\d[\d,]*(?:\.\d+)?\s*(?:%|percent\b|[\u4e00-\u9fff]|[a-z]{3,})"
)


# A title shorter than this says nothing (a clause that only attributes,
# "据…消息", cleans to "").
MIN_TITLE = 8


def _title(sentence: Sentence, clause: str, c_start: int) -> str:
    title = headline(_title_source(sentence, clause, c_start))
    if len(title) < MIN_TITLE and clause != sentence.text:
        title = headline(sentence.text) or title
    return title or sentence.text.strip()[:MAX_TITLE]


def _kind_in_context(
    kind: str,
    cues: tuple[str, ...],
    modality: str | None,
    clause: str,
    timex: Timex,
    sentence: Sentence,
    *,
    ahead: bool,
) -> str | None:
    """A second look at a vague kind: a planned clause dated by a target
    ("到2027年, … 将更加完善", "aims to double … by 2015") is a dated target of a
    plan; a clause of no kind that counts something ("38 hospitals …",
    "目录内药品总数达到2967种") is a figure. None when the kind stands."""
    if kind not in _TARGETABLE:
        return None
    offset = timex.start - sentence.start
    target = _TARGET_BEFORE.search(sentence.text, max(0, offset - 16), offset)
    # The target alone makes the clause "planned"; a plan needs someone
    # intending it as well ("aims to", 将, 力争), not "should reach", unless
    # the clause has no kind at all: a plan's text states its targets bare
    # ("到2030年, …基本实现全覆盖", "By 2027, establish …") and the date is
    # still ahead (`ahead`: "By the end of 2022, …" in 2025 is a fact).
    if (
        modality == "planned"
        and target is not None
        and (
            (kind == "other" and not cues and ahead)
            or classify_modality(clause.replace(timex.text, " ", 1)) is not None
        )
    ):
        return "plan"
    # A founding (kind "other" with its cue) stays one.
    if kind in _VAGUE and not (kind == "other" and cues):
        rest = clause.replace(timex.text, " ", 1)
        if _COUNT.search(rest):
            return "market_figure"
    return None


def _candidates_for(
    sentence: Sentence,
    dates: list[Timex],
    amounts: list[Amount],
    published_on: datetime.date | None,
) -> list[EventCandidate]:
    if len(dates) > 1:
        kind, cues = classify_kind(sentence.text)
    else:
        # One date: its clause is the whole sentence, classified once below.
        kind, cues, modality = classify(sentence.text)
    entities = tuple(find_entities(sentence.text, offset=sentence.start))
    out = []
    for timex, (c_start, c_end) in zip(dates, _clauses(sentence, dates), strict=True):
        info = describe_edtf(timex.edtf)
        date = CandidateDate(
            edtf=timex.edtf,
            text=timex.text,
            lower=info.lower,
            upper=info.upper,
            precision=info.precision,
        )
        if len(dates) > 1:
            clause = sentence.text[c_start - sentence.start : c_end - sentence.start]
            clause_amounts = tuple(a for a in amounts if c_start <= a.start < c_end)
            clause_kind, clause_cues, modality = classify(clause)
        else:
            # The one clause is the sentence: it holds all the amounts and was
            # classified above.
            clause, clause_amounts = sentence.text, tuple(amounts)
            clause_kind, clause_cues = kind, cues
        if clause_kind == "other":
            clause_kind, clause_cues = kind, cues
        final_modality = _modality(modality, date, published_on)
        refined = _kind_in_context(
            clause_kind,
            clause_cues,
            modality,
            clause,
            timex,
            sentence,
            ahead=final_modality == "planned",
        )
        if refined is not None:
            clause_kind = refined
        elif clause_kind in _VAGUE and clause_amounts:
            clause_kind = "market_figure"
        confidence = 0.45
        confidence += 0.2 if clause_kind not in ("other", "statement") else 0.05
        confidence += 0.1 if clause_amounts else 0.0
        confidence += 0.1 if date.precision in ("day", "month") else 0.0
        confidence += 0.05 if entities else 0.0
        confidence -= 0.1 if len(dates) > 2 else 0.0
        out.append(
            EventCandidate(
                title=_title(sentence, clause, c_start),
                kind=clause_kind,
                modality=final_modality,
                date=date,
                quote=sentence.text,
                start=sentence.start,
                end=sentence.end,
                amounts=clause_amounts,
                entities=entities,
                confidence=round(min(confidence, 0.95), 2),
                cues=clause_cues,
            )
        )
    return out


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text) if len(w) > 3} | set(
        CJK.findall(text)
    )


def _values(candidate: EventCandidate) -> set[tuple[Decimal, str]]:
    return {(x.value, x.currency) for x in candidate.amounts}


def _same_fact(
    a: EventCandidate,
    b: EventCandidate,
    values_a: set[tuple[Decimal, str]],
    values_b: set[tuple[Decimal, str]],
    tokens: dict[str, set[str]],
) -> bool:
    if a.kind != b.kind or a.date.edtf != b.date.edtf:
        return False
    if values_a and values_b:
        return bool(values_a & values_b)
    ta, tb = _quote_tokens(a.quote, tokens), _quote_tokens(b.quote, tokens)
    if not ta or not tb:
        return False
    return len(ta & tb) / min(len(ta), len(tb)) >= 0.6


def _quote_tokens(quote: str, cache: dict[str, set[str]]) -> set[str]:
    found = cache.get(quote)
    if found is None:
        found = cache[quote] = _tokens(quote)
    return found


def _merge_repeats(candidates: list[EventCandidate]) -> list[EventCandidate]:
    """Keep one candidate per real-world fact (the first, most confident)."""
    kept: list[EventCandidate] = []
    # Only candidates of the same kind and date can be the same fact: compare
    # within those buckets (indices into `kept`, in order) instead of all pairs.
    buckets: dict[tuple[str, str], list[int]] = {}
    # Tokenise each quote once, and gather each candidate's amounts once, not
    # once per pair.
    tokens: dict[str, set[str]] = {}
    values: list[set[tuple[Decimal, str]]] = []  # of each kept candidate
    for candidate in candidates:
        mine = _values(candidate)
        bucket = buckets.setdefault((candidate.kind, candidate.date.edtf), [])
        for i in bucket:
            other = kept[i]
            if _same_fact(candidate, other, mine, values[i], tokens):
                if candidate.confidence > other.confidence:
                    kept[i] = candidate
                    values[i] = mine
                break
        else:
            bucket.append(len(kept))
            kept.append(candidate)
            values.append(mine)
    return kept
