"""Part-of-speech tags for report text: jieba's tagger, with our user dictionary.

The name rules (``names``) read the tags; rjieba, which cuts words faster,
tags many common words as names, so tags always come from jieba. The tagger
loads on first use (about 1 s: jieba's dictionary and every word's tag).

The tags of the shipped corpus's clauses ship with it (``data/tags-<tagger>.json.gz``,
written by ``make model``), valid only for the tagger that made them (jieba's version
and our user dictionary). A first build of the shipped corpus, as ``make demo`` runs
on a new machine, then loads no tagger: 2.6 s became 1.1 s (``make bench``, "empty build cache").
"""

from __future__ import annotations

import functools
import os
from typing import Any

from caogao.text.segment import dictionary_digest, jieba_tokenizer, pieces, quiet_jieba

# (word, jieba POS flag, the word's dictionary frequency or -1 when the dictionary lacks it)
Tagged = tuple[tuple[str, str, int], ...]


@functools.cache
def tagger_id() -> str:
    """Which tagger tags, with which dictionary: part of every cache key of tags or names."""
    from caogao.bank.cache import package_version

    return f"jieba-{package_version('jieba')}-pos1-{dictionary_digest()}"


@functools.cache
def tagger() -> Any:
    """jieba's POS tagger over our tokenizer (its dictionary and ours)."""
    tok = jieba_tokenizer()
    with quiet_jieba():
        import jieba.posseg as posseg

        pos = object.__new__(posseg.POSTokenizer)
        pos.tokenizer = tok
        # importing jieba.posseg read every word's tag for its default tagger, from the
        # dictionary ours loads too: a copy saves reading them again (0.4 s); the user
        # dictionary's tags join it when it first tags
        if posseg.dt.word_tag_tab and posseg.dt.tokenizer.dictionary == tok.dictionary:
            pos.word_tag_tab = dict(posseg.dt.word_tag_tab)
        else:
            pos.load_word_tag(tok.get_dict_file())
    return pos


def pos_tag(text: str) -> list[tuple[str, str]]:
    """(word, jieba POS flag) pairs; punctuation kept as 'x', slots such as ``{金额}`` as 'slot'."""
    out: list[tuple[str, str]] = []
    for is_slot, piece in pieces(text):
        if is_slot:
            out.append((piece, "slot"))
            continue
        out.extend((p.word, p.flag) for p in tagger().cut(piece))
    return out


def tag(text: str) -> Tagged:
    """``pos_tag`` with each word's dictionary frequency (-1 when the dictionary lacks the word)."""
    known = shipped_tags().get(text)
    return known if known is not None else jieba_tags(text)


def jieba_tags(text: str) -> Tagged:
    """``tag`` as jieba gives it, never from the shipped tags."""
    freq = jieba_tokenizer().FREQ
    return tuple((w, f, freq.get(w, -1)) for w, f in pos_tag(text))


def tags_file() -> "os.PathLike":
    """Where the shipped tags of this tagger are (``make model`` writes them)."""
    import hashlib

    from caogao.paths import data_dir

    return data_dir() / f"tags-{hashlib.blake2b(tagger_id().encode(), digest_size=8).hexdigest()}.json.gz"


@functools.cache
def shipped_tags() -> dict[str, Tagged]:
    """The shipped corpus's clauses → their tags, when they were made by this tagger (else empty)."""
    import contextlib
    import gzip
    import json

    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        with gzip.open(tags_file(), "rt", encoding="utf-8") as f:
            return {clause: tuple((w, fl, int(n)) for w, fl, n in tags) for clause, tags in json.load(f).items()}
    return {}
