"""Every file below a folder, fast: `os.scandir` and strings, no Path objects (some folders hold every
file of the site). Standard library only."""

from __future__ import annotations

import os
from pathlib import Path


def files_below(folder: Path | str, prefix: str = "") -> list[tuple[str, os.DirEntry[str]]]:
    """(prefix + path relative to `folder` with '/', its directory entry) of every file, sorted by path.

    Links to folders are not followed (a link to a file is listed); a missing folder has no files."""
    found: list[tuple[str, os.DirEntry[str]]] = []

    def visit(directory: str, relative: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    visit(entry.path, f"{relative}{entry.name}/")
                else:
                    found.append((relative + entry.name, entry))

    if os.path.isdir(folder):
        visit(str(folder), prefix)
    found.sort(key=lambda item: item[0])
    return found
