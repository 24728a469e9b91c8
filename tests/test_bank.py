"""The phrase bank store: what search, listing, export and rebuilding give a user.

Most tests run on a small bank written from hand-made mining results (fast, no
jieba); the tests marked at the end run on the bank built from the shipped corpus.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from caogao.bank import build as bankmod
from caogao.bank.build import bank_state, open_bank
from caogao.bank.export import export_bank
from caogao.bank.query import Hit, PhraseBank
from caogao.bank.store import write_bank
from caogao.errors import BankError, OutputError, UsageError


@dataclass
class Src:
    report: str
    heading: str
    report_id: str


@dataclass
class Ph:
    text: str
    section: str
    kind: str
    score: float
    generic: bool
    shape: str = ""
    tokens: list[str] = field(default_factory=list)
    sources: list[Src] = field(default_factory=lambda: [Src("甲镇2023年上半年工作报告", "一、", "a#1")])
    n_reports: int = 1


@dataclass
class Mined:
    phrases: list[Ph]
    keywords: dict[str, list[str]]
    model: dict


@dataclass
class Rep:
    id: str
    title: str
    file: str
    year: int
    period: str


PHRASES = [
    Ph("优环境、美生态，生态环境持续改善", "生态环境", "heading1", 0.9, True, "3、3，*",
       ["环境", "生态", "生态环境", "持续", "改善"],
       [Src("甲镇报告", "二、优环境", "a#1"), Src("乙镇报告", "三、", "b#1")], 2),
    Ph("坚持生态优先，绿色发展底色更亮", "生态环境", "heading1", 0.7, True, "4，*", ["生态", "优先", "绿色", "发展"]),
    Ph("生态", "生态环境", "heading2", 0.1, True, "", ["生态"]),
    Ph("桂花村污水管网建成投用", "生态环境", "item", 0.5, False, "", ["桂花村", "污水", "管网"]),
    Ph("全面落实河长制，水质稳定达标", "生态环境", "heading2", 0.6, True, "", ["河长制", "水质", "达标"]),
    Ph("完成规上工业总产值{金额}，同比增长{百分比}", "指标段", "figure", 0.8, False, "", ["规上", "产值"]),
    Ph("抓项目、稳经济，高质量发展迈出坚实步伐", "经济发展", "heading1", 0.95, True, "3、3，*",
       ["项目", "经济", "高质量", "发展"]),
    Ph("向全体代表表示衷心的感谢和崇高的敬意", "致谢", "set_phrase", 0.4, True, "", ["感谢", "敬意"],
       [Src("甲镇报告", "", "a#1"), Src("乙镇报告", "", "b#1"), Src("丙镇报告", "", "c#1")], 3),
    # from the office's own report: ranks above the shipped phrasing
    Ph("守护绿水青山，生态底色持续擦亮", "生态环境", "heading1", 0.2, True, "4，*", ["绿水青山", "生态"],
       [Src("本镇2022年工作报告", "二、", "own#1")]),
]
KEYWORDS = {"生态环境": ["生态", "环境", "河长制"], "经济发展": ["产值", "工业"]}
REPORTS = [Rep("a#1", "甲镇报告", "a.txt", 2023, "上半年"), Rep("own#1", "本镇2022年工作报告", "own.txt", 2022, "全年")]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("fixture-bank") / "bank.sqlite"
    write_bank(db, Mined(PHRASES, KEYWORDS, {"vocabulary": {}, "idf": []}), REPORTS, office_ids={"own#1"})
    return db


@pytest.fixture
def bank(fixture_db):
    with PhraseBank(fixture_db) as b:
        yield b


def texts(hits: list[Hit]) -> list[str]:
    return [h.text for h in hits]


# ---------------------------------------------------------------- search

def test_two_character_query_finds_exactly_the_phrases_containing_it(bank):
    found = texts(bank.search("生态", limit=100))
    assert sorted(found) == sorted(p.text for p in PHRASES if "生态" in p.text)


def test_one_character_and_several_word_queries(bank):
    assert sorted(texts(bank.search("村", limit=100))) == ["桂花村污水管网建成投用"]
    # words separated by spaces must all occur, anywhere in the phrase
    assert texts(bank.search("环境 改善")) == ["优环境、美生态，生态环境持续改善"]
    assert bank.search("生态 河长制") == []
    assert bank.search("完全不存在的说法") == []


def test_query_longer_than_a_bigram_is_verified_not_just_its_bigrams(bank):
    # every bigram of 生态生态 occurs in some phrase, but the string itself in none
    assert bank.search("态生态") == []


def test_filters_by_section_kind_and_generic(bank):
    hits = bank.search("生态", section="生态环境", kind="heading1", generic_only=True)
    assert hits and all(h.section == "生态环境" and h.kind == "heading1" and h.generic for h in hits)
    assert all(h.generic for h in bank.search(section="生态环境", generic_only=True, limit=100))
    assert "桂花村污水管网建成投用" not in texts(bank.search("管网", generic_only=True))
    # an alias from sections.yaml means its type
    assert texts(bank.search(section="河长制", limit=100)) == texts(bank.search(section="生态环境", limit=100))


def test_unknown_section_or_kind_is_a_usage_error_naming_the_closest(bank):
    with pytest.raises(UsageError) as exc:
        bank.search("生态", section="生态环镜")
    assert "生态环境" in str(exc.value) and exc.value.exit_code == 2
    with pytest.raises(UsageError) as exc:
        bank.search(kind="heading")
    assert "heading1" in str(exc.value)


def test_office_phrases_come_first_then_the_best_match(bank):
    hits = bank.search("生态", section="生态环境", kind="heading1")
    assert hits[0].text == "守护绿水青山，生态底色持续擦亮" and hits[0].origin == "office"
    assert {h.origin for h in hits[1:]} == {"shipped"}
    # among shipped phrases, the exact match beats phrases that merely contain the query
    shipped = [h for h in bank.search("生态", limit=100) if h.origin == "shipped"]
    assert shipped[0].text == "生态"


def test_without_query_the_stored_score_and_spread_rank(bank):
    hits = bank.search(section="经济发展")
    assert texts(hits) == ["抓项目、稳经济，高质量发展迈出坚实步伐"]
    shipped = [h for h in bank.phrases(section="生态环境", kind="heading1") if h.origin == "shipped"]
    assert texts(shipped) == ["优环境、美生态，生态环境持续改善", "坚持生态优先，绿色发展底色更亮"]
    assert len(bank.search(limit=3)) == 3
    assert len(bank.phrases()) == len(PHRASES)


def test_hit_json_fields_and_sources(bank):
    hit = bank.search("优环境")[0]
    d = hit.to_dict()
    assert {"text", "section", "kind", "score", "generic", "sources"} <= set(d)
    assert d["sources"] == [{"report": "甲镇报告", "heading": "二、优环境", "report_id": "a#1"},
                            {"report": "乙镇报告", "heading": "三、", "report_id": "b#1"}]
    assert d["shape"] == "3、3，*" and d["generic"] is True and d["n_reports"] == 2
    json.dumps(d, ensure_ascii=False)


def test_sections_lists_every_type_with_counts_and_keywords(bank):
    rows = {r["section"]: r for r in bank.sections()}
    assert rows["生态环境"]["count"] == 6 and rows["生态环境"]["keywords"][:2] == ["生态", "环境"]
    assert rows["致谢"]["count"] == 1 and rows["自身建设"]["count"] == 0


def test_similar_ranks_by_shared_weighted_words(bank, monkeypatch):
    # segmenting is the tokenizer's job; here words are given separated by spaces
    monkeypatch.setattr("caogao.text.segment.tokenize", lambda text: text.split())
    hits = bank.similar("河长制 水质 提升")
    assert hits[0].text == "全面落实河长制，水质稳定达标" and 0 < hits[0].match < 1
    assert all("河长制" in h.text or "水质" in h.text for h in hits)
    assert bank.similar("毫不相干 的 词") == []


# ---------------------------------------------------------------- schema, safety

def test_a_bank_of_another_schema_version_is_rebuilt_never_read(fixture_db, tmp_path):
    old = tmp_path / "old.sqlite"
    shutil.copy(fixture_db, old)
    with sqlite3.connect(old) as c:
        c.execute("PRAGMA user_version = 0")
    c.close()
    assert bank_state(old) == "old"
    with pytest.raises(BankError, match="版本"):
        PhraseBank(old)


def test_a_file_that_is_not_a_bank_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("我的笔记", encoding="utf-8")
    with pytest.raises(BankError, match="不是 caogao 短语库"):
        write_bank(notes, Mined(PHRASES, KEYWORDS, {}))
    with pytest.raises(BankError):
        open_bank(notes)
    assert notes.read_text(encoding="utf-8") == "我的笔记"


def test_a_failed_build_leaves_the_old_bank_and_no_temporary_file(fixture_db, tmp_path):
    db = tmp_path / "bank.sqlite"
    shutil.copy(fixture_db, db)
    before = db.read_bytes()
    broken = Mined([Ph("半截", "生态环境", "item", 0.1, True, sources=None)], {}, {})
    with pytest.raises(TypeError):
        write_bank(db, broken)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.sqlite"]


# ---------------------------------------------------------------- export

def test_csv_export_has_a_bom_and_every_phrase(bank, tmp_path):
    out = tmp_path / "短语库.csv"
    assert export_bank(bank, "csv", out) == len(PHRASES)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(PHRASES) and rows[0].keys() >= {"text", "section", "kind", "generic", "sources"}
    assert "甲镇报告｜二、优环境" in next(r["sources"] for r in rows if r["text"].startswith("优环境"))


def test_json_export_and_refusing_to_overwrite(bank, tmp_path):
    out = tmp_path / "bank.json"
    export_bank(bank, "json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {d["text"] for d in data} == {p.text for p in PHRASES}
    with pytest.raises(OutputError):
        export_bank(bank, "json", out)
    export_bank(bank, "csv", out, force=True)
    with pytest.raises(UsageError, match="xlsx"):
        export_bank(bank, "xlsx", tmp_path / "x.xlsx")


def test_docx_export_opens_with_python_docx_grouped_by_section(bank, tmp_path):
    import docx

    out = tmp_path / "素材.docx"
    export_bank(bank, "docx", out)
    doc = docx.Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "生态环境" in headings and "致谢" in headings
    body = "\n".join(p.text for p in doc.paragraphs)
    assert all(p.text in body for p in PHRASES)
    assert body.index("生态环境") < body.index("优环境、美生态")


# ---------------------------------------------------------------- the bank built from the shipped corpus

PLACE_SUFFIXES = ("村", "镇", "街道", "社区")
FIRM_SUFFIXES = ("有限公司", "公司", "合作社", "园区", "项目", "工程")
PROPER_NOUN = ("ns", "nr", "nz", "nt")  # jieba POS: places, people, other proper nouns, organisations
# Words ending like a name that name nothing in particular (found by the rules below).
NOT_NAMES = {"文明村", "中心镇", "城中村", "文旅兴镇", "镇区街道", "亚运村", "示范村", "中心村", "自然村", "行政村",
             "民俗旅游村", "善镇村", "大中修", "白改黑", "车厘子"}


def corpus_names() -> set[str]:
    """Names of villages, towns, firms and projects in the shipped corpus, by suffix rules.

    A place is a word ending in 村/镇/街道/社区 (or a word followed by one) that
    jieba tags as a proper noun, or a noun it hardly knows; a firm or project is
    a proper noun jieba does not know at all, standing just before 公司/项目/….
    """
    from caogao.paths import corpus_dir
    from caogao.text.postag import pos_tag
    from caogao.text.segment import jieba_tokenizer

    freq = jieba_tokenizer().FREQ
    text = "\n".join(f.read_text(encoding="utf-8") for f in sorted(corpus_dir().glob("*.txt")))
    tags = pos_tag(text)
    names = set()
    for i, (word, flag) in enumerate(tags):
        prev, prev_flag = tags[i - 1] if i else ("", "")
        if len(word) >= 3 and word.endswith(PLACE_SUFFIXES) and flag.startswith(PROPER_NOUN):
            names.add(word)
        elif word in PLACE_SUFFIXES and len(prev) >= 2 and (
                prev_flag.startswith(PROPER_NOUN) or (prev_flag == "n" and freq.get(prev, 0) < 30)):
            names.add(prev + word)
        elif word.endswith(FIRM_SUFFIXES):
            names.update(w for w, f in tags[max(0, i - 3):i]
                         if len(w) >= 2 and f.startswith(PROPER_NOUN) and not freq.get(w)
                         and not re.search("[村镇]", w))  # 镇域, 兴村: words, not names
    return {n for n in names - NOT_NAMES if not re.search(r"[Xx]", n)}


def test_a_common_word_finds_every_phrase_containing_it_however_many(tmp_path):
    # more phrases share 建设 (and more sources are named) than one SQLite query may bind:
    # every one is still found, with its source
    many = [Ph(f"第{i}项建设任务", "经济发展", "item", 0.5, True, sources=[Src(f"报告{i}", "一、", f"r#{i}")])
            for i in range(2500)]
    write_bank(tmp_path / "big.sqlite", Mined(many + [Ph("别的说法", "总述", "set_phrase", 0.5, True)], {}, {}))
    with PhraseBank(tmp_path / "big.sqlite") as b:
        found = b.search("建设", limit=None)
    assert sorted(h.text for h in found) == sorted(p.text for p in many)
    assert all(h.sources == [{"report": f"报告{h.text[1:-5]}", "heading": "一、", "report_id": f"r#{h.text[1:-5]}"}]
               for h in found)


def test_no_generic_phrase_carries_a_figure_a_redaction_or_a_corpus_name(built_bank):
    names = corpus_names()
    assert {"桂花村", "白沙镇", "卜林村", "朝晖社区"} <= names  # the rules do find real names
    with PhraseBank(built_bank) as b:
        generic = b.phrases(generic_only=True)
    assert len(generic) >= 100
    bad = {}
    for h in generic:
        if re.search(r"[0-9０-９]|XX|xx|ＸＸ|有限公司", h.text):
            bad[h.text] = "digit/XX"
        else:
            found = [n for n in names if n in h.text]
            if found:
                bad[h.text] = found
    assert not bad, bad


def test_classify_keeps_order_and_names_clear_cases(built_bank):
    texts = ["各位代表！上半年取得的成绩来之不易，在此表示衷心的感谢",
             "安全生产形势总体平稳，信访矛盾有效化解",
             "招商引资成效明显，重点项目加快推进"]
    with PhraseBank(built_bank) as b:
        rows = b.classify(texts)
    assert [r["text"] for r in rows] == texts
    assert [r["section"] for r in rows] == ["致谢", "社会治理", "项目建设"]
    assert all(0 < r["confidence"] <= 1 for r in rows)


def test_similar_finds_phrases_on_the_same_subject(built_bank):
    with PhraseBank(built_bank) as b:
        hits = b.similar("全面推行河长制，持续改善水环境质量", limit=5)
    assert len(hits) == 5 and hits[0].match >= hits[-1].match > 0
    assert sum(h.section == "生态环境" for h in hits) >= 3


def copy_reports(folder: Path, *names: str) -> Path:
    from caogao.paths import corpus_dir

    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = next(corpus_dir().glob(f"{name}_*.txt"))
        shutil.copy(src, folder / src.name)
    return folder


@pytest.fixture
def fake_mine(monkeypatch):
    """Mining replaced by one phrase per report (its title): rebuilds cost nothing, calls are seen."""
    calls: list[list[str]] = []

    def mine(reports, progress=None, refit=False):
        calls.append(sorted(r.id for r in reports))
        return Mined([Ph(r.title, "总述", "set_phrase", 1.0, True, sources=[Src(r.title, "", r.id)])
                      for r in reports], {}, {})

    monkeypatch.setattr("caogao.mining.miner.mine", mine)
    return calls


def test_open_bank_builds_once_and_rebuilds_when_corpus_or_schema_changes(tmp_path, fake_mine):
    corpus = [copy_reports(tmp_path / "corpus", "000", "003")]
    db = tmp_path / "bank.sqlite"
    with open_bank(db, corpus=corpus) as b:  # missing: built
        assert len(b.phrases()) == 2
    open_bank(db, corpus=corpus).close()  # up to date: not rebuilt
    assert len(fake_mine) == 1 and bank_state(db, corpus=corpus) == "ok"

    next((tmp_path / "corpus").glob("003_*")).unlink()
    assert bank_state(db, corpus=corpus) == "stale"
    with open_bank(db, corpus=corpus) as b:
        assert len(fake_mine) == 2 and fake_mine[-1] == ["000_e15550067dc943f2#1"]
        assert len(b.phrases()) == 1

    with sqlite3.connect(db) as c:
        c.execute("PRAGMA user_version = 99")
    c.close()
    assert bank_state(db, corpus=corpus) == "old"
    with open_bank(db, corpus=corpus) as b:
        assert len(fake_mine) == 3 and b.search(limit=1) and bank_state(db, corpus=corpus) == "ok"


def test_an_edit_that_keeps_the_size_and_the_modification_time_makes_the_bank_stale(tmp_path, fake_mine):
    office = copy_reports(tmp_path / "本镇报告", "000", "003")
    db = tmp_path / "office.sqlite"
    bankmod.build_bank([office], db=db, only=True)
    report = next(office.glob("000_*"))
    before, st = report.read_text(encoding="utf-8"), report.stat()
    title = before.splitlines()[0]
    edited = title.replace("镇", "乡", 1)
    assert edited != title and len(edited.encode()) == len(title.encode())
    report.write_text(before.replace(title, edited, 1), encoding="utf-8")
    os.utime(report, ns=(st.st_atime_ns, st.st_mtime_ns))  # as a copy tool that keeps times leaves it
    assert report.stat().st_size == st.st_size and report.stat().st_mtime_ns == st.st_mtime_ns
    assert bank_state(db) == "stale"
    with open_bank(db) as bank:  # rebuilt from the edited file
        assert edited in [h.text for h in bank.phrases()]
        assert title not in [h.text for h in bank.phrases()]
    assert bank_state(db) == "ok"


def test_office_reports_rank_first(tmp_path):
    corpus = [copy_reports(tmp_path / "corpus", "000")]
    office = copy_reports(tmp_path / "本镇报告", "003")
    db = tmp_path / "office.sqlite"
    stats = bankmod.build_bank([office], db=db, corpus=corpus)
    assert (stats.reports, stats.office_reports) == (2, 1)
    with PhraseBank(db) as b:
        origins = [h.origin for h in b.phrases()]
        assert {"office", "shipped"} <= set(origins)
        assert origins == sorted(origins, key=lambda o: o != "office")
        assert b.search(kind="heading1", limit=3)[0].origin == "office"
        from caogao.corpus.parse import load_corpus

        title = load_corpus([office])[0][0].title
        assert all(any(s["report"] == title for s in h.sources) for h in b.phrases() if h.origin == "office")


def test_an_office_bank_is_rebuilt_from_the_same_office_files(tmp_path, fake_mine):
    corpus = [copy_reports(tmp_path / "corpus", "000")]
    office = copy_reports(tmp_path / "本镇报告", "003")
    db = tmp_path / "office.sqlite"
    bankmod.build_bank([office], db=db, corpus=corpus)
    report = next(office.glob("*.txt"))
    report.write_text(report.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert bank_state(db, corpus=corpus) == "stale"
    with open_bank(db, corpus=corpus) as b:
        assert len(fake_mine) == 2 and [h.origin for h in b.phrases()] == ["office", "shipped"]
        assert json.loads(b.meta()["sources"])["office"] == [str(office.resolve())]

    office.rename(tmp_path / "搬走了")  # the office folder moved: keep its phrases, do not rebuild
    messages: list[str] = []
    with open_bank(db, corpus=corpus, progress=messages.append) as b:
        assert len(fake_mine) == 2 and b.phrases()[0].origin == "office"
    assert "本单位报告已不在原处" in messages[0]
    office = tmp_path / "搬走了"

    only = bankmod.build_bank([office], db=tmp_path / "only.sqlite", only=True)
    assert (only.reports, only.office_reports) == (1, 1) and fake_mine[-1] == ["003_ae52fde92ffdef5c#1"]
    with pytest.raises(UsageError, match="--only"):
        bankmod.build_bank(None, db=tmp_path / "none.sqlite", only=True)


# ---------------------------------------------------------------- the build cache

def bank_content(db: Path) -> dict[str, list[tuple]]:
    """Everything a bank holds but the time it was built."""
    with sqlite3.connect(db) as c:
        out = {t: c.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
               for t in ("reports", "phrases", "places", "keywords", "model")}
        out["meta"] = c.execute("SELECT * FROM meta WHERE key != 'built' ORDER BY key").fetchall()
    c.close()
    return out


def test_an_unchanged_corpus_is_rebuilt_from_the_cache_alone(built_bank, tmp_path):
    # a user's second `caogao bank build`, in a new process: no segmenter, no scikit-learn, the same bank
    again = tmp_path / "again.sqlite"
    code = ("import sys\n"
            "from caogao.bank.build import build_bank\n"
            f"build_bank(db={str(again)!r})\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'jieba', 'rjieba', 'sklearn', 'numpy', 'scipy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ)).stdout
    assert out.strip() == "[]"
    assert bank_content(again) == bank_content(built_bank)


ADDED = "今年还将新建智慧农业示范园，培育乡村振兴带头人。"


def forget_in_process() -> None:
    """Drop the words and tags this process remembers, as each `caogao bank build` starts afresh."""
    from caogao.bank.cache import memory
    memory.cache_clear()


@pytest.fixture(scope="module")
def edited_corpus(tmp_path_factory):
    """Two reports, the build cache of a build before one of them was edited, and the bank of the edited ones."""
    root = tmp_path_factory.mktemp("edited")
    corpus = copy_reports(root / "corpus", "000", "003")
    with pytest.MonkeyPatch.context() as mp:
        forget_in_process()
        mp.setenv("CAOGAO_HOME", str(root / "before"))
        bankmod.build_bank(db=root / "before.sqlite", corpus=[corpus])
        report = next(corpus.glob("000_*"))
        report.write_text(report.read_text(encoding="utf-8") + "\n" + ADDED + "\n", encoding="utf-8")
        mp.setenv("CAOGAO_HOME", str(root / "fresh"))  # an empty build cache: all mined anew
        forget_in_process()
        bankmod.build_bank(db=root / "fresh.sqlite", corpus=[corpus])
    return corpus, root / "before", root / "fresh.sqlite"


def test_after_one_report_changed_only_its_new_text_is_segmented(edited_corpus, tmp_path, monkeypatch):
    # What a rebuild segments and tags anew is what it adds to the build cache.
    from caogao.bank.cache import Cache
    from caogao.corpus import files
    corpus, before, fresh = edited_corpus
    shutil.copytree(before, tmp_path / "home")
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "home"))
    forget_in_process()
    stored: dict[str, list[str]] = {}
    decoded = []
    real_put, real_read = Cache.put_many, files.read_text

    def put_many(self, namespace, items):
        stored.setdefault(namespace.split("/")[0], []).extend(items)
        return real_put(self, namespace, items)

    monkeypatch.setattr(Cache, "put_many", put_many)
    monkeypatch.setattr(files, "read_text", lambda path: decoded.append(Path(path).name) or real_read(path))
    # refit: a fresh build fits its classifier, so this one must too to give the same bank (a
    # rebuild keeps a model whose training rows changed by less than 1 %: another test shows that)
    bankmod.build_bank(db=tmp_path / "bank.sqlite", corpus=[corpus], refit=True)
    assert [name[:4] for name in decoded] == ["000_"]  # the unchanged report was not decoded again
    added = ("今年还将新建智慧农业示范园", "培育乡村振兴带头人")
    assert any("智慧农业示范园" in text for text in stored["text"])  # the new text was read …
    assert all(any(a in text for a in added) for text in stored["text"])  # … and nothing else was segmented again
    assert all(clause in ADDED for clause in stored.get("pos", []))
    assert bank_content(tmp_path / "bank.sqlite") == bank_content(fresh)


def test_a_corrupt_build_cache_is_rebuilt_not_a_crash(edited_corpus, tmp_path, monkeypatch):
    corpus, _, fresh = edited_corpus
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CAOGAO_HOME", str(home))
    (home / "build-cache.sqlite").write_bytes(b"\x00garbage, not SQLite" * 500)
    bankmod.build_bank(db=tmp_path / "bank.sqlite", corpus=[corpus])
    assert bank_content(tmp_path / "bank.sqlite") == bank_content(fresh)
    with sqlite3.connect(home / "build-cache.sqlite") as c:  # a working cache again, filled by this build
        assert c.execute("SELECT count(*) FROM entries").fetchone()[0] > 0
    c.close()


def test_an_edited_corpus_gets_the_bank_a_fresh_build_would_give(edited_corpus, tmp_path, monkeypatch):
    # A rebuild after an edit reuses what the build before kept (words, tags, the classifier
    # when its training rows hardly changed) and fits anew otherwise: the bank is a fresh build's.
    corpus, before, fresh = edited_corpus
    shutil.copytree(before, tmp_path / "home")
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "home"))
    forget_in_process()
    bankmod.build_bank(db=tmp_path / "after.sqlite", corpus=[corpus])
    after, anew = bank_content(tmp_path / "after.sqlite"), bank_content(fresh)
    # the edit changed under 1 % of the classifier's training rows: the model before it is kept,
    # and it labels these reports as a new fit does
    assert json.loads(dict(after["meta"])["classifier"])["reused"]
    assert {k: v for k, v in after.items() if k not in ("meta", "model")} == \
        {k: v for k, v in anew.items() if k not in ("meta", "model")}


def test_the_miners_place_numbers_give_the_sources_numbering_them_anew_gives(edited_corpus, tmp_path,
                                                                            monkeypatch):
    import dataclasses

    from caogao.mining.miner import mine
    from caogao.corpus.parse import load_corpus

    corpus, _, _ = edited_corpus
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "home"))
    reports, _ = load_corpus([corpus])
    mined = mine(reports)
    assert mined.places and all(p.place_ids for p in mined.phrases)
    write_bank(tmp_path / "numbered.sqlite", mined, reports)
    anew = dataclasses.replace(mined, places=[])  # as if made elsewhere: numbered by write_bank
    write_bank(tmp_path / "anew.sqlite", anew, reports)
    with PhraseBank(tmp_path / "numbered.sqlite") as a, PhraseBank(tmp_path / "anew.sqlite") as b:
        assert [h.to_dict() for h in a.phrases()] == [h.to_dict() for h in b.phrases()]
        assert len({(s["report_id"], s["heading"]) for h in a.phrases() for s in h.sources}) > 1
    with sqlite3.connect(tmp_path / "numbered.sqlite") as c:  # only places a phrase comes from
        rows = c.execute("SELECT count(*) FROM places").fetchone()[0]
    c.close()
    assert rows == len({i for p in mined.phrases for i in p.place_ids})


def test_a_small_edit_keeps_the_classifier_and_refit_fits_anew(built_bank, tmp_path):
    # One sentence more in a corpus of 15 reports changes 0.1 % of the classifier's training
    # rows: the rebuild keeps the model (no scikit-learn import, no fit) and says so; --refit fits.
    corpus = copy_reports(tmp_path / "corpus", "000", "001", "002", "003", "004")
    report = next(corpus.glob("003_*"))
    report.write_text(report.read_text(encoding="utf-8") + "\n智慧农业示范园今年新增5个，带动农户增收。\n",
                      encoding="utf-8")
    kept, refitted = tmp_path / "kept.sqlite", tmp_path / "refitted.sqlite"
    bankmod.build_bank(db=kept, corpus=[corpus])
    bankmod.build_bank(db=refitted, corpus=[corpus], refit=True)
    with PhraseBank(kept) as a, PhraseBank(refitted) as b:
        reuse, fit = json.loads(a.meta()["classifier"]), json.loads(b.meta()["classifier"])
        assert reuse["reused"] and 0 < reuse["training_rows_changed"] <= 0.01
        assert fit == {"reused": False}
        assert any("智慧农业示范园" in h.text for h in a.search("智慧农业"))
        # the kept model labels this corpus as the new one does: the same phrases, sections and kinds
        assert {(h.text, h.section, h.kind) for h in a.phrases()} == {(h.text, h.section, h.kind) for h in b.phrases()}


def test_the_shipped_model_gives_the_bank_a_fit_made_here_gives(built_bank, tmp_path):
    # The default bank of a fresh home uses the model shipped with the corpus; a --refit fits
    # one on this machine, whose numbers differ from the shipped ones in the last bits.
    refitted = tmp_path / "refitted.sqlite"
    bankmod.build_bank(db=refitted, refit=True)

    def content(bank):
        return ({(h.text, h.section, h.kind, h.generic, json.dumps(h.sources, ensure_ascii=False, sort_keys=True))
                 for h in bank.phrases()},
                bank.sections())

    with PhraseBank(built_bank) as a, PhraseBank(refitted) as b:
        assert json.loads(b.meta()["classifier"]) == {"reused": False}
        assert content(a) == content(b)


def test_a_file_edited_while_a_build_reads_it_is_parsed_as_read_and_never_cached(tmp_path, monkeypatch):
    # the build hashes every file first, then parses the ones it has not seen; a file saved
    # in between is parsed as it now reads, and its reports are not kept under the old hash
    from caogao.bank.sources import file_states, load
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "home"))
    forget_in_process()
    corpus = copy_reports(tmp_path / "corpus", "000")
    report = next(corpus.glob("000_*"))
    original = report.read_text(encoding="utf-8")
    before = file_states([corpus])
    report.write_text(original + "\n" + ADDED + "\n", encoding="utf-8")  # saved meanwhile
    reports, _ = load([corpus], states=before)
    assert "智慧农业示范园" in reports[-1].text
    report.write_text(original, encoding="utf-8")  # the bytes the old hash names, again
    reports, _ = load([corpus], states=before)
    assert "智慧农业示范园" not in "".join(r.text for r in reports)
