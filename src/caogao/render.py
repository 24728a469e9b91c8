"""Draw an outline (list of Block) as a .docx in GB/T 9704 公文 layout.

Fonts, sizes, spacing and outline levels are defined once, as styles of a
reference document (``templates/reference.docx``, written by :func:`make_reference`);
rendering only puts text into paragraphs by style name. A user's own reference
document (like pandoc's ``--reference-doc``) therefore takes over: its styles and
page setup are used, and only the styles it lacks are copied from ours.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .errors import InputError, OutputError
from .fsutil import atomic_path
from .outline import PLACEHOLDER_RE, Block
from .paths import templates_dir

if TYPE_CHECKING:  # docx is imported where it is used, not at import time
    from docx.document import Document

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

_FANGSONG, _KAITI, _HEITI = "仿宋_GB2312", "楷体_GB2312", "黑体"
_XIAOBIAOSONG, _SONGTI, _LATIN = "方正小标宋简体", "宋体", "Times New Roman"
# 22 lines in the 225 mm type area: 225 mm / 22 = 28.95 pt.
LINE_PITCH_TWIPS = 579


@dataclass(frozen=True)
class _Spec:
    """One style as GB/T 9704 (GONGWEN.md §3) wants it."""
    east_asia: str
    size_pt: float
    align: str = "both"
    indent_chars: int = 0          # first-line indent, in characters
    line: int | None = LINE_PITCH_TWIPS   # exact line pitch; None = single
    outline: int | None = None
    keep_next: bool = False
    before_pt: float = 0
    after_pt: float = 0
    latin: str = _LATIN
    kind: str = "paragraph"


_SPECS: dict[str, _Spec] = {
    "Normal": _Spec(_FANGSONG, 16, indent_chars=2),
    "Title": _Spec(_XIAOBIAOSONG, 22, "center", line=None, after_pt=14.5),
    **{name: _Spec(_KAITI, 16, "center") for name in ("Subtitle", "Author", "Date")},
    "Salutation": _Spec(_FANGSONG, 16, "left", before_pt=28.95),
    # Parts carry no number ("上半年工作回顾") and 一、 restarts under each: centring sets
    # them above the indented 一、 headings, as printed 人代会 reports do.
    "Heading 1": _Spec(_HEITI, 16, "center", outline=0, keep_next=True, before_pt=14.5, after_pt=14.5),
    "Heading 2": _Spec(_HEITI, 16, indent_chars=2, outline=1, keep_next=True),
    "Heading 3": _Spec(_KAITI, 16, indent_chars=2, outline=2, keep_next=True),
    "Table Caption": _Spec(_HEITI, 16, "center", keep_next=True, after_pt=7),
    # a fixed 22 pt pitch gives the rows air without depending on the font
    "Table Text": _Spec(_FANGSONG, 12, "left", line=440),
    "Table Heading": _Spec(_HEITI, 12, "center", line=440),
    "Note": _Spec(_FANGSONG, 12, indent_chars=2, line=400),
    "Footer": _Spec(_SONGTI, 14, "left", line=None, latin=_SONGTI),
    "Lead": _Spec(_KAITI, 16, kind="character"),
}
_THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
# Characters XML 1.0 cannot hold; python-docx would raise on them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RUN_BREAK_RE = re.compile(r"([\t\r\n])")

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


def _w(tag: str) -> str:
    from docx.oxml.ns import qn
    return qn(f"w:{tag}")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _xml(text: str):
    """An element from WordprocessingML text written without its namespace declaration."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    return parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {nsdecls('w')}", text, count=1))


def _rpr_xml(spec: _Spec) -> str:
    half = int(round(spec.size_pt * 2))  # no bold anywhere: 黑体 is heavy enough (GB/T 9704)
    return (f'<w:rPr><w:rFonts w:ascii="{spec.latin}" w:hAnsi="{spec.latin}" '
            f'w:eastAsia="{spec.east_asia}" w:cs="{spec.latin}"/><w:b w:val="0"/><w:bCs w:val="0"/>'
            '<w:i w:val="0"/><w:iCs w:val="0"/><w:color w:val="000000"/>'
            f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')


def _ppr_xml(spec: _Spec) -> str:
    line = (f'w:line="{spec.line}" w:lineRule="exact"' if spec.line
            else 'w:line="240" w:lineRule="auto"')
    twips = int(spec.indent_chars * spec.size_pt * 20)  # fallback for readers without *Chars
    return ('<w:pPr>' + ('<w:keepNext/>' if spec.keep_next else '')
            + '<w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="{int(spec.before_pt * 20)}" w:after="{int(spec.after_pt * 20)}" {line}/>'
            f'<w:ind w:left="0" w:leftChars="0" w:right="0" w:rightChars="0" '
            f'w:firstLineChars="{spec.indent_chars * 100}" w:firstLine="{twips}"/>'
            f'<w:jc w:val="{spec.align}"/>'
            + (f'<w:outlineLvl w:val="{spec.outline}"/>' if spec.outline is not None else '')
            + '</w:pPr>')


def _define_styles(doc: Document) -> None:
    """Give every style we use its 公文 look, with no theme fonts left anywhere."""
    from docx.enum.style import WD_STYLE_TYPE
    styles = doc.styles
    for name, spec in _SPECS.items():
        try:
            style = styles[name]
        except KeyError:
            kind = WD_STYLE_TYPE.CHARACTER if spec.kind == "character" else WD_STYLE_TYPE.PARAGRAPH
            style = styles.add_style(name, kind)
            if spec.kind == "paragraph":
                style.base_style = styles["Normal"]
                style.next_paragraph_style = styles["Normal"]
            style.quick_style = True
        el = style.element
        for old in el.findall(_w("pPr")) + el.findall(_w("rPr")):
            el.remove(old)
        if spec.kind == "paragraph":
            el.append(_xml(_ppr_xml(spec)))
            el.append(_xml(_rpr_xml(spec)))
        else:  # a run style changes the face only, not the size
            el.append(_xml(re.sub(r'<w:sz w:val="\d+"/><w:szCs w:val="\d+"/>', "", _rpr_xml(spec))))
    default = styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}")
    default.replace(default[0], _xml(_rpr_xml(_SPECS["Normal"]).replace(
        "</w:rPr>", '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>')))
    for fonts in styles.element.iter(_w("rFonts")):
        for attr in _THEME_ATTRS:
            fonts.attrib.pop(_w(attr), None)
    for lang in doc.settings.element.iter(_w("themeFontLang")):
        lang.set(_w("eastAsia"), "zh-CN")


def _copy_missing_styles(doc: Document, ours: Document, names: Iterable[str]) -> None:
    """Fill the styles a user's reference lacks with ours, ids remapped by name."""
    from docx.styles import BabelFish
    theirs = doc.styles.element
    for name in names:
        if theirs.get_by_name(BabelFish.ui2internal(name)) is not None:
            continue
        el = copy.deepcopy(ours.styles[name].element)
        for ref in ("basedOn", "next", "link"):
            child = el.find(_w(ref))
            if child is None:
                continue
            target = ours.styles.element.get_by_id(child.get(_w("val")))
            match = theirs.get_by_name(target.name_val) if target is not None else None
            if ref == "link" or match is None:
                el.remove(child)
            else:
                child.set(_w("val"), match.styleId)
        if theirs.get_by_id(el.styleId) is not None:  # e.g. Chinese Word's ids "a", "1"
            el.styleId = el.styleId + "Caogao"
        theirs.append(el)


def _add_page_numbers(doc: Document) -> None:
    """`— N —` in 宋体 四号: odd pages right, even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[-1]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        for child in list(p._p):
            if child.tag != _w("pPr"):
                p._p.remove(child)
        p.style = doc.styles["Footer"]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(_w(side), "280")
        ind.set(_w(f"{side}Chars"), "100")
        p.add_run("— ")
        p._p.append(_xml('<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
        p.add_run(" —")


class _StyleIds:
    """Style ids by style name, each looked up once.

    python-docx resolves a style given by name or object by scanning every
    style of the document (and again for the default), on each paragraph and
    run: for a long draft that was most of the drafting time.
    """

    def __init__(self, doc: Document) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self._styles = doc.styles
        default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default = default.style_id if default is not None else None
        self._ids: dict[str, str | None] = {}

    def __call__(self, name: str | None) -> str | None:
        if name is None:
            return None
        if name not in self._ids:
            style = self._styles[name]
            # the default paragraph style is written as no style at all, as Word does
            self._ids[name] = None if style.style_id == self._default else style.style_id
        return self._ids[name]


def _escape(text: str) -> str:
    """Text as XML character data (``html.escape`` would import its table of every HTML entity)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _escape(value).replace('"', "&quot;")


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
            out.append(f"<w:t{space}>{_escape(piece)}</w:t>")
    return f"<w:r>{''.join(out)}</w:r>"


def _runs_xml(text: str, style_id: str | None = None) -> str:
    """``text`` as runs, each placeholder a run of its own, highlighted for the user to find."""
    text, pos, out = _clean(text), 0, []
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
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _size(text: str) -> float:
    """Width in characters: CJK 1, Latin and digits about ½."""
    return sum(1 if ord(ch) >= 0x2E80 else 0.55 for ch in _clean(text).strip())


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


class _Table:
    """What every table of a document shares: its style, the type area, the text size."""

    def __init__(self, doc: Document, style_ids: _StyleIds) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        self.style_id = doc.part.get_style_id(doc.styles[TABLE_STYLE], WD_STYLE_TYPE.TABLE)
        section = doc.sections[-1]
        self.em = doc.styles[STYLE_NAMES["table"]].font.size or Pt(12)
        self.room = section.page_width - section.left_margin - section.right_margin
        self.header, self.text = style_ids(TABLE_HEADER_STYLE), style_ids(STYLE_NAMES["table"])

    def xml(self, rows: list[list[str]]) -> str:
        """A centred table of fixed column widths whose header row repeats on every page,
        as python-docx's ``add_table`` and cell properties would write it."""
        from docx.shared import Emu

        width = max(len(r) for r in rows)
        twips = [Emu(int(chars * self.em)).twips for chars in _column_widths(rows, width, self.room / self.em)]
        # figures, units and gaps read best centred; the first column (指标 names) only when short
        centred = [all(_size(PLACEHOLDER_RE.sub("0", r[j] if j < len(r) else "")) <= (10 if j else 4)
                       for r in rows[1:]) for j in range(width)]
        style = f'<w:tblStyle w:val="{_attr(self.style_id)}"/>' if self.style_id else ""
        out = [f'<w:tbl><w:tblPr>{style}<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
               '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
               'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{t}"/>' for t in twips), "</w:tblGrid>"]
        for i, row in enumerate(rows):
            out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if i == 0 else "<w:tr>")
            for j in range(width):
                text = _runs_xml(row[j] if j < len(row) else "")
                p = _p_xml(self.text if i else self.header, text, centred=bool(i and centred[j]))
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips[j]}"/>'
                           f'<w:vAlign w:val="center"/></w:tcPr>{p}</w:tc>')
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)


def _draw(doc: Document, blocks: Iterable[Block]) -> None:
    """Add ``blocks`` at the end of the body.

    Their WordprocessingML is written as text and parsed once: python-docx adds
    a paragraph, run or cell property element by element, each a search of its
    parent's children, and that was half of the drafting time. The elements
    are the ones python-docx would write.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    style_ids, tables = _StyleIds(doc), None
    body = doc.element.body
    content = [c for c in body if c.tag != _w("sectPr")]
    last_table = bool(content) and content[-1].tag == _w("tbl")
    out, page_break = [], False
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
            tables = tables or _Table(doc, style_ids)
            out.append(tables.xml(block.rows))
            last_table = True
        else:
            runs = (_runs_xml(block.lead, style_ids(LEAD_STYLE)) if block.lead else "") + _runs_xml(block.text)
            out.append(_p_xml(style_ids(STYLE_NAMES[block.kind]), runs, page_break=page_break))
            last_table = False
        page_break = False
    if not out:
        return
    sect = body.find(_w("sectPr"))
    for element in list(parse_xml(f"<w:body {nsdecls('w')}>{''.join(out)}</w:body>")):
        if sect is not None:
            sect.addprevious(element)
        else:
            body.append(element)


def _set_properties(doc: Document, title: str) -> None:
    props, now = doc.core_properties, _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    props.title = _clean(title)
    props.author = props.last_modified_by = props.comments = props.keywords = ""
    props.revision, props.created, props.modified = 1, now, now


def _open_docx(path: Path) -> Document:
    """Open a .docx (or a .dotx template, by relabelling it as a document)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    if not path.is_file():
        raise InputError("找不到参考文档", file=path, hint="检查路径，或去掉 --reference-doc 使用内置样式")
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(path) as src:
            if b"template.main+xml" not in src.read("[Content_Types].xml"):
                return docx.Document(str(path))  # a plain .docx: no relabelling
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(b"template.main+xml", b"document.main+xml")
                dst.writestr(item, data)
        return docx.Document(buffer)
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError("参考文档不是可读的 Word .docx 文件", file=path,
                         hint="用 Word 或 WPS 打开后“另存为”.docx 格式再试") from exc


def _build_reference() -> Document:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.shared import Mm
    doc = docx.Document()
    # python-docx's template carries a thumbnail of an English sample page
    # (file browsers would show it for every draft) and a second, stale copy
    # of its styles with theme fonts (stylesWithEffects) that we do not restyle
    for rels, stale in ((doc.part.package.rels, RT.THUMBNAIL), (doc.part.rels, "stylesWithEffects")):
        for rid in [k for k, rel in rels.items() if rel.reltype.endswith(stale)]:
            rels.pop(rid)
    preview = doc.settings.element.find(_w("savePreviewPicture"))
    if preview is not None:
        doc.settings.element.remove(preview)
    _define_styles(doc)
    # python-docx's template also defines a hundred table styles (Light Shading, Medium Grid …):
    # nine tenths of styles.xml, read and written again with every draft. Word and WPS know
    # them all as built-in styles and add one to a document when it is applied.
    styles = doc.styles.element
    for style in styles.findall(_w("style")):
        if style.get(_w("type")) == "table" and style.get(_w("default")) != "1" \
                and style.name_val != TABLE_STYLE:
            styles.remove(style)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # the footer line then sits about 7 mm below the type area (GB/T 9704 7.5)
    section.gutter, section.header_distance, section.footer_distance = 0, Mm(15), Mm(22)
    _add_page_numbers(doc)
    return doc


def _our_reference() -> Document:
    shipped = templates_dir() / "reference.docx"
    return _open_docx(shipped) if shipped.is_file() else _build_reference()


def make_reference(path: str | Path, *, force: bool = False) -> Path:
    """Write the reference document: styles, page setup, page numbers, and one
    sample of each style so that someone restyling it in Word sees what is what."""
    doc = _build_reference()
    _draw(doc, SAMPLE_BLOCKS)
    _set_properties(doc, "caogao 参考样式")
    return save(doc, path, force=force)


def render(blocks: list[Block], *, reference_doc: Path | None = None, title: str = "") -> Document:
    """Draw ``blocks`` into a new document styled by the reference document."""
    if reference_doc is None:
        doc = _our_reference()
    else:
        doc = _open_docx(Path(reference_doc))
        needed = [*STYLE_NAMES.values(), TABLE_STYLE, TABLE_HEADER_STYLE, LEAD_STYLE, "Footer"]
        _copy_missing_styles(doc, _our_reference(), needed)
        if doc.sections[-1]._sectPr.find(_w("footerReference")) is None:
            _add_page_numbers(doc)  # theirs has none; a 公文 must have them
    body = doc.element.body  # the reference's samples (or a user's text) go
    for child in [c for c in body if c.tag != _w("sectPr")]:
        body.remove(child)
    _draw(doc, blocks)
    _set_properties(doc, title or next((b.text for b in blocks if b.kind == "title"), ""))
    return doc


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


if __name__ == "__main__":  # regenerate the shipped file: python -m caogao.render
    make_reference(templates_dir() / "reference.docx", force=True)
