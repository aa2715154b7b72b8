"""Decoding article bytes: UTF-8, else a Chinese encoding only when the text is real."""

import pytest

from corpus.reading import FALLBACK_ENCODINGS, ArticleReadError, decode_article
from tests.conftest import SEEDS_DIR

# Each accented letter here is followed by a letter or another accented one,
# so every sentence is a valid GB18030 byte string: only plausibility can
# tell that it is not Chinese.
LATIN1_TEXTS = [
    (
        "french",
        "Le développement économique régional reste très présent dans les débats.\n",
    ),
    (
        "german",
        "Die Bundesregierung fördert künftig Forschungszentren für "
        "Biotechnologie. Größere Krankenhäuser müssen bis März digitale "
        "Patientenakten einführen.\n",
    ),
    (
        "portuguese",
        "A população recebeu informação sobre a produção e a inovação das regiões.\n",
    ),
    ("german-capitals", "Ärzte und Ältere begrüßen die Änderung.\n"),
]

CHINESE_TEXTS = [
    (
        "gb18030-seed-article",
        (SEEDS_DIR / "002_90a602e209550b0b.txt").read_text(encoding="utf-8"),
        "gb18030",
    ),
    (
        "gb18030-rare-name-characters",
        "据新华社报道，浙江鑫昊医药科技有限公司与上海炜琪生物签署合作协议，"
        "双方将共同开发抗肿瘤创新药。该项目总投资约12亿元人民币，预计2026年"
        "投产。公司董事长王彧表示，将加快临床试验进度。\n",
        "gb18030",
    ),
    (
        "big5-hong-kong",
        "香港特別行政區政府今日公布，將於明年推出新的醫療科技發展計劃，預計投資"
        "五十億港元，支持本地生物科技企業研發創新藥物。衛生署表示，計劃會與大學"
        "及醫院合作，加快臨床試驗審批程序，並吸引海外人才來港工作。\n",
        "big5",
    ),
    (
        "big5-taiwan",
        "台灣衛生福利部昨日宣布，全民健康保險將給付新一代癌症免疫療法，"
        "預估每年嘉惠逾三千名病患。\n",
        "big5",
    ),
]


@pytest.mark.parametrize(
    "text", [t for _, t in LATIN1_TEXTS], ids=[i for i, _ in LATIN1_TEXTS]
)
def test_latin1_text_is_refused_not_read_as_chinese(text):
    data = text.encode("latin-1")
    data.decode("gb18030")  # decodes without error, into nonsense hanzi

    with pytest.raises(ArticleReadError) as raised:
        decode_article(data, name="letter.txt", fallback_encodings=FALLBACK_ENCODINGS)

    message = str(raised.value)
    assert message.startswith("letter.txt: not valid text in utf-8, gb18030, big5")
    assert "as gb18030, only 0 of" in message
    assert "save the file as UTF-8" in message


@pytest.mark.parametrize(
    ("text", "encoding"),
    [case[1:] for case in CHINESE_TEXTS],
    ids=[case[0] for case in CHINESE_TEXTS],
)
def test_chinese_text_in_a_chinese_encoding_decodes(text, encoding):
    data = text.encode(encoding)

    decoded = decode_article(
        data, name="article.txt", fallback_encodings=FALLBACK_ENCODINGS
    )

    assert decoded == text


def test_utf8_is_read_without_any_fallback_check():
    text = "Le développement économique 发展\n"

    assert decode_article(text.encode(), name="a.txt") == text
