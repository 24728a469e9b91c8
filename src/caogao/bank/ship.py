"""What ships with the corpus, so that a first build on a new machine needs neither a fit nor a tagger.

``python -m caogao.bank.ship`` (``make model``) fits the section classifier on the
shipped corpus (``mining.labelling.ship_model``) and tags every clause a build of it
tags (``text.postag.ship_tags``), writing both into ``src/caogao/data/``. Run it after
changing the corpus, the user dictionary, the classifier, the labelling or name rules,
or upgrading jieba, rjieba or scikit-learn; the tests say when it was forgotten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def ship() -> list[Path]:
    from caogao.bank.build import build_bank
    from caogao.mining.labelling import ship_model
    from caogao.bank.cache import memory
    from caogao.text import names
    from caogao.text.postag import ship_tags

    model = ship_model()
    before = os.environ.get("CAOGAO_HOME")
    with tempfile.TemporaryDirectory() as home:
        os.environ["CAOGAO_HOME"] = home  # an empty build cache: every clause is looked up
        try:
            memory.cache_clear()  # every clause is looked up anew, and remembered
            build_bank(db=Path(home) / "bank.sqlite")
            clauses = names.remembered_clauses()
        finally:
            if before is None:
                del os.environ["CAOGAO_HOME"]
            else:
                os.environ["CAOGAO_HOME"] = before
    return [Path(model), Path(ship_tags(clauses))]


if __name__ == "__main__":
    for path in ship():
        print(path)
