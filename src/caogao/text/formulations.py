"""Canonical political formulations (规范提法): finding mutilated and out-of-period ones, restoring them.

Material libraries cut leaders' names out of their texts, and a report that
copies ``以新时代中国特色社会主义思想为指导`` (习近平 gone) carries a political error.
The rules are data, ``data/formulations.yaml``, so that a drafter can review
and extend them: each mutilated form with its canonical form, and the
restoration where the original is certain; wordings that depend on the date
(``…开局之年`` is 2023 only; a plenum's 精神 only after the plenum).

Three users: the miner restores what it can and keeps the rest out of the
generic wording it lends (``restore``); drafting and ``caogao check`` find what
is left (``problems``).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from caogao.paths import data_dir


class Mutilation(NamedTuple):
    """A mutilated form: ``pattern`` finds it, ``restore`` (None: not certain) repairs it.

    (The rules and the problems are named tuples: their classes are made in a fifth of the
    time of frozen dataclasses, which cost 1.1 ms of every draft.)
    """

    canonical: str
    pattern: re.Pattern
    restore: str | None
    years: tuple[int, int] | None

    def certain_in(self, year: int | None) -> bool:
        if self.restore is None:
            return False
        if self.years is None:
            return True
        return year is not None and self.years[0] <= year <= self.years[1]


class Period(NamedTuple):
    """A wording usable only from ``start`` to ``end`` (year, month), both included."""

    pattern: re.Pattern
    start: tuple[int, int] | None
    end: tuple[int, int] | None

    def fits(self, when: tuple[int, int]) -> bool:
        return (self.start is None or when >= self.start) and (self.end is None or when <= self.end)

    def describe(self) -> str:
        start = f"{self.start[0]}年{self.start[1]}月起" if self.start else ""
        end = f"至{self.end[0]}年{self.end[1]}月" if self.end else ""
        return f"只适用于{start}{end}的报告"


class Problem(NamedTuple):
    """A mutilated or out-of-period formulation in a text: where, what, and what would be right."""

    start: int
    end: int
    found: str
    suggestion: str
    reason: str


def _month(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    year, month = str(value).split("-")
    return int(year), int(month)


@functools.cache
def rules() -> tuple[tuple[Mutilation, ...], tuple[Period, ...]]:
    """The rules of ``data/formulations.yaml``, compiled once per process."""
    import yaml

    raw = yaml.load((data_dir() / "formulations.yaml").read_text(encoding="utf-8"),
                    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    mutilations = tuple(
        Mutilation(r["规范"], re.compile(r["写法"]), r.get("还原"),
                   tuple(r["年份"]) if r.get("年份") else None)
        for r in raw["残缺写法"])
    periods = tuple(Period(re.compile(r["写法"]), _month(r.get("起")), _month(r.get("止"))) for r in raw["有效期"])
    return mutilations, periods


# Every mutilated form contains one of these: text without any is left alone at once.
_TRIGGERS = ("思想", "同志为核心", "总书记", "视察", "XX大", "xx大", "中全会")


def may_need(text: str) -> bool:
    """Whether ``text`` could hold a mutilated formulation (a cheap test before ``restore``)."""
    return any(t in text for t in _TRIGGERS)


@functools.lru_cache(maxsize=4096)  # a big corpus repeats its sections (the 10 MB benchmark: 6,182 texts, 3,081 distinct)
def restore(text: str, year: int | None = None) -> tuple[str, bool, bool]:
    """``text`` with every certainly restorable mutilation repaired, whether any was, and whether
    a mutilation is left that cannot be repaired with certainty (such text is never lent)."""
    if not may_need(text):
        return text, False, False
    mutilations, _ = rules()
    restored = False
    for rule in mutilations:
        if rule.certain_in(year) and rule.pattern.search(text):
            text = rule.pattern.sub(rule.restore, text)
            restored = True
    left = any(rule.pattern.search(text) for rule in mutilations)
    return text, restored, left


def problems(text: str, when: tuple[int, int] | None = None) -> list[Problem]:
    """Every mutilated formulation in ``text``, and, when the report's (year, month) is known,
    every wording used outside its period."""
    mutilations, periods = rules()
    found = []
    year = when[0] if when else None
    for rule in mutilations:
        for m in rule.pattern.finditer(text):
            fixed = m.expand(rule.restore) if rule.certain_in(year) else rule.canonical
            found.append(Problem(m.start(), m.end(), m.group(0), fixed, "规范提法不完整（领导人姓名或主语被删）"))
    if when is not None:
        for period in periods:
            for m in period.pattern.finditer(text):
                if not period.fits(when):
                    found.append(Problem(m.start(), m.end(), m.group(0), "按报告时间改用当时的规范表述",
                                         f"“{m.group(0)}”{period.describe()}"))
    return sorted(found, key=lambda p: (p.start, p.end))
