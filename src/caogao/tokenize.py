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
import logging
import re
import threading
from typing import Any, Iterable, Iterator

from .paths import data_dir, home

NUM = "<NUM>"

# A slot written into mined templates ({金额}, {单位} …) is one token.
SLOT_RE = re.compile(r"\{[^{}\s]{1,8}\}")
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
    tok = _get_tokenizer()
    out: list[str] = []
    for is_slot, piece in _pieces(text):
        if is_slot:
            out.append(piece)
            continue
        for word in tok.cut(piece):
            kept = _keep(word)
            if kept:
                out.append(kept)
    return out


def pos_tag(text: str) -> list[tuple[str, str]]:
    """(word, jieba POS flag) pairs, with the same dictionary; punctuation kept as 'x'."""
    pos = _get_pos_tokenizer()
    out: list[tuple[str, str]] = []
    for is_slot, piece in _pieces(text):
        if is_slot:
            out.append((piece, "slot"))
            continue
        out.extend((p.word, p.flag) for p in pos.cut(piece))
    return out


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
# Endings of names of villages, towns, organisations and projects.
NAME_SUFFIXES = ("村", "镇", "乡", "街道", "社区", "公司", "项目", "工程", "园区", "合作社",
                 "基地", "景区", "集团", "厂", "学校", "小学", "中学", "医院", "水库", "公园")
# Proper names every report shares (the Party, the nation): not another town's.
SHARED_NAMES = frozenset(
    "中国 中华 中华民族 中国共产党 共产党 党中央 国务院 习近平 马克思主义 毛泽东 邓小平 "
    "二十大 十九大 全国 省委 省政府 新时代 中国式 中国特色 社会主义".split()
)


def names_in(text: str) -> list[str]:
    """Proper names jieba finds in ``text`` (POS ns/nr/nt/nz…), shared ones excepted.

    Common words jieba's dictionary mis-tags as names are re-tagged in our
    user dictionary, so they are not reported here.
    """
    out = []
    for word, flag in pos_tag(text):
        if flag in NAME_FLAGS and word not in SHARED_NAMES and len(word) > 1:
            out.append(word)
    return out
