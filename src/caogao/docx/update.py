"""An edited draft's figures rewritten from new facts (``caogao update``); nothing else touched.

Each figure caogao wrote sits in a named bookmark (:mod:`caogao.docx.anchors`). A figure
still as caogao wrote it is replaced by the one the new facts give; one edited by hand is
left alone and reported with the new value; a figure whose bookmark a word processor lost
is looked for by its shape (the indicator's name, any numbers, any direction word) and
replaced only where exactly one paragraph has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docx.oxml.ns import qn

from caogao.docx.anchors import digest, find_anchors
from caogao.docx.runs import isolate, runs_text


@dataclass
class Change:
    """One figure: ``status`` is 已更新, 手改未动 (edited by hand: left as it is) or 按名称找到."""

    indicator: str
    place: str
    old: str
    new: str
    where: str
    status: str = "已更新"


def _where(paragraph, body) -> str:
    """第N段 (as python-docx counts body paragraphs) or 附表, for the user to find it."""
    node = paragraph
    while node is not None and node.getparent() is not body:
        node = node.getparent()
    if node is not None and node.tag == qn("w:tbl"):
        return "附表"
    paras = [el for el in body if el.tag == qn("w:p")]
    return f"第{paras.index(node) + 1}段" if node in paras else "正文"


# 同比增长9.0% / 同比下降0.3个百分点 / 与上年同期持平: any of them stands for any other
_GROWTH = r"(?:同比(?:增长|下降|提高|减少|增加|降低|上升)\d+(?:\.\d+)?(?:%|个百分点)|与上年同期持平|同比持平)"


def shape(text: str) -> re.Pattern:
    """A pattern for ``text`` with other figures: numbers, 亿元/万元 and direction words may differ."""
    out, pos = [], 0
    for m in re.finditer(_GROWTH + r"|\d+(?:\.\d+)?|亿元|万元|【待补充：[^】]*】", text):
        out.append(re.escape(text[pos:m.start()]))
        piece = m.group()
        out.append(_GROWTH if piece.startswith(("同比", "与上年")) else
                   r"(?:\d+(?:\.\d+)?|【待补充：[^】]*】)" if piece[0].isdigit() or piece.startswith("【")
                   else "(?:亿元|万元)")
        pos = m.end()
    out.append(re.escape(text[pos:]))
    return re.compile("".join(out))


def update_document(document, figures: dict[tuple[str, str], str]) -> list[Change]:
    """Rewrite ``document``'s figures from ``figures`` ((place, indicator) → text); the changes."""
    body = document.element.body
    wanted = {(place, digest(name)): (name, text) for (place, name), text in figures.items()}
    changes, seen = [], set()
    for anchor in find_anchors(body):
        key = (anchor.place, anchor.indicator_digest)
        if key not in wanted:
            continue
        seen.add(key)
        name, new = wanted[key]
        old = anchor.text
        where = _where(anchor.paragraph, body)
        if digest(old) != anchor.text_digest:
            if old != new:
                changes.append(Change(name, anchor.place, old, new, where, "手改未动"))
            continue
        if old != new:
            anchor.replace(new)
            changes.append(Change(name, anchor.place, old, new, where))
    from docx.text.paragraph import Paragraph

    paragraphs = [Paragraph(p, document._body) for p in body.iter(qn("w:p"))]
    for key, (name, new) in wanted.items():
        if key in seen or key[0].startswith("附表") or name not in new:
            continue  # a table cell alone ("5230") is too short to be found by its shape
        pattern = shape(new)
        hits = [(p, m) for p in paragraphs for m in pattern.finditer(runs_text(p))]
        if len(hits) != 1:
            continue
        p, m = hits[0]
        if m.group() != new:
            runs = isolate(p, m.start(), m.end())
            runs[0].text = new
            for r in runs[1:]:
                r.text = ""
            changes.append(Change(name, key[0], m.group(), new, _where(p._p, body), "按名称找到"))
    return changes


def update_draft(draft: Path, figures: dict, output: Path, *, force: bool = False) -> list[Change]:
    """Write ``draft`` with its figures from new facts to ``output`` (atomically)."""
    from caogao.corpus.docx_in import open_docx
    from caogao.docx.write import save

    document = open_docx(draft)
    changes = update_document(document, figures)
    save(document, output, force=force)
    return changes
