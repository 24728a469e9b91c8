"""`caogao init` and `caogao build` as a user meets them: files written, kept, refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from caogao.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"
runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _bank_built():
    from caogao.bank.build import open_bank

    open_bank()


def test_build_writes_the_default_draft_and_never_overwrites_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build", str(EXAMPLE), "--seed", "1"])
    assert result.exit_code == 0, result.output
    draft = tmp_path / "output" / "2023年上半年青禾镇政府工作报告.docx"
    assert draft.exists()
    assert str(draft.relative_to(tmp_path)) in result.output
    assert "待补充" in result.output or "没有待补充" in result.output
    doc = docx.Document(str(draft))
    assert doc.paragraphs[0].text == "2023年上半年青禾镇政府工作报告"

    # The user edits the draft in Word; a second build must not destroy the edits.
    edited = docx.Document(str(draft))
    edited.add_paragraph("我在 Word 里加的一段话。")
    edited.save(str(draft))
    before = draft.read_bytes()
    result = runner.invoke(app, ["build", str(EXAMPLE)])
    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output
    assert draft.read_bytes() == before

    result = runner.invoke(app, ["build", str(EXAMPLE), "--force"])
    assert result.exit_code == 0, result.output
    assert draft.read_bytes() != before
    assert [p.name for p in draft.parent.iterdir()] == [draft.name]  # no temporary file left


def test_build_reports_how_many_placeholders_remain(tmp_path):
    facts = tmp_path / "f.yaml"
    facts.write_text("单位: 青禾镇\n年份: 2023\n时段: 全年\n主要指标:\n  - 名称: 财政收入\n    单位: 万元\n", encoding="utf-8")
    out = tmp_path / "草稿.docx"
    result = runner.invoke(app, ["build", str(facts), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "还有" in result.output and "处【待补充】" in result.output
    doc = docx.Document(str(out))
    highlighted = [r for p in doc.paragraphs for r in p.runs if "待补充" in r.text]
    assert highlighted and all(r.font.highlight_color is not None for r in highlighted)


def test_build_refuses_a_folder_as_output_and_a_broken_facts_file(tmp_path):
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 1 and "文件夹" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("单位: 青禾镇\n年份: 2023\n时段: 上半年\n主要指标:\n  - 名称: 收入\n    本期: 约3.2\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(bad), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1
    assert "第 6 行" in result.output and "3.2" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.docx").exists()


def test_build_with_a_bad_template_leaves_no_file(tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "上半年.j2").write_text("@title {{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    out = tmp_path / "x.docx"
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(out), "--template", str(tpl)])
    assert result.exit_code == 1 and "模板" in result.output
    assert not out.exists()


def test_init_writes_a_skeleton_that_builds(tmp_path):
    skeleton = tmp_path / "事实.yaml"
    result = runner.invoke(app, ["init", "-o", str(skeleton), "--period", "全年"])
    assert result.exit_code == 0, result.output
    text = skeleton.read_text(encoding="utf-8")
    assert "时段: 全年" in text and "#" in text
    result = runner.invoke(app, ["init", "-o", str(skeleton)])
    assert result.exit_code == 1 and skeleton.read_text(encoding="utf-8") == text
    result = runner.invoke(app, ["build", str(skeleton), "-o", str(tmp_path / "d.docx")])
    assert result.exit_code == 0, result.output


@pytest.mark.imports
def test_drafting_from_a_built_bank_does_not_import_the_mining_stack(tmp_path):
    code = (
        "import sys\nfrom caogao.cli.app import main\nsys.argv = ['caogao', 'build', sys.argv[1], '-o', sys.argv[2]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('jieba', 'sklearn', 'numpy', 'scipy'))\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLE), str(tmp_path / "d.docx")],
                         capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout, out.stdout


def test_the_program_says_everything_and_exits_with_its_code(tmp_path):
    # the console script ends without tearing the interpreter down: nothing it printed may be lost
    def caogao(*args):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output to a pipe is buffered
        return subprocess.run([sys.executable, "-m", "caogao.cli.app", *args], capture_output=True,
                              text=True, cwd=tmp_path, timeout=120, env=env)

    done = caogao("build", str(EXAMPLE), "-o", "稿.docx", "--seed", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("草稿已写出：稿.docx\n") and done.stdout.count("\n") == 2
    assert docx.Document(str(tmp_path / "稿.docx")).paragraphs[0].text.endswith("政府工作报告")
    again = caogao("build", str(EXAMPLE), "-o", "稿.docx")
    assert again.returncode == 1 and "文件已存在" in again.stderr
    usage = caogao("build", "--bogus")
    assert usage.returncode == 2 and "用法错误" in usage.stderr
    listing = caogao("bank", "search", "生态", "--limit", "3")
    assert listing.returncode == 0 and listing.stdout.count("\n") >= 3, listing.stderr


def test_usage_mistakes_are_told_in_chinese_with_exit_2(tmp_path):
    for args, words in ((["build"], "缺少参数 事实文件"), (["build", "x.yaml", "--bogus"], "没有这个选项"),
                        (["bank", "search", "--limit", "abc"], "不是整数"), (["nosuch"], "没有这个命令")):
        out = subprocess.run([sys.executable, "-c", "from caogao.cli.app import main; main()", *args],
                             capture_output=True, text=True, cwd=tmp_path, timeout=60)
        assert out.returncode == 2, (args, out.stderr)
        assert words in out.stderr and "用法错误" in out.stderr, out.stderr
        assert "Error" not in out.stderr and "Traceback" not in out.stderr


def test_build_warns_when_the_skeletons_example_values_are_still_there(tmp_path):
    skeleton = tmp_path / "f.yaml"
    assert runner.invoke(app, ["init", "-o", str(skeleton)]).exit_code == 0
    result = runner.invoke(app, ["build", str(skeleton), "-o", str(tmp_path / "a.docx")])
    assert result.exit_code == 0 and "【示例】" in result.output
    cleaned = tmp_path / "g.yaml"
    cleaned.write_text(skeleton.read_text(encoding="utf-8").replace("【示例】", ""), encoding="utf-8")
    result = runner.invoke(app, ["build", str(cleaned), "-o", str(tmp_path / "b.docx")])
    assert result.exit_code == 0 and "【示例】" not in result.output


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed on this machine")
def test_libreoffice_converts_the_example_draft_to_pdf(tmp_path):
    draft = tmp_path / "draft.docx"
    assert runner.invoke(app, ["build", str(EXAMPLE), "-o", str(draft)]).exit_code == 0
    out = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(draft)],
                         capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "draft.pdf"
    assert out.returncode == 0 and pdf.exists(), out.stderr
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", data))
    assert data.startswith(b"%PDF") and pages >= 4, pages


def test_check_exit_codes_clean_findings_and_usage(tmp_path):
    # the example's one plan title has a shape no plan set in the bank shares: check would
    # rightly point at it, so this draft leaves the plan headings to the bank
    facts = tmp_path / "facts.yaml"
    facts.write_text("\n".join(line for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
                               if "标题: 强基础、提品质" not in line), encoding="utf-8")
    draft = tmp_path / "d.docx"
    assert runner.invoke(app, ["build", str(facts), "-o", str(draft), "--seed", "1"]).exit_code == 0
    clean = runner.invoke(app, ["check", str(draft), "--facts", str(facts)])
    assert clean.exit_code == 0, clean.output
    doc = docx.Document(str(draft))
    doc.add_paragraph("一般公共预算收入同比增长-3.2%，情况良好。")
    doc.save(str(draft))
    found = runner.invoke(app, ["check", str(draft), "--json"])
    assert found.exit_code == 1 and "sign_wording" in found.output
    bad_facts = tmp_path / "bad.yaml"
    bad_facts.write_text("单位: [\n", encoding="utf-8")
    unreadable = runner.invoke(app, ["check", str(draft), "--facts", str(bad_facts)])
    assert unreadable.exit_code == 1 and "bad.yaml" in unreadable.output and "Traceback" not in unreadable.output


def test_exit_codes_follow_one_rule(tmp_path):
    """0 done; 1 the user's files or what check found; 2 the command line itself (README, 退出码)."""
    assert runner.invoke(app, ["build", str(tmp_path / "无.yaml")]).exit_code == 1
    assert runner.invoke(app, ["check", str(tmp_path / "无.docx")]).exit_code == 1
    assert runner.invoke(app, ["check", str(tmp_path / "无.docx"), "--facts", str(tmp_path / "无.yaml")]).exit_code == 1
    assert runner.invoke(app, ["check"]).exit_code == 2
    assert runner.invoke(app, ["build", str(EXAMPLE), "--bogus"]).exit_code == 2
    assert runner.invoke(app, ["init", "--period", "季度", "-o", str(tmp_path / "f.yaml")]).exit_code == 2
    assert runner.invoke(app, ["--version"]).exit_code == 0


def test_out_of_range_option_is_told_in_chinese(tmp_path):
    out = subprocess.run([sys.executable, "-c", "from caogao.cli.app import main; main()", "bank", "search", "x", "--limit", "0"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert out.returncode == 2 and "至少应为 1" in out.stderr and "range" not in out.stderr
