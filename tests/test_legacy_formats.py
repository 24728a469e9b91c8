""".doc and .wps inputs: converted by LibreOffice when it is installed, else a message to save as .docx."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"


def caogao(*args: str, cwd: Path, path: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=path, CAOGAO_HOME=str(cwd / "home"))
    return subprocess.run([sys.executable, "-m", "caogao", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from caogao.cli.app import app

    out = tmp_path_factory.mktemp("draft") / "草稿.docx"
    assert CliRunner().invoke(app, ["build", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    return out


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_without_libreoffice_check_says_to_save_as_docx(tmp_path, suffix):
    old = tmp_path / f"旧 草稿{suffix}"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an OLE2 header, as Word 97 writes
    result = caogao("check", str(old), cwd=tmp_path, path="")
    assert result.returncode == 1, result.stderr
    assert "LibreOffice" in result.stderr and "另存为” .docx" in result.stderr and old.name in result.stderr


def test_a_doc_in_a_corpus_folder_without_libreoffice_is_skipped_with_a_warning(tmp_path):
    folder = tmp_path / "本单位"
    folder.mkdir()
    shutil.copy(next((ROOT / "corpus").glob("*.txt")), folder / "报告.txt")
    (folder / "旧报告.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    result = caogao("corpus", "list", str(folder), cwd=tmp_path, path="")
    assert result.returncode == 0 and "旧报告.doc" in result.stderr and "另存为” .docx" in result.stderr


def test_with_libreoffice_a_doc_is_converted_and_checked(tmp_path, draft):
    """A stand-in soffice that does what the real one does: writes OUTDIR/NAME.docx."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    soffice = bin_dir / "soffice"
    soffice.write_text(f"""#!{sys.executable}
import shutil, sys, pathlib
args = sys.argv[1:]
assert "--headless" in args and args[args.index("--convert-to") + 1] == "docx"
outdir, src = pathlib.Path(args[args.index("--outdir") + 1]), pathlib.Path(args[-1])
shutil.copy({str(draft)!r}, outdir / (src.stem + ".docx"))
""", encoding="utf-8")
    soffice.chmod(soffice.stat().st_mode | stat.S_IXUSR)
    old = tmp_path / "改过的 草稿.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = caogao("check", str(old), "--json", cwd=tmp_path, path=str(bin_dir))
    assert result.returncode in (0, 1) and result.stdout.lstrip().startswith("["), result.stderr
    assert "LibreOffice" not in result.stderr
