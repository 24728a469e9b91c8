"""What ships with the corpus, so that a first build on a new machine needs neither a fit nor a tagger.

``python -m caogao.bank.ship`` (``make model``) fits the section classifier on the
shipped corpus (``mining.labelling.model_to_ship``) and tags every clause a build of it
tags (``text.postag.jieba_tags``), writing both into ``src/caogao/data/``. Run it after
changing the corpus, the user dictionary, the classifier, the labelling or name rules,
or upgrading jieba, rjieba or scikit-learn; the tests say when it was forgotten.
What it saves on that first build (``make bench``, "empty build cache"): the fit, 1.1 s
(the "--refit" row), and loading the tagger, about 1 s.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path


def _write(target: Path, content: object) -> Path:
    """``content`` as gzipped JSON at ``target``, in place of what an older ``make model`` wrote."""
    for old in target.parent.glob(f"{target.name.split('-')[0]}-*.json.gz"):
        old.unlink()
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(text.encode("utf-8"))  # no time stamp: the same content gives the same file
    return target


def _clauses_a_build_tags() -> list[str]:
    """Every clause a build of the shipped corpus, from an empty build cache, looks up the tags of."""
    from unittest import mock

    from caogao.bank.build import build_bank
    from caogao.bank.cache import memory
    from caogao.text import names

    with tempfile.TemporaryDirectory() as home, mock.patch.dict(os.environ, {"CAOGAO_HOME": home}):
        memory.cache_clear()  # every clause is looked up anew, and remembered
        build_bank(db=Path(home) / "bank.sqlite")
        return names.remembered_clauses()


def ship() -> list[Path]:
    from caogao.mining.labelling import model_to_ship
    from caogao.paths import data_dir
    from caogao.text.postag import jieba_tags, shipped_tags, tags_file

    name, model = model_to_ship()
    paths = [_write(data_dir() / name, model)]
    clauses = sorted(set(_clauses_a_build_tags()))
    paths.append(_write(Path(tags_file()), {c: [list(t) for t in jieba_tags(c)] for c in clauses}))
    shipped_tags.cache_clear()
    return paths


if __name__ == "__main__":
    for path in ship():
        print(path)
