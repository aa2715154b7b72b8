"""Lexical cues for an event's kind and modality, in English and Chinese.

Word and two-word-phrase lookups in dictionaries (one pass over the words of a
sentence) rather than one large regular expression: a regex alternation of a
few hundred cues costs about a microsecond per character in CPython.
"""

from __future__ import annotations

import re

__all__ = ["KINDS", "classify", "classify_kind", "classify_modality"]

# Most specific first: on a tie, the earlier kind wins (a licensing deal
# announced at a fair is a deal).
LEXICON: dict[str, tuple[str, str]] = {
    # kind: (English words and two-word phrases, Chinese cues)
    # Foundings are reported as kind "other" (see FOUNDING); listed first so
    # that "founded in 2014, … approved" is not an approval.
    "founding": (
        "founded established incorporated set_up",
        "成立于 成立於 创立于 創立於 创办于 創辦於",
    ),
    "approval": (
        "approve approved approves approval approvals approving clearance cleared "
        "authorised authorized authorisation authorization validated validation "
        "green_light market_authorisation market_authorization",
        "获批 批准 审批 上市许可 获得批准 獲批 審批 獲得批准 通过审评",
    ),
    "deal": (
        "licence licences license licenses licensed licensing license-out "
        "out-licensing licence-out deal deals acquire acquired acquires acquisition "
        "acquisitions merger mergers merge merged takeover transaction transactions "
        "upfront bd business_development milestone_payments milestone",
        "授权 交易 并购 收购 出海 首付款 许可协议 里程碑 授權 交易額 併購 許可協議",
    ),
    "investment": (
        "invest invests invested investing investment investments investor "
        "investors funding financing raised raises fundraising ipo "
        "series_a series_b series_c venture_capital capital_injection listing "
        "listings shares h_shares stock_sale capital_raise",
        "投资 融资 募资 募集 注资 投資 融資 募資 注資 领投 領投 招股 集资 集資 "
        "挂牌 掛牌 发售 發售 上市申请 递表 遞表",
    ),
    "fair": (
        "fair fairs expo expos exhibition exhibitions conference conferences "
        "forum forums summit summits symposium congress ciftis ciie trade_show "
        "convention conventions kicked_off",
        "博览会 展会 大会 论坛 峰会 交易会 进博会 服贸会 "
        "博覽會 展會 論壇 峰會 宣介会 展区",
    ),
    "collaboration": (
        "partner partners partnered partnering partnership partnerships "
        "collaborate collaborated collaboration collaborations collaborative "
        "cooperate cooperation co-operation cooperative consortium alliance "
        "jointly memorandum mou signed signing joint_venture",
        "合作 签约 签署 携手 合资企业 合资公司 联合研发 联合开发 簽約 簽署 攜手 合資",
    ),
    "policy": (
        "policy policies regulation regulations regulatory regulator regulators "
        "reform reforms guideline guidelines measures law laws rules adopted "
        "issued state_council procurement",
        "政策 法规 意见 办法 条例 通知 指导意见 集中带量采购 集采 目录调整 "
        "印发 联合印发 联合发布 法規 意見 辦法 條例 《》",
    ),
    "plan": (
        "plan plans planned planning target targets aim aims goal goals roadmap "
        "strategy initiative blueprint five-year action_plan",
        "规划 计划 目标 方案 行动计划 規劃 計劃 目標",
    ),
    "launch": (
        "launch launched launches launching unveil unveiled unveils release "
        "released releases introduce introduced introduces debut debuted opened "
        "rolled_out went_live deployment deployed deploy deploying",
        "发布 推出 上线 启动 开幕 揭牌 發布 上線 啟動 開幕 开诊 開診 移交 交付",
    ),
    "market_figure": (
        "market markets revenue revenues sales worth valued value gdp output "
        "grew growth year-on-year reached totaled totalled turnover profit "
        "profits exports imports accounts accounted",
        "市场规模 营收 产值 增长 同比 达到 销售额 收入 "
        "市場規模 營收 產值 增長 達到 銷售額",
    ),
    "statement": (
        "said says told noted stated announced stressed remarked pledged called_for",
        "表示 指出 强调 称 強調",
    ),
}
KINDS = tuple(k for k in (*LEXICON, "other") if k != "founding")
FOUNDING = "founding"

FORECAST = (
    "expected expect expects projected project projects forecast forecasts "
    "forecasted estimated likely anticipated predicted predicts set_to "
    "could_reach would_reach poised_to",
    "预计 预期 有望 预测 将达",
)
PLANNED = (
    "aim aims aiming plans_to planned intend intends will target targets goal "
    "seek seeks plan_to is_to are_to strive strives",
    "计划 目标 将 力争 拟",
)

# Possessive: the hyphenated tail never gives back what it took (findall
# finds the same words), which spares the engine its backtracking records.
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*+")
CJK = re.compile(r"[\u4e00-\u9fff]")
TARGET_YEAR = re.compile(r"\bby (?:the end of )?(?:19|20)\d\d\b|到\d{4}年", re.I)


def _index(entries: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    words: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for label, text in entries.items():
        for cue in text.split():
            target = phrases if "_" in cue else words
            target.setdefault(cue.replace("_", " "), label)
    return words, phrases


def _chinese(entries: dict[str, str]) -> re.Pattern[str]:
    return re.compile(
        "|".join(
            f"(?P<{label}>{'|'.join(map(re.escape, text.split()))})"
            for label, text in entries.items()
        )
    )


KIND_WORDS, KIND_PHRASES = _index({k: en for k, (en, _) in LEXICON.items()})
KIND_ZH = _chinese({k: zh for k, (_, zh) in LEXICON.items()})
KIND_RANK = {kind: rank for rank, kind in enumerate((*LEXICON, "other"))}
MODALITY_WORDS, MODALITY_PHRASES = _index(
    {"forecast": FORECAST[0], "planned": PLANNED[0]}
)
MODALITY_ZH = _chinese({"forecast": FORECAST[1], "planned": PLANNED[1]})


def _phrase_starts(phrases: dict[str, str]) -> frozenset[str]:
    return frozenset(phrase.split()[0] for phrase in phrases)


KIND_PHRASE_STARTS = _phrase_starts(KIND_PHRASES)
MODALITY_PHRASE_STARTS = _phrase_starts(MODALITY_PHRASES)
KIND_STARTS = frozenset(KIND_WORDS) | KIND_PHRASE_STARTS
MODALITY_STARTS = frozenset(MODALITY_WORDS) | MODALITY_PHRASE_STARTS

Lexicon = tuple[
    dict[str, str], dict[str, str], frozenset[str], frozenset[str], re.Pattern[str]
]


def _tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _count(
    text: str, tokens: list[str], lexicon: Lexicon, cjk: bool
) -> dict[str, list[str]]:
    """The cues of each label found in `text`, in order (English words and
    phrases, then Chinese); `cjk` says whether the text has Chinese at all."""
    words, phrases, starts, phrase_starts, chinese = lexicon
    found: dict[str, list[str]] = {}
    # Most sentences carry no cue of a lexicon at all: one C-level set test.
    if starts.isdisjoint(tokens) and not cjk:
        return found
    last = len(tokens) - 1
    # Few tokens of a sentence are cues: filter them in one comprehension
    # instead of looking every token and every pair up in Python.
    for i in [i for i, token in enumerate(tokens) if token in starts]:
        token = tokens[i]
        label = words.get(token)
        if label:
            found.setdefault(label, []).append(token)
        # Only a phrase's first word is worth pairing with the next token.
        if i < last and token in phrase_starts:
            pair = f"{token} {tokens[i + 1]}"
            label = phrases.get(pair)
            if label:
                found.setdefault(label, []).append(pair)
    if cjk:
        for match in chinese.finditer(text):
            found.setdefault(match.lastgroup or "", []).append(match.group(0))
    return found


def _may_target(text: str, lowered: str) -> bool:
    """Whether TARGET_YEAR can match: a substring test is far cheaper."""
    return "到" in text or "by " in lowered


_KIND_LEXICON = (KIND_WORDS, KIND_PHRASES, KIND_STARTS, KIND_PHRASE_STARTS, KIND_ZH)
_MODALITY_LEXICON = (
    MODALITY_WORDS,
    MODALITY_PHRASES,
    MODALITY_STARTS,
    MODALITY_PHRASE_STARTS,
    MODALITY_ZH,
)


def classify_kind(text: str) -> tuple[str, tuple[str, ...]]:
    """The kind with the most cues in `text`, and the cues that decided it."""
    text = _without_asides(text)
    tokens = _tokens(text)
    return _kind(_kind_cues(text, tokens, _has_cjk(text)))


# "plans to", "aims to" say an actor intends something (modality): with a cue
# of another kind ("plans to offer 32 million shares", a firm "founded … aims
# to"), that kind says what happened.
_VERBAL = frozenset(["plan", "plans", "planned", "aim", "aims", "target", "targets"])


def _kind_cues(text: str, tokens: list[str], cjk: bool) -> dict[str, list[str]]:
    found = _count(text, tokens, _KIND_LEXICON, cjk)
    plan = found.get("plan")
    if plan and "to" in tokens:
        verbal = {
            tokens[i]
            for i in range(len(tokens) - 1)
            if tokens[i] in _VERBAL and tokens[i + 1] == "to"
        }
        kept = [cue for cue in plan if cue not in verbal]
        if kept:
            found["plan"] = kept
        elif len(found) > 1:
            # Intent only: another kind says what is intended.
            del found["plan"]
    return found


def classify_modality(text: str) -> str | None:
    """ "forecast", "planned", or None when the text has no cue either way."""
    lowered = text.lower()
    tokens = WORD.findall(lowered)
    found = _count(text, tokens, _MODALITY_LEXICON, _has_cjk(text))
    return _modality(found, text, lowered)


def classify(text: str) -> tuple[str, tuple[str, ...], str | None]:
    """classify_kind and classify_modality of the same text, tokenised once."""
    lowered = text.lower()
    tokens = WORD.findall(lowered)
    cjk = _has_cjk(text)
    plain = _without_asides(text)
    kind_tokens = tokens if plain is text else WORD.findall(plain.lower())
    kind, cues = _kind(_kind_cues(plain, kind_tokens, cjk))
    modalities = _count(text, tokens, _MODALITY_LEXICON, cjk)
    return kind, cues, _modality(modalities, text, lowered)


def _has_cjk(text: str) -> bool:
    # str.isascii() reads a flag: ASCII text, most English, needs no scan.
    return not text.isascii() and CJK.search(text) is not None


def _kind(found: dict[str, list[str]]) -> tuple[str, tuple[str, ...]]:
    if not found:
        return "other", ()
    # "said", 表示: a statement only when nothing else happened.
    if len(found) > 1:
        found.pop("statement", None)
    kind = max(found, key=lambda k: (len(found[k]), -KIND_RANK[k]))
    cues = tuple(found[kind])
    return ("other" if kind == FOUNDING else kind), cues


# Titles and attributions name where a fact comes from, not what happened:
# "According to the “2023 … Investment Outlook” survey", 根据《…通知》要求.
# A document title (《…》) stays as the bare marks, a cue that a document
# is issued; Chinese “…” are mostly scare quotes and stay.
_ASIDES = re.compile(
    r"“[^”\u4e00-\u9fff]{0,120}”|(?P<title>《[^》]{0,120}》)"
    r"|\baccording to [^,;]{0,80}|根据[^,，;；]{0,40}",
    re.IGNORECASE,
)


def _without_asides(text: str) -> str:
    if (
        "“" not in text
        and "《" not in text
        and "ccording" not in text
        and "根据" not in text
    ):
        return text
    return _ASIDES.sub(lambda m: " 《》 " if m["title"] else " ", text)


def _modality(found: dict[str, list[str]], text: str, lowered: str) -> str | None:
    if found.get("forecast"):
        return "forecast"
    if found.get("planned") or (
        _may_target(text, lowered) and TARGET_YEAR.search(text)
    ):
        return "planned"
    return None
