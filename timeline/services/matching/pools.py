"""The events a candidate may be: its pool, read with their facts for a run.

`Matcher.pools` reads, for many candidates in one statement, the events of
each one's kind whose dates overlap its own: per precision class, a range
scan of the (kind, precision, date_lower, date_upper) index (migration 0012),
as the API's date windows do, so the check does not grow with the table.
`Matcher.facts` reads what those events state, in one statement however
many, and `Matcher.best` scores them (`scores`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connections

from corpus.dates import OPEN_LOWER, OPEN_UPPER, earliest_start
from corpus.extraction.events import EventCandidate
from timeline.models import Amount, Citation, Entity, Event, EventEntity
from timeline.selectors.pages import longest_interval_days
from timeline.services.matching.scores import (
    MATCH_THRESHOLD,
    TEXT_WEIGHT,
    Facts,
    stated_score,
    worded_score,
    wording_needed,
    wordings,
)

# Events of the same kind and overlapping dates looked at per candidate, per
# precision class (day, month, …): those that start closest before its end.
ARM_SIZE = 15
MATCHABLE_STATUSES = (
    Event.Status.DRAFT,
    Event.Status.IN_REVIEW,
    Event.Status.PUBLISHED,
)
# One range scan each (Django's `values` builds its list on every access).
PRECISIONS = tuple(Event.Precision.values)
# The precisions as named parameters of the pools' statement.
PRECISION_PARAMS = {f"p{arm}": precision for arm, precision in enumerate(PRECISIONS)}
# Pools read by one statement: seven arms each, well under the 500 terms of
# a compound SELECT that SQLite allows.
POOLS_PER_STATEMENT = 50
# Events whose facts one statement reads (four times as many parameters).
FACTS_PER_STATEMENT = 500


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


class Matcher:
    """The duplicate check of one ingest run.

    It keeps what it reads for the rest of the run (the longest free
    interval, each event's dates and facts). Ingest tells it what it writes
    (`event_created`, `citation_added`), so that what it keeps stays what the
    database holds, and makes it `forget` all when a file's writes are
    rolled back.
    """

    def __init__(self, *, using: str = "default") -> None:
        self.using = using
        self._longest: int | None = None
        # Event id -> (date_lower, date_upper), as the pools read them.
        self._dates: dict[int, tuple] = {}
        # ((kind id, lower, upper), precision) -> (rows, earliest date_lower)
        # of that range scan when it was last read.
        self._arms: dict[tuple, tuple[int, datetime.date]] = {}
        # Event id -> facts, or None for an event no candidate may match
        # (merged away or rejected).
        self._facts: dict[int, Facts | None] = {}
        # The statement reading n pools, by n.
        self._sql: dict[int, str] = {}

    def forget(self) -> None:
        self._longest = None
        self._dates.clear()
        self._arms.clear()
        self._facts.clear()

    def pools(
        self, wanted: list[tuple[int, datetime.date, datetime.date]]
    ) -> list[list[int]]:
        """For each (kind id, lower, upper), the ids of events of the kind
        whose dates overlap [lower, upper]: per precision class, the
        `ARM_SIZE` that start closest before `upper`.

        One statement for up to `POOLS_PER_STATEMENT` of them, each a UNION
        ALL of one range scan per precision; each class's earliest possible
        start bounds its scan (`earliest_start`; free intervals by the
        longest stored one). Open-ended events ("since 2005") are left out:
        a news item's fact is not one. Status and merges are checked by
        `facts`.
        """
        db = connections[self.using]
        distinct = list(dict.fromkeys(wanted))
        found: dict[tuple, list[int]] = {key: [] for key in distinct}
        adapt = db.ops.adapt_datefield_value
        open_upper = adapt(OPEN_UPPER)
        for start in range(0, len(distinct), POOLS_PER_STATEMENT):
            chunk = distinct[start : start + POOLS_PER_STATEMENT]
            # Named: each pool's kind and dates once for its seven arms.
            params = {"open": open_upper, **PRECISION_PARAMS}
            for number, (kind_id, lower, upper) in enumerate(chunk):
                params[f"k{number}"] = kind_id
                params[f"u{number}"] = adapt(upper)
                params[f"l{number}"] = adapt(lower)
                for arm, precision in enumerate(PRECISIONS):
                    params[f"f{number}_{arm}"] = adapt(self._floor(precision, lower))
            sql = self._sql.get(len(chunk))
            if sql is None:
                sql = self._sql[len(chunk)] = _pools_sql(db, len(chunk))
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            # By position, not by (pool, precision) keys: ~1,000 rows an article.
            pools = [found[key] for key in chunk]
            width = len(PRECISIONS)
            arms = [[] for _ in range(len(chunk) * width)]  # each arm's starts
            dates = self._dates
            for number, arm, pk, lower, upper in rows:
                pools[number].append(pk)
                dates[pk] = (lower, upper)
                arms[number * width + arm].append(lower)
            for number, key in enumerate(chunk):
                for arm, precision in enumerate(PRECISIONS):
                    starts = arms[number * width + arm]
                    self._arms[key, precision] = (
                        len(starts),
                        min(starts, default=None),
                    )
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
        """Whether `event`, new, may be among the events `pools` reads for
        (kind_id, lower, upper): then a pool read before it was written is
        stale. Not when it falls outside the range scans, nor when the scan of
        its precision found `ARM_SIZE` events that all start later than it."""
        if not (
            event.kind_id == kind_id
            and self._floor(event.date_precision, lower) <= event.date_lower <= upper
            and lower <= event.date_upper < OPEN_UPPER
        ):
            return False
        rows, earliest = self._arms.get(
            ((kind_id, lower, upper), event.date_precision), (0, None)
        )
        return rows < ARM_SIZE or event.date_lower >= _as_date(earliest)

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
            self._facts[event_id] = known.with_text(quote)

    def facts(self, pks: Iterable[int]) -> None:
        """Read the facts of those of these events not read before."""
        missing = [pk for pk in dict.fromkeys(pks) if pk not in self._facts]
        for start in range(0, len(missing), FACTS_PER_STATEMENT):
            chunk = missing[start : start + FACTS_PER_STATEMENT]
            self._facts.update(_events_facts(chunk, using=self.using))

    def best(self, candidate: Facts, pool: list[int]) -> int | None:
        """The id of the event of `pool` that matches `candidate` best
        (`match_score`), with at least `MATCH_THRESHOLD`; of equal scores, the
        last in the events' order (date_lower, date_upper, id)."""
        self.facts(pool)
        dates, facts = self._dates, self._facts
        stated, needs = [], []
        # What an event that states nothing scores (most), without the calls.
        plain = None if (need := wording_needed(0.0)) > 1 else (0.0, need)
        # Sorted by (dates, id) pairs, not by a key function (a call each).
        for _, pk in sorted([(dates[pk], pk) for pk in set(pool)]):
            if (event := facts[pk]) is None:
                continue
            if event.states_nothing:
                if plain is None:
                    continue
                score, needed = plain
            else:
                score = stated_score(candidate, event)
                if score is None or (needed := wording_needed(score)) > 1:
                    continue
            stated.append((pk, event, score))
            needs.append((event, needed))
        # The wordings of all of them together (the dearest part).
        found = wordings(candidate, needs)
        best, best_score = None, MATCH_THRESHOLD
        for (pk, event, score), wording in zip(stated, found, strict=True):
            if min(score + TEXT_WEIGHT * wording, 1.0) < MATCH_THRESHOLD:
                continue  # as `worded_score` has it, without the call (most)
            score = worded_score(candidate, event, score, wording)
            if score >= best_score:
                best, best_score = pk, score
        return best


def _pools_sql(db, size: int) -> str:
    """`Matcher.pools`'s statement for `size` pools: a UNION ALL of one range
    scan per pool and precision, each with six named parameters (kind
    `k<pool>`, precision `p<arm>`, earliest start `f<pool>_<arm>`, upper
    `u<pool>`, lower `l<pool>`, the open upper bound `open`), shared where
    they are the same: a quarter of the parameters, and SQLite's backend
    converts the placeholders by a string format rather than by a regular
    expression over the whole statement (~0.2 ms for four pools' 10 KB)."""
    q = db.ops.quote_name
    table = q(Event._meta.db_table)
    lower_, upper_ = q("date_lower"), q("date_upper")
    # SQLite's driver would make a date of each of the ~500 dates of an
    # article's pools (a tenth of the check): read as the text stored,
    # they sort alike, and `_as_date` reads the few that are compared.
    dates = "CAST(%s AS TEXT)" if db.vendor == "sqlite" else "%s"
    parts = []
    for number in range(size):
        for arm, precision in enumerate(PRECISIONS):
            # The dates come from the index too: no row is read.
            parts.append(
                f"SELECT {number} AS {q('pool')}, {arm} AS {q('arm')}, "
                f"{q('id')}, {dates % lower_}, {dates % upper_} "
                f"FROM (SELECT {q('id')}, {lower_}, {upper_} "
                f"FROM {table} "
                f"WHERE {q('kind_id')} = %(k{number})s "
                f"AND {q('date_precision')} = %(p{arm})s "
                f"AND {lower_} >= %(f{number}_{arm})s AND {lower_} <= %(u{number})s "
                f"AND {upper_} >= %(l{number})s AND {upper_} < %(open)s "
                f"ORDER BY {lower_} DESC LIMIT {ARM_SIZE}) "
                f"AS {q(f'arm_{number}_{precision}')}"
            )
    return " UNION ALL ".join(parts)


def _events_facts(pks: list[int], *, using: str) -> dict[int, Facts | None]:
    """The Facts of each event, None for those no candidate may match: one
    statement for the titles, quotes, amounts and entities (raw SQL: the ORM
    spent more time on the ids than the database on the rows)."""
    db = connections[using]
    q = db.ops.quote_name
    # Positional, not named as in `_pools_sql`: this statement is prepared
    # anew for each number of ids, and SQLite's parser looks each named
    # placeholder up in a list of those seen, quadratic in the ids (with 400
    # ids a new article counted ~4 M instructions more).
    ids = ", ".join(["%s"] * len(pks))

    def table(model) -> str:
        return q(model._meta.db_table)

    statuses = ", ".join(["%s"] * len(MATCHABLE_STATUSES))
    text_null, value_null = "CAST(NULL AS TEXT)", "CAST(NULL AS NUMERIC)"
    sql = " UNION ALL ".join(
        [
            f"SELECT 0, {q('id')}, {q('id')}, {q('title')}, {value_null}, "
            f"{text_null} FROM {table(Event)} WHERE {q('id')} IN ({ids}) "
            f"AND {q('merged_into_id')} IS NULL AND {q('status')} IN ({statuses})",
            f"SELECT 1, {q('event_id')}, {q('id')}, {q('quote')}, {value_null}, "
            f"{text_null} FROM {table(Citation)} WHERE {q('event_id')} IN ({ids})",
            f"SELECT 2, {q('event_id')}, {q('id')}, {text_null}, {q('value')}, "
            f"{q('currency')} FROM {table(Amount)} WHERE {q('event_id')} IN ({ids})",
            f"SELECT 3, r.{q('event_id')}, r.{q('id')}, e.{q('name')}, {value_null}, "
            f"e.{q('kind')} FROM {table(EventEntity)} r JOIN {table(Entity)} e "
            f"ON e.{q('id')} = r.{q('entity_id')} WHERE r.{q('event_id')} IN ({ids})",
        ]
    )
    params = [*pks, *MATCHABLE_STATUSES, *pks, *pks, *pks]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    value = _decimal_reader(db)
    titles: dict[int, str] = {}
    # By event, with each row's id to put them in its order below (most
    # events have one citation and no amount: no sort of all the rows).
    quotes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    amounts: dict[int, list[tuple]] = defaultdict(list)
    names: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for part, pk, key, text, number, code in rows:
        if part == 0:
            titles[pk] = text
        elif part == 1:
            quotes[pk].append((key, text))
        elif part == 2:
            amounts[pk].append((number, code))
        else:
            names[pk].append((key, text, code))
    found: dict[int, Facts | None] = dict.fromkeys(pks)
    for pk, title in titles.items():  # the others are not matchable
        raw = [title]
        if cited := quotes.get(pk):
            if len(cited) == 1:  # most
                raw.append(cited[0][1])
            else:
                cited.sort()
                raw += [quote for _, quote in cited]
        stated = mentions = ()  # most events state neither
        if pk in amounts:
            stated = [(value(n).normalize(), code) for n, code in amounts[pk]]
        if pk in names:
            mentions = [(name, kind) for _, name, kind in sorted(names[pk])]
        found[pk] = Facts(raw, stated, mentions)
    return found


def _as_date(value) -> datetime.date:
    """A date as the pool read it (SQLite's driver may leave it a string)."""
    return (
        value
        if isinstance(value, datetime.date)
        else datetime.date.fromisoformat(value)
    )


def _decimal_reader(db):
    """What the ORM makes of a stored `Amount.value`, as a function."""
    column = Amount._meta.get_field("value").get_col(Amount._meta.db_table)
    converters = db.ops.get_db_converters(column)
    converters += column.output_field.get_db_converters(db)

    def read(value):
        for convert in converters:
            value = convert(value, column, db)
        return value

    return read
