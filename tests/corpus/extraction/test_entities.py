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

# Chinese names have no spaces around them: (text, the names found, by kind).
CHINESE_BOUNDARIES = [
    pytest.param(
        "示例药监局5月9日批准示例制药的新药上市。",
        [("示例药监局", "government_body"), ("示例制药", "company")],
        id="date-and-verb-before-a-name",
    ),
    pytest.param(
        "本次发行的投资者珠海示例投资有限公司认购了股份。",
        [("珠海示例投资有限公司", "company")],
        id="role-before-a-name",
    ),
    pytest.param(
        "12日,示例医药科技有限公司宣布完成融资。",
        [("示例医药科技有限公司", "company")],
        id="head-word-inside-a-longer-name",
    ),
    pytest.param(
        "该公司与深圳示例生物技术有限公司签署合作协议。",
        [("深圳示例生物技术有限公司", "company")],
        id="determiner-and-conjunction-before-a-name",
    ),
    pytest.param(
        "据示例省医疗保障局18日消息,目录调整结束。",
        [("示例省医疗保障局", "government_body")],
        id="according-to-before-a-name",
    ),
    pytest.param("该医院于3月开诊。", [], id="determiner-and-head-word-only"),
    pytest.param(
        "全年46项市级任务全部完成。", [], id="word-ending-in-a-head-is-no-name"
    ),
    pytest.param("示例城区形成了新的发展格局。", [], id="geju-is-no-bureau"),
    pytest.param(
        "示例省在展会上设立了面向全球创新企业的生物",
        [],
        id="long-phrase-before-a-short-head",
    ),
    pytest.param(
        "共有20家示例省人民医院参与。",
        [("示例省人民医院", "organisation")],
        id="counter-after-a-number-starts-no-name",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CHINESE_BOUNDARIES)
def test_chinese_names_start_where_the_words_before_them_end(text, expected):
    mentions = find_entities(text)
    assert [(m.name, m.kind) for m in mentions if m.kind != "place"] == expected
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.name


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
