"""Draw an outline (list of Block) as a .docx in GB/T 9704 公文 layout.

Fonts, sizes, spacing and outline levels are defined once, as styles of a
reference document (``templates/reference.docx``, written by :func:`make_reference`);
rendering only puts text into paragraphs by style name. A user's own reference
document (like pandoc's ``--reference-doc``) therefore takes over: its styles and
page setup are used, and only the styles it lacks are copied from ours.

The body is written as WordprocessingML text (:mod:`caogao.docx.wordml`). A draft on
our own reference needs no python-docx at all (:mod:`caogao.docx.shipped`,
:func:`write_draft`); python-docx reads and writes a user's reference, and
writes ours (:func:`make_reference`).
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

from caogao.errors import InputError, OutputError
from caogao.fsutil import atomic_path
from caogao.drafting.outline import Block
from caogao.paths import templates_dir
from caogao.docx.wordml import (EMU_PER_PT, LEAD_STYLE, STYLE_NAMES, TABLE_HEADER_STYLE,
                     TABLE_STYLE, body_xml, clean)

if TYPE_CHECKING:  # docx is imported where it is used, not at import time
    from docx.document import Document

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


class _DocSheet:
    """Style ids and table geometry read by python-docx, each looked up once.

    python-docx resolves a style given by name by scanning every style of the
    document (and again for the default): once per name, not per paragraph.
    """

    def __init__(self, doc: Document) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self._doc = doc
        default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default = default.style_id if default is not None else None
        self._ids: dict[str, str | None] = {}

    def style_id(self, name: str) -> str | None:
        if name not in self._ids:
            style = self._doc.styles[name]
            self._ids[name] = None if style.style_id == self._default else style.style_id
        return self._ids[name]

    def table_geometry(self) -> tuple[str | None, int, int]:
        from docx.enum.style import WD_STYLE_TYPE

        doc, section = self._doc, self._doc.sections[-1]
        style_id = doc.part.get_style_id(doc.styles[TABLE_STYLE], WD_STYLE_TYPE.TABLE)
        em = doc.styles[STYLE_NAMES["table"]].font.size or 12 * EMU_PER_PT
        return style_id, em, section.page_width - section.left_margin - section.right_margin


def _draw(doc: Document, blocks: Iterable[Block]) -> None:
    """Add ``blocks`` at the end of the body, their XML written as text and parsed once."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    body = doc.element.body
    content = [c for c in body if c.tag != _w("sectPr")]
    xml = body_xml(blocks, _DocSheet(doc), after_table=bool(content) and content[-1].tag == _w("tbl"))
    if not xml:
        return
    sect = body.find(_w("sectPr"))
    for element in list(parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")):
        if sect is not None:
            sect.addprevious(element)
        else:
            body.append(element)


def _set_properties(doc: Document, title: str) -> None:
    props, now = doc.core_properties, _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    props.title = clean(title)
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


def write_draft(blocks: list[Block], path: str | Path, *, reference_doc: Path | None = None,
                title: str = "", force: bool = False) -> Path:
    """Render ``blocks`` and write them to ``path`` atomically (an existing file only with ``force``).

    With our own reference document this is done on its XML text, without
    python-docx (importing it is a fifth of a drafting process's time); the
    result is the same file, part for part.
    """
    title = title or next((b.text for b in blocks if b.kind == "title"), "")
    if reference_doc is None:
        from caogao.docx.shipped import draft_members, write_members

        members = draft_members(blocks, title)
        if members is not None:
            target = _docx_target(path)
            _write(target, force, lambda tmp: write_members(members, tmp))
            return target
    return save(render(blocks, reference_doc=reference_doc, title=title), path, force=force)


def _docx_target(path: str | Path) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".docx" and not target.is_dir():
        raise OutputError("输出文件名应以 .docx 结尾，Word/WPS 才能按格式打开", file=target,
                          hint=f"例如 {target.with_suffix('.docx').name}")
    return target


def _write(target: Path, force: bool, write) -> None:
    """``write(tmp)`` into a temporary file that then replaces ``target``."""
    try:
        with atomic_path(target, force=force) as tmp:
            write(tmp)
    except OSError as exc:
        raise OutputError(f"写入失败（{exc.strerror or exc}）", file=target) from exc


def save(doc: Document, path: str | Path, *, force: bool = False) -> Path:
    """Write ``doc`` atomically; an existing file is replaced only with ``force``."""
    target = _docx_target(path)
    _write(target, force, lambda tmp: doc.save(str(tmp)))
    return target


if __name__ == "__main__":  # regenerate the shipped file: python -m caogao.docx.write
    make_reference(templates_dir() / "reference.docx", force=True)
