"""Using the second core during a bank build, when it pays.

Two shapes of parallel work: ``split_map`` cuts one big batch (files to parse,
clauses to tag) in two and runs one half in a forked worker while this process
runs the other; ``background`` runs one job (fitting the classifier) in a
forked worker while this process goes on with work that does not need it.

Workers are forked, so they start with everything this process has loaded
(jieba's dictionary, the user dictionary) instead of loading it again. Where
fork is unavailable, or a worker dies, the work is done here instead: the
result is the same, only slower; ``CAOGAO_NO_FORK=1`` asks for that too.
Functions and arguments must be picklable (module-level functions, plain data).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _context():
    if os.environ.get("CAOGAO_NO_FORK") or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def split_map(fn: Callable[[list[T]], list[R]], items: Sequence[T], *, cost: Callable[[T], int] = lambda _: 1,
              min_cost: int) -> list[R]:
    """``fn(items)``, computed as two halves on two cores when the total cost reaches ``min_cost``.

    ``fn`` maps a list to a list of the same length, item by item, so the
    halves' results joined are the whole result.
    """
    items = list(items)
    weights = [cost(x) for x in items]
    total = sum(weights)
    ctx = _context()
    if total < min_cost or len(items) < 2 or cores() < 2 or ctx is None:
        return fn(items)
    # the worker takes the first half by cost; this process the rest
    acc, cut = 0, len(items)
    for i, w in enumerate(weights):
        acc += w
        if acc * 2 >= total:
            cut = i + 1
            break
    first, second = items[:cut], items[cut:]
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
    except OSError:
        return fn(items)
    with pool:
        future = pool.submit(fn, first)
        rest = fn(second)
        head = _result(future, fn, first)
    return head + rest


def _result(future: Future, fn: Callable, *args: Any) -> Any:
    try:
        return future.result()
    except Exception:  # a killed worker or an unpicklable result: the work is redone here
        return fn(*args)


class Background:
    """A job running in a forked worker; ``result()`` waits for it (or does it here)."""

    def __init__(self, fn: Callable[..., R], *args: Any) -> None:
        self._fn, self._args = fn, args
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        ctx = _context()
        if ctx is not None and cores() >= 2:
            try:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
                self._future = self._pool.submit(fn, *args)
            except OSError:
                self._pool = None

    def result(self) -> Any:
        if self._future is None:
            return self._fn(*self._args)
        try:
            return _result(self._future, self._fn, *self._args)
        finally:
            assert self._pool is not None
            self._pool.shutdown(wait=True)
            self._future = self._pool = None


def background(fn: Callable[..., R], *args: Any) -> Background:
    """Start ``fn(*args)`` on the other core, if there is one."""
    return Background(fn, *args)
