"""The second core: split work, and helpers that load a segmenter while the build reads."""

from __future__ import annotations

import os
import time

import pytest

from caogao.bank import parallel
def _pids(items: list[int]) -> list[tuple[int, int]]:
    return [(x * x, os.getpid()) for x in items]


def _slow(items: list[int]) -> list[int]:
    time.sleep(30)
    return items


def _warm() -> None:
    os.environ["CAOGAO_TEST_WARMED"] = "1"  # in the helper only


def _warmed(items: list[int]) -> list[str]:
    return [os.environ.get("CAOGAO_TEST_WARMED", "")] * len(items)


@pytest.fixture
def helper():
    if parallel.cores() < 2 or parallel._context() is None:
        pytest.skip("helpers need two cores and fork")
    parallel.start_helper("test", _warm)
    yield
    parallel.stop_helpers()


def test_small_work_needing_what_only_the_helper_loaded_runs_there(helper):
    done = parallel.split_map(_pids, [1, 2, 3], min_cost=1000, helper="test", ready_here=False)
    assert [square for square, _ in done] == [1, 4, 9]
    assert {pid for _, pid in done} != {os.getpid()}
    assert parallel.split_map(_warmed, [1, 2], min_cost=1000, helper="test", ready_here=False) == ["1", "1"]
    # loaded here already: done here
    assert {pid for _, pid in parallel.split_map(_pids, [1, 2], min_cost=1000, helper="test")} == {os.getpid()}


def test_work_a_helper_cannot_take_is_done_here(helper):
    # a function that cannot be sent (a test's stand-in) and a helper gone both fall back
    assert parallel.split_map(lambda xs: [x + 1 for x in xs], [1, 2], min_cost=1000,
                              helper="test", ready_here=False) == [2, 3]
    parallel._helpers["test"]._proc.kill()
    parallel._helpers["test"]._proc.join()
    assert [s for s, _ in parallel.split_map(_pids, [3], min_cost=1000, helper="test", ready_here=False)] == [9]


def test_a_job_sent_ahead_is_answered_in_turn_and_a_lost_one_is_done_here(helper):
    # names send their clauses to the tagger helper and go on; a later small job to the same
    # helper waits behind it, and each gets its own answer
    ahead = parallel.submit_to_helper("test", _pids, [5, 6])
    assert [s for s, _ in parallel.split_map(_pids, [7], min_cost=1000, helper="test", ready_here=False)] == [49]
    assert [s for s, pid in ahead.result()] == [25, 36] and ahead.result()[0][1] != os.getpid()
    assert parallel.submit_to_helper("nobody", _pids, [1]) is None
    lost = parallel.submit_to_helper("test", _slow, [8])
    parallel._helpers["test"]._proc.kill()
    assert lost.result() is None  # the caller then does the work itself


def test_a_helper_started_when_sent_forks_only_for_its_first_job():
    if parallel.cores() < 2 or parallel._context() is None:
        pytest.skip("helpers need two cores and fork")
    parallel.start_helper("later", _warm, when_sent=True)
    try:
        # no job yet: nothing forked, and small work is done here
        assert "later" not in parallel._helpers
        assert {pid for _, pid in parallel.split_map(_pids, [2], min_cost=1000, helper="later",
                                                     ready_here=False)} == {os.getpid()}
        job = parallel.submit_to_helper("later", _pids, [3])
        assert "later" in parallel._helpers
        (square, pid), = job.result()
        assert square == 9 and pid != os.getpid()
        assert parallel.split_map(_warmed, [1], min_cost=1000, helper="later", ready_here=False) == ["1"]
    finally:
        parallel.stop_helpers()
    assert parallel.submit_to_helper("later", _pids, [1]) is None  # the build is over: no helper


def test_stopping_ends_every_helper(helper):
    proc = parallel._helpers["test"]._proc
    parallel.stop_helpers()
    assert not proc.is_alive() and parallel._helpers == {}
    assert parallel.split_map(_pids, [2], min_cost=1000, helper="test", ready_here=False)[0][0] == 4


def _slow_square(x: int) -> int:
    return x * x


def test_work_is_not_split_onto_a_core_busy_with_a_background_job():
    if parallel.cores() != 2 or parallel._context() is None:
        pytest.skip("about a machine with two cores")
    job = parallel.background(_slow_square, 7)
    try:
        done = parallel.split_map(_pids, list(range(10)), min_cost=1)
        assert {pid for _, pid in done} == {os.getpid()}  # all here: the other core is taken
    finally:
        assert job.result() == 49
    done = parallel.split_map(_pids, list(range(10)), min_cost=1)
    assert len({pid for _, pid in done}) == 2  # free again: split
