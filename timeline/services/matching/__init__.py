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

`scores` holds the comparison, `pools` the reading (`Matcher`, which ingest
keeps for a run).
"""

from timeline.services.matching.pools import (
    ARM_SIZE,
    MATCHABLE_STATUSES,
    Matcher,
    candidate_pool,
    matching_event,
)
from timeline.services.matching.scores import (
    MATCH_THRESHOLD,
    Facts,
    match_score,
    names_match,
    normalise,
    text_similarity,
)

__all__ = [
    "ARM_SIZE",
    "MATCHABLE_STATUSES",
    "MATCH_THRESHOLD",
    "Facts",
    "Matcher",
    "candidate_pool",
    "match_score",
    "matching_event",
    "names_match",
    "normalise",
    "text_similarity",
]
