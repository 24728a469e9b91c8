"""The user's indicators in the draft: the 指标段, each section's own figures, the appendix table.

Each figure is said once: the 指标段 states the overall figures, a section of another
type states its own, and a figure the user's own text states already is not restated
(``figure_plan``). Every figure comes from the facts file; a missing one is a placeholder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caogao.drafting import statwords as numbers
from caogao.drafting.outline import placeholder
from caogao.drafting.setpieces import section_clause

if TYPE_CHECKING:
    from caogao.drafting.facts import Facts

OVERALL_TYPE = "经济发展"  # its indicators are the report's overall figures, stated in the 指标段


def overall_clause(ind, stated: str = "") -> str:
    """One indicator in the 指标段; with its growth and target only when ``stated`` has its figure."""
    clause = numbers.indicator_clause(ind)
    if carries(stated, ind):
        rest = clause.split("，", 1)[1] if "，" in clause else ""
        return ind.name + rest if rest else ""
    return clause


def indicator_sentence(facts: Facts, names: list[str] | None = None, *, stated: str = "") -> str:
    """The 指标段: each indicator with its growth and target. An indicator whose figure the
    user's text ``stated`` already (上半年完成地区生产总值12.6亿元) keeps only its growth and
    target here (地区生产总值同比增长5.9%，完成全年目标任务的48.5%), so no figure is said twice."""
    inds = [facts.indicator(n) for n in names] if names else list(facts.indicators)
    clauses = [c for c in (overall_clause(ind, stated) for ind in inds if ind is not None) if c]
    return "；".join(clauses) + "。" if clauses else ""


TABLE_HEADER = ["指标", "单位", "本期", "同比", "全年目标", "完成进度"]


def table_row(ind) -> list[str]:
    """One indicator's row of the appendix table (see ``indicator_table``)."""
    unit = ind.unit.strip()
    shown = ind.current if ind.current is not None else ind.target
    big = unit == "万元" and shown is not None and abs(shown) >= numbers.YI_THRESHOLD_WAN

    def cell(x: float | None) -> str:
        if x is None:
            return "—"
        if big:
            return numbers.fmt_number(x / 10000, 2)
        return numbers.fmt_number(x, 1) if numbers.is_rate(unit) and not float(x).is_integer() else numbers.fmt_number(x)

    current = cell(ind.current) if ind.current is not None else placeholder("本期数")
    growth = "—"
    if ind.current is not None and (ind.last is not None or ind.yoy is not None):
        growth = numbers.growth_phrase(ind.current, last=ind.last, yoy=ind.yoy, unit=unit)
        growth = growth.replace("同比", "").replace("与上年同期", "")
    # a share of a rate target means nothing (失业率 2.6% is not "86.7% done")
    share = None if numbers.is_rate(unit) else numbers.target_share(ind.current, ind.target)
    progress = numbers.fmt_number(share, 1) + "%" if share is not None else "—"
    return [ind.name, "亿元" if big else unit, current, growth, cell(ind.target), progress]


def indicator_table(facts: Facts) -> dict:
    """主要经济指标完成情况表: one row per indicator, one unit per row.

    A 万元 row whose figure reaches 1亿 is shown wholly in 亿元 (本期 and 全年目标
    alike), as the text shows it.
    """
    rows = [TABLE_HEADER] + [table_row(ind) for ind in facts.indicators]
    return {
        "title": "附表：主要经济指标完成情况表",
        "rows": rows,
        "note": "注：同比为与上年同期相比；完成进度为本期数占全年目标的比例；“—”表示未填写。" if facts.indicators else "",
    }


def carries(text: str, ind) -> bool:
    """Whether ``text`` already states the indicator's figure (12.6亿元, 5230万元, 3.45亿元)."""
    if ind.current is None:
        return False
    shown = {numbers.fmt_amount(ind.current, ind.unit), numbers.fmt_number(ind.current) + ind.unit.strip()}
    return any(s and s in text for s in shown)


def figure_plan(facts: Facts) -> tuple[list[str], dict[int, list[str]]]:
    """Each figure said once: the 指标段's indicators, and each review section's own.

    The 指标段 states the overall figures: those not listed under a section, and those
    of 经济发展; a section of another type states those listed under it, as a sentence
    of its own, except a figure one of the user's points in it already states.
    """
    owned = {n: k for k, s in enumerate(facts.review) if s.category != OVERALL_TYPE for n in s.indicators}
    overall = [i.name for i in facts.indicators if i.name not in owned]
    own: dict[int, list[str]] = {}
    for name, k in owned.items():
        points = "".join((p.title or "") + p.text for p in facts.review[k].points)
        ind = facts.indicator(name)
        if ind is not None and not carries(points, ind):
            own.setdefault(k, []).append(name)
    return overall, own


def figure_texts(facts: Facts) -> dict[tuple[str, str], str]:
    """Every figure text caogao writes from the facts, by (place, indicator name): place is
    指标段, 分项 (a section's own sentence) or 附表N (column N of the appendix table).
    ``caogao update`` anchors them in the draft and writes them anew from new facts."""
    overall, own = figure_plan(facts)
    stated = "".join((p.title or "") + p.text for sec in facts.review for p in sec.points)
    texts: dict[tuple[str, str], str] = {}
    for ind in map(facts.indicator, overall):
        if ind is not None and overall_clause(ind, stated):
            texts[("指标段", ind.name)] = overall_clause(ind, stated)
    for names in own.values():
        for ind in map(facts.indicator, names):
            if ind is not None:
                texts[("分项", ind.name)] = section_clause(ind)
    for ind in facts.indicators:
        for col, value in enumerate(table_row(ind)[1:], start=1):
            texts[(f"附表{col}", ind.name)] = value
    return texts
