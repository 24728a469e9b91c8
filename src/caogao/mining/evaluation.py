"""How well the section classifier agrees with hand labels (tests/data/gold.tsv, make bench)."""

from __future__ import annotations

import os
from typing import Callable, Iterable, Sequence

from caogao.mining.classifier import SectionClassifier
from caogao.mining.labelling import training_set, weak_rows


def evaluate_lor(gold_rows: Iterable[tuple[str, str, str]], *,
                 weak: Iterable[tuple[str, str, str]] = (),
                 make: Callable[[], SectionClassifier] = SectionClassifier) -> float:
    """Leave-one-report-out accuracy on hand-labelled rows ``(report_id, text, label)``.

    For each report, train on the other reports' gold and weak rows (as
    ``training_set`` gives them to the miner's fit), predict the held-out
    report's gold rows.
    """
    gold = list(gold_rows)
    weak = list(weak)
    if not gold:
        raise ValueError("no gold rows")
    right = 0
    for rid in sorted({r[0] for r in gold}):
        texts, labels, weights = training_set(r for r in gold + weak if r[0] != rid)
        test = [(t, y) for r, t, y in gold if r == rid]
        clf = make().fit(texts, labels, weights)
        predicted = clf.predict([t for t, _ in test])
        right += sum(p == y for p, (_, y) in zip(predicted, test))
    return right / len(gold)


def evaluate_gold(gold: str | os.PathLike, corpus: Sequence[str | os.PathLike] | None = None) -> float:
    """``evaluate_lor`` of the hand labels in ``gold`` (report id, text, label per tab-separated
    line; # comments) against weak rows of ``corpus`` (default: the shipped corpus)."""
    from pathlib import Path

    from caogao.corpus.parse import load_corpus

    rows = []
    for line in Path(gold).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rid, text, label = line.split("\t")
            rows.append((rid, text, label))
    reports, _ = load_corpus(corpus)
    return evaluate_lor(rows, weak=weak_rows(reports))
