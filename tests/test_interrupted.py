"""A build killed at any moment (kill -9 while rendering, staging or committing) leaves the old site,
or a commit that the next build finishes; the next build repairs the cache and gives the new site."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.output import TEMP_SUFFIX, journal_path, recover

from .conftest import PROJECT, Site, minimal_site, story

STORIES = 300


def snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.endswith(TEMP_SUFFIX)
    }


def write_stories(site: Site, version: str) -> None:
    for index in range(STORIES):
        site.write(
            f"content/stories/s{index:03d}.da.md",
            story(f"Historie {index} {version}", date="2026-03-01", extra="translation: false\n"),
        )


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project built at version 1, with version 2 of the content ready, and both sites' files."""
    root = tmp_path_factory.mktemp("interrupted")
    site = minimal_site(root / "project")
    write_stories(site, "v2")
    site.build(jobs=1, output=root / "new")
    new = snapshot(root / "new")
    shutil.rmtree(root / "new")
    write_stories(site, "v1")
    site.build(jobs=1)
    old = snapshot(site.root / "output")
    write_stories(site, "v2")
    return site.root, old, new


def _run_and_kill(project: Path, when: float | str) -> bool:
    """Start a build and kill -9 it after `when` seconds, or as soon as it starts staging files
    ("staging": the feed's temp file appears) or committing ("commit": its journal appears)."""
    command = [
        sys.executable,
        str(PROJECT / "build.py"),
        "build",
        "--root",
        str(project),
        "--jobs",
        "1",
        "--build-date",
        "2026-11-28",
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    signals = {"commit": journal_path(project / "output"), "staging": project / "output" / f"feed.xml{TEMP_SUFFIX}"}
    while process.poll() is None:
        moment = signals[when].exists() if isinstance(when, str) else time.monotonic() - started >= when
        if moment:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    return False


@pytest.mark.parametrize("when", [0.2, 0.5, "staging", "commit", 0.8, 1.1], ids=str)
def test_kill_leaves_old_site_or_a_commit_that_finishes(
    versions: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, when: float | str
) -> None:
    template, old, new = versions
    project = tmp_path / "project"
    shutil.copytree(template, project, symlinks=True)
    killed = _run_and_kill(project, when)
    out = project / "output"
    if when in ("staging", "commit"):
        assert killed, f"the build finished before the {when} moment could be caught"
    if journal_path(out).exists():
        assert recover(out)
        assert snapshot(out) == new
    else:  # killed before its commit (old site) or after it (new site), or not killed at all (new site)
        assert snapshot(out) in (old, new) if killed else snapshot(out) == new, "a mix of old and new files"
    repaired = Site(project)
    report = repaired.build(jobs=1)
    assert snapshot(out) == new
    assert not list(out.rglob(f"*{TEMP_SUFFIX}"))
    assert repaired.build(jobs=1).rendered == []
    assert report.pages > STORIES
