"""Sentence segmentation: offsets always point at the sentence text."""

import pytest

from corpus.extraction.sentences import split_sentences

CASES = [
    ("two-sentences", "It opened. It closed.", ["It opened.", "It closed."]),
    (
        "abbreviated-month",
        "BEIJING, Sept. 4 (Xinhua) -- The fair opened.",
        ["BEIJING, Sept. 4 (Xinhua) -- The fair opened."],
    ),
    (
        "initials",
        "The U.S. firm agreed. Then it left.",
        ["The U.S. firm agreed.", "Then it left."],
    ),
    ("title", "Dr. Wang spoke. He left.", ["Dr. Wang spoke.", "He left."]),
    ("decimal", "It rose 3.5 percent. Good.", ["It rose 3.5 percent.", "Good."]),
    ("quote-end", '"We will win." He said.', ['"We will win."', "He said."]),
    ("lowercase-after-period", "Use approx. five units.", ["Use approx. five units."]),
    (
        "chinese",
        "中国创新药出海。今年超450亿美元！",
        ["中国创新药出海。", "今年超450亿美元！"],
    ),
    ("chinese-semicolon", "第一；第二。", ["第一；", "第二。"]),
    (
        "lines",
        "Headline here\n\nBody starts. Body ends.",
        ["Headline here", "Body starts.", "Body ends."],
    ),
    ("question", "Where next? Abroad.", ["Where next?", "Abroad."]),
    ("no-final-stop", "A sentence without a stop", ["A sentence without a stop"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_split_sentences_finds_each_sentence_with_exact_offsets(text, expected):
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_split_sentences_of_empty_text_is_empty():
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []
