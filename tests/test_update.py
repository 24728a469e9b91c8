"""caogao update: an edited draft's figures rewritten from new facts, the user's edits intact."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from caogao.cli.app import app

EXAMPLE = Path(__file__).parent.parent / "examples" / "青禾镇2023年上半年.yaml"


def _new_facts(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("    本期: 5230\n    上年同期: 4800\n    同比: 9.0\n", "    本期: 4700\n    上年同期: 4800\n")
    text = text.replace("    本期: 8350\n", "    本期: 7900\n")
    path = tmp_path / "新.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def draft(tmp_path) -> Path:
    out = tmp_path / "稿.docx"
    result = CliRunner().invoke(app, ["build", str(EXAMPLE), "-o", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    return out


def _edit_as_a_user(path: Path) -> None:
    """A sentence added to the 指标段, a run split, a paragraph moved, a figure retyped."""
    document = docx.Document(str(path))
    paras = document.paragraphs
    lead = next(p for p in paras if "一般公共预算收入" in p.text and "据统计" in p.text)
    lead.runs[0].text = lead.runs[0].text.replace("据统计", "据县统计局快报")  # the user's wording
    lead.add_run("经济运行总体平稳。")
    section = next(p for p in paras if "完成固定资产投资1.86亿元" in p.text)
    first = section.runs[0]
    first.text, tail = first.text[:2], first.text[2:]  # Word splits runs anywhere
    first._r.addnext(docx.text.run.Run(docx.oxml.OxmlElement("w:r"), section)._r)
    section.runs[1].text = tail
    closing = paras[-1] if paras[-1].text else paras[-2]
    closing._p.addprevious(section._p)  # the paragraph moved
    table = document.tables[0]
    row = next(r for r in table.rows if r.cells[0].text == "社会消费品零售总额")
    row.cells[2].paragraphs[0].runs[0].text = "8351"  # a figure retyped by hand
    document.save(str(path))


def test_update_rewrites_every_figure_and_keeps_the_users_edits(draft, tmp_path):
    _edit_as_a_user(draft)
    out = tmp_path / "新稿.docx"
    result = CliRunner().invoke(app, ["update", str(draft), "--facts", str(_new_facts(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "据县统计局快报" in text and "经济运行总体平稳。" in text
    assert "一般公共预算收入4700万元，同比下降2.1%，完成全年目标任务的47.0%" in text
    assert "社会消费品零售总额7900万元，与上年同期持平" in text
    assert "完成固定资产投资1.86亿元" in text  # unchanged figure, moved paragraph kept
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in docx.Document(str(out)).tables[0].rows}
    assert rows["一般公共预算收入"][2:6] == ["4700", "下降2.1%", "10000", "47.0%"]
    assert rows["社会消费品零售总额"][2] == "8351"  # edited by hand: left, and reported
    assert "8351 → 7900" in result.output and "手改未动" in result.output
    assert "一般公共预算收入" in result.output and "→" in result.output


def test_update_refuses_to_replace_the_draft_without_force(draft, tmp_path):
    before = draft.read_bytes()
    result = CliRunner().invoke(app, ["update", str(draft), "--facts", str(_new_facts(tmp_path))])
    assert result.exit_code == 2 and "--force" in result.output and draft.read_bytes() == before


def test_a_lost_bookmark_is_found_by_the_indicator_name(draft, tmp_path):
    document = docx.Document(str(draft))
    body = document.element.body
    for el in list(body.iter()):
        if el.tag.endswith("}bookmarkStart") or el.tag.endswith("}bookmarkEnd"):
            el.getparent().remove(el)
    document.save(str(draft))
    out = tmp_path / "新稿.docx"
    result = CliRunner().invoke(app, ["update", str(draft), "--facts", str(_new_facts(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "社会消费品零售总额7900万元，与上年同期持平" in text and "按名称找到" in result.output


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: the round trip through it is not tested")
@pytest.mark.parametrize("via", ["docx", "odt"])
def test_anchors_survive_a_libreoffice_round_trip(draft, tmp_path, via):
    work = tmp_path / "lo"
    work.mkdir()
    env_home = f"-env:UserInstallation=file://{tmp_path}/profile"
    source = draft
    if via == "odt":
        subprocess.run([SOFFICE, env_home, "--headless", "--convert-to", "odt", "--outdir", str(work / "odt"), str(draft)],
                       check=True, capture_output=True, timeout=180)
        source = work / "odt" / (draft.stem + ".odt")
    subprocess.run([SOFFICE, env_home, "--headless", "--convert-to", "docx", "--outdir", str(work), str(source)],
                   check=True, capture_output=True, timeout=180)
    saved = work / (draft.stem + ".docx")
    out = tmp_path / "新稿.docx"
    result = CliRunner().invoke(app, ["update", str(saved), "--facts", str(_new_facts(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "一般公共预算收入4700万元，同比下降2.1%" in text
    assert "社会消费品零售总额7900万元，与上年同期持平" in text
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in docx.Document(str(out)).tables[0].rows}
    assert rows["一般公共预算收入"][2:6] == ["4700", "下降2.1%", "10000", "47.0%"]
