"""structure: the corpus read into reports, parts and sections as a drafter reads them."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caogao.errors import InputError
from caogao.corpus.clean import clean_text
from caogao.corpus.files import read_text
from caogao.paths import corpus_dir
from caogao.corpus.report import PART_NAMES
from caogao.corpus.parse import load_corpus, parse_file

F000, F001, F002, F003, F004 = (p.stem for p in sorted(corpus_dir().glob("*.txt")))
NOISE = ("paidbegin", "paidend", "素材库", "公众号", "代笔", "文库", "【1】", "[7]", "添加客服", "目录")


@pytest.fixture(scope="module")
def loaded():
    return load_corpus()


@pytest.fixture(scope="module")
def reports(loaded):
    return {r.id: r for r in loaded[0]}


def part(report, name):
    return next(p for p in report.parts if p.name == name)


def headings(report, name):
    return [s.heading for s in part(report, name).sections]


def test_corpus_holds_fifteen_reports_eleven_half_year(loaded, reports):
    found, warnings = loaded
    assert warnings == []
    assert len(found) == 15
    periods = [r.period for r in found]
    assert periods.count("上半年") == 11 and periods.count("全年") == 4
    assert all(r.year == 2023 for r in found)
    assert [r.id for r in found if r.file.startswith(F002)] == [f"{F002}#{n}" for n in range(1, 12)]
    assert {r.id for r in found if r.period == "全年"} == {f"{F000}#1", f"{F001}#1", f"{F003}#1", f"{F004}#1"}


def test_ids_are_stable_between_loads(loaded):
    again, _ = load_corpus()
    assert [(r.id, r.title, r.chars) for r in again] == [(r.id, r.title, r.chars) for r in loaded[0]]


def test_no_report_carries_noise_title_page_or_contents(reports):
    for report in reports.values():
        for noise in NOISE:
            assert noise not in report.text, (report.id, noise)
        assert "汇编" not in report.text and "\t" not in report.text


def test_the_report_that_lost_its_title_is_found_and_titled(reports):
    lost = reports[f"{F002}#10"]
    assert lost.title_derived and lost.title == "2023年上半年政府工作报告"
    assert lost.text.startswith("一、2023年上半年工作回顾")
    assert part(lost, "回顾").heading == "2023年上半年工作回顾"
    assert [r.id for r in reports.values() if r.title_derived] == [lost.id]
    # The report before it ends where it should: with its own closing words.
    before = reports[f"{F002}#9"]
    assert before.parts[-1].name == "结束语" and "百舸争流" in before.parts[-1].text


def test_every_report_has_at_least_three_review_sections(reports):
    for report in reports.values():
        review = [p for p in report.parts if p.name == "回顾"]
        assert review and len(review[0].sections) >= 3, report.id


def test_parts_come_in_report_order_and_text_is_not_lost(reports):
    for report in reports.values():
        names = [p.name for p in report.parts]
        assert names == sorted(names, key=PART_NAMES.index), report.id
        kept = sum(len(p.heading) + len(p.text) + sum(len(s.heading) + len(s.text)
                                                       for sec in p.sections for s in sec.walk())
                   for p in report.parts)
        # Only markers (一、 一是 …) and line breaks are not kept as text.
        assert kept >= 0.95 * (report.chars - (0 if report.title_derived else len(report.title))), report.id


def test_headings_are_headings_not_paragraphs(reports):
    for report in reports.values():
        for p in report.parts:
            for section in p.sections:
                for s in section.walk():
                    assert 2 <= len(s.heading) <= 60 and "。" not in s.heading, (report.id, s.heading)
                    assert s.level == (1 if s is section else 2)


def test_004_run_on_text_is_restored_into_structure(reports):
    r = reports[f"{F004}#1"]
    assert r.title == "2023年XX镇政府工作报告" and not r.title_derived
    assert [p.name for p in r.parts] == ["开场", "回顾", "致谢", "存在问题", "计划"]
    assert headings(r, "回顾") == ["社会发展稳健有力", "城镇面貌焕然一新", "社会治理精准高效",
                                 "民生保障坚实有力", "自身建设规范有序"]
    assert [c.heading for c in part(r, "回顾").sections[0].children] == [
        "经济发展稳中向好", "项目建设持续推进", "农业基础更加稳固"]
    assert headings(r, "计划") == ["聚焦发展质效，经济提升大干快上", "聚焦美丽蝶变，乡村建设提档升级",
                                 "聚焦社会稳定，平安基础全面夯实"]
    assert part(r, "致谢").text.startswith("各位代表！过去一年取得的成绩来之不易")
    assert part(r, "存在问题").text.startswith("成绩固然可喜")
    assert "非税收入XX万元" in part(r, "回顾").sections[0].children[0].text


def test_spot_checked_headings_and_units(reports):
    haiyan = reports[f"{F002}#5"]
    assert headings(haiyan, "回顾")[:3] == ["抓项目、稳经济，高质量发展迈出坚实步伐",
                                          "优环境、美生态，城乡面貌持续焕发新颜值",
                                          "抓产业、深融合，推动乡村振兴步入快车道"]
    first = reports[f"{F002}#1"]
    units = part(first, "回顾").sections[0].children
    assert [(u.heading, u.marker, u.level) for u in units] == [
        ("环境治理有效推进", "lead", 2), ("保护机制持续完善", "lead", 2), ("生态品牌逐步建立", "lead", 2)]
    assert units[0].text.startswith("实施农林统防统治")
    assert part(first, "回顾").text.startswith("2023年上半年，镇政府在县委县政府")  # 总述 and 指标段
    assert "据统计" in part(first, "回顾").text
    assert part(first, "开场").text.startswith("各位代表，同志们：\n现在，我代表镇人民政府")
    assert part(first, "结束语").text.startswith("各位代表！千淘万漉虽辛苦")


def test_each_way_of_writing_headings_is_understood(reports):
    dashes = part(reports[f"{F002}#6"], "回顾").sections
    assert {s.marker for s in dashes} == {"——"} and dashes[0].heading == "全力抓项目、促发展，焕发文旅产业新活力"
    # Headings without a number: one-sentence paragraphs that stand alone.
    standalone = part(reports[f"{F002}#2"], "回顾").sections
    assert len(standalone) == 5 and standalone[0].heading == "今年以来，我们坚持不懈育产业、促发展，奋力打好经济翻身仗"
    # "一是…" paragraphs as first-level sections when nothing ranks higher.
    street = part(reports[f"{F002}#9"], "回顾").sections
    assert [s.heading for s in street] == ["紧扣“活力XX”抓产业", "紧扣“和美XX”强融合", "紧扣“幸福XX”优民生"]
    # Numbered parts (一、…工作回顾) with （一） sections and inline 一是… units.
    annual = reports[f"{F000}#1"]
    assert part(annual, "回顾").heading == "工作开展情况" and len(headings(annual, "回顾")) == 6
    assert [c.heading for c in part(annual, "回顾").sections[3].children][:2] == [
        "大力推进撂荒地整治，确保粮食安全", "大力弘扬岳山造林光荣传统，加大植树造林力度"]
    assert part(annual, "存在问题").heading == "存在问题"
    # "1." units, and a lone "三、" after the plan's （一）… holds its own （一）… units.
    plan = part(reports[f"{F002}#10"], "计划").sections
    assert [c.marker for c in plan[0].children] == ["1.", "2."]
    assert plan[-1].heading == "加强政府自身建设" and len(plan[-1].children) == 4


def test_a_thanks_paragraph_that_turns_to_problems_is_split(reports):
    street = reports[f"{F002}#9"]
    assert part(street, "致谢").text.endswith("表示衷心的感谢！")
    assert part(street, "存在问题").text.startswith("成绩可喜，挑战犹存")


def test_report_text_parses_back_to_the_same_outline(reports):
    for report in reports.values():
        again = parse_file(report.text, report.file)
        assert len(again) == 1
        assert {**again[0].outline(), "id": ""} == {**report.outline(), "id": ""}


def test_saved_as_gb18030_and_as_docx_the_report_reads_back_the_same(tmp_path, reports):
    docx = pytest.importorskip("docx")
    report = reports[f"{F004}#1"]
    raw = (corpus_dir() / report.file).read_text(encoding="utf-8")
    (tmp_path / "gb.txt").write_bytes(raw.encode("gb18030"))
    document = docx.Document()
    for line in raw.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "word.docx")
    for name in ("gb.txt", "word.docx"):
        assert clean_text(read_text(tmp_path / name)) == clean_text(raw)
        found, warnings = load_corpus([tmp_path / name])
        assert warnings == [] and len(found) == 1
        assert found[0].text == report.text and found[0].outline()["parts"] == report.outline()["parts"]


def test_a_plain_report_without_title_or_compilation(tmp_path):
    text = ("各位代表：\n现在，我代表镇人民政府向大会报告工作，请予审议。\n"
            "2024年上半年工作回顾\n上半年，全镇完成规上工业总产值XX亿元。\n"
            "一、抓项目、稳经济\n工业经济稳中有进。完成规上工业总产值XX亿元。\n"
            "二、优环境、美生态\n人居环境持续改善。完成改厕XX户。\n"
            "三、强保障、惠民生\n民生实事扎实推进。新建养老服务站X个。\n"
            "下半年工作计划\n一、抓招商\n一是强化项目谋划。二是优化营商环境。\n"
            "各位代表，让我们团结一心，为XX镇高质量发展作出更大贡献！")
    (report,) = parse_file(text, "mine.txt")
    assert report.id == "mine#1" and report.title_derived and report.title == "2024年上半年政府工作报告"
    assert [p.name for p in report.parts] == ["开场", "回顾", "计划", "结束语"]
    assert headings(report, "回顾") == ["抓项目、稳经济", "优环境、美生态", "强保障、惠民生"]
    assert [c.heading for c in part(report, "计划").sections[0].children] == ["强化项目谋划", "优化营商环境"]


def test_text_without_parts_is_read_whole_with_a_warning(tmp_path):
    (tmp_path / "a.txt").write_text("会议通知：请各村于周五前报送材料。", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    found, warnings = load_corpus([tmp_path])
    assert [(r.id, r.title_derived, [p.name for p in r.parts]) for r in found] == [("a#1", True, ["全文"])]
    assert "会议通知" in found[0].text
    assert any("a.txt" in w and "没有找到报告标题" in w and "整篇" in w for w in warnings)
    assert any("b.txt" in w for w in warnings)


def test_nothing_readable_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_corpus([tmp_path / "missing.txt"])


def test_whole_corpus_parses_into_its_fifteen_reports():
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus_dir().glob("*.txt"))]
    found = [r for name, text in texts for r in parse_file(text, name)]
    assert len(found) == 15
    assert sorted(r.period for r in found) == ["上半年"] * 11 + ["全年"] * 4


def test_parsing_does_not_load_a_segmenter_or_scikit_learn():
    code = ("import sys; from caogao.corpus.parse import load_corpus; load_corpus(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jieba', 'rjieba', 'sklearn', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


_PIECES = ["一、", "二、", "（一）", "一是", "二是", "1.", "2、", "——", "。", "，", "：", "\n", "\n\n", "XX",
           "上半年工作回顾", "下半年工作计划", "存在问题", "各位代表：", "让我们", "2023年上半年政府工作报告",
           "现在，我代表镇人民政府向大会报告工作", "经济运行稳中向好", "在肯定成绩的同时，我们也清醒地认识到",
           "目录\t1", "汇编", "##paidbegin##", "经济运行稳中向好，" * 200]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_text_parses_without_error(text):
    for report in parse_file(text, "x.txt"):
        assert report.period in ("上半年", "全年") and report.outline()["parts"]


def test_a_draft_with_subtitle_lines_and_a_title_broken_in_two_reads_back(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in ["2023年上半年青禾镇", "政府工作报告", "——在青禾镇第十八届人民代表大会第三次会议上",
                 "镇长 周明远", "（2023年7月18日）", "各位代表，同志们：",
                 "现在，我代表镇人民政府向大会作报告，请予审议。",
                 "上半年工作回顾", "上半年，全镇经济社会各项事业稳步推进。",
                 "一、抓项目、稳经济，高质量发展迈出坚实步伐", "经济运行稳中向好。完成地区生产总值12.6亿元。",
                 "二、优环境、美生态，城乡面貌持续焕发新颜值", "河湖治理持续深化。清理河道垃圾85吨。",
                 "三、强保障、惠民生，群众幸福感获得感更殷实", "就业社保扎实推进。新增城镇就业215人。",
                 "成绩来之不易。在此，我谨代表镇人民政府，向全镇干部群众表示衷心的感谢和崇高的敬意！",
                 "在肯定成绩的同时，我们也要清醒地认识到：一是经济总量不大；二是投资下降。",
                 "下半年工作计划", "一、致力稳进提质，夯实经济发展根基", "支持骨干企业技改扩能。"]:
        document.add_paragraph(line)
    document.save(tmp_path / "草稿.docx")
    (report,), warnings = load_corpus([tmp_path / "草稿.docx"])
    assert warnings == [] and report.id == "草稿#1"
    assert report.title == "2023年上半年青禾镇政府工作报告" and not report.title_derived
    assert (report.year, report.period) == (2023, "上半年")
    assert [p.name for p in report.parts] == ["开场", "回顾", "致谢", "存在问题", "计划"]
    assert part(report, "开场").text.startswith("各位代表，同志们：")
    assert len(headings(report, "回顾")) == 3 and part(report, "致谢").text.startswith("成绩来之不易")
