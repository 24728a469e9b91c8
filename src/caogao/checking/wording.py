"""Checks of a draft's wording a reviewer sends back: formulations, level words, counts, figures.

- a mutilated political formulation (习近平 cut out) or one used outside its period
  (``data/formulations.yaml``);
- words of another level (全镇 in a 乡's report, 街道党工委 in a 镇's) and a 政协 beside
  the township 人大 (``data/levels.yaml``);
- 二 in a count (二方面: 两方面);
- above 100 % of a target written as 完成全年目标任务的106.7% (超额完成);
- a clause carrying a figure said twice.

The report's level and time come from the facts file when given, else from the title.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from caogao.checking.read import Para
    from caogao.drafting.facts import Facts

WORDING_KINDS = ("formulation", "level_word", "count_word", "target_wording", "repeated_figure")

_TITLE_UNIT = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:街道|镇|乡))(?:办事处|人民政府|政府)?(?:\d{4}年)?")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年(上半年)?")
_COUNT_RE = re.compile(r"(?<![一二三四五六七八九十百千万第])二(方面|个|项|件|类|条|次|年|大|种|批)")
_OVER_RE = re.compile(r"完成(?:全年)?(?:目标)?任务的(1\d{2}(?:\.\d+)?|[2-9]\d{2}(?:\.\d+)?)[%％]")
_CPPCC_RE = re.compile(r"(?:镇|乡|街道)?人大(?:工委)?(?:、|和|及)政协(?!委员)")
_CLAUSE_RE = re.compile(r"[^，。；！？,;!?]+")
# What only compares or relates a figure (同比下降3.2%, 完成全年目标任务的52.3%): not a figure of its own.
_RELATION = re.compile(r"^(?:同比|比上年同期?|较上年同期?|与上年同期)?(?:增长|下降|提高|降低|增加|减少|持平)?"
                       r"|^(?:超额)?完成(?:全年)?(?:目标)?任务(?:的|，为目标的)?|^为目标的|^全年目标为")


def report_context(paras: list[Para], facts: Facts | None) -> tuple[str | None, tuple[int, int] | None]:
    """The report's unit and when it is given (year, month), from the facts file or the title."""
    if facts is not None:
        from caogao.drafting.levels import draft_when

        return facts.unit, draft_when(facts)
    title = next((p.text for p in paras if p.role == "title"), paras[0].text if paras else "")
    unit_m, year_m = _TITLE_UNIT.search(title), _TITLE_YEAR.search(title)
    when = None
    if year_m:
        year = int(year_m.group(1))
        when = (year, 7) if year_m.group(2) else (year + 1, 1)
    return (unit_m.group(1) if unit_m else None), when


def wording_findings(paras: list[Para], facts: Facts | None) -> Iterator[tuple[str, Para, str, str]]:
    """(kind, paragraph, message, suggestion) for every wording problem in the body."""
    from caogao.drafting.levels import level_of, level_words
    from caogao.text.formulations import problems

    unit, when = report_context(paras, facts)
    foreign = level_words()[level_of(unit)]["它级用语"] if unit else []
    seen: dict[str, int] = {}
    for p in paras:
        text = p.text
        for problem in problems(text, when):
            yield ("formulation", p, f"“{problem.found}”：{problem.reason}", f"改为“{problem.suggestion}”")
        for word in foreign:
            if word in text and not (unit and word in unit):
                yield ("level_word", p, f"“{word}”不是{unit}这一级的说法",
                       f"改用{level_of(unit)}的说法（如“{level_words()[level_of(unit)]['全域']}”）")
        for m in _CPPCC_RE.finditer(text):
            yield ("level_word", p, f"“{m.group()}”：乡镇、街道没有政协", "删去“政协”（感谢政协委员可以保留）")
        for m in _COUNT_RE.finditer(text):
            yield ("count_word", p, f"“{m.group()}”：计数用“两”", f"改为“两{m.group(1)}”")
        for m in _OVER_RE.finditer(text):
            yield ("target_wording", p, f"“{m.group()}”：超过全年目标应写超额完成",
                   f"改为“超额完成全年目标任务（为目标的{m.group(1)}%）”")
        if p.role not in ("body", "item"):
            continue
        for m in _CLAUSE_RE.finditer(text):
            clause = m.group().strip()
            head = re.split(r"\d", _RELATION.sub("", clause), maxsplit=1)[0]
            if len(clause) < 6 or not re.search(r"\d", clause) or "待补充" in clause or len(head) < 2:
                continue
            if clause in seen and seen[clause] != p.number:
                yield ("repeated_figure", p, f"带数字的“{clause}”与第{seen[clause]}段重复", "同一个数字只说一次：删去其中一处")
            seen.setdefault(clause, p.number)
