"""Named bookmarks around each figure caogao writes, so that ``caogao update`` finds them again.

A bookmark's name says which figure it holds and what caogao wrote there:
``cgI_3f2a9c_81d0e4`` is the 指标段 clause (I) of the indicator whose name hashes to
3f2a9c, written as the text that hashes to 81d0e4. Text that no longer hashes the
same was edited by hand. Named bookmarks were chosen by test: they survive a save in
LibreOffice (to .docx, and to .odt and back), where content controls lose their tags.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from caogao.docx.runs import isolate, runs_text

_CODES = {"指标段": "I", "分项": "S"}
_NAME = r"cg(I|S|T\d)_([0-9a-f]{6})_([0-9a-f]{6})"  # compiled when ``caogao update`` reads names (0.2 ms)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]


def bookmark_name(place: str, indicator: str, text: str) -> str:
    code = _CODES.get(place) or "T" + place.removeprefix("附表")
    return f"cg{code}_{digest(indicator)}_{digest(text)}"


def parse_name(name: str) -> tuple[str, str, str] | None:
    """(place, indicator digest, text digest) of one of our bookmarks; None for any other."""
    m = re.fullmatch(_NAME, name or "")
    if not m:
        return None
    code = m.group(1)
    place = {v: k for k, v in _CODES.items()}.get(code) or "附表" + code[1:]
    return place, m.group(2), m.group(3)


class Bookmarker:
    """Adds bookmarks to one document, each with its own id."""

    def __init__(self, first_id: int = 100) -> None:
        self.next_id = first_id

    def wrap(self, paragraph: Paragraph, start: int, end: int, name: str) -> bool:
        runs = isolate(paragraph, start, end)
        if not runs:
            return False
        bid = str(self.next_id)
        self.next_id += 1
        begin, close = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        begin.set(qn("w:id"), bid)
        begin.set(qn("w:name"), name)
        close.set(qn("w:id"), bid)
        runs[0]._r.addprevious(begin)
        runs[-1]._r.addnext(close)
        return True

    def wrap_text(self, paragraph: Paragraph, text: str, name: str) -> bool:
        at = runs_text(paragraph).find(text) if text else -1
        return at >= 0 and self.wrap(paragraph, at, at + len(text), name)


@dataclass
class Anchor:
    """One of our bookmarks found in a document: what it holds now and its runs."""

    name: str
    place: str
    indicator_digest: str
    text_digest: str
    runs: list  # the w:r elements between its start and its end
    paragraph: object  # the w:p that holds its start

    @property
    def text(self) -> str:
        return "".join(t.text or "" for r in self.runs for t in r.iter(qn("w:t")))

    def replace(self, text: str) -> None:
        """Put ``text`` in the first run (keeping its formatting); empty the others."""
        first = self.runs[0]
        ts = list(first.iter(qn("w:t")))
        if not ts:
            t = OxmlElement("w:t")
            first.append(t)
            ts = [t]
        ts[0].text = text
        ts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        for t in ts[1:]:
            t.getparent().remove(t)
        for r in self.runs[1:]:
            for t in list(r.iter(qn("w:t"))):
                t.getparent().remove(t)


def find_anchors(body) -> list[Anchor]:
    """Our bookmarks in ``body`` (document order), each with the runs it encloses."""
    ends = {e.get(qn("w:id")): e for e in body.iter(qn("w:bookmarkEnd"))}
    out = []
    for start in body.iter(qn("w:bookmarkStart")):
        parsed = parse_name(start.get(qn("w:name")))
        end = ends.get(start.get(qn("w:id")))
        if parsed is None or end is None:
            continue
        runs, paragraph, inside = [], start.getparent(), False  # ours never span two paragraphs
        for el in paragraph.iter():
            if el is start:
                inside = True
            elif el is end:
                break
            elif inside and el.tag == qn("w:r"):
                runs.append(el)
        if runs:
            out.append(Anchor(start.get(qn("w:name")), *parsed, runs=runs, paragraph=paragraph))
    return out
