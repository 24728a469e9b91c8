"""Every file is checked before it is read: FIFOs, devices, huge and lying files, zip bombs.

Each hostile case runs the real command in a subprocess with a timeout (a hang fails
the test instead of hanging it) and, where a read could grow without limit, under a
1 GB address-space cap. Every fixture lives in tmp_path: the FIFOs are made there,
the 3 GB file is sparse (no disk used), and /dev/zero is only ever read through a
symlink, never written.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from caogao.checking.read import read_docx
from caogao.corpus.files import read_bytes
from caogao.docx.write import render
from caogao.drafting.outline import Block
from caogao.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"
A_REPORT = sorted((ROOT / "corpus").glob("*.txt"))[0]
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and rlimits are POSIX")


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def caogao(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI in its own process, its memory capped at 1 GB; a hang raises TimeoutExpired."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "caogao.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=_capped, stdin=subprocess.DEVNULL)


def assert_clean_failure(result: subprocess.CompletedProcess, code: int, *expected: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    for text in expected:
        assert text in result.stderr


def hostile(kind: str, path: Path) -> Path:
    """A FIFO, a link to /dev/zero (endless), or a sparse 3 GB file, at ``path``."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    else:
        with open(path, "wb") as f:
            f.truncate(3 << 30)
    return path


REFUSAL = {"fifo": "不是普通文件", "zero": "不是普通文件", "sparse": "过大"}


def test_hostile_files_in_a_corpus_folder_are_skipped_with_a_warning(tmp_path):
    folder = tmp_path / "本单位"
    folder.mkdir()
    shutil.copy(A_REPORT, folder / "报告.txt")
    for kind, name in (("fifo", "x.txt"), ("zero", "z.txt"), ("sparse", "s.txt")):
        hostile(kind, folder / name)
    result = caogao("bank", "build", str(folder), "--only", "--db", str(tmp_path / "bank.sqlite"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("警告")]
    for name, why in (("x.txt", "不是普通文件"), ("z.txt", "不是普通文件"), ("s.txt", "文件过大")):
        assert any(name in w and why in w for w in warnings), result.stderr
    assert "报告 1 篇" in result.stdout


@pytest.mark.parametrize("kind", ["fifo", "zero", "sparse"])
def test_hostile_facts_file_is_refused(tmp_path, kind):
    facts = hostile(kind, tmp_path / "事实.yaml")
    result = caogao("build", str(facts), "-o", str(tmp_path / "稿.docx"), cwd=tmp_path, timeout=60)
    assert_clean_failure(result, 1, "事实文件", {"sparse": "太大"}.get(kind, "不是普通文件"))
    assert not (tmp_path / "稿.docx").exists()


@pytest.mark.parametrize("kind", ["fifo", "zero", "sparse"])
def test_hostile_draft_is_refused_by_check(tmp_path, kind):
    draft = hostile(kind, tmp_path / "稿.docx")
    assert_clean_failure(caogao("check", str(draft), cwd=tmp_path, timeout=60), 1, REFUSAL[kind])


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_hostile_facts_for_check_is_refused(tmp_path, kind):
    draft = tmp_path / "稿.docx"
    doc = docx.Document()
    doc.add_paragraph("一、工作回顾")
    doc.save(draft)
    facts = hostile(kind, tmp_path / "事实.yaml")
    result = caogao("check", str(draft), "--facts", str(facts), cwd=tmp_path, timeout=60)
    assert_clean_failure(result, 1, "事实文件不是普通文件")


@pytest.mark.parametrize("kind", ["fifo", "zero", "sparse"])
def test_hostile_reference_doc_is_refused(tmp_path, built_bank, kind):
    reference = hostile(kind, tmp_path / "参考.docx")
    result = caogao("build", str(EXAMPLE), "--reference-doc", str(reference), "-o", str(tmp_path / "稿.docx"),
                    cwd=tmp_path)
    assert_clean_failure(result, 1, "参考文档", REFUSAL[kind])
    assert not (tmp_path / "稿.docx").exists()


def test_reference_doc_zip_bomb_is_refused(tmp_path, built_bank):
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("word/media/zeros.bin", "w") as f:  # 100 MB of zeros, about 100 KB packed
            chunk = bytes(1 << 20)
            for _ in range(100):
                f.write(chunk)
    assert bomb.stat().st_size < 1 << 20
    result = caogao("build", str(EXAMPLE), "--reference-doc", str(bomb), "-o", str(tmp_path / "稿.docx"),
                    cwd=tmp_path)
    assert_clean_failure(result, 1, "参考文档", "压缩炸弹")
    assert not (tmp_path / "稿.docx").exists()


def test_reference_doc_with_a_dtd_is_refused(tmp_path):
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    reference = tmp_path / "实体.docx"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(reference, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', 1)
            dst.writestr(item, data)
    with pytest.raises(InputError, match="DOCTYPE"):
        render([Block("body", "正文。")], reference_doc=reference)


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux /proc")
def test_a_file_whose_size_lies_is_still_capped():
    # /proc files are regular and say they are empty: only the bounded read catches them
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(InputError, match="文件过大"):
        read_bytes(Path("/proc/self/status"), 16)
    assert read_bytes(Path("/proc/self/status"), 1 << 20).startswith(b"Name:")


# ----------------------------------------------------------- many styles

def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _as_python_docx_reads_it(document, n: int) -> list[tuple[str, int | None]]:
    """Style name and outline level of the first ``n`` paragraphs, through python-docx's own
    (slow: every lookup scans all styles) style objects."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for paragraph in document.paragraphs[:n]:
        style, found = paragraph.style, None
        while found is None and style is not None:
            pPr = style.element.find(w + "pPr")
            found = pPr.find(w + "outlineLvl") if pPr is not None else None
            style = style.base_style
        out.append((paragraph.style.name, None if found is None else int(found.get(w + "val"))))
    return out


def test_check_reads_a_draft_with_thousands_of_styles(tmp_path):
    """The speed of this (177 s before styles were looked up by id) is shown by `make bench`."""
    draft = _bench().make_styled_draft(tmp_path / "样式很多.docx")
    paras, _ = read_docx(draft)
    assert len(paras) == 2000
    expected = _as_python_docx_reads_it(docx.Document(str(draft)), 60)
    assert [(p.style, p.outline) for p in paras[:60]] == expected
    assert {p.outline for p in paras} == {None, 0}  # inherited from Heading 1 through chains of styles
    result = caogao("check", str(draft), "--json", cwd=tmp_path, timeout=60)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    findings = json.loads(result.stdout)
    assert all(1 <= f["paragraph"] <= 2000 for f in findings)


def test_styles_based_on_each_other_in_a_loop_do_not_hang(tmp_path):
    doc = docx.Document()
    table = doc.styles.element
    from docx.enum.style import WD_STYLE_TYPE

    for me, base in (("A", "B"), ("B", "A")):
        style = table.add_style_of_type(f"样式{me}", WD_STYLE_TYPE.PARAGRAPH, False)
        style.styleId, style.basedOn_val = me, base
    doc.add_paragraph("正文。")._p.style = "A"
    doc.save(tmp_path / "环.docx")
    paras, _ = read_docx(tmp_path / "环.docx")
    assert [(p.style, p.outline) for p in paras] == [("样式A", None)]
