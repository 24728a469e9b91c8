"""``caogao corpus list`` and ``caogao corpus show`` as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from caogao.cli.app import app
from caogao.paths import corpus_dir

runner = CliRunner()
F002 = sorted(corpus_dir().glob("002_*.txt"))[0].stem
F004 = sorted(corpus_dir().glob("004_*.txt"))[0].stem


@pytest.fixture(scope="module")
def listed() -> list[dict]:
    r = runner.invoke(app, ["corpus", "list", "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_list_json_gives_one_object_per_report(listed):
    assert len(listed) == 15
    for row in listed:
        assert {"id", "title", "title_derived", "file", "year", "period", "chars", "sections"} <= set(row)
        assert row["sections"] >= 3 and row["chars"] > 1000
    lost = next(row for row in listed if row["title_derived"])
    assert lost["id"] == f"{F002}#10" and lost["title"] == "2023年上半年政府工作报告"
    assert sum(row["period"] == "上半年" for row in listed) == 11


def test_list_table_is_readable():
    r = runner.invoke(app, ["corpus", "list"])
    assert r.exit_code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert len(lines) == 1 + 15 + 1  # header, reports, summary
    assert lines[0].split()[:3] == ["编号", "期间", "年份"]
    assert any(line.startswith(f"{F002}#10 ") and "标题缺失" in line for line in lines)
    assert "共 15 篇" in lines[-1]


def test_list_reads_given_files_and_warns_about_bad_ones(tmp_path):
    good = tmp_path / "镇报告.txt"
    good.write_bytes((corpus_dir() / f"{F004}.txt").read_text(encoding="utf-8").encode("gb18030"))
    (tmp_path / "坏文件.txt").write_bytes(b"\x00\x01\x02\x03binary")
    r = runner.invoke(app, ["corpus", "list", str(tmp_path), "--json"])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert [row["id"] for row in rows] == ["镇报告#1"] and rows[0]["period"] == "全年"
    assert "坏文件.txt" in r.stderr


def test_list_fails_only_when_nothing_can_be_read(tmp_path):
    r = runner.invoke(app, ["corpus", "list", str(tmp_path / "没有这个文件.txt")])
    assert r.exit_code != 0 and r.stdout == ""
    assert "没有这个文件.txt" in r.stderr


def test_show_json_is_the_outline():
    r = runner.invoke(app, ["corpus", "show", f"{F004}#1", "--json"])
    assert r.exit_code == 0, r.output
    outline = json.loads(r.stdout)
    assert outline["title"] == "2023年XX镇政府工作报告" and outline["period"] == "全年"
    names = [p["name"] for p in outline["parts"]]
    assert names == ["开场", "回顾", "致谢", "存在问题", "计划"]
    first = outline["parts"][1]["sections"][0]
    assert first["heading"] == "社会发展稳健有力" and first["level"] == 1
    assert [c["heading"] for c in first["children"]][0] == "经济发展稳中向好"
    assert {"heading", "level", "text", "children"} <= set(first)


def test_show_prints_an_indented_outline_numbered_as_in_the_report():
    r = runner.invoke(app, ["corpus", "show", f"{F002}#10"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "2023年上半年政府工作报告（标题缺失，据内容推断）"
    assert "【回顾】：2023年上半年工作回顾" in lines
    assert "  （二）夯基础、促提升，开创乡村振兴新局面" in lines
    assert "      2.招商引资提质增效" in lines
    assert "  三、加强政府自身建设" in lines


def test_show_accepts_the_file_name_of_a_single_report_file():
    r = runner.invoke(app, ["corpus", "show", F004])
    assert r.exit_code == 0 and r.stdout.startswith("2023年XX镇政府工作报告\n")
    assert runner.invoke(app, ["corpus", "show", F002]).exit_code == 1  # eleven reports: which one?


def test_show_unknown_id_says_how_to_find_ids():
    r = runner.invoke(app, ["corpus", "show", f"{F002}#99"])
    assert r.exit_code == 1 and r.stdout == ""
    assert "caogao corpus list" in r.stderr and f"{F002}#9" in r.stderr  # a close id is suggested


def test_help_is_in_chinese():
    for args in (["corpus", "--help"], ["corpus", "list", "--help"], ["corpus", "show", "--help"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and "报告" in r.stdout
