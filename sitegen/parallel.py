"""Run a function over many items in a pool of forked processes, or in-process for jobs=1; and keep
Python's garbage collector out of a build's way.

The workers inherit the build's read-only state through fork, so nothing large is pickled
on the way in; only the items and the results cross process boundaries.

A build makes hundreds of thousands of objects that live until it ends (the sources, the site model,
the contexts). Python's automatic collections walk all of them again and again: at 4,000 stories a
quarter of a cold build's loading and rendering, 7 % of a one-story build, and a third of a build in a
process that still holds the previous one (the preview). So no automatic collection runs during a
build (they are freed by reference counting, and any cycles by the collections after it). A forked
worker freezes what it inherited, so its own collections never walk (and copy) the parent's memory,
and collects what it makes.
"""

from __future__ import annotations

import gc
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


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block (as it was after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes that collect only their own garbage."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
    )


def _start_worker() -> None:
    gc.freeze()  # inherited objects are never collected here: the pages of memory they are in stay shared
    gc.enable()


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """`[function(item) for item in items]`, in order, using up to `jobs` processes."""
    workers = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    chunk = max(1, len(items) // (workers * 8))
    with fork_pool(workers) as pool:
        return list(pool.map(function, items, chunksize=chunk))
