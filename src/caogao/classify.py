"""Which kind of work a heading or paragraph is about: the section classifier.

Every section and second-level unit of every report gets a type
(``label_units``). Units are labelled weakly from the seed lexicon
(``data/sections.yaml``) and from a report's structure (part names, position);
a TF-IDF + logistic regression model then learns from those labels, with IDF
fitted on our own corpus. The input is what users paste: a heading with the
start of its paragraph. ``evaluate_lor`` measures it against hand labels, one
report held out at a time.

``SectionClassifier`` needs scikit-learn and is used only when mining.
``LinearModel`` is the same model as plain numbers (``to_weights``) and
predicts in pure Python, so the bank can classify without scikit-learn.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from typing import Callable, Iterable, Sequence

from .report import split_sentences
from .taxonomy import SECTION_TYPES, section_types
from .tokenize import NUM, tokenize

_FIGURE_RE = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?\s*(?:%|％|万元|亿元|万|亿|个|家|户|人|亩|公里|平方米|吨)?|X{2,}|x{2,}")


@functools.lru_cache(maxsize=1)
def _seed_pattern() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    owners: dict[str, list[str]] = {}
    for st in section_types().values():
        if st.name in SECTION_TYPES:
            for seed in st.seeds:
                owners.setdefault(seed, []).append(st.name)
    # Longest seeds first: 集体经济 counts for 乡村振兴, not also 经济 for 经济发展.
    ordered = sorted(owners, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, ordered))), {k: tuple(v) for k, v in owners.items()}


def seed_scores(text: str) -> dict[str, float]:
    """Seed-lexicon evidence per section type; longer seeds weigh more."""
    pattern, owners = _seed_pattern()
    out: dict[str, float] = {}
    for m in pattern.finditer(text):
        seed = m.group(0)
        weight = (1.0 + 0.5 * (len(seed) - 2)) / len(owners[seed])
        for name in owners[seed]:
            out[name] = out.get(name, 0.0) + weight
    return out


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


class SectionClassifier:
    """TF-IDF over jieba words + logistic regression (scikit-learn style)."""

    def __init__(self, *, C: float = 10.0, sublinear_tf: bool = True, norm: str = "l2",
                 ngram_range: tuple[int, int] = (1, 1), min_df: int = 1,
                 class_weight: str | None = None, max_iter: int = 1000,
                 ignore: tuple[str, ...] = (NUM,)) -> None:
        self.C = C
        self.sublinear_tf = sublinear_tf
        self.norm = norm
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.ignore = ignore

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "SectionClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if len(set(labels)) < 2:
            raise ValueError("need at least two classes to fit")
        self.vectorizer_ = TfidfVectorizer(
            tokenizer=tokenize, token_pattern=None, lowercase=False,
            sublinear_tf=self.sublinear_tf, norm=self.norm,
            ngram_range=self.ngram_range, min_df=self.min_df,
            stop_words=list(self.ignore) or None,
        )
        x = self.vectorizer_.fit_transform(list(texts))
        # newton-cg: lbfgs is many times slower on wide sparse TF-IDF matrices
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                         max_iter=self.max_iter, solver="newton-cg")
        self.model_.fit(x, list(labels))
        self.classes_ = [str(c) for c in self.model_.classes_]
        return self

    def predict_proba(self, texts: Sequence[str]):
        return self.model_.predict_proba(self.vectorizer_.transform(list(texts)))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [str(c) for c in self.model_.predict(self.vectorizer_.transform(list(texts)))]

    def to_weights(self) -> dict:
        """The fitted model as plain JSON (lists, floats, strings)."""
        vocab = self.vectorizer_.vocabulary_
        terms = sorted(vocab, key=vocab.get)
        coef = self.model_.coef_
        return {
            "format": "caogao-linear-1",
            "vocabulary": terms,
            "idf": [float(v) for v in self.vectorizer_.idf_],
            "classes": list(self.classes_),
            "coef": [[round(float(v), 6) for v in row] for row in coef],
            "intercept": [float(v) for v in self.model_.intercept_],
            "sublinear_tf": bool(self.sublinear_tf),
            "norm": self.norm,
            "ngram_range": list(self.ngram_range),
            "ignore": list(self.ignore),
        }


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
        # Sparse columns: term index → [(class row, weight)], so a prediction costs
        # only the terms present.
        self._columns: dict[int, list[tuple[int, float]]] = {}
        for row, weights in enumerate(coef):
            for j, w in enumerate(weights):
                if w:
                    self._columns.setdefault(j, []).append((row, w))

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
            for row, w in self._columns.get(j, ()):
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


# ------------------------------------------------------------ report units
# Units are mine.units_of's: heading, body (children included), own text, kind,
# label (fixed by structure for part kinds), weak, parent, report.

def _weak_label(units: list) -> None:
    for u in units:  # parents come before their children
        if u.label is None:
            u.weak = weak_label(u.heading, u.body, prior=u.parent.weak if u.parent else None)


def training_rows(units: list) -> list[tuple[str, str, str]]:
    """(report id, text, label) to fit the classifier: what users paste, and more.

    A unit gives its heading with the first sentence, its heading alone, and
    its later sentences; a part text (开场, 致谢 …) gives each of its sentences.
    """
    rows = []
    for u in units:
        label = u.label or u.weak
        if not label:
            continue
        rid = u.report.id
        if u.kind == "part":
            rows.extend((rid, s, label) for line in u.body.splitlines()
                        for s in split_sentences(line) if len(s) >= 8)
            continue
        rows.append((rid, unit_text(u.heading, u.body), label))
        if u.heading:
            rows.append((rid, u.heading, label))
        rows.extend((rid, s, label) for s in split_sentences(u.own)[1:] if len(s) >= 8)
    return rows


def weak_rows(reports: Iterable) -> list[tuple[str, str, str]]:
    """Training rows labelled without any hand label: from structure and the seed lexicon."""
    from .mine import units_of

    units = [u for r in reports for u in units_of(r)]
    _weak_label(units)
    return training_rows(units)


def label_units(units: list) -> SectionClassifier:
    """Give every unit a type: weak labels, a classifier fitted on them, both combined.

    Returns the fitted classifier (the bank stores its weights).
    """
    _weak_label(units)
    rows = training_rows(units)
    clf = SectionClassifier().fit([t for _, t, _ in rows], [y for *_, y in rows])
    open_units = [u for u in units if u.label is None]
    if open_units:
        index = {c: i for i, c in enumerate(clf.classes_)}
        proba = clf.predict_proba([unit_text(u.heading, u.body) for u in open_units])
        for u, row in zip(open_units, proba):
            # the seeds read the whole body, the model only its start: the seeds lead
            score = {c: float(row[index[c]]) if c in index else 0.0 for c in SECTION_TYPES}
            if u.weak in score:
                score[u.weak] += 0.5
            u.label = max(SECTION_TYPES, key=lambda c: (score[c], -SECTION_TYPES.index(c)))
    return clf


def evaluate_lor(gold_rows: Iterable[tuple[str, str, str]], *,
                 weak: Iterable[tuple[str, str, str]] = (),
                 make: Callable[[], SectionClassifier] = SectionClassifier) -> float:
    """Leave-one-report-out accuracy on hand-labelled rows ``(report_id, text, label)``.

    For each report, train on the other reports' gold and weak rows, predict the
    held-out report's gold rows.
    """
    gold = list(gold_rows)
    weak = list(weak)
    if not gold:
        raise ValueError("no gold rows")
    right = 0
    for rid in sorted({r[0] for r in gold}):
        train = [(t, y) for r, t, y in gold + weak if r != rid]
        test = [(t, y) for r, t, y in gold if r == rid]
        clf = make().fit([t for t, _ in train], [y for _, y in train])
        predicted = clf.predict([t for t, _ in test])
        right += sum(p == y for p, (_, y) in zip(predicted, test))
    return right / len(gold)
