"""A function over a list, in forked worker processes when the list is long enough.

The workers are forked with the function and the list already in memory, so neither is
pickled (a rendered site or a corpus of documents is expensive to pickle); each worker
gets index ranges and sends back its results pickled. Results come in input order, so the
output never depends on the number of workers. Without `fork` (not POSIX) or for a short
list, the function runs in this process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from runbookc.engine.parallel import worker_count

T = TypeVar("T")
R = TypeVar("R")

# Set in the parent just before it forks the workers; the workers read their copy.
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def fork_map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    global _job
    workers = worker_count(0, len(items))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    size = max(1, len(items) // (workers * 4))  # a few chunks each: no worker idles long
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _job = (function, items)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return [result for chunk in pool.map(_run, ranges) for result in chunk]
    finally:
        _job = None


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _job is not None
    function, items = _job
    return [function(items[index]) for index in range(*bounds)]
