"""Tests for the page-header parser: the five seed pages, a table of synthetic
headers (one row per byline, dateline and date convention) and its negatives."""

import datetime
from pathlib import Path

import pytest

from corpus.extraction.headers import (
    NEXT_YEAR_NOTE,
    DocumentHeader,
    parse_date_string,
    parse_header,
)

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
D = datetime.date

BODY = (
    "The city government said on Friday that it would expand the programme to "
    "every district, and officials expect the first results before the end of "
    "the year.\n"
)
CN_BODY = (
    "北京市政府周五表示，将把该计划推广到所有区，官员预计年底前将看到首批成果，"
    "相关企业也将获得更多支持。\n"
)
BODY_TITLE = (
    "The city government said on Friday that it would expand the programme to "
    "every district, and officials expect the…"
)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (
            "000_",
            DocumentHeader(
                title=(
                    "2024 is a significant year, marking a relatively stable and "
                    "recovering phase globally after three years of the…"
                ),
                publisher="",
                author="",  # the page says "admin": a CMS login, not an author
                published_on=D(2024, 2, 1),
                language="en",
            ),
        ),
        (
            "001_",
            DocumentHeader(
                title="Beijing boosts healthcare industry",
                publisher="China Daily",
                author="Xin Wen",
                published_on=D(2018, 10, 14),
                language="en",
            ),
        ),
        (
            "002_",
            DocumentHeader(
                title=(
                    "今年中国创新药“出海”已狂揽超450亿美元:当“出海”进入深水区, "
                    "下一个方向在哪里?"
                ),
                publisher="Mei Ri Jing Ji Xin Wen",
                author="",
                published_on=D(2025, 7, 11),
                # Chinese headline, English body: the body's script decides.
                language="en",
            ),
        ),
        (
            "003_",
            DocumentHeader(
                title="Sci-tech innovation in health services highlighted at CIFTIS",
                publisher="Xinhua",
                author="",
                published_on=D(2023, 9, 4),
                language="en",
            ),
        ),
        (
            "004_",
            DocumentHeader(
                title="All-out innovation",
                publisher="World Show Media",
                author="ACHEMA Inspire staff",
                published_on=D(2025, 1, 24),
                language="en",
            ),
        ),
    ],
    ids=[
        "000-wordpress",
        "001-china-daily",
        "002-cn-headline",
        "003-xinhua",
        "004-achema",
    ],
)
def test_parse_header_reads_seed_page(prefix: str, expected: DocumentHeader) -> None:
    [path] = SEEDS.glob(f"{prefix}*.txt")
    text = path.read_text(encoding="utf-8")
    assert parse_header(text, source_name=path.name) == expected


# (page text, title, publisher, author, published_on, language)
HEADER_CASES = [
    pytest.param(
        "Home / World\n\nChina approves new cancer drug\n\n"
        "By ZHANG YI in Beijing | China Daily | Updated: 2024-03-05 09:12\n\n" + BODY,
        "China approves new cancer drug",
        "China Daily",
        "Zhang Yi",
        D(2024, 3, 5),
        "en",
        id="by-pipe-publisher-updated",
    ),
    pytest.param(
        "Pharma deal tops record\nBy Jane Doe, Reuters\nMarch 3, 2024\n\n" + BODY,
        "Pharma deal tops record",
        "Reuters",
        "Jane Doe",
        D(2024, 3, 3),
        "en",
        id="by-comma-publisher",
    ),
    pytest.param(
        "Pharma deal tops record\nBy Jane Doe, Li Wei and Tom Hale\n\n" + BODY,
        "Pharma deal tops record",
        "",
        "Jane Doe, Li Wei and Tom Hale",
        None,
        "en",
        id="by-list-of-authors",
    ),
    pytest.param(
        "Menu\nSearch\nHospitals adopt AI triage\nSource: Xinhua | 2023/09/04\n\n"
        + BODY,
        "Hospitals adopt AI triage",
        "Xinhua",
        "",
        D(2023, 9, 4),
        "en",
        id="source-label-slash-date",
    ),
    pytest.param(
        "Biotech fund closes early\nAuthor: John Smith\nPublished: 12 May 2022\n\n"
        + BODY,
        "Biotech fund closes early",
        "",
        "John Smith",
        D(2022, 5, 12),
        "en",
        id="author-label-day-month-year",
    ),
    pytest.param(
        "Drugmaker shares jump on approval\n\nSHANGHAI, March 3 (Reuters) - " + BODY,
        "Drugmaker shares jump on approval",
        "Reuters",
        "",
        None,
        "en",
        id="reuters-dateline",
    ),
    pytest.param(
        "Vaccine plant opens in Wuhan\n\nWUHAN, China (AP) — " + BODY,
        "Vaccine plant opens in Wuhan",
        "AP",
        "",
        None,
        "en",
        id="ap-dateline",
    ),
    pytest.param(
        "Company X raises Series B funding\n\n"
        "SHANGHAI, July 11, 2025 /PRNewswire/ -- " + BODY,
        "Company X raises Series B funding",
        "PRNewswire",
        "",
        D(2025, 7, 11),
        "en",
        id="wire-dateline",
    ),
    pytest.param(
        "Share\nMedtech fair draws crowds\n5 September 2023\n" + BODY,
        "Medtech fair draws crowds",
        "",
        "",
        D(2023, 9, 5),
        "en",
        id="title-before-date-line",
    ),
    pytest.param(
        "• June 3, 2024\n  • Maria Lopez\n  • 12\n\n" + BODY,
        BODY_TITLE,
        "",
        "Maria Lopez",
        D(2024, 6, 3),
        "en",
        id="wordpress-bullets-named-author",
    ),
    pytest.param(
        "Quarterly outlook for pharma\nAuthor: admin\nPosted on 2024-02-01\n\n" + BODY,
        "Quarterly outlook for pharma",
        "",
        "",
        D(2024, 2, 1),
        "en",
        id="cms-user-is-no-author",
    ),
    pytest.param(
        "Market review\n\n" + BODY + "\nSource: Caixin\nShare\n",
        "Market review",
        "Caixin",
        "",
        None,
        "en",
        id="source-in-tail",
    ),
    pytest.param(
        "Example Bio raises funds\n\n"
        + BODY.rstrip("\n")
        + " (Example Newswire, January 12, 2022)\n",
        "Example Bio raises funds",
        "Example Newswire",
        "",
        D(2022, 1, 12),
        "en",
        id="wire-credit-closes-the-story",
    ),
    pytest.param(
        "示例生物完成新一轮融资\n\n" + CN_BODY + "（示例通讯社，2022年1月12日上海）\n",
        "示例生物完成新一轮融资",
        "示例通讯社",
        "",
        D(2022, 1, 12),
        "zh",
        id="cn-wire-credit-closes-the-story",
    ),
    pytest.param(
        "Example Bio raises funds\n\n" + BODY + " (see table 3, 2020 edition)\n",
        "Example Bio raises funds",
        "",
        "",
        None,
        "en",
        id="a-closing-bracket-without-a-source-is-no-credit",
    ),
    pytest.param(
        "首页 > 新闻 > 医药\n国家药监局批准首个国产创新药\n"
        "2025年07月11日 14:45 来源：新华网 作者：张三\n\n" + CN_BODY,
        "国家药监局批准首个国产创新药",
        "新华网",
        "张三",
        D(2025, 7, 11),
        "zh",
        id="cn-source-and-author-labels",
    ),
    pytest.param(
        "分享\n创新药出海进入深水区\n2025年07月11日 14:45 每日经济新闻\n\n" + CN_BODY,
        "创新药出海进入深水区",
        "每日经济新闻",
        "",
        D(2025, 7, 11),
        "zh",
        id="cn-date-then-publisher",
    ),
    pytest.param(
        "医疗器械产业加速发展\n\n新华社北京9月4日电 " + CN_BODY,
        "医疗器械产业加速发展",
        "新华社",
        "",
        None,
        "zh",
        id="cn-xinhua-dateline",
    ),
    pytest.param(
        "人工智能赋能医疗健康\n发布时间：2024-01-05 记者 李四\n\n" + CN_BODY,
        "人工智能赋能医疗健康",
        "",
        "李四",
        D(2024, 1, 5),
        "zh",
        id="cn-reporter",
    ),
    pytest.param(
        "医疗器械新规发布\n２０２４年５月６日　人民网\n\n" + CN_BODY,
        "医疗器械新规发布",
        "人民网",
        "",
        D(2024, 5, 6),
        "zh",
        id="cn-full-width-date",
    ),
    pytest.param(
        "Medical device rules tightened\n2024.05.06 | People's Daily\n\n" + BODY,
        "Medical device rules tightened",
        "People's Daily",
        "",
        D(2024, 5, 6),
        "en",
        id="dotted-iso-date-publisher",
    ),
    pytest.param(
        "13/02/2024 | Health\n\nHospital network expands\n\n" + BODY,
        "Hospital network expands",
        "Health",
        "",
        D(2024, 2, 13),
        "en",
        id="day-first-slash-date",
    ),
    pytest.param(
        "Global Edition\nBiotech startups court investors\n\n" + BODY,
        "Biotech startups court investors",
        "",
        "",
        None,
        "en",
        id="no-date",
    ),
    pytest.param(
        "Hospitals expand AI services\n\nThe hospital said on March 3, 2024 that the "
        "programme had treated more than a thousand patients across the region.\n",
        "Hospitals expand AI services",
        "",
        "",
        None,
        "en",
        id="body-date-is-not-publication-date",
    ),
    pytest.param(
        "Hospital opens\n\nIt opened on March 3, 2024.\n" + BODY,
        "Hospital opens",
        "",
        "",
        None,
        "en",
        id="short-body-sentence-date-is-not-publication-date",
    ),
    pytest.param(
        BODY,
        BODY_TITLE,
        "",
        "",
        None,
        "en",
        id="title-from-first-sentence",
    ),
]


@pytest.mark.parametrize(
    ("text", "title", "publisher", "author", "published_on", "language"),
    HEADER_CASES,
)
def test_parse_header_reads_synthetic_header(
    text: str,
    title: str,
    publisher: str,
    author: str,
    published_on: datetime.date | None,
    language: str,
) -> None:
    assert parse_header(text) == DocumentHeader(
        title=title,
        publisher=publisher,
        author=author,
        published_on=published_on,
        language=language,
    )


def test_parse_header_title_from_body_is_cut_at_a_word_boundary() -> None:
    title = parse_header(BODY).title
    assert len(title) <= 120
    assert title.endswith("…")
    assert BODY.startswith(title[:-1])
    assert BODY[len(title) - 1] == " "


def test_parse_header_falls_back_to_source_name_for_an_empty_page() -> None:
    header = parse_header("", source_name="article.txt")
    assert header == DocumentHeader(
        title="article", publisher="", author="", published_on=None, language="und"
    )


def test_parse_header_ignores_dates_deep_in_the_body() -> None:
    text = "Title of the piece\n\n" + BODY * 40 + "Updated: 2020-01-01\n" + BODY * 40
    assert parse_header(text).published_on is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-07-11", D(2025, 7, 11)),
        ("July 11, 2025", D(2025, 7, 11)),
        ("Jul. 11 2025", D(2025, 7, 11)),
        ("11 July 2025", D(2025, 7, 11)),
        ("2025/07/11", D(2025, 7, 11)),
        ("2025年7月11日", D(2025, 7, 11)),
        (" 2025-07-11 ", D(2025, 7, 11)),
    ],
    ids=[
        "iso",
        "month-day-year",
        "abbreviated-month",
        "day-month-year",
        "slashes",
        "chinese",
        "surrounding-spaces",
    ],
)
def test_parse_date_string_accepts_common_forms(
    value: str, expected: datetime.date
) -> None:
    assert parse_date_string(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "yesterday", "01/02/2025", "2025-02-30", "2025-07-11 extra", "2025"],
    ids=["empty", "word", "ambiguous-slash", "no-such-day", "trailing-text", "year"],
)
def test_parse_date_string_rejects_and_names_the_value(value: str) -> None:
    with pytest.raises(ValueError, match=repr(value).replace("\\", "\\\\")):
        parse_date_string(value)


BODY_DATE_CASES = [
    pytest.param(
        " date 2024-05-06 With support from the city, this year's health fair drew"
        " more than 300 exhibitors from eleven provinces and regions.\n",
        D(2024, 5, 6),
        "",
        id="stored-date-prefix-glued-to-the-body",
    ),
    pytest.param(
        "Example Pharma Announces Closing of License\n\n"
        "SUZHOU and BOSTON, Mass., May 6, 2024 (EXAMPLE WIRE) -- Example Pharma"
        " today announces the closing of its license agreement with a partner.\n",
        D(2024, 5, 6),
        "",
        id="press-release-dateline-with-several-places",
    ),
    pytest.param(
        "Regulator speeds up listings\n\n(Example News) Sept. 23 -- The regulator"
        " approved three listings after rule changes made in 2024 and 2025, it"
        " said in a statement on its website.\n",
        D(2025, 9, 23),
        "day and month from the dateline; the year is the latest the text mentions",
        id="yearless-dateline-takes-the-latest-year-mentioned",
    ),
    pytest.param(
        "医保目录调整完成\n示例社北京3月8日电 (记者 王明)据示例部门8日消息,2023年度目录"
        "调整工作已顺利结束,共有20个药品新增进入目录。\n",
        D(2023, 3, 8),
        "day and month from the dateline; the year is the latest the text mentions",
        id="zh-yearless-dateline",
    ),
    pytest.param(
        "Regulator speeds up listings\n\n(Example News) Sept. 23 -- The regulator"
        " approved three listings after recent rule changes, it said in a"
        " statement on its website.\n",
        None,
        "",
        id="yearless-dateline-without-any-year-stays-undated",
    ),
    pytest.param(
        "年度评审结束\n示例社上海1月12日电 (记者 赵亮)据示例部门12日消息,2024年全市"
        "创新医疗器械评审工作已圆满结束,共有15个产品进入目录。\n",
        D(2025, 1, 12),
        NEXT_YEAR_NOTE,
        id="zh-january-dateline-reporting-the-years-work-finished-is-next-year",
    ),
    pytest.param(
        "Results day\n\n(Example Wire) Feb. 20 -- Example Health posted full-year"
        " 2024 results on its website, with revenue up by a fifth on the year.\n",
        D(2025, 2, 20),
        NEXT_YEAR_NOTE,
        id="february-dateline-with-full-year-results-is-next-year",
    ),
    pytest.param(
        "计划发布\n示例社广州1月9日电 (记者 陈华)示例省卫生健康委9日发布2025年工作要点,"
        "提出全年新建10家区域医疗中心。\n",
        D(2025, 1, 9),
        "day and month from the dateline; the year is the latest the text mentions",
        id="zh-january-dateline-announcing-the-years-plan-stays-in-that-year",
    ),
]


@pytest.mark.parametrize(("text", "published_on", "note"), BODY_DATE_CASES)
def test_parse_header_reads_the_date_a_body_opens_with(text, published_on, note):
    header = parse_header(text)
    assert (header.published_on, header.date_note) == (published_on, note)
