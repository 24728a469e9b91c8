"""Wording lent by the phrase bank: set phrases with the user's slots filled, parallel headings.

Only generic phrases are taken (no other town's names or figures); among them a
seeded choice, the office's own wording first. Small text helpers for Chinese
report prose live here too, since both the choices and the composer use them.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from caogao.drafting.outline import placeholder
from caogao.text.numerals import to_chinese

if TYPE_CHECKING:
    from caogao.bank.query import PhraseBank

SLOT_RE = re.compile(r"\{([^{}]+)\}")
# How many of the best-ranked candidates a seeded choice picks from.
TOP_K = 5


def as_line(text: str) -> str:
    """User text as one line: folded line breaks, trimmed."""
    return re.sub(r"\s*[\r\n]+\s*", "", str(text)).strip()


def end_sentence(text: str) -> str:
    text = as_line(text)
    if text and text[-1] not in "。！？；：…”」":
        text += "。"
    return text


def strip_end(text: str) -> str:
    return as_line(text).rstrip("。；;，,！!")


def fill_slots(text: str, values: dict[str, str | None]) -> str | None:
    """The phrase with its slots filled, or None if a slot has no value here."""
    missing = False

    def sub(m: re.Match) -> str:
        nonlocal missing
        value = values.get(m.group(1))
        if not value:
            missing = True
            return ""
        return value

    filled = SLOT_RE.sub(sub, text)
    return None if missing else filled


# ------------------------------------------------------------ bank choices

# "以下五方面工作" in a borrowed sentence must count the user's sections, not the source's.
COUNT_RE = re.compile(r"以下[一二三四五六七八九十两几]+个?方面")
# Leading connectives that only fit the sentence they were taken from.
CONNECTIVE_RE = re.compile(r"^(为此|具体来说|具体而言|围绕上述目标|对此)[，,]")
SALUTATION_RE = re.compile(r"^各位[^。！？]*?[：！]\s*")


_LEAD_END = re.compile(r"[、，,：:]")


@functools.lru_cache(maxsize=4096)  # asked of each candidate heading for each section drafted
def _lead(heading: str) -> str:
    """A heading's first segment when it is a short verb phrase (抓项目、…): no two of a set share one."""
    first = _LEAD_END.split(heading, maxsplit=1)[0]
    return first if len(first) < len(heading) and len(first) <= 4 else heading


def _coarse_shape(shape: str) -> str:
    """Shapes that read as parallel once 、 and ， are not told apart."""
    return shape.replace("、", "，")


@dataclass
class Picker:
    """Seeded choices of generic wording from the bank.

    Part paragraphs (总述, 致谢 …) are assembled from short clauses that recur
    across reports (在…的坚强领导下, 表示衷心的感谢和崇高的敬意), so that
    nothing of another town's facts comes along with them.
    """

    bank: PhraseBank | None
    rng: random.Random
    values: dict[str, str | None]
    year: int = 0

    def _texts(self, section: str) -> list[tuple[str, bool]]:
        """Generic set phrases of a part kind, best first, each with whether the office wrote it."""
        if self.bank is None:
            return []
        hits = self.bank.phrases(section=section, kind="set_phrase", generic_only=True)
        return [(h.text, h.origin == "office") for h in hits]

    def _usable(self, text: str) -> bool:
        # 以同志为核心: a redaction in the sources; 二十大 only from 2023 on.
        return "以同志为核心" not in text and not ("二十大" in text and self.year < 2023) \
            and not re.search(r"[0-9０-９]|[Xx]{2}", text)

    def _choose(self, section: str, accept, default: str | None) -> str | None:
        """A seeded choice among the best accepted phrases, the office's own whenever it has one."""
        found: list[tuple[str, bool]] = []
        for text, office in self._texts(section):
            filled = accept(text)
            if filled and self._usable(filled) and filled not in (f for f, _ in found):
                found.append((filled, office))
            if len(found) >= TOP_K:
                break
        if found:
            own = [f for f, office in found if office]
            return self.rng.choice(own or [f for f, _ in found])
        return (fill_slots(default, self.values) or default) if default else None

    def clause(self, section: str, pattern: str, default: str, *, max_len: int = 40) -> str:
        """A short clause of a part kind matching ``pattern``, slots filled; else the default."""
        def accept(text: str) -> str | None:
            if len(text) > max_len or re.search(r"[。！？；：\n]", text) or not re.search(pattern, text):
                return None
            return fill_slots(text, self.values)
        return self._choose(section, accept, default)

    def sentence(self, section: str, pattern: str, default: str | None, *, count: int | None = None) -> str | None:
        """A whole generic sentence of a part kind matching ``pattern`` (salutation dropped)."""
        def accept(text: str) -> str | None:
            text = SALUTATION_RE.sub("", text.split("\n")[-1]).strip()
            if not text or text[-1] not in "。！：" or not re.search(pattern, text):
                return None
            return fill_slots(text, self.values)
        chosen = self._choose(section, accept, default)
        if chosen and count:
            chosen = COUNT_RE.sub(f"以下{to_chinese(count)}方面", chosen)
        return chosen

    def headings(self, categories: list[str], given: list[str | None], part: str) -> list[str]:
        """First-level headings for one part: the user's where given, else a parallel set.

        A real report part is a parallel set (抓项目、稳经济，… / 优环境、美生态，…).
        Every (source part, shape) pair is tried: its same-shape headings for the
        needed types (a related type where the exact one is missing), completed
        with same-shape headings from other reports. The pair that gives the
        part most headings of one shape wins — the office's own reports first,
        the user's own titles counting towards their shape. Sections still
        without a heading get the best generic heading of their type.
        """
        from caogao.mining.shapes import shape as shape_of

        need = [i for i, g in enumerate(given) if not g]
        out = [strip_end(g) if g else "" for g in given]
        if not need or self.bank is None:
            return [o or placeholder(f"{categories[i]}方面的小标题") for i, o in enumerate(out)]
        wanted = {i: (categories[i], *RELATED.get(categories[i], ())) for i in need}
        pools: dict[str, list[Any]] = {}       # type → its generic headings, best first
        groups: dict[tuple, dict[str, list[Any]]] = {}  # source part → type → headings
        for cat in dict.fromkeys(c for cats in wanted.values() for c in cats):
            pools[cat] = [h for h in self.bank.phrases(section=cat, kind="heading1", generic_only=True)
                          if _heading_part(h) in (part, None) and self._usable(h.text)]
            for h in pools[cat]:
                for src in h.sources:
                    key = (src.get("report_id") or src.get("report"), src.get("heading"))
                    groups.setdefault(key, {}).setdefault(cat, []).append(h)
        used = {o for o in out if o}
        own = Counter(_coarse_shape(shape_of(g)) for g in given if g)

        def take(by_type: dict[str, list[Any]], shape: str | None, got: dict[int, Any]) -> dict[int, Any]:
            """Add headings of ``shape`` (any shape if None) for the sections still without one."""
            got = dict(got)
            taken = {_lead(t) for t in used | {h.text for h in got.values()}}
            for related in (False, True):
                for i in need:
                    cats = wanted[i][1:] if related else wanted[i][:1]
                    h = next((h for c in cats for h in by_type.get(c, ())
                              if _lead(h.text) not in taken and (shape is None or _coarse_shape(h.shape) == shape)),
                             None)
                    if i not in got and h is not None:
                        got[i] = h
                        taken.add(_lead(h.text))
            return got

        options = []
        for key, group in groups.items():
            for shape in {_coarse_shape(h.shape) for hs in group.values() for h in hs}:
                got = take(group, shape, {})
                if got:
                    office = sum(h.origin == "office" for h in got.values())
                    total = len(take(pools, shape, got)) + own[shape]
                    options.append(((office, total, len(got)), key, shape))
        chosen: dict[int, Any] = {}
        if options:
            best = max(o[0] for o in options)
            _, key, shape = self.rng.choice(sorted((o for o in options if o[0] == best), key=str))
            chosen = take(pools, shape, take(groups[key], shape, {}))
        for i, h in take(pools, None, chosen).items():  # the rest: any shape, own type first
            out[i] = h.text
        return [strip_end(o) if o else placeholder(f"{categories[i]}方面的小标题") for i, o in enumerate(out)]


# A heading of a neighbouring type fits when the bank's parallel set lacks the exact one
# (抓项目、稳经济… serves 经济发展 as well as 项目建设).
RELATED: dict[str, tuple[str, ...]] = {
    "经济发展": ("项目建设",), "项目建设": ("经济发展",), "生态环境": ("城乡建设",),
    "城乡建设": ("生态环境", "乡村振兴"), "乡村振兴": ("城乡建设",), "文化旅游": ("经济发展", "乡村振兴"),
    "民生保障": ("社会治理",), "社会治理": ("民生保障",), "自身建设": (),
}


_PLAN_WORDS = ("计划", "安排", "思路", "重点", "任务", "打算")


def _heading_part(hit: Any) -> str | None:
    """Whether a mined heading stood in a review or a plan part (None: unknown)."""
    part = getattr(hit, "part", None)
    if part:
        return part
    headings = [s.get("heading", "") if isinstance(s, dict) else getattr(s, "heading", "")
                for s in getattr(hit, "sources", [])]
    if not headings:
        return None
    plan = sum(any(w in h for w in _PLAN_WORDS) for h in headings)
    return "计划" if plan * 2 > len(headings) else "回顾"
