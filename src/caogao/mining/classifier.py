"""Which kind of work a heading or paragraph is about: the section classifier.

Every section and second-level unit of every report gets a type
(``labelling.label_units``). Units are labelled weakly from the seed lexicon
(``data/sections.yaml``, ``weak_label``) and from a report's structure (part
names, position); a TF-IDF + logistic regression model then learns from those
labels, with IDF fitted on our own corpus. The input is what users paste: a
heading with the start of its paragraph.

``SectionClassifier`` needs scikit-learn and is used only when mining.
``LinearModel`` is the same model as plain numbers (``to_weights``) and
predicts in pure Python, so the bank can classify without scikit-learn.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

from caogao.mining.taxonomy import SECTION_TYPES, seed_scores
from caogao.text.segment import NUM, segment_many

_FIGURE_RE = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?\s*(?:%|％|万元|亿元|万|亿|个|家|户|人|亩|公里|平方米|吨)?|X{2,}|x{2,}")


def weak_label(heading: str, body: str = "", *, allowed: Sequence[str] = SECTION_TYPES,
               prior: str | None = None) -> str | None:
    """A section type from seeds: the heading counts most, then the lead sentence, then the body.

    ``prior`` (the parent section's type) wins when the unit's own evidence is thin.
    """
    first, _, rest = body.partition("。")
    total: dict[str, float] = {}
    for text, weight in ((heading, 3.0), (first, 1.0)):
        for name, s in seed_scores(text).items():
            total[name] = total.get(name, 0.0) + weight * s
    # The rest of the body breaks ties: it adds two points at most, shared by evidence.
    rest_scores = seed_scores(rest)
    mass = sum(rest_scores.values())
    for name, s in rest_scores.items():
        total[name] = total.get(name, 0.0) + 2.0 * s / mass
    total = {k: v for k, v in total.items() if k in allowed}
    if prior in allowed:
        total[prior] = total.get(prior, 0.0) + 1.5
    if not total:
        return None
    return max(sorted(total), key=lambda k: total[k])


def figure_density(text: str) -> float:
    """Figures per 100 characters: what tells an 指标段 from prose."""
    if not text:
        return 0.0
    return 100.0 * len(_FIGURE_RE.findall(text)) / len(text)


class _Terms:
    """The vectorizer's analyzer: a token list, ignored tokens dropped, as n-grams.

    Documents reach the vectorizer already segmented (``segment_many``, which
    goes through the persistent cache), so fitting never segments again.
    """

    def __init__(self, ignore: tuple[str, ...], ngram_range: tuple[int, int]) -> None:
        self.ignore = frozenset(ignore)
        self.ngram_range = ngram_range

    def __call__(self, tokens: Sequence[str]) -> list[str]:
        tokens = [t for t in tokens if t not in self.ignore]  # as scikit-learn drops stop words
        lo, hi = self.ngram_range
        return [" ".join(tokens[i:i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1)]


class SectionClassifier:
    """TF-IDF over jieba words + logistic regression (scikit-learn style)."""

    def __init__(self, *, C: float = 10.0, sublinear_tf: bool = True, norm: str = "l2",
                 ngram_range: tuple[int, int] = (1, 1), min_df: int = 1,
                 class_weight: str | None = None, max_iter: int = 1000, tol: float = 1e-4,
                 ignore: tuple[str, ...] = (NUM,)) -> None:
        self.C = C
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.tol = tol
        self.ignore = ignore

    def params(self) -> dict:
        return {k: v for k, v in vars(self).items() if not k.endswith("_")}

    def fit(self, texts: Sequence[str], labels: Sequence[str],
            sample_weight: Sequence[float] | None = None) -> "SectionClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(set(labels)) < 2:
            raise ValueError("need at least two classes to fit")
        self.vectorizer_ = TfidfVectorizer(
            analyzer=_Terms(tuple(self.ignore), self.ngram_range), lowercase=False,
            sublinear_tf=self.sublinear_tf, norm=self.norm, min_df=self.min_df,
        )
        x = self.vectorizer_.fit_transform(segment_many(texts))
        # newton-cg: lbfgs is several times slower on wide sparse TF-IDF matrices, and
        # saga does not converge when rows carry their counts as weights (training_set)
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                         tol=self.tol, solver="newton-cg")
        self.model_.fit(x, list(labels), sample_weight=None if sample_weight is None else list(sample_weight))
        self.classes_ = [str(c) for c in self.model_.classes_]
        return self

    def predict_proba(self, texts: Sequence[str]):
        return self.model_.predict_proba(self.vectorizer_.transform(segment_many(texts)))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(c) for c in self.model_.predict(self.vectorizer_.transform(segment_many(texts)))]

    def to_weights(self) -> dict:
        """The fitted model as plain JSON (lists, floats, strings).

        Every weight is rounded to ``WEIGHT_DIGITS`` places: two fits on one machine then
        serialise alike, and fits on machines whose BLAS differ in the last bits nearly always do."""
        vocab = self.vectorizer_.vocabulary_
        terms = sorted(vocab, key=vocab.get)
        coef = self.model_.coef_
        return {
            "format": "caogao-linear-1",
            "vocabulary": terms,
            "idf": [_rounded(v) for v in self.vectorizer_.idf_],
            "classes": list(self.classes_),
            "coef": [[_rounded(v) for v in row] for row in coef],
            "intercept": [_rounded(v) for v in self.model_.intercept_],
            "sublinear_tf": bool(self.sublinear_tf),
            "norm": self.norm,
            "ngram_range": list(self.ngram_range),
            "ignore": list(self.ignore),
        }


WEIGHT_DIGITS = 6


def _rounded(value) -> float:
    return round(float(value), WEIGHT_DIGITS)


class LinearModel:
    """Predict from ``to_weights()`` output in pure Python (no numpy, no sklearn)."""

    def __init__(self, vocabulary: dict[str, int], idf: list[float], classes: list[str],
                 coef: list[list[float]], intercept: list[float], *, sublinear_tf: bool = True,
                 norm: str | None = "l2", ngram_range: tuple[int, int] = (1, 1),
                 ignore: Sequence[str] = ()) -> None:
        self.vocabulary = vocabulary
        self.ignore = frozenset(ignore)
        self.idf = idf
        self.classes = classes
        self.intercept = intercept
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.ngram_range = ngram_range
        self.coef = coef
        # Sparse columns: term index → [(class row, weight)], so a prediction costs
        # only the terms present. Each is made when a text first has its term:
        # making all of them up front costs more than a bank build's every prediction.
        self._columns: dict[int, list[tuple[int, float]]] = {}

    @classmethod
    def from_weights(cls, d: dict) -> "LinearModel":
        terms = d["vocabulary"]
        vocabulary = terms if isinstance(terms, dict) else {t: i for i, t in enumerate(terms)}
        lo, hi = d.get("ngram_range", [1, 1])
        return cls(vocabulary, list(d["idf"]), list(d["classes"]), d["coef"], list(d["intercept"]),
                   sublinear_tf=d.get("sublinear_tf", True), norm=d.get("norm", "l2"),
                   ngram_range=(int(lo), int(hi)), ignore=d.get("ignore", ()))

    def _features(self, tokens: Sequence[str]) -> dict[int, float]:
        tokens = [t for t in tokens if t not in self.ignore]  # as scikit-learn drops stop words
        lo, hi = self.ngram_range
        counts: Counter[str] = Counter()
        for n in range(lo, hi + 1):
            for i in range(len(tokens) - n + 1):
                counts[" ".join(tokens[i:i + n])] += 1
        x: dict[int, float] = {}
        for term, tf in counts.items():
            j = self.vocabulary.get(term)
            if j is None:
                continue
            value = 1.0 + math.log(tf) if self.sublinear_tf else float(tf)
            x[j] = value * self.idf[j]
        if self.norm == "l2":
            length = math.sqrt(sum(v * v for v in x.values()))
        elif self.norm == "l1":
            length = sum(abs(v) for v in x.values())
        else:
            length = 0.0
        if length:
            x = {j: v / length for j, v in x.items()}
        return x

    def decision(self, tokens: Sequence[str]) -> list[float]:
        scores = list(self.intercept)
        for j, v in self._features(tokens).items():
            column = self._columns.get(j)
            if column is None:
                column = self._columns[j] = [(row, w[j]) for row, w in enumerate(self.coef) if w[j]]
            for row, w in column:
                scores[row] += w * v
        return scores

    def predict_proba(self, tokens: Sequence[str]) -> dict[str, float]:
        """Class → probability, as scikit-learn's LogisticRegression would give."""
        scores = self.decision(tokens)
        if len(self.classes) == 2 and len(scores) == 1:
            p = 1.0 / (1.0 + math.exp(-scores[0]))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}

    def predict(self, tokens: Sequence[str]) -> tuple[str, float]:
        proba = self.predict_proba(tokens)
        best = max(self.classes, key=lambda c: proba[c])
        return best, proba[best]


def unit_text(heading: str, body: str) -> str:
    """What a user would paste: the heading and the first sentence of its paragraph."""
    first = re.split(r"(?<=[。！？；])", body.strip(), maxsplit=1)[0] if body else ""
    if heading and first:
        return f"{heading} {first}"
    return heading or first
