"""Entity mentions (organisations, companies, government bodies, places, programmes).

Rule-based: capitalised name sequences classified by their head word
("Ministry", "Commission", "Pharmaceuticals", "Initiative"), bracketed
acronyms, a small gazetteer of places, and Chinese organisation suffixes.
Precision over recall: a curator reviews every candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EntityMention", "find_entities"]


@dataclass(frozen=True, slots=True)
class EntityMention:
    name: str
    kind: str  # organisation | company | government_body | place | person | programme
    start: int
    end: int


GOVERNMENT_HEADS = (
    "Ministry",
    "Commission",
    "Administration",
    "State Council",
    "Council",
    "Bureau",
    "Government",
    "Department",
    "Agency",
    "Authority",
    "Congress",
    "Office",
    "People's Bank",
    "NMPA",
    "CFDA",
    "NHC",
    "FDA",
    "European Commission",
)
COMPANY_HEADS = (
    "Pharmaceutical",
    "Pharmaceuticals",
    "Pharma",
    "Therapeutics",
    "Biotech",
    "Biotechnology",
    "Biosciences",
    "Bio",
    "Genomics",
    "Group",
    "Holdings",
    "Co",
    "Corp",
    "Corporation",
    "Inc",
    "Ltd",
    "Limited",
    "Company",
    "Technologies",
    "Technology",
    "Medical",
    "Healthcare",
    "Health",
    "Capital",
    "Ventures",
    "Partners",
    "Bank",
)
ORGANISATION_HEADS = (
    "University",
    "Hospital",
    "Institute",
    "Institutes",
    "Academy",
    "Association",
    "Foundation",
    "Centre",
    "Center",
    "College",
    "School",
    "Society",
    "Federation",
    "Consortium",
    "Fondazione",
    "Research",
)
PROGRAMME_HEADS = (
    "Plan",
    "Initiative",
    "Programme",
    "Program",
    "Project",
    "Partnership",
    "Strategy",
    "Fund",
)
EVENT_HEADS = ("Fair", "Expo", "Conference", "Forum", "Summit", "Exhibition")

PLACES = frozenset(
    [
        "China",
        "Beijing",
        "Shanghai",
        "Shenzhen",
        "Guangzhou",
        "Tianjin",
        "Chongqing",
        "Hangzhou",
        "Wuhan",
        "Chengdu",
        "Nanjing",
        "Suzhou",
        "Xi'an",
        "Hefei",
        "Qingdao",
        "Xiamen",
        "Zhuhai",
        "Hainan",
        "Guangdong",
        "Jiangsu",
        "Zhejiang",
        "Shandong",
        "Sichuan",
        "Hubei",
        "Hunan",
        "Fujian",
        "Yunnan",
        "Anhui",
        "Henan",
        "Hebei",
        "Liaoning",
        "Jilin",
        "Heilongjiang",
        "Shaanxi",
        "Shanxi",
        "Guangxi",
        "Xinjiang",
        "Tibet",
        "Macao",
        "Macau",
        "Taiwan",
        "Singapore",
        "Japan",
        "Korea",
        "India",
        "Europe",
        "Africa",
        "Asia",
        "America",
        "Germany",
        "France",
        "Italy",
        "Switzerland",
        "Britain",
        "UK",
        "US",
        "USA",
        "EU",
        "ASEAN",
        "Philippines",
        "Thailand",
        "Vietnam",
        "Indonesia",
        "Malaysia",
        "Australia",
        "Canada",
        "Brazil",
        "Russia",
    ]
) | {"Hong Kong", "United States", "United Kingdom", "Southeast Asia"}

MULTIWORD_PLACES = tuple(p for p in PLACES if " " in p)
PLACE_WORDS = {p: re.compile(rf"\b{re.escape(p)}\b") for p in PLACES}

CHINESE_PLACES = (
    "中国",
    "北京",
    "上海",
    "深圳",
    "广州",
    "天津",
    "重庆",
    "杭州",
    "武汉",
    "成都",
    "南京",
    "苏州",
    "香港",
    "澳门",
    "美国",
    "欧洲",
    "日本",
)
CHINESE_ORG = re.compile(
    r"[\u4e00-\u9fff]{2,12}?(?:有限公司|股份公司|集团|公司|药业|制药|医药|生物|"
    r"委员会|管理局|监督管理局|卫健委|部|局|医院|大学|研究院|研究所|协会|基金)"
    # A head word inside a longer company name: 示例医药科技有限公司.
    r"(?:[\u4e00-\u9fff]{0,6}?(?:股份有限公司|有限责任公司|有限公司|集团))?"
)
# Chinese has no spaces: a name's left edge is where the words before it end.
# Dates (3日), prepositions, particles, determiners and the verbs and roles that
# introduce a party (批准, 宣布, 投资者) are never part of a name.
_ZH_BEFORE_NAME = re.compile(
    r".*(?:\d+[日月年号]|[的与及向对由据在为被将把从于是了、與對為將從於據獲]"
    r"|该|該|本次|本轮|本届|此|其|各|旗下|整个|全球|未来|规模以上|相关|多家|一家|全国"
    r"|批准|宣布|宣佈|获得|完成|签署|簽署|发布|發布|认购|表示|称|投资者|發行|发行人|发行"
    r"|联合|聯合|携手|攜手|收购|合作|授权|委托|支持|指导|牵头|主办|承办|举办|参与|包括"
    r"|以及|其中|分别|日电|推动|设立|新设|展示|欢迎|助于|取得|子公司)"
)
# Words that end in a head character but name nothing: 全部, 格局, 布局.
_ZH_NOT_NAMES = re.compile(
    r"(?:全部|局部|格局|布局|困局|大局|结局|开局|售部|配售部|医疗机构全部)\Z"
)
# A counter right after a number (20件, 46项, 3家) starts no name.
_COUNTER = frozenset("个件项家年月种位名所批款")
# Short names end in these heads (恒瑞医药, 荃信生物); a long run before them
# is a phrase ("进博会医疗展区设立生物").
_SHORT_HEADS = ("医药", "生物", "药业", "制药")
MAX_SHORT_NAME = 8
CHINESE_GOV_SUFFIX = ("委员会", "管理局", "监督管理局", "卫健委", "部", "局")
CHINESE_ORG_SUFFIX = ("医院", "大学", "研究院", "研究所", "协会", "基金")

_CAP = r"(?:[A-Z][\w&'’.-]*|of|and|for|the|de|in|on|&)"
# Starts on the capital (the word boundary is checked behind it) so the regex
# engine can skip ahead to capitals instead of trying every position.
NAME = re.compile(
    rf"([A-Z](?<!\w[A-Z])[\w&'’.-]*(?:[ \t]+{_CAP})*"
    rf"(?:,?[ \t]+(?:Ltd|Inc|Co|LLC|plc)\.?)?)"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
TRAILING = re.compile(r"(?:[ \t]+(?:of|and|for|the|de|in|on|&))+$")
# Sentence-initial words that are capitalised only by position.
STOP_INITIAL = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "As",
        "Since",
        "During",
        "After",
        "Before",
        "Its",
        "It",
        "This",
        "That",
        "These",
        "Those",
        "According",
        "However",
        "While",
        "When",
        "Where",
        "But",
        "And",
        "Or",
        "Despite",
        "Over",
        "Under",
        "About",
        "Among",
        "Between",
        "Priority",
        "We",
        "Our",
        "They",
        "He",
        "She",
        "His",
        "Her",
        "Some",
        "Many",
        "Most",
        "All",
        "Both",
        "Each",
        "Other",
        "Another",
        "Also",
        "Meanwhile",
        "Moreover",
        "Further",
        "Such",
    ]
)


def _kind_of(name: str) -> str | None:
    words = name.split()
    last = words[-1].rstrip(".,")
    if name in PLACES:
        return "place"
    if any(head in name for head in ("Ministry", "State Council", "Commission")):
        return "government_body"
    if last in GOVERNMENT_HEADS or name in GOVERNMENT_HEADS:
        return "government_body"
    # Named fairs and conferences recur like programmes; the kind list has no
    # better home for them.
    if last in PROGRAMME_HEADS or any(w in EVENT_HEADS for w in words):
        return "programme"
    if last in COMPANY_HEADS:
        return "company"
    if any(w in ORGANISATION_HEADS for w in words):
        return "organisation"
    return None


def find_entities(text: str, *, offset: int = 0) -> list[EntityMention]:
    """Entity mentions in `text`; offsets are shifted by `offset`."""
    found: dict[tuple[str, str], EntityMention] = {}

    def add(name: str, kind: str, start: int) -> None:
        key = (name, kind)
        if key not in found:
            found[key] = EntityMention(
                name, kind, offset + start, offset + start + len(name)
            )

    for match in NAME.finditer(text):
        name = match.group(1)
        # Most names are one word: without a space or tab TRAILING has nothing
        # to cut.
        if " " in name or "\t" in name:
            name = TRAILING.sub("", name)
        name = name.rstrip(".,'’")
        start = match.start(1)
        first, _, rest = name.partition(" ")
        if first in STOP_INITIAL:
            if not rest:
                continue
            name, start = rest, start + len(first) + 1
        if not name or (" " not in name and name not in PLACES and not name.isupper()):
            # A lone capitalised word ("Consortium", "Partners") is too vague.
            continue
        kind = _kind_of(name)
        if kind in ("company", "organisation") and " and " in name:
            # "Hubei Biocause and Shanghai Pharmaceutical": two names, not one.
            for part in name.split(" and "):
                part_kind = _kind_of(part)
                if part_kind and " " in part:
                    add(part, part_kind, start + name.index(part))
            continue
        if kind is None:
            # Multi-word names may hide a known place: "Beijing Municipal ...".
            for place in [*name.split(), *MULTIWORD_PLACES]:
                if place in PLACES and PLACE_WORDS[place].search(name):
                    add(place, "place", start + name.index(place))
            continue
        add(name, kind, start)
    for match in ACRONYM.finditer(text):
        acronym = match.group(1)
        if acronym in PLACES:
            continue
        # An acronym right after a recognised name is that name's alias.
        if not any(m.end == offset + match.start() - 1 for m in found.values()):
            add(acronym, "organisation", match.start(1))
    if text.isascii() or not CJK.search(text):
        return sorted(found.values(), key=lambda m: m.start)
    for place in CHINESE_PLACES:
        index = text.find(place)
        if index >= 0:
            add(place, "place", index)
    for match in CHINESE_ORG.finditer(text):
        name, start = _chinese_name(match)
        if not name:
            continue
        if name.endswith(CHINESE_GOV_SUFFIX):
            kind = "government_body"
        elif name.endswith(CHINESE_ORG_SUFFIX):
            kind = "organisation"
        else:
            kind = "company"
        add(name, kind, start)
    return sorted(found.values(), key=lambda m: m.start)


_ZH_COMPANY_HEADS = ("有限公司", "股份公司", "集团", "公司", *_SHORT_HEADS)
_ZH_HEADS = tuple(
    sorted(
        {*_ZH_COMPANY_HEADS, *CHINESE_GOV_SUFFIX, *CHINESE_ORG_SUFFIX},
        key=len,
        reverse=True,
    )
)


def _chinese_name(match: re.Match[str]) -> tuple[str, int]:
    """The name a CHINESE_ORG match holds, cut at the words before it, and
    where it starts; "" when only a head word is left (该公司, 本医院)."""
    name, start = match.group(0), match.start()
    if _ZH_NOT_NAMES.search(name):
        return "", start
    if start and match.string[start - 1].isdigit() and name[0] in _COUNTER:
        name, start = name[1:], start + 1
    cut = _ZH_BEFORE_NAME.match(name)
    if cut is not None:
        name, start = name[cut.end() :], start + cut.end()
    if name.endswith(_SHORT_HEADS) and len(name) > MAX_SHORT_NAME:
        return "", start
    # At least two characters of name before the head: 公司 or 国局 is none.
    head = next((h for h in _ZH_HEADS if name.endswith(h)), "")
    if len(name) - len(head) < 2 or name in _ZH_HEADS:
        return "", start
    return name, start
