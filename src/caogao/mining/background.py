"""Fitting the section classifier in a worker process while the build goes on.

The one parallel mechanism of a bank build; ``BackgroundFit`` says what it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _end_with_parent(parent: int) -> None:
    """In the fit's worker: end it soon after the process that started it is gone (killed), rather
    than finish a fit nobody waits for."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class BackgroundFit:
    """``fit(texts, labels, weights)`` in a worker process on the other core, while the
    miner segments and tags; ``result()`` waits for it.

    Saves the fit's time (most of it importing scikit-learn) from a build that needs a fit: an
    office's first build of its own reports took 2.5 s without it, 1.8 s with it. Where there is
    one core, no fork (or ``CAOGAO_NO_FORK=1``), or the worker fails, ``result()`` fits here:
    the same weights, later. A Ctrl-C reaches the worker too; a killed build's worker ends
    within a second (``_end_with_parent``).
    """

    def __init__(self, fit: Callable[..., dict], *rows: list) -> None:
        self._fit = fit
        self._rows = rows
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        if os.environ.get("CAOGAO_NO_FORK") or "fork" not in multiprocessing.get_all_start_methods() \
                or _cores() < 2:
            return
        try:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_end_with_parent, initargs=(os.getpid(),))
            self._future = self._pool.submit(fit, *rows)
        except OSError:
            self._pool = self._future = None

    def result(self) -> dict:
        if self._future is None:
            return self._fit(*self._rows)
        try:
            return self._future.result()
        except Exception:  # a killed worker, an unpicklable result: fitted here instead
            return self._fit(*self._rows)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
            self._pool = self._future = None
