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


def outline_accuracy(golds: Sequence) -> tuple[float, int]:
    """Accuracy of the shipped classifier on the section types of hand-written outlines
    (``caogao.corpus.evaluate.Gold``), and how many sections were scored.

    Each section is classified on its heading and the first sentence the reader
    found under it (the heading alone when the reader missed the section);
    sections typed ``其他`` (no section type fits) are left out.
    """
    import gzip
    import json

    from caogao.corpus.evaluate import read_gold, same_heading
    from caogao.corpus.report import split_sentences
    from caogao.mining.classifier import LinearModel
    from caogao.paths import data_dir
    from caogao.text.segment import tokenize

    shipped = sorted(data_dir().glob("model-*.json.gz"))
    with gzip.open(shipped[0], "rt", encoding="utf-8") as f:
        model = LinearModel.from_weights(json.load(f)["weights"])
    right = total = 0
    for gold in golds:
        sections = [s for r in read_gold(gold) for s in r.sections()]
        for heading, label in gold.types:
            if label == "其他":
                continue
            found = next((s for s in sections if same_heading(heading, s.heading)), None)
            first = (split_sentences(found.text) or [""])[0] if found else ""
            proba = model.predict_proba(tokenize(f"{heading}{first}"))
            if not isinstance(proba, dict):
                proba = dict(zip(model.classes, proba))
            best = max(sorted(proba), key=proba.__getitem__)
            right += best == label
            total += 1
    return (right / total if total else 1.0), total
