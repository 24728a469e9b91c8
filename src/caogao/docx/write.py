"""Draw an outline (list of Block) as a .docx in GB/T 9704 公文 layout, with python-docx.

Every draft starts from a reference document (:mod:`caogao.docx.styles`): ours, or
a user's own. Rendering only puts text into paragraphs and cells by style name.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
from pathlib import Path
from typing import Iterable

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from caogao.docx.styles import (DRAFT_STYLES, LEAD_STYLE, STYLE_NAMES, TABLE_HEADER_STYLE, TABLE_STYLE,
                                build_reference, copy_missing_styles, add_page_numbers, has_footer,
                                open_docx, our_reference)
from caogao.docx.anchors import Bookmarker, bookmark_name
from caogao.drafting.outline import PLACEHOLDER_RE, Block
from caogao.errors import OutputError
from caogao.fsutil import atomic_path
from caogao.paths import templates_dir

# Characters XML 1.0 cannot hold; python-docx would raise on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# One sample of each style, shown in the reference document.
SAMPLE_BLOCKS = [Block(kind, text) for kind, text in (
    ("title", "2023年上半年XX镇政府工作报告"), ("subtitle", "——在XX镇第十七届人民代表大会第三次会议上"),
    ("author", "镇长 XXX"), ("date", "（2023年7月20日）"), ("salutation", "各位代表："),
    ("body", "现在，我代表镇人民政府向大会报告工作，请予审议。"), ("part", "上半年工作回顾"),
    ("heading1", "一、抓项目、稳经济，高质量发展迈出坚实步伐"), ("heading2", "（一）招商引资成效明显"),
)] + [
    Block("body", "上半年，完成规上工业总产值【待补充：规上工业总产值】。", lead="经济运行向稳向好。"),
    Block("table_title", "主要经济指标完成情况表"),
    Block("table", rows=[["指标", "单位", "完成", "同比增长"], ["规上工业总产值", "亿元", "3.45", "5.0%"]]),
    Block("note", "注：数据为快报数。"),
]


def clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _style_ids(doc: Document) -> dict[str, str | None]:
    """Each style's id by its name; None for the default paragraph style, which Word writes as
    no style. Looked up once: python-docx, given a style by name, scans every style for each
    paragraph and run; looked up once, a draft of 60 paragraphs is drawn in a fifth of the time."""
    default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    ids: dict[str, str | None] = {}
    for style in doc.styles:  # the first of a name, as python-docx finds it
        ids.setdefault(style.name, None if default is not None and style.style_id == default.style_id
                       else style.style_id)
    return ids


def _styled(p: Paragraph, style_id: str | None) -> Paragraph:
    """``p``, a new paragraph, in the style of that id."""
    if style_id is not None:
        p._p.get_or_add_pPr().insert(0, _style_element("w:pStyle", style_id))
    return p


def _style_element(tag: str, style_id: str):
    """A new paragraph's or run's style, the first of its properties: put there directly
    rather than through python-docx, which looks for each of the thirty-odd properties that
    may follow a style before it adds one (2 ms of a draft)."""
    return OxmlElement(tag, {qn("w:val"): style_id})


def _add_text(paragraph: Paragraph, text: str, style_id: str | None = None) -> None:
    """``text`` as runs, each placeholder a run of its own, highlighted for the user to find."""
    text, pos = clean(text), 0

    def run(piece: str):
        r = paragraph.add_run()
        if style_id is not None:
            r._r.get_or_add_rPr().insert(0, _style_element("w:rStyle", style_id))
        if "\t" in piece or "\n" in piece or "\r" in piece:
            r.text = piece  # a tab and a line break are elements of their own
        else:  # the one <w:t> that setting ``r.text`` writes, without its character-by-character parse (2 ms a draft)
            r.add_text(piece)
        return r

    for m in PLACEHOLDER_RE.finditer(text):
        if m.start() > pos:
            run(text[pos:m.start()])
        run(m.group()).font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        run(text[pos:])


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


class _Figures:
    """Bookmarks each figure text caogao wrote (``figures``: (place, indicator) → text) where it
    is drawn, once, so that ``caogao update`` can find and rewrite it."""

    def __init__(self, figures: dict[tuple[str, str], str] | None) -> None:
        self.pending = dict(figures or {})
        self.marker = Bookmarker()

    def body(self, paragraph: Paragraph) -> None:
        for key, text in list(self.pending.items()):
            if not key[0].startswith("附表") and self.marker.wrap_text(paragraph, text, bookmark_name(*key, text)):
                del self.pending[key]

    def cell(self, paragraph: Paragraph, row: list[str], j: int) -> None:
        key = (f"附表{j}", row[0] if row else "")
        text = self.pending.get(key)
        if j and text is not None and j < len(row) and text == row[j]:  # a short row's cell is empty
            if self.marker.wrap(paragraph, 0, len(clean(text)), bookmark_name(*key, text)):
                del self.pending[key]


def _add_table(doc: Document, rows: list[list[str]], style_ids: dict[str, str | None], figures: _Figures) -> None:
    """A centred table of fixed column widths whose header row repeats on every page.

    The header row and the first body row are formatted cell by cell; the other body rows
    are copies of the first, then filled. (python-docx looks up where each cell property
    goes anew: formatting every cell took 4 ms of the 9-row appendix table.)
    """
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=min(len(rows), 2), cols=width)
    table.style = doc.styles[TABLE_STYLE]
    table.alignment, table.autofit = WD_TABLE_ALIGNMENT.CENTER, False
    section, em = doc.sections[-1], doc.styles[STYLE_NAMES["table"]].font.size or Pt(12)
    room = section.page_width - section.left_margin - section.right_margin
    grid = [row.cells for row in table.rows]  # the table is regular: no merged cells
    for j, (column, chars) in enumerate(zip(table.columns, _column_widths(rows, width, room / em))):
        column.width = int(chars * em)
        for cells in grid:
            cells[j].width = column.width
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    # figures, units and gaps read best centred; the first column (指标 names) only when short
    centred = [all(_size(PLACEHOLDER_RE.sub("0", r[j] if j < len(r) else "")) <= (10 if j else 4)
                   for r in rows[1:]) for j in range(width)]
    for i, cells in enumerate(grid):
        for j, cell in enumerate(cells):
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            p = _styled(cell.paragraphs[0], style_ids[STYLE_NAMES["table"] if i else TABLE_HEADER_STYLE])
            if i and centred[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    model = table.rows[-1]._tr
    for _ in rows[2:]:
        table._tbl.append(copy.deepcopy(model))
    for i, (row, cells) in enumerate(zip(rows, (r.cells for r in table.rows))):
        for j, cell in enumerate(cells):
            p = cell.paragraphs[0]
            _add_text(p, row[j] if j < len(row) else "")
            if i:
                figures.cell(p, row, j)


def _draw(doc: Document, blocks: Iterable[Block], figures: dict | None = None) -> None:
    """Add ``blocks`` at the end of the body; bookmark the ``figures`` (see ``_Figures``)."""
    style_ids, body, marks = _style_ids(doc), doc.element.body, _Figures(figures)
    page_break = False
    for block in blocks:
        if block.kind == "page_break":
            page_break = True
            continue
        if block.kind == "table":
            if not block.rows:
                continue
            # Word ignores pageBreakBefore inside table cells, and joins two
            # tables that touch into one: both need a paragraph in between
            if page_break or (len(body) > 1 and body[-2].tag == qn("w:tbl")):
                p = doc.add_paragraph()
                if page_break:
                    p.paragraph_format.page_break_before = True
            _add_table(doc, block.rows, style_ids, marks)
        else:
            p = _styled(doc.add_paragraph(), style_ids[STYLE_NAMES[block.kind]])
            if block.lead:
                _add_text(p, block.lead, style_ids[LEAD_STYLE])
            _add_text(p, block.text)
            if block.kind == "body":
                marks.body(p)
            if page_break:
                p.paragraph_format.page_break_before = True
        page_break = False


def _set_properties(doc: Document, title: str) -> None:
    props, now = doc.core_properties, _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    props.title = clean(title)
    props.author = props.last_modified_by = props.comments = props.keywords = ""
    props.revision, props.created, props.modified = 1, now, now


def make_reference(path: str | Path, *, force: bool = False) -> Path:
    """Write the reference document: styles, page setup, page numbers, and one
    sample of each style so that someone restyling it in Word sees what is what."""
    doc = build_reference()
    _draw(doc, SAMPLE_BLOCKS)
    _set_properties(doc, "caogao 参考样式")
    return save(doc, path, force=force)


def render(blocks: list[Block], *, reference_doc: Path | None = None, title: str = "",
           figures: dict | None = None) -> Document:
    """Draw ``blocks`` into a new document styled by the reference document."""
    if reference_doc is None:
        doc = our_reference()
    else:
        doc = open_docx(Path(reference_doc))
        copy_missing_styles(doc, our_reference(), DRAFT_STYLES)
        if not has_footer(doc):
            add_page_numbers(doc)  # theirs has none; a 公文 must have them
    body = doc.element.body  # the reference's samples (or a user's text) go
    for child in [c for c in body if c.tag != qn("w:sectPr")]:
        body.remove(child)
    _draw(doc, blocks, figures)
    _set_properties(doc, title or next((b.text for b in blocks if b.kind == "title"), ""))
    return doc


def write_draft(blocks: list[Block], path: str | Path, *, reference_doc: Path | None = None,
                title: str = "", force: bool = False, figures: dict | None = None) -> Path:
    """Render ``blocks`` and write them to ``path`` atomically (an existing file only with ``force``);
    ``figures`` ((place, indicator) → text, from ``figures.figure_texts``) are bookmarked."""
    return save(render(blocks, reference_doc=reference_doc, title=title, figures=figures), path, force=force)


def save(doc: Document, path: str | Path, *, force: bool = False) -> Path:
    """Write ``doc`` atomically; an existing file is replaced only with ``force``."""
    target = Path(path)
    if target.suffix.lower() != ".docx" and not target.is_dir():
        raise OutputError("输出文件名应以 .docx 结尾，Word/WPS 才能按格式打开", file=target,
                          hint=f"例如 {target.with_suffix('.docx').name}")
    try:
        with atomic_path(target, force=force) as tmp:
            doc.save(str(tmp))
    except OSError as exc:
        raise OutputError(f"写入失败（{exc.strerror or exc}）", file=target) from exc
    return target


if __name__ == "__main__":  # regenerate the shipped file: python -m caogao.docx.write
    make_reference(templates_dir() / "reference.docx", force=True)
