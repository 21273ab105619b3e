"""Writing `output/`: only files whose bytes changed, in two phases, so an interruption loses nothing.

1. Stage: every changed file is written next to its target as `<name>.sitegen-tmp` (output/ still
   shows the old site; a crash here leaves it as it was, and the next build sweeps the temp files).
2. Commit: a journal naming every rename and deletion is written beside output/ and synced, then
   applied, then removed. A crash during the commit is finished by the next build (`recover`)
   before it does anything else, so output/ ends as the new site, never a mix.
Paths that would land outside output/ are refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SiteError, SiteErrors
from .walk import files_below

Content = bytes | Path  # bytes to write, or a file to copy
TEMP_SUFFIX = ".sitegen-tmp"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)


def safe_relative(path: str) -> str:
    """Refuse any output path that could land outside output/."""
    normal = posixpath.normpath(path)
    if normal != path or normal.startswith(("../", "/")) or normal in ("..", ".") or "\\" in path or "\0" in path:
        raise SiteErrors([SiteError(path, 0, "would be written outside output/", "use a plain slug")])
    return normal


def journal_path(out_dir: Path) -> Path:
    """The commit journal lives beside output/, never inside it."""
    return out_dir.parent / f".{out_dir.name}.journal"


def write_output(
    out_dir: Path, files: dict[str, Content], kept: set[str] | frozenset[str] = frozenset(), prune: bool = True
) -> WriteReport:
    """Make `out_dir` hold exactly `files` and `kept` (files known to be current): write what changed,
    delete what is gone. With `prune=False` only `files` are written and nothing is deleted."""
    for path in files:
        safe_relative(path)
    recover(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = WriteReport()
    staged: list[str] = []
    for path in sorted(files):
        if _stage_if_changed(out_dir, path, files[path]):
            staged.append(path)
        else:
            report.unchanged += 1
    keep = set(files) | set(kept) | {path + TEMP_SUFFIX for path in staged}
    deletions = _stale_files(out_dir, keep) if prune else []
    if staged or deletions:
        _commit(out_dir, staged, deletions)
    report.written = staged
    report.deleted = sorted(deletions)
    return report


def recover(out_dir: Path) -> bool:
    """Finish a commit that was interrupted; True if there was one."""
    journal = journal_path(out_dir)
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except ValueError:  # the journal itself was being written: nothing was renamed yet
        journal.unlink()
        return False
    _apply(out_dir, plan["write"], plan["delete"])
    journal.unlink()
    return True


def _stage_if_changed(out_dir: Path, path: str, content: Content) -> bool:
    """Stage `content` unless the target already holds it.

    A copied file keeps its source's modification time, so an unchanged copy (theme files,
    images, the search index) is recognised by size and time without reading either file."""
    target = out_dir / path
    try:
        current = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        current = None
    if isinstance(content, Path):
        source = os.stat(content)
        if current and (current.st_size, current.st_mtime_ns) == (source.st_size, source.st_mtime_ns):
            return False
        data = content.read_bytes()
    else:
        source, data = None, content
    if current and current.st_size == len(data) and target.read_bytes() == data:
        if source is not None:  # the same bytes: give it the source's time, so the next build need not read it
            os.utime(target, ns=(source.st_atime_ns, source.st_mtime_ns))
        return False
    _make_folder(target.parent, out_dir)
    temporary = target.with_name(target.name + TEMP_SUFFIX)
    with open(temporary, "wb") as stream:
        stream.write(data)
    if source is not None:
        os.utime(temporary, ns=(source.st_atime_ns, source.st_mtime_ns))
    return True


def _make_folder(folder: Path, out_dir: Path) -> None:
    """Create a folder inside output/, replacing an old file that stands where it must go."""
    for parent in [*reversed(folder.relative_to(out_dir).parents), folder.relative_to(out_dir)]:
        candidate = out_dir / parent
        if candidate.is_file():
            candidate.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def _commit(out_dir: Path, staged: list[str], deletions: list[str]) -> None:
    journal = journal_path(out_dir)
    temporary = journal.with_name(journal.name + ".new")
    with open(temporary, "w", encoding="utf-8") as stream:
        json.dump({"write": staged, "delete": deletions}, stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, journal)
    _apply(out_dir, staged, deletions)
    journal.unlink()


def _apply(out_dir: Path, staged: list[str], deletions: list[str]) -> None:
    """Rename staged files into place and delete stale ones; safe to run twice."""
    for path in staged:
        target = out_dir / path
        temporary = target.with_name(target.name + TEMP_SUFFIX)
        if not temporary.exists():
            continue  # renamed before the interruption
        if target.is_dir():  # an old folder stands where a file must go now
            shutil.rmtree(target)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    for path in deletions:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # gone, or its folder became a file
            (out_dir / path).unlink()
    _remove_empty_folders(str(out_dir))


def _stale_files(out_dir: Path, keep: set[str]) -> list[str]:
    """Files in output/ that this build does not produce: old pages, and temp files of a crashed build."""
    return [path for path, _entry in files_below(out_dir) if path not in keep]


def _remove_empty_folders(folder: str) -> bool:
    """Remove empty folders below `folder`; True if `folder` itself is now empty."""
    empty = True
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and _remove_empty_folders(entry.path):
                os.rmdir(entry.path)
            else:
                empty = False
    return empty
