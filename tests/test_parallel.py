"""The process pool and the garbage-collection policy of a build."""

from __future__ import annotations

import gc

import pytest

from sitegen.options import BuildOptions
from sitegen.parallel import MIN_ITEMS_PER_WORKER, collection_paused, fork_pool, parallel_map
from sitegen.pipeline import build

from .conftest import BUILD_DATE, Site


def _square(number: int) -> int:
    return number * number


def _collector_in_worker(_: object) -> tuple[bool, int]:
    return gc.isenabled(), gc.get_freeze_count()


def test_parallel_map_keeps_the_order_of_the_items() -> None:
    items = list(range(3 * MIN_ITEMS_PER_WORKER))
    assert parallel_map(_square, items, jobs=2) == [_square(item) for item in items]
    assert parallel_map(_square, items[:5], jobs=2) == [0, 1, 4, 9, 16]  # too few for a pool: in-process


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_is_paused_inside_and_restored_after(enabled: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), collection_paused():
            raise RuntimeError("a failed build")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_workers_freeze_what_they_inherit_and_collect_what_they_make() -> None:
    inherited = [[] for _ in range(1000)]  # objects the parent holds when the workers are forked
    with collection_paused(), fork_pool(2) as pool:
        answers = list(pool.map(_collector_in_worker, range(4)))
    assert all(enabled for enabled, _ in answers)
    assert all(frozen > len(inherited) for _, frozen in answers)
    assert gc.get_freeze_count() == 0  # the parent froze nothing


def test_a_build_runs_without_automatic_collections(site: Site) -> None:
    seen: list[bool] = []
    report = build(BuildOptions(root=site.root, build_date=BUILD_DATE, jobs=1), lambda _: seen.append(gc.isenabled()))
    assert report.rendered and seen and not any(seen)
    assert gc.isenabled()
