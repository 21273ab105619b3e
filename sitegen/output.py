"""Writing `output/`: only files whose bytes changed, in two phases, so an interruption loses nothing.

1. Stage: every changed file is written next to its target as `<name>.sitegen-tmp` (output/ still
   shows the old site; a crash here leaves it as it was, and the next build sweeps the temp files).
   A `CachedFile` (a share card, an image, a file of the search index or a page of its mirror) is
   staged as a hard link to the file in `.cache/`, so its bytes are not written twice; where no link
   can be made (another filesystem, or none allowed) it is copied, like every other `Path`.
2. Commit: a journal naming every rename and deletion is written beside output/ and synced, then
   applied, then removed. A crash during the commit is finished by the next build (`recover`)
   before it does anything else, so output/ ends as the new site, never a mix.
Paths that would land outside output/ are refused.

Because of the links, a file in output/ or `.cache/` is never written into once it exists: a new
file is made and renamed over it. Every writer of a `CachedFile` keeps that rule (`imaging._write`,
Pagefind's bundle folder, `search.stage_pages`). Theme files and images copied from content/ are
the author's files, which editors may save in place, so they are copied, not linked. Editing files
in output/ by hand is not supported: a deploy publishes them as they are, and an edit could reach
the cache through a link.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PosixPath, PurePosixPath

from .errors import SiteError, SiteErrors
from .walk import files_below


class CachedFile(PosixPath):
    """A file the generator made in `.cache/` and only ever replaces by renaming a new file over it:
    output/ gets a hard link to it rather than a copy."""


Content = bytes | Path  # bytes to write, or a file to copy (a `CachedFile`: to link)
TEMP_SUFFIX = ".sitegen-tmp"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    # with pruning: every file output/ holds now -> (size, modification time), from the walk the pruning made
    stats: dict[str, tuple[int, int]] | None = None


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
    folders = {out_dir}  # made or found during this call: each is checked once
    for path in sorted(files):
        if _stage_if_changed(out_dir, path, files[path], folders):
            staged.append(path)
        else:
            report.unchanged += 1
    keep = set(files) | set(kept) | {path + TEMP_SUFFIX for path in staged}
    present = files_below(out_dir) if prune else []
    deletions = [path for path, _entry in present if path not in keep]
    if staged or deletions:
        _commit(out_dir, staged, deletions)
    report.written = staged
    report.deleted = sorted(deletions)
    if prune:
        report.stats = _stats_after(out_dir, present, set(staged), set(deletions))
    return report


def _stats_after(
    out_dir: Path, present: list[tuple[str, os.DirEntry[str]]], staged: set[str], deleted: set[str]
) -> dict[str, tuple[int, int]]:
    """(size, modification time) of every file in output/ after a commit, without walking it again:
    the files found before it, less those deleted, with the staged ones in their place."""
    stats = {}
    for path, entry in present:
        if path in deleted or path.endswith(TEMP_SUFFIX):
            continue
        stat = os.stat(out_dir / path) if path in staged else entry.stat()
        stats[path] = (stat.st_size, stat.st_mtime_ns)
    for path in staged.difference(stats):
        stat = os.stat(out_dir / path)
        stats[path] = (stat.st_size, stat.st_mtime_ns)
    return dict(sorted(stats.items()))


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


def _stage_if_changed(out_dir: Path, path: str, content: Content, folders: set[Path]) -> bool:
    """Stage `content` unless the target already holds it.

    A linked or copied file has its source's modification time, so an unchanged one (theme files,
    images, the search index) is recognised by size and time without reading either file."""
    target = out_dir / path
    try:
        current = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        current = None
    source: os.stat_result | None = None
    if isinstance(content, bytes):
        size = len(content)
    else:
        source = os.stat(content)
        if current and (current.st_size, current.st_mtime_ns) == (source.st_size, source.st_mtime_ns):
            return False
        size = source.st_size
    if current and current.st_size == size and target.read_bytes() == _bytes(content):
        if source is not None:  # the same bytes: give it the source's time, so the next build need not read it
            os.utime(target, ns=(source.st_atime_ns, source.st_mtime_ns))
        return False
    _make_folder(target.parent, folders)
    temporary = target.with_name(target.name + TEMP_SUFFIX)
    try:
        _stage(temporary, content, source)
    except FileExistsError:  # left by a killed build, maybe a link to a cached file: replaced, never written into
        temporary.unlink()
        _stage(temporary, content, source)
    return True


def _stage(temporary: Path, content: Content, source: os.stat_result | None) -> None:
    """Make the staged file as a new file: a hard link to a cached file, else a copy or the bytes."""
    if isinstance(content, CachedFile):
        try:
            os.link(content, temporary)
            return
        except FileExistsError:
            raise
        except OSError:  # another filesystem (EXDEV), no hard links there, or not allowed: a copy
            pass
    with open(temporary, "xb") as stream:
        stream.write(_bytes(content))
    if source is not None:
        os.utime(temporary, ns=(source.st_atime_ns, source.st_mtime_ns))


def _bytes(content: Content) -> bytes:
    return content if isinstance(content, bytes) else content.read_bytes()


def _make_folder(folder: Path, made: set[Path]) -> None:
    """Create a folder inside output/ (its parents first), replacing an old file that stands where it must go;
    `made` holds output/ itself and the folders already made or found."""
    if folder in made or folder == folder.parent:
        return
    _make_folder(folder.parent, made)
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not folder.is_dir():
            folder.unlink()
            os.mkdir(folder)
    made.add(folder)


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
        try:
            os.chmod(temporary, 0o644)  # on a link, the cached file's mode: cached files are made 0o644
        except FileNotFoundError:
            continue  # renamed before the interruption
        try:
            os.replace(temporary, target)
        except IsADirectoryError:  # an old folder stands where a file must go now
            shutil.rmtree(target)
            os.replace(temporary, target)
    for path in deletions:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # gone, or its folder became a file
            (out_dir / path).unlink()
    _remove_empty_folders(out_dir, deletions)


def _remove_empty_folders(out_dir: Path, deleted: list[str]) -> None:
    """Remove the folders that deleting these files left empty, deepest first (output/ itself stays).

    Only their folders are looked at: walking all of output/ on every commit cost more than a small build."""
    folders = {parent for path in deleted for parent in PurePosixPath(path).parents if parent.parts}
    for folder in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty, or gone
            os.rmdir(out_dir / folder)
