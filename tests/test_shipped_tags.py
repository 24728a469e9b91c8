"""The POS tags shipped with the corpus: the tagger's own, and a first build needs no tagger."""

from __future__ import annotations

import os
import subprocess
import sys

from caogao.text.postag import jieba_tags, shipped_tags


def test_the_shipped_tags_are_what_the_tagger_gives_now():
    # Editing the user dictionary or upgrading jieba changes the tagger: the shipped tags then
    # no longer apply and every first build would load jieba's tagger (`make model` ships them anew).
    shipped = shipped_tags()
    assert len(shipped) > 1000, "no shipped tags for this tagger: run `make model`"
    for clause, tags in shipped.items():
        assert jieba_tags(clause) == tags, clause


def test_a_first_build_of_the_shipped_corpus_loads_no_tagger(tmp_path):
    code = ("import sys; from caogao.bank.build import build_bank; build_bank(); "
            "print(sorted(m for m in ('jieba.posseg', 'sklearn') if m in sys.modules))")
    env = dict(os.environ, CAOGAO_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=300, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "bank.sqlite").is_file()
