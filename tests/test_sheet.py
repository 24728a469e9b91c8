"""Indicators from the 统计 sheet as offices keep it: one small .xlsx per quirk.

The fixtures are written part by part with zipfile (inline strings, no shared strings):
no spreadsheet writer is a dependency, and each fixture shows exactly what it holds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from caogao.cli.app import app
from caogao.drafting.facts import load_facts, parse_facts
from caogao.drafting.sheet import column_letter
from caogao.errors import FactsError

_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}</Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>',
}


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # (formula, cached value)
        formula, cached = value
        return f'<c r="{ref}"><f>{escape(formula)}</f><v>{cached}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def write_xlsx(path: Path, sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None) -> Path:
    """A minimal .xlsx: each sheet's rows from A1; a tuple cell is (formula, cached value)."""
    merged = merged or {}
    with zipfile.ZipFile(path, "w") as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1))
        z.writestr("[Content_Types].xml", _PARTS["[Content_Types].xml"].replace("{sheets}", overrides))
        z.writestr("_rels/.rels", _PARTS["_rels/.rels"])
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                             for i, n in enumerate(sheets, 1)) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                             f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(sheets) + 1)) + "</Relationships>")
        for i, (name, rows) in enumerate(sheets.items(), 1):
            body = "".join(
                f'<row r="{r}">' + "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row)) + "</row>"
                for r, row in enumerate(rows, 1))
            merges = merged.get(name, [])
            merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                         + "</mergeCells>") if merges else ""
            z.writestr(f"xl/worksheets/sheet{i}.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       f"<sheetData>{body}</sheetData>{merge_xml}</worksheet>")
    return path


FACTS = """单位: 青禾镇
年份: 2023
时段: 上半年
"""
PLAIN = [["指标", "单位", "本期", "上年同期", "全年目标"],
         ["一般公共预算收入", "万元", 5230, 4800, 10000],
         ["固定资产投资", "亿元", 1.86, 1.92, None]]


def _indicators(tmp_path: Path, rows, merged=None, name="统计"):
    sheet = write_xlsx(tmp_path / "指标.xlsx", {name: rows}, {name: merged or []})
    return parse_facts(FACTS, indicators=sheet).indicators


def test_plain_sheet_feeds_the_same_indicators_as_yaml(tmp_path):
    inds = _indicators(tmp_path, PLAIN)
    assert [i.name for i in inds] == ["一般公共预算收入", "固定资产投资"]
    assert inds[0].clause() == "一般公共预算收入5230万元，同比增长9.0%，完成全年目标任务的52.3%"
    assert inds[1].target is None and inds[1].unit == "亿元"


def test_header_variants_and_title_rows_above(tmp_path):
    rows = [["青禾镇2023年1-6月主要经济指标完成情况"], ["填报单位：青禾镇统计站", None, None, "2023年7月5日"], [],
            ["指标名称", "计量单位", "1-6月", "去年同期", "增幅（%）", "目标任务"],
            ["一般公共预算收入", "万元", 5230, 4800, 9.0, 10000]]
    (ind,) = _indicators(tmp_path, rows)
    assert (ind.current, ind.last, ind.yoy, ind.target) == (5230, 4800, 9.0, 10000)


@pytest.mark.parametrize("header", ["本年累计", "本期数", "1—6月", "本期"])
def test_current_column_variants(tmp_path, header):
    (ind,) = _indicators(tmp_path, [["指标", header], ["规上工业产值", 3.2]])
    assert ind.current == 3.2


def test_merged_header_cells(tmp_path):
    # 指标 and 单位 merged over two header rows; 1-6月 merged over 本期 and 同比
    rows = [["指标", "单位", "1-6月", None, "全年目标"],
            [None, None, "本期", "同比增长%", None],
            ["一般公共预算收入", "万元", 5230, 9.0, 10000]]
    (ind,) = _indicators(tmp_path, rows, merged=["A1:A2", "B1:B2", "C1:D1", "E1:E2"])
    assert (ind.name, ind.unit, ind.current, ind.yoy, ind.target) == ("一般公共预算收入", "万元", 5230, 9.0, 10000)


def test_numbers_stored_as_text(tmp_path):
    rows = [["指标", "单位", "本期", "上年同期", "同比"], ["一般公共预算收入", "万元", "5,230", " 4800 ", "9.0%"]]
    (ind,) = _indicators(tmp_path, rows)
    assert (ind.current, ind.last, ind.yoy) == (5230, 4800, 9.0)


def test_blank_and_subtotal_rows_are_skipped_and_a_note_ends_the_table(tmp_path):
    rows = [PLAIN[0], PLAIN[1], [], ["小计", "万元", 5230], [None, None, None], PLAIN[2], ["合计", None, 9999],
            ["注：本表为快报数。"], ["城镇居民人均可支配收入", "元", 1]]
    assert [i.name for i in _indicators(tmp_path, rows)] == ["一般公共预算收入", "固定资产投资"]


def test_formulas_give_their_cached_values(tmp_path):
    rows = [["指标", "单位", "本期", "上年同期", "同比"],
            ["一般公共预算收入", "万元", ("3000+2230", 5230), 4800, ("(C2/D2-1)", 0.0895833)]]
    (ind,) = _indicators(tmp_path, rows)
    assert ind.current == 5230 and ind.yoy == pytest.approx(8.95833)  # a percentage cell: 0.0896 is 8.96%


def test_the_sheet_named_统计_is_preferred(tmp_path):
    sheet = write_xlsx(tmp_path / "指标.xlsx", {"说明": [["本表说明"]], "统计": PLAIN})
    assert len(parse_facts(FACTS, indicators=sheet).indicators) == 2


def test_a_problem_names_sheet_row_and_column(tmp_path):
    rows = [["指标", "单位", "本期"], ["一般公共预算收入", "万元", "约5000"]]
    with pytest.raises(FactsError) as info:
        _indicators(tmp_path, rows)
    assert "工作表“统计”第 2 行 C 列（本期）" in str(info.value) and "约5000" in str(info.value)


def test_the_yaml_rules_apply_with_the_sheets_place(tmp_path):
    rows = [["指标", "单位", "本期", "上年同期", "同比"], ["一般公共预算收入", "万元", 5230, 4800, 20]]
    with pytest.raises(FactsError) as info:
        _indicators(tmp_path, rows)
    assert "第 2 行 E 列（同比）" in str(info.value) and "与本期、上年同期不符" in str(info.value)


@pytest.mark.parametrize("name,data", [("指标.et", b"\xd0\xcf\x11\xe0whatever"), ("指标.xlsx", b"not a zip"),
                                       ("指标.xls", b"\xd0\xcf\x11\xe0broken")])
def test_et_and_unreadable_files_ask_for_xlsx(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(FactsError) as info:
        parse_facts(FACTS, indicators=tmp_path / name)
    assert "另存为 .xlsx" in str(info.value)


def test_no_header_is_explained(tmp_path):
    with pytest.raises(FactsError, match="找不到表头"):
        _indicators(tmp_path, [["数据"], [1, 2]])


def test_the_facts_key_names_a_sheet_beside_the_facts_file_and_replaces_the_yaml_list(tmp_path):
    write_xlsx(tmp_path / "指标.xlsx", {"统计": PLAIN})
    facts_file = tmp_path / "事实.yaml"
    facts_file.write_text(FACTS + "指标表: 指标.xlsx\n主要指标:\n  - {名称: 旧指标, 单位: 万元, 本期: 1}\n"
                          "工作回顾:\n  - {类别: 项目建设, 指标: [固定资产投资]}\n", encoding="utf-8")
    facts = load_facts(facts_file)
    assert [i.name for i in facts.indicators] == ["一般公共预算收入", "固定资产投资"]
    assert facts.review[0].indicators == ["固定资产投资"]


def test_build_with_indicators_writes_them_and_fails_whole(tmp_path):
    write_xlsx(tmp_path / "指标.xlsx", {"统计": PLAIN})
    (tmp_path / "事实.yaml").write_text(FACTS, encoding="utf-8")
    out = tmp_path / "稿.docx"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "事实.yaml"), "--indicators",
                                      str(tmp_path / "指标.xlsx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from docx import Document

    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "一般公共预算收入5230万元，同比增长9.0%" in text

    bad = write_xlsx(tmp_path / "坏.xlsx", {"统计": [["指标", "本期"], ["收入", "很多"]]})
    out2 = tmp_path / "稿2.docx"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "事实.yaml"), "--indicators", str(bad), "-o", str(out2)])
    assert result.exit_code == 1 and not out2.exists()
    assert "第 2 行 B 列" in result.output
