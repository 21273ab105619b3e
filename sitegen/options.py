"""What a build is asked to do: its options and its date. Standard library only, so the command line
and the unchanged-build check can read them without importing the generator."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path


def default_jobs() -> int:
    """The processes to render with: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    drafts: bool = False
    strict: bool = False
    jobs: int = field(default_factory=default_jobs)
    build_date: dt.date | None = None
    output: Path | None = None  # default: root / "output"
    base_url: str | None = None  # overrides config.yaml, e.g. for the preview server
    fingerprint: bool = True  # content hashes in static file names (off in the preview, for live CSS)
    search_index: bool = True  # False: keep the search index already in the output folder, if there is one
    check: bool = False  # run the checks of checks.py (always with strict, which fails on any finding)
    external_links: bool = False  # with check: also ask outside links whether they answer
    reuse_unchanged: bool = True  # nothing changed since the last build: keep its result (see unchanged.py)

    @property
    def out_dir(self) -> Path:
        return (self.output or self.root / "output").resolve()

    def day(self) -> dt.date:
        """The date the build shows the site on: --build-date, else today (see build_date)."""
        return self.build_date or build_date()


def build_date() -> dt.date:
    """Today in Denmark, or the day of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    except (ImportError, KeyError, OSError):
        return dt.datetime.now(dt.UTC).date()
