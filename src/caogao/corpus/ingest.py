"""Reading users' input files safely: .txt/.md in any common encoding, and .docx.

Everything downstream (cleaning, structure, the phrase bank, ``check``) sees
plain ``str`` with ``"\\n"`` line ends. Files come from paid material libraries,
colleagues' USB sticks and WeChat downloads, so the encoding is detected rather
than assumed, and a .docx is treated as untrusted: the zip directory and XML
parts are inspected before python-docx ever parses them.

python-docx loads only when a .docx is read, charset-normalizer only for a file
that is neither UTF-8 nor plausible GB18030."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Iterable
from xml.etree import ElementTree

from caogao.errors import InputError

if TYPE_CHECKING:
    from docx.document import Document

SUPPORTED = (".txt", ".md", ".docx")

# A township report is tens of KB; these limits only stop accidents and attacks.
MAX_FILE_BYTES = MAX_UNPACKED_BYTES = 64 << 20
MAX_ZIP_MEMBERS = 2000
# Word's XML deflates 5–30×; zip bombs reach 1000× and more.
MAX_RATIO = 200
_RATIO_FLOOR = 1 << 20  # small members cannot hurt, whatever their ratio

_LEGACY = {".doc": "旧版 Word（.doc）", ".wps": "WPS 文字（.wps）", ".rtf": "RTF"}
_SAVE_AS = "请在 Word 或 WPS 中“另存为” .docx，或另存为纯文本 .txt（UTF-8）"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and password-protected .docx

# UTF-32 before UTF-16: the UTF-32 LE BOM begins with UTF-16 LE's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Controls that never occur in text; \t \n \v \f \r pass, and \x1a (old DOS end-of-file mark).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def _not_text(path: Path, why: str) -> InputError:
    return InputError(f"不是文本文件（{why}）", file=path,
                      hint="请确认选对了文件；Word 文档请另存为 .docx 或 .txt（UTF-8）后再读")


def _os_error(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError("文件不存在", file=path, hint="请检查路径和文件名是否写对")
    if isinstance(exc, PermissionError):
        return InputError("没有读取该文件的权限", file=path,
                          hint="请检查文件权限，或把文件复制到自己的文件夹再读")
    return InputError(f"无法读取文件（{exc.strerror or exc}）", file=path)


def _stat_regular(path: Path) -> None:
    """Raise an InputError if ``path`` is missing, a folder, not a plain file or huge."""
    try:
        info = path.stat()
    except OSError as exc:
        raise _os_error(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("这是一个文件夹，不是文件", file=path,
                         hint="请给出其中的 .txt/.md/.docx 文件，或使用可读取整个文件夹的命令")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise InputError("不是普通文件", file=path, hint="请给出 .txt/.md/.docx 文件")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(f"文件过大（上限 {MAX_FILE_BYTES >> 20} MB）", file=path,
                         hint="工作报告一般不足 1 MB；请确认选对了文件")


def _read_bytes(path: Path) -> bytes:
    _stat_regular(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        raise _os_error(path, exc) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"文件过大（上限 {MAX_FILE_BYTES >> 20} MB）", file=path)
    return data


def _looks_like_text(text: str) -> bool:
    """False when control characters betray binary data decoded by luck."""
    return len(_CONTROL.findall(text)) <= len(text) / 200


def _mostly_gb2312(text: str) -> bool:
    """GB18030 "decodes" Big5 or Latin-1 bytes too, into rare Han characters;
    real simplified-Chinese prose stays almost entirely within GB2312."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return not any(ord(ch) > 0x7F for ch in text)
    common = len("".join(han).encode("gb2312", errors="ignore")) // 2  # 2 bytes per Han
    return common >= 0.8 * len(han)


def _utf16_without_bom(data: bytes) -> str | None:
    """Without a BOM, UTF-16 shows its NULs mostly on one side of each byte pair:
    ASCII (line ends, digits) gives ``xx 00`` (LE); 一 U+4E00 and kin the other side."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd <= 4 * even and even <= 4 * odd:
        return None
    with contextlib.suppress(UnicodeDecodeError):
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
        return text if _looks_like_text(text) else None
    return None


def _few_errors(data: bytes, encoding: str, *, declared: bool = False) -> str | None:
    """Decode, tolerating a file cut mid-character or a stray byte (as U+FFFD). Unless a
    BOM declared the encoding, good non-ASCII must far outnumber bad: GBK is no near-UTF-8."""
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    if bad > 2 + len(text) / 2000 or not (declared or good >= 50 * bad):
        return None
    return text if _looks_like_text(text) else None


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file's bytes, detecting the encoding; BOM removed."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _few_errors(data[len(bom):], encoding, declared=True)
            if text is None:
                raise _not_text(path, f"内容与开头标明的 {encoding.upper()} 编码不符，或含有二进制数据")
            return text
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise _not_text(path, "含有 NUL 字节，像是二进制文件")
        return text
    # GB18030 is a superset of GBK and GB2312: one decode covers all three.
    for encoding in ("utf-8", "gb18030"):
        text = _few_errors(data, encoding)
        if text is not None and (encoding == "utf-8" or _mostly_gb2312(text)):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best)
    text = _few_errors(data, "gb18030")  # Chinese beyond GB2312, e.g. traditional characters in GBK
    if text is None:
        raise _not_text(path, "无法识别其编码")
    return text


def _normalize(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Unicode line/paragraph separators arrive from web copies; they are line ends too.
    return text.replace("\u2028", "\n").replace("\u2029", "\n").rstrip("\x1a")


_MD_RULE = re.compile(r"^\s{0,3}(?:(?:[-*_]\s*){3,}|=+|-+)\s*$")  # rules, setext underlines
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")  # nested quotes too
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?")  # bullets, task boxes
_MD_INLINE = (
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong emphasis
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images carry no report text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their words
)


def strip_markdown(text: str) -> str:
    """Markdown → the report's own words, one source line per output line.

    Numbered items (``1.``) are kept: in a report they are the text's own
    numbering. Bracketed footnote marks like ``[7]`` are left for cleaning.
    Markup-only lines become empty lines, so line numbers still match the file.
    """
    lines = []
    for line in text.split("\n"):
        if _MD_RULE.match(line):
            lines.append("")
            continue
        line = _MD_QUOTE.sub("", line)
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1) or ""
        line = _MD_BULLET.sub("", line)
        for pattern, repl in _MD_INLINE:
            line = pattern.sub(repl, line)
        lines.append(line)
    return "\n".join(lines)


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
                         hint=f"如设有打开密码请先取消；{_SAVE_AS}")
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


def _refuse_legacy(path: Path) -> None:
    legacy = _LEGACY.get(path.suffix.lower())
    if legacy:
        raise InputError(f"{legacy} 格式无法直接读取", file=path, hint=_SAVE_AS)


def open_docx(path: str | Path) -> Document:
    """python-docx's Document for ``path``, after the zip and XML safety checks."""
    path = Path(path)
    _refuse_legacy(path)
    data = _read_bytes(path)
    _check_zip(data, path)
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


def read_text(path: str | Path) -> str:
    """The text of one .txt/.md/.docx file, decoded, ``"\\n"`` line ends, no BOM."""
    path = Path(path)
    suffix = path.suffix.lower()
    _refuse_legacy(path)
    if suffix not in SUPPORTED:
        _stat_regular(path)  # a missing file or a folder is the more useful message
        kind = f"“{path.suffix}”" if path.suffix else "无扩展名"
        raise InputError(f"不支持的文件类型（{kind}）", file=path,
                         hint=f"可读取 {'、'.join(SUPPORTED)}；{_SAVE_AS}")
    if suffix == ".docx":
        text = _normalize(docx_text(open_docx(path)))
    else:
        text = _normalize(decode_bytes(_read_bytes(path), path))
        if suffix == ".md":
            text = strip_markdown(text)
    if not text.strip():
        raise InputError("文件为空", file=path, hint="请确认文件已保存、选对了文件")
    return text


def _expand_folder(folder: Path, warnings: list[str]) -> list[Path]:
    found: list[Path] = []
    # os.walk does not follow symlinked folders, so a link loop cannot trap us.
    for root, dirs, files in os.walk(folder, onerror=lambda exc: warnings.append(
            f"{exc.filename}：无法列出文件夹内容（{exc.strerror}）")):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith((".", "~$")):  # hidden files, Office lock files
                continue
            suffix = Path(name).suffix.lower()
            if suffix in SUPPORTED:
                found.append(Path(root) / name)
            elif suffix in _LEGACY:
                warnings.append(f"{Path(root) / name}：{_LEGACY[suffix]} 格式无法直接读取，已跳过（{_SAVE_AS}）")
    found.sort(key=lambda p: p.relative_to(folder).parts)
    if not found:
        warnings.append(f"{folder}：文件夹中没有 {'/'.join(SUPPORTED)} 文件")
    return found


def list_files(paths: Iterable[str | Path], warnings: list[str]) -> list[Path]:
    """Files named in ``paths`` and found in its folders (recursively, sorted by name), each once.

    A folder's hidden, lock and legacy-format files are left out with a
    warning; a missing path stays in, for ``read_text`` to name its fault."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            files.extend(_expand_folder(given, warnings))
        else:
            files.append(given)
    out: list[Path] = []
    seen: set = set()
    for file in files:
        try:  # one stat, where resolving the path costs one per folder on the way
            st = os.stat(file)
            key: object = (st.st_dev, st.st_ino)
        except OSError:
            key = os.path.abspath(file)
        if key not in seen:  # a file named both alone and inside a given folder
            seen.add(key)
            out.append(file)
    return out


def skipped(file: Path, exc: InputError) -> str:
    """The warning for a file ``read_text`` could not read."""
    hint = f"（{exc.hint}）" if exc.hint else ""
    return f"{file}：{exc.message}{hint}"


def nothing_read(warnings: list[str]) -> InputError:
    detail = "；".join(warnings[:5]) or "没有给出任何文件"
    return InputError(f"没有读到任何文件：{detail}", hint=f"请给出 {'/'.join(SUPPORTED)} 文件或包含它们的文件夹")


def read_many(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Read files and folders (recursively); what fails becomes a warning.

    Returns ``(path, text)`` pairs in the order given (a folder's files sorted by
    name) and Chinese warnings naming each file skipped and why. Raises
    InputError only when nothing at all could be read."""
    warnings: list[str] = []
    results: list[tuple[Path, str]] = []
    for file in list_files(paths, warnings):
        try:
            results.append((file, read_text(file)))
        except InputError as exc:
            warnings.append(skipped(file, exc))
    if not results:
        raise nothing_read(warnings)
    return results, warnings
