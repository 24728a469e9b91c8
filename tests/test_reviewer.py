"""Drafts as the 党政办 reviewer reads them: formulations, level words, fitting headings,
each figure once, a skeleton for sparse facts, set pieces that agree with the figures,
the annual report's shape — over facts files of every level and several seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caogao.checking.rules import check_paragraphs
from caogao.drafting.compose import compose_draft
from caogao.drafting.levels import draft_when, level_of, level_words
from caogao.drafting.facts import load_facts, parse_facts
from caogao.drafting.wording import fits
from caogao.text.formulations import problems

ROOT = Path(__file__).resolve().parent.parent
FACTS = sorted((ROOT / "tests" / "data" / "facts").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))
SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def bank():
    from caogao.bank.build import open_bank

    return open_bank()


@pytest.fixture(scope="module")
def drafts(bank):
    out = {}
    for path in FACTS:
        facts = load_facts(path)
        for seed in SEEDS:
            out[path.stem, seed] = (facts, *compose_draft(facts, bank, seed=seed))
    return out


def _body(blocks):
    return [b for b in blocks if b.kind == "body"]


def test_the_facts_files_cover_every_level_both_periods_and_the_hard_cases():
    units = [load_facts(p) for p in FACTS]
    assert {level_of(f.unit) for f in units} == {"镇", "乡", "街道"}
    assert {f.period for f in units} == {"上半年", "全年"}


def test_no_draft_carries_a_mutilated_or_out_of_period_formulation(drafts):
    for (name, seed), (facts, blocks, _) in drafts.items():
        for b in blocks:
            assert problems(b.full_text, draft_when(facts)) == [], (name, seed, b.full_text)
        text = "".join(b.full_text for b in blocks)
        assert "习近平新时代中国特色社会主义思想" in text and "以习近平同志为核心的党中央" in text, (name, seed)


def test_every_generic_phrase_of_the_bank_is_whole(bank):
    for hit in bank.phrases(generic_only=True):
        assert problems(hit.text) == [], hit.text


def test_level_words_follow_the_unit(drafts):
    for (name, seed), (facts, blocks, _) in drafts.items():
        words = level_words()[level_of(facts.unit)]
        text = "".join(b.full_text for b in blocks)
        assert words["全域"] in text, (name, seed)
        for foreign in words["它级用语"]:
            assert foreign not in text.replace(facts.unit, ""), (name, seed, foreign)
        assert not re.search(r"人大(工委)?[、和及]政协(?!委员)", text), (name, seed)


def test_each_figure_clause_is_said_once(drafts):
    for (name, seed), (_, blocks, _) in drafts.items():
        seen = set()
        for b in _body(blocks):
            for clause in re.findall(r"[^，。；！？]+", b.full_text):
                subject = re.split(r"\d", re.sub(r"^(同比|完成全年目标任务的|超额完成全年目标任务|为目标的|全年目标为)?"
                                                 r"(增长|下降|提高|持平)?", "", clause), maxsplit=1)[0]
                if len(subject) >= 2 and re.search(r"\d", clause) and "待补充" not in clause:
                    assert clause not in seen, (name, seed, clause)
                    seen.add(clause)


def test_counts_say_liang_and_targets_beyond_a_hundred_percent_are_exceeded(drafts):
    for (name, seed), (_, blocks, _) in drafts.items():
        text = "".join(b.full_text for b in blocks)
        assert not re.search(r"(?<![一二三四五六七八九十])二(方面|个|项)", text), (name, seed)
        assert not re.search(r"完成全年目标任务的1\d\d", text), (name, seed)
    facts, blocks, _ = drafts["红岩镇2023年全年_超额", 0]
    assert "超额完成全年目标任务" in "".join(b.text for b in blocks)


def test_a_facts_file_of_categories_only_yields_the_skeleton_of_a_real_report(drafts):
    facts, blocks, _ = drafts["白沙乡2024年上半年_简", 0]
    kinds = [b.kind for b in blocks]
    assert kinds.count("part") == 2
    # every listed section in the review, then the plan, with several strands each
    headings = [i for i, b in enumerate(blocks) if b.kind == "heading1"]
    assert len(headings) >= 2 * len(facts.review) - 1
    review_heads = headings[:len(facts.review)]
    for start, end in zip(review_heads, review_heads[1:]):
        strands = [b for b in blocks[start + 1:end] if b.kind == "body"]
        assert 2 <= len(strands) <= 4, [b.full_text for b in strands]
        assert all("【待补充：" in b.text for b in strands)
        assert any(b.lead for b in strands)


def test_generated_headings_fit_their_sections_and_vary_with_the_seed(drafts):
    for (name, seed), (facts, blocks, _) in drafts.items():
        heads = [b.text for b in blocks if b.kind == "heading1"][:len(facts.review)]
        for sec, head in zip(facts.review, heads):
            if not sec.title and "待补充" not in head:
                assert fits(head.split("、", 1)[1], sec.category), (name, seed, sec.category, head)
    sets = {tuple(b.text for b in drafts["白沙乡2024年上半年_简", s][1] if b.kind == "heading1") for s in SEEDS}
    assert len(sets) >= 2


def test_falling_figures_get_no_upbeat_verdict_and_a_prompt_in_the_problems(drafts):
    facts, blocks, _ = drafts["东城街道2024年全年_下滑", 0]
    text = "".join(b.text for b in blocks)
    assert "成绩来之不易" not in text and "同比下降" in text
    problems_para = next(b.text for b in blocks if "困难和问题" in b.text)
    assert "一般公共预算收入" in problems_para and "固定资产投资" in problems_para
    _, rising, _ = drafts["红岩镇2023年全年_超额", 0]
    assert "成绩来之不易" in "".join(b.text for b in rising)


def test_an_annual_report_has_its_requirements_targets_and_self_building_last(drafts):
    facts, blocks, _ = drafts["东城街道2024年全年_下滑", 1]
    text = [b.text for b in blocks]
    assert any(t.startswith("2025年工作的总体要求是") for t in text)
    assert "主要预期目标是：一般公共预算收入增长5%左右；固定资产投资增长8%左右；城镇调查失业率控制在5.5%以内。" in text
    parts = [b.text for b in blocks if b.kind == "part"]
    assert parts == ["2024年工作回顾", "2025年工作计划", "全面加强自身建设"]  # a 街道 has no 政府 of its own
    strands = blocks[[b.text for b in blocks].index("全面加强自身建设") + 1:]
    assert strands[0].kind == "body" and "待补充" in strands[0].text
    assert blocks[0].text == "东城街道办事处2024年工作报告"
    _, half, _ = drafts["白沙乡2024年上半年_简", 0]
    assert not any("总体要求是" in b.text for b in half)


def test_check_finds_what_a_reviewer_sends_back_and_no_false_alarm():
    facts = parse_facts("单位: 白沙乡\n年份: 2023\n时段: 上半年\n主要指标:\n"
                        "  - {名称: 5G基站建设, 单位: 个, 本期: 15}\n")
    paras = [("Title", "2023年上半年白沙乡政府工作报告"),
             ("Normal", "上半年，全镇坚持以新时代中国特色社会主义思想为指导，在乡人大、政协的监督支持下推进工作。"),
             ("Normal", "重点抓好以下二方面工作，一般公共预算收入完成全年目标任务的106.7%。"),
             ("Normal", "新建5G基站15个，新增城镇就业215人。"),
             ("Normal", "民生实事扎实推进，新增城镇就业215人。")]
    kinds = [f.kind for f in check_paragraphs(paras, facts=facts)]
    for kind in ("formulation", "level_word", "count_word", "target_wording", "repeated_figure"):
        assert kind in kinds, (kind, kinds)
    assert "figure_mismatch" not in kinds
    clean = [("Title", "2023年上半年白沙乡政府工作报告"),
             ("Normal", "上半年，全乡坚持以习近平新时代中国特色社会主义思想为指导，重点抓好以下两方面工作。")]
    assert check_paragraphs(clean, facts=facts) == []


def test_no_heading_or_lead_sentence_is_said_twice_in_a_draft(drafts):
    # a review and a plan headed alike, or one strand opening both skeletons, reads as a copy
    for (name, seed), (_, blocks, _) in drafts.items():
        heads = [b.text.split("、", 1)[-1] for b in blocks if b.kind == "heading1"]
        leads = [b.lead for b in blocks if b.lead]
        assert len(heads) == len(set(heads)), (name, seed, heads)
        assert len(leads) == len(set(leads)), (name, seed, leads)
