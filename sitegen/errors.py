"""Problems an editor can act on: a file, a line, what is wrong and how to fix it."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class SiteError:
    """One problem in one file. `line` is 1-based; 0 means the whole file."""

    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


class SiteErrors(Exception):
    """Every error a stage found, raised together so the editor sees them all at once."""

    def __init__(self, errors: Iterable[SiteError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def raise_if_any(errors: list[SiteError]) -> None:
    """Raise `SiteErrors` when the list is not empty."""
    if errors:
        raise SiteErrors(errors)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or an empty string."""
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if one is close enough to be a typing mistake."""
    return _closest(word, tuple(sorted(choices)))


@functools.lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def display_path(path: Path, root: Path) -> str:
    """The path as an editor knows it: relative to the project, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class FixableError(Exception):
    """A problem found deep inside a stage, before its file and line are known."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class FixableWarning(FixableError):
    """Like FixableError, but the stage carries on: the caller reports it as a warning."""
