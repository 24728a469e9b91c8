"""Word segmentation for Chinese report text, behind one module.

Everything that cuts text into words goes through here, so the miner, the
classifier and the bank never see which segmenter does it. Words come from
rjieba (jieba's algorithm and dictionary in Rust, about thirty times faster)
when it is installed, else from a private ``jieba.Tokenizer``; both get our
user dictionary of domain terms, and both give the same words (checked on the
corpus: the only differences are in runs of letters and digits, which
``_normalise`` splits as jieba does). POS tags, which the name rules read,
always come from jieba: rjieba tags many common words as names.

A bank build segments through ``segment_many`` (and tags through
``caogao.text.names``), which keep results in the persistent build cache
(``segment_cache``) by content hash, so a rebuild segments only new text.
The segmenters load lazily on first use: drafting from a built bank never
needs them.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import logging
import re
import threading
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

# Characters of new text from which a batch is cut on two cores: forking costs little,
# since the worker inherits the loaded dictionary, but rjieba cuts ~2M characters a second.
_PARALLEL_CUT_CHARS = 400_000
_MEMO_LIMIT = 500_000

_lock = threading.Lock()
_tokenizer: Any = None
_pos_tokenizer: Any = None
_rjieba: Any = None


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


def _userdict() -> list[tuple[str, int | None, str | None]]:
    """Our user dictionary's entries, read as jieba's ``load_userdict`` reads them."""
    entries = []
    pattern = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")
    for line in (data_dir() / "userdict.txt").read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if line:
            word, freq, tag = pattern.match(line).groups()
            entries.append((word, int(freq) if freq else None, tag.strip() if tag else None))
    return entries


@functools.lru_cache(maxsize=1)
def segmenter_id() -> str:
    """Which segmenter cuts words, with which dictionary: part of every cache key."""
    from caogao.bank.cache import package_version

    digest = hashlib.blake2b((data_dir() / "userdict.txt").read_bytes(), digest_size=8).hexdigest()
    name = "rjieba" if _use_rjieba() else "jieba"
    return f"{name}-{package_version(name, name)}-norm1-{digest}"


@functools.lru_cache(maxsize=1)
def _pos_id() -> str:
    from caogao.bank.cache import package_version

    digest = hashlib.blake2b((data_dir() / "userdict.txt").read_bytes(), digest_size=8).hexdigest()
    return f"jieba-{package_version('jieba', 'jieba')}-pos1-{digest}"


@functools.lru_cache(maxsize=1)
def _use_rjieba() -> bool:
    return importlib.util.find_spec("rjieba") is not None


def _get_tokenizer():
    """jieba with our user dictionary: POS tagging, word frequencies, and words without rjieba."""
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
    """jieba's POS tagger over our tokenizer's whole dictionary (1.4 s to load)."""
    global _pos_tokenizer
    if _pos_tokenizer is None:
        tok = _get_tokenizer()
        with _lock, _quiet_jieba():
            if _pos_tokenizer is None:
                from caogao.text import wordstore
                posseg = wordstore.import_posseg()
                pos = object.__new__(posseg.POSTokenizer)
                pos.tokenizer = tok
                # the default tagger's tags, if something loaded them; else read from the
                # dictionary (0.4 s). The user dictionary's join when it first cuts.
                if posseg.dt.word_tag_tab:
                    pos.word_tag_tab = dict(posseg.dt.word_tag_tab)
                else:
                    pos.load_word_tag(tok.get_dict_file())
                _pos_tokenizer = pos
                wordstore.save_later(pos)  # small batches later need not load all this
    return _pos_tokenizer


def _get_rjieba():
    global _rjieba
    if _rjieba is None:
        with _lock:
            if _rjieba is None:
                import rjieba

                # Importing rjieba builds its module-level segmenter (0.12 s); a second
                # rjieba.Jieba() would build the same dictionary again. Ours is that one,
                # with our user dictionary added.
                for word, freq, tag in _userdict():
                    rjieba.add_word(word, freq, tag)
                _rjieba = rjieba
    return _rjieba


# Inside a run of letters and digits jieba's fallback splits off words of letters
# or digits (3.45, 100%) and keeps what is between them (##, -); rjieba keeps
# such runs whole (1-6, 9.5MW). Splitting them the same way makes the words agree.
_HAN_RE = re.compile(r"[\u4e00-\u9fd5]")
_ALNUM_SPLIT = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|[^a-zA-Z0-9]+")


def _normalise(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if len(w) > 1 and not _HAN_RE.search(w):
            out.extend(_ALNUM_SPLIT.findall(w))
        else:
            out.append(w)
    return out


def load_segmenter() -> None:
    """Load the segmenter and its dictionaries now (0.2 s with rjieba, 1 s with jieba)."""
    _raw_cut("预热")


def segmenter_loaded() -> bool:
    return (_rjieba if _use_rjieba() else _tokenizer) is not None


def load_tagger(*, whole: bool = False) -> None:
    """Get ready to POS-tag: from the word store if there is one (0.3 s), else (or for
    ``whole``) by loading jieba's dictionary and POS tags (1.4 s)."""
    from caogao.text import wordstore
    if not whole and wordstore.path().is_file():
        import jieba  # noqa: F401 - the small tagger's code, without a dictionary

        wordstore.import_posseg()
    else:
        _get_pos_tokenizer()


def tagger_loaded() -> bool:
    return _pos_tokenizer is not None


def _raw_cut(block: str) -> list[str]:
    if _use_rjieba():
        return _normalise(_get_rjieba().cut(block))
    return list(_get_tokenizer().cut(block))


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


# jieba cuts each run of letters and digits on its own (its re_han_default), so
# cutting run by run gives the same words, and a run met again is not cut again:
# the miner reads each sentence as part of a section, a paragraph and a phrase.
_BLOCK_RE = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+|[０-９]+(?:[.．][０-９]+)?")

# block → its kept words; filled by cutting and from the persistent cache
_blocks: dict[str, tuple[str, ...]] = {}
_texts: dict[str, tuple[str, ...]] = {}  # whole texts segment_many has seen


def _remember(table: dict, items: dict) -> None:
    if len(table) + len(items) > _MEMO_LIMIT:
        table.clear()  # a long-lived process (tests) must not grow without bound
    table.update(items)


def _cut_blocks(blocks: list[str]) -> list[tuple[str, ...]]:
    """Kept words of each block (module-level: a forked worker runs it too)."""
    out = []
    for block in blocks:
        words = []
        for word in _raw_cut(block):
            kept = _keep(word)
            if kept:
                words.append(kept)
        out.append(tuple(words))
    return out


def _cut_block(block: str) -> tuple[str, ...]:
    words = _blocks.get(block)
    if words is None:
        words = _cut_blocks([block])[0]
        _remember(_blocks, {block: words})
    return words


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


def _ensure_blocks(blocks: Iterable[str]) -> None:
    """Have every block's words in memory: from the persistent cache, else cut (and stored)."""
    from caogao.bank.parallel import split_map
    from caogao.bank.cache import default_cache

    wanted = [b for b in dict.fromkeys(blocks) if b not in _blocks]
    if not wanted:
        return
    cache, namespace = default_cache(), f"cut/{segmenter_id()}"
    found: dict[str, tuple[str, ...]] = {}
    for block, value in cache.get_many(namespace, wanted).items():
        found[block] = tuple(value.split(" ")) if value else ()
    missing = [b for b in wanted if b not in found]
    if missing:
        if len(missing) > 1 and sum(map(len, missing)) >= _PARALLEL_CUT_CHARS:
            load_segmenter()  # before forking, so the worker inherits it
        cut = split_map(_cut_blocks, missing, cost=len, min_cost=_PARALLEL_CUT_CHARS,
                        helper="segmenter", ready_here=segmenter_loaded())
        new = dict(zip(missing, cut))
        cache.put_many(namespace, {b: " ".join(w) for b, w in new.items()})
        found.update(new)
    _remember(_blocks, found)


def segment_many(texts: Iterable[str]) -> list[list[str]]:
    """``tokenize`` over many texts, through the persistent cache; identical texts are cut once.

    Whole texts are cached as well as their blocks: a big corpus segments the
    same units on every build, and one lookup per text is cheaper than one
    per block.
    """
    from caogao.bank.cache import code_digest, default_cache, split_known

    texts = list(texts)
    got, unique = split_known(texts, _texts)
    if unique:
        cache, namespace = default_cache(), f"text/{segmenter_id()}/{code_digest('text.segment')}"
        found = {t: tuple(v.split(" ")) if v else () for t, v in cache.get_many(namespace, unique).items()}
        missing = [t for t in unique if t not in found]
        if missing:
            _ensure_blocks(b for t in missing for is_slot, piece in _pieces(t) if not is_slot
                           for b in _BLOCK_RE.findall(piece))
            new = {t: tuple(tokenize(t)) for t in missing}
            cache.put_many(namespace, {t: " ".join(w) for t, w in new.items()})
            found.update(new)
        got.update(found)
        _remember(_texts, found)
    return [list(got[t]) for t in texts]


# ------------------------------------------------------------------ POS tags

def pos_tag(text: str) -> list[tuple[str, str]]:
    """(word, jieba POS flag) pairs, with the same dictionary; punctuation kept as 'x'."""
    return list(_pos_tag_cached(text))


@functools.lru_cache(maxsize=65536)
def _pos_tag_cached(text: str) -> tuple[tuple[str, str], ...]:
    return pos_tag_with(_get_pos_tokenizer(), text)


def pos_tag_with(pos: Any, text: str) -> tuple[tuple[str, str], ...]:
    """``pos_tag`` by a given jieba POS tagger."""
    out: list[tuple[str, str]] = []
    for is_slot, piece in _pieces(text):
        if is_slot:
            out.append((piece, "slot"))
            continue
        out.extend((p.word, p.flag) for p in pos.cut(piece))
    return tuple(out)
