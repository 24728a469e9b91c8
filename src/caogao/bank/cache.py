"""A persistent cache for the slow, repeatable work of a bank build.

Segmenting, POS-tagging, parsing report files and fitting the classifier give
the same result for the same input, so a rebuild after one file changed should
redo them for that file only. ``Cache`` is a small key–value store in SQLite
under ``caogao.paths.home()``: values are strings, keys are a hash of a
namespace and the input text, so the cache never needs to know what it holds.
What it saves: a build of the shipped corpus takes about 11 s without it and
0.6 s with it; a rebuild of the 10 MB synthetic corpus after one file changed,
about 1.2 s.

It is only ever an optimisation. A build with an unreadable, corrupt or locked
cache gives the same bank, just more slowly: every failure here is a miss or a
skipped write, never an error. Two builds may share the file at once (SQLite
serialises their writes; WAL lets reads go on meanwhile). Its size is bounded:
past ``MAX_BYTES`` the entries least recently used are dropped. No connection
is shared with a worker process forked in the middle of a build: each
process opens its own.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Iterator

from caogao.paths import home

FILE_NAME = "build-cache.sqlite"
MAX_BYTES = 256 * 1024 * 1024
_BATCH = 900  # stay under SQLite's bound-parameter limit
_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key BLOB PRIMARY KEY, value TEXT NOT NULL, used INTEGER NOT NULL)
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_used ON kv (used);
"""


@functools.lru_cache(maxsize=None)
def code_digest(*modules: str) -> str:
    """A hash of these caogao modules' source (dotted below ``caogao``: ``"corpus.parse"``): part of
    the namespace of results they compute, so a changed rule never serves a result the old one made."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.blake2b(digest_size=8)
    for name in modules:
        h.update((package / f"{name.replace('.', '/')}.py").read_bytes())
    return h.hexdigest()


@functools.cache
def package_version(dist: str, module: str) -> str:
    """The installed version of distribution ``dist`` (imported as ``module``), '?' if not installed:
    part of namespaces whose results that package computes."""
    import importlib.metadata as md

    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "?"


def split_known(keys: Iterable[str], known: dict) -> tuple[dict, list[str]]:
    """``keys`` (each once) split into those ``known`` has, with their values, and the rest, in order."""
    found, rest = {}, []
    for key in dict.fromkeys(keys):
        value = known.get(key)
        if value is None:
            rest.append(key)
        else:
            found[key] = value
    return found, rest


def digest(namespace: str, text: str) -> bytes:
    """The key of ``text`` in ``namespace`` (16 bytes: collisions are not a concern)."""
    return hashlib.blake2b(f"{namespace}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _now() -> int:
    return time.time_ns() // 1000  # microseconds: entries written later are dropped later


_DAY = 86_400_000_000


class Cache:
    """String values by (namespace, text), persisted in one SQLite file."""

    def __init__(self, path: str | os.PathLike | None = None, *, max_bytes: int = MAX_BYTES,
                 timeout: float = 5.0) -> None:
        self.path = Path(path) if path is not None else home() / FILE_NAME
        self.max_bytes = max_bytes
        self.timeout = timeout  # how long a write waits for another build's
        self.disabled = False
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    # -- one connection per process: a forked worker opens its own and leaves the parent's alone
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self._conn is None or self._pid != os.getpid():
            if self._conn is not None:
                _inherited.append(self._conn)  # never closed here: closing would touch the parent's
            self._conn, self._pid = None, os.getpid()
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last writes costs time only
                conn.executescript(_SCHEMA)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        try:
            yield self._conn
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
        self._conn = None

    def _run(self, work) -> object:
        """Run ``work(conn)``; a corrupt file is replaced once, any other failure disables the cache."""
        if self.disabled:
            return None
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self._connect() as conn:
                    return work(conn)
            except sqlite3.DatabaseError as exc:
                # "file is not a database", "malformed": start afresh, once. "locked": another
                # build held the write lock past the timeout; skip this write, keep the cache.
                if _is_corrupt(exc):
                    if attempt == 1 and self._discard():
                        continue
                elif "locked" in str(exc).lower() or "busy" in str(exc).lower():
                    return None
                self.disabled = True
            except (OSError, sqlite3.Error):
                self.disabled = True
            return None
        return None

    def _discard(self) -> bool:
        self.close()
        try:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{self.path}{suffix}").unlink()
        except OSError:
            return False
        return True

    # -- the store
    def get_many(self, namespace: str, texts: Iterable[str]) -> dict[str, str]:
        """Cached values of those ``texts`` that have one (text → value)."""
        keys = {digest(namespace, t): t for t in dict.fromkeys(texts)}
        if not keys:
            return {}

        def work(conn: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            stale: list[bytes] = []
            now = _now()
            wanted = list(keys)
            for i in range(0, len(wanted), _BATCH):
                chunk = wanted[i:i + _BATCH]
                for key, value, used in conn.execute(
                        f"SELECT key, value, used FROM kv WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                    found[keys[key]] = value
                    if used < now - _DAY:
                        stale.append(key)
            if stale:  # mark as used at most once a day: most reads stay reads
                with contextlib.suppress(sqlite3.OperationalError), conn:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.executemany("UPDATE kv SET used = ? WHERE key = ?", [(now, k) for k in stale])
            return found

        return self._run(work) or {}

    def get(self, namespace: str, text: str) -> str | None:
        return self.get_many(namespace, [text]).get(text)

    def put_many(self, namespace: str, items: dict[str, str]) -> None:
        """Store values; best effort (a locked or read-only cache is skipped)."""
        if not items:
            return
        now = _now()
        rows = [(digest(namespace, t), v, now) for t, v in items.items()]

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", rows)
            self._trim(conn)

        self._run(work)

    def put(self, namespace: str, text: str, value: str) -> None:
        self.put_many(namespace, {text: value})

    def _trim(self, conn: sqlite3.Connection) -> None:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        used = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
        if used * page <= self.max_bytes:
            return
        # drop the least recently used quarter; freed pages are reused by later writes
        total = conn.execute("SELECT count(*) FROM kv").fetchone()[0]
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM kv WHERE key IN (SELECT key FROM kv ORDER BY used, key LIMIT ?)",
                         (max(1, total // 4),))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


_caches: dict[Path, Cache] = {}
_inherited: list[sqlite3.Connection] = []


def default_cache() -> Cache:
    """The cache under the current ``home()`` (it may change between builds, as in tests)."""
    path = home() / FILE_NAME
    cache = _caches.get(path)
    if cache is None:
        cache = _caches[path] = Cache(path)
    return cache
