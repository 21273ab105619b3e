"""Short codes: a paragraph that is only `{{< name key="value" >}}` becomes a piece of HTML.

Each short code is a plain function from its arguments to HTML. Editors write, for example:

    {{< figure src="images/torvet.jpg" alt="Børn leger på torvet" caption="Torvedag" credit="Foto: A. Jensen" >}}
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import escape

from .charts import chart
from .errors import FixableError, did_you_mean

SHORTCODE = re.compile(r"^\{\{<\s*([a-z][a-z0-9_-]*)((?:\s+[a-z_]+=\"[^\"]*\")*)\s*>\}\}$", re.S)
ARGUMENT = re.compile(r"([a-z_]+)=\"([^\"]*)\"")


class ShortcodeError(FixableError):
    """A short code used wrongly."""


@dataclass(frozen=True)
class ShortcodeCall:
    name: str
    args: dict[str, str]


ImageResolver = Callable[[str, str], str]  # (source-relative path, alt) -> HTML of the image, raises FixableError


@dataclass
class ShortcodeContext:
    """The page a short code is on, for short codes that need more than their arguments (`chart`)."""

    path: str  # the content file, relative to the project
    lang: str
    locale: str  # Babel's name of the language, e.g. da_DK
    root: Path  # the project folder; data files are read from content/data/
    counts: dict[str, int] = field(default_factory=dict)  # short code name -> calls so far on this page

    def next_id(self, name: str) -> str:
        """An id unique on the page: chart-1, chart-2, ..."""
        self.counts[name] = self.counts.get(name, 0) + 1
        return f"{name}-{self.counts[name]}"


def parse_shortcode(text: str) -> ShortcodeCall | None:
    """The call in a paragraph's text, or None when the paragraph is ordinary text."""
    stripped = text.strip()
    if "{{<" not in stripped:
        return None
    if not stripped.startswith("{{<"):
        raise ShortcodeError(
            "a short code must stand alone in its paragraph", "put an empty line before and after the {{< ... >}} line"
        )
    match = SHORTCODE.match(stripped)
    if not match:
        raise ShortcodeError(
            "this short code cannot be read", 'write it like {{< figure src="a.jpg" alt="What it shows" >}}'
        )
    return ShortcodeCall(match.group(1), dict(ARGUMENT.findall(match.group(2))))


def figure(args: dict[str, str], resolve_image: ImageResolver) -> str:
    """A photo with a caption and a credit line."""
    _require(args, "figure", required={"src", "alt"}, optional={"caption", "credit"})
    if not args["alt"].strip():
        raise ShortcodeError("figure: alt is empty", 'describe what the photo shows: alt="Børn på legepladsen"')
    image = resolve_image(args["src"], args["alt"])  # a <picture> through the image pipeline
    caption = ""
    if args.get("caption") or args.get("credit"):
        parts = [str(escape(args.get("caption", "")))]
        if args.get("credit"):
            parts.append(f'<span class="credit">{escape(args["credit"])}</span>')
        caption = f"<figcaption>{' '.join(p for p in parts if p)}</figcaption>"
    return f"<figure>{image}{caption}</figure>"


SHORTCODES: dict[str, Callable[[dict[str, str], ImageResolver], str]] = {"figure": figure}
PAGE_SHORTCODES: dict[str, Callable[[dict[str, str], ShortcodeContext], str]] = {"chart": chart}  # need the page


def expand(call: ShortcodeCall, resolve_image: ImageResolver, context: ShortcodeContext | None = None) -> str:
    """The HTML of one short code call; `context` is the page, for the short codes in PAGE_SHORTCODES."""
    if call.name in PAGE_SHORTCODES:
        if context is None:
            raise ShortcodeError(f"{call.name}: this short code works only in content files", "")
        return PAGE_SHORTCODES[call.name](call.args, context)
    function = SHORTCODES.get(call.name)
    if function is None:
        known = [*SHORTCODES, *PAGE_SHORTCODES]
        hint = did_you_mean(call.name, known) or f"known short codes: {', '.join(known)}"
        raise ShortcodeError(f"unknown short code '{call.name}'", hint)
    return function(call.args, resolve_image)


def _require(args: dict[str, str], name: str, required: set[str], optional: set[str]) -> None:
    missing = sorted(required - set(args))
    if missing:
        raise ShortcodeError(f"{name}: {', '.join(missing)} is missing", f'add {missing[0]}="..."')
    unknown = sorted(set(args) - required - optional)
    if unknown:
        known = ", ".join(sorted(required | optional))
        raise ShortcodeError(f"{name}: unknown argument '{unknown[0]}'", f"known arguments: {known}")
