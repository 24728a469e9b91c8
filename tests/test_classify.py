"""The section classifier: hand-labelled accuracy, and the pure-Python model agreeing with scikit-learn."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from caogao.mining.classifier import LinearModel, SectionClassifier, weak_label
from caogao.mining.evaluation import evaluate_lor
from caogao.mining.labelling import training_set, weak_rows
from caogao.mining.taxonomy import ALL_TYPES, SECTION_TYPES

GOLD = Path(__file__).parent / "data" / "gold.tsv"


def gold_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            report_id, text, label = line.split("\t")
            rows.append((report_id, text, label))
    return rows


@pytest.fixture(scope="module")
def reports():
    from caogao.corpus.parse import load_corpus

    found, _ = load_corpus()
    return found


@pytest.fixture(scope="module")
def weak(reports):
    return weak_rows(reports)


@pytest.fixture(scope="module")
def fitted(weak):
    return SectionClassifier().fit([t for _, t, _ in weak], [y for *_, y in weak])


def test_gold_set_is_large_labelled_with_known_types_and_ids_of_real_reports(reports):
    rows = gold_rows()
    ids = {r.id for r in reports}
    assert sum(label in SECTION_TYPES for *_, label in rows) >= 80
    assert {label for *_, label in rows} <= set(ALL_TYPES)
    assert {rid for rid, *_ in rows} <= ids
    assert len({rid for rid, *_ in rows}) >= 10  # spread over the corpus, not one report


def test_leave_one_report_out_accuracy_on_hand_labels(weak):
    assert evaluate_lor(gold_rows(), weak=weak) >= 0.9


@pytest.mark.parametrize("text, expected", [
    ("安全生产形势总体平稳，信访矛盾有效化解", "社会治理"),
    ("招商引资成效明显，重点项目加快推进", "项目建设"),
    ("各位代表！上半年取得的成绩来之不易，在此表示衷心的感谢", "致谢"),
    ("让我们更加紧密地团结在以习近平同志为核心的党中央周围，为建设美好家园努力奋斗！", "结束语"),
    ("全面落实河长制，持续开展污染防治，生态环境质量持续向好", "生态环境"),
])
def test_clear_cases_are_classified_as_a_reader_would(fitted, text, expected):
    assert fitted.predict([text]) == [expected]


def test_pure_python_model_agrees_with_scikit_learn(fitted):
    from caogao.text.segment import tokenize

    weights = json.loads(json.dumps(fitted.to_weights()))  # what the bank stores
    model = LinearModel.from_weights(weights)
    texts = [t for _, t, _ in gold_rows()[::9]] + ["完全没有见过的词语组合", ""]
    expected = fitted.predict_proba(texts)
    for text, row in zip(texts, expected):
        got = model.predict_proba(tokenize(text))
        assert list(got) == fitted.classes_
        assert max(abs(got[c] - float(p)) for c, p in zip(fitted.classes_, row)) < 1e-4
        assert model.predict(tokenize(text))[0] == fitted.classes_[int(row.argmax())]


def test_pure_python_model_needs_neither_numpy_nor_scikit_learn(fitted, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(fitted.to_weights(), ensure_ascii=False), encoding="utf-8")
    code = (
        "import json, sys\n"
        "from caogao.mining.classifier import LinearModel\n"
        f"m = LinearModel.from_weights(json.load(open({str(path)!r}, encoding='utf-8')))\n"
        "print(m.predict(['招商', '引资', '重点项目'])[0])\n"
        "print(sorted({'sklearn', 'numpy', 'scipy', 'jieba'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["项目建设", "[]"]


def test_weak_label_reads_the_heading_first():
    body = "推进重点项目建设，新签约项目3个，总投资5亿元。"
    assert weak_label("生态环境持续改善", body) == "生态环境"
    assert weak_label("", body) == "项目建设"
    assert weak_label("", "") is None


def test_fit_refuses_a_single_class():
    with pytest.raises(ValueError):
        SectionClassifier().fit(["一", "二"], ["经济发展", "经济发展"])


def test_repeated_rows_are_fitted_once_with_their_count_as_weight():
    rows = [("a#1", "抓项目稳经济", "经济发展")] * 3 + [("b#1", "抓项目稳经济", "经济发展"), ("b#1", "生态优先", "生态环境")]
    texts, labels, weights = training_set(rows)
    assert list(zip(texts, labels, weights)) == [("抓项目稳经济", "经济发展", 4.0), ("生态优先", "生态环境", 1.0)]


def test_a_capped_training_set_keeps_every_label_and_the_most_repeated_rows():
    rows = ([("r", "重点项目加快推进", "项目建设")] * 5 + [("r", "河长制全面落实", "生态环境")]
            + [("r", f"经济运行第{i}句", "经济发展") for i in range(6)] + [("r", "工业经济稳中有进", "经济发展")] * 3)
    texts, labels, weights = training_set(rows, max_rows=4, min_per_label=1)
    assert len(texts) == 4 and set(labels) == {"项目建设", "生态环境", "经济发展"}
    assert {"重点项目加快推进", "河长制全面落实", "工业经济稳中有进"} <= set(texts)
    # the same rows whatever the reading order
    assert set(training_set(list(reversed(rows)), max_rows=4, min_per_label=1)[0]) == set(texts)


# ------------------------------------------------------------ the model shipped with the corpus

def _shipped_rows():
    from caogao.mining import labelling
    from caogao.corpus.parse import load_corpus
    from caogao.mining.units import units_of

    reports, _ = load_corpus()
    units = [u for r in reports for u in units_of(r)]
    return units, labelling.corpus_training_set(units)


def _shipped_file() -> tuple[Path, dict]:
    import gzip

    from caogao.paths import data_dir

    files = list(data_dir().glob("model-*.json.gz"))
    assert len(files) == 1, f"one shipped model, not {files}"
    with gzip.open(files[0], "rt", encoding="utf-8") as f:
        return files[0], json.load(f)


def test_the_shipped_model_was_fitted_on_the_shipped_corpus_as_it_is_now():
    # Editing the corpus, the user dictionary, the classifier or the labelling rules without
    # fitting the shipped model again (`make model`) would leave it unused: every first build
    # would import scikit-learn and fit.
    from caogao.mining.labelling import fitted_on

    _, rows = _shipped_rows()
    _, shipped = _shipped_file()
    now = fitted_on(*rows)
    assert shipped["fitted_on"]["rows"] == now["rows"], "run `make model`"
    if shipped["fitted_on"]["packages"] == now["packages"]:  # the user dictionary, the word normalisation
        assert shipped["fitted_on"]["segmenter"] == now["segmenter"], "run `make model`"


def _labels(weights: dict, texts: list[str]) -> list[str]:
    from caogao.text.segment import segment_many

    model = LinearModel.from_weights(weights)
    return [model.predict(tokens)[0] for tokens in segment_many(texts)]


def test_the_shipped_model_does_what_a_fit_made_here_does(tmp_path, monkeypatch):
    # Two fits agree to about 1e-11 across CPUs and BLAS builds, never to the bit: the
    # shipped model is held to what it does — the same label for every unit of the shipped
    # corpus and of the gold set, the same bank — and to its numbers within a tolerance.
    from caogao.mining import labelling
    from caogao.mining.classifier import unit_text

    units, rows = _shipped_rows()
    path, shipped = _shipped_file()
    now = labelling.fitted_on(*rows)
    if shipped["fitted_on"]["packages"] != now["packages"]:
        pytest.skip(f"{path.name} was fitted with {shipped['fitted_on']}, this machine has {now}: "
                    "a first build fits as for any corpus (`make model` fits it anew)")
    fresh = labelling.fit_weights(*rows)
    model = shipped["weights"]
    assert {k: v for k, v in model.items() if k not in ("coef", "intercept", "idf")} == \
        {k: v for k, v in fresh.items() if k not in ("coef", "intercept", "idf")}
    for key in ("idf", "intercept"):
        assert max(abs(a - b) for a, b in zip(model[key], fresh[key])) < 1e-4, key
    assert max(abs(a - b) for r, s in zip(model["coef"], fresh["coef"]) for a, b in zip(r, s)) < 1e-4
    texts = list(dict.fromkeys([unit_text(u.heading, u.body) for u in units] + [t for _, t, _ in gold_rows()]))
    assert _labels(model, texts) == _labels(fresh, texts)

    monkeypatch.setenv("CAOGAO_HOME", str(tmp_path))  # an empty build cache
    first = labelling.Labelling(units)
    assert first.weights == model  # the shipped corpus needs no fit
    # any other corpus is fitted
    other = labelling.Labelling([u for u in units if u.report.id != units[0].report.id])
    assert other.weights is None


def test_serialised_weights_are_rounded_alike(fitted):
    weights = fitted.to_weights()
    numbers = weights["idf"] + weights["intercept"] + [v for row in weights["coef"] for v in row]
    assert all(v == round(v, 6) for v in numbers)


