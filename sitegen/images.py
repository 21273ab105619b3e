"""Images referenced by content: resolved inside the project and published under a content-hashed name.

This stage copies the original file; responsive derivatives come with the image pipeline.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FixableError
from .text import slugify

IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif"}
MEDIA_DIR = "media"


@dataclass
class ImageResolver:
    """Resolves image paths written in one content file and remembers what to publish."""

    root: Path
    source_path: str  # the content file, relative to root
    base_path: str
    published: dict[str, Path] = field(default_factory=dict)  # output path -> source file

    def __call__(self, reference: str) -> str:
        target = resolve_inside(self.root, self.source_path, reference)
        if target.suffix.lower() not in IMAGE_TYPES:
            raise FixableError(f"'{reference}' is not an image", f"use one of {', '.join(sorted(IMAGE_TYPES))}")
        output = published_name(target)
        self.published[output] = target
        return self.base_path + output


def resolve_inside(root: Path, source_path: str, reference: str) -> Path:
    """The file a relative reference points to, refusing anything outside the project."""
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), reference))
    if relative.startswith("../") or relative == ".." or posixpath.isabs(reference):
        raise FixableError(f"'{reference}' points outside the project", "keep images inside content/")
    target = root / relative
    if not target.is_file():
        raise FixableError(f"'{reference}' does not exist", f"check the name; looked for {relative}")
    if not target.resolve().is_relative_to(root.resolve()):
        raise FixableError(f"'{reference}' is a link to a file outside the project", "copy the file in")
    return target


def published_name(source: Path) -> str:
    """media/<name>-<hash>.<ext>: a new name whenever the bytes change, so it can be cached forever."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
    return f"{MEDIA_DIR}/{slugify(source.stem) or 'image'}-{digest}{source.suffix.lower()}"
