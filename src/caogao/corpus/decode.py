"""Text file bytes to ``str``: the one decoder, for reports and facts files alike.

Files come from paid material libraries, colleagues' USB sticks, Notepad and
WPS, so the encoding is detected rather than assumed: a BOM, UTF-16 without
one, UTF-8, GB18030 (GBK and GB2312 too), then charset-normalizer, which loads
only for a file that is none of these."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from caogao.errors import InputError

# UTF-32 before UTF-16: the UTF-32 LE BOM begins with UTF-16 LE's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Controls that never occur in text; \t \n \v \f \r pass, and \x1a (old DOS end-of-file mark).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def _not_text(path: Path, why: str) -> InputError:
    return InputError(f"不是文本文件（{why}）", file=path,
                      hint="请确认选对了文件；Word 文档请另存为 .docx 或 .txt（UTF-8）后再读")



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


def normalize(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # Unicode line/paragraph separators arrive from web copies; they are line ends too.
    return text.replace("\u2028", "\n").replace("\u2029", "\n").rstrip("\x1a")


# Patterns, compiled (by ``re``) when a Markdown file is first read: a draft reads none (0.4 ms).
_MD_RULE = r"^\s{0,3}(?:(?:[-*_]\s*){3,}|=+|-+)\s*$"  # rules, setext underlines
_MD_QUOTE = r"^\s{0,3}(?:>\s?)+"  # nested quotes too
_MD_HEADING = r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$"
_MD_BULLET = r"^\s*[-*+]\s+(?:\[[ xX]\]\s+)?"  # bullets, task boxes
_MD_INLINE = (
    (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2"),  # strong emphasis
    (r"!\[[^\]]*\]\([^)]*\)", ""),  # images carry no report text
    (r"\[([^\]]+)\]\([^)]*\)", r"\1"),  # links keep their words
)


def strip_markdown(text: str) -> str:
    """Markdown → the report's own words, one source line per output line.

    Numbered items (``1.``) are kept: in a report they are the text's own
    numbering. Bracketed footnote marks like ``[7]`` are left for cleaning.
    Markup-only lines become empty lines, so line numbers still match the file.
    """
    lines = []
    for line in text.split("\n"):
        if re.match(_MD_RULE, line):
            lines.append("")
            continue
        line = re.sub(_MD_QUOTE, "", line)
        heading = re.match(_MD_HEADING, line)
        if heading:
            line = heading.group(1) or ""
        line = re.sub(_MD_BULLET, "", line)
        for pattern, repl in _MD_INLINE:
            line = re.sub(pattern, repl, line)
        lines.append(line)
    return "\n".join(lines)


