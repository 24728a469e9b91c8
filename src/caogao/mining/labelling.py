"""Labelling the units of a corpus for the miner.

Every section and second-level unit of every report gets a type. Units are
labelled weakly from the seed lexicon and from a report's structure
(``classify.weak_label``); a ``SectionClassifier`` then learns from those
labels and labels the open units (``Labelling``). ``mining.evaluation``
measures the classifier against hand labels.

Fitting is the expensive part (importing scikit-learn alone takes 1.4 s), so
the fitted weights are kept in the build cache by a hash of the training
rows: an unchanged corpus neither imports scikit-learn nor refits. A corpus
whose training rows differ from those a cached model was fitted on by at most
``MODEL_DRIFT`` of their weight (one report edited among hundreds) keeps that
model too: refitting on the 0.1 % of rows an edit changes would cost more than
the rest of the rebuild and change almost nothing. ``refit=True`` fits anew.

The model fitted on the shipped corpus ships too (``data/model-<key>.json.gz``,
written by ``python -m caogao.mining.labelling``): a first build of the shipped
corpus, as ``make demo`` runs on a new machine, then needs no fit. It is used
only under its exact key (the same training rows, classifier settings,
segmenter and scikit-learn version), so it is the model a fit would give.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import json
import os
from collections import Counter
from typing import Iterable, Sequence

from caogao.mining.classifier import LinearModel, SectionClassifier, unit_text, weak_label
from caogao.corpus.report import split_sentences
from caogao.mining.taxonomy import SECTION_TYPES
from caogao.text.segment import segment_many

# ------------------------------------------------------------ report units
# Units are units.units_of's: heading, body (children included), own text, kind,
# label (fixed by structure for part kinds), weak, parent, report.

def _weak_label(units: list) -> None:
    for u in units:  # parents come before their children
        if u.label is None:
            u.weak = _weak_label_of(u.heading, u.body, u.parent.weak if u.parent else None)


@functools.lru_cache(maxsize=65_536)  # a big corpus repeats its sections word for word
def _weak_label_of(heading: str, body: str, prior: str | None) -> str | None:
    return weak_label(heading, body, prior=prior)


def training_rows(units: list) -> list[tuple[str, str, str]]:
    """(report id, text, label) to fit the classifier: what users paste, and more.

    A unit gives its heading with the first sentence, its heading alone, and
    its later sentences; a part text (开场, 致谢 …) gives each of its sentences.
    """
    rows = []
    for u in units:
        label = u.label or u.weak
        if label:
            rows.extend((u.report.id, text, label) for text in _unit_rows(u.kind, u.heading, u.body, u.own))
    return rows


def _unit_rows(kind: str, heading: str, body: str, own: str) -> list[str]:
    if kind == "part":
        return [s for line in body.splitlines() for s in split_sentences(line) if len(s) >= 8]
    rows = [unit_text(heading, body)]
    if heading:
        rows.append(heading)
    rows.extend(s for s in split_sentences(own)[1:] if len(s) >= 8)
    return rows


def _training_counts(units: list) -> Counter:
    """``Counter((text, label))`` of ``training_rows``, each distinct unit read once."""
    counts: Counter = Counter()
    memo: dict[tuple, list[tuple[str, str]]] = {}
    for u in units:
        label = u.label or u.weak
        if not label:
            continue
        key = (u.kind, label, u.heading, u.body, u.own)
        rows = memo.get(key)
        if rows is None:
            rows = memo[key] = [(text, label) for text in _unit_rows(u.kind, u.heading, u.body, u.own)]
        for row in rows:
            counts[row] += 1
    return counts


def weak_rows(reports: Iterable) -> list[tuple[str, str, str]]:
    """Training rows labelled without any hand label: from structure and the seed lexicon."""
    from caogao.mining.units import units_of

    units = [u for r in reports for u in units_of(r)]
    _weak_label(units)
    return training_rows(units)


# ------------------------------------------------------------ fitting on a corpus

MODEL_DRIFT = 0.01  # share of the training rows' weight that may differ from a reused model's
MAX_TRAINING_ROWS = 20_000  # distinct rows (the shipped corpus has 2041): a fit of seconds, not minutes
MIN_PER_LABEL = 50


def training_set(rows: Iterable[tuple[str, str, str]] | Counter, *, max_rows: int | None = None,
                 min_per_label: int | None = None) -> tuple[list[str], list[str], list[float]]:
    """Texts, labels and weights to fit on: distinct (text, label) rows, weighted by their count.

    ``rows`` are ``training_rows``, or their ``Counter((text, label))``.

    A repeated row (a set phrase, a section a big corpus copies) is fitted once
    with its count as weight: the same objective as fitting every copy, at a
    fraction of the work (the 10 MB benchmark corpus: 66 238 rows, 3 379
    distinct; 0.5 s instead of 9 s). Past ``max_rows`` (``MAX_TRAINING_ROWS``) a
    corpus keeps its most repeated rows (each label its ``min_per_label`` most repeated
    first), ties broken by a stable hash of the row, so the same corpus keeps the same rows.
    """
    max_rows = MAX_TRAINING_ROWS if max_rows is None else max_rows
    min_per_label = MIN_PER_LABEL if min_per_label is None else min_per_label
    counts = rows if isinstance(rows, Counter) else Counter((text, label) for _, text, label in rows)
    chosen = list(counts)
    if len(chosen) > max_rows:
        ordered = sorted(chosen, key=lambda k: (-counts[k], hashlib.blake2b(
            f"{k[0]}\0{k[1]}".encode("utf-8", "surrogatepass"), digest_size=8).digest()))
        seen: Counter = Counter()
        keep = set()
        for key in ordered:
            if seen[key[1]] < min_per_label:
                seen[key[1]] += 1
                keep.add(key)
        for key in ordered:
            if len(keep) >= max_rows:
                break
            keep.add(key)
        chosen = [k for k in chosen if k in keep]
    return [t for t, _ in chosen], [y for _, y in chosen], [float(counts[k]) for k in chosen]


def corpus_training_set(units: list) -> tuple[list[str], list[str], list[float]]:
    """The units weakly labelled, and ``training_set`` of them: what a model of this corpus is fitted on.

    Each section type's seed words are rows of their own too: a corpus of township reports never
    says 宏观调控 or 扩大内需, and without them the model could not place a report that does
    (section classification of real reports of every level: 0.70 without them, 0.93 with them).
    """
    _weak_label(units)
    counts = _training_counts(units)
    if len({label for _, label in counts}) < 2:  # the seeds alone would fit a model of no corpus
        raise ValueError("need at least two classes to fit")
    counts.update(seed_rows())
    return training_set(counts)


def seed_rows() -> Counter:
    """``Counter((seed word, section type))``: the seed lexicon as training rows, weight 1 each."""
    from caogao.mining.taxonomy import section_types

    return Counter({(seed, name): 1 for name, st in section_types().items() if name in SECTION_TYPES
                    for seed in st.seeds})


def fit_weights(texts: list[str], labels: list[str], weights: list[float]) -> dict:
    """Fit a ``SectionClassifier`` and return its weights."""
    return SectionClassifier().fit(texts, labels, weights).to_weights()


def _model_key(texts: list[str], labels: list[str], weights: list[float]) -> str:
    from caogao.bank.cache import package_version
    from caogao.text.segment import segmenter_id

    sklearn = package_version("scikit-learn")
    given = [SectionClassifier().params(), segmenter_id(), sklearn, texts, labels, weights]
    return hashlib.blake2b(json.dumps(given, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def _encode_rows(texts: list[str], labels: list[str], weights: list[float]) -> str:
    return json.dumps([texts, labels, weights], ensure_ascii=False)


def drift(old: str | None, texts: list[str], labels: list[str], weights: list[float]) -> float:
    """The share of training weight in which ``_encode_rows`` text ``old`` and these rows differ (1.0: unknown)."""
    try:
        before = {(t, y): float(w) for t, y, w in zip(*json.loads(old or "null"))}
    except (ValueError, TypeError):
        return 1.0
    now = {(t, y): w for t, y, w in zip(texts, labels, weights)}
    total = sum(now.values()) + sum(before.values())
    changed = sum(abs(now.get(k, 0.0) - before.get(k, 0.0)) for k in now.keys() | before.keys())
    return changed / total if total else 1.0


def _load_weights(value: str | None) -> dict | None:
    with contextlib.suppress(ValueError, TypeError):
        return _checked(json.loads(value or "null"))
    return None  # missing or damaged: fit again


def _checked(weights: object) -> dict | None:
    return weights if isinstance(weights, dict) and weights.get("format") == "caogao-linear-1" else None


def shipped_model(key: str) -> dict | None:
    """The shipped corpus's fitted model when ``key`` is its key (see the module's doc), else None."""
    from caogao.paths import data_dir

    if not key:
        return None
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
        with gzip.open(data_dir() / f"model-{key}.json.gz", "rt", encoding="utf-8") as f:
            return _checked(json.load(f)["weights"])
    return None


def fitted_on(texts: list[str], labels: list[str], weights: list[float]) -> dict:
    """What a model's key is made of, the training rows as one digest (the shipped model records it)."""
    from caogao.bank.cache import package_version
    from caogao.text.segment import segmenter_id

    rows = json.dumps([SectionClassifier().params(), texts, labels, weights], ensure_ascii=False)
    segmenter = segmenter_id()
    name = segmenter.split("-")[0]
    return {"rows": hashlib.blake2b(rows.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest(),
            "segmenter": segmenter,
            "packages": {name: package_version(name), "scikit-learn": package_version("scikit-learn")}}


def model_to_ship() -> tuple[str, dict]:
    """The classifier fitted on the shipped corpus, as ``make model`` ships it: (file name, content)."""
    from caogao.corpus.parse import load_corpus
    from caogao.mining.units import units_of

    reports, _ = load_corpus()
    rows = corpus_training_set([u for r in reports for u in units_of(r)])
    return f"model-{_model_key(*rows)}.json.gz", {"fitted_on": fitted_on(*rows), "weights": fit_weights(*rows)}


class Labelling:
    """Types for report units: weak labels at once, the classifier's at ``label()``.

    The fitted model is looked up in the build cache by a hash of the training
    rows; when it is not there, it is fitted when ``label()`` needs it. Units
    are labelled with the pure-Python ``LinearModel`` either way, so a cached
    and a fresh model give the same bank.

    A corpus whose training rows changed by at most ``MODEL_DRIFT`` keeps
    the model it had (``reused`` tells by how much they changed). A bigger
    change needs a new fit (1.4 s of importing scikit-learn alone). Fitting in
    a worker process while the miner went on was tried and measured: an office's
    first build took 3.7 s with it and 3.6 s without (``make bench``), so it went.
    """

    def __init__(self, units: list, *, refit: bool = False) -> None:
        texts, labels, weights = corpus_training_set(units)
        if len(set(labels)) < 2:
            raise ValueError("need at least two classes to fit")
        self._open = [u for u in units if u.label is None]
        pasted = {key: unit_text(*key) for key in dict.fromkeys((u.heading, u.body) for u in self._open)}
        self._texts = [pasted[u.heading, u.body] for u in self._open]
        self._rows = (texts, labels, weights)
        self.key = _model_key(texts, labels, weights)
        self._corpus = hashlib.blake2b("\n".join(sorted({u.report.id for u in units})).encode(),
                                       digest_size=16).hexdigest()
        self.reused: float | None = None  # the training rows' drift from a reused model's
        self.weights = self._known(refit)
        self._fit = self.weights is None  # fitted when label() needs the weights

    def _known(self, refit: bool) -> dict | None:
        """A model that needs no fit: the one fitted on these very rows before, else (unless
        ``refit``) the shipped one, else the last one of this corpus if its rows drifted by at
        most ``MODEL_DRIFT`` (``reused`` says by how much)."""
        from caogao.bank.cache import default_cache

        cache = default_cache()
        weights = _load_weights(cache.get("model", self.key))
        if weights is None and not refit:
            weights = shipped_model(self.key)
            if weights is not None:  # as if fitted here, for later builds to reuse
                self._remember(cache)
        if weights is None and not refit:
            latest = cache.get("model-latest", self._corpus) or ""
            share = drift(cache.get("model-rows", latest), *self._rows)
            if share <= MODEL_DRIFT:
                weights = _load_weights(cache.get("model", latest)) or shipped_model(latest)
                self.reused = share if weights is not None else None
        return weights

    def _remember(self, cache) -> None:
        """Keep this corpus's training rows and model key, for the next build to measure its drift."""
        cache.put("model-rows", self.key, _encode_rows(*self._rows))
        cache.put("model-latest", self._corpus, self.key)

    def _fitted(self) -> dict:
        from caogao.bank.cache import default_cache

        if self._fit:
            self.weights, self._fit = fit_weights(*self._rows), False
            cache = default_cache()
            cache.put("model", self.key, json.dumps(self.weights, ensure_ascii=False))
            self._remember(cache)
        assert self.weights is not None
        return self.weights

    def _labels(self, weights: dict) -> list[str]:
        model = LinearModel.from_weights(weights)
        unique = list(dict.fromkeys(self._texts))
        proba = {text: model.predict_proba(tokens) for text, tokens in zip(unique, segment_many(unique))}
        chosen: dict[tuple[str, str | None], str] = {}  # a big corpus repeats its units
        out = []
        for u, text in zip(self._open, self._texts):
            label = chosen.get((text, u.weak))
            if label is None:
                # the seeds read the whole body, the model only its start: the seeds lead
                score = {c: proba[text].get(c, 0.0) for c in SECTION_TYPES}
                if u.weak in score:
                    score[u.weak] += 0.5
                label = chosen[text, u.weak] = max(SECTION_TYPES, key=lambda c: (score[c], -SECTION_TYPES.index(c)))
            out.append(label)
        return out

    def _apply(self, labels: list[str]) -> None:
        for u, label in zip(self._open, labels):
            u.label = label

    def label(self) -> None:
        """Label every open unit with the fitted model (waiting for the fit, if it runs)."""
        self._apply(self._labels(self._fitted()))

    def finish(self) -> dict:
        """Label every open unit with the fitted model; returns its weights (the bank stores them)."""
        self.label()
        return self._fitted()


def label_units(units: list) -> dict:
    """Give every unit a type: weak labels, a classifier fitted on them, both combined.

    Returns the fitted classifier's weights (the bank stores them).
    """
    return Labelling(units).finish()


