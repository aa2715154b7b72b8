"""Tests for the money-amount extractor: one table row per way news text writes
a sum, plus numbers that must not be read as money."""

from decimal import Decimal

import pytest

from corpus.extraction.amounts import Amount, extract_amounts

D = Decimal
B = 10**9
M = 10**6

# (sentence, matched text, value, currency, approximate, upper)
AMOUNT_CASES = [
    ("250 billion yuan", "250 billion yuan", D(250 * B), "CNY", False, None),
    ("worth $36 billion now", "$36 billion", D(36 * B), "USD", False, None),
    ("revenue ($36 billion) rose", "$36 billion", D(36 * B), "USD", False, None),
    ("US$30 million", "US$30 million", D(30 * M), "USD", False, None),
    ("US$ 40 billion", "US$ 40 billion", D(40 * B), "USD", False, None),
    ("€400 million", "€400 million", D(400 * M), "EUR", False, None),
    ("a €2 million grant", "€2 million", D(2 * M), "EUR", False, None),
    ("£20.1 billion", "£20.1 billion", D("20100000000"), "GBP", False, None),
    ("RMB 1.2 billion", "RMB 1.2 billion", D(1_200_000_000), "CNY", False, None),
    ("1.2 billion RMB", "1.2 billion RMB", D(1_200_000_000), "CNY", False, None),
    ("CNY 5 bn", "CNY 5 bn", D(5 * B), "CNY", False, None),
    ("5bn yuan", "5bn yuan", D(5 * B), "CNY", False, None),
    ("HK$3.5 billion", "HK$3.5 billion", D(3_500_000_000), "HKD", False, None),
    ("¥100 million", "¥100 million", D(100 * M), "CNY", False, None),
    (
        "4.1 billion dollars",
        "4.1 billion dollars",
        D(4_100_000_000),
        "USD",
        False,
        None,
    ),
    ("$52.3 billion", "$52.3 billion", D(52_300_000_000), "USD", False, None),
    ("over $160 billion", "over $160 billion", D(160 * B), "USD", True, None),
    ("close to €400 million", "close to €400 million", D(400 * M), "EUR", True, None),
    ("nearly 1 trillion yuan", "nearly 1 trillion yuan", D(10**12), "CNY", True, None),
    ("more than 10 bn yuan", "more than 10 bn yuan", D(10 * B), "CNY", True, None),
    ("up to $2 billion", "up to $2 billion", D(2 * B), "USD", True, None),
    ("about $5m", "about $5m", D(5 * M), "USD", True, None),
    ("$1-2 billion", "$1-2 billion", D(B), "USD", False, D(2 * B)),
    (
        "between $1 billion and $2 billion",
        "between $1 billion and $2 billion",
        D(B),
        "USD",
        False,
        D(2 * B),
    ),
    (
        "10 to 20 billion yuan",
        "10 to 20 billion yuan",
        D(10 * B),
        "CNY",
        False,
        D(20 * B),
    ),
    ("$500,000 prize", "$500,000", D(500_000), "USD", False, None),
    (
        "300 million Hong Kong dollars",
        "300 million Hong Kong dollars",
        D(300 * M),
        "HKD",
        False,
        None,
    ),
    ("1.2 trillion yen", "1.2 trillion yen", D(1_200_000_000_000), "JPY", False, None),
    ("5 billion euros", "5 billion euros", D(5 * B), "EUR", False, None),
    ("$5\u00a0billion", "$5\u00a0billion", D(5 * B), "USD", False, None),
    ("450亿美元", "450亿美元", D(45 * B), "USD", False, None),
    ("1.5万亿元", "1.5万亿元", D(1_500_000_000_000), "CNY", False, None),
    ("52.3亿元", "52.3亿元", D(5_230_000_000), "CNY", False, None),
    ("3000万元", "3000万元", D(30 * M), "CNY", False, None),
    ("已狂揽超450亿美元", "超450亿美元", D(45 * B), "USD", True, None),
    ("约20亿元人民币", "约20亿元人民币", D(2 * B), "CNY", True, None),
    ("人民币20亿元", "人民币20亿元", D(2 * B), "CNY", False, None),
    ("十亿元", "十亿元", D(B), "CNY", False, None),
    ("三千万元", "三千万元", D(30 * M), "CNY", False, None),
    ("一亿五千万元", "一亿五千万元", D(150 * M), "CNY", False, None),
    ("20多亿元", "20多亿元", D(2 * B), "CNY", True, None),
    ("逾50亿港元", "逾50亿港元", D(5 * B), "HKD", True, None),
    ("10亿至20亿元", "10亿至20亿元", D(B), "CNY", False, D(2 * B)),
    ("10-20亿元", "10-20亿元", D(B), "CNY", False, D(2 * B)),
    ("3.2亿欧元", "3.2亿欧元", D(320 * M), "EUR", False, None),
]
AMOUNT_IDS = [
    "yuan-word",
    "dollar-sign",
    "parenthesised",
    "us-dollar-sign",
    "us-dollar-sign-space",
    "euro-sign",
    "euro-then-noun",
    "pound-sign",
    "rmb-prefix",
    "rmb-suffix",
    "iso-code-bn",
    "bn-attached-yuan",
    "hk-dollar",
    "yen-sign-is-yuan",
    "dollars-word",
    "decimal-billion",
    "over",
    "close-to",
    "nearly-trillion",
    "more-than",
    "up-to",
    "about-m",
    "range-hyphen",
    "range-between",
    "range-to",
    "thousands-commas",
    "hong-kong-dollars",
    "yen-word",
    "euros-word",
    "no-break-space",
    "cn-usd",
    "cn-wanyi",
    "cn-yi-decimal",
    "cn-wan",
    "cn-chao-approx",
    "cn-yue-renminbi",
    "cn-renminbi-prefix",
    "cn-numeral-shiyi",
    "cn-numeral-sanqianwan",
    "cn-numeral-compound",
    "cn-duo-approx",
    "cn-yu-hkd",
    "cn-range-zhi",
    "cn-range-hyphen",
    "cn-euro",
]


@pytest.mark.parametrize(
    ("sentence", "text", "value", "currency", "approximate", "upper"),
    AMOUNT_CASES,
    ids=AMOUNT_IDS,
)
def test_extract_amounts_reads_one_amount(
    sentence: str,
    text: str,
    value: Decimal,
    currency: str,
    approximate: bool,
    upper: Decimal | None,
) -> None:
    [amount] = extract_amounts(sentence)
    assert amount.text == text
    assert sentence[amount.start : amount.end] == text
    assert amount.value == value
    assert amount.currency == currency
    assert amount.approximate is approximate
    assert amount.upper == upper


@pytest.mark.parametrize(
    "sentence",
    [
        "up 50% on the year",
        "up 13 percent year-on-year",
        "assisted over 1,800 surgeries",
        "1.57 million companies",
        "in 2023",
        "launching more than 400 showcase smart factories",
        "costs $ alone",
        "6G networks",
        "GB #20.1 billion",
        "Rs 500 crore",
        "the team won 3 games",
        "每万元收入",
        "2018-20",
        "$123456789012345678901234567890 billion",
    ],
    ids=[
        "percent-sign",
        "percent-word",
        "count",
        "count-with-scale",
        "year",
        "count-of-things",
        "bare-dollar-sign",
        "6g",
        "gb-hash-is-no-currency",
        "rupees-unsupported",
        "won-the-verb",
        "wan-yuan-unit",
        "year-range",
        "absurdly-long-number",
    ],
)
def test_extract_amounts_ignores_numbers_that_are_not_money(sentence: str) -> None:
    assert extract_amounts(sentence) == []


def test_extract_amounts_splits_a_change_from_one_figure_to_another() -> None:
    amounts = extract_amounts("sales rose from $1 billion to $2 billion")
    assert [(a.text, a.value, a.upper) for a in amounts] == [
        ("$1 billion", D(B), None),
        ("$2 billion", D(2 * B), None),
    ]


def test_extract_amounts_skips_a_failed_range_but_keeps_its_second_figure() -> None:
    [amount] = extract_amounts("in 2023 to $5 billion")
    assert amount.text == "$5 billion"


def test_extract_amounts_returns_sorted_non_overlapping_spans() -> None:
    text = (
        "The revenue is expected to reach 250 billion yuan ($36 billion) by 2020; "
        "今年中国创新药已狂揽超450亿美元, with upfront payments of $4.1 billion."
    )
    amounts = extract_amounts(text)
    assert [a.text for a in amounts] == [
        "250 billion yuan",
        "$36 billion",
        "超450亿美元",
        "$4.1 billion",
    ]
    assert all(text[a.start : a.end] == a.text for a in amounts)
    assert all(a.end <= b.start for a, b in zip(amounts, amounts[1:], strict=False))


def test_extract_amounts_values_are_exact_decimals() -> None:
    [amount] = extract_amounts("$1.23456789 trillion")
    assert isinstance(amount, Amount)
    assert amount.value == D("1234567890000")
    assert str(amount.value) == "1234567890000"
