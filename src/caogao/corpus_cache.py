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
from pathlib import Path
from typing import Callable, Sequence

from .report import Part, Report, Section

_PARALLEL_CHARS = 300_000  # ~0.2 s of parsing: below this a worker costs more than it saves


def _namespace() -> str:
    from .segment_cache import code_digest

    return f"reports/{code_digest('structure', 'clean', 'report', 'ingest')}"


def _section_to(s: Section) -> list:
    return [s.heading, s.level, s.text, s.marker, [_section_to(c) for c in s.children]]


def _section_from(d: list) -> Section:
    heading, level, text, marker, children = d
    return Section(heading, level, text, marker, [_section_from(c) for c in children])


def encode(reports: list[Report]) -> str:
    return json.dumps([[r.id, r.title, r.title_derived, r.file, r.year, r.period, r.text,
                        [[p.name, p.heading, p.text, [_section_to(s) for s in p.sections]] for p in r.parts]]
                       for r in reports], ensure_ascii=False)


def decode(value: str) -> list[Report] | None:
    """Reports from ``encode``'s text; None when the text is damaged."""
    try:
        out = []
        for rid, title, derived, file, year, period, text, parts in json.loads(value):
            out.append(Report(rid, title, derived, file, year, period, text,
                              [Part(n, h, t, [_section_from(s) for s in secs]) for n, h, t, secs in parts]))
        return out
    except (ValueError, TypeError):
        return None


def _parse_all(pairs: list[tuple[str, str]]) -> list[list[Report]]:
    """``parse_file`` over (text, file name) pairs (module-level: a forked worker runs it too)."""
    from .structure import parse_file

    return [parse_file(text, name) for text, name in pairs]


def _key(path, data: bytes) -> str:
    return f"{path.name}\0{hashlib.blake2b(data, digest_size=20).hexdigest()}"


def load(paths: Sequence[str | os.PathLike], *,
         on_new: Callable[[list[str]], None] | None = None) -> tuple[list[Report], list[str]]:
    """Read and parse files and folders as ``structure.load_corpus`` does, through the cache.

    A file is known by its name and its bytes: one parsed before is neither
    decoded nor parsed again (decoding 10 MB of reports costs 0.2 s).
    ``on_new`` is told the texts of the files not parsed before, first.
    """
    from .errors import InputError
    from .ingest import list_files, nothing_read, read_text, skipped
    from .parallel import split_map
    from .segment_cache import default_cache
    from .structure import gather

    warnings: list[str] = []
    files = list_files(list(paths), warnings)
    keys: dict[Path, str] = {}
    for path in files:
        with contextlib.suppress(OSError):  # unreadable: read_text below says why
            keys[path] = _key(path, path.read_bytes())
    cache, namespace = default_cache(), _namespace()
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
        if on_new:
            on_new([text for text, _ in missing.values()])  # before parsing them: the caller may prepare
        fresh = split_map(_parse_all, list(missing.values()), cost=lambda pair: len(pair[0]),
                          min_cost=_PARALLEL_CHARS)
        new = dict(zip(missing, fresh))
        cache.put_many(namespace, {k: encode(v) for k, v in new.items() if k not in uncached})
        parsed.update(new)
    found, used = [], set()
    for _, key in pairs:
        # one file's bytes under one name twice: gather() may rename its reports, so each gets its own copy
        found.append(decode(encode(parsed[key])) or [] if key in used else parsed[key])
        used.add(key)
    return gather(pairs, found, warnings), warnings
