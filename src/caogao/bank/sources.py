"""The sources of a bank build: what they are now, and their parsed reports, cached.

``file_states`` is the one change detector: a build asks it which files to
parse again, and ``bank_state`` whether a bank is still fresh. A file is known
by the hash of its bytes, read every time: an office report edited without
changing its size, its modification time set back, is still seen, and neither
inode numbers nor ctimes (which Windows does not keep as Linux does) are
relied on. Reading and hashing the 10 MB synthetic corpus takes about 20 ms.

Parsing is the first slow step of a build (about 2.5 s for 10 MB of reports),
and a rebuild after one file changed should parse that file only. ``load``
does what ``corpus.parse.load_corpus`` does (same reports, ids and warnings)
but keeps each file's parsed reports in the build cache, keyed by the file's
name and bytes and by the reader's and parser's own source, so a changed
parser never serves old results. It saves nearly all of those 2.5 s on a
rebuild.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from caogao import __version__
from caogao.bank.store import SCHEMA_VERSION
from caogao.corpus.files import SUPPORTED, list_files

if TYPE_CHECKING:  # imported where reports are decoded: a draft only asks whether its bank is fresh (1.3 ms)
    from caogao.corpus.report import Report, Section


def content_digest(data: bytes) -> str:
    """What a file is known by, in the build cache and in a bank's fingerprint."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def file_states(paths: Sequence[str | os.PathLike]) -> dict[str, tuple[int, int, str]]:
    """Absolute path → (size, mtime_ns, content digest) of every report file under ``paths``, in order.

    Files are read through the same guard as the reader's: a FIFO, device or socket
    is left out (never opened, so never waited on), and a file that is, or grows,
    too large to read is (-1, -1, "unreadable"), as is any other unreadable file
    (``read_text`` then says why). A file is stat'ed as it is opened, before it is
    read, so an edit made meanwhile shows next time.
    """
    from caogao.corpus.files import FileRefused, read_guarded

    states: dict[str, tuple[int, int, str]] = {}
    for path in list_files(list(paths), []):
        if path.suffix.lower() not in SUPPORTED:
            continue
        where = os.path.abspath(path)
        try:
            st, data = read_guarded(path)
            states[where] = (st.st_size, st.st_mtime_ns, content_digest(data))
        except FileRefused as exc:
            if exc.reason not in ("missing", "folder", "special"):  # as before: only files are sources
                states[where] = (-1, -1, "unreadable")
    return states


def source_rows(shipped: dict[str, tuple], office: dict[str, tuple]) -> list[list]:
    """``[origin, name, size, mtime_ns, digest]`` of each source file: a shipped file by its
    name (the corpus folder may move), an office file by its absolute path."""
    return [[origin, os.path.basename(where) if origin == "shipped" else where, *state]
            for origin, states in (("shipped", shipped), ("office", office))
            for where, state in states.items()]


def fingerprint_of(rows: list[list]) -> str:
    """A hash of every source file's name and content (and caogao's version and bank schema)."""
    h = hashlib.sha256(f"caogao {__version__} schema {SCHEMA_VERSION}\n".encode())
    for origin, name, _, _, digest in rows:
        h.update(f"{origin}\t{name}\t{digest}\n".encode())
    return h.hexdigest()


def fingerprint(shipped: Sequence[str | os.PathLike], office: Sequence[str | os.PathLike]) -> str:
    """The fingerprint of these sources as they are now."""
    return fingerprint_of(source_rows(file_states(shipped), file_states(office)))


def _namespace() -> str:
    from caogao.bank.cache import code_digest

    return f"reports/{code_digest('corpus.parse', 'corpus.sections', 'corpus.clean', 'corpus.report', 'corpus.files', 'corpus.decode', 'corpus.docx_in', 'bank.sources')}"


def _section_to(s: Section) -> list:
    return [s.heading, s.level, s.text, s.marker, [_section_to(c) for c in s.children]]


def _section_from(d: list) -> Section:
    from caogao.corpus.report import Section

    heading, level, text, marker, children = d
    return Section(heading, level, text, marker, [_section_from(c) for c in children])


def encode(reports: list[Report]) -> str:
    return json.dumps([[r.id, r.title, r.title_derived, r.file, r.year, r.period, r.text,
                        [[p.name, p.heading, p.text, [_section_to(s) for s in p.sections]] for p in r.parts]]
                       for r in reports], ensure_ascii=False)


def decode(value: str) -> list[Report] | None:
    """Reports from ``encode``'s text; None when the text is damaged."""
    from caogao.corpus.report import Part, Report

    try:
        return [Report(rid, title, derived, file, year, period, text,
                       [Part(n, h, pt, [_section_from(s) for s in secs]) for n, h, pt, secs in parts])
                for rid, title, derived, file, year, period, text, parts in json.loads(value)]
    except (ValueError, TypeError, IndexError):
        return None


def _key(path: Path, digest: str) -> str:
    return f"{path.name}\0{digest}"


def load(paths: Sequence[str | os.PathLike], *,
         states: dict[str, tuple[int, int, str]] | None = None) -> tuple[list[Report], list[str]]:
    """Read and parse files and folders as ``corpus.parse.load_corpus`` does, through the build cache.

    ``states`` is ``file_states(paths)`` when the caller has it. A file whose name and
    bytes were parsed before is neither decoded nor parsed again; one edited while it
    was read is parsed as read, and not cached.
    """
    from caogao.bank.cache import cached
    from caogao.corpus.files import nothing_read, read_bytes, read_text, skipped
    from caogao.corpus.parse import gather, parse_file
    from caogao.errors import InputError

    warnings: list[str] = []
    files = list_files(list(paths), warnings)
    states = file_states(paths) if states is None else states
    keys = {path: _key(path, states.get(os.path.abspath(path), (0, 0, "unread"))[2]) for path in files}
    texts: dict[Path, str | InputError] = {}

    def text_of(path: Path) -> str | InputError:
        if path not in texts:
            try:
                texts[path] = read_text(path)
            except InputError as exc:
                texts[path] = exc
        return texts[path]

    def as_keyed(path: Path) -> bool:  # still the bytes its key names, not an edit made meanwhile
        with contextlib.suppress(OSError, InputError):
            return _key(path, content_digest(read_bytes(path))) == keys[path]
        return False

    def parse(missing: list[str]) -> dict[str, list[Report]]:
        todo = {keys[p]: p for p in reversed(files) if keys[p] in missing}  # one file of a key each
        return {key: parse_file(text_of(p), p.name) for key, p in todo.items()
                if isinstance(text_of(p), str) and as_keyed(p)}

    namespace = _namespace()
    parsed = cached(namespace, keys.values(), parse, encode=encode, decode=decode)
    pairs, found, used = [], [], set()
    for path in files:
        key = keys[path]
        if key in parsed:  # a copy when one file's bytes come twice under one name: gather() may rename
            reports = decode(encode(parsed[key])) or [] if key in used else parsed[key]
            used.add(key)
            for i, report in enumerate(reports):
                report.text_key = f"{namespace}\0{key}\0{i}"
        elif isinstance(text_of(path), InputError):
            warnings.append(skipped(path, texts[path]))
            continue
        else:  # edited while it was read
            reports = parse_file(texts[path], path.name)
        pairs.append((path, key))
        found.append(reports)
    if not pairs:
        raise nothing_read(warnings)
    return gather(pairs, found, warnings), warnings
