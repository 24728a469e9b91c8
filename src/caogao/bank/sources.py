"""Reading a corpus for a bank build: parsed reports cached by file content.

Parsing is the first slow step of a build (about 2.5 s for 10 MB of reports),
and a rebuild after one file changed should parse that file only. ``load``
does what ``structure.load_corpus`` does (same reports, ids and warnings) but
keeps each file's parsed reports in the build cache, keyed by the file's name
and bytes and by the reader's and parser's own source, so a changed parser never serves old
results. Files not in the cache are parsed on two cores when there are many.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Sequence

from caogao.corpus.report import Part, Report, Section


def _namespace() -> str:
    from caogao.bank.cache import code_digest

    return f"reports/{code_digest('corpus.parse', 'corpus.clean', 'corpus.report', 'corpus.ingest', 'bank.sources')}"


class _Texts:
    """A report's part, section and heading texts as spans of its own text, where they are one.

    They nearly always are: stored as spans, a parsed report is a third of
    its text three times over, and reads and decodes in a third of the time.
    """

    def __init__(self, text: str) -> None:
        self.text, self._at = text, 0

    def span(self, part: str) -> str | list[int]:
        if not part:
            return part
        at = self.text.find(part, self._at)  # they come in order
        if at < 0:
            at = self.text.find(part)
        if at < 0:
            return part
        self._at = at
        return [at, at + len(part)]

    def of(self, value: str | list[int]) -> str:
        return value if isinstance(value, str) else self.text[value[0]:value[1]]


def _section_to(s: Section, t: _Texts) -> list:
    return [t.span(s.heading), s.level, t.span(s.text), s.marker, [_section_to(c, t) for c in s.children]]


def _section_from(d: list, t: _Texts) -> Section:
    heading, level, text, marker, children = d
    return Section(t.of(heading), level, t.of(text), marker, [_section_from(c, t) for c in children])


def encode(reports: list[Report]) -> str:
    out = []
    for r in reports:
        t = _Texts(r.text)
        out.append([r.id, r.title, r.title_derived, r.file, r.year, r.period, r.text,
                    [[p.name, t.span(p.heading), t.span(p.text), [_section_to(s, t) for s in p.sections]]
                     for p in r.parts]])
    return json.dumps(out, ensure_ascii=False)


def decode(value: str) -> list[Report] | None:
    """Reports from ``encode``'s text; None when the text is damaged."""
    try:
        out = []
        for rid, title, derived, file, year, period, text, parts in json.loads(value):
            t = _Texts(text)
            out.append(Report(rid, title, derived, file, year, period, text,
                              [Part(n, t.of(h), t.of(pt), [_section_from(s, t) for s in secs])
                               for n, h, pt, secs in parts]))
        return out
    except (ValueError, TypeError, IndexError):
        return None


def _parse_all(pairs: list[tuple[str, str]]) -> list[list[Report]]:
    """``parse_file`` over (text, file name) pairs."""
    from caogao.corpus.parse import parse_file

    return [parse_file(text, name) for text, name in pairs]


def _key(path, data: bytes) -> str:
    return f"{path.name}\0{hashlib.blake2b(data, digest_size=20).hexdigest()}"


def _file_keys(files: list[Path], cache, namespace: str, roots: Sequence) -> dict[Path, str]:
    """Each readable file's key, its bytes hashed only when they may have changed since the last build.

    A file is taken as unchanged while its device, inode, size, mtime and ctime
    are, as git does: the ctime changes with every write and no tool sets it
    back (``cp -p``, ``touch -d`` do not). A file written in the last two
    seconds is not remembered, so an edit within the clock's granularity is
    not missed (git's "racy" files).
    """
    import marshal

    name = "\0".join(sorted(os.path.abspath(r) for r in roots))
    stored = cache.get_many(f"files/{namespace}", [name]).get(name)
    try:
        known = marshal.loads(stored) if isinstance(stored, bytes) else {}
    except (ValueError, EOFError, TypeError):
        known = {}
    known = known if isinstance(known, dict) else {}
    keys: dict[Path, str] = {}
    seen: dict[str, tuple] = {}
    recent = time.time_ns() - 2_000_000_000
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue  # unreadable: read_text says why
        where = os.path.abspath(path)
        sig = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        hit = known.get(where)
        if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == sig and isinstance(hit[1], str):
            keys[path] = hit[1]
        else:
            with contextlib.suppress(OSError):
                keys[path] = _key(path, path.read_bytes())
        if path in keys and max(st.st_mtime_ns, st.st_ctime_ns) < recent:
            seen[where] = (sig, keys[path])
    if seen != known:
        cache.put_many(f"files/{namespace}", {name: marshal.dumps(seen)})  # type: ignore[dict-item]
    return keys


def load(paths: Sequence[str | os.PathLike]) -> tuple[list[Report], list[str]]:
    """Read and parse files and folders as ``structure.load_corpus`` does, through the cache.

    A file is known by its name and its bytes: one parsed before is neither
    decoded nor parsed again (decoding 10 MB of reports costs 0.2 s).
    """
    from caogao.errors import InputError
    from caogao.corpus.ingest import list_files, nothing_read, read_text, skipped
    from caogao.bank.cache import default_cache
    from caogao.corpus.parse import gather

    warnings: list[str] = []
    files = list_files(list(paths), warnings)
    cache, namespace = default_cache(), _namespace()
    keys = _file_keys(files, cache, namespace, paths)
    parsed: dict[str, list[Report]] = {}
    for key, value in cache.get_many(namespace, list(set(keys.values()))).items():
        found = decode(value)
        if found is not None:
            parsed[key] = found
    pairs: list[tuple[Path, str]] = []  # (file, its key) for every file read
    missing: dict[str, tuple[str, str]] = {}  # key → (text, file name) to parse
    uncached: set[str] = set()  # keys of texts not read from the bytes their key names
    for path in files:
        key = keys.get(path)
        if key not in parsed:
            try:
                text = read_text(path)
            except InputError as exc:
                warnings.append(skipped(path, exc))
                continue
            with contextlib.suppress(OSError):
                if key is not None and _key(path, path.read_bytes()) != key:
                    key = None  # edited while read: its text is not what its key says
            if key is None:
                key = f"{len(uncached)}\0{path}"
                uncached.add(key)
            missing.setdefault(key, (text, path.name))
        pairs.append((path, key))
    if not pairs:
        raise nothing_read(warnings)
    if missing:
        fresh = _parse_all(list(missing.values()))
        new = dict(zip(missing, fresh))
        cache.put_many(namespace, {k: encode(v) for k, v in new.items() if k not in uncached})
        parsed.update(new)
    found, used = [], set()
    for _, key in pairs:
        # one file's bytes under one name twice: gather() may rename its reports, so each gets its own copy
        found.append(decode(encode(parsed[key])) or [] if key in used else parsed[key])
        used.add(key)
        if key not in uncached:
            for i, report in enumerate(found[-1]):
                report.text_key = f"{namespace}\0{key}\0{i}"
    return gather(pairs, found, warnings), warnings
