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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from caogao.drafting.outline import placeholder
from caogao.mining.taxonomy import seed_scores
from caogao.text.numerals import count_word

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
# A figure template's counted thing: the words before a slot (签约项目{数量}个 → 签约项目数).
# Patterns, compiled (by ``re``) when a section without points first needs them: 0.8 ms otherwise.
_LABEL = r"([\u4e00-\u9fff]{2,9})\{(数量|金额|面积|长度)\}"
_LABEL_TRIM = r"^.*?(?:累计|共计|全年|其中|共|新增(?=.{3}))|(?:达到|达|为|超过|突破|约|近|总计|完成)$"
_LABEL_SUFFIX = {"数量": "数", "金额": "额", "面积": "面积", "长度": "长度"}
# What a heading that reports results says (生态环境质量持续向好, 民生保障和社会事业长足进步).
_CLAIM_RE = re.compile(r"成效|成果|进步|向好|有力|显著|明显|提升|增强|厚实|殷实|更加|更具|更为|不断|稳步|"
                       r"持续深化|取得|迈出|彰显|焕然|一新|全面|实现|落地|见效|硕果|捷报|频传")
_FUNCTION_CHARS = frozenset("对为个的和与及按将把向从在到给让被以是了其每各该这那")


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
    when: tuple[int, int] | None = None  # when the report is given: dated formulations are judged by it
    notes: list[str] = field(default_factory=list)  # what the user should know about the choices
    used: set[str] = field(default_factory=set)  # headings and leads already in the draft: none said twice
    foreign: tuple[str, ...] = ()  # words of another level (全镇 in a 乡's report): never lent
    asked: dict[tuple[str, str, bool], list] = field(default_factory=dict, repr=False, compare=False)

    def _phrases(self, section: str, kind: str, generic_only: bool = True) -> list:
        """The bank's phrases of a section type and kind, best first, asked once per draft.

        The clauses of one part come from the same set phrases (总述 seven times) and each
        part's headings from the same sections: a draft asked the bank 25 times for 12
        lists, and asking once saves 1.3 ms of a 0.2 s draft.
        """
        key = (section, kind, generic_only)
        if key not in self.asked:
            self.asked[key] = self.bank.phrases(section=section, kind=kind, generic_only=generic_only)
        return self.asked[key]

    def _texts(self, section: str) -> list[tuple[str, bool]]:
        """Generic set phrases of a part kind, best first, each with whether the office wrote it."""
        if self.bank is None:
            return []
        return [(h.text, h.origin == "office") for h in self._phrases(section, "set_phrase")]

    def _usable(self, text: str) -> bool:
        """No figure, no redaction, and every political formulation whole and of the report's time."""
        from caogao.text.formulations import problems

        return (not re.search(r"[0-9０-９]|[Xx]{2}", text) and not any(w in text for w in self.foreign)
                and not problems(text, self.when))

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
            chosen = COUNT_RE.sub(f"以下{count_word(count)}方面", chosen)
        return chosen

    def leads(self, section: str, part: str, n: int) -> list[str]:
        """Up to ``n`` generic lead sentences (引领句: ``工业经济提质增效``) of a section type for one
        part, a seeded choice among the best, no two opening alike."""
        if self.bank is None:
            return []
        usable = [h for h in self._phrases(section, "heading2")
                  if 4 <= len(h.text) <= 16 and not SLOT_RE.search(h.text) and self._usable(h.text)
                  and fits(h.text, section)]
        # this part's, else the other's (a plan strand 加强作风建设 reads as well looking back)
        pool = [h.text.rstrip("。") for h in ([h for h in usable if _heading_part(h) in (part, None)] or usable)]
        pool = [t for t in dict.fromkeys(pool) if t not in self.used][:TOP_K * 3]
        self.rng.shuffle(pool)
        out: list[str] = []
        for text in pool:
            if all(text[:2] != o[:2] for o in out):
                out.append(text)
            if len(out) == n:
                break
        self.used.update(out)
        return out

    def figure_labels(self, section: str, n: int = 6) -> list[str]:
        """What a section of this type usually counts (签约项目数, 协议投资额), from the bank's figure
        templates of that type: the words before each slot, most used first."""
        if self.bank is None:
            return []
        counts: Counter = Counter()
        for h in self._phrases(section, "figure", generic_only=False):
            for m in re.finditer(_LABEL, h.text):
                label = re.sub(_LABEL_TRIM, "", m.group(1))
                if 3 <= len(label) <= 7 and label[0] not in _FUNCTION_CHARS \
                        and not any(w in label for w in self.foreign + (self.values.get("全域") or "\0",)):
                    suffix = _LABEL_SUFFIX[m.group(2)]
                    counts[label if label.endswith(("额", "数", "量", "面积", "长度")) else label + suffix] += 1
        return [label for label, c in counts.most_common() if c >= 3][:n]

    def headings(self, categories: list[str], given: list[str | None], part: str) -> list[str]:
        """First-level headings for one part: the user's where given, else a parallel set.

        A real report part is a parallel set (抓项目、稳经济，… / 优环境、美生态，…). Each
        heading must fit its section (``fits``: its words are of the section's type) and
        be generic. The shape is chosen first — the one for which most sections have a
        fitting heading, the user's own titles counting towards theirs, a seeded choice
        among equals — then each section takes a fitting heading of that shape from any
        report, the office's own first. A section with none of that shape takes a fitting
        heading of another shape (a fitting heading beats a parallel misfit), and
        ``notes`` says so; one with no fitting heading at all gets a placeholder.
        """
        from caogao.mining.shapes import breaks, shape as shape_of

        need = [i for i, g in enumerate(given) if not g]
        out = [strip_end(g) if g else "" for g in given]
        if not need or self.bank is None:
            return [o or placeholder(f"{categories[i]}方面的小标题") for i, o in enumerate(out)]
        pools: dict[str, list[Any]] = {}  # type → its fitting generic headings, best first
        for cat in dict.fromkeys(categories[i] for i in need):
            fitting = [h for h in self._phrases(cat, "heading1")
                       if fill_slots(h.text, self.values) and self._usable(fill_slots(h.text, self.values))
                       and fits(h.text, cat)]
            # best first: this part's (a plan heading promises, a review heading reports: 卓有成效
            # does not head a plan), those naming their work (生态环境持续改善) before those that
            # could head any section (砥砺奋进，实现新跨越); the other part's only after them
            def rank(h: Any) -> tuple[int, int]:
                return (0 if _heading_part(h) in (part, None) else 1, 0 if seed_scores(h.text).get(cat) else 1)
            ranked = sorted(fitting, key=rank)  # stable: the bank's order within each rank
            # a review's heading reports results (卓有成效, 长足进步): never a plan's
            pools[cat] = [h for h in ranked if part != "计划" or _heading_part(h) in (part, None)
                          or not _CLAIM_RE.search(h.text)]
        own = Counter(_coarse_shape(shape_of(g)) for g in given if g)
        cover: Counter = Counter()   # shape → sections with a fitting heading of it
        office: Counter = Counter()  # the same, counting the office's own headings only
        for i in need:
            cat = categories[i]
            for shape in {_coarse_shape(h.shape) for h in pools[cat] if h.shape}:
                cover[shape] += 1
            for shape in {_coarse_shape(h.shape) for h in pools[cat] if h.shape and h.origin == "office"}:
                office[shape] += 1
        # the user's own titles cannot change: their shape leads wherever the bank has it
        ranked = sorted(((office[sh], own[sh] > 0, c + own[sh]), sh) for sh, c in cover.items())
        best = [sh for score, sh in ranked if score == ranked[-1][0]] if ranked else []
        shape = self.rng.choice(sorted(best)) if best else None
        # the set's punctuation (、，): a heading of another rhythm but the same marks still reads
        # as one of the set, where none of the exact shape fits
        marks = (Counter(breaks(g) for g in given if g and _coarse_shape(shape_of(g)) == shape)
                 or Counter(breaks(h.text) for hs in pools.values() for h in hs
                            if shape and _coarse_shape(h.shape) == shape)).most_common(1)
        mark = marks[0][0] if marks else None
        taken = {_lead(o) for o in out if o}
        for i in need:
            cat = categories[i]
            # not a heading this part or the other already has (a review and a plan headed alike)
            fitting = [h for h in pools[cat] if _lead(h.text) not in taken and h.text not in self.used]
            exact = [h for h in fitting if shape and _coarse_shape(h.shape) == shape]
            same = ([h for h in exact if breaks(h.text) == mark]
                    or [h for h in fitting if mark is not None and breaks(h.text) == mark] or exact)
            pick = same or fitting
            if not pick:
                self.notes.append(f"{part}中“{cat}”一节没有合适的通用小标题，已留占位符")
                continue
            if not same:
                self.notes.append(f"{part}中“{cat}”一节的小标题与同组句式不同（没有同句式又切题的）")
            office = [h for h in pick if h.origin == "office"]
            h = self.rng.choice((office or pick)[:TOP_K])
            out[i] = fill_slots(h.text, self.values) or ""
            taken.add(_lead(h.text))
            self.used.add(h.text)
        return [strip_end(o) if o else placeholder(f"{categories[i]}方面的小标题") for i, o in enumerate(out)]


def fits(text: str, section: str) -> bool:
    """Whether wording speaks of its section's work: no other type's seed words (文化节, 民宿,
    招商引资) weigh more in it than the section's own (``data/sections.yaml``)."""
    scores = seed_scores(text)
    own = scores.get(section, 0.0)
    return all(v <= own for k, v in scores.items() if k != section)


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
