"""clean_text: scraping noise goes, report text (and its redactions) stays."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caogao.corpus.clean import clean_text, is_advert
from caogao.paths import corpus_dir

NOISE = ("paidbegin", "paidend", "素材库", "公众号", "代笔", "文库", "【1】", "[7]", "添加客服", "svip")


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus_dir().glob("*.txt"))}


@pytest.fixture(scope="module")
def cleaned(corpus) -> dict[str, str]:
    return {name: clean_text(text) for name, text in corpus.items()}


def test_paywall_markers_go_even_mid_word():
    assert clean_text("基础设施日益完##paidbegin##善。推进") == "基础设施日益完善。推进"
    assert clean_text("其中重点人群xxx##paidbegin##户，帮助") == "其中重点人群xxx户，帮助"
    assert clean_text("正文。\n##paidend##") == "正文。"


def test_advert_lines_go_but_report_sentences_with_common_words_stay():
    text = ("一、工作回顾\n"
            "【哒哒素材库】——每天更新材料1000多篇，会员群+网盘群同步每日更新\n"
            "欢迎加入“哒哒素材库svip会员”，添加客服：cwk,谨防假冒！\n"
            "在公共服务大厅设立综合窗口，配备2名专业客服人员，为群众提供服务。\n"
            "开通镇政府微信公众号，发布政务信息120条。")
    out = clean_text(text)
    assert "素材库" not in out and "svip" not in out and "添加客服" not in out
    assert "配备2名专业客服人员" in out
    assert "开通镇政府微信公众号，发布政务信息120条。" in out
    assert not is_advert("主动联系对接、加强服务保障。")
    assert not is_advert("引导有意加入合作社的农户签订协议，发展会员制农场3家，" + "带动农户增收，" * 40)


def test_site_header_goes():
    text = ("《2023年XX镇政府工作报告(20240127).docx》由会员分享,可在线阅读,更多相关"
            "《2023年XX镇政府工作报告(20240127).docx(11页珍藏版)》请在优知文库上搜索。\n正文。")
    assert clean_text(text) == "正文。"


def _pages(*pages: str) -> str:
    return "\n".join(f"{n}、{page}" for n, page in enumerate(pages, 1))


def test_flattened_pages_are_rejoined_mid_word():
    filler = "经济运行稳中向好，" * 30
    text = _pages("报告标题" + filler + "非税收", "入XX万元；" + filler + "高质", "效生产基地" + filler + "完毕。")
    out = clean_text(text)
    assert "\n" not in out
    assert "非税收入XX万元" in out and "高质效生产基地" in out
    assert not out.startswith("1、")


def test_a_real_numbered_list_is_not_taken_for_pages():
    items = "1、农保和医保工作全面完成。\n2、着力解决弱势群众生活问题。\n3、做好低保扩围工作。"
    assert clean_text(items) == items
    # Long items too: they end their sentences, pages do not.
    long_items = _pages(*("推进农村人居环境整治，" * 25 + "成效明显。" for _ in range(4)))
    assert clean_text(long_items).count("\n") == 3


def test_footnote_marks_go_and_placeholders_stay():
    text = "高质量发展工程【1】”的起步之年；“五清”专项行动[2]，共计【待补充：规上工业总产值】。"
    assert clean_text(text) == "高质量发展工程”的起步之年；“五清”专项行动，共计【待补充：规上工业总产值】。"


@pytest.mark.parametrize("raw, expected", [
    ("各位代表:现在,我代表XX镇人民政府;请予审议!", "各位代表：现在，我代表XX镇人民政府；请予审议！"),
    ("(一)社会发展稳健有力", "（一）社会发展稳健有力"),
    ("各村(社区)积极开展", "各村（社区）积极开展"),
    ("三次产业结构比为3.4:71.4:25.2", "三次产业结构比为3.4:71.4:25.2"),
    ("新修水渠1.35公里、同比增长20.56%,1—6月", "新修水渠1.35公里、同比增长20.56%，1—6月"),
    ("1-6月份实现财政收入XX万元", "1-6月份实现财政收入XX万元"),
    ("会议于8:30召开", "会议于8:30召开"),
    ("是否完成?", "是否完成？"),
])
def test_half_width_punctuation_in_chinese_becomes_full_width_numbers_stay(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("位于卜林村总投资IlOO多万元的低温仓储", "位于卜林村总投资1100多万元的低温仓储"),
    ("最低领取金额XX元/月o2023年镇卫生院", "最低领取金额XX元/月。2023年镇卫生院"),
    ("推广O2O模式和APP应用", "推广O2O模式和APP应用"),
    ("建设IO接口", "建设IO接口"),
])
def test_ocr_slips_repaired_only_where_digits_make_it_unambiguous(raw, expected):
    assert clean_text(raw) == expected


def test_redactions_are_kept():
    text = "XX镇实现一般公共预算收入xxxx万元，X镇扩容提质，投资XX亿元。"
    assert clean_text(text) == text


def test_blank_lines_and_indentation_are_tidied():
    assert clean_text("\ufeff　　标题  \r\n\r\n\r\n\r\n　　正文。\r\n") == "标题\n\n正文。"


def test_corpus_loses_all_noise_but_keeps_its_text(corpus, cleaned):
    for name, text in cleaned.items():
        for noise in NOISE:
            assert noise not in text, (name, noise)
    # Real content at both ends of the noisy files survives.
    assert "配备2名专业客服人员" in cleaned["002_f19b0171774e664a.txt"]
    assert cleaned["004_08af8ba22e60be61.txt"].startswith("2023年XX镇政府工作报告各位代表：现在，")
    assert "非税收入XX万元" in cleaned["004_08af8ba22e60be61.txt"]
    assert "总投资1100多万元" in cleaned["004_08af8ba22e60be61.txt"]
    # Cleaning removes noise, not report: only the advert block of 003 is sizeable.
    for name in corpus:
        assert len(cleaned[name]) > 0.85 * len(corpus[name]), name


def test_cleaning_is_idempotent_on_the_corpus(cleaned):
    for name, text in cleaned.items():
        assert clean_text(text) == text, name


_ALPHABET = st.sampled_from(list("一二三是、。，,;:()（）!?.%0123456789IlOoXx镇代表增长万元\n ##paidbegin【】[]—-")
                            + ["##paidbegin##", "##paidend##", "1、", "2、", "3、", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_cleaning_twice_changes_nothing(text):
    once = clean_text(text)
    assert clean_text(once) == once
