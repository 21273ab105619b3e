"""The content files as the last load parsed them, in `.cache/sources/`, so unchanged files are not parsed again.

Each file's entry is its (size, modification time) and what loading it gave. The entries are spread
over `SHARDS` pickle files by a hash of the file's path: a save rewrites only its own shard, not the
parsed form of every story (24 MB at 4,000 stories). Every shard carries the salt it was written
with (the generator and the settings that decide how a file loads); a shard with another salt, or
one that cannot be read, is left out, so its files are parsed again.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import Any

SHARDS = 64
Stamp = tuple[int, int]  # size in bytes, modification time in nanoseconds
Entries = dict[str, tuple[Stamp, Any]]  # file path as shown -> (stamp, what loading it gave)


def read_cache(folder: Path | None, salt: str) -> Entries:
    """Every entry of every shard written with `salt`."""
    entries: Entries = {}
    if folder is None or not folder.is_dir():
        return entries
    for path in folder.glob("*.pickle"):
        try:
            with path.open("rb") as stream:
                stored_salt, shard = pickle.load(stream)
        except Exception:  # any damage to our own cache just means parsing again
            continue
        if stored_salt == salt and isinstance(shard, dict):
            entries.update(shard)
    return entries


def write_cache(folder: Path, salt: str, previous: Entries, current: Entries) -> None:
    """Write the shards whose entries differ from `previous` (what `read_cache` gave); remove emptied ones."""
    changed = {_shard(name) for name in previous.keys() ^ current.keys()}
    changed |= {_shard(name) for name, (stamp, _) in current.items() if name in previous and previous[name][0] != stamp}
    if not changed:
        return
    folder.mkdir(parents=True, exist_ok=True)
    by_shard: dict[int, Entries] = {number: {} for number in changed}
    for name, entry in current.items():
        if (number := _shard(name)) in by_shard:
            by_shard[number][name] = entry
    for number, shard in by_shard.items():
        target = folder / f"{number:02d}.pickle"
        if shard:
            _write_atomically(target, (salt, shard))
        else:
            target.unlink(missing_ok=True)


def _shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % SHARDS


def _write_atomically(target: Path, value: object) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".shard-")
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
