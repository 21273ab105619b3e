"""Field types shared by the front-matter schemas: dates, slugs, Danish booleans, lists written as text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo

from .text import is_slug, slugify

AUDIENCES = ("families", "workers", "business")
AUDIENCE_ALIASES = "audience_aliases"  # the validation context's map of audience labels (as slugs) to keys
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Accept only YYYY-MM-DD text (or a date) and say plainly what was wrong."""
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if not _ISO_DATE.match(text):
        raise ValueError(f"expected a date like 2026-05-01, got '{text}'")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date like 2026-05-01, got '{text}' (no such day)") from None


def _audience_key(value: Any, info: ValidationInfo) -> Any:
    """`familier` or `Skilled workers` means that audience: its labels in config.yaml, as slugs, are
    given as the validation context (`AUDIENCE_ALIASES`) by whoever loads the content."""
    aliases = info.context.get(AUDIENCE_ALIASES) if isinstance(info.context, dict) else None
    return aliases.get(slugify(value), value) if aliases and isinstance(value, str) else value


Audience = Annotated[Literal["families", "workers", "business"], BeforeValidator(_audience_key)]


def as_list(value: Any) -> Any:
    """Let an editor write `topics: kultur` for a list of one, or `topics: kultur, natur` without brackets."""
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value


def _slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(
            f"'{value}' is not a valid slug: use lowercase a-z, 0-9 and hyphens (æ→ae, ø→oe, å→aa), no '/' or spaces"
        )
    return value


def _danish_bool(value: Any) -> Any:
    """Editors may write ja/nej as well as true/false."""
    if isinstance(value, str) and value.strip().lower() in ("ja", "nej"):
        return value.strip().lower() == "ja"
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
DanishBool = Annotated[bool, BeforeValidator(_danish_bool)]
# A key written as a name: 'Sønder Omme' -> 'soender-omme'
SlugOfName = Annotated[str, BeforeValidator(lambda v: (slugify(v) or v) if isinstance(v, str) else v)]
Slug = Annotated[str, BeforeValidator(lambda v: _slug(v) if isinstance(v, str) else v)]
Text = Annotated[str, Field(min_length=1)]


def _short_path(value: Any) -> Any:
    """'flyt', '/flyt/' or 'radio/flyt': lowercase words, no language prefix needed."""
    if not isinstance(value, str):
        return value
    path = value.strip().strip("/")
    if not path or not all(is_slug(part) for part in path.split("/")):
        raise ValueError(f"'{value}' must be a short address of lowercase words, like flyt or move")
    return path


ShortPath = Annotated[str, BeforeValidator(_short_path)]
