"""Nothing lost, nothing crashes: every hard input ends in a draft or a clear Chinese message.

Each case runs the real command. A failure must exit non-zero with a message
in Chinese, print no traceback, and leave no file (or temporary file) behind.
"""

from __future__ import annotations

import io
import math
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from caogao.cli.app import app
from caogao.drafting.compose import compose
from caogao.errors import CaogaoError
from caogao.drafting.facts import parse_facts
from caogao.docx.write import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"
runner = CliRunner()
HEAD = "单位: 青禾镇\n年份: 2023\n时段: 上半年\n"


@pytest.fixture(scope="module")
def bank():
    from caogao.bank.build import open_bank

    return open_bank()


def build(facts_path: Path, out: Path, *extra: str):
    return runner.invoke(app, ["build", str(facts_path), "-o", str(out), *extra])


def assert_refused(result, out: Path, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output and "Error:" not in result.output.replace("错误：", "")
    assert "错误：" in result.output
    for w in words:
        assert w in result.output, (w, result.output)
    if out.parent.exists():
        assert not out.exists()
        assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ facts files

BAD_FACTS = {
    "malformed": (HEAD + "主要指标:\n  - 名称: 收入\n   本期: 5\n", ["第"]),
    "empty": ("", ["空"]),
    "list_not_mapping": ("- 单位: 青禾镇\n- 年份: 2023\n", []),
    "mapping_not_list": (HEAD + "存在问题:\n  问题: 太多\n", ["存在问题"]),
    "unknown_key": (HEAD + "单未: 青禾镇\n", ["单未"]),
    "unknown_category": (HEAD + "工作回顾:\n  - 类别: 生太\n    要点: [做了事]\n", ["生太", "生态环境"]),
    "nan": (HEAD + "主要指标:\n  - 名称: 收入\n    单位: 万元\n    本期: .nan\n", ["第 7 行"]),
    "inf": (HEAD + "主要指标:\n  - 名称: 收入\n    单位: 万元\n    本期: .inf\n", ["第 7 行"]),
    "negative_count": (HEAD + "主要指标:\n  - 名称: 新增企业\n    单位: 个\n    本期: -3\n", ["第 7 行"]),
    "huge": (HEAD + "主要指标:\n  - 名称: 收入\n    单位: 万元\n    本期: 1e30\n", ["第 7 行"]),
    "text_number": (HEAD + "主要指标:\n  - 名称: 收入\n    单位: 万元\n    本期: 约3.2\n", ["3.2"]),
    "control_char": (HEAD + "存在问题:\n  - \"问题\\x07很多\"\n", ["第 5 行"]),
    "inconsistent_yoy": (HEAD + "主要指标:\n  - 名称: 收入\n    单位: 万元\n    本期: 110\n    上年同期: 100\n    同比: 25\n", ["同比"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FACTS))
def test_bad_facts_file_gets_a_chinese_message_and_no_file(case, tmp_path):
    text, words = BAD_FACTS[case]
    facts = tmp_path / "facts.yaml"
    facts.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "draft.docx"
    assert_refused(build(facts, out), out, "facts.yaml", *words)


def test_gbk_and_bom_facts_files_draft_correctly(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    for name, data in (("gbk.yaml", text.encode("gbk")), ("bom.yaml", b"\xef\xbb\xbf" + text.encode("utf-8"))):
        facts = tmp_path / name
        facts.write_bytes(data)
        out = tmp_path / f"{name}.docx"
        result = build(facts, out)
        assert result.exit_code == 0, result.output
        assert docx.Document(str(out)).paragraphs[0].text == "2023年上半年青禾镇政府工作报告"


def test_a_thousand_sections_still_draft(tmp_path, bank):
    lines = [HEAD, "工作回顾:\n"]
    for i in range(1000):
        lines.append(f"  - 类别: {['经济发展', '生态环境', '民生保障', '社会治理'][i % 4]}\n    要点: [第{i}项工作]\n")
    facts_path = tmp_path / "big.yaml"
    facts_path.write_text("".join(lines), encoding="utf-8")
    facts = parse_facts(facts_path.read_text(encoding="utf-8"))
    blocks = compose(facts, bank, seed=0)
    doc = render(blocks)
    headings = [b.text for b in blocks if b.kind == "heading1"]
    assert len(headings) == 1000 + 1000  # and a skeleton plan of the same sections
    assert headings[999].startswith("一千、")
    buf = io.BytesIO()
    doc.save(buf)
    assert docx.Document(io.BytesIO(buf.getvalue()))


# ------------------------------------------------------------------------ output

def test_missing_output_folder_is_created(tmp_path):
    out = tmp_path / "a" / "b" / "draft.docx"
    result = build(EXAMPLE, out)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_unwritable_output_folder_is_refused_cleanly(tmp_path, monkeypatch):
    out = tmp_path / "locked" / "draft.docx"
    out.parent.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as root, chmod alone would not stop us
    assert_refused(build(EXAMPLE, out), out, "权限")


def test_output_below_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = blocker / "draft.docx"
    result = build(EXAMPLE, out)
    assert result.exit_code != 0 and "Traceback" not in result.output and "错误：" in result.output


# ------------------------------------------------------------ corpus and check inputs

def _bad_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    corrupt = folder / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (80 * 1024 * 1024))
    entity = folder / "entity.docx"
    d = docx.Document()
    d.add_paragraph("正文")
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(entity, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "EXPANDED">]>', 1)
            dst.writestr(item, data)
    binary = folder / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    return {"corrupt": corrupt, "bomb": bomb, "entity": entity, "binary": binary}


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    return _bad_inputs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("name", ["corrupt", "bomb", "entity"])
def test_check_refuses_broken_or_hostile_docx_with_exit_1(name, bad_inputs):
    result = runner.invoke(app, ["check", str(bad_inputs[name])])
    assert result.exit_code == 1, result.output
    assert "错误：" in result.output and bad_inputs[name].name in result.output
    assert "EXPANDED" not in result.output and "Traceback" not in result.output


def test_corpus_list_reads_what_it_can_and_warns_about_the_rest(bad_inputs, tmp_path):
    folder = bad_inputs["corrupt"].parent
    good = folder / "good.txt"
    good.write_text((ROOT / "corpus" / "000_e15550067dc943f2.txt").read_text(encoding="utf-8"), encoding="gb18030")
    result = runner.invoke(app, ["corpus", "list", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    for name in ("corrupt.docx", "bomb.docx", "entity.docx", "binary.txt"):
        assert name in result.output
    good.unlink()
    result = runner.invoke(app, ["corpus", "list", str(folder)])
    assert result.exit_code != 0 and "Traceback" not in result.output


# ------------------------------------------------------- property: never a traceback

text_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["{{ 7*7 }}", "<w:p>&amp;", "\x00\x07", "\ud7ff", "约3.2", "", " ", "一是\n二是"]),
)
number_values = st.one_of(
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["约3.2", "5,230", "", None, True, [1], {"a": 1}]),
)
indicator = st.fixed_dictionaries(
    {"名称": text_values, "单位": st.sampled_from(["万元", "亿元", "%", "个", "人", "", "元"])},
    optional={"本期": number_values, "上年同期": number_values, "同比": number_values, "全年目标": number_values},
)
point = st.one_of(text_values, st.fixed_dictionaries({"标题": text_values, "内容": text_values}))
section = st.fixed_dictionaries(
    {"类别": st.sampled_from(["经济发展", "生态", "党建", "未知类别", "", "民生保障"])},
    optional={"标题": text_values, "要点": st.lists(point, max_size=3), "指标": st.lists(text_values, max_size=2)},
)
facts_docs = st.fixed_dictionaries(
    {"单位": text_values, "年份": st.one_of(st.integers(1900, 2100), text_values), "时段": st.sampled_from(["上半年", "全年", "下半年"])},
    optional={
        "上级": text_values, "会议": text_values, "报告人": text_values,
        "主要指标": st.lists(indicator, max_size=4),
        "工作回顾": st.lists(section, max_size=3), "工作计划": st.lists(section, max_size=3),
        "存在问题": st.lists(text_values, max_size=3),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=facts_docs, seed=st.integers(0, 5))
def test_any_facts_file_drafts_or_fails_with_a_user_message(doc, seed, bank):
    try:
        text = yaml.safe_dump(doc, allow_unicode=True)
    except yaml.YAMLError:
        return
    try:
        facts = parse_facts(text, file="随机.yaml")
        blocks = compose(facts, bank, seed=seed)
        out = render(blocks)
    except CaogaoError as exc:
        assert str(exc) and "随机.yaml" in str(exc) or exc.file is None
        return
    buf = io.BytesIO()
    out.save(buf)
    reopened = docx.Document(io.BytesIO(buf.getvalue()))
    assert reopened.paragraphs[0].text
    for ind in facts.indicators:
        for v in (ind.current, ind.last, ind.target, ind.yoy):
            assert v is None or math.isfinite(v)
