"""Duplicate matching: the same fact from another article becomes a citation,
a different fact of the same kind and day becomes its own event."""

import datetime
import random
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from corpus.extraction.articles import analyse_article
from corpus.models import Document
from tests.factories import EventFactory
from timeline.models import Citation, Event
from timeline.services import matching
from timeline.services.ingest import documents_ingest
from timeline.services.matching import Facts, match_score, text_similarity

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "near_duplicates"
YUAN = "CNY"


def facts(*texts, amounts=(), entities=()) -> Facts:
    return Facts(
        list(texts), [(Decimal(v).normalize(), c) for v, c in amounts], entities
    )


# --- scoring, without the database ----------------------------------------


def test_the_same_approval_in_other_words_matches():
    ours = facts(
        "China's National Medical Products Administration approved Jiangsu "
        "Hengrui Medicine's camrelizumab for small cell lung cancer on Tuesday.",
        entities=[("National Medical Products Administration", "government_body")],
    )
    theirs = facts(
        "The National Medical Products Administration on Tuesday approved "
        "camrelizumab, made by Jiangsu Hengrui Medicine, for small cell lung cancer."
    )

    assert match_score(ours, theirs) >= matching.MATCH_THRESHOLD


def test_another_companys_approval_in_the_same_words_does_not_match():
    # The old word-overlap rule scored this pair 0.8 against a 0.5 threshold.
    ours = facts(
        "China's drug regulator approved Hengrui Medicine's camrelizumab for "
        "first-line treatment of lung cancer on Tuesday, the company said."
    )
    theirs = facts(
        "China's drug regulator approved BeiGene's tislelizumab for first-line "
        "treatment of lung cancer on Tuesday, the company said."
    )

    assert text_similarity(ours.texts[0][0], theirs.texts[0][0]) > 0.75
    assert match_score(ours, theirs) == 0


def test_datelines_wire_credits_and_places_are_not_subjects():
    ours = facts(
        "BEIJING -- Hengrui Medicine opened a research center in Shanghai.",
        entities=[("Shanghai", "place")],
    )
    theirs = facts(
        "(Sample Wire) -- Hengrui Medicine opened a research center in Pudong.",
        entities=[("Pudong", "place")],
    )

    assert not ours.names_unknown_to(theirs)
    assert not theirs.names_unknown_to(ours)


def test_different_amounts_are_different_deals():
    deal = "Hengrui Medicine signed a licensing deal with a European drugmaker."
    small = facts(deal, amounts=[("800000000", "USD")])
    large = facts(deal, amounts=[("1200000000", "USD")])
    same = facts(deal, amounts=[("0.8E9", "USD")])

    assert match_score(small, large) == 0
    assert match_score(small, same) == 1.0


def test_actors_with_no_name_in_common_are_different_facts():
    text = "The company will invest in a new plant."
    hengrui = facts(text, entities=[("Jiangsu Hengrui Medicine", "company")])
    hengrui_short = facts(text, entities=[("Hengrui Medicine", "company")])
    beigene = facts(text, entities=[("BeiGene", "company")])

    assert match_score(hengrui, beigene) == 0
    assert match_score(hengrui, hengrui_short) >= matching.MATCH_THRESHOLD


def test_chinese_is_compared_by_characters_not_as_one_word():
    ours = facts(
        "国家药品监督管理局3月5日批准恒瑞医药的卡瑞利珠单抗用于小细胞肺癌一线治疗"
    )
    reworded = facts(
        "3月5日，国家药品监督管理局批准恒瑞医药卡瑞利珠单抗用于小细胞肺癌的一线治疗"
    )
    other = facts(
        "国家药品监督管理局3月5日批准百济神州的泽布替尼用于套细胞淋巴瘤一线治疗"
    )

    assert text_similarity(ours.texts[0][0], reworded.texts[0][0]) > 0.85
    assert match_score(ours, reworded) >= matching.MATCH_THRESHOLD
    assert match_score(ours, other) < matching.MATCH_THRESHOLD


def test_full_width_digits_and_case_are_folded():
    assert matching.normalise("ＡＩ Lab ２０２４") == "ai lab 2024"


def test_ascii_texts_are_normalised_as_the_expression_would():
    """The ASCII path (a translation) gives what NFKC, casefold and the
    `NOT_WORD` substitution give, for every ASCII character in every place."""

    def by_expression(text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).casefold()
        return matching.scores.NOT_WORD.sub(" ", folded).strip()

    ascii_chars = [chr(i) for i in range(128)]
    texts = [f"{a}{b}" for a in ascii_chars for b in ascii_chars]
    texts += [f"{a} Ab_9 {b}x{a}" for a in ascii_chars for b in ascii_chars]
    rnd = random.Random(11)
    texts += [
        "".join(rnd.choices(ascii_chars, k=rnd.randint(0, 30))) for _ in range(5000)
    ]
    assert all(text.isascii() for text in texts)
    assert [matching.normalise(t) for t in texts] == [by_expression(t) for t in texts]
    assert matching.normalise("  PD-1\tinhibitor__A.I. ") == "pd 1 inhibitor a i"


# --- ingest, end to end -----------------------------------------------------


def ingest(name: str):
    return documents_ingest(paths=[ARTICLES / name])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "again", "other"),
    [
        ("en_hengrui_daily.txt", "en_hengrui_wire.txt", "en_beigene_daily.txt"),
        ("zh_hengrui_jksb.txt", "zh_hengrui_yyg.txt", "zh_beigene_jksb.txt"),
    ],
    ids=["english", "chinese"],
)
def test_a_second_outlets_report_becomes_citations_and_a_near_miss_new_events(
    first, again, other
):
    original = ingest(first)
    assert original.events_created >= 2
    kinds = sorted(e.kind.slug for e in original.events)

    duplicate = ingest(again)

    assert duplicate.events_created == 0
    assert sorted(e.pk for e in duplicate.matched_events) == sorted(
        e.pk for e in original.events
    )
    copy = Document.objects.get(source_name=again)
    assert Citation.objects.filter(document=copy, needs_review=True).count() == len(
        original.events
    )

    near_miss = ingest(other)

    assert near_miss.citations_added == 0
    assert sorted(e.kind.slug for e in near_miss.events) == kinds


@pytest.mark.django_db
def test_matching_reads_a_bounded_pool_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    candidate = analyse_article(ARTICLES / "en_hengrui_daily.txt").events[0]
    kind = candidate.kind
    for number in range(matching.ARM_SIZE + 20):
        EventFactory(
            kind__slug=kind,
            date_edtf=candidate.date.edtf,
            title=f"Unrelated approval {number}",
        )

    kind_id = Event.objects.values_list("kind_id", flat=True).first()

    # The longest interval, the pool's ids, then the titles, quotes, amounts
    # and entities of the pool in one statement.
    with django_assert_num_queries(3):
        assert matching.matching_event(candidate, kind_id=kind_id) is None
    pool = matching.candidate_pool(kind_id, candidate.date.lower, candidate.date.upper)
    assert len(pool) == matching.ARM_SIZE


@pytest.mark.django_db
def test_two_candidates_of_one_sentence_give_one_event_cited_once(tmp_path):
    # Two dates in one sentence: two candidates with the same quote. The
    # second matches the event the first just made, which cites the span
    # already.
    path = tmp_path / "plans.txt"
    path.write_text(
        "State Council adopts industry plans\n\n"
        "By Li Na | Example Health News | Updated: 2023-09-04 09:00\n\n"
        "Two work plans on promoting high-quality development of the "
        "pharmaceutical and medical equipment industries in the 2023-2025 "
        "period were adopted by the State Council in late August.\n",
        encoding="utf-8",
    )
    candidates = analyse_article(path).events
    assert len({(c.start, c.end) for c in candidates}) < len(candidates)

    report = documents_ingest(paths=[path])

    assert report.events_created + report.citations_added < len(candidates)
    assert not report.failures
    assert Citation.objects.count() == Event.objects.count() == report.events_created


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_date", "stale"),
    [
        ("2024-03-01", False),  # fifteen events of the year start after it
        ("2024-12-20", True),  # it would be among them
        ("2024", True),  # another precision's scan, not full
        ("2023-03-01", False),  # before the candidate's dates
    ],
    ids=["below-a-full-scan", "inside-a-full-scan", "other-scan", "outside"],
)
def test_a_pool_is_stale_only_if_a_new_event_may_be_in_it(new_date, stale):
    kind = EventFactory(date_edtf="2024-12-01").kind
    for day in range(2, 2 + matching.ARM_SIZE):
        EventFactory(kind=kind, date_edtf=f"2024-12-{day:02}")
    wanted = (kind.pk, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    matcher = matching.Matcher()
    (pool,) = matcher.pools([wanted])
    assert len(pool) == matching.ARM_SIZE
    new = Event(kind=kind, date_edtf=new_date)
    new.derive_date_fields()

    assert matcher.could_pool(new, *wanted) is stale
