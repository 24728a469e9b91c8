"""jieba's dictionary on disk, for POS-tagging a little text without loading all of it.

The name rules read jieba's POS tags, and jieba tags only after loading its
whole dictionary: 1.4 s, which a rebuild after one edited report would spend
to tag a few hundred clauses. Everything jieba's tagger reads of its
dictionary while tagging a text is about the text's own substrings: whether
each is a key (a word, or the prefix of one), a word's frequency, its tag.
So the dictionary, as our tagger has it (user dictionary included), is
written once to an SQLite file under ``home()``, and a small batch of text
gets a tagger whose dictionary holds just the keys found among its
substrings. It tags exactly as the whole dictionary would (a test checks
the corpus).

The file is written the first time the whole dictionary is loaded, by a
process of its own, and named after jieba's version and our user dictionary.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

from caogao.paths import home

# Looking up a batch's keys costs about 5 µs a character; loading the whole dictionary 1.4 s.
BATCH_CHARS = 150_000
_BATCH = 900  # bound parameters per query


def import_posseg() -> Any:
    """``jieba.posseg``, without the 0.4 s its import spends reading every word's tag for a
    default tagger of its own, which caogao never uses."""
    posseg = sys.modules.get("jieba.posseg")
    if posseg is None:
        import jieba

        saved = jieba.dt.dictionary
        jieba.dt.dictionary = os.devnull  # its default tagger reads an empty dictionary instead
        try:
            import jieba.posseg as posseg
        finally:
            jieba.dt.dictionary = saved
    if not isinstance(posseg.viterbi, _RememberedViterbi):
        posseg.viterbi = _RememberedViterbi(posseg.viterbi)
    return posseg


class _RememberedViterbi:
    """jieba.posseg's HMM, which tags each run of characters its dictionary lacks, remembering
    each run's result: a corpus meets the same unknown runs (its villages, its firms) again and
    again, and the HMM is most of the time tagging takes. The result depends only on the run
    (the model's tables are jieba's constants), so it is the same result."""

    LIMIT = 200_000

    def __init__(self, viterbi: Any) -> None:
        self.viterbi = viterbi
        self.tables: tuple | None = None
        self.memo: dict[str, Any] = {}

    def __call__(self, obs: str, *tables: Any) -> Any:
        if self.tables is None:
            self.tables = tables
        elif any(a is not b for a, b in zip(tables, self.tables)):
            return self.viterbi(obs, *tables)  # other tables than the ones remembered for
        found = self.memo.get(obs)
        if found is None:
            if len(self.memo) >= self.LIMIT:
                self.memo.clear()
            found = self.memo[obs] = self.viterbi(obs, *tables)
        return found


def path() -> Path:
    from caogao.text.segment import _pos_id

    return home() / f"jieba-words-{_pos_id()}.sqlite"


def save_later(pos: Any) -> None:
    """Write the store of ``pos``'s dictionary in a forked process, if it is not there yet."""
    target = path()
    if target.exists() or "fork" not in multiprocessing.get_all_start_methods() \
            or os.environ.get("CAOGAO_NO_FORK"):
        return
    if multiprocessing.current_process().daemon:
        _write_detached(pos, target)
        return
    with contextlib.suppress(OSError):
        multiprocessing.get_context("fork").Process(target=_write, args=(pos, target)).start()


def _write_detached(pos: Any, target: Path) -> None:
    """``_write`` in a plain forked process, from a build's helper.

    A helper is daemonic (multiprocessing lets it start no process) and is
    ended with the build; on a new machine the tagger loads in a helper, so
    without this no build would ever write the store, and every later one
    would load the whole dictionary again (1.4 s). The writer outlives the
    helper and ends itself; the store appears when complete (an atomic rename).
    """
    try:
        pid = os.fork()
    except OSError:
        return
    if pid == 0:
        try:
            _write(pos, target)
        finally:
            os._exit(0)


def _write(pos: Any, target: Path) -> None:
    pos.makesure_userdict_loaded()
    freq, tags = pos.tokenizer.FREQ, pos.word_tag_tab
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".jieba-words.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError:
        return
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as c:
            c.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                            "CREATE TABLE words (key TEXT PRIMARY KEY, freq INTEGER, tag TEXT) WITHOUT ROWID;"
                            "CREATE TABLE meta (total INTEGER NOT NULL, longest INTEGER NOT NULL);")
            c.executemany("INSERT INTO words VALUES (?,?,?)", ((k, f, tags.get(k)) for k, f in freq.items()))
            # a tag for a word with no frequency: kept, though the key is not the dictionary's
            c.executemany("INSERT INTO words VALUES (?,NULL,?)", ((k, t) for k, t in tags.items() if k not in freq))
            c.execute("INSERT INTO meta VALUES (?,?)", (int(pos.tokenizer.total), max(map(len, freq), default=1)))
            c.commit()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error):
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def tagger_for(texts: Iterable[str]) -> tuple[Any, dict[str, int]] | None:
    """A jieba POS tagger, and its word frequencies, that tag ``texts`` as the whole dictionary
    would; None when there is no store (or it cannot be read)."""
    texts = list(dict.fromkeys(texts))
    target = path()
    if not target.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)) as c:
            total, longest = c.execute("SELECT total, longest FROM meta").fetchone()
            freq, tags = _lookup(c, texts, longest)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    import jieba

    posseg = import_posseg()
    tok = jieba.Tokenizer()  # loads nothing until asked to; it is never asked
    tok.FREQ, tok.total, tok.initialized = freq, total, True
    pos = object.__new__(posseg.POSTokenizer)
    pos.tokenizer, pos.word_tag_tab = tok, tags
    return pos, freq


def _lookup(c: sqlite3.Connection, texts: list[str], longest: int) -> tuple[dict[str, int], dict[str, str]]:
    """Every dictionary key among the texts' substrings, with its frequency, and their tags.

    The dictionary holds every prefix of every word, so a substring is looked up
    only when the one a character shorter is a key: a few lookups per character.
    """
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    starts = [(t, i) for t in texts for i in range(len(t))]
    width = 1
    while starts and width <= longest:
        wanted = {t[i:i + width] for t, i in starts if i + width <= len(t)}
        found = {}
        keys = list(wanted)
        for k in range(0, len(keys), _BATCH):
            chunk = keys[k:k + _BATCH]
            found.update((key, (f, tag)) for key, f, tag in c.execute(
                f"SELECT key, freq, tag FROM words WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        for key, (f, tag) in found.items():
            if f is not None:
                freq[key] = f
            if tag is not None:
                tags[key] = tag
        starts = [(t, i) for t, i in starts if t[i:i + width] in freq and i + width < len(t)]
        width += 1
    return freq, tags
