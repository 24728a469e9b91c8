"""Word segmentation for Chinese report text, behind one module.

Everything that cuts text into words goes through here, so the segmenter can
be swapped (rjieba, a cache by content hash) without touching the miner, the
classifier or the bank. We own a private ``jieba.Tokenizer`` loaded with our
user dictionary of domain terms; jieba's module-level default tokenizer is
never touched. The tokenizer is built lazily on first use: drafting from a
built bank never needs it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import threading
from typing import Any, Iterable, Iterator

from .paths import data_dir, home

NUM = "<NUM>"

# A slot written into mined templates ({金额}, {单位} …) is one token; so is <NUM>
# itself, so that token lists can be tokenized again unchanged.
SLOT_RE = re.compile(r"\{[^{}\s]{1,8}\}|<NUM>")
_NUMBER_RE = re.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]+)?%?$|^[０-９0-9]+[.．]?$")
# Chinese and Latin letters or digits: anything else (punctuation, spaces) is dropped.
_WORDISH_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9０-９]")

# Function words that carry no topic; used for keywords, not for the classifier.
STOPWORDS = frozenset(
    "的 了 和 与 及 以 在 为 是 对 等 将 把 被 从 向 于 中 上 下 并 也 又 都 而 "
    "个 之 其 各 有 由 到 让 使 就 着 或 所 这 那 我 我们 全 已 已经 不断 进一步 "
    "积极 持续 全面 切实 坚持 加强 推进 推动 开展 实施 完成 做好 抓好 一是 二是 三是 "
    "四是 五是 六是 七是 八是 通过 进行 今年 上半年 下半年 目前 共 达 万元 亿元 同比 "
    "增长 以上 工作 一 二 三 四 五 六 七 八 九 十 年 月 日".split()
)

_lock = threading.Lock()
_tokenizer: Any = None
_pos_tokenizer: Any = None


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    """Silence jieba's 'Building prefix dict…' chatter while it loads, then restore."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _get_tokenizer():
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            tok = jieba.Tokenizer()
            cache_dir = home()
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tok.tmp_dir = str(cache_dir)
                tok.cache_file = "jieba.cache"
            except OSError:
                pass  # an unwritable home only costs the cache, not correctness
            with _quiet_jieba():
                tok.initialize()
                tok.load_userdict(str(data_dir() / "userdict.txt"))
            _tokenizer = tok
    return _tokenizer


def _get_pos_tokenizer():
    global _pos_tokenizer
    if _pos_tokenizer is None:
        tok = _get_tokenizer()
        import jieba.posseg

        with _lock:
            if _pos_tokenizer is None:
                _pos_tokenizer = jieba.posseg.POSTokenizer(tok)
    return _pos_tokenizer


def _pieces(text: str) -> Iterator[tuple[bool, str]]:
    """Split text at slots: (True, '{金额}') or (False, plain text)."""
    pos = 0
    for m in SLOT_RE.finditer(text):
        if m.start() > pos:
            yield False, text[pos:m.start()]
        yield True, m.group(0)
        pos = m.end()
    if pos < len(text):
        yield False, text[pos:]


def _keep(word: str) -> str | None:
    word = word.strip()
    if not word or not _WORDISH_RE.search(word):
        return None
    if _NUMBER_RE.match(word):
        return NUM
    return word


def tokenize(text: str) -> list[str]:
    """Words of ``text``: punctuation and whitespace dropped, numbers as ``<NUM>``.

    Slots such as ``{金额}`` stay one token each.
    """
    out: list[str] = []
    for is_slot, piece in _pieces(text):
        if is_slot:
            out.append(piece)
            continue
        for block in _BLOCK_RE.findall(piece):
            out.extend(_cut_block(block))
    return out


# jieba cuts each run of letters and digits on its own (its re_han_default), so
# cutting run by run gives the same words, and a run met again is not cut again:
# the miner reads each sentence as part of a section, a paragraph and a phrase.
_BLOCK_RE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+|[０-９]+(?:[.．][０-９]+)?")


@functools.lru_cache(maxsize=200_000)
def _cut_block(block: str) -> tuple[str, ...]:
    out = []
    for word in _get_tokenizer().cut(block):
        kept = _keep(word)
        if kept:
            out.append(kept)
    return tuple(out)


def pos_tag(text: str) -> list[tuple[str, str]]:
    """(word, jieba POS flag) pairs, with the same dictionary; punctuation kept as 'x'."""
    return list(_pos_tag_cached(text))


@functools.lru_cache(maxsize=65536)
def _pos_tag_cached(text: str) -> tuple[tuple[str, str], ...]:
    # The miner tags a clause once for the corpus' names and again inside phrases.
    pos = _get_pos_tokenizer()
    out: list[tuple[str, str]] = []
    for is_slot, piece in _pieces(text):
        if is_slot:
            out.append((piece, "slot"))
            continue
        out.extend((p.word, p.flag) for p in pos.cut(piece))
    return tuple(out)


def segment_many(texts: Iterable[str]) -> list[list[str]]:
    """``tokenize`` over many texts; identical texts are segmented once."""
    seen: dict[str, list[str]] = {}
    out: list[list[str]] = []
    for text in texts:
        words = seen.get(text)
        if words is None:
            words = seen[text] = tokenize(text)
        out.append(list(words))
    return out


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


def names_in(text: str) -> list[str]:
    """Proper names in ``text``: jieba's proper nouns plus suffix rules, shared ones excepted.

    A place is a word ending in 村/镇/乡/街道/社区 that jieba tags as a proper
    noun, or a proper or rare noun standing just before one of those; a firm
    or project is a proper noun jieba's dictionary lacks, just before
    公司/项目/工程…. Common words jieba's dictionary mis-tags as names are
    re-tagged in our user dictionary, so they are not reported.
    """
    freq = _get_tokenizer().FREQ
    out: list[str] = []
    for clause in _CLAUSE_RE.findall(SLOT_RE.sub("，", text)):
        tags = pos_tag(clause)
        for i, (word, flag) in enumerate(tags):
            prev, prev_flag = tags[i - 1] if i else ("", "")
            if flag in NAME_FLAGS and len(word) > 1 and word not in SHARED_NAMES:
                out.append(word)
            elif word in PLACE_SUFFIXES and len(prev) >= 2 and (
                    prev_flag in NAME_FLAGS or (prev_flag.startswith("n") and freq.get(prev, 0) < 30)):
                out.append(prev + word)
            elif word.endswith(FIRM_SUFFIXES):
                out.extend(w for w, f in tags[max(0, i - 3):i]
                           if len(w) >= 2 and f in NAME_FLAGS and not freq.get(w))
    return out


def corpus_names(texts: Iterable[str]) -> set[str]:
    """Names of villages, towns, firms and projects in a corpus, to look for in every phrase.

    Names that ``names_in`` finds in clauses mentioning a place or firm suffix
    (POS tagging is the slow part of mining, so only those are tagged), kept
    when they are unmistakable anywhere: ending in a suffix (桂花村), or unknown
    to jieba's dictionary (汾口). Short dictionary words tagged as names in one
    context (保安, 青山) are left to the check of each phrase in its own context.
    """
    freq = _get_tokenizer().FREQ
    suffix = re.compile("|".join(PLACE_SUFFIXES + FIRM_SUFFIXES))
    clauses = {c for text in texts for c in _CLAUSE_RE.findall(text) if suffix.search(c)}
    names: set[str] = set()
    for clause in sorted(clauses):
        names.update(n for n in names_in(clause)
                     if (len(n) >= 3 and n.endswith(PLACE_SUFFIXES + FIRM_SUFFIXES)) or n not in freq)
    return {n for n in names if not re.search(r"[XxＸｘ]", n)}
