"""Run a function over many items in a pool of forked processes, or in-process for jobs=1.

The workers inherit the build's read-only state through fork, so nothing large is pickled
on the way in; only the items and the results cross process boundaries.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_STATE: Any = None  # set in the parent before forking; read-only in the workers
MIN_ITEMS_PER_WORKER = 64  # below this a pool costs more than it saves


def state() -> Any:
    """The state shared with the workers of the running map."""
    return _STATE


@contextmanager
def shared_state(value: Any) -> Iterator[None]:
    global _STATE
    previous, _STATE = _STATE, value
    try:
        yield
    finally:
        _STATE = previous


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """`[function(item) for item in items]`, in order, using up to `jobs` processes."""
    workers = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    chunk = max(1, len(items) // (workers * 8))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(function, items, chunksize=chunk))
