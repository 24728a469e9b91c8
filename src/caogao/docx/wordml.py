"""A draft's body as WordprocessingML text, the elements python-docx would write.

python-docx adds a paragraph, run or cell property element by element, each a
search of its parent's children; writing the body as text is a tenth of that.
What the text needs of its document (style ids, the type area, the table text
size) comes from a :class:`Sheet`: read by python-docx from any reference
document (render.py), or from the XML of our own, which a draft then needs no
python-docx for at all (:mod:`caogao.docx.shipped`).
"""

from __future__ import annotations

import re
from typing import Iterable, Protocol

from caogao.drafting.outline import PLACEHOLDER_RE, Block

# Block kind → paragraph style: Word's built-in names (else pandoc's), so a user's reference
# takes over. Part, 一、, （一） are Heading 1/2/3, their real nesting (Word fixes Heading N at
# level N); body is Normal, which Chinese Word calls 正文, the style offices restyle.
STYLE_NAMES: dict[str, str] = {
    "title": "Title", "subtitle": "Subtitle", "author": "Author", "date": "Date",
    "salutation": "Salutation", "part": "Heading 1", "heading1": "Heading 2",
    "heading2": "Heading 3", "body": "Normal", "table_title": "Table Caption",
    "table": "Table Text", "note": "Note",
}
# the table's own style, its header cells' style, the 引领句's character style
TABLE_STYLE, TABLE_HEADER_STYLE, LEAD_STYLE = "Table Grid", "Table Heading", "Lead"

EMU_PER_TWIP, EMU_PER_PT = 635, 12700
# Characters XML 1.0 cannot hold; python-docx would raise on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RUN_BREAK_RE = re.compile(r"([\t\r\n])")


class Sheet(Protocol):
    """What the body's XML needs of the document it goes into."""

    def style_id(self, name: str) -> str | None:
        """The id of the style called ``name``; None for the default paragraph style,
        which Word writes as no style at all."""

    def table_geometry(self) -> tuple[str | None, int, int]:
        """The table style's id (None if it is the default), the table text size
        and the width of the type area, both in EMU."""


def clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def escape(text: str) -> str:
    """Text as XML character data (``html.escape`` would import its table of every HTML entity)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return escape(value).replace('"', "&quot;")


def _run_xml(text: str, style_id: str | None, highlight: bool) -> str:
    """A run as python-docx's ``add_run`` writes it: tabs and line breaks as elements,
    space kept where the text starts or ends with it."""
    props = (f'<w:rStyle w:val="{_attr(style_id)}"/>' if style_id else "") + (
        '<w:highlight w:val="yellow"/>' if highlight else "")
    out = [f"<w:rPr>{props}</w:rPr>" if props else ""]
    for piece in _RUN_BREAK_RE.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{''.join(out)}</w:r>"


def _runs_xml(text: str, style_id: str | None = None) -> str:
    """``text`` as runs, each placeholder a run of its own, highlighted for the user to find."""
    text, pos, out = clean(text), 0, []
    for m in PLACEHOLDER_RE.finditer(text):
        if m.start() > pos:
            out.append(_run_xml(text[pos:m.start()], style_id, False))
        out.append(_run_xml(m.group(), style_id, True))
        pos = m.end()
    if pos < len(text):
        out.append(_run_xml(text[pos:], style_id, False))
    return "".join(out)


def _p_xml(style_id: str | None, runs: str = "", *, page_break: bool = False, centred: bool = False) -> str:
    props = (f'<w:pStyle w:val="{_attr(style_id)}"/>' if style_id else "") + (
        "<w:pageBreakBefore/>" if page_break else "") + ('<w:jc w:val="center"/>' if centred else "")
    inner = (f"<w:pPr>{props}</w:pPr>" if props else "") + runs
    return f"<w:p>{inner}</w:p>" if inner else "<w:p/>"  # as lxml writes an empty element


def _size(text: str) -> float:
    """Width in characters: CJK 1, Latin and digits about ½."""
    return sum(1 if ord(ch) >= 0x2E80 else 0.55 for ch in clean(text).strip())


def _column_widths(rows: list[list[str]], width: int, room: float) -> list[float]:
    """Share ``room`` (in characters): narrow columns get their natural width, the
    wide ones what is left. Equal columns would wrap the long 指标 names beside
    half-empty figure cells; shrinking all alike would break 4-character headers."""
    natural = [min(max([_size(r[j]) for r in rows if j < len(r)] + [2]), 12) + 1 for j in range(width)]
    wide, left = sorted(range(width), key=natural.__getitem__), room  # + 1: cell margins
    while wide and natural[wide[0]] <= left / len(wide):
        left -= natural[wide.pop(0)]
    if not wide:  # everything fits: spread the spare room so the table fills the type area
        return [n * room / sum(natural) for n in natural]
    return [left * n / sum(natural[k] for k in wide) if j in wide else n for j, n in enumerate(natural)]


def _table_xml(rows: list[list[str]], sheet: Sheet) -> str:
    """A centred table of fixed column widths whose header row repeats on every page,
    as python-docx's ``add_table`` and cell properties would write it."""
    style_id, em, room = sheet.table_geometry()
    width = max(len(r) for r in rows)
    twips = [int(round(int(chars * em) / EMU_PER_TWIP)) for chars in _column_widths(rows, width, room / em)]
    # figures, units and gaps read best centred; the first column (指标 names) only when short
    centred = [all(_size(PLACEHOLDER_RE.sub("0", r[j] if j < len(r) else "")) <= (10 if j else 4)
                   for r in rows[1:]) for j in range(width)]
    header, body = sheet.style_id(TABLE_HEADER_STYLE), sheet.style_id(STYLE_NAMES["table"])
    style = f'<w:tblStyle w:val="{_attr(style_id)}"/>' if style_id else ""
    out = [f'<w:tbl><w:tblPr>{style}<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
           '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
           'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
           *(f'<w:gridCol w:w="{t}"/>' for t in twips), "</w:tblGrid>"]
    for i, row in enumerate(rows):
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if i == 0 else "<w:tr>")
        for j in range(width):
            text = _runs_xml(row[j] if j < len(row) else "")
            p = _p_xml(body if i else header, text, centred=bool(i and centred[j]))
            out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips[j]}"/>'
                       f'<w:vAlign w:val="center"/></w:tcPr>{p}</w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def body_xml(blocks: Iterable[Block], sheet: Sheet, *, after_table: bool = False) -> str:
    """``blocks`` as the children of ``w:body`` (without their namespace declaration);
    ``after_table``: the body they follow ends with a table."""
    out, page_break, last_table = [], False, after_table
    for block in blocks:
        if block.kind == "page_break":
            page_break = True
            continue
        if block.kind == "table":
            if not block.rows:
                continue
            # Word ignores pageBreakBefore inside table cells, and joins two
            # tables that touch into one: both need a paragraph in between
            if page_break or last_table:
                out.append(_p_xml(None, page_break=page_break))
            out.append(_table_xml(block.rows, sheet))
            last_table = True
        else:
            lead = _runs_xml(block.lead, sheet.style_id(LEAD_STYLE)) if block.lead else ""
            out.append(_p_xml(sheet.style_id(STYLE_NAMES[block.kind]), lead + _runs_xml(block.text),
                              page_break=page_break))
            last_table = False
        page_break = False
    return "".join(out)
