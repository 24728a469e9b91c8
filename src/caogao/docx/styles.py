"""The reference document: GB/T 9704 styles, page setup and page numbers.

Fonts, sizes, spacing and outline levels are defined once, as styles of a
reference document (``templates/reference.docx``, written by
:func:`caogao.docx.write.make_reference`); a draft only names them. A user's own
reference document (like pandoc's ``--reference-doc``) takes over: its styles
and page setup are used, and only the styles it lacks are copied from ours.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Iterable, NamedTuple

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.styles import BabelFish

from caogao.errors import InputError
from caogao.paths import templates_dir

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
# every style a draft uses, and so every style a user's reference is given if it lacks it
DRAFT_STYLES = [*STYLE_NAMES.values(), TABLE_STYLE, TABLE_HEADER_STYLE, LEAD_STYLE, "Footer"]

_FANGSONG, _KAITI, _HEITI = "仿宋_GB2312", "楷体_GB2312", "黑体"
_XIAOBIAOSONG, _SONGTI, _LATIN = "方正小标宋简体", "宋体", "Times New Roman"
# 22 lines in the 225 mm type area: 225 mm / 22 = 28.95 pt.
LINE_PITCH_TWIPS = 579


class _Spec(NamedTuple):
    """One style as GB/T 9704 (GONGWEN.md §3) wants it.

    (A named tuple: its class is made in a fifth of the time of a frozen dataclass, which
    cost 0.7 ms of every draft, though only a missing reference document uses it.)
    """
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


def _xml(text: str):
    """An element from WordprocessingML text written without its namespace declaration."""
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
        for old in el.findall(qn("w:pPr")) + el.findall(qn("w:rPr")):
            el.remove(old)
        if spec.kind == "paragraph":
            el.append(_xml(_ppr_xml(spec)))
            el.append(_xml(_rpr_xml(spec)))
        else:  # a run style changes the face only, not the size
            el.append(_xml(re.sub(r'<w:sz w:val="\d+"/><w:szCs w:val="\d+"/>', "", _rpr_xml(spec))))
    default = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    default.replace(default[0], _xml(_rpr_xml(_SPECS["Normal"]).replace(
        "</w:rPr>", '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>')))
    for fonts in styles.element.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            fonts.attrib.pop(qn(f"w:{attr}"), None)
    for lang in doc.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")


def copy_missing_styles(doc: Document, ours: Document, names: Iterable[str]) -> None:
    """Fill the styles a user's reference lacks with ours, ids remapped by name."""
    theirs = doc.styles.element
    for name in names:
        if theirs.get_by_name(BabelFish.ui2internal(name)) is not None:
            continue
        el = copy.deepcopy(ours.styles[name].element)
        for ref in ("basedOn", "next", "link"):
            child = el.find(qn(f"w:{ref}"))
            if child is None:
                continue
            target = ours.styles.element.get_by_id(child.get(qn("w:val")))
            match = theirs.get_by_name(target.name_val) if target is not None else None
            if ref == "link" or match is None:
                el.remove(child)
            else:
                child.set(qn("w:val"), match.styleId)
        if theirs.get_by_id(el.styleId) is not None:  # e.g. Chinese Word's ids "a", "1"
            el.styleId = el.styleId + "Caogao"
        theirs.append(el)


def has_footer(doc: Document) -> bool:
    """Whether the last section has a footer of any kind (a user's reference may number its pages)."""
    return doc.sections[-1]._sectPr.find(qn("w:footerReference")) is not None


def add_page_numbers(doc: Document) -> None:
    """`— N —` in 宋体 四号: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[-1]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        for child in list(p._p):
            if child.tag != qn("w:pPr"):
                p._p.remove(child)
        p.style = doc.styles["Footer"]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn(f"w:{side}"), "280")
        ind.set(qn(f"w:{side}Chars"), "100")
        p.add_run("— ")
        # python-docx has no field: the one piece of WordprocessingML written by hand
        p._p.append(_xml('<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
        p.add_run(" —")


def open_docx(path: Path) -> Document:
    """Open a .docx (or a .dotx template, by relabelling it as a document), after the
    file guard and the zip and XML checks every .docx input goes through."""
    from caogao.corpus.docx_in import checked_docx_bytes
    from caogao.corpus.files import FileRefused

    try:
        data = checked_docx_bytes(path)
    except FileRefused as exc:
        if exc.reason == "missing":
            raise InputError("找不到参考文档", file=path, hint="检查路径，或去掉 --reference-doc 使用内置样式") from None
        raise InputError(f"参考文档无法读取：{exc.message}", file=path, hint=exc.hint) from None
    except InputError as exc:
        raise InputError(f"参考文档不是可读的 Word .docx 文件（{exc.message}）", file=path,
                         hint="用 Word 或 WPS 打开后“另存为”.docx 格式再试") from None
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            if b"template.main+xml" not in src.read("[Content_Types].xml"):
                return docx.Document(io.BytesIO(data))  # a plain .docx: no relabelling
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
                for item in src.infolist():
                    part = src.read(item)
                    if item.filename == "[Content_Types].xml":
                        part = part.replace(b"template.main+xml", b"document.main+xml")
                    dst.writestr(item, part)
        return docx.Document(buffer)
    except Exception as exc:  # untrusted input: any parser failure is a user-facing error
        raise InputError("参考文档不是可读的 Word .docx 文件", file=path,
                         hint="用 Word 或 WPS 打开后“另存为”.docx 格式再试") from exc


def build_reference() -> Document:
    """python-docx's default document restyled as a 公文: styles, A4 page, page numbers."""
    doc = docx.Document()
    # python-docx's template carries a thumbnail of an English sample page
    # (file browsers would show it for every draft) and a second, stale copy
    # of its styles with theme fonts (stylesWithEffects) that we do not restyle
    for rels, stale in ((doc.part.package.rels, RT.THUMBNAIL), (doc.part.rels, "stylesWithEffects")):
        for rid in [k for k, rel in rels.items() if rel.reltype.endswith(stale)]:
            rels.pop(rid)
    preview = doc.settings.element.find(qn("w:savePreviewPicture"))
    if preview is not None:
        doc.settings.element.remove(preview)
    _define_styles(doc)
    # python-docx's template also defines a hundred table styles (Light Shading, Medium Grid …):
    # nine tenths of styles.xml, read and written again with every draft. Word and WPS know
    # them all as built-in styles and add one to a document when it is applied.
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:default")) != "1" \
                and style.name_val != TABLE_STYLE:
            styles.remove(style)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # the footer line then sits about 7 mm below the type area (GB/T 9704 7.5)
    section.gutter, section.header_distance, section.footer_distance = 0, Mm(15), Mm(22)
    add_page_numbers(doc)
    return doc


def our_reference() -> Document:
    """The shipped reference document, or one built afresh where it is missing."""
    shipped = templates_dir() / "reference.docx"
    # our own file, not the user's: it needs none of the checks of an untrusted .docx
    return docx.Document(str(shipped)) if shipped.is_file() else build_reference()
