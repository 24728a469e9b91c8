"""A part's paragraphs → its own text and its sections: headings at every level, in every
ordinal style (一、 （一） 1. （1） 一是 ——), on their own line or run into the body text.

``parse`` cuts a report into parts; this module reads the inside of each part.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from caogao.corpus.report import Section
from caogao.text.numerals import to_int

CN = "[一二三四五六七八九十]{1,3}"
ADDRESS = r"(?:各位代表|各位议政会成员|各位委员|同志们)"

# Kinds of heading, most important first: the first kind used twice in a part
# gives its first-level sections, lower kinds its second-level units.
H1, H2, DASH, SHORT, SHI, NUM, LEAD = range(7)
_MARKER_RE = (
    (H1, re.compile(rf"^({CN})、(.+)")),
    (H2, re.compile(rf"^（({CN})）(.+)")),
    (DASH, re.compile(r"^(——)([^。！？]{4,60}[。！]?)$")),
    (SHI, re.compile(rf"^({CN})[是要](.+)")),
    (NUM, re.compile(r"^(\d{1,2}[.．、]|（\d{1,2}）)(?!\d)(.+)")),
)
_LEAD = re.compile(r"^([^。！？：]{4,26})[。！]")
_NOT_LEAD = re.compile(rf"^(?:{ADDRESS}|我们|今年|上半年|下半年|同时|与此同时|此外|目前|截至|其中|对此|为此|全镇|我镇|面对|在)")
_ANNOUNCES_LIST = re.compile(r"(?:以下|如下|下列|几个方面)[^。！？]{0,8}[。：:]$")
_SHI_INLINE = re.compile(rf"(?:^|(?<=[。；！？：]))({CN})[是要]")


class Mark(NamedTuple):
    kind: int
    marker: str      # as written: 三、 （二） —— 二是 2. lead
    content: str     # the paragraph without its marker
    para: str        # the whole paragraph



def mark(p: str) -> Mark | None:
    if _ANNOUNCES_LIST.search(p):  # "一年来，…主要做了以下工作：" introduces the headings, is none
        return None
    for kind, pattern in _MARKER_RE:
        m = pattern.match(p)
        if m:
            # As written, with its number ("三、" "（二）" "二是" "2."); 一要 counts as 一是.
            num = m.group(1)
            marker = {H1: f"{num}、", H2: f"（{num}）", DASH: "——", SHI: f"{num}是"}.get(kind)
            if kind == NUM:
                marker = num if num.startswith("（") else f"{num[:-1]}."
            return Mark(kind, marker, m.group(2).strip(), p)
    m = _LEAD.match(p)
    if (m and len(p) - m.end() >= 10 and m.group(1).count("，") <= 1
            and not re.search(r"\d", m.group(1)) and not _NOT_LEAD.match(p)):
        return Mark(LEAD, "lead", p, p)
    if 6 <= len(p) <= 50 and not re.search(r"[。！？].", p) and not p.endswith(("：", ":", "；")) \
            and not re.match(ADDRESS, p):
        return Mark(SHORT, "lead", p, p)
    return None


def read_sections(paras: list[str]) -> tuple[str, list[Section]]:
    """Part text (总述, 指标段) and first-level sections with their units."""
    marks = [mark(p) for p in paras]
    counts = Counter(m.kind for m in marks if m and not _highlight(m))
    heads = _restart_heads(marks)
    if heads:
        # Each run of "一、二、" / "（一）（二）" starts again under an unnumbered heading of its
        # own: those headings are the first level, the numbered paragraphs their units.
        marks = [m if i in heads or (m and m.kind != SHORT) else None for i, m in enumerate(marks)]
        counts = Counter({SHORT: len(heads)})
    elif counts[H1] or counts[H2] or counts[DASH]:
        # A short paragraph among numbered headings is prose, not a heading.
        marks = [None if m and m.kind == SHORT else m for m in marks]
        counts.pop(SHORT, None)
    top = next((k for k in sorted(counts) if counts[k] >= 2), min(counts, default=None))
    if top is None or (top in (SHORT, LEAD) and counts[top] < 2):
        return "\n".join(paras), []  # one unnumbered sentence standing out is no set of headings
    text: list[str] = []
    sections: list[Section] = []
    child: Section | None = None
    demoted = False  # after a lone higher heading ("三、加强政府自身建设"), top-kind ones are its units
    for p, m in zip(paras, marks):
        if m and not _highlight(m) and ((m.kind < top and not heads) or (m.kind == top and not demoted)):
            demoted = demoted or m.kind < top
            heading, body = _split_heading(m.content, m.kind)
            section = Section(heading=heading, level=1, marker=m.marker)
            sections.append(section)
            _add_body(section, body)
            child = None
        elif not sections:
            text.append(p)
        elif m:
            units = _units(m)
            sections[-1].children.extend(units)
            child = units[-1]
        elif child is not None and not p.startswith(("同时", "与此同时", "此外", "另外")):
            child.text = _join(child.text, p)
        else:
            before = len(sections[-1].children)
            _add_body(sections[-1], p)
            child = sections[-1].children[-1] if len(sections[-1].children) > before else None
    return "\n".join(text), sections


def _restart_heads(marks: list[Mark | None]) -> set[int]:
    """The short unnumbered paragraphs standing right before every "一、" (or "（一）") of a part
    whose numbering starts again at one; empty unless there are two such runs at least and each
    one has such a heading."""
    kind = next((k for k in (H1, H2) if any(m and m.kind == k for m in marks)), None)
    if kind is None:
        return set()
    firsts = [i for i, m in enumerate(marks) if m and m.kind == kind and to_int(m.marker.strip("（）、")) == 1]
    heads = {i - 1 for i in firsts if i and marks[i - 1] and marks[i - 1].kind == SHORT
             and not marks[i - 1].para.endswith(("。", "！", "？"))}  # a sentence is no heading
    return heads if len(firsts) >= 2 and len(heads) == len(firsts) else set()


def _highlight(m: Mark) -> bool:
    """A "——经济运行保持在合理区间。国内生产总值…" strand: a highlight of the review, run into its
    facts; never a first-level heading (a "——" heading stands on a line of its own)."""
    return m.kind == LEAD and m.para.startswith("——")


def _add_body(section: Section, body: str) -> None:
    """Append prose to a section; an inline "一是…二是…" list becomes its units."""
    if not body:
        return
    before, units = _split_shi(body, first=1)
    section.text = _join(section.text, before)
    section.children.extend(units)


def _units(m: Mark) -> list[Section]:
    if m.kind == SHI:
        _, units = _split_shi(m.para, first=None, whole=True)
        if units:
            return units
    if m.kind in (LEAD, SHORT):
        lead = _LEAD.match(m.content)
        body = m.content[lead.end():].strip() if lead else ""
        return [Section(lead.group(1) if lead else m.content.rstrip("。！"), 2, body, "lead")]
    heading, body = _split_heading(m.content, m.kind)
    return [Section(heading, 2, body, m.marker)]


def _split_shi(text: str, first: int | None, whole: bool = False) -> tuple[str, list[Section]]:
    """Cut ``…一是A。二是B。`` into the text before and units A, B.

    Numbers must count up by one from ``first`` (any start when None); two
    items at least, unless ``whole`` (the paragraph itself began with one).
    """
    found = []
    for m in _SHI_INLINE.finditer(text):
        value = to_int(m.group(1))
        expected = (found[-1][0] + 1) if found else first
        if value is not None and (expected is None or value == expected):
            found.append((value, m.start(), m.end()))
    if not found or (len(found) < 2 and not (whole and found[0][1] == 0)):
        return text, []
    units = []
    for i, (_, start, end) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(text)
        heading, body = _split_heading(text[end:stop].strip(), SHI)
        units.append(Section(heading, 2, body, text[start:end - 1] + "是"))
    return text[:found[0][1]].strip(), units


def _split_heading(content: str, kind: int) -> tuple[str, str]:
    """Heading and body of a paragraph that starts with a heading (marker removed)."""
    end = re.search(r"[。！？]", content)
    sentence = content[:end.start()] if end else content
    rest = content[end.end():].strip() if end else ""
    stop = end.group() if end else "。"
    # Run-on text glues the units to the heading: "社会发展稳健有力一是经济发展…"
    glued = re.search(r"(?<=[^统唯第之其同单万])一[是要]", sentence)
    if glued and glued.start() >= 4 and re.search(r"二[是要]", content[glued.end():]):
        return sentence[:glued.start()].rstrip("，、："), content[glued.start():]
    colon = sentence.find("：")
    if 4 <= colon <= 30 and kind != SHORT:  # "住有所安项目：晚村人才公寓…"
        return sentence[:colon], _join_sentence(sentence[colon + 1:], stop, rest)
    if len(sentence) <= 50 or kind == SHORT:
        return sentence.rstrip("，、：:；"), rest
    # A long first sentence: its opening clauses are the heading.
    clauses = sentence.split("，")
    heading = clauses[0]
    for clause in clauses[1:]:
        if len(heading) + 1 + len(clause) > 30:
            break
        heading += "，" + clause
    return heading, _join_sentence(sentence[len(heading) + 1:], stop, rest)


def _join_sentence(tail: str, stop: str, rest: str) -> str:
    return f"{tail.strip('，')}{stop}{rest}".strip() if tail.strip("，") else rest


def _join(a: str, b: str) -> str:
    return f"{a}\n{b}" if a and b else (a or b)
