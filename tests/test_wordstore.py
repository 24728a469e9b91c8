"""Tagging a little text from the word store gives the tags of jieba's whole dictionary."""

from __future__ import annotations

import pytest

from caogao.text import names

from caogao.text import segment as tokenize

from caogao.text import wordstore
from caogao.corpus.parse import load_corpus


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAOGAO_HOME", str(home))
        pos = tokenize._get_pos_tokenizer()
        wordstore._write(pos, wordstore.path())  # as the forked writer does, here
        yield pos


def test_a_batch_tagged_from_the_store_gets_the_whole_dictionarys_tags(store, monkeypatch, tmp_path):
    monkeypatch.setenv("CAOGAO_HOME", str(wordstore.path().parent))
    reports, _ = load_corpus()
    clauses = sorted({c for r in reports for c in names._clauses(r.text)})
    # the clauses the name rules read (a place or firm suffix), and a sample of the rest
    batch = [c for i, c in enumerate(clauses) if names._SUFFIX_RE.search(c) or i % 7 == 0]
    assert len(batch) > 1000
    small, freq = wordstore.tagger_for(batch)
    assert len(freq) < len(store.tokenizer.FREQ) / 20  # a small part of the dictionary
    whole = store.tokenizer.FREQ
    for clause in batch:
        expected = [(w, f, whole.get(w, -1)) for w, f in tokenize._pos_tag_cached(clause)]
        assert [(w, f, freq.get(w, -1)) for w, f in tokenize.pos_tag_with(small, clause)] == expected, clause


def test_a_missing_or_damaged_store_is_not_used(store, monkeypatch, tmp_path):
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path))
    assert wordstore.tagger_for(["桂花村污水管网建成投用"]) is None
    wordstore.path().write_bytes(b"not a database" * 100)
    assert wordstore.tagger_for(["桂花村污水管网建成投用"]) is None  # so the whole dictionary is loaded


def test_remembering_the_hmm_keeps_jiebas_tags(store, monkeypatch):
    # Runs of characters jieba's dictionary lacks (汾口, a firm's name) come back clause after
    # clause; the HMM that tags them is remembered per run, and tags as jieba does without.
    import jieba.posseg

    remembered = jieba.posseg.viterbi
    assert isinstance(remembered, wordstore._RememberedViterbi)
    reports, _ = load_corpus()
    clauses = sorted({c for r in reports for c in names._clauses(r.text)})[::3]
    remembered.memo.clear()
    tagged = [tokenize.pos_tag_with(store, c) for c in clauses]
    assert len(remembered.memo) > 100
    repeats = [tokenize.pos_tag_with(store, c) for c in clauses]  # every run from memory now
    monkeypatch.setattr(jieba.posseg, "viterbi", remembered.viterbi)
    assert tagged == repeats == [tokenize.pos_tag_with(store, c) for c in clauses]


def test_names_tagged_by_the_helper_while_the_build_goes_on_are_the_names_tagged_here(
        store, tmp_path, monkeypatch):
    # A build sends the clauses naming places and firms to its tagger helper before labelling
    # and segmenting, and collects them after: the names must be those tagged in this process.
    from caogao.bank import parallel
    if parallel.cores() < 2 or parallel._context() is None:
        pytest.skip("helpers need two cores and fork")
    texts = [r.text for r in load_corpus()[0]][:6]
    monkeypatch.setattr(names, "tagger_loaded", lambda: False)  # as in a build: no tagger here yet
    monkeypatch.setattr(names, "_tags", {})
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "here"))  # nothing cached
    here = names.corpus_names(texts)
    assert {"桂花村", "白沙镇"} & here
    monkeypatch.setattr(names, "_tags", {})
    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path / "helped"))
    parallel.start_helper("tagger", tokenize.load_tagger)
    try:
        finish = names.start_corpus_names(texts)
        assert len(parallel._helpers["tagger"]._waiting) == 1  # sent; this process goes on
        assert finish() == here
    finally:
        parallel.stop_helpers()


def test_a_helper_that_loads_the_whole_dictionary_leaves_the_store_for_later_builds(tmp_path):
    # On a new machine the tagger loads in a build's helper, which may start no process and is
    # ended with the build: its writer is forked apart and outlives it.
    import os
    import subprocess
    import sys
    import time

    from caogao.bank import parallel
    if parallel.cores() < 2 or parallel._context() is None:
        pytest.skip("helpers need two cores and fork")
    env = {k: v for k, v in os.environ.items() if k != "CAOGAO_NO_FORK"}
    env["CAOGAO_HOME"] = str(tmp_path)
    code = ("from caogao.bank import parallel; from caogao.text import segment as tokenize\n"
            "parallel.start_helper('tagger', tokenize.load_tagger)\n"
            "print(parallel._helpers['tagger'].run(len, 'loaded'))\n"  # answered once the tagger is loaded
            "parallel.stop_helpers()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.strip() == "6", done.stderr
    store = next(tmp_path.glob("jieba-words-*.sqlite"), None)
    for _ in range(120):  # the writer may still be at work
        if store is not None:
            break
        time.sleep(0.5)
        store = next(tmp_path.glob("jieba-words-*.sqlite"), None)
    assert store is not None
    monkey = pytest.MonkeyPatch()
    monkey.setenv("CAOGAO_HOME", str(tmp_path))
    try:
        assert wordstore.tagger_for(["桂花村污水管网建成投用"]) is not None  # complete and usable
    finally:
        monkey.undo()
