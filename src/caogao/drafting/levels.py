"""What the unit's level and the report's date decide: level words, slot values, when it is given.

The level (镇 / 乡 / 街道) comes from how the unit's name ends; its words — 全镇 or
全乡, 镇党委 or 街道党工委, the report's name — from ``data/levels.yaml``, so that no
level word is written in code or templates.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from caogao.paths import data_dir

if TYPE_CHECKING:
    from caogao.drafting.facts import Facts


def level_of(unit: str) -> str:
    """镇 / 乡 / 街道, by how the unit's name ends (a 民族乡 is a 乡)."""
    return "街道" if unit.endswith("街道") else "乡" if unit.endswith("乡") else "镇"


@functools.cache
def level_words() -> dict[str, dict[str, str]]:
    """``data/levels.yaml``: each level's words (全域, 本级党委, 本级人大, 本级政府, 机关, 报告名, 工作, 它级用语)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it: eight times faster
    return yaml.load((data_dir() / "levels.yaml").read_text(encoding="utf-8"), Loader=loader)


def slot_values(facts: Facts) -> dict[str, str | None]:
    """What the bank's slots stand for in this user's report."""
    unit = facts.unit
    words = level_words()[level_of(unit)]
    sup_party = sup_gov = None
    if facts.superior:
        level = facts.superior.strip()[-1]
        if level in "市县区旗州盟":
            sup_party, sup_gov = f"{level}委", f"{level}政府"
    half = facts.period == "上半年"
    return {
        "单位": unit,
        "上级": facts.superior,
        "上级党委": sup_party,
        "上级政府": sup_gov,
        "本级党委": words["本级党委"],
        "本级政府": words["本级政府"],
        "本级人大": words["本级人大"],
        "全域": words["全域"],
        "工作": words["工作"],
        "自身建设": words["自身建设"],
        "时段": "上半年" if half else f"{facts.year}年",
        "下一时段": "下半年" if half else f"{facts.year + 1}年",
        "年份": f"{facts.year}年",
    }


def draft_when(facts: Facts) -> tuple[int, int]:
    """When the report is given (year, month): its date, else July for a half-year report
    and the January after for an annual one (what dated formulations are judged by)."""
    if facts.date:
        return facts.date.year, facts.date.month
    return (facts.year, 7) if facts.is_half_year else (facts.year + 1, 1)
