"""Proper names in report text: which phrases belong to one town only.

A phrase naming a village, a town, a firm or a project (桂花村, 汾口镇,
华美安防科技有限公司) cannot be lent to another town. Names are found from
jieba's POS tags plus suffix rules (``names_in``); ``corpus_names`` collects
the unmistakable ones of a whole corpus, to look for in every phrase.

POS tagging is the slow part of mining, so a clause's tags (with each word's
dictionary frequency, which the rules also read) are kept in the build cache
by content hash: a rebuild tags only the clauses it has not tagged before.
"""

from __future__ import annotations

import re
from typing import Iterable

from caogao.bank.cache import memory
from caogao.text.postag import Tagged, tag, tagger_id
from caogao.text.segment import SLOT_RE


def remembered_clauses() -> list[str]:
    """Every clause this process has the tags of (``make model`` ships those of the shipped corpus)."""
    return list(memory("pos"))


def _encode_tags(tags: Tagged) -> str:
    return "\n".join(f"{w}\t{f}\t{n}" for w, f, n in tags)


def _decode_tags(value: str) -> Tagged:
    """``_encode_tags`` undone; a damaged entry raises ValueError (a miss)."""
    return tuple((w, f, int(n)) for w, f, n in (line.split("\t") for line in value.split("\n"))) if value else ()


def _tags_of(clauses: Iterable[str]) -> dict[str, Tagged]:
    """The tags of ``clauses``: remembered, else from the build cache, else jieba's (then kept)."""
    from caogao.bank.cache import cached

    return cached(f"pos/{tagger_id()}", clauses, lambda new: {c: tag(c) for c in new},
                  encode=_encode_tags, decode=_decode_tags, memo=memory("pos"))


# ------------------------------------------------------------------ names

# jieba POS flags for people, places, organisations and other proper names.
NAME_FLAGS = frozenset({"nr", "nr1", "nr2", "nrj", "nrf", "nrt", "nrfg", "ns", "nsf", "nt", "nz"})
PLACE_SUFFIXES = ("村", "镇", "乡", "街道", "社区")
FIRM_SUFFIXES = ("公司", "合作社", "园区", "项目", "工程", "基地", "景区", "厂")
# Proper names every report shares (the Party, the nation): not another town's.
SHARED_NAMES = frozenset(
    "中国 中华 中华民族 中国共产党 共产党 党中央 国务院 习近平 马克思主义 毛泽东 邓小平 "
    "二十大 十九大 全国 省委 省政府 新时代 中国式 中国特色 社会主义".split()
)
_CLAUSE_RE = re.compile(r"[^，,。；;！!？?：:、\s“”\"（）()《》]+")


def _clauses(text: str) -> list[str]:
    return _CLAUSE_RE.findall(SLOT_RE.sub("，", text))


def prefetch_names(texts: Iterable[str]) -> None:
    """Tag, in one batch, every clause ``names_in`` will read in ``texts`` (build cache, else jieba)."""
    _tags_of(c for t in texts for c in _clauses(t))


def _names(clause: str) -> list[tuple[str, int]]:
    """(name, its dictionary frequency or -1) found in one clause."""
    tags = memory("pos").get(clause)  # names_in asks of each phrase: most clauses are remembered
    if tags is None:
        tags = _tags_of([clause])[clause]
    out: list[tuple[str, int]] = []
    for i, (word, flag, freq) in enumerate(tags):
        prev, prev_flag, prev_freq = tags[i - 1] if i else ("", "", -1)
        if flag in NAME_FLAGS and len(word) > 1 and word not in SHARED_NAMES:
            out.append((word, freq))
        elif word in PLACE_SUFFIXES and len(prev) >= 2 and (
                prev_flag in NAME_FLAGS or (prev_flag.startswith("n") and max(prev_freq, 0) < 30)):
            out.append((prev + word, -1))  # ends in a suffix: its frequency is never asked
        elif word.endswith(FIRM_SUFFIXES):
            out.extend((w, f) for w, fl, f in tags[max(0, i - 3):i]
                       if len(w) >= 2 and fl in NAME_FLAGS and f <= 0)
    return out


def names_in(text: str) -> list[str]:
    """Proper names in ``text``: jieba's proper nouns plus suffix rules, shared ones excepted.

    A place is a word ending in 村/镇/乡/街道/社区 that jieba tags as a proper
    noun, or a proper or rare noun standing just before one of those; a firm
    or project is a proper noun jieba's dictionary lacks, just before
    公司/项目/工程…. Common words jieba's dictionary mis-tags as names are
    re-tagged in our user dictionary, so they are not reported.
    """
    return [name for clause in _clauses(text) for name, _ in _names(clause)]


def corpus_names(texts: Iterable[str], keys: Iterable[str] | None = None) -> set[str]:
    """Names of villages, towns, firms and projects in a corpus, to look for in every phrase.

    Names that ``names_in`` finds in clauses mentioning a place or firm suffix
    (POS tagging is the slow part of mining, so only those are tagged), kept
    when they are unmistakable anywhere: ending in a suffix (桂花村), or unknown
    to jieba's dictionary (汾口). Short dictionary words tagged as names in one
    context (保安, 青山) are left to the check of each phrase in its own context.
    Each text's names are kept in the build cache: a rebuild reads only new text.

    ``keys``, one per text, name the texts in the cache instead of the texts themselves
    (``Report.text_key``; "" for none): hashing 10 MB of reports took 0.04 s of a rebuild.
    """
    from caogao.bank.cache import cached, code_digest

    texts = list(texts)
    by_key = dict(zip((k or t for k, t in zip(keys, texts)) if keys is not None else texts, texts))
    found = cached(f"names/{tagger_id()}/{code_digest('text.names', 'text.postag', 'text.segment')}", by_key,
                   lambda new: _names_of_texts({k: _suffix_clauses(by_key[k]) for k in new}),
                   encode=lambda v: "\n".join(sorted(v)), decode=lambda v: set(v.split("\n")) - {""})
    return {n for k in by_key for n in found[k] if not re.search(r"[XxＸｘ]", n)}


_SUFFIX_RE = re.compile("|".join(PLACE_SUFFIXES + FIRM_SUFFIXES))


def _suffix_clauses(text: str) -> list[str]:
    """The clauses of ``text`` that ``corpus_names`` tags: those with a place or firm suffix."""
    return [c for clause in sorted({c for c in _CLAUSE_RE.findall(text) if _SUFFIX_RE.search(c)})
            for c in _clauses(clause)]


def _names_of_texts(pieces: dict[str, list[str]]) -> dict[str, set[str]]:
    """The names of each text, from its ``_suffix_clauses``."""
    _tags_of(c for found in pieces.values() for c in found)
    return {t: {n for clause in found for n, freq in _names(clause)
                if (len(n) >= 3 and n.endswith(PLACE_SUFFIXES + FIRM_SUFFIXES)) or freq == -1}
            for t, found in pieces.items()}
