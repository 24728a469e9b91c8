"""A user's --template is data-only and bounded: hostile ones fail with a Chinese message.

Every template that could exhaust the machine runs in a child process capped at
1 GiB of memory and a timeout, so that a regression fails the test, not the host.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caogao.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"

CHILD = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from caogao.drafting.compose import compose
from caogao.drafting.facts import load_facts
from caogao.errors import TemplateError
try:
    blocks = compose(load_facts(sys.argv[1]), None, template_dir=sys.argv[2])
except TemplateError as exc:
    print("TemplateError:", exc)
    sys.exit(1)
print("rendered", sum(len(b.text) for b in blocks))
"""


def run_template(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    folder = tmp_path / "模板"
    folder.mkdir(exist_ok=True)
    (folder / "上半年.j2").write_text(source, encoding="utf-8")
    return subprocess.run([sys.executable, "-c", CHILD, str(EXAMPLE), str(folder)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("source", [
    '@body {{ "x" * 10**10 }}',                                  # folded at compile time, once
    '@body {{ "x" * 10000000000 }}',
    '@body {{ ["x"] * 10**9 }}',
    '@body {{ 10 ** (10 ** 10) }}',
    '@body {{ 2 ** 100000000 }}',
    '@body {{ "x"|center(10000000000) }}',
    '@body {{ "%999999999d" % 1 }}',
    '@body {{ "x"|indent(999999999) }}',
    '@body {{ "ab".replace("", "x" * 900000) }}',
    '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}',
    '{% for i in range(10**12) %}{% endfor %}',
    '{% set ns = namespace(s="xx") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
    '{% set ns = namespace(s="xx") %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
    '{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}',
    '{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}',
    '{% set a = ["x" * 900000] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}{{ b|tojson }}',
    '{% for i in range(99999) %}@body {{ "x" * 999999 }}\n{% endfor %}',
])
def test_a_template_over_a_bound_fails_with_a_message_naming_it(tmp_path, source):
    result = run_template(tmp_path, source)
    assert result.returncode == 1, (result.stdout, result.stderr[-2000:])
    assert "TemplateError:" in result.stdout and "上半年.j2" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("source, words", [
    ('@body {{ facts.path.joinpath("escaped").write_text("x") }}', "不存在的值"),
    ('@body {{ facts.path.read_text() }}', "不存在的值"),
    ('@body {{ facts.__class__ }}', ""),
    ('{% include "没有这个.j2" %}', "没有这个.j2"),
    ('{% for x in %}', "语法错误"),
    ('@body {{ 1 / 0 }}', "ZeroDivisionError"),
    ('@body {{ 1e308 ** 2 }}', ""),
    ('@body {{ lipsum(10**9) }}', ""),
])
def test_a_broken_or_prying_template_is_a_template_error(tmp_path, source, words):
    result = run_template(tmp_path, source)
    assert result.returncode == 1, (result.stdout, result.stderr[-2000:])
    assert "TemplateError:" in result.stdout and words in result.stdout
    assert not (tmp_path / "escaped").exists()
    assert "Traceback" not in result.stderr


def test_the_template_sees_facts_as_plain_data(tmp_path):
    source = ('@body {{ facts.unit }} {{ facts.year }} {{ facts.path is string }} '
              '{{ facts.indicators[0].name }} {{ facts.indicators[0].yoy_value is number }}\n')
    result = run_template(tmp_path, source)
    assert result.returncode == 0, (result.stdout, result.stderr[-2000:])


def test_build_with_a_hostile_template_exits_1_in_chinese(tmp_path, monkeypatch, built_bank):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "上半年.j2").write_text('@body {{ facts.path.joinpath("x").write_text("x") }}', encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(EXAMPLE), "--template", str(folder)])
    assert result.exit_code == 1, result.output
    assert "上半年.j2" in result.output and "内部错误" not in result.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "output").exists()
