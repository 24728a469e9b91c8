"""Using the second core during a bank build, when it pays.

Three shapes of parallel work: ``split_map`` cuts one big batch (files to parse,
clauses to tag) in two and runs one half in a forked worker while this process
runs the other; ``background`` runs one job (fitting the classifier) in a
forked worker while this process goes on with work that does not need it;
``start_helper`` forks, early in a rebuild, a worker that loads a segmenter or
a tagger while this process reads, and then takes the small jobs needing it;
``submit_to_helper`` sends one ahead (a build's new place and firm clauses,
tagged while this process labels and segments).

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
              min_cost: int, helper: str = "", ready_here: bool = True) -> list[R]:
    """``fn(items)``, computed as two halves on two cores when the total cost reaches ``min_cost``.

    ``fn`` maps a list to a list of the same length, item by item, so the
    halves' results joined are the whole result. Below ``min_cost`` it runs
    here, or, when this process has not loaded what ``fn`` needs
    (``ready_here=False``: a segmenter, a tagger) and a helper of that name
    has been loading it meanwhile (``start_helper``), in the helper.
    """
    items = list(items)
    weights = [cost(x) for x in items]
    total = sum(weights)
    ctx = _context()
    # a core busy with a background job (a fit) is not split onto: three processes on two
    # cores only slow the fit everything then waits for
    if total < min_cost or len(items) < 2 or cores() - len(_running) < 2 or ctx is None:
        if not ready_here and helper in _helpers and items:
            done = _helpers[helper].run(fn, items)
            if done is not None:
                return done
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


_running: set["Background"] = set()  # jobs on another core now


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
                _running.add(self)
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
            _running.discard(self)


def background(fn: Callable[..., R], *args: Any) -> Background:
    """Start ``fn(*args)`` on the other core, if there is one."""
    return Background(fn, *args)


# ------------------------------------------------------------------ the build's helper

def _serve(conn, warm: Callable[[], Any]) -> None:
    """A helper's loop: warm up, then run each (fn, args) sent and send back (True, result)."""
    try:
        warm()
    except Exception:  # a failed warm-up only means the first job loads it
        pass
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send((True, fn(*args)))
        except Exception as exc:  # the caller redoes the work itself
            conn.send((False, repr(exc)))


class Pending:
    """A job sent to a helper; ``result()`` waits for it (None when the helper could not do it)."""

    def __init__(self, helper: "_Helper | None") -> None:
        self._helper, self._done, self._value = helper, helper is None, None

    def result(self) -> Any:
        while not self._done:
            self._helper._receive()  # the helper answers in order: earlier jobs first
        return self._value

    def _set(self, value: Any) -> None:
        self._value, self._done = value, True


class _Helper:
    """A worker forked early in a build, loading what later small jobs need while this process reads."""

    def __init__(self, ctx, warm: Callable[[], Any]) -> None:
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, warm), daemon=True)
        self._proc.start()
        child.close()
        self._waiting: list[Pending] = []

    def submit(self, fn: Callable, *args: Any) -> Pending:
        """Send ``fn(*args)`` to the helper and go on; the job's ``result()`` waits for it."""
        try:
            self._conn.send((fn, args))
        except Exception:  # unpicklable (a test's stand-in): nothing was sent
            return Pending(None)
        job = Pending(self)
        self._waiting.append(job)
        return job

    def _receive(self) -> None:
        job = self._waiting.pop(0)
        try:
            ok, value = self._conn.recv()
        except (EOFError, OSError):  # the helper is gone: every job still waiting is done here
            for job in [job, *self._waiting]:
                job._set(None)
            self._waiting.clear()
            return
        job._set(value if ok else None)

    def run(self, fn: Callable, *args: Any) -> Any:
        """``fn(*args)`` in the helper; None when the helper cannot (the caller then does it)."""
        return self.submit(fn, *args).result()

    def stop(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()  # it may still be loading what no job needed
        self._proc.join(timeout=2)
        self._conn.close()


_helpers: dict[str, _Helper] = {}
_deferred: dict[str, Callable[[], Any]] = {}


def start_helper(name: str, warm: Callable[[], Any], *, when_sent: bool = False) -> None:
    """Fork a helper for the rest of the build (if there are two cores) and have it run ``warm`` now.

    Each loads one thing (the segmenter, the tagger) and then serves the small
    jobs that need it (``split_map(helper=name)``), so a job never waits
    behind another's loading. ``when_sent``: fork it only when a first job is
    sent to it (``submit_to_helper``); on two cores, a helper loading what no
    job needs slows this process by a third meanwhile.
    """
    ctx = _context()
    if name in _helpers or ctx is None or cores() < 2:
        return
    if when_sent:
        _deferred[name] = warm
        return
    _deferred.pop(name, None)
    try:
        _helpers[name] = _Helper(ctx, warm)
    except OSError:
        pass


def submit_to_helper(name: str, fn: Callable, *args: Any) -> Pending | None:
    """Send ``fn(*args)`` to the helper ``name`` without waiting; None when there is no such helper."""
    if name in _deferred:
        start_helper(name, _deferred.pop(name))
    helper = _helpers.get(name)
    return helper.submit(fn, *args) if helper is not None else None


def stop_helpers() -> None:
    """End the build's helpers."""
    _deferred.clear()
    while _helpers:
        _helpers.popitem()[1].stop()
