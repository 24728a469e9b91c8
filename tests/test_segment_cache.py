"""The build cache: values survive the process, and a damaged, full or busy cache never breaks a build."""

from __future__ import annotations

import marshal
import os
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


def test_size_is_bounded_and_recent_entries_survive(tmp_path):
    path = tmp_path / "cache.sqlite"
    cache = Cache(path, max_bytes=400_000)
    value = "字" * 2000  # about 6 kB a row
    for batch in range(20):
        cache.put_many("reports", {f"{batch}-{i}": value for i in range(10)})
    with sqlite3.connect(path) as c:
        rows = c.execute("SELECT count(*) FROM kv").fetchone()[0]
    c.close()
    assert rows * 6000 < 800_000  # trimmed, not 200 rows (1.2 MB)
    assert cache.get("reports", "19-9") == value  # the latest batch is still there


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


def _asked(cache: Cache, monkeypatch) -> list[str]:
    """The texts ``cache`` looks up one by one from now on."""
    asked: list[str] = []
    real = cache._get_many
    monkeypatch.setattr(cache, "_get_many", lambda ns, texts: asked.extend(texts) or real(ns, list(texts)))
    return asked


def test_a_rebuild_reads_what_the_last_build_used_in_one_lookup(tmp_path, monkeypatch):
    path = tmp_path / "cache.sqlite"
    first = Cache(path)
    first.put_many("cut/1", {"乡村振兴": "乡村 振兴", "旧的": "旧 的"})
    with first.working_set("我镇", ("cut/",)):
        assert first.get_many("cut/1", ["乡村振兴"]) == {"乡村振兴": "乡村 振兴"}
        first.put_many("cut/1", {"抓项目": "抓 项目"})
        first.put_many("pos/1", {"抓项目": "v n"})  # not a working-set namespace
    again = Cache(path)
    asked = _asked(again, monkeypatch)
    with again.working_set("我镇", ("cut/",)):
        assert again.get_many("cut/1", ["抓项目", "乡村振兴", "旧的"]) == {
            "抓项目": "抓 项目", "乡村振兴": "乡村 振兴", "旧的": "旧 的"}
        assert again.get_many("pos/1", ["抓项目"]) == {"抓项目": "v n"}
    assert asked == ["旧的", "抓项目"]  # only what the last build did not use, and other namespaces
    other = Cache(path)
    asked = _asked(other, monkeypatch)
    with other.working_set("另一个镇", ("cut/",)):
        other.get_many("cut/1", ["乡村振兴"])
    assert asked == ["乡村振兴"]  # each corpus has its own working set


def test_a_damaged_working_set_is_a_miss_not_an_error(tmp_path):
    path = tmp_path / "cache.sqlite"
    cache = Cache(path)
    cache.put_many("cut/1", {"乡村振兴": "乡村 振兴"})
    with cache.working_set("我镇", ("cut/",)):
        cache.get_many("cut/1", ["乡村振兴"])
    (saved,) = (tmp_path / "cache.sqlite.sets").iterdir()
    for damaged in (b"{not marshal", b"\x00not marshal", marshal.dumps(["乡村振兴"]),
                    marshal.dumps({"乡村振兴": 3})):
        saved.write_bytes(damaged)
        again = Cache(path)
        with again.working_set("我镇", ("cut/",)):
            assert again.get_many("cut/1", ["乡村振兴"]) == {"乡村振兴": "乡村 振兴"}


def test_working_sets_of_corpora_long_gone_are_removed(tmp_path, monkeypatch):
    from caogao.bank import cache as segment_cache
    monkeypatch.setattr(segment_cache._WorkingSet, "KEEP", 3)
    cache = Cache(tmp_path / "cache.sqlite")
    cache.put_many("cut/1", {"乡村振兴": "乡村 振兴"})
    folder, seen = tmp_path / "cache.sqlite.sets", set()
    for i, town in enumerate(("甲镇", "乙镇", "丙镇", "丁镇", "戊镇")):
        with cache.working_set(town, ("cut/",)):
            cache.get_many("cut/1", ["乡村振兴"])
        for new in set(folder.iterdir()) - seen:  # one a day: the clock may not tell quick writes apart
            os.utime(new, (1_700_000_000 + 86_400 * i,) * 2)
            seen.add(new)
    assert len(list((tmp_path / "cache.sqlite.sets").iterdir())) == 3
    again = Cache(tmp_path / "cache.sqlite")
    asked = _asked(again, monkeypatch)
    with again.working_set("戊镇", ("cut/",)):  # the latest is kept
        again.get_many("cut/1", ["乡村振兴"])
    assert asked == []


def test_package_versions_in_cache_keys_are_the_installed_ones():
    import importlib.metadata as md

    from caogao.bank.cache import package_version

    for dist, module in (("jieba", "jieba"), ("scikit-learn", "sklearn"), ("PyYAML", "yaml")):
        assert package_version(dist, module) == md.version(dist)
    assert package_version("no-such-thing", "no_such_thing") == "?"


def test_a_cache_this_process_created_is_not_searched_for_what_it_never_stored(tmp_path, monkeypatch):
    # a first build: thousands of lookups in a file made a moment ago could only miss
    from caogao.bank import cache as segment_cache
    cache = Cache(tmp_path / "new.sqlite")
    looked_up = []
    real = segment_cache.digest
    monkeypatch.setattr(segment_cache, "digest", lambda ns, text: looked_up.append(text) or real(ns, text))
    assert cache.get_many("cut/1", ["乡村振兴", "抓项目"]) == {} and looked_up == []
    cache.put_many("cut/1", {"乡村振兴": "乡村 振兴"})
    assert cache.get_many("cut/1", ["乡村振兴", "抓项目"]) == {"乡村振兴": "乡村 振兴"}
    assert cache.get_many("pos/1", ["乡村振兴"]) == {}
    # the next build, which did not create the file, reads what this one stored
    assert Cache(tmp_path / "new.sqlite").get_many("cut/1", ["乡村振兴"]) == {"乡村振兴": "乡村 振兴"}
