"""Every word of the command line's help and parser errors is Chinese."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from caogao.cli.app import app

runner = CliRunner()

# What may stay in Latin letters: option names, $VARIABLES, file names, and the names of
# commands, formats and phrase kinds a user types as they are.
_ALLOWED = re.compile(r"--?[\w-]+|\$\w+|[\w./{}]+\.(?:docx|yaml|sqlite|j2|txt|md|csv|json)\b|\{[^}]*\}")
_KEEP = {"caogao", "init", "build", "check", "corpus", "bank", "list", "show", "search", "sections",
         "classify", "similar", "export", "JSON", "json", "YAML", "Word", "WPS", "Excel", "docx", "heading1",
         "heading2", "item", "figure", "set_phrase", "only", "refit", "seed", "limit", "sqlite",
         "serve", "update", "xlsx", "Ctrl", "LibreOffice",
         }


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z_]{4,}\d*", _ALLOWED.sub(" ", text)) if w not in _KEEP}


def _commands(group, path=()):
    yield path
    for name, sub in getattr(group, "commands", {}).items():
        yield from _commands(sub, (*path, name))


@pytest.mark.parametrize("path", list(_commands(typer.main.get_command(app))), ids=" ".join)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_help_page_is_chinese(path, flag):
    result = runner.invoke(app, [*path, flag], prog_name="caogao")
    assert result.exit_code == 0, result.output
    assert "用法：" in result.output and "选项：" in result.output and "显示本帮助并退出" in result.output
    assert not english_words(result.output), (english_words(result.output), result.output)


@pytest.mark.parametrize("args, words", [
    (["biuld"], "您是不是要用“build”"),
    (["bank", "serch"], "没有这个命令"),
    (["build"], "缺少参数 事实文件"),
    (["build", "x.yaml", "--sed", "3"], "可用的选项：--db, --seed"),
    (["build", "a.yaml", "b.yaml"], "多余的参数：b.yaml"),
    (["bank", "search", "--sectoin", "x"], "没有这个选项：--sectoin"),
    (["bank", "search", "-n", "abc"], "不是整数"),
    (["bank", "search", "-n", "0"], "至少应为 1"),
    (["bank", "search", "-n"], "需要一个值"),
    (["bank", "export", "-f", "csv"], "缺少选项 --output"),
    (["corpus", "show"], "缺少参数 报告编号"),
    (["bank", "classify"], "缺少参数 文字"),
])
def test_usage_errors_are_chinese_and_exit_2(args, words):
    result = runner.invoke(app, args, prog_name="caogao")
    assert result.exit_code == 2, result.output
    assert words in result.output and "用法错误" in result.output, result.output
    said = result.output
    for arg in args:  # what the user typed is quoted back as typed
        said = said.replace(arg, " ")
    assert not english_words(said), (english_words(said), result.output)


def test_version_and_python_dash_m():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"caogao \d+\.\d+\.\d+\S*\n", result.output)
    out = subprocess.run([sys.executable, "-m", "caogao", "-h"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("用法：caogao "), out.stdout


@pytest.mark.parametrize("text, where", [
    ("单位: 青禾镇\n年份: 2023\n时段: 上半年\n  主要指标: x\n", "第 4 行第 7 列"),
    ("单位: [青禾镇\n年份: 2023\n", "第 1 行第 5 列"),
    ("单位: 青禾镇\n年份: \"20\\q23\"\n", "第 2 行"),
    ("单位: 青禾镇\n\t年份: 2023\n", "第 2 行"),
    ("单位: &\n", "第 1 行"),
    ("单位: 青禾镇\n---\n年份: 2023\n", "第 2 行"),
])
def test_yaml_mistakes_are_told_in_chinese_with_line_and_column(tmp_path, text, where):
    facts = tmp_path / "事实.yaml"
    facts.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["build", str(facts), "-o", str(tmp_path / "草稿.docx")])
    assert result.exit_code == 1 and "YAML 格式错误" in result.output and where in result.output, result.output
    said = result.output.replace(str(facts), " ")
    assert not english_words(said), (english_words(said), result.output)
