"""The build cache: parsed reports, words, tags, verdicts and the fitted classifier, kept between builds.

What it saves (``make bench``, "bank build" against "empty build cache"): a build of
the shipped corpus takes 0.4 s with it and 1.1 s without, one of the 10 MB synthetic
corpus 1.2 s instead of 7.5 s, and a rebuild after one file changed redoes that file only.

One SQLite file under ``home()`` holds strings by a hash of a namespace and a key
text; a namespace names what computed its values (code, segmenter, dictionary), so
a changed rule never serves an old result. It only ever saves time: a failure is a
miss or a skipped write, a damaged file is replaced, two builds may share it
(SQLite serialises their writes), and past ``MAX_BYTES`` a build empties it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import sqlite3
from pathlib import Path
from typing import Callable, Iterable

from caogao.paths import home

FILE_NAME = "build-cache.sqlite"
MAX_BYTES = 256 * 1024 * 1024
MEMORY_LIMIT = 500_000  # entries a long-lived process (tests, a server) keeps in ``memory``
_BATCH = 900  # stay under SQLite's bound-parameter limit
# WAL: reads go on while another build writes; NORMAL: losing the last writes costs time only
_SCHEMA = """PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value TEXT) WITHOUT ROWID;"""


@functools.cache
def code_digest(*modules: str) -> str:
    """A hash of these caogao modules' source (``"corpus.parse"``), for the namespace of their results."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.blake2b(digest_size=8)
    for name in modules:
        h.update((package / f"{name.replace('.', '/')}.py").read_bytes())
    return h.hexdigest()


@functools.cache
def package_version(dist: str) -> str:
    """The installed version of distribution ``dist``, '?' if it is not installed."""
    import importlib.metadata as md

    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "?"


def _digest(namespace: str, text: str) -> bytes:
    return hashlib.blake2b(f"{namespace}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Cache:
    """String values by (namespace, text), in one SQLite file."""

    def __init__(self, path: str | Path | None = None, *, timeout: float = 5.0) -> None:
        self.path = Path(path) if path is not None else home() / FILE_NAME
        self.timeout, self.disabled = timeout, False  # how long a write waits for another build's
        self._conn: sqlite3.Connection | None = None

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> object:
        """``work(conn)``, else None: a damaged file is replaced once, a busy one skipped, any other
        failure disables the cache."""
        for attempt in (1, 2):
            try:
                if self._conn is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
                    self._conn.executescript(_SCHEMA)
                return work(self._conn)
            except sqlite3.DatabaseError as exc:
                if "locked" in str(exc) or "busy" in str(exc):  # another build is writing
                    return None
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                if attempt == 1 and ("not a database" in str(exc) or "malformed" in str(exc)):
                    with contextlib.suppress(OSError):
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                        continue
            except OSError:
                pass
            break
        self.disabled = True
        return None

    def get_many(self, namespace: str, texts: Iterable[str]) -> dict[str, str]:
        keys = {_digest(namespace, t): t for t in dict.fromkeys(texts)}
        if self.disabled or not keys:
            return {}
        wanted = list(keys)

        def work(conn: sqlite3.Connection) -> dict[str, str]:
            found = {}
            for i in range(0, len(wanted), _BATCH):
                batch = wanted[i:i + _BATCH]
                found.update(conn.execute(f"SELECT key, value FROM entries WHERE key IN ({','.join('?' * len(batch))})",
                                          batch).fetchall())
            return {keys[k]: v for k, v in found.items()}

        return self._run(work) or {}

    def put_many(self, namespace: str, items: dict[str, str]) -> None:
        rows = [(_digest(namespace, t), v) for t, v in items.items()]

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", rows)

        if rows and not self.disabled:
            self._run(work)

    def get(self, namespace: str, text: str) -> str | None:
        return self.get_many(namespace, [text]).get(text)

    def put(self, namespace: str, text: str, value: str) -> None:
        self.put_many(namespace, {text: value})

    def trim(self, max_bytes: int = MAX_BYTES) -> None:
        """Empty the cache once its file and log are past ``max_bytes`` (an older caogao's table too)."""
        with contextlib.suppress(OSError):
            if sum(f.stat().st_size for f in (self.path, Path(f"{self.path}-wal")) if f.exists()) > max_bytes:
                self._run(lambda conn: conn.executescript(
                    "DELETE FROM entries; DROP TABLE IF EXISTS kv; VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"))


@functools.cache
def _cache_at(path: Path) -> Cache:
    return Cache(path)


def default_cache() -> Cache:
    """The cache under the current ``home()`` (it may change between builds, as in tests)."""
    return _cache_at(home() / FILE_NAME)


@functools.cache
def memory(name: str) -> dict:
    """What this process has looked up in namespace ``name``: the miner reads the same text as a section,
    a paragraph and a phrase, and asks the cache once (``memory.cache_clear()`` forgets it all)."""
    return {}


def cached(namespace: str, keys: Iterable[str], compute: Callable[[list[str]], dict], *, encode: Callable = str,
           decode: Callable = str, memo: dict | None = None) -> dict:
    """The value of each of ``keys``: from ``memo``, else the cache (``decode`` giving None or raising
    ValueError is a miss), else ``compute(missing)``, a dict, then stored."""
    keys = list(dict.fromkeys(keys))
    found = {k: memo[k] for k in keys if k in memo} if memo is not None else {}
    new = {}
    for key, text in default_cache().get_many(namespace, [k for k in keys if k not in found]).items():
        with contextlib.suppress(ValueError, TypeError, IndexError):
            if (value := decode(text)) is not None:
                new[key] = value
    if missing := [k for k in keys if k not in found and k not in new]:
        new.update(computed := compute(missing))
        default_cache().put_many(namespace, {k: encode(v) for k, v in computed.items()})
    if memo is not None:
        if len(memo) > MEMORY_LIMIT:
            memo.clear()
        memo.update(new)
    return found | new
