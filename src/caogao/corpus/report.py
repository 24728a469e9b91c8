"""A report as structure: title, period, parts, sections, second-level units.

Produced by ``structure.py`` from cleaned text; read by the miner, the bank and
``caogao corpus show``. Plain dataclasses so every stage can use them without
importing the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Part names, in the order they appear in a report.
# 总体要求: the targets and policy stance before the plan; 附件: glossaries and tables after the closing.
# 全文: the one part of a file read whole, in which no report's parts were found.
PART_NAMES = ("开场", "回顾", "致谢", "存在问题", "总体要求", "计划", "结束语", "附件", "全文")
WHOLE = "全文"

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def split_sentences(text: str) -> list[str]:
    """Sentences of Chinese prose, split after 。！？ (and ；), kept with their mark."""
    out = []
    for piece in re.split(r"(?<=[。！？!?])", text):
        piece = piece.strip()
        if piece:
            out.append(piece)
    return out


@dataclass
class Section:
    """A first-level section (level 1, ``一、``) or a second-level unit (level 2).

    ``marker`` says how the heading was written: ``一、`` ``（一）`` ``一是``
    ``1.`` ``——`` or ``lead`` (a lead sentence such as ``环境治理有效推进。``).
    ``text`` is the body under the heading, without the heading itself and
    without the children's text.
    """

    heading: str
    level: int
    text: str = ""
    marker: str = ""
    children: list["Section"] = field(default_factory=list)

    def sentences(self) -> list[str]:
        return split_sentences(self.text)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict:
        return {
            "heading": self.heading,
            "level": self.level,
            "marker": self.marker,
            "text": self.text,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class Part:
    """A part of the report (开场, 回顾, 致谢, 存在问题, 计划, 结束语).

    ``heading`` is the part's own heading line if it had one (``上半年工作回顾``);
    ``text`` is the prose before its first section (总述, 指标段, 计划总述).
    """

    name: str
    heading: str = ""
    text: str = ""
    sections: list[Section] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "heading": self.heading,
            "text": self.text,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass
class Report:
    id: str                 # stable: "<file stem>#<n>", e.g. "002_f19b0171774e664a#3"
    title: str
    title_derived: bool     # True when the title was not in the text but derived
    file: str               # the source file's name
    year: int | None
    period: str             # "上半年" | "全年"
    text: str               # the whole cleaned text of this report
    parts: list[Part] = field(default_factory=list)
    # a short name for ``text`` in the build cache, set by bank.sources.load (the file's content
    # key, the parser's version, the report's place in the file); "" when not known
    text_key: str = field(default="", compare=False, repr=False)

    @property
    def chars(self) -> int:
        return len(self.text)

    def sections(self) -> list[Section]:
        return [s for p in self.parts for s in p.sections]

    def summary(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "file": self.file,
            "year": self.year,
            "period": self.period,
            "chars": self.chars,
            "sections": len(self.sections()),
        }

    def outline(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "period": self.period,
            "year": self.year,
            "parts": [p.to_dict() for p in self.parts],
        }
