"""Drafting: the facts come through whole and correctly worded; nothing else is invented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caogao.drafting import statwords as numbers
from caogao.drafting.compose import compose, parse_blocks
from caogao.errors import TemplateError
from caogao.drafting.facts import load_facts, parse_facts
from caogao.drafting.outline import PLACEHOLDER_RE

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"
ANNUAL = ROOT / "examples" / "青禾镇2023年全年.yaml"
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def bank():
    from caogao.bank.build import open_bank

    return open_bank()


@pytest.fixture(scope="module")
def facts():
    return load_facts(EXAMPLE)


def text_of(blocks) -> str:
    return "\n".join(b.full_text for b in blocks)


def test_indicator_paragraph_states_every_indicator_in_correct_wording(facts, bank):
    blocks = compose(facts, bank, seed=1)
    body = text_of(blocks)
    points = "".join((p.title or "") + p.text for s in facts.review for p in s.points)
    for ind in facts.indicators:
        clause = numbers.indicator_clause(ind)
        if numbers.fmt_amount(ind.current, ind.unit) in points:
            # the user's point states the figure: the draft adds only its growth and target
            clause = ind.name + clause.split("，", 1)[1]
        # a section's own figure is stated in a sentence of its own: 上半年，城镇调查失业率为2.6%,
        # 农村居民人均可支配收入达到11860元
        assert any(clause.replace(ind.name, ind.name + verb, 1) in body for verb in ("", "为", "达到")), \
            f"{ind.name}: {clause}"
    assert "增长-" not in body and "下降-" not in body and "增长0%" not in body
    # The half-year example has a loss, a rate and a 亿元 amount: each worded by the rules.
    assert "同比下降3.2%" in body
    assert "个百分点" in body
    assert "3.45亿元" in body and "34500万元" not in body


def _numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _allowed_numbers(facts, path: Path) -> set[str]:
    """Numbers the user wrote (figures and text) and those computed from them."""
    raw = path.read_text(encoding="utf-8")
    allowed = _numbers_in(raw) | {str(facts.year), str(facts.year + 1)}
    for ind in facts.indicators:
        for v in (ind.current, ind.last, ind.target, ind.yoy):
            if v is not None:
                allowed |= _numbers_in(numbers.fmt_amount(v, ind.unit)) | _numbers_in(numbers.fmt_number(v))
                allowed |= _numbers_in(numbers.fmt_number(v / 10000, 2))
        allowed |= _numbers_in(numbers.indicator_clause(ind))
        allowed |= _numbers_in(numbers.growth_phrase(ind.current, last=ind.last, yoy=ind.yoy, unit=ind.unit))
        share = numbers.target_share(ind.current, ind.target)
        if share is not None:
            allowed.add(numbers.fmt_number(share, 1))
    if facts.date:
        allowed |= {str(facts.date.year), str(facts.date.month), str(facts.date.day)}
    return allowed


@pytest.mark.parametrize("example", [EXAMPLE, ANNUAL], ids=["上半年", "全年"])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_no_number_in_the_draft_that_the_user_did_not_give(example, seed, bank):
    facts = load_facts(example)
    body = text_of(compose(facts, bank, seed=seed))
    stray = _numbers_in(body) - _allowed_numbers(facts, example)
    assert not stray, f"numbers not from the facts file: {sorted(stray)}"


def _borrowed_text(blocks, facts, yaml_text: str) -> str:
    """The draft less everything the user wrote: what came from the bank and the template."""
    body = text_of(blocks)
    user = set(re.findall(r"[^\s:：'\"\[\]{},\-#|>]+", yaml_text))
    for piece in sorted(user, key=len, reverse=True):
        if len(piece) >= 4:
            body = body.replace(piece, "■")
    return body.replace(facts.unit, "■")


GENERIC_BEFORE_TOWN = set("全我本乡城集各小强该")
GENERIC_AFTER_TOWN = ("长", "党委", "人民政府", "政府", "人大", "干部", "群众", "村", "域", "区", "上下", "经济")


def test_no_place_or_village_name_from_the_corpus_reaches_the_draft(facts, bank):
    yaml_text = EXAMPLE.read_text(encoding="utf-8")
    for seed in range(6):
        borrowed = _borrowed_text(compose(facts, bank, seed=seed), facts, yaml_text)
        villages = [m.group(0) for m in re.finditer(r"[\u4e00-\u9fff]{2}(?:村|社区)(?![民级务])", borrowed)
                    if not m.group(0).endswith(("乡村", "农村", "新村", "各村", "全村", "镇村"))]
        towns = [borrowed[max(0, m.start() - 2):m.end() + 2] for m in re.finditer("镇", borrowed)
                 if borrowed[m.start() - 1:m.start()] not in GENERIC_BEFORE_TOWN
                 and not borrowed[m.end():].startswith(GENERIC_AFTER_TOWN)]
        assert not villages and not towns, (seed, villages, towns)
        assert not re.search(r"[Xx]{2}|某", borrowed)


def test_same_facts_and_seed_give_the_same_text_and_seeds_vary_the_wording(facts, bank):
    a = text_of(compose(facts, bank, seed=3))
    b = text_of(compose(facts, bank, seed=3))
    assert a == b
    variants = {text_of(compose(facts, bank, seed=s)) for s in range(6)}
    assert len(variants) > 1


def test_headings_without_a_title_come_from_the_bank_and_have_no_ordinal_doubled(facts, bank):
    blocks = compose(facts, bank, seed=2)
    h1 = [b.text for b in blocks if b.kind == "heading1"]
    assert len(h1) == len(facts.review) + len(facts.plans)
    for text in h1:
        assert re.match(r"^[一二三四五六七八九十]+、[^一二三四五六七八九十、]", text), text
        assert not PLACEHOLDER_RE.search(text)
    given = [s.title for s in facts.review if s.title]
    for title in given:
        assert any(title.rstrip("。") in h for h in h1)


def test_part_paragraphs_carry_the_users_unit_and_superior(facts, bank):
    body = text_of(compose(facts, bank, seed=0))
    assert facts.unit in body
    level = facts.superior[-1]
    assert f"{level}委" in body  # 在县委、县政府和镇党委的…领导下
    assert "{" not in body and "}" not in body  # no unfilled slot


def test_user_text_is_data_not_template_code(bank):
    facts = parse_facts(
        "单位: 青禾镇\n年份: 2023\n时段: 上半年\n工作回顾:\n  - 类别: 经济发展\n    要点:\n"
        "      - '计算{{ 7*7 }}与{% if true %}x{% endif %}，<b>加粗</b> & 符号'\n"
        "      - \"换行\\n@title 假标题\"\n"
    )
    blocks = compose(facts, bank, seed=0)
    body = text_of(blocks)
    assert "{{ 7*7 }}" in body and "49" not in body
    assert "{% if true %}" in body and "<b>加粗</b> & 符号" in body
    assert [b.text for b in blocks if b.kind == "title"] == ["2023年上半年青禾镇政府工作报告"]
    assert "换行@title 假标题" in body


def test_missing_facts_become_visible_placeholders_never_guesses(bank):
    facts = parse_facts(
        "单位: 青禾镇\n年份: 2023\n时段: 全年\n主要指标:\n  - 名称: 一般公共预算收入\n    单位: 万元\n"
        "工作回顾:\n  - 类别: 民生保障\n"
    )
    blocks = compose(facts, bank, seed=0)
    body = text_of(blocks)
    assert "【待补充：一般公共预算收入本期数】" in body
    assert re.search(r"【待补充：[^】]*方面的具体工作和成效[^】]*】", body)  # a skeleton of the section
    assert "【待补充：存在的主要困难和问题】" in body
    assert not _numbers_in(body) - {"2023", "2024"}


def test_annual_report_reviews_the_year_and_plans_the_next(bank):
    facts = load_facts(ANNUAL)
    parts = [b.text for b in compose(facts, bank, seed=0) if b.kind == "part"]
    assert parts == [f"{facts.year}年工作回顾", f"{facts.year + 1}年工作计划", "全面加强政府自身建设"]


def test_appendix_table_has_one_row_per_indicator(facts, bank):
    tables = [b for b in compose(facts, bank, seed=0) if b.kind == "table"]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == ["指标", "单位", "本期", "同比", "全年目标", "完成进度"]
    assert [r[0] for r in rows[1:]] == [i.name for i in facts.indicators]
    for row in rows[1:]:
        assert not row[3].startswith("-"), row


def test_user_template_sandbox_and_preflight(tmp_path, facts):
    (tmp_path / "上半年.j2").write_text("@title {{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        compose(facts, None, template_dir=tmp_path)
    assert "不允许" in str(exc.value) or "不存在" in str(exc.value)

    (tmp_path / "上半年.j2").write_text("@title {{ title }}\n@body {{ 天气 }} {{ 心情 }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        compose(facts, None, template_dir=tmp_path)
    assert "天气" in str(exc.value) and "心情" in str(exc.value)

    (tmp_path / "上半年.j2").write_text("@title {{ title }}\n@part 自定义部分\n@body {{ overview }}\n", encoding="utf-8")
    blocks = compose(facts, None, template_dir=tmp_path)
    assert [b.kind for b in blocks] == ["title", "part", "body"]


def test_template_lines_become_blocks_with_leads_and_tables():
    blocks = parse_blocks("@heading1 一、标题\n@lead 引领句。\n@body 正文\n@row a\tb\n@row 1\t2\n纯文本\n")
    assert [b.kind for b in blocks] == ["heading1", "body", "table", "body"]
    assert blocks[1].lead == "引领句。" and blocks[1].text == "正文"
    assert blocks[2].rows == [["a", "b"], ["1", "2"]]


@pytest.mark.parametrize("seed", range(5))
def test_review_headings_form_one_parallel_set_with_the_users_own(facts, bank, seed):
    from caogao.mining.shapes import breaks

    from collections import Counter

    from caogao.drafting.compose import compose_draft

    blocks, notes = compose_draft(facts, bank, seed=seed)
    parts = [i for i, b in enumerate(blocks) if b.kind == "part"]
    review = [b.text.split("、", 1)[1] for b in blocks[parts[0]:parts[1]] if b.kind == "heading1"]
    # the same punctuation, as the reader (and caogao check) sees a parallel set: 抓项目、强投资，…
    shapes = Counter(breaks(h) for h in review)
    # one parallel set, but for a section with no fitting heading of its shape: a fitting heading
    # beats a parallel misfit, and the build says so
    odd = [h for h in review if breaks(h) != shapes.most_common(1)[0][0]]
    assert len(odd) <= 1, review
    for h in odd:
        category = facts.review[review.index(h)].category
        assert any(f"回顾中“{category}”" in n for n in notes), (h, notes)


def test_a_parallel_set_never_repeats_its_opening_words():
    # 抓项目、优服务 and 抓项目、强投资 share a shape and a report, but read as a stutter side by side.
    import random
    from types import SimpleNamespace

    from caogao.drafting.wording import Picker

    def hit(text, section):
        return SimpleNamespace(text=text, shape="3、3，*", origin="shipped",
                               sources=[{"report_id": "r#1", "heading": "上半年工作回顾"}], section=section)

    heads = {"经济发展": [hit("抓项目、优服务，经济运行稳中有进", "经济发展")],
             "项目建设": [hit("抓项目、强投资，发展后劲持续增强", "项目建设"),
                      hit("重招商、强投资，项目建设提速增效", "项目建设")]}
    bank = SimpleNamespace(phrases=lambda section, kind, generic_only: heads.get(section, []))
    for seed in range(5):
        picker = Picker(bank, random.Random(seed), {}, 2023)
        chosen = picker.headings(["经济发展", "项目建设"], [None, None], "回顾")
        assert chosen == ["抓项目、优服务，经济运行稳中有进", "重招商、强投资，项目建设提速增效"]


def test_an_edited_template_is_used_as_edited_and_an_unwritable_cache_is_no_error(tmp_path, facts, monkeypatch):
    # compiled templates are kept under CAOGAO_HOME; a user's edit must show at once
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "home"))
    templates = tmp_path / "模板"
    templates.mkdir()
    for title in ("第一版", "第二版"):
        (templates / "上半年.j2").write_text(f"@title {title}\n@body {{{{ overview }}}}\n", encoding="utf-8")
        assert compose(facts, None, template_dir=templates)[0].text == title
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert [b.kind for b in compose(facts, None)][:1] == ["title"]
