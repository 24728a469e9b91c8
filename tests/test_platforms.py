"""What CI on Linux cannot run, simulated: Windows' cache folder, inode numbers of 0, a locked draft."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import platformdirs.windows
import pytest

from caogao.errors import OutputError


def test_cache_lives_in_localappdata_on_windows(monkeypatch):
    from caogao.paths import default_bank_path

    monkeypatch.delenv("CAOGAO_HOME", raising=False)
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\张 三\AppData\Local")
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", platformdirs.windows.get_win_folder_from_env_vars)
    monkeypatch.setattr(platformdirs, "user_cache_dir",
                        lambda *a, **k: platformdirs.windows.Windows(*a, **k).user_cache_dir)
    assert str(default_bank_path()).replace("/", "\\") == r"C:\Users\张 三\AppData\Local\caogao\Cache\bank.sqlite"
    monkeypatch.setenv("CAOGAO_HOME", "/srv/我的 caogao")
    assert default_bank_path() == Path("/srv/我的 caogao/bank.sqlite")


def test_cache_follows_xdg_on_linux(monkeypatch, tmp_path):
    from caogao.paths import home

    monkeypatch.delenv("CAOGAO_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "缓存 目录"))
    if platformdirs.user_cache_dir.__module__ == "platformdirs" and os.name == "posix":
        assert home() == tmp_path / "缓存 目录" / "caogao"


def test_files_with_inode_0_are_all_read(monkeypatch, tmp_path):
    from caogao.corpus import files

    for name in ("甲 报告.txt", "乙 报告.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    real_stat = os.stat

    def stat_without_inode(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        return os.stat_result((st.st_mode, 0, *tuple(st)[2:]))

    monkeypatch.setattr(files.os, "stat", stat_without_inode)
    found = files.list_files([tmp_path / "甲 报告.txt", tmp_path / "乙 报告.txt", tmp_path / "甲 报告.txt"], [])
    assert [p.name for p in found] == ["甲 报告.txt", "乙 报告.txt"]


def test_a_draft_open_in_word_is_kept_and_nothing_partial_is_left(monkeypatch, tmp_path):
    from caogao import fsutil

    draft = tmp_path / "草稿 一.docx"
    draft.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(fsutil.os, "replace", locked)
    with pytest.raises(OutputError) as caught:
        with fsutil.atomic_path(draft, force=True) as tmp:
            tmp.write_bytes(b"new")
    assert "请先在 Word/WPS 中关闭该文件" in str(caught.value)
    assert draft.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["草稿 一.docx"]
