"""The build cache: values survive the process, and a damaged, full or busy cache never breaks a build."""

from __future__ import annotations

import sqlite3

from caogao.bank.cache import Cache


def test_values_persist_by_namespace_and_text(tmp_path):
    path = tmp_path / "cache.sqlite"
    Cache(path).put_many("cut", {"乡村振兴": "乡村振兴", "抓项目稳经济": "抓 项目 稳 经济"})
    again = Cache(path)  # another process would open it the same way
    assert again.get_many("cut", ["抓项目稳经济", "乡村振兴", "没存过"]) == {
        "抓项目稳经济": "抓 项目 稳 经济", "乡村振兴": "乡村振兴"}
    assert again.get("pos", "乡村振兴") is None  # namespaces do not mix
    again.put("cut", "乡村振兴", "乡村 振兴")
    assert Cache(path).get("cut", "乡村振兴") == "乡村 振兴"


def test_a_corrupt_cache_file_is_replaced_not_an_error(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    cache = Cache(path)
    assert cache.get_many("cut", ["乡村振兴"]) == {}
    cache.put("cut", "乡村振兴", "乡村振兴")
    assert Cache(path).get("cut", "乡村振兴") == "乡村振兴"
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()


def test_a_cache_grown_past_its_cap_is_emptied_at_the_end_of_a_build_and_works_on(tmp_path):
    path = tmp_path / "cache.sqlite"
    cache = Cache(path)
    cache.put_many("reports", {f"{i}": "字" * 2000 for i in range(200)})  # about 1.2 MB
    cache.trim(max_bytes=10_000_000)
    assert cache.get("reports", "199") == "字" * 2000  # under its cap: kept
    cache.trim(max_bytes=400_000)
    assert path.stat().st_size < 400_000 and cache.get("reports", "199") is None
    cache.put("reports", "again", "字")
    assert Cache(path).get("reports", "again") == "字"


def test_a_busy_cache_skips_the_write_and_still_reads(tmp_path):
    path = tmp_path / "cache.sqlite"
    Cache(path).put("cut", "乡村振兴", "乡村振兴")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another build in the middle of its write
    try:
        busy = Cache(path, timeout=0.1)
        busy.put("cut", "营商环境", "营商环境")  # returns without raising
        assert busy.get("cut", "乡村振兴") == "乡村振兴"
        assert not busy.disabled
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    busy.put("cut", "营商环境", "营商环境")
    assert Cache(path).get("cut", "营商环境") == "营商环境"


def test_an_unusable_location_means_no_cache_not_an_error(tmp_path):
    folder = tmp_path / "cache.sqlite"
    folder.mkdir()  # a folder where the file should be
    cache = Cache(folder)
    cache.put("cut", "乡村振兴", "乡村振兴")
    assert cache.get("cut", "乡村振兴") is None


def test_package_versions_in_cache_keys_are_the_installed_ones():
    import importlib.metadata as md

    from caogao.bank.cache import package_version

    for dist in ("jieba", "scikit-learn", "PyYAML"):
        assert package_version(dist) == md.version(dist)
    assert package_version("no-such-thing") == "?"
