"""Reading a .docx safely: the file is untrusted, so the zip directory and XML parts are
inspected before python-docx ever parses them; then the paragraphs' text, as Word shows it.

python-docx loads only when a .docx is opened."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from caogao.corpus.files import CONVERTIBLE, SAVE_AS, read_bytes, refuse_legacy
from caogao.errors import InputError

if TYPE_CHECKING:
    from docx.document import Document

# A township report is tens of KB; these limits only stop accidents and attacks.
MAX_UNPACKED_BYTES = 64 << 20
MAX_ZIP_MEMBERS = 2000
# Word's XML deflates 5–30×; zip bombs reach 1000× and more.
MAX_RATIO = 200
_RATIO_FLOOR = 1 << 20  # small members cannot hurt, whatever their ratio
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and password-protected .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Block-level wrappers whose children are paragraphs, tables or rows.
_BLOCK_CONTAINERS = {_W + t for t in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml",
                                      "ins", "moveTo", "smartTag")}
# Inside a paragraph: deleted text, moved-away text and text boxes are not its words.
_SKIP_IN_PARA = {_W + t for t in ("del", "moveFrom", "txbxContent", "pPr", "rPr",
                                  "instrText", "delText", "fldData")} | {_MC_FALLBACK}
_RUN_MARKS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _corrupt(path: Path, why: str = "文件已损坏或不是 Word 文档") -> InputError:
    return InputError(f"无法打开 .docx：{why}", file=path,
                      hint="请用 Word 或 WPS 打开后重新“另存为” .docx，或另存为 .txt（UTF-8）")


def _check_zip(data: bytes, path: Path) -> None:
    """Refuse what is not a safe .docx, judging from the zip directory first."""
    if data.startswith(_OLE_MAGIC):
        raise InputError("这是旧版 Word（.doc）文件或已加密的文档，只是扩展名为 .docx", file=path,
                         hint=f"如设有打开密码请先取消；{SAVE_AS}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise _corrupt(path, "不是有效的 .docx（ZIP）文件") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _corrupt(path, f"压缩包内文件过多（{len(members)} 个），疑为恶意构造")
        total = sum(m.file_size for m in members)
        if total > MAX_UNPACKED_BYTES:
            raise _corrupt(path, f"解压后将达 {total >> 20} MB，超过上限 {MAX_UNPACKED_BYTES >> 20} MB，疑为“压缩炸弹”")
        for member in members:
            if member.file_size > _RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise _corrupt(path, f"“{member.filename}”压缩比异常，疑为“压缩炸弹”")
            if member.flag_bits & 0x1:
                raise _corrupt(path, "文档内容已加密")
        if "[Content_Types].xml" not in archive.namelist():
            raise _corrupt(path, "压缩包里没有 Word 文档内容")
        try:
            _refuse_dtd(archive, "[Content_Types].xml", path)  # first: _xml_parts parses it
            for name in _xml_parts(archive):
                _refuse_dtd(archive, name, path)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError,
                OSError, ElementTree.ParseError):
            raise _corrupt(path) from None


def _refuse_dtd(archive: zipfile.ZipFile, name: str, path: Path) -> None:
    """Entities are never expanded: a DTD is refused before any parser sees it."""
    if _DOCTYPE.search(archive.read(name).replace(b"\x00", b"")):  # NULs out: UTF-16 → ASCII
        raise _corrupt(path, f"“{name}”含有 DOCTYPE/ENTITY 声明，Word 不会生成这种内容，为安全起见拒绝读取")


def _xml_parts(archive: zipfile.ZipFile) -> list[str]:
    """Members a .docx reader parses as XML, by declared content type; images stay
    bytes (an SVG picture may carry its own DOCTYPE). [Content_Types].xml is checked first."""
    declared = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in declared if e.tag.endswith("Default")}
    overrides = {e.get("PartName", "").lower(): e.get("ContentType", "") for e in declared if e.tag.endswith("Override")}
    parts = []
    for name in archive.namelist():
        lower = name.lower()
        kind = overrides.get("/" + lower, defaults.get(lower.rpartition(".")[2]))
        if lower.endswith(".rels") or (lower.endswith(".xml") if kind is None else
                                       "xml" in kind and not kind.startswith("image/")):
            parts.append(name)
    return parts


def checked_docx_bytes(path: Path) -> bytes:
    """A .docx file's bytes, read through the file guard and passed by the zip and XML checks:
    what every .docx input (corpus file, draft, reference document) is parsed from."""
    data = read_bytes(path)
    _check_zip(data, path)
    return data


def open_docx(path: str | Path) -> Document:
    """python-docx's Document for ``path``, after the zip and XML safety checks."""
    from caogao.corpus.legacy import converted_docx_bytes

    path = Path(path)
    if path.suffix.lower() in CONVERTIBLE:
        data = converted_docx_bytes(path)
        _check_zip(data, path)
    else:
        refuse_legacy(path)
        data = checked_docx_bytes(path)
    import docx

    try:
        # Parse the bytes already checked, not the file again: it may have changed since.
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # untrusted input: any parser failure is a user-facing error
        why = "不是 Word 文档（.docx）" if "content type" in str(exc) else "文件已损坏或不是 Word 文档"
        raise _corrupt(path, why) from None


def _paragraph_text(element, parts: list[str]) -> list[str]:
    for child in element:
        tag = child.tag
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag in _RUN_MARKS:
            parts.append(_RUN_MARKS[tag])
        elif tag == _W + "br":  # page and column breaks are layout, not line ends
            parts.append("\n" if child.get(_W + "type") in (None, "textWrapping") else "")
        elif isinstance(tag, str) and tag not in _SKIP_IN_PARA:
            _paragraph_text(child, parts)
    return parts


def _block_lines(element, lines: list[str]) -> None:
    for child in element:
        if child.tag == _W + "p":
            text = "".join(_paragraph_text(child, []))
            if text.strip():
                lines.append(text)
        elif child.tag in _BLOCK_CONTAINERS:
            _block_lines(child, lines)


def docx_text(document: Document) -> str:
    """Body and table-cell paragraphs in document order, one per line; tracked changes
    read as in Word's "final" view; empty paragraphs (spacing) are dropped."""
    lines: list[str] = []
    _block_lines(document.element.body, lines)
    return "\n".join(lines) + ("\n" if lines else "")


