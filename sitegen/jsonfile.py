"""Small JSON files in .cache/: read leniently (missing or damaged means empty), written atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson


def read_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path`; {} when the file is missing, damaged or not an object."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_object(path: Path, data: dict[str, Any]) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(orjson.dumps(data))
    os.replace(temporary, path)
