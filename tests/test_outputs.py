"""Where drafts and exports go: only regular files are replaced, names fit, full disks are told."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from caogao.cli.app import app, default_output
from caogao.drafting.facts import load_facts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"
runner = CliRunner()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("make", ["fifo", "symlink", "folder"])
@pytest.mark.parametrize("command", [["init"], ["build", str(EXAMPLE)]])
def test_force_replaces_only_a_regular_file(tmp_path, monkeypatch, built_bank, make, command):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / ("草稿.docx" if command[0] == "build" else "facts.yaml")
    if make == "fifo":
        os.mkfifo(target)
    elif make == "symlink":
        (tmp_path / "别处.docx").write_text("留着", encoding="utf-8")
        target.symlink_to(tmp_path / "别处.docx")
    else:
        target.mkdir()
    result = runner.invoke(app, [*command, "-o", str(target), "--force"])
    assert result.exit_code in (1, 2), result.output
    assert "内部错误" not in result.output and "错误" in result.output
    assert {"fifo": target.is_fifo(), "symlink": target.is_symlink(), "folder": target.is_dir()}[make]
    if make == "symlink":
        assert (tmp_path / "别处.docx").read_text(encoding="utf-8") == "留着"
    assert _leftovers(tmp_path) == []


def test_default_name_drops_invisible_characters_and_fits_255_bytes(tmp_path):
    facts = load_facts(EXAMPLE)
    facts.unit = "青禾\u202e镇\u200b\x07\u2028"
    assert default_output(facts).name == "2023年上半年青禾镇政府工作报告.docx"
    facts.unit = "很长的单位名" * 40
    name = default_output(facts).name
    assert len(name.encode()) <= 255 and name.endswith("政府工作报告.docx")


def test_an_over_long_name_given_with_o_is_refused_in_chinese(tmp_path, monkeypatch, built_bank):
    monkeypatch.chdir(tmp_path)
    long_name = "草" * 90 + ".docx"  # 275 bytes
    for command in (["init", "-o", long_name.replace(".docx", ".yaml")], ["build", str(EXAMPLE), "-o", long_name]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert "文件名过长" in result.output and "内部错误" not in result.output
    assert _leftovers(tmp_path) == [] and not list(tmp_path.glob("草*"))


def test_a_full_disk_while_writing_a_draft_leaves_nothing_behind(tmp_path, monkeypatch, built_bank):
    monkeypatch.chdir(tmp_path)

    def full(self, path):
        Path(path).write_bytes(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(docx.document.Document, "save", full)
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", "草稿.docx"])
    assert result.exit_code == 1, result.output
    assert "磁盘空间不足" in result.output and "内部错误" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "磁盘空间不足"), (errno.EROFS, "只读"),
                                         (errno.EACCES, "没有写入权限")])
def test_init_and_export_on_a_full_or_read_only_disk_say_so(tmp_path, monkeypatch, built_bank, code, words):
    monkeypatch.chdir(tmp_path)
    real_write_text = Path.write_text

    def failing(self, *args, **kwargs):
        if self.name.endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(self))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    for command in (["init"], ["bank", "export", "-f", "json", "-o", "短语.json"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert words in result.output and "内部错误" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_os_error_a_user_causes_outside_a_write_is_told_in_chinese(tmp_path, monkeypatch):
    from caogao.cli import common

    @common.user_errors
    def command():
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), "/somewhere")

    with pytest.raises(Exception) as caught:
        command()
    assert getattr(caught.value, "exit_code", None) == 1
