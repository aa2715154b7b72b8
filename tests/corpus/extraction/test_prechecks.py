"""The cheap tests that let the extractor skip a pattern must never skip one
that would match: each is checked against the pattern it stands in for."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from corpus.extraction import (
    amounts,
    anchors,
    events,
    headers,
    timex,
    timex_en,
    timex_en_lexicon,
    timex_zh,
    titles,
)
from corpus.extraction.amounts_lexicon import EN_APPROX_RE, EN_LEAD_RE
from corpus.extraction.prechecks import has_case_traps
from corpus.extraction.sentences import _word_before
from corpus.extraction.timex_common import Ctx

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
ANCHOR = dt.date(2023, 9, 6)

# At least one text per English rule, so every rule's needed words are put to
# the test; then texts that hold none of a rule's needed words.
RULE_TEXTS = [
    "during the 14th Five-Year Plan period",
    "in '19 and March '20",
    "the first week of March 2023",
    "in January-August and Jan.-Aug. 2023",
    "in the first eight months of 2023",
    "on Monday, September 4, 2023, and Sept. 2-6",
    "on the 4th of September 2023 and 12-14 May",
    "in January 2020, by May of 2021",
    "next March, this coming June, last May",
    "in early September 2023 and mid-2024, at the end of March",
    "earlier this year, in late 2019, the middle of 2020",
    "by the year-end and the year end",
    "in the first half of 2023, the second half, H1 2024",
    "in the third quarter of fiscal 2023, the last quarter",
    "Q3 2023, 2023Q4, q1 '24",
    "last summer, in spring 2024, the fall of 2019",
    "from 2019 to 2024, between 2018 and 2020, the 2023-2025 period",
    "on 2023-09-04 and 2023/9/4, in 2023-09",
    "on 09/04/2023 and 4.9.2023",
    "in the 1990s, the mid-'80s and the late 1970s",
    "in 2023, the year 2021, FY2022",
    "today, yesterday and the day after tomorrow",
    "this morning and yesterday evening, last night",
    "on Friday afternoon and next Tuesday",
    "this week, last month, the past decade, next year",
    "over the weekend",
    "the same day, the following day",
    "three years ago, two weeks from now",
    "after ten years of development",
    "the past three years, the next five months",
    "for about three months, more than a week, 18 months",
    "every year, quarterly reports, per month",
    "now, recently, in the near future, to date, at present",
    "at 14:45 and at 6:40 p.m.",
    "at 9 am and 11pm",
    "at 0930 GMT",
    "Revenue rose 12 percent to 3.2 billion yuan in 2023.",
    "他说，预计2025年市场规模将达到1.5万亿元。",
    "ſince 2019 the ſpring fair and İn 2020",
]


@pytest.fixture
def unpruned(monkeypatch: pytest.MonkeyPatch):
    """English candidates with every rule tried, needed words or not."""

    def candidates(text: str) -> list:
        with monkeypatch.context() as patch:
            patch.setattr(timex_en, "_absent_rules", lambda text, words: frozenset())
            return timex_en.candidates(Ctx(text, ANCHOR))

    return candidates


def _texts() -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return RULE_TEXTS + seeds


@pytest.mark.parametrize("text", _texts())
def test_rules_skipped_for_a_text_match_nothing_in_it(text: str, unpruned) -> None:
    everything = unpruned(text)
    absent = timex_en._absent_rules(text, timex_en._tokenised_triggers(text)[1])
    assert not absent & {cand.rank for cand in everything}
    assert timex_en.candidates(Ctx(text, ANCHOR)) == everything


def test_every_rule_is_put_to_the_test(unpruned) -> None:
    matched = {cand.rank for text in RULE_TEXTS for cand in unpruned(text)}
    assert matched == set(range(len(timex_en.RULE_SPECS)))


@pytest.mark.parametrize(
    ("text", "traps"),
    [
        ("plain ASCII", False),
        ("中文 and é", False),
        ("ſince", True),
        ("İstanbul", True),
        ("dotless ı", True),
        ("5 \u212a", True),
    ],
)
def test_case_traps_are_the_characters_lowercasing_misses(
    text: str, traps: bool
) -> None:
    assert has_case_traps(text) is traps


BEFORE_NUMBERS = [
    "rose 12 percent to ",
    "between ",
    "worth between  ",
    "worth US ",
    "worth US",
    "(US ",
    "the U.S. ",
    "a HK",
    "in RMB ",
    "was ",
    "bus ",
    "xbetween ",
    "5between ",
    "a C ",
    "in CNY\t",
    "ſ ",
    "about ",
    "up to ",
    "close  to ",
    "just to ",
    "more than\n",
    "more\nthan ",
    "an estimated ",
    "approx. ",
    "c. ",
    "~",
    "~ ",
    "in excess of ",
    "upwards of ",
    "as much as ",
    "much as ",
    "at least ",
    "lEast ",
    "UNDER ",
    "(over ",
    "5over ",
    "",
]


@pytest.mark.parametrize("before", BEFORE_NUMBERS)
def test_lead_test_passes_whatever_the_lead_pattern_finds(before: str) -> None:
    text = before + "5"
    lead = EN_LEAD_RE.search(text, max(0, len(before) - 16), len(before))
    if lead and lead.start() < len(before):
        assert amounts._may_lead(before[-16:]) or has_case_traps(before)


@pytest.mark.parametrize("before", BEFORE_NUMBERS)
def test_qualifier_test_passes_whatever_the_qualifier_pattern_finds(
    before: str,
) -> None:
    window = before[-24:]
    if EN_APPROX_RE.search(window):
        assert amounts._may_qualify(window) or has_case_traps(window)


@pytest.mark.parametrize(
    "window",
    ["", "Mr", "the U.S", "Co..", "x.", ". .", "3 a.m", "é", "ab1cd", "Inc.Ltd"],
)
def test_word_before_a_period_is_what_the_pattern_finds(window: str) -> None:
    found = re.search(r"([A-Za-z][A-Za-z.]*)\Z", window)
    assert _word_before(window) == (found.group(1) if found else "")


@pytest.mark.parametrize(
    "before",
    ["since ", "ever since\t", "as of  ", "no later than ", "Around ", "自", "从 ",
     "截止到", "by", "rose ", "(since ", "", "in ", "ſince "],
)  # fmt: skip
def test_signal_test_passes_whatever_the_signal_pattern_finds(before: str) -> None:
    text = before + "2020"
    if timex._SIGNAL_LEFT.search(text, 0, len(before)):
        assert timex._may_end_in_signal(before, not has_case_traps(text))


@pytest.mark.parametrize(
    "sentence",
    ["one two three four", "one two three four five", "a-b c'd e’f g h",
     "— — — — — —", "1 2 3 4 5", "é é é é é", "x_y z", "这是一个很长的中文句子吗",
     "这是中文", ""],
)  # fmt: skip
def test_word_counts_agree_with_findall(sentence: str) -> None:
    enough_words = len(events.WORD.findall(sentence)) >= events.MIN_WORDS
    enough_cjk = len(events.CJK.findall(sentence)) >= events.MIN_CJK_CHARS
    assert (events.ENOUGH_WORDS.match(sentence) is not None) is enough_words
    assert (events.ENOUGH_CJK.match(sentence) is not None) is enough_cjk


# Windows that end in the labels, identifiers, comparisons and clock times the
# anchors' patterns look for, in other cases, spacings and scripts, and ones
# that only look alike.
BEFORE_DATES = [
    "Release date: ", "RELEASE DATE：", "Published on ", "updated  ", "时间:",
    "發布日期 ",
    "batch ", "Build #", "ver. ", "v", "No.", "ticket-", "2.3.1 (", "issue =  ",
    "compared with ", "than that of the ", "VS. ", "versus", "versuſ ", "与",
    "相較於 ",
    "22% over ", "12 PERCENT FROM ", "3 per cent on ", "two points  over ",
    "than the same period in ", "Compared with those of the ", "than that in ",
    "from the same period ", "pct from ", "than the same period of ",
    "超过", "略低于 ", "高於", "不及", "超出",
    "at 10:30, ", "13：16 ", "posted", "dated ", "a date ", "Time ", "runs ", "ID:",
    "the ", "Bought in ", "", " ", "。", "é ", "ſince ", "İD ",
]  # fmt: skip


@pytest.mark.parametrize("before", BEFORE_DATES)
def test_anchor_window_tests_pass_whatever_their_patterns_find(before: str) -> None:
    if anchors._LABEL_BEFORE.search(before):
        assert anchors._may_end_in_label(before)
    if anchors._CLOCK_BEFORE.search(before):
        assert ":" in before or "：" in before
    if anchors._IDENTIFIER_BEFORE.search(before[-16:]):
        assert anchors._may_end_in_identifier(before[-16:])
    window = before[-anchors._COMPARED_WINDOW :]
    if anchors._COMPARED_BEFORE.search(window):
        assert anchors._last_char(window) in anchors._COMPARED_ENDS


# Words and marks the comparison patterns are made of, with near misses, in
# other cases and spacings.
COMPARISON_PARTS = [
    "compared", "Compared", "with", "to", "than", "THAN", "in", "versus", "vs",
    "vs.", "from", "the", "%", "per", "cent", "percent", "pct", "point", "points",
    "over", "on", "that", "those", "of", "same", "Same", "period", "said", "rose",
    "12", "a", "与", "较", "較", "比", "相比于", "相較於", "相较于", "比起", "高于",
    "低於", "多于", "超过", "超過", "超出", "不及", "同期", "ſ", "x", "the2", "thanks",
]  # fmt: skip
SEPARATORS = [" ", "  ", "", "\t", ", ", "\n"]


def test_the_comparison_read_backwards_is_the_comparison() -> None:
    rng = random.Random(20261208)
    for _ in range(50_000):
        words = rng.randint(1, 7)
        window = "".join(
            rng.choice(COMPARISON_PARTS) + rng.choice(SEPARATORS) for _ in range(words)
        )[-anchors._COMPARED_WINDOW :]
        forward = anchors._COMPARED_BEFORE.search(window) is not None
        backward = anchors._COMPARED_REVERSED.match(window[::-1]) is not None
        assert forward is backward, window


@pytest.mark.parametrize(
    "line",
    ["Smith J, et al. Lancet 2019;12(3):45", "ET AL 2020", "doi:10.1000/1",
     "DOI: 10.1", "人民卫生出版社, 2019", "[J] 2020", "Vol 3 (2): 2021", "2019; 4",
     "Plain prose in 2023 with no marks", "dOı: 5", ""],
)  # fmt: skip
def test_citation_test_passes_whatever_the_citation_pattern_finds(line: str) -> None:
    if anchors._CITATION_LINE.search(line):
        assert anchors._may_cite(line)


@pytest.mark.parametrize(
    "clause",
    ["it will", "WILL", "they'll", "is  to", "are\tto", "to be held", "Scheduled",
     "expected\nto", "is due", "plans to", "plan to", "planned", "upcoming",
     "set to", "going to", "should be", "intends to", "aim to", "aims  to",
     "it ſhall", "said", "went to", "as planned", "shallow", ""],
)  # fmt: skip
def test_future_test_passes_whatever_the_future_pattern_finds(clause: str) -> None:
    if timex_en_lexicon._FUTURE_CUE.search(clause):
        assert timex_en_lexicon._may_cue_future(clause)


def test_chinese_windows_cover_every_run_and_merge_the_ones_that_overlap() -> None:
    text = "English 2023年 " + "x" * 79 + "今年" + "y" * 81 + "明年 end"
    runs = [(m.start(), m.end()) for m in re.finditer(r"[\u4e00-\u9fff]+", text)]
    reach = timex_zh._REACH
    expected: list[tuple[int, int]] = []
    for start, end in runs:
        lo, hi = max(0, start - reach), min(len(text), end + reach)
        if expected and lo <= expected[-1][1]:
            lo = expected.pop()[0]
        expected.append((lo, hi))
    assert timex_zh._windows(text) == expected
    assert len(expected) == 2


@pytest.mark.parametrize(
    "sample",
    ["English only", "Ünïcödé Ȁȏ ɏɐ", "中文和English", "ひらがなカタカナ・ー", "ゟ゠ヿ",
     "\ud800 lone surrogate", "한국어 Ελληνικά", ""],
)  # fmt: skip
def test_letters_counted_on_bytes_are_what_the_run_patterns_find(sample: str) -> None:
    latin = sum(map(len, headers._LATIN_RUN_RE.findall(sample)))
    kana = sum(map(len, headers._KANA_RUN_RE.findall(sample)))
    assert headers._latin_and_kana(sample) == (latin, kana)


def _not_glued(text: str, hits: list[tuple[int, str]]) -> list[tuple[int, str]]:
    # The tokens candidates() tries: one glued to a letter or digit starts
    # nothing, except a number after "T".
    return [
        (at, word)
        for at, word in hits
        if not (
            at and text[at - 1].isalnum() and (word[0].isalpha() or text[at - 1] != "T")
        )
    ]


def _lowering_keeps_offsets(text: str) -> bool:
    """Whether `candidates` searches the lowercased text for its triggers
    (else it tokenises the text whole)."""
    return len(text.lower()) == len(text) and "\u212a" not in text


# Lowercasing moves offsets or token boundaries: "İ" grows, "K" becomes "k".
UNCLEAN_TEXTS = [
    ("İstanbul hosted the fair on March 3, 2019, and again in May 2020.", "May 2020"),
    ("A 5 \u212a rise by 2024: the \u212aelvin scale, since 1990.", "1990"),
]


@pytest.mark.parametrize(
    "text",
    [
        *(text for text in _texts() if _lowering_keeps_offsets(text)),
        "2018-10-14T07:30 and T'19, 1990s, A330 in 6G, '90s, 12'19 5th",
        "the 10am meeting: Maya'19, x2019 and \u0661\u0662 2019\u0661 \u00e92020",
        "March 3",
        "'19 was",
        "2019",
        "march",
        "na\u00efve May 5 \u201919 '19'20 1'2 \u0661\u0662 3rd\ud800april",
        "\u4e8e2024\u5e74 2024q1 5g",
        "T2019 and T'19 5 Tuesday's march's?may!",
    ],
)
def test_trigger_search_finds_what_tokenising_does(text: str) -> None:
    lowered = text.lower()
    found, needed = timex_en._found_triggers(lowered, text)
    tokenised, vocabulary = timex_en._tokenised_triggers(text)
    assert _not_glued(text, found) == _not_glued(text, tokenised)
    assert needed == vocabulary & timex_en._NEEDED_WORDS


@pytest.mark.parametrize(("text", "last_date"), UNCLEAN_TEXTS)
def test_texts_whose_lowercasing_moves_offsets_are_tokenised_whole(
    text: str, last_date: str, unpruned
) -> None:
    """The offsets stay the text's own: the last date is found where it is."""
    assert not _lowering_keeps_offsets(text)
    candidates = timex_en.candidates(Ctx(text, ANCHOR))
    assert candidates == unpruned(text)
    assert last_date in {text[cand.start : cand.end] for cand in candidates}


def _first_chars(items) -> tuple[set[str] | None, bool]:
    """The characters a parsed pattern's match can start with (None: any),
    and whether it can match the empty string."""
    from re import _constants as c

    chars: set[str] = set()
    for op, arg in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width
        if op is c.LITERAL:
            found, empty = {chr(arg)}, False
        elif op is c.IN:
            found, empty = set(), False
            for kind, value in arg:
                if kind is c.LITERAL:
                    found.add(chr(value))
                elif kind is c.RANGE and value[1] - value[0] < 1000:
                    found |= {chr(x) for x in range(value[0], value[1] + 1)}
                else:
                    return None, False
        elif op is c.BRANCH:
            found, empty = set(), False
            for branch in arg[1]:
                first, can_be_empty = _first_chars(branch)
                if first is None:
                    return None, False
                found |= first
                empty = empty or can_be_empty
        elif op is c.SUBPATTERN:
            found, empty = _first_chars(arg[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            found, empty = _first_chars(arg[2])
            empty = empty or arg[0] == 0
        else:
            return None, False
        if found is None:
            return None, False
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def _starts(pattern: re.Pattern, *, groups: tuple[str, ...] = ()) -> set[str]:
    """Every character `pattern` can match first, with its case-insensitive
    doubles as the regex engine has them ("ſ" for "s", "K" for "k"); with
    `groups`, only through the branches that open with those named groups."""
    from re import _parser

    parsed = list(_parser.parse(pattern.pattern, pattern.flags))
    if groups:  # the branch of alternatives at the top, each a named group
        wanted = {pattern.groupindex[name] for name in groups}
        at = next(i for i, (op, _) in enumerate(parsed) if op is _parser.BRANCH)
        branches = [b for b in parsed[at][1][1] if b[0][1][0] in wanted]
        assert len(branches) == len(groups)
        parsed[at] = (_parser.BRANCH, (None, branches))
    chars, _ = _first_chars(parsed)
    assert chars is not None, pattern.pattern
    listed = "".join(map(re.escape, sorted(chars)))
    klass = re.compile(f"[{listed}]", pattern.flags)
    return {chr(x) for x in range(0x10000) if klass.fullmatch(chr(x))}


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday, March 3, 2019 the fund (\u00e9tude) raised \u20ac5m.",
        "na\u00efve May\u20195 \u201919 \u4e8e2024\u5e74 \ud800march\U0001f600april",
        "",
    ],
)
def test_trigger_search_bytes_keep_each_letter_run_at_its_offset(text: str) -> None:
    # One byte per character, every other byte a space: the runs and their
    # offsets are the lowercased text's own.
    lowered = text.lower()
    words = lowered.encode("ascii", "replace").translate(timex_en._LETTERS_ONLY)
    runs = [(m.start(), m[0]) for m in re.finditer(b"[a-z]+", words)]
    assert runs == [(m.start(), m[0].encode()) for m in re.finditer("[a-z]+", lowered)]


@pytest.mark.parametrize(
    ("pattern", "groups", "precheck"),
    [
        (headers._TAIL_AUTHOR_HEADING_RE, (), headers._HEADING_FIRST),
        (headers._LABEL_RE, ("role", "cn"), headers._ROLE_FIRST),
        (headers._DATE_LABEL_RE, (), headers.DATE_LABEL_FIRST),
        (titles._DATE_FIELD, (), headers.DATE_LABEL_FIRST),
        (
            re.compile(headers.DATE_LABELS, re.IGNORECASE),
            (),
            headers.DATE_LABEL_FIRST,
        ),
    ],
    ids=[
        "author heading",
        "label role",
        "date label",
        "title date field",
        "date field line",
    ],  # fmt: skip
)
def test_the_header_tails_first_characters_cover_their_patterns(
    pattern, groups, precheck
) -> None:
    assert _starts(pattern, groups=groups) <= precheck


def test_the_news_states_first_characters_cover_its_pattern() -> None:
    assert _starts(events.THIS_EVENT) == events.THIS_EVENT_FIRST
