"""The facts file: what loads, and what a user gets told when they got it wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from caogao.errors import FactsError
from caogao.drafting.facts import Facts, load_facts, parse_facts, skeleton
from caogao.paths import corpus_dir

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Line numbers in the comments are what the tests below point at.
BASE = """\
单位: 白沙镇
年份: 2023
时段: 上半年
上级: 台山市
主要指标:
  - 名称: 一般公共预算收入
    单位: 万元
    本期: 5230
    上年同期: 4800
    同比: 9.0
    全年目标: 10000
  - 名称: 新增市场主体
    单位: 户
    本期: 186
工作回顾:
  - 类别: 经济发展
    标题: 抓项目、稳经济，高质量发展迈出坚实步伐
    要点:
      - {标题: 招商引资成效明显, 内容: 上半年外出招商14次，签约项目4个。}
      - 完成3个重点项目的征地拆迁。
    指标: [一般公共预算收入]
存在问题:
  - 经济基础薄弱，产业规模不大。
工作计划:
  - 类别: 项目建设
    要点: [抓好项目落地。]
"""


def replace_line(n: int, new: str, text: str = BASE) -> str:
    lines = text.splitlines()
    lines[n - 1] = new
    return "\n".join(lines) + "\n"


def error_of(text: str) -> FactsError:
    with pytest.raises(FactsError) as info:
        parse_facts(text, file="报告.yaml")
    exc = info.value
    assert exc.file == "报告.yaml" and "报告.yaml" in str(exc)
    return exc


def test_base_parses_into_typed_facts():
    facts = parse_facts(BASE)
    assert (facts.unit, facts.year, facts.period, facts.superior) == ("白沙镇", 2023, "上半年", "台山市")
    income = facts.indicator("一般公共预算收入")
    assert income.line == 6 and income.current == 5230 and income.target == 10000
    assert income.yoy_value == 9.0                       # as written wins
    assert facts.indicator("新增市场主体").yoy_value is None
    assert facts.indicator("不存在") is None
    section = facts.review[0]
    assert section.category == "经济发展" and section.line == 16
    assert [(p.title, p.line) for p in section.points] == [("招商引资成效明显", 19), (None, 20)]
    assert section.indicators == ["一般公共预算收入"]
    assert facts.problems == ["经济基础薄弱，产业规模不大。"]
    assert facts.plans[0].category == "项目建设" and facts.plans[0].title is None
    assert (facts.review_title, facts.plan_title) == ("上半年工作回顾", "下半年工作计划")


def test_yoy_is_computed_and_rates_are_in_points():
    facts = parse_facts(BASE.replace("    同比: 9.0\n", "") + "")
    assert facts.indicator("一般公共预算收入").yoy_value == pytest.approx(8.958, abs=1e-3)
    rate = parse_facts(replace_line(14, "    本期: 2.6\n    上年同期: 2.9", BASE.replace("单位: 户", '单位: "%"')))
    ind = rate.indicator("新增市场主体")
    assert ind.is_rate and ind.yoy_value == pytest.approx(-0.3)
    assert ind.clause() == "新增市场主体2.6%，同比下降0.3个百分点"


def test_aliases_and_optional_values():
    facts = parse_facts(replace_line(16, "  - 类别: 生态") + "日期: 2023年7月20日\n报告人: 镇长 张三\n")
    assert facts.review[0].category == "生态环境"
    assert facts.date == dt.date(2023, 7, 20) and facts.speaker == "镇长 张三"
    assert parse_facts(BASE + "日期: 2023-07-20\n").date == dt.date(2023, 7, 20)


@pytest.mark.parametrize("name", ["青禾镇2023年上半年.yaml", "青禾镇2023年全年.yaml"])
def test_examples_load(name):
    facts = load_facts(EXAMPLES / name)
    assert facts.unit == "青禾镇" and facts.path == EXAMPLES / name
    assert facts.review and facts.plans and len(facts.problems) == 3
    assert "虚构示例" in (EXAMPLES / name).read_text(encoding="utf-8").splitlines()[0]


def test_half_year_example_exercises_every_wording_rule():
    facts = load_facts(EXAMPLES / "青禾镇2023年上半年.yaml")
    inds = facts.indicators
    assert 7 <= len(inds) <= 10
    clauses = [i.clause() for i in inds]
    assert any("亿元" in c and i.unit == "万元" for c, i in zip(clauses, inds))   # 万元 → 亿元
    assert any(i.unit == "亿元" for i in inds)
    assert any("个百分点" in c for c in clauses)
    assert any("同比下降" in c and "个百分点" not in c for c in clauses)
    assert any(i.last is None and i.yoy is not None for i in inds)
    assert any(i.target is None for i in inds)
    categories = [s.category for s in facts.review]
    assert 5 <= len(categories) <= 6 and len(set(categories)) == len(categories)
    assert any(s.title for s in facts.review) and sum(1 for s in facts.review if not s.title) > len(categories) / 2
    assert all(2 <= len(s.points) <= 4 for s in facts.review)
    points = [p for s in facts.review for p in s.points]
    assert any(p.title for p in points) and any(not p.title for p in points)
    assert 4 <= len(facts.plans) <= 5


def test_example_names_are_not_taken_from_the_corpus():
    corpus = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus_dir().glob("*.txt")))
    for name in ("青禾", "安平县", "周明远", "禾丰", "柳塘", "云岭村", "杏林村", "枫溪村"):
        assert name not in corpus, name


@pytest.mark.parametrize("period", ["上半年", "全年"])
def test_skeleton_parses_and_marks_examples(period):
    text = skeleton(period)
    facts = parse_facts(text, file="facts.yaml")
    assert isinstance(facts, Facts) and facts.period == period
    assert "【示例】" in text and "{{" not in text
    for key in ("单位", "年份", "时段", "上级", "会议", "日期", "报告人", "主要指标", "全年目标", "工作回顾", "存在问题", "工作计划"):
        assert f"{key}" in text
    # every top-level key carries a comment saying what it is
    for line in text.splitlines():
        if line and not line.startswith((" ", "#", "-")) and ":" in line and not line.endswith(":"):
            assert "#" in line, line


def test_gbk_bom_and_utf16_files_load(tmp_path):
    for name, data in {
        "gbk.yaml": BASE.encode("gbk"),
        "gbk-crlf.yaml": BASE.replace("\n", "\r\n").encode("gb18030"),   # Windows Notepad
        "bom.yaml": b"\xef\xbb\xbf" + BASE.encode("utf-8"),
        "utf16.yaml": BASE.encode("utf-16"),
    }.items():
        path = tmp_path / name
        path.write_bytes(data)
        facts = load_facts(path)
        assert facts.unit == "白沙镇" and facts.review[0].points[1].text == "完成3个重点项目的征地拆迁。"
        assert facts.review[0].points[1].line == 20


def test_unreadable_files(tmp_path):
    with pytest.raises(FactsError, match="找不到"):
        load_facts(tmp_path / "nope.yaml")
    (tmp_path / "draft.yaml").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(FactsError, match="Word"):
        load_facts(tmp_path / "draft.yaml")


def test_malformed_yaml_gives_line_and_column():
    exc = error_of(replace_line(3, "  时段: 上半年"))
    assert exc.line == 3 and exc.column and "YAML" in exc.message
    exc = error_of(replace_line(20, "\t  - 完成3个重点项目的征地拆迁。"))
    assert exc.line == 20 and "Tab" in exc.hint
    exc = error_of(replace_line(19, "      - {标题: 招商引资成效明显, 内容: 上半年外出招商14次"))
    assert exc.line == 19 and "成对" in exc.hint
    exc = error_of(replace_line(17, "    标题: '抓项目、稳经济"))
    assert exc.line == 17 and "引号" in exc.hint


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n"])
def test_empty_file(text):
    assert "空" in error_of(text).message


def test_mapping_and_list_confusion():
    exc = error_of("- 单位: 白沙镇\n")
    assert exc.line == 1 and "映射" in exc.message
    exc = error_of(replace_line(23, "  问题: 经济基础薄弱。"))
    assert (exc.line, exc.key) == (23, "存在问题") and "- " in exc.hint
    exc = error_of(BASE.replace("  - 名称: 新增市场主体\n    单位: 户\n    本期: 186\n", "  - [新增市场主体, 户, 186]\n"))
    assert exc.line == 12 and "映射" in exc.message


def test_full_width_colon_is_explained():
    exc = error_of("单位：白沙镇\n年份：2023\n")
    assert "英文冒号" in exc.hint


@pytest.mark.parametrize(
    ("line", "new", "key", "best"),
    [
        (2, "年分: 2023", "年分", "年份"),
        (8, "    本其: 5230", "本其", "本期"),
        (18, "    要点们:", "要点们", "要点"),
    ],
)
def test_unknown_key_names_the_closest(line, new, key, best):
    exc = error_of(replace_line(line, new))
    assert (exc.line, exc.key) == (line, key)
    assert f"“{best}”" in exc.hint


def test_unknown_category_suggests_a_type():
    exc = error_of(replace_line(16, "  - 类别: 经济发"))
    assert (exc.line, exc.key) == (16, "类别") and "“经济发展”" in exc.hint
    exc = error_of(replace_line(25, "  - 类别: 结束语"))       # a part, not a section type
    assert (exc.line, exc.key) == (25, "类别")


@pytest.mark.parametrize(("drop", "key"), [(1, "单位"), (2, "年份"), (3, "时段"), (6, "名称"), (16, "类别")])
def test_missing_required_key(drop, key):
    lines = BASE.splitlines()
    if drop in (6, 16):   # keep the list item, lose the key
        lines[drop - 1] = lines[drop].replace("    ", "  - ", 1)
        del lines[drop]
    else:
        del lines[drop - 1]
    exc = error_of("\n".join(lines) + "\n")
    assert exc.key == key and key in exc.hint


def test_number_written_as_text():
    exc = error_of(replace_line(8, "    本期: 约3.2"))
    assert (exc.line, exc.key) == (8, "本期")
    assert "请写成数字 3.2" in exc.hint and "“约”" in exc.hint and "要点" in exc.hint
    exc = error_of(replace_line(10, "    同比: 9.0%"))
    assert exc.key == "同比" and "请写成数字 9.0" in exc.hint and "不带 %" in exc.hint
    exc = error_of(replace_line(8, "    本期: 5230万元"))
    assert "请写成数字 5230" in exc.hint and "单位" in exc.hint
    exc = error_of(replace_line(8, "    本期: 5,230"))
    assert "5230" in exc.hint
    exc = error_of(replace_line(2, "年份: 2023年"))
    assert exc.key == "年份" and "2023" in exc.hint


def test_quoted_and_exponent_numbers_are_numbers():
    facts = parse_facts(replace_line(8, '    本期: "5230"'))
    assert facts.indicator("一般公共预算收入").current == 5230
    facts = parse_facts(replace_line(11, "    全年目标: 1e4"))
    assert facts.indicator("一般公共预算收入").target == 10000


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "NaN"])
def test_nan_and_inf_are_refused(value):
    exc = error_of(replace_line(9, f"    上年同期: {value}"))
    assert (exc.line, exc.key) == (9, "上年同期")


def test_negative_values():
    exc = error_of(replace_line(14, "    本期: -186"))
    assert (exc.line, exc.key) == (14, "本期") and "同比" in exc.hint     # a count cannot be negative
    exc = error_of(replace_line(11, "    全年目标: -100"))
    assert (exc.line, exc.key) == (11, "全年目标")
    exc = error_of(replace_line(14, "    本期: 186\n    同比: -120"))
    assert exc.key == "同比"
    # money can be negative (a deficit), and 同比 can fall
    facts = parse_facts(replace_line(10, "    同比: -204.2", replace_line(8, "    本期: -5000")))
    assert facts.indicator("一般公共预算收入").clause().startswith("一般公共预算收入-5000万元，同比减少")


def test_implausible_sizes():
    exc = error_of(replace_line(8, "    本期: 5230000000000"))
    assert (exc.line, exc.key) == (8, "本期") and "零" in exc.hint
    exc = error_of(replace_line(2, "年份: 1850"))
    assert (exc.line, exc.key) == (2, "年份")
    exc = error_of(replace_line(2, "年份: 2023.5"))
    assert exc.key == "年份"


def test_period_must_be_half_year_or_annual():
    exc = error_of(replace_line(3, "时段: 下半年"))
    assert (exc.line, exc.key) == (3, "时段") and "上半年" in exc.hint and "全年" in exc.hint


def test_inconsistent_yoy_names_both_values():
    exc = error_of(replace_line(10, "    同比: 12.0"))
    assert (exc.line, exc.key) == (10, "同比")
    assert "12" in exc.message and "8.96" in exc.message
    parse_facts(replace_line(10, "    同比: 9.05"))         # within 0.1 point of 8.958


def test_section_indicator_must_be_defined():
    exc = error_of(replace_line(21, "    指标: [一般预算收入]"))
    assert (exc.line, exc.key) == (21, "指标") and "“一般公共预算收入”" in exc.hint


def test_duplicate_indicator_name():
    exc = error_of(replace_line(12, "  - 名称: 一般公共预算收入"))
    assert exc.line == 12 and "第 6 行" in exc.message


def test_duplicate_keys_are_refused():
    exc = error_of(BASE + "单位: 黑沙镇\n")
    assert (exc.line, exc.key) == (27, "单位") and "第 1 行" in exc.message
    exc = error_of(replace_line(9, "    本期: 5300"))
    assert (exc.line, exc.key) == (9, "本期")


def test_control_characters_are_refused_with_their_line():
    exc = error_of(replace_line(20, '      - "完成3个重点\\a项目的征地拆迁。"'))
    assert exc.line == 20 and "U+0007" in exc.message
    exc = error_of(replace_line(23, "  - 经济基础\x0b薄弱。"))
    assert exc.line == 23 and exc.column == 9
    ok = parse_facts(replace_line(23, "  - |\n    经济基础薄弱，\n    产业\t规模不大。"))
    assert ok.problems == ["经济基础薄弱，\n产业\t规模不大。"]


def test_aliases_that_could_multiply_sections_are_refused():
    text = BASE.replace("  - 类别: 项目建设\n", "  - &plan\n    类别: 项目建设\n") + "  - *plan\n"
    exc = error_of(text)
    assert "引用" in exc.message and exc.line == 25    # the anchor: aliases carry no line


def test_point_mapping_needs_content():
    exc = error_of(replace_line(19, "      - {标题: 招商引资成效明显}"))
    assert (exc.line, exc.key) == (19, "内容")


def test_a_thousand_sections_are_all_read():
    section = "  - 类别: 民生保障\n    要点:\n      - 新增就业120人。\n      - {标题: 教育优先, 内容: 新建学校1所。}\n"
    text = BASE + section * 1000    # BASE ends inside 工作计划
    facts = parse_facts(text)
    assert len(facts.plans) == 1001
    assert facts.plans[-1].points[-1].text == "新建学校1所。"


def test_every_independent_problem_is_reported_in_one_run():
    text = "\n".join([
        "单位: 青禾镇",
        "年份: 20x3",
        "时段: 季度",
        "主要指标:",
        "  - {名称: 收入, 单位: 万元, 本期: 5}",
        "  - {名称: 收入, 单位: 万元, 本期: 6}",
        "工作回顾:",
        "  - 类别: 外星开发",
        "    要点:",
        "      - {标题: 好, 内容: 好, 颜色: 红}",
        "  - 类别: 经济发展",
        "    指标: [产值]",
    ])
    with pytest.raises(FactsError) as caught:
        parse_facts(text, file="f.yaml")
    exc = caught.value
    assert [(e.line, e.key) for e in exc.errors] == [
        (2, "年份"), (3, "时段"), (6, "名称"), (8, "类别"), (10, "颜色"), (12, "指标")]
    shown = str(exc).splitlines()
    assert shown[0] == "文件 f.yaml：事实文件有 6 处问题："
    assert shown[1].startswith("  · 第 2 行，键“年份”：")


def test_a_broken_indicator_is_not_reported_again_where_a_section_names_it():
    text = ("单位: 青禾镇\n年份: 2023\n时段: 上半年\n主要指标:\n  - {名称: 收入, 本其: 5}\n"
            "工作回顾:\n  - 类别: 经济发展\n    指标: [收入]\n")
    with pytest.raises(FactsError) as caught:
        parse_facts(text, file="f.yaml")
    assert [(e.line, e.key) for e in caught.value.errors] == [(5, "本其")]


@pytest.mark.parametrize("raw, close", [("外星开发", None), ("生态", None), ("生太环境", "生态环境"), ("经济发", "经济发展")])
def test_a_category_is_suggested_only_when_it_is_close(raw, close):
    text = f"单位: 青禾镇\n年份: 2023\n时段: 上半年\n工作回顾:\n  - 类别: {raw}\n"
    try:
        parse_facts(text, file="f.yaml")
    except FactsError as exc:
        hint = exc.errors[0].hint
    else:
        assert close is None and raw == "生态"  # an alias: no problem at all
        return
    assert "可用的类别：经济发展、项目建设" in hint
    assert (f"最接近的是“{close}”" in hint) if close else ("最接近" not in hint)
