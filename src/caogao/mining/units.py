"""The units a report is mined in: part texts, sections, second-level units, strands.

``units_of`` walks a structured report and gives every piece of text the
miner reads (a 总述 paragraph, a first-level section, a ``（一）`` unit, an
一是… strand) with a stable path, the heading it sits under, its own text and
its text with its children's. The classifier labels units (``labelling``);
the miner turns them into phrases (``mine``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from caogao.corpus.report import Report, Section, split_sentences
from caogao.mining.shapes import strip_ordinal

# -------------------------------------------------------------------- units

_PART_KIND = {"开场": "开场", "致谢": "致谢", "存在问题": "存在问题", "总体要求": "计划总述", "计划": "计划总述",
              "结束语": "结束语"}
_STRAND = re.compile(r"(?:^|(?<=[。；;：:]))\s*[一二三四五六七八九十]+是([^。；;]{4,80})")
_NUMERALS = frozenset("一二三四五六七八九十")
_STRAND_OPENERS = frozenset("。；;：:")
_STRAND_END = re.compile(r"[。；;]")


def strands(text: str) -> list[str]:
    """What each 一是…/二是… strand says: group 1 of each ``_STRAND`` match, in order.

    The regex tries its look-behind at every character (0.1 s over a 10 MB
    corpus); every strand has a 是, so this looks only at the 是s.
    """
    out: list[str] = []
    done = 0  # where the last strand ended: strands do not overlap
    i = text.find("是")
    while i != -1:
        j = i
        while j > 0 and text[j - 1] in _NUMERALS:
            j -= 1
        start = j
        while start > 0 and text[start - 1].isspace():
            start -= 1
        if j < i and start >= done and (start == 0 or text[start - 1] in _STRAND_OPENERS):
            stop = _STRAND_END.search(text, i + 1)
            length = min((stop.start() if stop else len(text)) - i - 1, 80)
            if length >= 4:
                out.append(text[i + 1:i + 1 + length])
                done = i + 1 + length
                i = text.find("是", done)
                continue
        i = text.find("是", i + 1)
    return out
_SALUTATION = re.compile(r"^(?:各位[^。！？：:]{0,24}?[：:！!]|同志们[，,！!：:])\s*")


@dataclass
class Unit:
    path: str                 # report id / part / section numbers: "002_…#3/回顾/2.1"
    report: Report
    under: str                # the heading it sits under (for sources)
    heading: str              # ordinal stripped; '' for part text
    body: str                 # everything under it, children's headings and text included
    own: str                  # its own text, children excluded (figures come from here)
    kind: str                 # heading1 | heading2 | item | part
    label: str | None = None  # fixed by structure (part kinds), else labelling.Labelling decides
    parent: "Unit | None" = None
    siblings: list[str] = field(default_factory=list)
    weak: str | None = None
    restored: bool = False    # a canonical formulation the source had mutilated was restored in it
    mutilated: bool = False   # a mutilated formulation is left that could not be restored for certain


def _full_text(sec: Section) -> str:
    """A unit's text with its children's headings and text, as it reads in the report."""
    out = [sec.text]
    for child in sec.children:
        head = child.heading.strip()
        if head and head[-1] not in "。！？；：":
            head += "。"
        out.append(head + _full_text(child))
    return "".join(out)


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, line breaks and a leading salutation (各位代表：) dropped."""
    out = []
    for line in text.splitlines():
        for s in split_sentences(line):
            s = _SALUTATION.sub("", s).strip()
            if s:
                out.append(s)
    return out


def lead_clause(text: str) -> str:
    """The opening clause of a strand: up to 。/；, or to the first ， when long."""
    clause = re.split(r"[。；;！？]", strip_ordinal(text), maxsplit=1)[0]
    if len(clause) > 36:
        clause = re.split(r"[，,：:]", clause, maxsplit=1)[0]
    return clause.strip()


def units_of(report: Report) -> list[Unit]:
    """Every part text, section and second-level unit of a report, with a path."""
    from caogao.mining.classifier import figure_density

    out: list[Unit] = []
    for part in report.parts:
        pid, under = f"{report.id}/{part.name}", part.heading or part.name
        kind = _PART_KIND.get(part.name)
        if part.text.strip() and (kind or part.name == "回顾"):
            if part.name == "回顾":  # 总述 then 指标段: the sentences dense with figures
                groups: dict[str, list[str]] = {"总述": [], "指标段": []}
                for s in sentences(part.text):
                    groups["指标段" if figure_density(s) >= 2.0 else "总述"].append(s)
                parts = [(k, "".join(v)) for k, v in groups.items() if v]
            else:
                parts = [(kind, part.text)]
            for k, text in parts:
                out.append(Unit(f"{pid}/{k}", report, under, "", text, text, "part", k))
            if part.name == "存在问题":
                for i, strand in enumerate(strands(part.text), 1):
                    out.append(Unit(f"{pid}/~{i}", report, under, lead_clause(strand), strand,
                                     "", "item", "存在问题"))
        fixed = kind if kind != "计划总述" else None
        heads = [s.heading for s in part.sections]
        for i, sec in enumerate(part.sections, 1):
            unit = Unit(f"{pid}/{i}", report, under, strip_ordinal(sec.heading), _full_text(sec), sec.text,
                         "item" if sec.marker.endswith("是") else "heading1", fixed, siblings=heads)
            out.append(unit)
            out.extend(_children(unit, sec))
    for unit in out:
        _restore_formulations(unit)
    return out


def _restore_formulations(unit: Unit) -> None:
    """Canonical political formulations where the source (a material library) cut a leader's
    name out and the original is certain (``text.formulations``); the rest is marked."""
    from caogao.text.formulations import may_need, restore

    if not (may_need(unit.body) or may_need(unit.heading)):
        return
    year = unit.report.year
    for name in ("heading", "body", "own"):
        text, restored, left = restore(getattr(unit, name), year)
        setattr(unit, name, text)
        unit.restored |= restored
        unit.mutilated |= left


def _children(parent: Unit, sec: Section) -> list[Unit]:
    out: list[Unit] = []
    heads = [c.heading for c in sec.children if not c.marker.endswith("是")]
    for j, child in enumerate(sec.children, 1):
        is_item = child.marker.endswith("是") or not child.heading
        heading = lead_clause(child.heading or child.text) if is_item else strip_ordinal(child.heading)
        unit = Unit(f"{parent.path}.{j}", parent.report, sec.heading, heading, _full_text(child), child.text,
                     "item" if is_item else "heading2", parent.label, parent, heads)
        out.append(unit)
        out.extend(_children(unit, child))
    # strands written inside the body rather than parsed as children
    for k, strand in enumerate(strands(sec.text), 1):
        out.append(Unit(f"{parent.path}~{k}", parent.report, sec.heading, lead_clause(strand),
                         strand, "", "item", parent.label, parent))
    return out


def town_of(report: Report) -> str:
    """The reporting town's name from the title (``白沙镇``), or ''."""
    m = re.search(r"(?:年|^)(?:上半年|下半年|度)?([\u4e00-\u9fff]{2,8}?(?:镇|乡|街道))", report.title)
    return m.group(1) if m else ""
