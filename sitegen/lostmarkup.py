"""What an editor wrote that would not reach the page, named with its line instead of lost in silence:
raw HTML that the Markdown pass's allow-list removes (embeds, scripts and forms are errors; styling is a
warning), and links or images CommonMark leaves as text because their address has a space.

Both run after cmark: HTML shown in code is escaped there, so only what it let through as HTML is read,
and only text the visitor sees is searched for unlinked `[…](…)`. A body with no `<` and no `](`
costs a substring test.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol

from selectolax.lexbor import LexborNode

from .errors import SiteError
from .text import slugify


class Report(Protocol):
    """Where one body's problems go (the Markdown pass's state)."""

    path: str
    first_line: int
    source: str
    errors: list[SiteError]
    warnings: list[SiteError]


@dataclass(frozen=True)
class AllowList:
    """The HTML the Markdown pass keeps: tags, and attributes by tag ('*': on any tag)."""

    tags: set[str]
    attributes: dict[str, set[str]]


_SPACED_ADDRESS = re.compile(r"\]\([^)\n]*[ \t]")  # quick test of the source: `](` and a space before `)`
_UNLINKED = re.compile(r"(!?)\[([^\[\]]*)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")  # a link or image left as text
_TAG_LIKE = re.compile(r"<[A-Za-z][A-Za-z0-9-]*(?:\s|/?>)")  # quick test of the source: raw HTML is possible
_START_TAG = re.compile(  # a comment, or a start tag: (name, attributes); not the blocks cmark makes (<p data-...>)
    r"""<!--.*?-->|<([A-Za-z][A-Za-z0-9-]*)(?!\s+data-sourcepos="[^"]*">)"""
    r"""((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>""",
    re.DOTALL,
)
_REPORTED_WHOLE = frozenset(  # what is inside them is text, or goes with them: not reported on its own
    {"script", "style", "template", "noscript", "textarea", "title", "svg", "math", "object", "video", "audio", "form"}
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_SOURCEPOS = re.compile(r'data-sourcepos="(\d+):\d+-(\d+):')
_REMOVED_ELEMENTS = {  # element -> (is it an error, hint); errors: what visitors miss (embeds, forms), and scripts
    **dict.fromkeys(
        ("iframe", "frame", "frameset", "object", "embed", "applet", "video", "audio", "source", "track", "portal"),
        (
            True,
            "embedded video, maps and posts are not allowed on the site (the visitors' privacy: pages fetch "
            "nothing from other services); link to it instead: [Se videoen](https://...)",
        ),
    ),
    **dict.fromkeys(
        ("form", "input", "button", "select", "textarea"),
        (True, "forms are not allowed in the text; link to the form instead: [Tilmeld dig](https://...)"),
    ),
    **dict.fromkeys(
        ("svg", "math", "canvas"), (True, "add drawings as image files: ![Kort over byen](billeder/kort.svg)")
    ),
    **dict.fromkeys(("script", "noscript", "template"), (True, "scripts are not allowed in the text; remove it")),
    **dict.fromkeys(("style", "link", "meta", "base"), (False, "the theme decides how pages look; remove it")),
}
_OTHER_ELEMENT = (  # any other element: its tags go, its text stays
    False,
    r"only some HTML is allowed in the text; write the formatting in Markdown (**bold**, *italic*), "
    r"or write \< if the < is meant as text",
)


def is_relative(url: str) -> bool:
    """A relative address (no scheme, not from the site root, not only a #fragment or ?query)."""
    return bool(url) and ":" not in url.split("/", 1)[0] and not url.startswith(("/", "#", "?"))


def report_unlinked(body: LexborNode, state: Report) -> None:
    """`![Børn](billeder/børn leger.jpg)`: a space in the address leaves the whole thing as text on the page."""
    if not _SPACED_ADDRESS.search(state.source):
        return
    lines = state.source.split("\n")
    for block in body.css("[data-sourcepos]"):
        text = _inline_text(block)
        if "](" in text:
            first, last = _block_lines(block)
            _unlinked_in_block(text, "\n".join(lines[first - 1 : last]), first, state)


def _unlinked_in_block(text: str, source: str, first: int, state: Report) -> None:
    """Report each link or image left as text in one block; `source` is the block's lines from line `first`."""
    cursor = 0  # where in the block's source the next one can be
    for match in _UNLINKED.finditer(text):
        bang, label, address = match.group(1), match.group(2), match.group(3).strip()
        if not any(space in address for space in " \t"):
            continue
        found = source.find(f"]({address}", cursor)
        if found < 0:  # written with escapes or entities: look for the start of the address
            found = source.find(f"]({address.split()[0]}", cursor)
        cursor = max(cursor, found + 2)
        line = state.first_line + first - 1 + source.count("\n", 0, max(found, 0))
        state.errors.append(SiteError(state.path, line, *_unlinked(bang, label, address)))


def _inline_text(node: LexborNode) -> str:
    """The text of a block, without code and without the blocks inside it (they are read on their own)."""
    parts = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag not in ("code", "pre") and "data-sourcepos" not in child.attributes:
            parts.append(_inline_text(child))
    return "".join(parts)


def _block_lines(node: LexborNode) -> tuple[int, int]:
    """The first and last line of a block in the body, from cmark's source position (1:1-3:12)."""
    start, _, end = (node.attributes.get("data-sourcepos") or "1:1-1:1").partition("-")
    first = int(start.split(":", 1)[0])
    return first, max(first, int(end.split(":", 1)[0] or first))


def _unlinked(bang: str, label: str, address: str) -> tuple[str, str]:
    """The message and hint for a link or image whose address has a space."""
    if bang:
        return (
            f"the image '{address}' appears as plain text, because its address has a space",
            f"write the address in angle brackets: ![{label}](<{address}>), "
            "or rename the file with - instead of spaces",
        )
    target, hash_, fragment = address.partition("#")
    if is_relative(target) and target.lower().endswith(".md"):
        folder, _, name = target.rpartition("/")
        stem = name[: -len(".md")]
        key, dot, lang = stem.rpartition(".")
        fixed = f"{slugify(key)}.{lang}.md" if dot and len(lang) == 2 else f"{slugify(stem)}.md"
        fixed = f"{folder}/{fixed}" if folder else fixed
        return (
            f"the link '{address}' appears as plain text, because its address has a space",
            f"file names have no spaces: write [{label}]({fixed}{hash_}{fragment})",
        )
    return (
        f"the link '{address}' appears as plain text, because its address has a space",
        f"write the address in angle brackets: [{label}](<{address}>)",
    )


def report_removed_html(raw: str, state: Report, allowed: AllowList) -> None:
    """Raw HTML that the allow-list removes is reported on its line. HTML shown in code is text, not tags:
    cmark escapes it, so only what it let through as HTML (`raw`) is read."""
    if not raw or not _TAG_LIKE.search(state.source):
        return
    locate = _Locator(state.source, raw)
    resume = 0  # the end of the last script, form, ... element: what is inside it is not reported again
    reported: set[tuple[int, str]] = set()  # (line, message): two <span style="..."> on a line give one message
    for match in _START_TAG.finditer(raw):
        if match.group(1) is None or match.start() < resume or _is_plain(match, raw, allowed):
            continue
        name = match.group(1).lower()
        if name in _REPORTED_WHOLE:
            end = raw.lower().find(f"</{name}", match.end())
            resume = end if end >= 0 else len(raw)
        problem = _html_problem(match, raw, allowed)
        if problem is None:
            continue
        is_error, message, hint = problem
        line = state.first_line + locate.line(match) - 1
        if (line, message) not in reported:
            reported.add((line, message))
            (state.errors if is_error else state.warnings).append(SiteError(state.path, line, message, hint))


def _is_plain(match: re.Match[str], raw: str, allowed: AllowList) -> bool:
    """An allowed tag without attributes (<em>, <br />: much of what cmark writes) needs no more work."""
    return not match.group(2) and match.group(1) in allowed.tags and not raw.endswith("{{", 0, match.start())


class _Locator:
    """Finds the tags of cmark's HTML in the source: the HTML it lets through is copied as it was written."""

    def __init__(self, source: str, raw: str) -> None:
        self.source = source
        self.raw = raw
        self.offset = 0  # after the last tag found: tags come in the same order as in the source

    @functools.cached_property
    def starts(self) -> list[int]:
        """Where each line of the source starts."""
        return [0, *(found.end() for found in re.finditer("\n", self.source))]

    def line(self, match: re.Match[str]) -> int:
        """The line of the source (1-based) where a tag of `raw` is written."""
        start = max(self.offset, self._floor(match.start()))
        found = self._find(match.group(0), start)
        if found < 0:  # spread over lines inside a quote or a list: look for its start
            found = self._find(f"<{match.group(1)}", start)
        if found >= 0:
            self.offset = found + 1
        return self.source.count("\n", 0, found if found >= 0 else start) + 1

    def _floor(self, end: int) -> int:
        """Where in the source the tag can be: in the last block cmark began before it, after any code block."""
        block = self.raw.rfind(' data-sourcepos="', 0, end)
        line = _sourcepos(self.raw, block + 1)[0] if block >= 0 else 1
        code = self.raw.rfind('<pre data-sourcepos="', 0, end)
        if code >= 0:
            line = max(line, _sourcepos(self.raw, code + len("<pre "))[1] + 1)
        return self.starts[min(line, len(self.starts)) - 1]

    def _find(self, text: str, start: int) -> int:
        """The first place of `text` from `start` that is not in an HTML comment; -1 if none."""
        found = self.source.find(text, start)
        while found >= 0 and self.source.rfind("<!--", 0, found) > self.source.rfind("-->", 0, found):
            found = self.source.find(text, found + 1)
        return found


def _sourcepos(raw: str, at: int) -> tuple[int, int]:
    """(first line, last line) from the data-sourcepos="1:1-3:12" attribute at `at`."""
    found = _SOURCEPOS.match(raw, at)
    return (int(found.group(1)), int(found.group(2))) if found else (1, 1)


def _html_problem(match: re.Match[str], raw: str, allowed: AllowList) -> tuple[bool, str, str] | None:
    """(is it an error, message, hint) for a tag that nh3 removes or changes; None for one the site allows."""
    name = match.group(1).lower()
    if raw.endswith("{{", 0, match.start()):
        return True, "this short code cannot be read", f"put a space after {{{{<, like {{{{< {name} ... >}}}}"
    if name not in allowed.tags:
        is_error, hint = _REMOVED_ELEMENTS.get(name, _OTHER_ELEMENT)
        return is_error, f"the HTML tag <{name}> is removed from the page", hint
    permitted = allowed.attributes.get(name, set()) | allowed.attributes["*"]
    removed = [
        attribute
        for attribute, value in _attributes(match.group(2))
        if attribute not in permitted
        and not (name == "code" and attribute == "class" and value.startswith("language-"))
    ]
    return _attribute_problem(name, removed, permitted) if removed else None


def _attributes(text: str) -> list[tuple[str, str]]:
    """(name in lower case, value) of each attribute written in a tag."""
    return [
        (found.group(1).lower(), found.group(0).partition("=")[2].strip().strip("\"'"))
        for found in _ATTRIBUTE.finditer(text)
    ]


def _attribute_problem(name: str, removed: list[str], allowed: set[str]) -> tuple[bool, str, str]:
    """Event handlers (onclick=...) are errors, like javascript: addresses; other attributes only change looks."""
    listed = ", ".join(removed)
    message = f"the HTML attribute{'s' if len(removed) > 1 else ''} {listed} on <{name}> "
    message += f"{'are' if len(removed) > 1 else 'is'} removed from the page"
    events = [attribute for attribute in removed if attribute.startswith("on")]
    if events:
        return True, message, f'scripts are not allowed in the text; remove {events[0]}="..."'
    if "style" in removed:
        return False, message, 'the theme decides how pages look; remove style="..."'
    if "target" in removed:
        return False, message, 'links open in the same tab on this site; remove target="..."'
    kept = ", ".join(sorted(allowed - {"data-sourcepos"}))
    return False, message, f"remove it; <{name}> may have only {kept}"
