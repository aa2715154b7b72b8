"""Entity mentions: names classified by their head word, places by gazetteer."""

import pytest

from corpus.extraction.entities import find_entities

CASES = [
    (
        "ministry",
        "the Ministry of Industry and Information Technology said",
        ("Ministry of Industry and Information Technology", "government_body"),
    ),
    (
        "commission",
        "said the Beijing Municipal Science and Technology Commission.",
        ("Beijing Municipal Science and Technology Commission", "government_body"),
    ),
    (
        "state-council",
        "The State Council adopted the plan.",
        ("State Council", "government_body"),
    ),
    (
        "company-suffix",
        "Hengrui Pharmaceuticals partnered with Elvar Therapeutics.",
        ("Elvar Therapeutics", "company"),
    ),
    (
        "company-co-ltd",
        "Chongqing Zhifei Biological Products Co., Ltd. said",
        ("Chongqing Zhifei Biological Products Co., Ltd", "company"),
    ),
    (
        "hospital",
        "a robot from the Peking Union Medical College Hospital stood out",
        ("Peking Union Medical College Hospital", "organisation"),
    ),
    (
        "programme",
        "In 2016 the China Precision Medicine Initiative began.",
        ("China Precision Medicine Initiative", "programme"),
    ),
    (
        "fair",
        "at the China International Fair for Trade in Services (CIFTIS) in Beijing",
        ("China International Fair for Trade in Services", "programme"),
    ),
    ("place", "Investors in Shanghai and Hong Kong agreed.", ("Hong Kong", "place")),
    ("chinese-company", "恒瑞医药与某公司签署协议", ("恒瑞医药", "company")),
    ("chinese-place", "今年中国创新药出海", ("中国", "place")),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_find_entities_names_and_classifies_the_mention(text, expected):
    mentions = find_entities(text, offset=100)
    assert expected in [(m.name, m.kind) for m in mentions]
    for mention in mentions:
        assert text[mention.start - 100 : mention.end - 100] == mention.name


@pytest.mark.parametrize(
    "text",
    [
        "According to the plan, growth will continue.",
        "The Consortium was set up to address it.",
        "However, Partners remain cautious.",
    ],
    ids=["sentence-initial", "lone-head-word", "lone-capitalised"],
)
def test_find_entities_ignores_words_capitalised_only_by_position(text):
    assert find_entities(text) == []
