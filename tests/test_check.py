"""caogao check: what it finds in drafts a user really edited in Word, and what it leaves alone."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caogao.checking.rules import KINDS, Finding, check_document, check_paragraphs
from caogao.errors import InputError
from caogao.drafting.facts import parse_facts
from caogao.drafting.outline import Block
from caogao.paths import corpus_dir

FACTS_YAML = """\
单位: 青禾镇
年份: 2023
时段: 上半年
主要指标:
  - {名称: 地区生产总值, 单位: 亿元, 本期: 12.6, 上年同期: 11.9, 全年目标: 26}
  - {名称: 规上工业总产值, 单位: 万元, 本期: 34500, 上年同期: 31200}
  - {名称: 固定资产投资, 单位: 万元, 本期: 18600, 同比: -3.2}
  - {名称: 城镇调查失业率, 单位: "%", 本期: 2.6, 上年同期: 2.9}
"""


@pytest.fixture(scope="module")
def facts():
    return parse_facts(FACTS_YAML, file="facts.yaml")


def draft_blocks(facts, *, placeholders: bool) -> list[Block]:
    """A short but complete half-year report as caogao drafts it."""
    from caogao.drafting.figures import indicator_sentence, indicator_table

    gap = (lambda what, value: f"【待补充：{what}】" if placeholders else value)
    table = indicator_table(facts)
    return [
        Block("title", "2023年上半年青禾镇政府工作报告"),
        Block("subtitle", "——在青禾镇第十八届人民代表大会第三次会议上"),
        Block("salutation", "各位代表，同志们："),
        Block("body", "现在，我代表镇人民政府向大会报告工作，请予审议。"),
        Block("part", "上半年工作回顾"),
        Block("body", "上半年，在县委、县政府和镇党委的坚强领导下，全镇上下团结一心、真抓实干，"
                      "主要指标实现“时间过半、任务过半”。"),
        Block("body", "据统计，上半年全镇" + indicator_sentence(facts)),
        Block("heading1", "一、抓项目、稳经济，高质量发展迈出坚实步伐"),
        Block("body", f"上半年外出招商14次，签约项目{gap('签约项目数', '4')}个，协议投资5.2亿元。", lead="招商引资成效明显。"),
        Block("body", "农产品冷链物流中心完成主体工程，柳塘片区标准厂房一期投入使用。", lead="重点项目加快推进。"),
        Block("heading1", "二、优环境、美生态，城乡面貌持续焕发新颜值"),
        Block("body", "落实镇村两级河长巡河1260人次，清理柳塘河沿岸垃圾85吨，出境断面水质稳定达到Ⅲ类。",
              lead="河湖治理持续深化。"),
        Block("body", f"完成农村户厕改造{gap('户厕改造数', '156')}户，农村生活污水治理率提高到68%，森林覆盖率保持在71%以上。"),
        Block("heading1", "三、抓产业、深融合，推动乡村振兴步入快车道"),
        Block("body", "落实粮食播种面积3.25万亩，整治撂荒耕地420亩，新建高标准农田2800亩。", lead="粮食生产稳定。"),
        Block("heading1", "四、强保障、惠民生，群众幸福感获得感更殷实"),
        Block("body", "举办招聘会3场，新增城镇就业215人，城乡居民养老保险参保率98.6%。", lead="就业社保扎实推进。"),
        Block("body", "各位代表！上半年取得的成绩，是全镇干部群众团结奋斗的结果。在此，我代表镇人民政府，表示衷心的感谢！"),
        Block("body", "在肯定成绩的同时，我们也清醒地认识到，当前工作中还存在一些困难和问题：一是经济总量不大，"
                      "新的增长点还不多；二是固定资产投资同比下降，大项目储备不足；三是镇区公共服务仍有短板。"),
        Block("part", "下半年工作计划"),
        Block("body", "下半年，我们将紧紧围绕全年目标任务，重点抓好以下四方面工作："),
        Block("heading1", "一、在稳定经济发展中打造新引擎"),
        Block("body", "一是支持骨干企业技改扩产，力争新增规上工业企业2家。二是围绕农产品加工开展精准招商，力争签约亿元以上项目2个。"),
        Block("heading1", "二、在夯实乡村振兴中开创新局面"),
        Block("body", "抓好秋粮生产，落实晚稻种植1.2万亩，确保粮食产量稳定。"),
        Block("heading1", "三、在提升城镇品质中塑造新风貌"),
        Block("body", "完成镇区主街道路面改造和雨污分流工程，推进枫溪村美丽乡村示范点建设。"),
        Block("heading1", "四、在加强政府建设中展示新担当"),
        Block("body", "深入开展主题教育，持续转变作风，严格落实党风廉政建设责任制。"),
        Block("body", "各位代表，同志们！让我们凝心聚力、真抓实干，为推动青禾镇高质量发展作出新的更大贡献！"),
        Block("page_break"),
        Block("table_title", table["title"]),
        Block("table", rows=table["rows"]),
        Block("note", table["note"]),
    ]


def write_draft(blocks: list[Block], path: Path) -> Path:
    from caogao.docx.write import render

    render(blocks).save(str(path))
    return path


@pytest.fixture(scope="module")
def draft(facts, tmp_path_factory) -> Path:
    """The draft as caogao writes it, with two placeholders for the user to fill."""
    return write_draft(draft_blocks(facts, placeholders=True), tmp_path_factory.mktemp("draft") / "draft.docx")


def where(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(f.kind, f.paragraph, f.heading) for f in findings]


def number_of(doc, start: str) -> int:
    """1-based number of the one paragraph starting with ``start`` (as python-docx counts them)."""
    hits = [n for n, p in enumerate(doc.paragraphs, start=1) if p.text.startswith(start)]
    assert len(hits) == 1, (start, hits)
    return hits[0]


def para(doc, start: str):
    return doc.paragraphs[number_of(doc, start) - 1]


def retype(p, *pieces: str) -> None:
    """Replace a paragraph's text by runs split where Word would split them (mid-word too)."""
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    for piece in pieces:
        p.add_run(piece)


def insert_after(p, text: str, style: str = "Normal"):
    new = copy.deepcopy(p._p)
    p._p.addnext(new)
    from docx.text.paragraph import Paragraph

    q = Paragraph(new, p._parent)
    q.style = p.part.document.styles[style]
    retype(q, text)
    return q


# ------------------------------------------------------------- whole drafts

def test_fresh_draft_reports_only_its_placeholders(draft, facts):
    findings = check_document(draft, facts=facts)
    assert [(f.kind, f.heading) for f in findings] == [
        ("placeholder", "一、抓项目、稳经济，高质量发展迈出坚实步伐"),
        ("placeholder", "二、优环境、美生态，城乡面貌持续焕发新颜值"),
    ]
    assert "【待补充：签约项目数】" in findings[0].message


def test_clean_draft_has_no_findings(facts, tmp_path):
    path = write_draft(draft_blocks(facts, placeholders=False), tmp_path / "clean.docx")
    assert check_document(path, facts=facts) == []
    assert check_document(path) == []


def test_draft_edited_in_word(draft, facts, tmp_path):
    import docx

    doc = docx.Document(str(draft))
    # Filled one placeholder, left the other.
    p = para(doc, "招商引资成效明显")
    retype(p, p.text.replace("【待补充：签约项目数】", "4"))
    # Changed 本期 in the 指标段 only; Word split the name across two runs.
    p = para(doc, "据统计")
    text = p.text.replace("地区生产总值12.6亿元", "地区生产总值12.9亿元")
    cut = text.index("生产总值") + 2
    retype(p, text[:cut], text[cut:])
    # Deleted the closing quote of “时间过半、任务过半”.
    p = para(doc, "上半年，在县委")
    retype(p, p.text.replace("任务过半”", "任务过半"))
    # Moved section 二 after section 三, renumbering both headings correctly.
    two, three = para(doc, "二、优环境"), para(doc, "三、抓产业")
    moved = [two._p, two._p.getnext(), two._p.getnext().getnext()]
    anchor = three._p.getnext()
    for el in reversed(moved):
        anchor.addnext(el)
    retype(two, two.text.replace("二、", "三、"))
    retype(three, three.text.replace("三、", "二、"))
    # Rewrote a heading in another shape; pasted a paragraph from elsewhere.
    p = para(doc, "四、强保障")
    retype(p, "四、民生保障持续改善")
    insert_after(para(doc, "就业社保扎实推进"),
                 "落实粮食播种面积3.25万亩，整治撂荒耕地420亩，新建高标准农田2800亩。"
                 "城镇调查失业率同比下降0.3%,社会大局稳定。")
    # Plan part: deleted section 二, added a section typed in the Normal style.
    gone = para(doc, "二、在夯实")
    for el in [gone._p.getnext(), gone._p]:
        el.getparent().remove(el)
    h5 = insert_after(para(doc, "深入开展主题教育"), "五、在深化基层治理中取得新成效")
    insert_after(h5, "一是排查化解矛盾纠纷；三是开展安全生产检查。")
    # The appendix table: 本期 of 规上工业总产值 changed to 3.54 (亿元).
    cell = doc.tables[0].rows[2].cells[2]
    retype(cell.paragraphs[0], "3.54")
    out = tmp_path / "edited.docx"
    doc.save(str(out))

    doc = docx.Document(str(out))
    findings = check_document(out, facts=facts)
    moved_heading = "三、优环境、美生态，城乡面貌持续焕发新颜值"
    expected = [
        ("brackets", number_of(doc, "上半年，在县委"), "上半年工作回顾"),
        ("figure_mismatch", number_of(doc, "据统计"), "上半年工作回顾"),
        ("placeholder", number_of(doc, "完成农村户厕改造"), moved_heading),
        ("heading_shape", number_of(doc, "四、民生保障"), "四、民生保障持续改善"),
        ("duplicate", number_of(doc, "落实粮食播种面积3.25万亩，整治撂荒耕地420亩，新建高标准农田2800亩。城镇"),
         "四、民生保障持续改善"),
        ("rate_unit", pasted_n := number_of(doc, "落实粮食播种面积3.25万亩，整治撂荒耕地420亩，新建高标准农田2800亩。城镇"),
         "四、民生保障持续改善"),
        ("punctuation", pasted_n, "四、民生保障持续改善"),
        ("numbering", number_of(doc, "三、在提升"), "三、在提升城镇品质中塑造新风貌"),
        ("numbering", number_of(doc, "一是排查"), "五、在深化基层治理中取得新成效"),
        ("figure_mismatch", number_of(doc, "附表"), "附表：主要经济指标完成情况表"),
    ]
    assert sorted(where(findings)) == sorted(expected)
    assert [f.paragraph for f in findings] == sorted(f.paragraph for f in findings)
    by_kind = {f.kind + str(f.paragraph): f for f in findings}
    mismatch = by_kind[f"figure_mismatch{number_of(doc, '据统计')}"]
    assert "12.9亿元" in mismatch.message and "12.6亿元" in mismatch.suggestion
    assert "3.54" in by_kind[f"figure_mismatch{number_of(doc, '附表')}"].message
    gap = by_kind[f"numbering{number_of(doc, '三、在提升')}"]
    assert "缺少“二、”" in gap.message and "改为“二、”" in gap.suggestion
    assert "三是" in by_kind[f"numbering{number_of(doc, '一是排查')}"].message
    dup = by_kind[f"duplicate{pasted_n}"]
    assert f"第{number_of(doc, '粮食生产稳定')}段" in dup.message
    assert "0.3个百分点" in by_kind[f"rate_unit{pasted_n}"].suggestion


def test_tracked_changes_count_what_the_reader_sees(facts, tmp_path):
    """Deleted text under track changes is not read; inserted text is."""
    import docx
    from docx.oxml import parse_xml

    doc = docx.Document()
    p = doc.add_paragraph("上半年完成地区生产总值")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p._p.append(parse_xml(f'<w:del {ns} w:id="1" w:author="u"><w:r><w:delText>12.6</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {ns} w:id="2" w:author="u"><w:r><w:t>13.1</w:t></w:r></w:ins>'))
    p.add_run("亿元，同比增长5.9%。")
    doc.add_paragraph("同比增长-3.2%").paragraph_format  # a second paragraph
    path = tmp_path / "tracked.docx"
    doc.save(str(path))
    findings = check_document(path, facts=facts)
    assert where(findings) == [("figure_mismatch", 1, ""), ("sign_wording", 2, "")]
    assert "13.1亿元" in findings[0].message


def test_outline_level_makes_a_heading(tmp_path):
    import docx
    from docx.oxml import parse_xml

    doc = docx.Document()
    doc.add_paragraph("招商引资")._p.get_or_add_pPr().append(parse_xml(
        '<w:outlineLvl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="2"/>'))
    doc.add_paragraph("签约项目【待补充：签约项目数】个。")
    path = tmp_path / "outline.docx"
    doc.save(str(path))
    assert where(check_document(path)) == [("placeholder", 2, "招商引资")]


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken", None])
def test_corrupt_docx_is_an_input_error(tmp_path, draft, content):
    path = tmp_path / "bad.docx"
    if content is None:     # a real draft cut short, as by a failed download
        content = draft.read_bytes()[:2000]
    path.write_bytes(content)
    with pytest.raises(InputError):
        check_document(path)


def test_zip_without_word_content_is_an_input_error(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError):
        check_document(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        check_document(tmp_path / "nowhere.docx")


# --------------------------------------------------- real text, no findings

def corpus_report() -> list[tuple[str, str]]:
    """The 海宴镇 half-year review from corpus/002, noise and half-width punctuation cleaned."""
    lines = [ln.strip() for ln in (corpus_dir() / "002_f19b0171774e664a.txt").read_text("utf-8").splitlines()]
    start = lines.index("上半年政府工作回顾")
    end = lines.index("下半年工作安排", start)
    out = [("Title", "2023年上半年政府工作报告")]
    for line in filter(None, lines[start:end]):
        line = re.sub(r"\[\d+\]|##paid(?:begin|end)##", "", line)
        line = line.translate(str.maketrans(",;:?!()", "，；：？！（）"))
        style = "Heading 1" if line == "上半年政府工作回顾" else "Heading 2" if re.match("[一二三四五六]、", line) else "Normal"
        out.append((style, line))
    return out


def test_real_report_text_raises_only_its_mutilated_formulations():
    # The material library cut 习近平 out of this report: that, and nothing else, is reported.
    paragraphs = corpus_report()
    assert len(paragraphs) > 20
    for found in (check_paragraphs(paragraphs), check_paragraphs([("Normal", t) for _, t in paragraphs[1:]])):
        assert found and {f.kind for f in found} == {"formulation"}
        assert all("习近平" in f.suggestion for f in found)


def test_real_enumerations_raise_nothing():
    lines = (corpus_dir() / "000_e15550067dc943f2.txt").read_text("utf-8").splitlines()
    start, end = lines.index("一、工作开展情况"), lines.index("二、存在问题")
    paragraphs = [("Normal", re.sub("##paid(?:begin|end)##", "", ln)) for ln in lines[start:end]]
    assert sum("一是" in t for _, t in paragraphs) >= 3
    assert check_paragraphs(paragraphs) == []


# ----------------------------------------------------------- one kind each

def kinds(paragraphs, **kw) -> list[tuple[str, int]]:
    return [(f.kind, f.paragraph) for f in check_paragraphs(paragraphs, **kw)]


def body(*texts: str) -> list[tuple[str, str]]:
    return [("Normal", t) for t in texts]


@pytest.mark.parametrize("text, right", [
    ("固定资产投资1.86亿元，同比增长-3.2%。", "改为“同比下降3.2%”"),
    ("税收收入同比增长0%。", "改为“与上年同期持平”"),
    ("税收收入同比增长0.0%。", "改为“与上年同期持平”"),
    ("失业率提高-0.5个百分点。", "改为“下降0.5个百分点”"),
    ("工业用电量同比下降-2.1%。", "下降2.1%"),
])
def test_sign_wording(text, right):
    findings = check_paragraphs(body(text))
    assert [f.kind for f in findings] == ["sign_wording"]
    assert right in findings[0].suggestion


@pytest.mark.parametrize("text", ["同比增长0.5%。", "同比增长10%。", "同比下降3.2%，与上年同期持平。", "1-6月累计增长5.0%。"])
def test_sign_wording_leaves_right_wording(text):
    assert check_paragraphs(body(text)) == []


@pytest.mark.parametrize("text", [
    "城镇登记失业率为3.2%，同比下降0.3%。",
    "森林覆盖率达71%，比上年提高0.5%。",
    "规上工业增加值增速较一季度回落1.2%。",
])
def test_rate_change_in_percent(text):
    findings = check_paragraphs(body(text))
    assert [f.kind for f in findings] == ["rate_unit"]
    assert "个百分点" in findings[0].suggestion


@pytest.mark.parametrize("text", [
    "城镇登记失业率为3.2%，同比下降0.3个百分点。",
    "农村生活污水治理率提高到68%。",
    "我镇率先完成秸秆禁烧任务，同比增长20%。",
    "参保率达98.6%，参保人数同比增长5%。",
    "规上工业总产值3.45亿元，同比增长10.6%。",
])
def test_rate_wording_left_alone(text):
    assert check_paragraphs(body(text)) == []


def test_rate_known_from_facts():
    facts = parse_facts("单位: 青禾镇\n年份: 2023\n时段: 上半年\n主要指标:\n"
                        "  - {名称: 城镇化水平, 单位: \"%\", 本期: 52.1, 上年同期: 50.9}\n")
    text = body("城镇化水平52.1%，同比提高1.2%。")
    assert kinds(text) == []
    assert kinds(text, facts=facts) == [("rate_unit", 1)]


@pytest.mark.parametrize("text, flagged", [
    ("全镇共有企业12家,其中规上企业3家。", True),
    ("开展安全检查(含消防)46次。", True),
    ("(一)招商引资成效明显", True),
    ("效果如何?群众说了算!", True),
    ("三次产业结构调整为3.4:71.4:25.2。", False),
    ("完成投资1,200万元，增长1.35倍。", False),
    ("详见政府网站 http://www.example.gov.cn 公告。", False),
    ("推广BIM, GIS等技术。", False),
])
def test_half_width_punctuation(text, flagged):
    assert kinds(body(text)) == ([("punctuation", 1)] if flagged else [])


@pytest.mark.parametrize("text, count", [
    ("按照《美丽圩镇规划》要求，实现“时间过半、任务过半”。", 0),
    ("完成（1-7月预计数）XX万元，实施“《规划》”。", 0),
    ("实现“时间过半、任务过半。", 1),
    ("实现时间过半、任务过半”。", 1),
    ("按照《美丽圩镇规划要求（试行）。", 1),
    ("实现“时间过半（任务过半”）。", 2),
])
def test_brackets(text, count):
    assert kinds(body(text)) == [("brackets", 1)] * count


def test_placeholders_each_reported():
    findings = check_paragraphs(body("签约项目【待补充：签约项目数】个，协议投资【待补充：协议投资额】亿元。"))
    assert [f.kind for f in findings] == ["placeholder", "placeholder"]
    assert "协议投资额" in findings[1].message


def test_numbering_gaps_and_order():
    paragraphs = [
        ("Heading 1", "上半年工作回顾"),
        ("Heading 2", "一、抓项目、稳经济，高质量发展迈出坚实步伐"),
        ("Heading 3", "（一）招商引资成效明显"),
        ("Heading 3", "（三）重点项目加快推进"),      # 4: （二） missing
        ("Normal", "二、优环境、美生态，城乡面貌持续焕发新颜值"),  # retyped in Normal
        ("Normal", "（一）河湖治理持续深化"),          # restarts under 二、
        ("Normal", "四、强保障、惠民生，群众幸福感获得感更殷实"),  # 7: 三、 missing
        ("Normal", "三、抓产业、深融合，推动乡村振兴步入快车道"),  # 8: back to 三、
        ("Heading 1", "下半年工作计划"),
        ("Heading 2", "二、在稳定经济发展中打造新引擎"),   # 10: a part starts at 一、
        ("Normal", "一、二季度完成投资5.2亿元，一是加快进度；二是强化服务。"),
        ("Normal", "三是严格监管。"),
        ("Normal", "五是加强调度。"),                     # 13: 四是 missing
    ]
    findings = check_paragraphs(paragraphs)
    assert where(findings) == [
        ("numbering", 4, "（三）重点项目加快推进"),
        ("numbering", 7, "四、强保障、惠民生，群众幸福感获得感更殷实"),
        ("numbering", 8, "三、抓产业、深融合，推动乡村振兴步入快车道"),
        ("numbering", 10, "二、在稳定经济发展中打造新引擎"),
        ("numbering", 13, "二、在稳定经济发展中打造新引擎"),
    ]
    assert "缺少“（二）”" in findings[0].message
    assert "顺序颠倒" in findings[2].message
    assert "应从“一、”开始" in findings[3].message


def test_enumeration_inside_one_paragraph():
    assert kinds(body("重点抓好三项工作：一是稳投资；三是保民生。")) == [("numbering", 1)]
    assert kinds(body("一是稳投资；二是促消费；三是保民生。统一是前提。")) == []


HEADINGS = ["一、抓项目、稳经济，高质量发展迈出坚实步伐", "二、优环境、美生态，城乡面貌持续焕发新颜值",
            "三、抓产业、深融合，推动乡村振兴步入快车道", "四、强保障、惠民生，群众幸福感获得感更殷实",
            "五、抓治理，保安全，治理能力和水平不断提升"]


def test_heading_shape_odd_one_out():
    paragraphs = [("Heading 2", h) for h in HEADINGS[:3]] + [("Heading 2", "四、民生保障持续改善")]
    findings = check_paragraphs(paragraphs)
    assert where(findings) == [("heading_shape", 4, "四、民生保障持续改善")]
    assert "X、Y，Z" in findings[0].message
    # the same skeleton with another mark: the fix is the mark
    paragraphs = [("Heading 2", h) for h in HEADINGS]
    findings = check_paragraphs(paragraphs)
    assert where(findings) == [("heading_shape", 5, HEADINGS[4])]
    assert "第1个“，”改为“、”" in findings[0].suggestion


def test_heading_shape_needs_a_clear_majority():
    # three headings, or two of six in a neighbouring shape: the corpus has both
    assert check_paragraphs([("Heading 2", h) for h in HEADINGS[:2] + ["三、民生保障持续改善"]]) == []
    six = HEADINGS + ["六、转作风，提效能，高标准打造人民满意政府"]
    assert check_paragraphs([("Heading 2", h) for h in six]) == []
    # each part is judged on its own
    two_parts = ([("Heading 2", h) for h in HEADINGS[:4]] + [("Heading 1", "下半年工作计划")]
                 + [("Heading 2", f"{n}、在{w}中打造新引擎") for n, w in zip("一二三", ["稳经济", "强产业", "惠民生"])])
    assert check_paragraphs(two_parts) == []


def test_subheadings_and_problem_lists_are_not_parts():
    paragraphs = [("Heading 2", "一、抓项目、稳经济，高质量发展迈出坚实步伐"),
                  ("Heading 3", "抓好重点任务"),                    # not a part: 二、 goes on from 一、
                  ("Heading 2", "二、优环境、美生态，城乡面貌持续焕发新颜值"),
                  ("Normal", "存在的主要问题"),
                  ("Normal", "一、经济总量不大，新的增长点不多。"), ("Normal", "二、投资下降，大项目储备不足。"),
                  ("Normal", "三、公共服务有短板，群众还不满意。"), ("Normal", "四、干部作风仍需改进。")]
    assert check_paragraphs(paragraphs) == []


def test_duplicate_sentence_ignores_whitespace():
    paragraphs = body("招商引资成效明显。上半年外出招商14次，签约项目4个。",
                      "各位代表！",
                      "上半年外出招商 14 次，签约项目4个。各位代表！")
    findings = check_paragraphs(paragraphs)
    assert where(findings) == [("duplicate", 3, "")]
    assert "第1段" in findings[0].message


def test_nearest_heading_and_to_dict():
    paragraphs = [("Title", "2023年上半年青禾镇政府工作报告"), ("Normal", "同比增长-3.2%。"),
                  ("Heading 1", "上半年工作回顾"), ("Normal", "投资同比增长-5.2%，"),
                  ("Normal", "（一）招商引资成效明显"), ("Normal", "同比增长-1.0%。")]
    findings = check_paragraphs(paragraphs)
    assert where(findings) == [("sign_wording", 2, ""), ("sign_wording", 4, "上半年工作回顾"),
                               ("sign_wording", 6, "（一）招商引资成效明显")]
    assert set(findings[0].to_dict()) == {"kind", "message", "paragraph", "heading", "suggestion"}


@pytest.mark.parametrize("text, n_found", [
    ("上半年完成地区生产总值12.6亿元，同比增长5.9%。", 0),
    ("完成规上工业总产值3.5亿元，同比增长10.6%。", 0),              # 3.45 rounded as written
    ("完成规上工业总产值34500万元，固定资产投资1.86亿元，同比下降3.2%。", 0),
    ("完成地区生产总值12.9亿元，同比增长5.9%。", 1),
    ("完成地区生产总值12.6亿元，同比增长9.5%。", 1),
    ("完成固定资产投资1.86亿元，同比增长3.2%。", 1),                # the sign is wrong
    ("城镇调查失业率2.6%，同比下降0.3个百分点。", 0),
    ("城镇调查失业率2.9%，同比下降0.3个百分点。", 1),
    ("完成地区生产总值【待补充：地区生产总值】亿元。", 1),          # the placeholder only
    ("完成地区生产总值12.6亿元，与上年同期持平。", 1),
    ("完成地区生产总值12.6亿元，增长5.9%。", 0),
    ("全年力争地区生产总值增长7%。", 0),                            # a target, not this period
])
def test_figures_against_facts(facts, text, n_found):
    findings = check_paragraphs(body(text), facts=facts)
    assert len(findings) == n_found
    if n_found and "待补充" not in text:
        assert findings[0].kind == "figure_mismatch"


def test_plan_part_figures_are_targets(facts):
    paragraphs = [("Heading 1", "上半年工作回顾"), ("Normal", "完成地区生产总值12.9亿元。"),
                  ("Heading 1", "下半年工作计划"), ("Normal", "全年地区生产总值增长7%，达到13.5亿元。")]
    assert kinds(paragraphs, facts=facts) == [("figure_mismatch", 2)]


def test_placeholder_in_table_reported_at_its_title(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("上半年工作回顾", style="Heading 1")
    doc.add_paragraph("附表：主要经济指标完成情况表")
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells + table.rows[1].cells,
                          ["指标", "单位", "本期", "地区生产总值", "亿元", "【待补充：本期数】"]):
        cell.text = text
    doc.add_paragraph("注：同比按上年同期数计算。")
    path = tmp_path / "table.docx"
    doc.save(str(path))
    findings = check_document(path)
    assert where(findings) == [("placeholder", 2, "附表：主要经济指标完成情况表")]
    assert "第2行第3列" in findings[0].message


_PIECES = list("一二三四十是、，。；：,;:()（）“”《》【】0123456789.%-增长下降提高率同比亿万元 \n") + [
    "地区生产总值", "城镇调查失业率", "【待补充：本期数】", "上半年工作回顾", "下半年工作计划", "（一）", "二、"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Normal", "Heading 1", "Heading 2", "Title", "标题 2", ""]),
                          st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)), max_size=10))
def test_any_text_gives_findings_in_range(facts, paragraphs):
    findings = check_paragraphs(paragraphs, facts=facts)
    assert all(1 <= f.paragraph <= len(paragraphs) and f.kind in KINDS for f in findings)
    assert [f.paragraph for f in findings] == sorted(f.paragraph for f in findings)


@pytest.mark.imports
def test_lookup_path_imports_no_heavy_modules():
    code = ("import sys; from caogao.checking.rules import check_paragraphs; "
            "check_paragraphs([('Normal', '同比增长-3.2%')]); "
            "print(sorted(m for m in ('jieba', 'sklearn', 'numpy', 'docx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_text_inside_content_controls_and_fields_is_checked(tmp_path):
    # Word's content controls (block and inline) and fields hold text python-docx's
    # paragraphs leave out; a placeholder or a 增长-5.1% there is still found.
    import docx
    from docx.oxml import parse_xml

    from caogao.checking.rules import check_document

    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = docx.Document()
    doc.add_paragraph("2023年上半年青禾镇政府工作报告")
    doc.add_paragraph("上半年各项工作稳步推进。")
    doc.element.body.insert(len(doc.element.body) - 1, parse_xml(
        f'<w:sdt {W}><w:sdtPr><w:alias w:val="指标"/></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>固定资产投资同比增长-5.1%。</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    inline = doc.add_paragraph("财政收入")
    inline._p.append(parse_xml(f'<w:sdt {W}><w:sdtContent><w:r><w:t>【待补充：本期数】</w:t></w:r></w:sdtContent></w:sdt>'))
    field = doc.add_paragraph("")
    field._p.append(parse_xml(f'<w:fldSimple {W} w:instr=" DOCVARIABLE x "><w:r><w:t>社会消费品零售总额增长0%</w:t></w:r></w:fldSimple>'))
    path = tmp_path / "controls.docx"
    doc.save(str(path))
    findings = check_document(path)
    kinds = {(f.kind, f.paragraph) for f in findings}
    assert ("sign_wording", 2) in kinds          # in the block control, placed at the paragraph before it
    assert ("placeholder", 3) in kinds          # in an inline control
    assert any(f.kind == "sign_wording" and f.paragraph == 4 for f in findings)  # in a field
