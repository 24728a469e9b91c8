"""Writing a phrase bank, and what a bank file says about itself.

A bank is one SQLite file: the phrases mined, where each comes from, the
keywords of each section and the section classifier. ``write_bank`` writes a
temporary file, fsyncs it and renames it into place, so a bank is never
half-built, even after a power cut; it refuses to overwrite a file that is not
a caogao bank. ``bank_lock`` keeps two builds of one bank from racing, and a
build removes the temporary files that killed builds left behind.
"""

from __future__ import annotations

import array
import contextlib
import itertools
import json
import math
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from caogao import __version__
from caogao.errors import BankError
from caogao.mining.taxonomy import KINDS

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

# Raised whenever what a bank holds changes, not only its tables: a bank mined by
# older rules is rebuilt, never read as if it were current.
# 2: redacted sentences not generic; 3: sources as places; 4: id lists as blobs;
# 5: no bigram index (a scan of 5,500 phrases takes 4 ms; the index took 0.2 s of every build),
#    tokens space-separated; 6: canonical formulations restored, and the phrases marked
SCHEMA_VERSION = 6
APPLICATION_ID = 0x43414F47  # "CAOG": marks a file as a caogao bank whatever its schema
# build-cache namespaces of small values read thousands at a time (segmented text, POS tags,
# generic verdicts, each report's names): kept as one working set per corpus. Not body/: it
# is keyed by whole units, which a working set would copy.
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reports (id TEXT PRIMARY KEY, title TEXT, file TEXT, year INTEGER,
                      period TEXT, origin TEXT NOT NULL);
CREATE TABLE phrases (id INTEGER PRIMARY KEY, text TEXT NOT NULL, section TEXT NOT NULL,
                      kind TEXT NOT NULL, score REAL NOT NULL, generic INTEGER NOT NULL,
                      shape TEXT NOT NULL, tokens TEXT NOT NULL, n_reports INTEGER NOT NULL,
                      origin TEXT NOT NULL CHECK (origin IN ('shipped', 'office')),
                      prior REAL NOT NULL, places BLOB NOT NULL, restored INTEGER NOT NULL);
-- Where phrases come from: a report and the heading the phrase sits under. A phrase's
-- places column lists their ids (an id list: 32-bit little-endian integers): a big corpus
-- gives a set phrase a thousand sources, and one row per source made writing the bank
-- its slowest step.
CREATE TABLE places (id INTEGER PRIMARY KEY, report TEXT, heading TEXT, report_id TEXT);
CREATE TABLE keywords (section TEXT NOT NULL, rank INTEGER NOT NULL, word TEXT NOT NULL,
                       PRIMARY KEY (section, rank));
CREATE TABLE model (id INTEGER PRIMARY KEY CHECK (id = 1), weights TEXT NOT NULL);
"""
# Made once the rows are in: building an index at the end is faster than keeping it up to date.
_INDEXES = """
CREATE INDEX phrases_section_kind ON phrases (section, kind);
"""


@dataclass
class BuildStats:
    path: str
    reports: int
    office_reports: int
    phrases: int
    generic: int
    by_kind: dict[str, int]
    sections: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    classifier: dict = field(default_factory=dict)  # {"reused": bool, "training_rows_changed": share}

    def to_dict(self) -> dict:
        return asdict(self)


def connect_ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)


def is_bank_file(db: Path) -> bool:
    """True for a caogao bank of any schema version (so rebuilding it destroys nothing)."""
    try:
        with contextlib.closing(connect_ro(db)) as c:
            return c.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    except sqlite3.Error:
        return False


def is_truncated(db: Path) -> bool:
    """True when the file is shorter than its SQLite header says (page size × page count)."""
    try:
        with open(db, "rb") as f:
            header = f.read(100)
        size = os.stat(db).st_size
    except OSError:
        return True
    if len(header) < 100:
        return True
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    # the count is valid only while the change counter matches "version-valid-for"
    return header[24:28] == header[92:96] and size < page * pages


def is_damaged(db: Path) -> bool:
    """True when SQLite's ``quick_check`` finds the bank at ``db`` damaged, or cannot read it at all."""
    try:
        with contextlib.closing(connect_ro(db)) as c:
            return c.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.Error:
        return True


def guard_target(db: Path, *, owned: bool = False) -> None:
    """Refuse to write over a folder, or over a file that is not a caogao bank unless caogao ``owned``
    the file (its own default bank, damaged: nobody else's data lives there)."""
    if db.is_dir():
        raise BankError("短语库路径是一个文件夹", file=db, hint="请给出文件名，例如 bank.sqlite")
    if not owned and db.exists() and db.stat().st_size > 0 and not is_bank_file(db):
        raise BankError("该文件不是 caogao 短语库，为免破坏它，未覆盖", file=db,
                        hint="换一个 --db 文件名")


# ---------------------------------------------------------------- building safely beside others

def _temp_prefix(db: Path) -> str:
    """What the temporary files of a build of ``db`` are called: how a later build knows them."""
    return f".{db.name}.build-"


def _try_lock(fd: int, *, wait: bool) -> bool:
    """Lock the open file ``fd`` for this process; False when ``wait`` is off and another holds it.

    POSIX: ``flock``, released by the kernel when the holder dies, even by ``kill -9``. Where
    ``fcntl`` is missing, ``msvcrt.locking`` on the first byte does the same; without either,
    every lock is granted (one build at a time is then the user's affair)."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            return True
        except BlockingIOError:
            return False
    try:
        import msvcrt
    except ImportError:
        return True
    while True:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            if not wait:
                return False
            time.sleep(0.1)


def lock_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.lock")


@contextlib.contextmanager
def bank_lock(db: Path):
    """Hold the build lock of the bank at ``db``: a second build waits until the first has
    renamed its bank into place, then sees that bank (and its sources) before deciding anything."""
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BankError(f"无法在此处写入短语库（{exc.strerror}）", file=db.parent,
                        hint="换一个可写的位置（--db），或设置 CAOGAO_HOME") from exc
    try:
        _try_lock(fd, wait=True)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_temps(db: Path, *, before: float) -> None:
    """Remove temporary banks that killed builds of ``db`` left: named as ours, older than
    ``before`` (the start of this build) and locked by no running build."""
    with contextlib.suppress(OSError):
        for tmp in db.parent.glob(f"{_temp_prefix(db)}*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime >= before:
                    continue
                fd = os.open(tmp, os.O_RDWR)
                try:
                    # without flock the bank's lock alone tells: builds of one bank take turns
                    free = fcntl is None or _try_lock(fd, wait=False)
                finally:
                    os.close(fd)
                if free:
                    tmp.unlink()


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable, where the OS lets a folder be opened (not Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sources_path(db: Path) -> Path:
    """The sidecar beside caogao's own bank that says what it was built from, readable when the
    bank itself is damaged."""
    return db.with_name(f"{db.name}.sources.json")


def write_sources(db: Path, sources: dict) -> None:
    """Write the sidecar of ``db`` whole or not at all; best effort (the bank's meta says it too)."""
    side = sources_path(db)
    tmp = side.with_name(f"{_temp_prefix(db)}{os.getpid()}.sources.tmp")
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, side)
    with contextlib.suppress(OSError):
        tmp.unlink()


def read_sources(db: Path) -> dict:
    """The sidecar's sources of ``db``; {} when there is none or it cannot be read."""
    with contextlib.suppress(OSError, ValueError):
        found = json.loads(sources_path(db).read_text(encoding="utf-8"))
        if isinstance(found, dict):
            return found
    return {}


def _pack(ids: list[int]) -> bytes:
    """An id list as 32-bit little-endian integers: a big bank has tens of thousands of lists."""
    out = array.array("i", ids)
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def unpack_ids(blob: bytes) -> list[int]:
    out = array.array("i")
    out.frombytes(blob)
    if sys.byteorder == "big":
        out.byteswap()
    return out.tolist()


def _places(mined: Any, phrases: list) -> tuple[dict[tuple, int], list[list[int]]]:
    """Every place phrases come from, with its id, and each phrase's place ids.

    The miner numbers its places itself (``Mined.places``, ``Phrase.place_ids``): a big
    corpus gives its phrases a hundred thousand sources, and numbering them here again
    cost 0.1 s. Phrases made otherwise are numbered by their sources, in order met.
    """
    made = getattr(mined, "places", None) or []
    if made and all(len(getattr(p, "place_ids", ())) == len(p.sources) for p in phrases):
        ids_of = [p.place_ids for p in phrases]
        used = set().union(*ids_of)  # not every unit's place gave a phrase
        return ({(s.report, s.heading, s.report_id): i for i, s in enumerate(made) if i in used}, ids_of)
    places: dict[tuple, int] = {}  # (report, heading, report id) → place id, in order met
    every = list(itertools.chain.from_iterable(p.sources for p in phrases))
    place_of = {key: places.setdefault((s.report, s.heading, s.report_id), len(places) + 1)
                for key, s in dict(zip(map(id, every), every)).items()}  # id(Source) → place id
    return places, [list(map(place_of.__getitem__, map(id, p.sources))) for p in phrases]


def write_bank(db: str | os.PathLike, mined: Any, reports: Sequence[Any] = (), *,
               office_ids: Iterable[str] = (), meta: dict | None = None, owned: bool = False) -> BuildStats:
    """Store a ``Mined`` result (phrases, keywords, model) as a bank at ``db``, atomically and durably.

    ``owned``: ``db`` is caogao's own default bank, replaced even when damaged beyond recognition.
    """
    start = time.perf_counter()
    db, office = Path(db), set(office_ids)
    guard_target(db, owned=owned)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(db, before=time.time() - 1)
        fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(db), suffix=".tmp", dir=db.parent)
    except OSError as exc:
        raise BankError(f"无法在此处写入短语库（{exc.strerror}）", file=db.parent,
                        hint="换一个可写的位置（--db），或设置 CAOGAO_HOME") from exc
    if fcntl is not None:  # held while it is written: a later build leaves it alone (msvcrt's
        _try_lock(fd, wait=False)  # locks are mandatory: SQLite could not write it)
    tmp = Path(tmp_name)
    phrases = list(mined.phrases)
    max_score = max((p.score for p in phrases), default=1.0) or 1.0
    max_n = max((p.n_reports for p in phrases), default=1) or 1
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as c:
            c.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            c.execute(f"PRAGMA application_id={APPLICATION_ID}")
            c.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            c.executemany("INSERT INTO reports VALUES (?,?,?,?,?,?)", [
                (r.id, r.title, r.file, r.year, r.period, "office" if r.id in office else "shipped")
                for r in reports])
            rows: list[tuple] = []
            places, ids_of = _places(mined, phrases)
            for pid, (p, ids) in enumerate(zip(phrases, ids_of), 1):
                origin = "office" if office and any(s.report_id in office for s in p.sources) else "shipped"
                # prior: the phrase's own worth, before any query (score, then spread)
                prior = 0.6 * max(p.score, 0.0) / max_score + 0.4 * math.log1p(p.n_reports) / math.log1p(max_n)
                rows.append((pid, p.text, p.section, p.kind, float(p.score), int(bool(p.generic)), p.shape or "",
                             " ".join(p.tokens), int(p.n_reports), origin, prior,
                             _pack(ids), int(getattr(p, "restored", False))))
            c.executemany("INSERT INTO phrases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            c.executemany("INSERT INTO places VALUES (?,?,?,?)", ((i, *key) for key, i in places.items()))
            c.executemany("INSERT INTO keywords VALUES (?,?,?)", [
                (sec, i, w) for sec, words in mined.keywords.items() for i, w in enumerate(words)])
            c.execute("INSERT INTO model VALUES (1, ?)", (json.dumps(mined.model, ensure_ascii=False),))
            c.executescript(_INDEXES)  # commits the rows, unsynced: nobody reads the file before its rename
            c.execute("PRAGMA synchronous=FULL")  # the last commit, and whoever opens it next, not OFF
            meta = {"built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "caogao": __version__, **(meta or {})}
            c.executemany("INSERT INTO meta VALUES (?,?)",
                          [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                           for k, v in meta.items()])
            c.commit()
        os.fsync(fd)  # the bytes on disk before the name points at them: a power cut leaves old or new
        os.replace(tmp, db)
        _sync_folder(db.parent)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a vanished folder
        raise BankError(f"写入短语库失败（{getattr(exc, 'strerror', None) or exc}）", file=db) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.close(fd)
    kinds = Counter(p.kind for p in phrases)
    by_kind = {k: kinds[k] for k in KINDS}
    return BuildStats(str(db), len(reports), sum(r.id in office for r in reports), len(phrases),
                      sum(bool(p.generic) for p in phrases), by_kind,
                      len({p.section for p in phrases}), time.perf_counter() - start)



def recorded_meta(db: Path) -> dict:
    """The meta table of the bank at ``db``: key → text; {} when it cannot be read."""
    with contextlib.suppress(sqlite3.Error):
        with contextlib.closing(connect_ro(db)) as c:
            return dict(c.execute("SELECT key, value FROM meta").fetchall())
    return {}


