"""Writing `output/`: atomically, only files whose bytes changed, and pruning what is no longer produced."""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SiteError, SiteErrors

Content = bytes | Path  # bytes to write, or a file to copy


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


def write_output(
    out_dir: Path, files: dict[str, Content], kept: set[str] | frozenset[str] = frozenset()
) -> WriteReport:
    """Make `out_dir` hold exactly `files` and `kept` (files known to be current): write what changed,
    delete what is gone."""
    for path in files:
        safe_relative(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = WriteReport()
    for path in sorted(files):
        if _write_if_changed(out_dir / path, files[path]):
            report.written.append(path)
        else:
            report.unchanged += 1
    report.deleted = _prune(out_dir, set(files) | set(kept))
    return report


def _write_if_changed(target: Path, content: Content) -> bool:
    data = content.read_bytes() if isinstance(content, Path) else content
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except NotADirectoryError:
        pass
    if target.parent.is_file():  # an old file stands where a folder must go now
        target.parent.unlink()
    if target.is_dir():  # an old folder stands where a file must go now
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _prune(out_dir: Path, keep: set[str]) -> list[str]:
    """Delete files that are not produced any more, then empty folders."""
    deleted: list[str] = []
    _prune_folder(str(out_dir), "", keep, deleted)
    return sorted(deleted)


def _prune_folder(folder: str, prefix: str, keep: set[str], deleted: list[str]) -> bool:
    """Prune one folder (strings, not Path objects: this walks every file of the site); True if now empty."""
    empty = True
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if _prune_folder(entry.path, relative + "/", keep, deleted):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif relative in keep:
                empty = False
            else:
                os.unlink(entry.path)
                deleted.append(relative)
    return empty
