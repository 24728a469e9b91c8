"""The phrase bank: one SQLite file of mined phrases, and the queries drafting needs.

``build_bank`` mines the shipped corpus (plus an office's own reports) and
writes the result to a temporary file that is renamed into place, so a bank is
never half-built. ``open_bank`` rebuilds the bank when it is missing, of
another schema version, or mined from files that have since changed.

Searching, listing and exporting use sqlite3 and the standard library only:
drafting from a built bank must never pay for importing jieba or scikit-learn.
Only ``classify`` and ``similar`` segment text, through ``caogao.text.segment``.
"""

from __future__ import annotations

import array
import contextlib
import functools
import gc
import hashlib
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
from typing import Any, Callable, Iterable, Sequence

from caogao import __version__
from caogao.errors import BankError, UsageError
from caogao.fsutil import atomic_path
from caogao.paths import corpus_dir, default_bank_path
from caogao.mining.taxonomy import ALL_TYPES, KINDS, require_kind, require_type

# Raised whenever what a bank holds changes, not only its tables: a bank mined by
# older rules is rebuilt, never read as if it were current.
# 2: redacted sentences not generic; 3: sources as places; 4: id lists as blobs;
# 5: no bigram index (a scan of 5,500 phrases takes 4 ms; the index took 0.2 s of every build),
#    tokens space-separated
SCHEMA_VERSION = 5
APPLICATION_ID = 0x43414F47  # "CAOG": marks a file as a caogao bank whatever its schema
# build-cache namespaces of small values read thousands at a time (segmented text, POS tags,
# generic verdicts, each report's names): kept as one working set per corpus. Not body/: it
# is keyed by whole units, which a working set would copy.
_WORKING_SET = ("text/", "cut/", "pos/", "generic/", "names/")
CORPUS_SUFFIXES = (".txt", ".md", ".docx")
EXPORT_FORMATS = ("csv", "json", "docx")
KIND_LABELS = {"heading1": "一级标题", "heading2": "二级标题与引领句", "item": "分项表述（一是……）",
               "figure": "数据句式", "set_phrase": "固定表述"}
Progress = Callable[[str], None]   # told a short Chinese message at each stage of a build

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reports (id TEXT PRIMARY KEY, title TEXT, file TEXT, year INTEGER,
                      period TEXT, origin TEXT NOT NULL);
CREATE TABLE phrases (id INTEGER PRIMARY KEY, text TEXT NOT NULL, section TEXT NOT NULL,
                      kind TEXT NOT NULL, score REAL NOT NULL, generic INTEGER NOT NULL,
                      shape TEXT NOT NULL, tokens TEXT NOT NULL, n_reports INTEGER NOT NULL,
                      origin TEXT NOT NULL CHECK (origin IN ('shipped', 'office')),
                      prior REAL NOT NULL, places BLOB NOT NULL);
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
class Hit:
    """A phrase as queries return it; ``match`` is the query's match quality or similarity."""

    text: str
    section: str
    kind: str
    score: float
    generic: bool
    shape: str = ""
    sources: list[dict] = field(default_factory=list)
    origin: str = "shipped"
    n_reports: int = 1
    match: float | None = None

    def to_dict(self) -> dict:
        d = {"text": self.text, "section": self.section, "kind": self.kind,
             "score": round(self.score, 4), "generic": self.generic, "sources": self.sources,
             "shape": self.shape, "origin": self.origin, "n_reports": self.n_reports}
        if self.match is not None:
            d["match"] = round(self.match, 4)
        return d


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


# ---------------------------------------------------------------- corpus fingerprint

def corpus_files(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Report files under ``paths`` (folders walked, symlinked folders not followed), each
    folder's sorted as paths are."""
    out: list[str] = []
    for p in map(os.fspath, paths):
        if os.path.isdir(p):
            found = [os.path.join(root, name) for root, _, names in os.walk(p) for name in names]
            found.sort(key=lambda f: f.split(os.sep))  # as pathlib orders paths: part by part
        else:
            found = [p]
        out += [f for f in found if os.path.basename(f).lower().endswith(CORPUS_SUFFIXES)
                and not os.path.basename(f).startswith((".", "~$")) and os.path.isfile(f)]
    return out


def source_files(shipped: Sequence[str | os.PathLike], office: Sequence[str | os.PathLike],
                 known: dict | None = None) -> list[list]:
    """``[origin, name, size, mtime_ns, sha256]`` of every source file, in order.

    A file whose origin, name, size and modification time are in ``known``
    (``(origin, name, size, mtime_ns) → sha256``, the table a bank records) is
    not read again: with an office corpus of hundreds of reports, every lookup
    would otherwise read them all to tell whether the bank is up to date. A
    file is stat'ed before it is read, so an edit made meanwhile shows next time.
    """
    rows: list[list] = []
    for origin, paths in (("shipped", shipped), ("office", office)):
        for f in corpus_files(paths):
            name = os.path.basename(f) if origin == "shipped" else os.path.abspath(f)
            try:
                st = os.stat(f)
                size, mtime = st.st_size, st.st_mtime_ns
                digest = (known or {}).get((origin, name, size, mtime)) or hashlib.sha256(Path(f).read_bytes()).hexdigest()
            except OSError:
                size, mtime, digest = -1, -1, "unreadable"
            rows.append([origin, name, size, mtime, digest])
    return rows


def _fingerprint_of(rows: list[list]) -> str:
    h = hashlib.sha256(f"caogao {__version__} schema {SCHEMA_VERSION}\n".encode())
    for origin, name, _, _, digest in rows:
        h.update(f"{origin}\t{name}\t{digest}\n".encode())
    return h.hexdigest()


def fingerprint(shipped: Sequence[str | os.PathLike], office: Sequence[str | os.PathLike]) -> str:
    """A hash of every source file's name and content (and caogao's version)."""
    return _fingerprint_of(source_files(shipped, office))


def _known_files(meta: dict) -> dict:
    """The ``source_files`` table a bank's meta records, as ``known``; {} when absent or damaged."""
    with contextlib.suppress(ValueError, TypeError):
        return {(o, n, s, m): d for o, n, s, m, d in json.loads(meta.get("files") or "[]")}
    return {}


def _recorded_meta(db: Path) -> dict:
    with contextlib.suppress(sqlite3.Error):
        with contextlib.closing(_connect_ro(db)) as c:
            return dict(c.execute("SELECT key, value FROM meta").fetchall())
    return {}


# ---------------------------------------------------------------- writing a bank

def _connect_ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)


def _is_bank_file(db: Path) -> bool:
    """True for a caogao bank of any schema version (so rebuilding it destroys nothing)."""
    try:
        with contextlib.closing(_connect_ro(db)) as c:
            return c.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    except sqlite3.Error:
        return False


def _guard_target(db: Path) -> None:
    if db.is_dir():
        raise BankError("短语库路径是一个文件夹", file=db, hint="请给出文件名，例如 bank.sqlite")
    if db.exists() and db.stat().st_size > 0 and not _is_bank_file(db):
        raise BankError("该文件不是 caogao 短语库，为免破坏它，未覆盖", file=db,
                        hint="换一个 --db 文件名")


def _pack(ids: list[int]) -> bytes:
    """An id list as 32-bit little-endian integers: a big bank has tens of thousands of lists."""
    out = array.array("i", ids)
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def _unpack(blob: bytes) -> list[int]:
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
               office_ids: Iterable[str] = (), meta: dict | None = None) -> BuildStats:
    """Store a ``Mined`` result (phrases, keywords, model) as a bank at ``db``, atomically."""
    start = time.perf_counter()
    db, office = Path(db), set(office_ids)
    _guard_target(db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{db.name}.", suffix=".tmp", dir=db.parent)
    except OSError as exc:
        raise BankError(f"无法在此处写入短语库（{exc.strerror}）", file=db.parent,
                        hint="换一个可写的位置（--db），或设置 CAOGAO_HOME") from exc
    os.close(fd)
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
                             _pack(ids)))
            c.executemany("INSERT INTO phrases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            c.executemany("INSERT INTO places VALUES (?,?,?,?)", ((i, *key) for key, i in places.items()))
            c.executemany("INSERT INTO keywords VALUES (?,?,?)", [
                (sec, i, w) for sec, words in mined.keywords.items() for i, w in enumerate(words)])
            model = getattr(mined, "model_text", "") or json.dumps(mined.model, ensure_ascii=False)
            c.execute("INSERT INTO model VALUES (1, ?)", (model,))
            c.executescript(_INDEXES)
            meta = {"built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "caogao": __version__, **(meta or {})}
            c.executemany("INSERT INTO meta VALUES (?,?)",
                          [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                           for k, v in meta.items()])
            c.commit()
        os.replace(tmp, db)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a vanished folder
        raise BankError(f"写入短语库失败（{getattr(exc, 'strerror', None) or exc}）", file=db) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    kinds = Counter(p.kind for p in phrases)
    by_kind = {k: kinds[k] for k in KINDS}
    return BuildStats(str(db), len(reports), sum(r.id in office for r in reports), len(phrases),
                      sum(bool(p.generic) for p in phrases), by_kind,
                      len({p.section for p in phrases}), time.perf_counter() - start)


def _one_build(build: Callable) -> Callable:
    """Run ``build`` with Python's cyclic garbage collector paused.

    A build makes millions of objects and frees them by reference counting;
    the collector's passes over them took 0.17 s of a 2 s rebuild of the
    10 MB corpus and found a few hundred objects, collected once it resumes.
    """
    @functools.wraps(build)
    def run(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    return run


@_one_build
def build_bank(paths: Sequence[str | os.PathLike] | None = None, *, db: str | os.PathLike | None = None,
               only: bool = False, progress: Progress | None = None,
               corpus: Sequence[str | os.PathLike] | None = None, refit: bool = False) -> BuildStats:
    """Mine the shipped corpus plus the office's own reports in ``paths`` into a bank.

    With ``only`` the office's reports replace the shipped corpus. Phrases found
    in the office's reports are marked ``origin='office'`` and rank first.
    ``corpus`` stands in for the shipped corpus (tests, a custom corpus folder).
    ``refit`` fits the section classifier anew even when the one fitted before
    on nearly the same text could serve.
    """
    from caogao.bank.sources import load
    from caogao.mining.miner import mine
    from caogao.bank.cache import default_cache

    start = time.perf_counter()
    office_paths = [str(Path(p).resolve()) for p in (paths or ())]
    if only and not office_paths:
        raise UsageError("使用 --only 时必须给出本单位的报告文件或文件夹",
                         hint="例如：caogao bank build 我镇报告/ --only")
    shipped_paths = [] if only else [str(p) for p in (corpus or [corpus_dir()])]
    target = Path(db) if db else default_bank_path()
    _guard_target(target)
    say = progress or (lambda message: None)
    say("读取语料……")
    # fingerprint first: a file edited while we mine makes the bank stale, not wrongly fresh
    known = _known_files(_recorded_meta(target)) if _is_bank_file(target) else {}
    files = source_files(shipped_paths, office_paths, known)
    meta = {"fingerprint": _fingerprint_of(files), "files": files,
            "sources": {"shipped": not only, "office": office_paths}}
    # the small values this build looks up, kept together for the next build of these sources
    with default_cache().working_set(json.dumps([shipped_paths, office_paths], ensure_ascii=False), _WORKING_SET):
        reports, warnings = [], []
        if shipped_paths:
            reports, warnings = load(shipped_paths)
        office_ids: set[str] = set()
        if office_paths:
            office_reports, more = load(office_paths)
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
    stats = write_bank(target, mined, reports, office_ids=office_ids, meta=meta)
    stats.warnings, stats.seconds, stats.classifier = warnings, time.perf_counter() - start, meta["classifier"]
    return stats


# ---------------------------------------------------------------- opening a bank

def bank_state(db: str | os.PathLike, *, corpus: Sequence[str | os.PathLike] | None = None) -> str:
    """``missing`` | ``foreign`` (not a bank) | ``old`` (other schema) | ``stale`` | ``ok``."""
    db = Path(db)
    if not db.is_file() or db.stat().st_size == 0:
        return "missing"
    if not _is_bank_file(db):
        return "foreign"
    try:
        with contextlib.closing(_connect_ro(db)) as c:
            if c.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return "old"
            meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return "old"
    sources = json.loads(meta.get("sources", "{}"))
    shipped = [str(p) for p in (corpus or [corpus_dir()])] if sources.get("shipped", True) else []
    now = source_files(shipped, sources.get("office", []), _known_files(meta))
    return "ok" if meta.get("fingerprint") == _fingerprint_of(now) else "stale"


def _recorded_sources(db: Path) -> dict:
    with contextlib.suppress(sqlite3.Error, ValueError, TypeError):
        with contextlib.closing(_connect_ro(db)) as c:
            return json.loads(c.execute("SELECT value FROM meta WHERE key='sources'").fetchone()[0])
    return {}


def open_bank(path: str | os.PathLike | None = None, *, corpus: Sequence[str | os.PathLike] | None = None,
              progress: Progress | None = None, state: str | None = None) -> "PhraseBank":
    """Open the bank at ``path`` (default: the per-user bank), building it first if needed.

    A bank is (re)built when missing, of another schema version, or when the
    files it was mined from changed; an office bank is rebuilt from the same
    office files. A file that is not a caogao bank is never overwritten.
    ``state`` is ``bank_state``'s answer when the caller has just asked it.
    """
    db = Path(path) if path else default_bank_path()
    state = state or bank_state(db, corpus=corpus)
    if state == "foreign":
        raise BankError("该文件不是 caogao 短语库", file=db,
                        hint="用 caogao bank build --db 文件 构建，或去掉 --db 使用默认短语库")
    if state != "ok":
        sources = _recorded_sources(db) if state == "stale" else {}
        office = sources.get("office", [])
        gone = [p for p in office if not Path(p).exists()]
        if gone:  # rebuilding would drop the office's own phrasing: keep the bank as it is
            if progress:
                progress(f"本单位报告已不在原处（{gone[0]}），继续使用原有短语库")
        else:
            build_bank(office, db=db, only=bool(office) and not sources.get("shipped", True),
                       progress=progress, corpus=corpus)
    return PhraseBank(db)


def check_export_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"不支持的导出格式“{fmt}”", hint=f"可用：{'、'.join(EXPORT_FORMATS)}")


# ---------------------------------------------------------------- querying a bank

class PhraseBank:
    """A built bank, opened read-only. Use ``open_bank`` to get one that is up to date."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BankError("短语库文件不存在", file=self.path, hint="先运行 caogao bank build")
        if not _is_bank_file(self.path):
            raise BankError("该文件不是 caogao 短语库", file=self.path, hint="换一个 --db 文件")
        self._db = _connect_ro(self.path)
        if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            self._db.close()
            raise BankError("短语库的格式版本与本程序不符", file=self.path,
                            hint="重新构建：caogao bank build（使用默认短语库时会自动重建）")
        self._vectors: list[tuple[int, dict[str, float]]] | None = None
        self._weights: dict | None = None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "PhraseBank":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta"))

    # -- rows to hits
    _COLUMNS = ("p.id, p.text, p.section, p.kind, p.score, p.generic, p.shape, p.origin, p.n_reports, p.prior, "
                "p.places")

    def _rows(self, where: list[str], args: list, order: str = "", limit: int | None = None) -> list[tuple]:
        sql = f"SELECT {self._COLUMNS} FROM phrases p"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._db.execute(sql, args).fetchall()

    def _hits(self, rows: Sequence[tuple], match: dict[int, float] | None = None) -> list[Hit]:
        wanted = {r[0]: _unpack(r[10]) for r in rows}
        ids = sorted(set().union(*wanted.values()))
        places: dict[int, dict] = {}
        for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
            chunk = ids[i:i + 900]
            for place, report, heading, report_id in self._db.execute(
                    f"SELECT id, report, heading, report_id FROM places WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk):
                places[place] = {"report": report, "heading": heading, "report_id": report_id}
        return [Hit(text, section, kind, score, bool(generic), shape, [dict(places[i]) for i in wanted[pid]],
                    origin, n, None if match is None else match.get(pid))
                for pid, text, section, kind, score, generic, shape, origin, n, _, _ in rows]

    @staticmethod
    def _filters(section: str | None, kind: str | None, generic_only: bool) -> tuple[list[str], list]:
        where, args = [], []
        if section:
            where.append("p.section = ?")
            args.append(require_type(section, what="类别（--section）"))
        if kind:
            where.append("p.kind = ?")
            args.append(require_kind(kind))
        if generic_only:
            where.append("p.generic = 1")
        return where, args

    # -- the queries drafting uses (sqlite3 only)
    def search(self, query: str | None = None, *, section: str | None = None, kind: str | None = None,
               generic_only: bool = False, limit: int | None = 20) -> list[Hit]:
        """Phrases containing every whitespace-separated term of ``query``, best first.

        Ranked: the office's own phrases first, then match quality (how much of
        the phrase the query covers, a phrase starting with it) plus the stored
        prior (score and how many reports use the phrase).
        """
        where, args = self._filters(section, kind, generic_only)
        terms = (query or "").split()
        if not terms:
            return self._hits(self._rows(where, args, "p.origin = 'shipped', p.prior DESC, p.text", limit))
        for t in terms:
            where.append("instr(p.text, ?) > 0")
            args.append(t)
        rows = self._rows(where, args)
        match, first, whole = {}, terms[0], "".join(terms)
        for r in rows:
            text = r[1]
            match[r[0]] = (0.5 * min(1.0, sum(map(len, terms)) / len(text))
                           + 0.25 * text.startswith(first) + 0.25 * (text == whole))
        rows.sort(key=lambda r: (r[7] != "office", -(match[r[0]] + r[9]), -r[8], r[1]))
        return self._hits(rows[:limit] if limit is not None else rows, match)

    def phrases(self, *, section: str | None = None, kind: str | None = None,
                generic_only: bool = False) -> list[Hit]:
        """Every phrase matching the filters, ranked as ``search`` ranks without a query."""
        return self.search(None, section=section, kind=kind, generic_only=generic_only, limit=None)

    def sections(self) -> list[dict]:
        """Each section type with its number of phrases and its top keywords."""
        counts = dict(self._db.execute("SELECT section, count(*) FROM phrases GROUP BY section"))
        keywords: dict[str, list[str]] = {}
        for sec, word in self._db.execute("SELECT section, word FROM keywords ORDER BY section, rank"):
            keywords.setdefault(sec, []).append(word)
        names = [*ALL_TYPES, *sorted((set(counts) | set(keywords)) - set(ALL_TYPES))]
        return [{"section": n, "count": counts.get(n, 0), "keywords": keywords.get(n, [])} for n in names]

    # -- the queries that segment text (jieba via caogao.text.segment, never sklearn)
    def model_weights(self) -> dict:
        if self._weights is None:
            row = self._db.execute("SELECT weights FROM model WHERE id = 1").fetchone()
            self._weights = json.loads(row[0]) if row else {}
        return self._weights

    def classify(self, texts: Iterable[str]) -> list[dict]:
        """The section type of each text (a heading, a sentence), in input order."""
        from caogao.mining.classifier import LinearModel
        from caogao.text.segment import tokenize

        weights = self.model_weights()
        if not weights:
            raise BankError("短语库中没有分类模型", file=self.path, hint="重新构建：caogao bank build")
        model, out = LinearModel.from_weights(weights), []
        for text in texts:
            proba = model.predict_proba(tokenize(text))
            if not isinstance(proba, dict):
                proba = dict(zip(weights["classes"], proba))
            best = max(sorted(proba), key=proba.__getitem__)
            out.append({"text": text, "section": best, "confidence": round(float(proba[best]), 4)})
        return out

    def _idf(self) -> tuple[dict[str, float], float]:
        w = self.model_weights()
        vocab, idf = w.get("vocabulary") or [], w.get("idf") or []
        if isinstance(vocab, list):  # terms in column order
            vocab = {t: i for i, t in enumerate(vocab)}
        table = {t: float(idf[i]) for t, i in vocab.items() if i < len(idf) and " " not in t}  # words, not n-grams
        return table, max(table.values(), default=1.0)  # unseen words: as rare as the rarest

    def _vector(self, tokens: Iterable[str], idf: dict[str, float], unseen: float) -> dict[str, float]:
        tf: dict[str, int] = {}
        for t in tokens:
            tf[t] = tf.get(t, 0) + 1
        vec = {t: (1 + math.log(n)) * idf.get(t, unseen) for t, n in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def similar(self, text: str, limit: int = 10) -> list[Hit]:
        """Phrases nearest to ``text`` by TF-IDF cosine over the stored tokens and idf."""
        from caogao.text.segment import tokenize

        idf, unseen = self._idf()
        if self._vectors is None:
            self._vectors = [(pid, self._vector(toks.split(), idf, unseen))
                             for pid, toks in self._db.execute("SELECT id, tokens FROM phrases")]
        query = self._vector(tokenize(text), idf, unseen)
        sims = {pid: sum(v * vec.get(t, 0.0) for t, v in query.items()) for pid, vec in self._vectors}
        best = sorted((pid for pid, s in sims.items() if s > 0), key=lambda pid: (-sims[pid], pid))
        rows = {r[0]: r for r in self._rows([], [])}
        chosen = [rows[pid] for pid in best if rows[pid][1] != text.strip()][:limit]
        return self._hits(chosen, sims)

    # -- export
    def export(self, fmt: str, path: str | os.PathLike, *, force: bool = False) -> int:
        """Write every phrase as csv (UTF-8 with BOM), json or a docx 素材 book; returns the count."""
        writers = {"csv": self._write_csv, "json": self._write_json, "docx": self._write_docx}
        check_export_format(fmt)
        hits = self.phrases()
        with atomic_path(path, force=force) as tmp:
            writers[fmt](hits, tmp)
        return len(hits)

    @staticmethod
    def _write_csv(hits: list[Hit], tmp: Path) -> None:
        import csv

        # utf-8-sig: Excel and WPS read a BOM-less CSV as the local code page
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["text", "section", "kind", "score", "generic", "shape", "origin", "n_reports", "sources"])
            for h in hits:
                w.writerow([h.text, h.section, h.kind, round(h.score, 4), int(h.generic), h.shape, h.origin,
                            h.n_reports, "；".join(f"{s['report']}｜{s['heading']}" for s in h.sources)])

    @staticmethod
    def _write_json(hits: list[Hit], tmp: Path) -> None:
        tmp.write_text(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1), encoding="utf-8")

    def _write_docx(self, hits: list[Hit], tmp: Path) -> None:
        import docx
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        doc = docx.Document()
        for style in (doc.styles["Normal"], doc.styles["Title"], doc.styles["Heading 1"], doc.styles["Heading 2"]):
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)  # a theme font would override the name we set
            fonts.set(qn("w:eastAsia"), "宋体")
        bullet = doc.styles["List Bullet"].style_id
        doc.add_heading("短语库素材", level=0)
        doc.add_paragraph(f"共 {len(hits)} 条，按类别和种类分组；“通用”表述不含具体地名、数字，可直接套用。")
        for section in [s["section"] for s in self.sections() if s["count"]]:
            doc.add_heading(section, level=1)
            for kind in KINDS:
                group = [h for h in hits if h.section == section and h.kind == kind]
                if not group:
                    continue
                doc.add_heading(f"{KIND_LABELS.get(kind, kind)}（{len(group)}）", level=2)
                for h in group:
                    para = doc.add_paragraph()
                    para._p.style = bullet  # by id: a lookup by name scans every style, per paragraph
                    para.add_run(h.text)
                    src = h.sources[0]["report"] if h.sources else ""
                    note = para.add_run(f"　〔{'通用' if h.generic else '专用'}；{src}"
                                        f"{'等 %d 篇' % h.n_reports if h.n_reports > 1 else ''}〕")
                    note.font.size, note.font.color.rgb = Pt(9), RGBColor(0x80, 0x80, 0x80)
        doc.save(str(tmp))
