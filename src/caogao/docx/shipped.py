"""Drafts written from our own reference document as text, without python-docx.

``templates/reference.docx`` was written by python-docx (``python -m
caogao.docx.write``), so its parts are already in the form python-docx would save
them. A draft differs from it in two parts only: the body of
``word/document.xml`` and the title and dates of ``docProps/core.xml``. Both are
spliced in as text here, and every other part is copied; what python-docx would
read from the styles and the page setup is read from their XML.

Anything unexpected in the reference (a user regenerated or restyled it)
makes :func:`draft_members` return None, and the draft is drawn by python-docx.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from pathlib import Path

from caogao.drafting.outline import Block
from caogao.paths import templates_dir
from caogao.docx.wordml import EMU_PER_PT, EMU_PER_TWIP, STYLE_NAMES, TABLE_STYLE, body_xml, clean, escape

DOCUMENT, STYLES, CORE = "word/document.xml", "word/styles.xml", "docProps/core.xml"
_STYLE_RE = re.compile(r'<w:style\b([^>]*)>\s*<w:name w:val="([^"]*)"/>(.*?)</w:style>', re.S)
_ATTR_RE = re.compile(r'\bw:(\w+)="([^"]*)"')
_SZ_RE = re.compile(r'<w:rPr>.*?<w:sz w:val="(\d+)"/>', re.S)
# the names python-docx gives Word's built-in styles stored in lowercase (docx.styles.BabelFish)
_INTERNAL = {"Caption": "caption", "Footer": "footer", "Header": "header",
             **{f"Heading {n}": f"heading {n}" for n in range(1, 10)}}


class _Unexpected(Exception):
    """The reference is not as python-docx wrote it."""


class _TextSheet:
    """Style ids and table geometry of a reference document, read from its XML."""

    def __init__(self, styles: str, section: str) -> None:
        self._styles: dict[str, tuple[str, str, str]] = {}   # name → type, id, contents
        defaults: dict[str, str] = {}
        for m in _STYLE_RE.finditer(styles):
            attrs = dict(_ATTR_RE.findall(m.group(1)))
            kind, sid = attrs.get("type", "paragraph"), attrs.get("styleId")
            if sid is None:
                raise _Unexpected("style without id")
            self._styles.setdefault(m.group(2), (kind, sid, m.group(3)))
            if attrs.get("default") in ("1", "true", "on"):
                defaults.setdefault(kind, sid)
        self._default_paragraph = defaults.get("paragraph")
        table = self._style(TABLE_STYLE)
        sz = _SZ_RE.search(self._style(STYLE_NAMES["table"])[2])
        page = {k: int(v) for k, v in _ATTR_RE.findall(
            "".join(re.findall(r"<w:pg(?:Sz|Mar)\b[^>]*>", section)))}
        try:  # python-docx: the size in the style's own run properties, else none (we then take 12 pt)
            em = int(int(sz.group(1)) / 2 * EMU_PER_PT) if sz else 12 * EMU_PER_PT
            room = (page["w"] - page["left"] - page["right"]) * EMU_PER_TWIP
        except KeyError as exc:
            raise _Unexpected("page size or margins missing") from exc
        self._table = (None if table[1] == defaults.get("table") else table[1], em, room)

    def _style(self, name: str) -> tuple[str, str, str]:
        try:
            return self._styles[_INTERNAL.get(name, name)]
        except KeyError as exc:
            raise _Unexpected(f"no style {name}") from exc

    def style_id(self, name: str) -> str | None:
        sid = self._style(name)[1]
        return None if sid == self._default_paragraph else sid

    def table_geometry(self) -> tuple[str | None, int, int]:
        return self._table


def _document(xml: str, sheet_styles: str, blocks: list[Block]) -> str:
    """``word/document.xml`` with ``blocks`` as its body, before the section properties."""
    start = xml.find("<w:body>")
    sect = xml.rfind("<w:sectPr")
    if start < 0 or sect < start or not xml.endswith("</w:body></w:document>"):
        raise _Unexpected("document body")
    sheet = _TextSheet(sheet_styles, xml[sect:])
    return xml[:start + len("<w:body>")] + body_xml(blocks, sheet) + xml[sect:]


def _core(xml: str, title: str, now: _dt.datetime) -> str:
    """``docProps/core.xml`` with the draft's title, revision 1 and its dates."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for pattern, value, count in (
            (r"<dc:title>[^<]*</dc:title>|<dc:title/>",
             lambda m: f"<dc:title>{escape(clean(title))}</dc:title>", 1),
            (r"<cp:revision>[^<]*</cp:revision>", lambda m: "<cp:revision>1</cp:revision>", 1),
            (r'(<dcterms:(?:created|modified) xsi:type="dcterms:W3CDTF">)[^<]*',
             lambda m: m.group(1) + stamp, 2)):
        xml, n = re.subn(pattern, value, xml)
        if n != count:
            raise _Unexpected(f"core property {pattern}")
    return xml


def draft_members(blocks: list[Block], title: str) -> list[tuple[str, bytes]] | None:
    """The parts of a draft of ``blocks`` on the shipped reference, in its order;
    None if there is no shipped reference or it is not as we wrote it."""
    path = templates_dir() / "reference.docx"
    try:
        with zipfile.ZipFile(path) as z:
            members = [(name, z.read(name)) for name in z.namelist()]
        parts = dict(members)
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
        new = {DOCUMENT: _document(parts[DOCUMENT].decode("utf-8"), parts[STYLES].decode("utf-8"), blocks),
               CORE: _core(parts[CORE].decode("utf-8"), title, now)}
    except (OSError, zipfile.BadZipFile, KeyError, UnicodeDecodeError, _Unexpected):
        return None
    return [(name, new[name].encode("utf-8") if name in new else data) for name, data in members]


def write_members(members: list[tuple[str, bytes]], path: Path) -> None:
    """Zip ``members`` into ``path`` as python-docx saves a document."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
