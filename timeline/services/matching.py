"""Is an extracted candidate the same fact as an event already on the timeline?

`matching_event` looks only at events of the candidate's kind whose dates
overlap its own (an index range scan per precision class, as the API's date
windows do, so the check does not grow with the table), then scores each
by what the two state:

- amounts: a common amount is strong evidence; two sets of amounts with none
  in common are two different facts (two deals of different sizes);
- actors (companies, organisations, programmes): two sets with no name in
  common are two different facts ("NMPA approves Hengrui's drug" is not
  "NMPA approves BeiGene's drug", however alike the words); names in common
  add evidence;
- names in alphabetic text (capitalised words, codes such as "SHR-1701"):
  when each side names something the other never mentions, they are about
  different subjects (this catches the approval of another company's drug
  when the extractor found no company);
- wording: the candidate's title and quote against the event's title and the
  quotes of its sources, with rapidfuzz: token set and sort ratios on words
  for alphabetic text, an Indel ratio on characters for Chinese (which has
  no spaces, so a whole title would otherwise be one "word").

A score of `MATCH_THRESHOLD` or more is a match; the best one wins.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

from django.db import connections
from rapidfuzz import fuzz

from corpus.dates import OPEN_LOWER, OPEN_UPPER, earliest_start
from corpus.extraction.events import EventCandidate
from timeline.models import Amount, Entity, Event, EventEntity
from timeline.selectors.pages import longest_interval_days

MATCH_THRESHOLD = 0.5
# Events of the same kind and overlapping dates looked at per candidate, per
# precision class (day, month, …): those that start closest before its end.
ARM_SIZE = 15
AMOUNT_WEIGHT = 0.5
ACTOR_WEIGHT = 0.2
TEXT_WEIGHT = 0.6
# Two names are one entity at this rapidfuzz ratio ("Hengrui Medicine" vs
# "Hengrui Medicines"); a shorter name inside a longer one also counts.
NAME_RATIO = 90
ACTOR_KINDS = frozenset(
    {Entity.Kind.COMPANY, Entity.Kind.ORGANISATION, Entity.Kind.PROGRAMME}
)
MATCHABLE_STATUSES = (
    Event.Status.DRAFT,
    Event.Status.IN_REVIEW,
    Event.Status.PUBLISHED,
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
NOT_WORD = re.compile(r"[\W_]+")
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
        self.amounts = frozenset(amounts)
        self.mentions = list(mentions)
        entities = _entities(self.mentions)
        self.actors: frozenset[str] = entities["actors"]
        self.others: frozenset[str] = entities["others"]  # places, people, bodies

    @cached_property
    def texts(self) -> tuple[tuple[str, bool], ...]:
        """(normalised text, whether it is Chinese), empty ones left out: only
        for events that the amounts and actors did not tell apart already."""
        normalised = (normalise(text) for text in self.raw)
        return tuple((t, is_chinese(t)) for t in normalised if t)

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
    folded = unicodedata.normalize("NFKC", text).casefold()
    return NOT_WORD.sub(" ", folded).strip()


def is_chinese(text: str) -> bool:
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
    score = 0.0
    if candidate.amounts and event.amounts:
        if not candidate.amounts & event.amounts:
            return 0.0
        score += AMOUNT_WEIGHT
    if candidate.actors and event.actors:
        shared = _any_name_matches(candidate.actors, event.actors)
        if not shared:
            return 0.0
        score += ACTOR_WEIGHT * shared / min(len(candidate.actors), len(event.actors))
    elif candidate.others and event.others:
        shared = _any_name_matches(candidate.others, event.others)
        score += ACTOR_WEIGHT / 2 * shared / len(candidate.others)
    needed = (MATCH_THRESHOLD - score) / TEXT_WEIGHT
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
    score = min(score + TEXT_WEIGHT * wording, 1.0)
    # Names last: the dearest check, and only for what would match.
    if score < MATCH_THRESHOLD:
        return score
    if candidate.names_unknown_to(event) and event.names_unknown_to(candidate):
        return 0.0
    return score


def matching_event(candidate: EventCandidate, *, kind_id: int) -> Event | None:
    """The event of kind `kind_id` (the candidate's) on the timeline that states
    the same fact, if any."""
    matcher = Matcher()
    pool = matcher.pools([(kind_id, candidate.date.lower, candidate.date.upper)])[0]
    best = matcher.best(Facts.of_candidate(candidate), pool) if pool else None
    return None if best is None else Event.objects.get(pk=best)


def candidate_pool(
    kind_id: int, lower: datetime.date, upper: datetime.date, *, using="default"
) -> list[int]:
    """`Matcher.pools` for one candidate."""
    return Matcher(using=using).pools([(kind_id, lower, upper)])[0]


# Pools read by one statement: seven arms each, well under the 500 terms of
# a compound SELECT that SQLite allows.
POOLS_PER_STATEMENT = 50
# Events whose facts one statement reads (its bound parameters).
FACTS_PER_STATEMENT = 500


class Matcher:
    """The duplicate check of one ingest run.

    `pools` reads the pools of many candidates in one statement and `facts`
    the facts of their events in three, however many; both keep what they
    read for the rest of the run (the longest free interval, each event's
    facts). Ingest tells the matcher what it writes (`event_created`,
    `citation_added`), so that what it keeps stays what the database holds,
    and makes it `forget` everything when a file's writes are rolled back.
    """

    def __init__(self, *, using: str = "default") -> None:
        self.using = using
        self._longest: int | None = None
        # Event id -> ((date_lower, date_upper, id), facts), or None for an
        # event no candidate may match (merged away or rejected).
        self._facts: dict[int, tuple[tuple, Facts] | None] = {}

    def forget(self) -> None:
        self._longest = None
        self._facts.clear()

    def pools(
        self, wanted: list[tuple[int, datetime.date, datetime.date]]
    ) -> list[list[int]]:
        """For each (kind id, lower, upper), the ids of events of the kind
        whose dates overlap [lower, upper]: per precision class, the
        `ARM_SIZE` that start closest before `upper`.

        One statement for up to `POOLS_PER_STATEMENT` of them: a UNION ALL of
        a range scan per precision on the (kind, precision, date_lower,
        date_upper) index (migration 0012) for each; each class's earliest
        possible start bounds its scan (`earliest_start`; free intervals by
        the longest stored one), so the cost does not grow with the table.
        Open-ended events ("since 2005") are left out: a news item's fact is
        not one. Status and merges are checked on the pool (`facts`).
        """
        db = connections[self.using]
        q = db.ops.quote_name
        table = q(Event._meta.db_table)
        distinct = list(dict.fromkeys(wanted))
        found: dict[tuple, list[int]] = {key: [] for key in distinct}
        for start in range(0, len(distinct), POOLS_PER_STATEMENT):
            chunk = distinct[start : start + POOLS_PER_STATEMENT]
            parts, params = [], []
            for number, (kind_id, lower, upper) in enumerate(chunk):
                for precision in Event.Precision.values:
                    parts.append(
                        f"SELECT {number} AS {q('pool')}, {q('id')} FROM "
                        f"(SELECT {q('id')} FROM {table} "
                        f"WHERE {q('kind_id')} = %s AND {q('date_precision')} = %s "
                        f"AND {q('date_lower')} >= %s AND {q('date_lower')} <= %s "
                        f"AND {q('date_upper')} >= %s AND {q('date_upper')} < %s "
                        f"ORDER BY {q('date_lower')} DESC LIMIT {ARM_SIZE}) "
                        f"AS {q(f'arm_{number}_{precision}')}"
                    )
                    floor = self._floor(precision, lower)
                    params += [
                        kind_id,
                        precision,
                        *(
                            db.ops.adapt_datefield_value(d)
                            for d in (floor, upper, lower)
                        ),
                        db.ops.adapt_datefield_value(OPEN_UPPER),
                    ]
            with db.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(parts), params)
                for number, pk in cursor.fetchall():
                    found[chunk[number]].append(pk)
        return [found[key] for key in wanted]

    def _floor(self, precision: str, lower: datetime.date) -> datetime.date:
        """The earliest start of an event of `precision` ending on or after
        `lower` (of a free interval: by the longest one stored)."""
        floor = earliest_start(precision, lower)
        if floor is None:
            if self._longest is None:
                self._longest = longest_interval_days(self.using)
            floor = max(lower - datetime.timedelta(days=self._longest), OPEN_LOWER)
            floor = floor + datetime.timedelta(days=1) if floor == OPEN_LOWER else floor
        return floor

    def could_pool(
        self, event: Event, kind_id: int, lower: datetime.date, upper: datetime.date
    ) -> bool:
        """Whether `event` falls in a range scan of `pools` for (kind_id, lower,
        upper): when it is new, a pool read before it was written is stale."""
        return (
            event.kind_id == kind_id
            and self._floor(event.date_precision, lower) <= event.date_lower <= upper
            and lower <= event.date_upper < OPEN_UPPER
        )

    def event_created(self, event: Event) -> None:
        """Keep the longest free interval true (`event` has its date fields)."""
        span = event.date_span_days
        if (
            self._longest is not None
            and event.date_precision == Event.Precision.INTERVAL
            and span is not None
        ):
            self._longest = max(self._longest, span)

    def citation_added(self, event_id: int, quote: str) -> None:
        known = self._facts.get(event_id)
        if known is not None:
            self._facts[event_id] = (known[0], known[1].with_text(quote))

    def facts(self, pks: Iterable[int]) -> None:
        """Read the facts of those of these events not read before."""
        missing = [pk for pk in dict.fromkeys(pks) if pk not in self._facts]
        for start in range(0, len(missing), FACTS_PER_STATEMENT):
            self._facts.update(
                _events_facts(missing[start : start + FACTS_PER_STATEMENT])
            )

    def best(self, candidate: Facts, pool: list[int]) -> int | None:
        """The id of the event of `pool` that matches `candidate` best, with at
        least `MATCH_THRESHOLD` (of equal scores, the last in date order)."""
        self.facts(pool)
        known = sorted(
            (entry for entry in map(self._facts.__getitem__, set(pool)) if entry),
            key=lambda entry: entry[0],
        )
        best, best_score = None, MATCH_THRESHOLD
        for (_, _, pk), event_facts in known:
            score = match_score(candidate, event_facts)
            if score >= best_score:
                best, best_score = pk, score
        return best


def events_facts(pks: list[int]) -> dict[int, Facts]:
    """The Facts of each of these events that a candidate may match, in date
    order: three queries however many events."""
    known = sorted(entry for entry in _events_facts(pks).values() if entry)
    return {key[2]: facts for key, facts in known}


def _events_facts(pks: list[int]) -> dict[int, tuple[tuple, Facts] | None]:
    """((date_lower, date_upper, id), Facts) of each event; None for those no
    candidate may match."""
    texts: dict[int, list[str]] = {}
    keys: dict[int, tuple] = {}
    rows = (
        Event.objects.filter(
            pk__in=pks, merged_into__isnull=True, status__in=MATCHABLE_STATUSES
        )
        .order_by("id", "citations__id")
        .values_list("id", "date_lower", "date_upper", "title", "citations__quote")
    )
    for pk, lower, upper, title, quote in rows:
        if pk not in texts:
            texts[pk], keys[pk] = [title], (lower, upper, pk)
        if quote is not None:
            texts[pk].append(quote)
    amounts: dict[int, set] = defaultdict(set)
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if texts:
        matchable = list(texts)
        for pk, value, currency in Amount.objects.filter(
            event_id__in=matchable
        ).values_list("event_id", "value", "currency"):
            amounts[pk].add((value.normalize(), currency))
        for pk, name, kind in EventEntity.objects.filter(
            event_id__in=matchable
        ).values_list("event_id", "entity__name", "entity__kind"):
            names[pk].append((name, kind))
    found: dict[int, tuple[tuple, Facts] | None] = dict.fromkeys(pks)
    for pk, key in keys.items():
        found[pk] = (key, Facts(texts[pk], amounts[pk], names[pk]))
    return found


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
