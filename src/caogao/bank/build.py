"""Building a phrase bank, and telling whether a built one is still fresh.

``build_bank`` mines the shipped corpus (plus an office's own reports) and
writes the result through ``caogao.bank.store``. ``open_bank`` rebuilds the
bank when it is missing, of another schema version, mined from files that
have since changed, or (caogao's own default bank) damaged. Both ask
``caogao.bank.sources.file_states`` what the sources are now: the one change
detector, by content.

A bank records its sources (shipped corpus or not, the office's paths) in its
meta table, and caogao's own bank also in a sidecar beside it. Every rebuild,
automatic or a ``bank build`` without paths, uses the recorded sources, and
builds of one bank take its lock in turn, so an office's reports never drop
out of the bank because a draft needed a bank at the same moment.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Sequence

from caogao.bank.query import PhraseBank
from caogao.bank.sources import file_states, fingerprint_of, source_rows
from caogao.bank.store import (SCHEMA_VERSION, BuildStats, bank_lock, connect_ro, guard_target, is_bank_file,
                               is_damaged, is_truncated, read_sources, recorded_meta, write_bank, write_sources)
from caogao.errors import BankError, UsageError
from caogao.paths import corpus_dir, default_bank_path

Progress = Callable[[str], None]   # told a short Chinese message at each stage of a build


def build_bank(paths: Sequence[str | os.PathLike] | None = None, *, db: str | os.PathLike | None = None,
               only: bool = False, progress: Progress | None = None,
               corpus: Sequence[str | os.PathLike] | None = None, refit: bool = False) -> BuildStats:
    """Mine the shipped corpus plus the office's own reports in ``paths`` into a bank.

    With ``only`` the office's reports replace the shipped corpus. Phrases found
    in the office's reports are marked ``origin='office'`` and rank first.
    ``corpus`` stands in for the shipped corpus (tests, a custom corpus folder).
    ``refit`` fits the section classifier anew even when the one fitted before
    on nearly the same text could serve. Without ``paths``, the office's reports
    the bank at ``db`` was built from are used again.
    """
    target = Path(db) if db else default_bank_path()
    guard_target(target, owned=is_own_bank(target))
    with bank_lock(target):  # a build that started first finishes first; its sources are then seen
        if not paths:  # the same sources as last time: a rebuild never drops the office's reports
            recorded = recorded_sources(target)
            paths = recorded.get("office") or []
            only = only or (bool(paths) and not recorded.get("shipped", True))
            _require_present(paths, target)
        return _build_locked(paths, target, only=only, progress=progress, corpus=corpus, refit=refit)


def _require_present(office: Sequence[str], db: Path) -> None:
    gone = [p for p in office if not Path(p).exists()]
    if gone:
        raise BankError(f"短语库记录的本单位报告已不在原处（{gone[0]}），为免丢失本单位的表述，未重建", file=db,
                        hint="给出报告现在的位置：caogao bank build 报告文件夹/")


def _build_locked(paths: Sequence[str | os.PathLike], target: Path, *, only: bool, progress: Progress | None,
                  corpus: Sequence[str | os.PathLike] | None, refit: bool) -> BuildStats:
    """``build_bank``'s work, with the bank's lock held."""
    from caogao.bank.cache import default_cache
    from caogao.bank.sources import load
    from caogao.mining.miner import mine

    start = time.perf_counter()
    office_paths = [str(Path(p).resolve()) for p in (paths or ())]
    if only and not office_paths:
        raise UsageError("使用 --only 时必须给出本单位的报告文件或文件夹",
                         hint="例如：caogao bank build 我镇报告/ --only")
    shipped_paths = [] if only else [str(p) for p in (corpus or [corpus_dir()])]
    say = progress or (lambda message: None)
    say("读取语料……")
    # the sources' state first: a file edited while we mine makes the bank stale, not wrongly fresh
    shipped_states, office_states = file_states(shipped_paths), file_states(office_paths)
    files = source_rows(shipped_states, office_states)
    meta = {"fingerprint": fingerprint_of(files), "files": files,
            "sources": {"shipped": not only, "office": office_paths}}
    reports, warnings = [], []
    if shipped_paths:
        reports, warnings = load(shipped_paths, states=shipped_states)
    office_ids: set[str] = set()
    if office_paths:
        office_reports, more = load(office_paths, states=office_states)
        warnings += more
        taken = {r.id for r in reports}
        for r in office_reports:
            if r.id in taken:  # an office file named like a shipped one
                r.id = f"{r.id}@office"
            office_ids.add(r.id)
        reports += office_reports
    say(f"挖掘短语（{len(reports)} 篇报告）……")
    # the miner reports (step, done, total); the user sees one message per call
    mined = mine(reports, progress=(lambda step, done, total: say(f"挖掘短语：{step}（{done}/{total}）"))
                 if progress else None, refit=refit)
    say("写入短语库……")
    meta.update(reports=len(reports), classifier=getattr(mined, "classifier", {}))
    owned = is_own_bank(target)
    stats = write_bank(target, mined, reports, office_ids=office_ids, meta=meta, owned=owned)
    if owned:
        write_sources(target, meta["sources"])
    default_cache().trim()
    stats.warnings, stats.seconds, stats.classifier = warnings, time.perf_counter() - start, meta["classifier"]
    return stats


# ---------------------------------------------------------------- opening a bank

def is_own_bank(db: str | os.PathLike) -> bool:
    """True for caogao's own default bank: nobody else's data lives there, so a damaged one is rebuilt."""
    return os.path.abspath(db) == os.path.abspath(default_bank_path())


def bank_state(db: str | os.PathLike, *, corpus: Sequence[str | os.PathLike] | None = None) -> str:
    """``missing`` | ``foreign`` (not a bank) | ``damaged`` | ``old`` (other schema) | ``stale`` | ``ok``.

    caogao's own bank is never ``foreign``: a file there that is no bank is a damaged one.
    """
    db = Path(db)
    if not db.is_file() or db.stat().st_size == 0:
        return "missing"
    if not is_bank_file(db):
        return "damaged" if is_own_bank(db) else "foreign"
    if is_truncated(db):
        return "damaged"
    try:
        with contextlib.closing(connect_ro(db)) as c:
            if c.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return "old"
            meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        sources = json.loads(meta.get("sources", "{}"))
    except (sqlite3.Error, ValueError):
        return "damaged"
    shipped = [str(p) for p in (corpus or [corpus_dir()])] if sources.get("shipped", True) else []
    now = source_rows(file_states(shipped), file_states(sources.get("office", [])))
    return "ok" if meta.get("fingerprint") == fingerprint_of(now) else "stale"


def recorded_sources(db: str | os.PathLike) -> dict:
    """What the bank at ``db`` was built from: ``{"shipped": bool, "office": [paths]}``, from its
    meta table, else (caogao's own bank, damaged) from the sidecar written with it; {} if neither."""
    db = Path(db)
    with contextlib.suppress(ValueError, TypeError):
        sources = json.loads(recorded_meta(db).get("sources") or "{}")
        if isinstance(sources, dict) and sources:
            return sources
    return read_sources(db) if is_own_bank(db) else {}


def _rebuild(db: Path, state: str, corpus: Sequence[str | os.PathLike] | None,
             progress: Progress | None) -> None:
    """Build the bank at ``db`` anew from its recorded sources; the lock is held."""
    sources = recorded_sources(db)
    office = sources.get("office") or []
    gone = [p for p in office if not Path(p).exists()]
    if gone and state == "stale":  # rebuilding would drop the office's own phrasing: keep the bank as it is
        if progress:
            progress(f"本单位报告已不在原处（{gone[0]}），继续使用原有短语库")
        return
    _require_present(office, db)
    _build_locked(office, db, only=bool(office) and not sources.get("shipped", True),
                  progress=progress, corpus=corpus, refit=False)


def open_bank(path: str | os.PathLike | None = None, *, corpus: Sequence[str | os.PathLike] | None = None,
              progress: Progress | None = None, state: str | None = None,
              notify: Progress | None = None) -> "PhraseBank":
    """Open the bank at ``path`` (default: the per-user bank), building it first if needed.

    A bank is (re)built when missing, of another schema version, or when the
    files it was mined from changed, always from the sources it records.
    caogao's own bank is also rebuilt when damaged, found so on opening or
    when a query fails (``notify`` is told); a damaged bank the user named,
    or a file that is not a caogao bank, is never overwritten.
    ``state`` is ``bank_state``'s answer when the caller has just asked it.
    """
    db = Path(path) if path else default_bank_path()
    state = state or bank_state(db, corpus=corpus)
    own = is_own_bank(db)
    if state == "foreign":
        raise BankError("该文件不是 caogao 短语库（或已损坏得无法辨认），为免破坏它，未改动", file=db,
                        hint="用 caogao bank build --db 另一个文件名 构建，或去掉 --db 使用默认短语库")
    if state == "damaged" and not own:
        raise BankError("短语库已损坏，无法读取；为免破坏它，未改动", file=db,
                        hint=f"用 caogao bank build --db {db} 重新构建（会覆盖它），或换一个短语库")
    if state != "ok":
        with bank_lock(db):
            state = bank_state(db, corpus=corpus)  # another build may have finished while we waited
            if state != "ok":
                _rebuild(db, state, corpus, progress)

    def heal() -> None:
        if notify:
            notify(f"短语库已损坏，正在按原来的语料重新构建 {db}")
        with bank_lock(db):
            if is_damaged(db):  # not already healed by another command
                _rebuild(db, "damaged", corpus, progress)

    return PhraseBank(db, heal=heal if own else None)
