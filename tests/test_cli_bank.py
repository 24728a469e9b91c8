"""``caogao bank …`` as a user runs it: output, JSON fields, exit codes, stdin, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caogao.bank.sources import fingerprint
from caogao.bank.store import write_bank
from caogao.cli.app import app
from caogao.paths import corpus_dir
from test_bank import KEYWORDS, PHRASES, REPORTS, Mined

runner = CliRunner()


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> str:
    """A hand-made bank that counts as up to date for the shipped corpus (no rebuild)."""
    db = tmp_path_factory.mktemp("cli-bank") / "bank.sqlite"
    meta = {"fingerprint": fingerprint([corpus_dir()], []), "sources": {"shipped": True, "office": []}}
    write_bank(db, Mined(PHRASES, KEYWORDS, {}), REPORTS, office_ids={"own#1"}, meta=meta)
    return str(db)


def run(*args: str, input: str | None = None):
    return runner.invoke(app, ["bank", *args], input=input)


def test_search_json_is_a_list_of_hits_with_the_documented_fields(small_db):
    r = run("search", "生态", "--section", "生态环境", "--kind", "heading1", "--json", "--db", small_db)
    assert r.exit_code == 0, r.output
    hits = json.loads(r.stdout)
    assert [h["text"] for h in hits][0] == "守护绿水青山，生态底色持续擦亮"
    for h in hits:
        assert {"text", "section", "kind", "score", "generic", "sources"} <= set(h)
        assert h["section"] == "生态环境" and h["kind"] == "heading1" and "生态" in h["text"]
        assert all(set(s) >= {"report", "heading"} for s in h["sources"])


def test_search_readable_output_and_limit(small_db):
    r = run("search", "生态", "--limit", "2", "--db", small_db)
    assert r.exit_code == 0
    assert "守护绿水青山" in r.stdout and "本单位" in r.stdout
    assert r.stdout.count("生态环境｜") == 2
    r = run("search", "没有这句话", "--db", small_db)
    assert r.exit_code == 0 and r.stdout == "" and "没有找到" in r.stderr


def test_unknown_section_names_the_closest_and_exits_2(small_db):
    r = run("search", "生态", "--section", "生态环镜", "--db", small_db)
    assert r.exit_code == 2
    assert "生态环镜" in r.stderr and "最接近的是“生态环境”" in r.stderr
    r = run("search", "--kind", "title", "--db", small_db)
    assert r.exit_code == 2 and "heading1" in r.stderr


def test_sections_json(small_db):
    r = run("sections", "--json", "--db", small_db)
    rows = json.loads(r.stdout)
    eco = next(row for row in rows if row["section"] == "生态环境")
    assert eco == {"section": "生态环境", "count": 6, "keywords": ["生态", "环境", "河长制"]}


def test_export_csv_with_bom_and_no_silent_overwrite(small_db, tmp_path):
    out = tmp_path / "短语库.csv"
    r = run("export", "--format", "csv", "-o", str(out), "--db", small_db)
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbftext,")
    r = run("export", "--format", "csv", "-o", str(out), "--db", small_db)
    assert r.exit_code == 1 and "--force" in r.stderr
    assert run("export", "--format", "csv", "-o", str(out), "--force", "--db", small_db).exit_code == 0
    r = run("export", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx"), "--db", small_db)
    assert r.exit_code == 2 and "csv" in r.stderr


def test_a_file_that_is_not_a_bank_is_refused(tmp_path):
    other = tmp_path / "报告.docx"
    other.write_bytes(b"PK\x03\x04 not a bank")
    r = run("search", "生态", "--db", str(other))
    assert r.exit_code == 1 and "不是 caogao 短语库" in r.stderr
    assert other.read_bytes() == b"PK\x03\x04 not a bank"


def search_imports(db: str, *args: str) -> tuple[list, list[str]]:
    """Run `caogao bank search` in a fresh interpreter; return its hits and heavy modules loaded."""
    code = (
        "import sys\n"
        "from caogao.cli.app import app\n"
        "try:\n"
        f"    app(['bank', 'search', *{list(args)!r}, '--json', '--db', {db!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'jieba', 'sklearn', 'numpy', 'scipy'})\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          timeout=60, cwd=Path(__file__).parent)
    heavy = proc.stderr.rsplit("HEAVY=", 1)[1].strip()
    return json.loads(proc.stdout), [m for m in heavy.split(",") if m]


@pytest.mark.imports
def test_search_in_a_fresh_process_loads_no_jieba_or_sklearn(small_db):
    hits, heavy = search_imports(small_db, "生态", "--section", "生态环境")
    assert hits and heavy == []


# ---------------------------------------------------------------- on the bank built from the shipped corpus

def test_generic_ecology_headings_are_there_to_draft_with(built_bank):
    r = run("search", "生态", "--section", "生态环境", "--kind", "heading1", "--generic-only", "--json",
            "--db", str(built_bank))
    assert r.exit_code == 0, r.output
    hits = json.loads(r.stdout)
    assert len(hits) >= 5, [h["text"] for h in hits]
    assert all(h["generic"] and "生态" in h["text"] and h["kind"] == "heading1" for h in hits)


@pytest.mark.imports
def test_search_on_the_built_bank_loads_no_jieba_or_sklearn(built_bank):
    hits, heavy = search_imports(str(built_bank), "生态")
    assert hits and heavy == []


def test_classify_reads_stdin_lines_and_keeps_their_order(built_bank):
    lines = ["安全生产形势总体平稳，信访矛盾有效化解", "", "各位代表！在此表示衷心的感谢和崇高的敬意",
             "招商引资成效明显，重点项目加快推进"]
    r = run("classify", "-", "--json", "--db", str(built_bank), input="\n".join(lines) + "\n")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [row["text"] for row in rows] == [line for line in lines if line]
    assert [row["section"] for row in rows] == ["社会治理", "致谢", "项目建设"]
    assert all(set(row) == {"text", "section", "confidence"} for row in rows)
    r = run("classify", "招商引资成效明显", "--db", str(built_bank))
    assert r.exit_code == 0 and r.stdout.startswith("项目建设\t")


def test_similar_json(built_bank):
    r = run("similar", "全面推行河长制，持续改善水环境质量", "--limit", "3", "--json", "--db", str(built_bank))
    hits = json.loads(r.stdout)
    assert len(hits) == 3 and all({"text", "section", "match"} <= set(h) for h in hits)


def test_docx_export_of_the_built_bank_opens(built_bank, tmp_path):
    import docx

    out = tmp_path / "素材.docx"
    r = run("export", "--format", "docx", "-o", str(out), "--db", str(built_bank))
    assert r.exit_code == 0, r.output
    headings = {p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"}
    assert {"生态环境", "民生保障", "致谢"} <= headings


def test_build_prints_counts_and_progress(tmp_path):
    office = tmp_path / "本镇报告"
    office.mkdir()
    src = next(corpus_dir().glob("000_*.txt"))
    (office / "2023年工作报告.txt").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "office.sqlite"
    r = run("build", str(office), "--only", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "已构建短语库" in r.stdout and "报告 1 篇（本单位 1 篇）" in r.stdout
    assert "挖掘短语" in r.stderr
    r = run("search", "--json", "--limit", "1", "--db", str(db))
    assert json.loads(r.stdout)[0]["origin"] == "office"
    r = run("build", "--only", "--db", str(tmp_path / "x.sqlite"))
    assert r.exit_code == 2 and "--only" in r.stderr


def test_commands_that_only_read_write_nothing_to_the_build_cache(built_bank, tmp_path):
    # a fresh home whose bank is up to date: reading it must not create or touch the build cache
    import os
    import shutil

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(built_bank, home / "bank.sqlite")
    facts = Path(__file__).resolve().parent.parent / "examples" / "青禾镇2023年上半年.yaml"
    draft = tmp_path / "稿.docx"
    env = dict(os.environ, CAOGAO_HOME=str(home))

    def caogao(*args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "caogao", *args], capture_output=True, text=True,
                                env=env, cwd=tmp_path)
        assert result.returncode in ((0, 1) if args[0] == "check" else (0,)), result.stderr  # 1: check found something
        assert not (home / "build-cache.sqlite").exists(), args

    report = sorted(corpus_dir().glob("*.txt"))[0].stem
    for args in (["bank", "search", "生态", "--section", "生态环境"], ["bank", "sections"],
                 ["bank", "classify", "生态环境保护"], ["bank", "similar", "推进乡村振兴"],
                 ["bank", "export", "--format", "json", "-o", str(tmp_path / "bank.json")],
                 ["corpus", "list"], ["corpus", "show", report],
                 ["build", str(facts), "-o", str(draft)], ["check", str(draft)]):
        caogao(*args)
    assert not [p.name for p in home.iterdir() if p.name.startswith("build-cache")]
