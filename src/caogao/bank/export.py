"""Exporting a phrase bank: every phrase as csv, json or a docx 素材 book."""

from __future__ import annotations

import json
import os
from pathlib import Path

from caogao.bank.query import Hit, PhraseBank
from caogao.errors import UsageError
from caogao.fsutil import atomic_path
from caogao.mining.taxonomy import KINDS

EXPORT_FORMATS = ("csv", "json", "docx")
KIND_LABELS = {"heading1": "一级标题", "heading2": "二级标题与引领句", "item": "分项表述（一是……）",
               "figure": "数据句式", "set_phrase": "固定表述"}


def check_export_format(fmt: str) -> None:
    """Refuse an unknown format before anything is opened or written."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"不支持的导出格式“{fmt}”", hint=f"可用：{'、'.join(EXPORT_FORMATS)}")


def export_bank(bank: PhraseBank, fmt: str, path: str | os.PathLike, *, force: bool = False) -> int:
    """Write every phrase of ``bank`` as csv (UTF-8 with BOM), json or a docx 素材 book; returns the count."""
    check_export_format(fmt)
    hits = bank.phrases()
    with atomic_path(path, force=force) as tmp:
        if fmt == "docx":
            _write_docx(hits, tmp, [s["section"] for s in bank.sections() if s["count"]])
        else:
            {"csv": _write_csv, "json": _write_json}[fmt](hits, tmp)
    return len(hits)


def _write_csv(hits: list[Hit], tmp: Path) -> None:
    import csv

    # utf-8-sig: Excel and WPS read a BOM-less CSV as the local code page
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "section", "kind", "score", "generic", "shape", "origin", "n_reports", "sources"])
        for h in hits:
            w.writerow([h.text, h.section, h.kind, round(h.score, 4), int(h.generic), h.shape, h.origin,
                        h.n_reports, "；".join(f"{s['report']}｜{s['heading']}" for s in h.sources)])


def _write_json(hits: list[Hit], tmp: Path) -> None:
    tmp.write_text(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1), encoding="utf-8")


def _write_docx(hits: list[Hit], tmp: Path, sections: list[str]) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = docx.Document()
    for style in (doc.styles["Normal"], doc.styles["Title"], doc.styles["Heading 1"], doc.styles["Heading 2"]):
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would override the name we set
        fonts.set(qn("w:eastAsia"), "宋体")
    bullet = doc.styles["List Bullet"].style_id
    doc.add_heading("短语库素材", level=0)
    doc.add_paragraph(f"共 {len(hits)} 条，按类别和种类分组；“通用”表述不含具体地名、数字，可直接套用。")
    for section in sections:
        doc.add_heading(section, level=1)
        for kind in KINDS:
            group = [h for h in hits if h.section == section and h.kind == kind]
            if not group:
                continue
            doc.add_heading(f"{KIND_LABELS.get(kind, kind)}（{len(group)}）", level=2)
            for h in group:
                para = doc.add_paragraph()
                para._p.style = bullet  # by id: a lookup by name scans every style, per paragraph
                para.add_run(h.text)
                src = h.sources[0]["report"] if h.sources else ""
                note = para.add_run(f"　〔{'通用' if h.generic else '专用'}；{src}"
                                    f"{'等 %d 篇' % h.n_reports if h.n_reports > 1 else ''}〕")
                note.font.size, note.font.color.rgb = Pt(9), RGBColor(0x80, 0x80, 0x80)
    doc.save(str(tmp))
