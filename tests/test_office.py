"""The office's own past reports join the bank, and drafting then prefers their wording."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from caogao.cli.app import app

runner = CliRunner()

OFFICE_HEADINGS = {
    "经济发展": "稳增长、强产业，经济运行稳中提质",
    "生态环境": "治污染、护生态，生态环境持续改善",
    "民生保障": "办实事、惠民生，民生保障更加有力",
}
BODY = {
    "经济发展": "全镇实现规上工业总产值稳步增长，财政收入、税收收入同比增长，企业生产经营持续向好。",
    "生态环境": "深入推进河长制，开展污染防治攻坚，农村生活污水治理和垃圾分类扎实推进，水质稳定达标。",
    "民生保障": "落实就业、教育、医疗、养老等民生政策，发放救助资金，困难群众基本生活得到保障。",
}


def office_report(path: Path, year: int) -> None:
    d = docx.Document()
    d.add_paragraph(f"{year}年上半年本镇政府工作报告")
    d.add_paragraph("各位代表：")
    d.add_paragraph("现在，我代表镇人民政府向大会报告工作，请予审议。")
    d.add_paragraph("上半年工作回顾")
    for n, (cat, heading) in zip("一二三", OFFICE_HEADINGS.items()):
        d.add_paragraph(f"{n}、{heading}")
        d.add_paragraph(BODY[cat])
    d.add_paragraph("下半年工作计划")
    d.add_paragraph("一、聚焦发展抓落实，推动经济持续向好")
    d.add_paragraph("加强经济运行监测，推动项目建设。")
    d.add_paragraph("二、聚焦民生办实事，增进群众福祉")
    d.add_paragraph("办好民生实事，兜牢民生底线。")
    d.add_paragraph("各位代表，让我们团结一心，为全镇高质量发展作出新的更大贡献！")
    d.save(str(path))


@pytest.fixture(scope="module")
def office_bank(tmp_path_factory):
    root = tmp_path_factory.mktemp("office")
    folder = root / "本单位报告"
    folder.mkdir()
    office_report(folder / "2022年上半年报告.docx", 2022)
    (folder / "说明.txt").write_bytes(b"\x00\x01\x02binary")  # a stray file must not stop the build
    db = root / "bank.sqlite"
    result = runner.invoke(app, ["bank", "build", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "说明.txt" in result.output  # warned about, not fatal
    return db


def test_office_reports_join_the_shipped_corpus(office_bank):
    result = runner.invoke(app, ["bank", "search", "护生态", "--kind", "heading1", "--json", "--db", str(office_bank)])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits and hits[0]["text"] == OFFICE_HEADINGS["生态环境"]
    # the shipped corpus is still there
    result = runner.invoke(app, ["bank", "search", "抓项目", "--kind", "heading1", "--json", "--db", str(office_bank)])
    assert json.loads(result.stdout)


def test_drafting_prefers_the_offices_own_headings(office_bank, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "单位: 青禾镇\n年份: 2023\n时段: 上半年\n上级: 安平县\n工作回顾:\n"
        + "".join(f"  - 类别: {cat}\n    要点: [做了一些工作。]\n" for cat in OFFICE_HEADINGS),
        encoding="utf-8",
    )
    for seed in (0, 1, 2):
        out = tmp_path / f"d{seed}.docx"
        result = runner.invoke(app, ["build", str(facts), "-o", str(out), "--db", str(office_bank), "--seed", str(seed)])
        assert result.exit_code == 0, result.output
        text = [p.text for p in docx.Document(str(out)).paragraphs]
        for n, heading in zip("一二三", OFFICE_HEADINGS.values()):
            assert f"{n}、{heading}" in text, (seed, [t for t in text if "、" in t[:3]])


def test_only_builds_from_the_office_reports_alone(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    office_report(folder / "a.docx", 2021)
    office_report(folder / "b.docx", 2022)
    db = tmp_path / "only.sqlite"
    result = runner.invoke(app, ["bank", "build", str(folder), "--only", "--db", str(db)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["bank", "search", "抓项目", "--json", "--db", str(db)])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
