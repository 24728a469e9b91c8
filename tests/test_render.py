"""The rendered .docx, read back as Word would read it: page, styles, footer, text."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from caogao.docx import write as rnd
from caogao.docx.styles import LEAD_STYLE, STYLE_NAMES, TABLE_HEADER_STYLE
from caogao.errors import InputError, OutputError
from caogao.drafting.outline import Block, placeholder
from caogao.paths import templates_dir

GAP = placeholder("规上工业总产值")
BLOCKS = [
    Block("title", "2023年上半年青禾镇政府工作报告"),
    Block("subtitle", "——在青禾镇第十七届人民代表大会第三次会议上"),
    Block("author", "镇长 张三"),
    Block("salutation", "各位代表："),
    Block("part", "上半年工作回顾"),
    Block("heading1", "一、抓项目、稳经济，高质量发展迈出坚实步伐"),
    Block("heading2", "（一）招商引资成效明显"),
    Block("body", f"上半年，完成规上工业总产值{GAP}，同比增长5.0%。", lead="经济运行向稳向好。"),
    Block("body", "模板语法 {{ 7*7 }} 与 <b>&amp; 照录\x00\x0b。"),
    Block("page_break"),
    Block("table_title", "主要经济指标完成情况表"),
    Block("table", rows=[["指标", "单位", "完成", "同比增长"],
                         ["规上工业总产值", "亿元", "3.45", "5.0%"],
                         ["固定资产投资", "万元", GAP]]),
    Block("note", "注：数据为快报数。"),
]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> docx.document.Document:
    """The sample outline drafted as `caogao build` does, and opened again from disk."""
    path = rnd.write_draft(BLOCKS, tmp_path_factory.mktemp("r") / "草稿.docx")
    return docx.Document(str(path))


def _paras(doc, kind):
    return [p for p in doc.paragraphs if p.style.name == STYLE_NAMES[kind]]


def _attr(el, path, name):
    found = el.find(path, el.nsmap | {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"})
    return None if found is None else found.get(qn(f"w:{name}"))


def test_page_is_a4_with_gongwen_margins(out):
    s = out.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]


@pytest.mark.parametrize("style, east_asia, size", [
    ("Normal", "仿宋_GB2312", 16), ("Title", "方正小标宋简体", 22), ("Subtitle", "楷体_GB2312", 16),
    ("Heading 1", "黑体", 16), ("Heading 2", "黑体", 16), ("Heading 3", "楷体_GB2312", 16),
    ("Table Text", "仿宋_GB2312", 12), ("Table Heading", "黑体", 12), ("Footer", "宋体", 14),
])
def test_styles_name_chinese_fonts_and_sizes(out, style, east_asia, size):
    st = out.styles[style]
    fonts = st.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == east_asia
    assert fonts.get(qn("w:ascii")) == ("宋体" if style == "Footer" else "Times New Roman")
    assert st.font.size == Pt(size)
    assert st.font.bold is not True


def test_no_theme_fonts_on_used_styles_and_defaults_name_chinese_font(out):
    used = [*STYLE_NAMES.values(), TABLE_HEADER_STYLE, LEAD_STYLE, "Footer"]
    for name in used:
        for fonts in out.styles[name].element.iter(qn("w:rFonts")):
            assert not any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib), name
    defaults = out.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and qn("w:eastAsiaTheme") not in fonts.attrib
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:eastAsia")) == "zh-CN"


def test_body_has_exact_line_pitch_two_char_indent_and_justification(out):
    pf = out.styles["Normal"].paragraph_format
    assert pf.line_spacing == Pt(28.95) and pf.line_spacing_rule == 4  # EXACTLY
    ind = out.styles["Normal"].element.find(f".//{qn('w:ind')}")
    assert ind.get(qn("w:firstLineChars")) == "200" and pf.first_line_indent == Pt(32)
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    # headings indent like body text; the salutation stands flush left
    assert out.styles["Heading 2"].element.find(f".//{qn('w:ind')}").get(qn("w:firstLineChars")) == "200"
    assert out.styles["Salutation"].element.find(f".//{qn('w:ind')}").get(qn("w:firstLineChars")) == "0"
    assert out.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_headings_carry_outline_levels_for_the_navigation_pane(out):
    def level(name):
        lvl = out.styles[name].element.find(f".//{qn('w:outlineLvl')}")
        return None if lvl is None else int(lvl.get(qn("w:val")))
    assert [level(STYLE_NAMES[k]) for k in ("part", "heading1", "heading2", "body")] == [0, 1, 2, None]


def test_each_block_lands_in_its_style_in_order(out):
    texts = [(p.style.name, p.text) for p in out.paragraphs if p.text]
    assert texts[0] == ("Title", "2023年上半年青禾镇政府工作报告")
    assert ("Heading 1", "上半年工作回顾") in texts and ("Author", "镇长 张三") in texts
    assert [t for _, t in texts].index("一、抓项目、稳经济，高质量发展迈出坚实步伐") < \
           [t for _, t in texts].index("（一）招商引资成效明显")
    assert _paras(out, "table_title")[0].paragraph_format.page_break_before is True


def test_lead_sentence_runs_in_kaiti_then_the_body(out):
    body = _paras(out, "body")[0]
    assert body.runs[0].text == "经济运行向稳向好。" and body.runs[0].style.name == "Lead"
    lead_fonts = out.styles["Lead"].element.find(f".//{qn('w:rFonts')}")
    assert lead_fonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert body.text.startswith("经济运行向稳向好。上半年")


def test_placeholders_and_only_placeholders_are_highlighted(out):
    runs = [r for p in out.paragraphs for r in p.runs] + \
           [r for c in out.tables[0]._cells for p in c.paragraphs for r in p.runs]
    marked = [r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert marked == [GAP, GAP]
    assert all(r.font.highlight_color is None for r in runs if "【" not in r.text)


def test_text_is_data_and_control_characters_are_dropped(out):
    assert "模板语法 {{ 7*7 }} 与 <b>&amp; 照录。" in [p.text for p in out.paragraphs]


def test_tabs_line_breaks_and_edge_spaces_survive_as_word_reads_them(tmp_path):
    # a pasted achievement may carry a tab, a line break or an indent of full-width spaces
    text = "\u3000\u3000一是\t二是\n三是 "
    path = rnd.write_draft([Block("body", text, lead=" 引领句。")], tmp_path / "a.docx")
    (p,) = docx.Document(str(path)).paragraphs
    assert p.text == " 引领句。" + text
    assert [r.style.name for r in p.runs] == ["Lead", "Default Paragraph Font"]
    # Word shows a tab or a break only as its own element, and drops edge spaces not marked kept
    body = p.runs[1]._r
    assert [c.tag.split("}")[1] for c in body] == ["t", "tab", "t", "br", "t"]
    assert all(t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
               for t in (p.runs[0]._r[-1], body[0], body[-1]))


def test_table_has_repeating_header_row_borders_and_centred_numbers(out):
    table = out.tables[0]
    assert table.style.name == "Table Grid"
    assert table.style.element.find(f".//{qn('w:tblBorders')}/{qn('w:insideH')}").get(qn("w:val")) == "single"
    assert table.rows[0]._tr.find(f".//{qn('w:tblHeader')}") is not None
    assert [c.text for c in table.rows[0].cells] == ["指标", "单位", "完成", "同比增长"]
    assert {c.paragraphs[0].style.name for c in table.rows[0].cells} == {"Table Heading"}
    first, *rest = table.rows[1].cells
    assert first.paragraphs[0].alignment is None
    assert all(c.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER for c in rest)
    assert table.rows[2].cells[3].text == ""  # a short row is padded, not dropped


def test_table_columns_follow_their_content(out):
    widths = [c.width for c in out.tables[0].columns]
    assert widths[0] > widths[1]  # 规上工业总产值 gets more room than 亿元
    assert abs(sum(widths) - Mm(156)) < Mm(1)  # the table fills the type area


def test_crowded_table_squeezes_the_long_column_not_the_headers():
    rows = [["指标", "单位", "本期", "同比", "全年目标", "完成进度"],
            ["农村居民人均可支配收入", "元", "11860", "增长6.4%", "—", "—"],
            ["城镇调查失业率", "%", "2.6", "下降0.3个百分点", "—", GAP]]
    table = rnd.render([Block("table", rows=rows)]).tables[0]
    widths = [c.width for c in table.columns]
    assert widths[4] >= Pt(12 * 5) and widths[5] >= Pt(12 * 5)  # 全年目标 stays on one line
    assert widths[0] < Pt(12 * 12)  # the 11-character name gives way instead
    assert abs(sum(widths) - Mm(156)) < Mm(1)
    aligned = [c.paragraphs[0].alignment for c in table.rows[1].cells]
    assert aligned == [None] + [WD_ALIGN_PARAGRAPH.CENTER] * 5  # "增长6.4%" centred like the figures


def test_two_tables_in_a_row_stay_two_tables():
    doc = rnd.render([Block("table", rows=[["甲"]]), Block("table", rows=[["乙"]])])
    assert len(doc.tables) == 2
    assert [c.tag.rsplit("}", 1)[1] for c in doc.element.body] == ["tbl", "p", "tbl", "sectPr"]


@pytest.mark.imports
def test_rendering_does_not_load_the_text_mining_stack():
    code = ("import sys; from caogao.docx.write import render; from caogao.drafting.outline import Block; "
            "render([Block('body', 'x')]); "
            "print(sorted(m for m in ('jieba', 'sklearn', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_restyled_shipped_reference_is_followed(tmp_path, monkeypatch):
    # someone edited templates/reference.docx in Word: Chinese style id for Table Grid
    folder = tmp_path / "templates"
    folder.mkdir()
    with zipfile.ZipFile(templates_dir() / "reference.docx") as src, \
            zipfile.ZipFile(folder / "reference.docx", "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(b'w:styleId="TableGrid"><w:name w:val="Table Grid"/>',
                                    b'w:styleId="a5"><w:name w:val="Table Grid"/>')
            dst.writestr(item, data)
    monkeypatch.setattr("caogao.docx.styles.templates_dir", lambda: folder)
    path = rnd.write_draft(BLOCKS, tmp_path / "稿.docx")
    doc = docx.Document(str(path))
    assert doc.tables[0].style.name == "Table Grid" and doc.tables[0]._tbl.tblPr.style == "a5"
    assert [p.text for p in doc.paragraphs][:2] == [BLOCKS[0].text, BLOCKS[1].text]


def test_footer_page_numbers_between_dashes_odd_right_even_left(out):
    settings = out.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    s = out.sections[0]
    for footer, side, align in ((s.footer, "right", WD_ALIGN_PARAGRAPH.RIGHT),
                                (s.even_page_footer, "left", WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        fields = [f.get(qn("w:instr")) for f in p._p.iter(qn("w:fldSimple"))]
        fields.append("".join(t.text for t in p._p.iter(qn("w:instrText"))))  # either field form
        assert " ".join(fields).split() == ["PAGE"]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment == align
        assert p._p.pPr.ind.get(qn(f"w:{side}Chars")) == "100"


def test_core_properties_title_without_our_author(out):
    assert out.core_properties.title == "2023年上半年青禾镇政府工作报告"
    assert out.core_properties.author == "" and out.core_properties.last_modified_by == ""


def test_explicit_title_wins():
    assert rnd.render(BLOCKS[:2], title="另一题").core_properties.title == "另一题"


# ----------------------------------------------------------------- save()

def test_save_refuses_to_overwrite_without_force_and_replaces_with_force(tmp_path):
    target = tmp_path / "稿.docx"
    target.write_bytes(b"user edits")
    doc = rnd.render(BLOCKS[:1])
    with pytest.raises(OutputError):
        rnd.save(doc, target)
    assert target.read_bytes() == b"user edits"
    rnd.save(doc, target, force=True)
    assert docx.Document(str(target)).paragraphs[0].text == BLOCKS[0].text


def test_save_failure_leaves_target_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "稿.docx"
    target.write_bytes(b"old")
    doc = rnd.render(BLOCKS[:1])

    def broken_save(path):
        Path(path).write_bytes(b"half")
        raise RuntimeError("disk gone")
    monkeypatch.setattr(doc, "save", broken_save)
    with pytest.raises(RuntimeError):
        rnd.save(doc, target, force=True)
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["稿.docx"]


def test_save_refuses_a_folder_and_a_non_docx_name(tmp_path):
    doc = rnd.render(BLOCKS[:1])
    with pytest.raises(OutputError, match="文件夹"):
        rnd.save(doc, tmp_path, force=True)
    with pytest.raises(OutputError, match=".docx"):
        rnd.save(doc, tmp_path / "稿.txt")


# ------------------------------------------------------- reference documents

@pytest.fixture(scope="module")
def user_reference(tmp_path_factory) -> Path:
    """An office's own template: Letter paper, 宋体 body, a blue Title, no Author style."""
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(15)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.sections[0].page_width, doc.sections[0].page_height = Mm(216), Mm(279)
    doc.sections[0].left_margin = Mm(30)
    doc.add_paragraph("这段样例文字不应进入草稿")
    path = tmp_path_factory.mktemp("ref") / "我的模板.docx"
    doc.save(str(path))
    return path


def test_user_reference_styles_and_page_setup_are_used(user_reference):
    doc = rnd.render(BLOCKS, reference_doc=user_reference)
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" and normal.font.size == Pt(15)
    assert round(doc.sections[0].page_width.mm) == 216 and round(doc.sections[0].left_margin.mm) == 30
    assert "这段样例文字不应进入草稿" not in [p.text for p in doc.paragraphs]
    # what the template lacks is filled from ours, so every block still has a style
    assert doc.styles["Author"].element.find(f".//{qn('w:rFonts')}").get(qn("w:eastAsia")) == "楷体_GB2312"
    assert [p.style.name for p in doc.paragraphs if p.text == "镇长 张三"] == ["Author"]
    assert doc.sections[0].footer.paragraphs[0].text.startswith("— ")  # theirs had no footer


def test_styles_filled_into_a_chinese_word_template_point_at_its_own_ids(tmp_path):
    """Chinese Word names Normal's id "a" and heading 1's "1": copies must follow."""
    doc = docx.Document()
    styles = doc.styles.element
    for el in styles.iter(qn("w:basedOn"), qn("w:next")):
        if el.get(qn("w:val")) == "Normal":
            el.set(qn("w:val"), "a")
    doc.styles["Normal"].element.styleId = "a"
    styles.remove(doc.styles["Title"].element)
    path = tmp_path / "中文模板.docx"
    doc.save(str(path))
    out = rnd.render(BLOCKS[:1], reference_doc=path)
    title = out.styles["Title"]
    assert title.base_style.name == "Normal" and out.paragraphs[0].style.name == "Title"
    assert title.element.find(f".//{qn('w:rFonts')}").get(qn("w:eastAsia")) == "方正小标宋简体"


def test_user_reference_as_dotx_template(user_reference, tmp_path):
    dotx = tmp_path / "模板.dotx"
    with zipfile.ZipFile(user_reference) as src, zipfile.ZipFile(dotx, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            dst.writestr(item, data)
    doc = rnd.render(BLOCKS[:1], reference_doc=dotx)
    assert doc.styles["Normal"].font.size == Pt(15)


def test_unreadable_reference_is_a_clear_error(tmp_path):
    bad = tmp_path / "旧格式.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    with pytest.raises(InputError, match="不是可读的 Word .docx"):
        rnd.render(BLOCKS, reference_doc=bad)
    with pytest.raises(InputError, match="找不到参考文档"):
        rnd.render(BLOCKS, reference_doc=tmp_path / "无.docx")


def test_shipped_reference_matches_its_generator(tmp_path):
    fresh = rnd.make_reference(tmp_path / "reference.docx")

    def parts(path):  # all but the timestamps of core.xml
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}
    shipped, generated = parts(templates_dir() / "reference.docx"), parts(fresh)
    assert [n for n in generated if shipped.get(n) != generated[n]] == [], \
        "templates/reference.docx is stale: run python -m caogao.docx.write"
    assert not any("thumbnail" in n for n in generated)


def test_a_short_table_row_whose_figure_has_no_cell_is_drawn_with_an_empty_cell(tmp_path):
    # a user's template may write a row with fewer cells than the header; the figure caogao
    # meant for the missing cell is not bookmarked, and the rest of the table is drawn
    blocks = [Block("title", "2024年上半年青禾乡政府工作报告"),
              Block("table", rows=[["指标", "单位", "完成", "同比增长"], ["财政收入", "万元"],
                                   ["粮食产量", "吨", "3200", "2.0%"]])]
    path = rnd.write_draft(blocks, tmp_path / "draft.docx",
                           figures={("附表2", "财政收入"): "1200", ("附表2", "粮食产量"): "3200"})
    table = docx.Document(str(path)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["财政收入", "万元", "", ""]
    assert table.rows[2].cells[2].text == "3200"
    names = [b.get(qn("w:name")) for b in table._tbl.iter(qn("w:bookmarkStart"))]
    assert len(names) == 1  # the figure that has its cell
