"""Making mined wording reusable: slots and the generic check.

A phrase mined from one town's report is lent to another only as a pattern:
figures, the reporting unit, its hierarchy and the periods become named slots
(``slot_text``); ``specific_reason`` says why a phrase still belongs to its own
town (a figure, a redaction, a name). Heading shapes are ``shapes``'s.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

from caogao.mining.shapes import QUOTES_RE

# ------------------------------------------------------------------ slots

# Slots that drafting fills from the user's facts: they keep a phrase generic.
# {时段} is the period a sentence looks back on, {下一时段} the one it plans.
GENERIC_SLOTS = frozenset(
    {"单位", "上级", "上级党委", "上级政府", "本级党委", "本级政府", "本级人大", "全域", "时段", "下一时段", "年份"}
)
SLOT_NAME_RE = re.compile(r"\{([^{}]+)\}")
_N = r"(?:[0-9０-９]+(?:[.．][0-9０-９]+)?|[Xx]{1,4}(?:\.[Xx]+)?)"
_MORE = r"(?:多|余|近)?"
_MEASURE = ("个|家|户|人次|人|名|条|座|所|处|场|次|件|项|头|只|吨|辆|间|套|台|批|期|支|位|起|宗|栋|"
            "盏|棵|株|公斤|斤|千克|块|张|份|部|节|篇|本|类|种|元|倍|层|道|口|艘|级|届|天|小时|"
            "周|年|个月|米|千瓦|兆瓦|立方米|方|千伏")
# A figure slot replaces the number; its measure word stays (``{数量}座``), except
# for amounts and rates whose unit varies with the size (``{金额}`` is 3.45亿元).
_FIGURE_RULES: list[tuple[re.Pattern, str]] = [  # wider patterns first
    (re.compile(rf"{_N}\s*[-—～~至到]\s*{_N}\s*月份?"), "{月份}"),
    (re.compile(rf"{_N}月(?:{_N}日|份|底|末|初)?"), "{月份}"),
    (re.compile(rf"{_N}\s*{_MORE}\s*(?:万亿元|亿元|万元|千元)"), "{金额}"),
    (re.compile(rf"{_N}\s*[%％]"), "{百分比}"),
    (re.compile(rf"{_N}\s*个百分点"), "{百分点}"),
    (re.compile(rf"{_N}\s*{_MORE}(?=万?(?:亩|平方米|平方公里|平方|公顷|㎡))"), "{面积}"),
    (re.compile(rf"{_N}\s*{_MORE}(?=(?:公里|千米|延米|米|km))"), "{长度}"),
    (re.compile(rf"[0-9０-９]+(?:[.．][0-9]+)?\s*{_MORE}(?=万?[\u4e00-\u9fff])"), "{数量}"),
    (re.compile(rf"[Xx]{{1,4}}\s*{_MORE}(?=万?(?:{_MEASURE}))"), "{数量}"),
    (re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?"), "{数量}"),
]
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年")
_YEAR_X = re.compile(r"(?<![0-9Xx])(?:20[Xx]{2}|[Xx]{4})年")
# The reporting unit and its hierarchy, in the order they must be replaced.
_HIERARCHY: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?:[Xx]{1,4}|我)?(?:镇|乡|街道)?人大主席团|(?:[Xx]+|我)?[镇乡]人大|街道人大工委|议政会"),
     "{本级人大}"),
    (re.compile(r"(?:[Xx]{1,4}|我)?[镇乡](?:人民)?政府|(?:[Xx]{1,4})?街道办事处|(?<![省市县区])人民政府"),
     "{本级政府}"),
    (re.compile(r"(?:[Xx]{1,4}|我)?[镇乡]党委|(?:[Xx]{1,4})?街道党工委|党工委|镇委|(?<![省市县区村])党委"),
     "{本级党委}"),
    (re.compile(r"[Xx]{1,4}(?:镇|乡(?!村)|街道)|我镇|我乡|本镇"), "{单位}"),
    # the whole unit, said by its level: 全镇干部群众 in a 镇's report is 全乡… in a 乡's
    (re.compile(r"全(?:镇|乡(?!村)|街道)"), "{全域}"),
    # a bare redaction speaking of the town's own development: 关心支持XX发展
    (re.compile(r"(?<![党第Xx])[Xx]{2,3}(?=的?(?:发展|建设|经济|社会|人民|高质量|辉煌|新局面))"), "{单位}"),
]
_HALF = [(re.compile(r"今年上半年|上半年"), "{时段}"), (re.compile(r"今年下半年|下半年"), "{下一时段}")]
_FIGURE = re.compile(r"[0-9０-９]|[Xx]{1,4}\s*(?:[%％]|万|亿|个|家|户|人|亩|元|吨|公里)")


@functools.lru_cache(maxsize=262_144)  # the miner slots a sentence for each phrase kind it may give
def slot_text(text: str, *, year: int | None = None, town: str = "", superior: str = "县") -> str:
    """``text`` with figures, the reporting unit, its hierarchy and periods as slots."""
    if town:
        text = text.replace(town, "{单位}")
    for pattern, slot in _HIERARCHY:
        text = pattern.sub(slot, text)
    text = re.sub(r"\{单位\}(\{本级(?:政府|党委|人大)\})", r"\1", text)  # XX镇镇人民政府
    # a township has no 政协: 在镇人大、政协的监督支持下 keeps the 人大 alone (政协委员 may stay)
    text = re.sub(r"(\{本级人大\})(?:、|和|及)政协(?!委员)", r"\1", text)
    text = re.sub(rf"{superior}委", "{上级党委}", text)
    text = re.sub(rf"{superior}(?:人民)?政府", "{上级政府}", text)
    for pattern, slot in _HALF:
        text = pattern.sub(slot, text)

    def year_slot(m: re.Match) -> str:
        y = int(m.group(1))
        if year and y == year:
            return "{年份}"
        return "{下一时段}" if year and y == year + 1 else "{某年}"

    text = _YEAR_X.sub("{年份}", _YEAR.sub(year_slot, text))
    for pattern, slot in _FIGURE_RULES:
        text = pattern.sub(slot, text)
    return text


def has_figure(text: str) -> bool:
    """A number or a redacted amount, the report's own year aside."""
    return bool(_FIGURE.search(_YEAR_X.sub("", _YEAR.sub("", text))))


def superior_level(text: str) -> str:
    """The superior the township reports to: 县 (or 区), else 市."""
    for lvl in "县区":  # ``in`` stops at the first mention, near the top of a report
        if f"{lvl}委" in text or f"{lvl}政府" in text:
            return lvl
    return "市" if "市委" in text or "市政府" in text else "县"


def slots(text: str) -> list[str]:
    return SLOT_NAME_RE.findall(text)


def specific_reason(text: str, names: set[str]) -> str | None:
    """Why ``text`` may not be lent to another town (None when it may)."""
    return GenericCheck(names)(text)


_DIGIT = re.compile(r"[0-9０-９]")
_REDACTION_X = re.compile(r"[XxＸｘ]")
# Sources circulate with a leader's name cut out (以习近平同志为核心 → 以同志为核心,
# 习近平新时代… → 新时代…为指导 is still whole); such a sentence must not be lent as it is.
_REDACTED = re.compile(r"以同志为核心|在同志的|同志关于")


class GenericCheck:
    """``specific_reason`` for one corpus's names: each text judged once, names found by one regex.

    A verdict has a part that depends on the corpus's names (does the text
    contain one?) and a part that does not (figures, slots, quotes, and the
    proper nouns POS tagging finds). Only the second is slow, and only it is
    kept in the build cache, keyed by the text alone: a report that brings a
    new village's name changes which names the corpus has, and must not make
    every phrase be judged again.
    """

    def __init__(self, names: set[str]) -> None:
        ordered = sorted(names, key=lambda n: (-len(n), n))
        self._names = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._memo: dict[str, str | None] = {}
        self._tagged: dict[str, str | None] = {}  # plain text → the first name POS tags find in it
        self._clean: set[str] = set()  # texts with no reason before names are looked for

    @staticmethod
    def _before_names(text: str) -> str | None:
        if _DIGIT.search(text):
            return "数字"
        if _REDACTION_X.search(SLOT_NAME_RE.sub("", text)):
            return "XX"
        bad = [s for s in slots(text) if s not in GENERIC_SLOTS]
        if bad:
            return f"{{{bad[0]}}}"
        if QUOTES_RE.search(text):  # quoted names of local programmes and brands
            return "引号"
        if "…" in text:  # a frame (在…的坚强领导下): its gap is the writer's, no slot drafting fills
            return "空缺"
        if _REDACTED.search(text):  # a name cut out by whoever circulated the report
            return "删节"
        return None

    def judge_many(self, texts: Iterable[str]) -> None:
        """Look up, or tag in one batch, what many texts' verdicts need (build cache, by plain text)."""
        from caogao.bank.cache import cached, code_digest
        from caogao.text.names import names_in, prefetch_names
        from caogao.text.postag import tagger_id

        plain = []
        for t in dict.fromkeys(texts):
            if t not in self._memo:
                before = self._before_names(t)
                if before is None:
                    self._clean.add(t)
                    plain.append(SLOT_NAME_RE.sub("，", t))
                else:
                    self._memo[t] = before  # the verdict, whatever the names
        wanted = [p for p in plain if p not in self._tagged and not (self._names and self._names.search(p))]
        if wanted:  # names_in reads POS tags: the tagger and its dictionary are in the namespace
            code = code_digest("mining.slots", "mining.shapes", "text.names", "text.postag", "text.segment")
            found = cached(f"generic/{code}/{tagger_id()}", wanted,
                           lambda new: prefetch_names(new) or {p: (names_in(p) or [""])[0] for p in new})
            self._tagged.update((p, name or None) for p, name in found.items())

    def __call__(self, text: str) -> str | None:
        if text in self._memo:
            return self._memo[text]
        reason = None if text in self._clean else self._before_names(text)
        if reason is None:
            plain = SLOT_NAME_RE.sub("，", text)
            m = self._names.search(plain) if self._names else None
            if m:
                reason = m.group(0)
            else:
                if plain not in self._tagged:
                    from caogao.text.names import names_in

                    self._tagged[plain] = (names_in(plain) or [None])[0]
                reason = self._tagged[plain]
        self._memo[text] = reason
        return reason
