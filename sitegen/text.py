"""Text helpers shared by the stages: slugs that read well in Danish URLs."""

from __future__ import annotations

import functools
import re
import unicodedata

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "ß": "ss"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """'Sønder Omme' -> 'soender-omme': æ, ø, å transliterated, accents dropped, hyphens between words."""
    text = unicodedata.normalize("NFKC", text).translate(_DANISH).lower()
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text).strip("-")


def is_slug(text: str) -> bool:
    """True for lowercase words of a-z and 0-9 joined by single hyphens."""
    return bool(SLUG_PATTERN.match(text))
