"""The bank keeps the office's reports and heals: races, old formats, damage, killed builds.

Each test runs in a home of its own (``CAOGAO_HOME`` under ``tmp_path``); processes that
may hang get timeouts, and a killed build is killed with its whole process group.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caogao.bank import build as bankmod
from caogao.bank.build import bank_state, open_bank
from caogao.cli.app import app
from caogao.paths import default_bank_path
from test_bank import Mined, Ph, Src, copy_reports

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def caogao(home: Path, *args: str, timeout: float = 300) -> subprocess.Popen:
    env = {**os.environ, "CAOGAO_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([sys.executable, "-m", "caogao.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return proc.returncode, out, err


def office_reports(db: Path) -> int:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as c:
        n = c.execute("SELECT count(*) FROM reports WHERE origin = 'office'").fetchone()[0]
    c.close()
    return n


@pytest.fixture
def fake_mine(monkeypatch):
    """Mining replaced by one phrase per report (its title): rebuilds cost nothing."""
    def mine(reports, progress=None, refit=False):
        return Mined([Ph(r.title, "总述", "set_phrase", 1.0, True, sources=[Src(r.title, "", r.id)])
                      for r in reports], {}, {})

    monkeypatch.setattr("caogao.mining.miner.mine", mine)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CAOGAO_HOME", str(home))
    return home


# ---------------------------------------------------------------- the office's reports stay

def test_a_draft_racing_an_office_build_never_drops_the_office_reports(tmp_path):
    home = tmp_path / "home"
    office = copy_reports(tmp_path / "本单位", "000", "003")
    facts = sorted((ROOT / "examples").glob("*.yaml"))[0]
    builder = caogao(home, "bank", "build", str(office))
    drafter = caogao(home, "build", str(facts), "-o", str(tmp_path / "稿.docx"))
    for proc in (builder, drafter):
        code, _, err = finish(proc)
        assert code == 0 and "Traceback" not in err, err
    db = home / "bank.sqlite"
    assert office_reports(db) == 2
    sidecar = json.loads((home / "bank.sqlite.sources.json").read_text(encoding="utf-8"))
    assert sidecar == {"shipped": True, "office": [str(office.resolve())]}
    assert bank_state(db) == "ok"


@pytest.fixture
def office_bank(tmp_path, home, fake_mine) -> list[Path]:
    """caogao's own bank built from a one-report corpus (returned) and one office report."""
    corpus = [copy_reports(tmp_path / "corpus", "000")]
    bankmod.build_bank([copy_reports(tmp_path / "本单位", "003")], corpus=corpus)
    return corpus


def test_an_old_format_bank_is_rebuilt_with_its_office_reports(office_bank):
    corpus, db = office_bank, default_bank_path()
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA user_version = 4")
    c.close()
    assert bank_state(db, corpus=corpus) == "old"
    with open_bank(corpus=corpus) as bank:
        assert [h.origin for h in bank.search(limit=None)] == ["office", "shipped"]
    assert office_reports(db) == 1


def test_a_build_without_paths_keeps_the_recorded_office_reports(tmp_path, home, fake_mine):
    corpus = [copy_reports(tmp_path / "corpus", "000")]
    office = copy_reports(tmp_path / "本单位", "003")
    db = tmp_path / "mine.sqlite"
    bankmod.build_bank([office], db=db, corpus=corpus)
    stats = bankmod.build_bank(db=db, corpus=corpus)
    assert (stats.reports, stats.office_reports) == (2, 1)
    shutil.move(office, tmp_path / "搬走了")
    before = db.read_bytes()
    r = runner.invoke(app, ["bank", "build", "--db", str(db)])
    assert r.exit_code == 1 and "本单位报告已不在原处" in r.stderr and db.read_bytes() == before


# ---------------------------------------------------------------- a damaged bank heals

@pytest.fixture
def own_bank(built_bank, home) -> Path:
    """caogao's own bank in a fresh home: the session's bank, its sidecar and its build cache."""
    for name in ("bank.sqlite", "bank.sqlite.sources.json", "build-cache.sqlite"):
        if (built_bank.parent / name).exists():
            shutil.copy(built_bank.parent / name, home / name)
    return home / "bank.sqlite"


def export(out: Path, *db: str):
    return runner.invoke(app, ["bank", "export", "--format", "json", "-o", str(out), "--force", *db])


def a_phrases_page(db: Path) -> int:
    with sqlite3.connect(db) as c:
        pages = [p for (p,) in c.execute("SELECT pageno FROM dbstat WHERE name = 'phrases' AND pagetype = 'leaf'")]
    c.close()
    return pages[len(pages) // 2]


def truncate(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def garble_header(db: Path) -> None:
    with open(db, "r+b") as f:
        f.write(b"\xa5" * 100)


def garble_page(db: Path) -> None:
    page = a_phrases_page(db)
    with open(db, "r+b") as f:
        f.seek((page - 1) * 4096)
        f.write(bytes(range(256)) * 16)


@pytest.mark.parametrize("damage", [truncate, garble_header, garble_page])
def test_a_damaged_default_bank_is_rebuilt_with_a_message(damage, own_bank, tmp_path):
    with sqlite3.connect(own_bank) as c:
        assert c.execute("PRAGMA page_size").fetchone()[0] == 4096
    c.close()
    r = export(tmp_path / "clean.json")
    assert r.exit_code == 0, r.output
    damage(own_bank)
    r = export(tmp_path / "healed.json")
    assert r.exit_code == 0, r.output
    assert "损坏" in r.stderr and "内部错误" not in r.stderr
    assert (tmp_path / "healed.json").read_bytes() == (tmp_path / "clean.json").read_bytes()
    assert bank_state(own_bank) == "ok"


def test_a_damaged_default_bank_keeps_its_office_reports(office_bank):
    corpus, db = office_bank, default_bank_path()
    garble_header(db)  # its meta is unreadable now: the sidecar says what it was built from
    assert bank_state(db, corpus=corpus) == "damaged"
    with open_bank(corpus=corpus) as bank:
        assert [h.origin for h in bank.search(limit=None)] == ["office", "shipped"]


@pytest.mark.parametrize("damage", [truncate, garble_header, garble_page])
def test_a_damaged_bank_the_user_named_is_refused_and_left_alone(damage, built_bank, tmp_path):
    db = tmp_path / "我的短语库.sqlite"
    shutil.copy(built_bank, db)
    damage(db)
    before = db.read_bytes()
    for args in (["bank", "search", "--db", str(db)], ["bank", "export", "--format", "json", "-o",
                                                       str(tmp_path / "x.json"), "--db", str(db)]):
        r = runner.invoke(app, args)
        assert r.exit_code == 1, r.output
        assert "损坏" in r.stderr or "不是 caogao 短语库" in r.stderr
        assert "内部错误" not in r.stderr and "Traceback" not in r.output
    assert db.read_bytes() == before


def test_the_bank_is_written_durably(tmp_path, home, fake_mine, monkeypatch):
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    replaced: list[int] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append(len(synced)), real_replace(a, b))[1])
    bankmod.build_bank(corpus=[copy_reports(tmp_path / "corpus", "000")], db=tmp_path / "b.sqlite")
    assert replaced and replaced[0] >= 1  # the temporary bank was synced before its rename


# ---------------------------------------------------------------- no stray temporary files

def test_a_killed_build_leaves_no_temporary_file_after_the_next_build(tmp_path, home, fake_mine):
    proc = caogao(home, "bank", "build")
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    # what a build killed while writing leaves: a temporary bank named as ours, older than the next build
    left = home / ".bank.sqlite.build-12345abc.tmp"
    left.write_bytes(b"half a bank")
    old = time.time() - 60
    os.utime(left, (old, old))
    bankmod.build_bank(corpus=[copy_reports(tmp_path / "corpus", "000")])
    assert sorted(p.name for p in home.iterdir() if p.name.endswith(".tmp")) == []
    assert (home / "bank.sqlite").is_file()
