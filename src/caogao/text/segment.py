"""Word segmentation for Chinese report text, behind one module.

Everything that cuts text into words goes through here, so the miner, the
classifier and the bank never see which segmenter does it. Words come from
rjieba (jieba's algorithm and dictionary in Rust, about thirty times faster)
when it is installed, else from a private ``jieba.Tokenizer``; both get our
user dictionary of domain terms, and both give the same words (checked on the
corpus: the only differences are in runs of letters and digits, which
``normalise`` splits as jieba does). Part-of-speech tags are ``postag``'s.

A bank build segments through ``segment_many``, which keeps results in the
build cache (``bank.cache``). The segmenters load lazily on first use: drafting
from a built bank never needs them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import logging
import re
from typing import Any, Iterable, Iterator

from caogao.paths import data_dir, home

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

@contextlib.contextmanager
def quiet_jieba() -> Iterator[None]:
    """Silence jieba's logger while it loads: its 'Building prefix dict…' chatter, and the
    traceback it logs when it cannot write its cache file (a read-only home), which costs
    only the next load's speed."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def user_dictionary() -> list[tuple[str, int | None, str | None]]:
    """Our user dictionary's entries, read as jieba's ``load_userdict`` reads them."""
    entries = []
    pattern = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")
    for line in (data_dir() / "userdict.txt").read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if line:
            word, freq, tag = pattern.match(line).groups()
            entries.append((word, int(freq) if freq else None, tag.strip() if tag else None))
    return entries


@functools.cache
def dictionary_digest() -> str:
    """A hash of our user dictionary: part of every key of words or tags it decided."""
    return hashlib.blake2b((data_dir() / "userdict.txt").read_bytes(), digest_size=8).hexdigest()


@functools.cache
def segmenter_id() -> str:
    """Which segmenter cuts words, with which dictionary: part of every cache key."""
    from caogao.bank.cache import package_version

    name = "rjieba" if _use_rjieba() else "jieba"
    return f"{name}-{package_version(name)}-norm1-{dictionary_digest()}"


@functools.cache
def _use_rjieba() -> bool:
    return importlib.util.find_spec("rjieba") is not None


@functools.cache
def jieba_tokenizer() -> Any:
    """jieba with our user dictionary: POS tagging and word frequencies, and words without rjieba.

    jieba keeps its prefix dictionary in a cache file, here under ``home()`` and named by
    jieba's version (an unwritable home only costs that file). The file is read whole and
    unmarshalled from memory: 0.18 s, where jieba's own load, piece by piece from the file,
    takes 0.56 s, a third of a rebuild after a report naming new villages (``make bench``).
    """
    import marshal

    import jieba

    from caogao.bank.cache import package_version

    tok = jieba.Tokenizer()
    cache = home() / f"jieba-{package_version('jieba')}.cache"
    with contextlib.suppress(OSError):
        home().mkdir(parents=True, exist_ok=True)
        tok.tmp_dir, tok.cache_file = str(home()), cache.name
    with contextlib.suppress(OSError, ValueError, TypeError, EOFError):
        freq, total = marshal.loads(cache.read_bytes()) if cache.is_file() else (None, None)  # a FIFO is never read
        if isinstance(freq, dict) and isinstance(total, int):
            tok.FREQ, tok.total, tok.initialized = freq, total, True
    with quiet_jieba():
        tok.initialize()  # builds the dictionary and writes the file, unless it was read
        tok.load_userdict(str(data_dir() / "userdict.txt"))
    return tok


@functools.cache
def rjieba_segmenter() -> Any:
    """rjieba's segmenter with our user dictionary (a segmenter of our own, not rjieba's shared one)."""
    import rjieba

    seg = rjieba.Jieba()
    for word, freq, tag in user_dictionary():
        seg.add_word(word, freq, tag)
    return seg


def dictionary_tag(word: str) -> str | None:
    """The part of speech the dictionary gives ``word`` (``ns`` a place, ``j`` an abbreviation …),
    None when the dictionary lacks it (a coined term: 绿美, 溽城)."""
    if _use_rjieba():
        seg = rjieba_segmenter()
        return seg.tag(word, False)[0][1] if seg.has_word(word) else None
    return "x" if word in jieba_tokenizer().FREQ else None


# Inside a run of letters and digits jieba's fallback splits off words of letters
# or digits (3.45, 100%) and keeps what is between them (##, -); rjieba keeps
# such runs whole (1-6, 9.5MW). Splitting them the same way makes the words agree.
_HAN_RE = re.compile(r"[\u4e00-\u9fd5]")
_ALNUM_SPLIT = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|[^a-zA-Z0-9]+")


def normalise(words: Iterable[str]) -> list[str]:
    """rjieba's words cut as jieba cuts them: runs of letters and digits split as jieba splits them."""
    out: list[str] = []
    for w in words:
        if len(w) > 1 and not _HAN_RE.search(w):
            out.extend(_ALNUM_SPLIT.findall(w))
        else:
            out.append(w)
    return out


def _raw_cut(block: str) -> list[str]:
    if _use_rjieba():
        return normalise(rjieba_segmenter().cut(block))
    return list(jieba_tokenizer().cut(block))


def pieces(text: str) -> Iterator[tuple[bool, str]]:
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


# jieba cuts each run of letters and digits on its own (its re_han_default), so
# cutting run by run gives the same words, and a run met again is not cut again:
# the miner reads each sentence as part of a section, a paragraph and a phrase.
BLOCK_RE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+|[０-９]+(?:[.．][０-９]+)?")


def _cut_block(block: str) -> tuple[str, ...]:
    return tuple(kept for kept in map(_keep, _raw_cut(block)) if kept)


def tokenize(text: str) -> list[str]:
    """Words of ``text``: punctuation and whitespace dropped, numbers as ``<NUM>``.

    Slots such as ``{金额}`` stay one token each.
    """
    from caogao.bank.cache import MEMORY_LIMIT, memory

    known, out = memory("cut"), []
    if len(known) > MEMORY_LIMIT:
        known.clear()
    for is_slot, piece in pieces(text):
        if is_slot:
            out.append(piece)
            continue
        for block in BLOCK_RE.findall(piece):
            words = known.get(block)
            if words is None:
                words = known[block] = _cut_block(block)
            out.extend(words)
    return out


def segment_many(texts: Iterable[str]) -> list[list[str]]:
    """``tokenize`` over many texts, through the build cache: a rebuild after one edited report
    segments only its new text (on the 10 MB corpus, 0.05 s instead of 4 s)."""
    from caogao.bank.cache import cached, code_digest, memory

    texts = list(texts)
    got = cached(f"text/{segmenter_id()}/{code_digest('text.segment')}", texts,
                 lambda new: {t: tuple(tokenize(t)) for t in new}, memo=memory("text"),
                 encode=" ".join, decode=lambda value: tuple(value.split(" ")) if value else ())
    return [list(got[t]) for t in texts]
