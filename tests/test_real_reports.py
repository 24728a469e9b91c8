"""The reader against hand-written outlines of real reports (tests/data/real/, dev set only).

The held-out files are not read here: they are for a final check of whether the
reader's rules generalise (``make bench`` prints both).
"""

from pathlib import Path

import pytest

from caogao.corpus.evaluate import evaluate, load_outlines, normalize, same_heading

REAL = Path(__file__).parent / "data" / "real"

# Floors the dev set must keep (measured values in bench/RESULTS.md); raise them as the reader improves.
RECALL, PRECISION, PART_RECALL = 0.95, 0.95, 0.85


@pytest.fixture(scope="module")
def dev_score():
    golds = load_outlines(REAL, held_out=False)
    assert golds and not any(g.held_out for g in golds)
    return evaluate(golds)


def test_headings_of_real_reports_are_read(dev_score):
    assert dev_score.recall >= RECALL, dev_score.missed
    assert dev_score.precision >= PRECISION, dev_score.extra


def test_part_kinds_of_real_reports_are_found(dev_score):
    assert dev_score.part_recall >= PART_RECALL


def test_headings_compare_without_markers_and_cut_short():
    assert normalize("(一)聚合力、筑防线, 齐心协力") == "聚合力、筑防线，齐心协力"
    assert same_heading("一是加大宏观调控力度，推动经济运行持续好转。", "加大宏观调控力度")
    assert not same_heading("加大宏观调控力度", "加大")


def test_held_out_files_are_kept_out_of_the_dev_set():
    names = {g.name for g in load_outlines(REAL, held_out=True)}
    assert names == {"06_liping_2023", "11_dongcheng_2021_trad", "16_jintan_dongcheng_2023h1",
                     "21_guanshan_zhen_2023h1"}
