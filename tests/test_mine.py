"""Mining the shipped corpus: phrase kinds, slots, generic wording, set phrases, shapes, keywords."""

from __future__ import annotations

import re

import pytest

from caogao.mining.miner import mine
from caogao.mining.shapes import shape, shared_prefix
from caogao.mining.slots import slot_text, specific_reason
from caogao.mining.taxonomy import ALL_TYPES, KINDS, PART_TYPES

FIGURE_SLOTS = {"金额", "百分比", "百分点", "数量", "面积", "长度", "月份", "某年"}


@pytest.fixture(scope="module")
def reports():
    from caogao.corpus.parse import load_corpus

    found, _ = load_corpus()
    return found


@pytest.fixture(scope="module")
def mined(reports):
    return mine(reports)


def of_kind(mined, kind, section=None):
    return [p for p in mined.phrases if p.kind == kind and (section is None or p.section == section)]


def test_every_kind_of_phrase_is_mined_with_a_known_type_and_real_sources(mined, reports):
    ids = {r.id: r.title for r in reports}
    for kind in KINDS:
        assert len(of_kind(mined, kind)) >= 20, kind
    for p in mined.phrases:
        assert p.section in ALL_TYPES and p.text and p.tokens
        assert p.sources and all(ids[s.report_id] == s.report for s in p.sources)
        assert p.n_reports == len({s.report_id for s in p.sources})
    assert set(mined.labels.values()) <= set(ALL_TYPES)


def test_numbers_become_typed_slots(mined):
    figures = of_kind(mined, "figure")
    assert not [p.text for p in figures if re.search(r"[0-9０-９]", p.text)]
    used = {s for p in figures for s in re.findall(r"\{([^{}]+)\}", p.text)}
    assert {"金额", "百分比", "数量", "面积"} <= used
    assert all(not p.generic for p in figures)  # a figure sentence carries another town's figures
    text = "上半年，完成一般公共预算收入3.45亿元，同比增长5.2%，新建道路12公里、农房30户，完成全年目标任务的52.3%。"
    assert slot_text(text, year=2023) == ("{时段}，完成一般公共预算收入{金额}，同比增长{百分比}，新建道路{长度}公里、"
                                          "农房{数量}户，完成全年目标任务的{百分比}。")
    assert slot_text("投入XX万元，惠及X户", year=2023) == "投入{金额}，惠及{数量}户"


def test_unit_and_hierarchy_become_named_slots():
    assert (slot_text("在县委、县政府和镇党委的坚强领导下，在镇人大的监督支持下，我镇2023年各项事业稳步推进", year=2023)
            == "在{上级党委}、{上级政府}和{本级党委}的坚强领导下，在{本级人大}的监督支持下，{单位}{年份}各项事业稳步推进")
    assert (slot_text("现在，我代表XX镇人民政府向大会报告工作", year=2023)
            == "现在，我代表{本级政府}向大会报告工作")
    assert slot_text("在市委、市政府的正确领导下", superior="市") == "在{上级党委}、{上级政府}的正确领导下"
    assert slot_text("向所有关心支持XX发展的各界人士表示衷心的感谢") == "向所有关心支持{单位}发展的各界人士表示衷心的感谢"


def corpus_names(reports) -> set[str]:
    """Place and firm names, found independently of the miner: POS over whole texts plus suffixes."""
    from caogao.text.postag import pos_tag

    places, firms = ("村", "镇", "社区", "街道"), ("公司", "合作社", "园区", "项目", "工程")
    proper = ("ns", "nr", "nz", "nt")
    common = {"文明村", "中心村", "示范村", "自然村", "行政村", "城中村", "中心镇", "亚运村", "民俗旅游村"}
    names = set()
    for r in reports:
        tags = pos_tag(r.text)
        for i, (word, flag) in enumerate(tags):
            prev, prev_flag = tags[i - 1] if i else ("", "")
            if len(word) >= 3 and word.endswith(places) and flag[:2] in proper:
                names.add(word)
            elif word in places and len(prev) >= 2 and prev_flag[:2] in proper:
                names.add(prev + word)
            elif word in firms and prev_flag[:2] in proper:
                names.add(prev)
    return {n for n in names - common if len(n) >= 2 and not re.search("[Xx]", n)}


def test_no_generic_phrase_has_a_digit_a_redaction_or_a_name(mined, reports):
    names = corpus_names(reports)
    assert {"桂花村", "卜林村", "白沙镇"} <= names
    generic = [p for p in mined.phrases if p.generic]
    assert len(generic) >= 300
    bad = {p.text: [n for n in names if n in p.text] for p in generic}
    bad = {t: found for t, found in bad.items() if found or re.search(r"[0-9０-９]|[XxＸｘ]|有限公司", t)}
    assert not bad
    assert specific_reason("着力提品质优功能，绿美白沙更有成效", set())  # a town's own name
    assert specific_reason("投入{金额}实施道路硬化", set()) == "{金额}"
    assert specific_reason("在{上级党委}、{上级政府}的坚强领导下", set()) is None


def test_set_phrases_recurring_in_several_reports_are_mined(mined):
    sets = of_kind(mined, "set_phrase")
    lead = [p for p in sets if "坚强领导" in p.text and p.n_reports >= 2 and p.generic]
    thanks = [p for p in sets if "感谢" in p.text and p.n_reports >= 2 and p.generic]
    assert lead and thanks
    assert any("敬意" in p.text for p in thanks)
    # a frame: the middle varies from report to report, so drafting cannot use it as it is
    frame = next(p for p in sets if p.text == "在…的坚强领导下")
    assert frame.n_reports > max(p.n_reports for p in lead) and not frame.generic


def test_part_sentences_for_drafting_are_generic_and_fillable(mined):
    for part in ("开场", "总述", "致谢", "计划总述", "结束语"):
        usable = [p for p in of_kind(mined, "set_phrase", part)
                  if p.generic and p.text[-1] in "。！：" and len(p.text) >= 12]
        assert usable, part
    opening = [p.text for p in of_kind(mined, "set_phrase", "开场") if p.generic]
    assert any("{本级政府}" in t and "审议" in t for t in opening)
    assert not any(t.startswith("各位代表") and t.endswith("：") for t in opening)  # no bare salutation


def test_parallel_headings_of_one_part_share_a_shape(mined, reports):
    def shapes(report_id, part_name):
        part = next(p for r in reports if r.id == report_id for p in r.parts if p.name == part_name)
        found = [p for p in of_kind(mined, "heading1")
                 if any(s.report_id == report_id and s.heading == part.heading for s in p.sources)]
        assert len(found) == len(part.sections) >= 4
        return {p.shape for p in found}

    assert shapes("002_f19b0171774e664a#5", "回顾") == {"3、3，*"}  # 抓项目、稳经济，… / 抓治理，保安全，…
    assert shapes("002_f19b0171774e664a#3", "计划") == {"致力4，*"}  # 致力稳进提质，…
    assert shapes("002_f19b0171774e664a#1", "回顾") == {"7、3，*"}  # 坚定不移抓保护、盯长效，…
    assert shape("抓治理，保安全，治理能力和水平不断提升") == shape("抓项目、稳经济，高质量发展迈出坚实步伐")
    heads = ["一、在稳定经济发展中打造新引擎", "二、在夯实乡村振兴中开创新局面", "三、在提升城镇品质中塑造新风貌",
             "四、在促进民生改善中展现新作为"]
    assert {shape(h, shared_prefix(heads), len(heads)) for h in heads} == {"在8+"}


def test_keywords_name_the_subject_of_each_type(mined):
    assert any("生态" in w or "环境" in w or w in {"河长制", "污染", "污水", "垃圾"} for w in mined.keywords["生态环境"])
    assert any("安全" in w or "信访" in w or "矛盾" in w for w in mined.keywords["社会治理"])
    assert all(len(words) >= 10 for sec, words in mined.keywords.items() if sec not in PART_TYPES)


def test_mining_is_deterministic(mined, reports):
    again = mine(reports)

    def key(m):
        return [(p.text, p.section, p.kind, p.score, p.generic, p.shape, p.n_reports) for p in m.phrases]

    assert key(again) == key(mined)
    assert again.model == mined.model and again.keywords == mined.keywords


def test_progress_reports_each_step_in_order(reports):
    seen = []
    mine(reports[:3], progress=lambda step, done, total: seen.append((step, done, total)))
    assert [s for s, *_ in seen] == ["分词", "分类", "短语", "评分"]
    assert [d for _, d, _ in seen] == [1, 2, 3, 4]


def test_too_little_text_is_a_clear_error_not_a_crash():
    from caogao.errors import BankError
    from caogao.corpus.report import Part, Report

    tiny = Report(id="tiny#1", title="某镇工作报告", title_derived=False, file="tiny.txt", year=2023,
                  period="全年", text="各位代表：", parts=[Part("开场", text="各位代表：")])
    with pytest.raises(BankError) as info:
        mine([tiny])
    assert "太少" in info.value.message and info.value.hint


def test_rjieba_and_jieba_cut_the_corpus_alike(reports):
    """The bank must not depend on which segmenter is installed: rjieba, as caogao uses it, cuts as jieba does."""
    pytest.importorskip("rjieba")
    from caogao.text import segment
    runs = sorted({b for r in reports for b in segment.BLOCK_RE.findall(r.text)})
    jieba_cut, rjieba_cut = segment.jieba_tokenizer().cut, segment.rjieba_segmenter().cut
    assert len(runs) > 5000
    assert [b for b in runs if list(jieba_cut(b)) != segment.normalise(rjieba_cut(b))] == []


def test_a_report_repeated_word_for_word_credits_every_copy(reports):
    # A big corpus repeats units word for word, and the miner reads each repeated text once:
    # every copy must still be a source, in corpus order, and count toward n_reports.
    import copy

    base = [r for r in reports if r.id.startswith("000_")]
    twin = copy.deepcopy(base[0])
    twin.id, twin.title = "twin#1", base[0].title + "（副本）"
    once, twice = mine(base), mine(base + [twin])
    first = {(p.text, p.section, p.kind): p for p in once.phrases}
    shared = [p for p in twice.phrases if (p.text, p.section, p.kind) in first and p.kind != "set_phrase"]
    assert len(shared) >= 20
    for p in shared:
        ids = [s.report_id for s in p.sources]
        assert ids[0] == base[0].id and "twin#1" in ids, p.text
        assert ids.index("twin#1") > max(i for i, rid in enumerate(ids) if rid == base[0].id)
        assert p.n_reports == 2


def test_strands_are_found_as_the_strand_pattern_finds_them(reports):
    # strands() is the fast form of units._STRAND: every 一是…/二是… a report has, and nothing else
    import random

    from caogao.mining.units import _STRAND, strands

    def by_pattern(text):
        return [m.group(1) for m in _STRAND.finditer(text)]

    texts = [r.text for r in reports]
    texts += ["一是抓好产业发展；二是做好民生保障。", "工作：\u3000三是推进项目建设，四是", "要求一是不够",
              "第一是首要任务。十二是加强队伍建设管理"]
    rng = random.Random(7)
    texts += ["".join(rng.choice("。；：: \n一二十是" + "治" * 8) for _ in range(rng.randint(0, 200)))
              for _ in range(3000)]
    assert sum(len(by_pattern(t)) for t in texts[:len(reports)]) > 10  # the corpus has strands to find
    for text in texts:
        assert strands(text) == by_pattern(text), text


def test_the_superior_is_the_county_or_district_mentioned_else_the_city():
    from caogao.mining.slots import superior_level

    assert superior_level("在市委、市政府和县委的坚强领导下") == "县"
    assert superior_level("在市委、区委区政府的坚强领导下") == "区"
    assert superior_level("在市委、市政府的坚强领导下") == "市"
    assert superior_level("在上级党委的坚强领导下") == "县"


@pytest.mark.parametrize("damage", ["folder", "fifo", "garbage", "truncated", "no home"])
def test_a_home_where_jieba_cannot_keep_its_cache_costs_no_traceback(tmp_path, damage):
    # jieba logs a traceback when it cannot write its dictionary cache (a read-only home); the
    # cache only saves time, so the user sees nothing, and a damaged one is made again.
    import importlib.metadata as md
    import marshal
    import os
    import subprocess
    import sys

    cache = tmp_path / f"jieba-{md.version('jieba')}.cache"  # where jieba's cache file goes
    home = tmp_path
    if damage == "no home":
        home = tmp_path / "a file"  # caogao's folder cannot be made: jieba keeps its cache elsewhere
        home.write_text("x")
    elif damage == "folder":
        cache.mkdir()  # unwritable, even by root
    elif damage == "fifo":
        os.mkfifo(cache)  # never opened: a read would wait for a writer for ever
    else:
        cache.write_bytes(b"\x00not marshal" if damage == "garbage" else marshal.dumps(({"桂": 1}, 1))[:-3])
    code = "from caogao.text.postag import pos_tag; print(pos_tag('桂花村污水管网建成投用')[0][0])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, CAOGAO_HOME=str(home), TMPDIR=str(tmp_path)))  # jieba's fallback
    assert done.returncode == 0 and done.stdout.strip() == "桂花"
    assert done.stderr == ""
