"""Markdown to safe HTML: cmark-gfm, then nh3's allow-list, then one selectolax pass.

The pass gives headings ids, turns links to other `.md` files into page URLs, hands
images to the image step and expands short codes. It returns the HTML together with
the headings, links and images it found, each with its line in the source file.

Nothing an editor wrote is lost without a message: `lostmarkup.py` reports raw HTML that the
allow-list removes and links or images that CommonMark leaves as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .errors import FixableError, FixableWarning, SiteError
from .lostmarkup import AllowList, is_relative, report_removed_html, report_unlinked
from .shortcodes import ShortcodeContext, expand, parse_shortcode
from .text import slugify

_SAFE_OPTIONS = Options.CMARK_OPT_SOURCEPOS | Options.CMARK_OPT_VALIDATE_UTF8
_RAW_HTML_OPTIONS = _SAFE_OPTIONS | Options.CMARK_OPT_UNSAFE
_EXTENSIONS = ["table", "strikethrough", "autolink"]
_TAGS = set(nh3.ALLOWED_TAGS) | {"figure", "figcaption", "del", "s", "mark", "details", "summary"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"data-sourcepos", "lang", "title"},
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED = AllowList(_TAGS, _ATTRIBUTES)
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_REFUSED_URL = re.compile(
    r"(?:\]\(\s*<?|\b(?:href|src)\s*=\s*[\"']?)\s*((?:javascript|vbscript|data|file)\s*:)", re.IGNORECASE
)
_RESERVED_IDS = frozenset({"main", "content", "indhold", "menu", "top", "search"})


LinkResolver = Callable[[str], str]  # relative .md link (with #fragment) -> page URL; raises FixableError
ImageResolver = Callable[[str, str], str]  # (source-relative image path, alt) -> HTML; raises FixableError


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Reference:
    """A link or image in the body: where it points, and its line in the file."""

    url: str
    line: int
    written: str = ""  # the address as the editor wrote it, when it became another (a .md link's page URL)


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    headings: tuple[Heading, ...] = ()
    links: tuple[Reference, ...] = ()
    images: tuple[Reference, ...] = ()
    errors: tuple[SiteError, ...] = ()
    warnings: tuple[SiteError, ...] = ()
    resolved: tuple[tuple[str, str], ...] = ()  # (.md link as written, the URL it became; "" if not published)


@dataclass
class _Pass:
    """State of one pass over one document."""

    path: str
    first_line: int
    resolve_link: LinkResolver
    resolve_image: ImageResolver
    source: str
    used_ids: set[str] = field(default_factory=lambda: set(_RESERVED_IDS))
    headings: list[Heading] = field(default_factory=list)
    links: list[Reference] = field(default_factory=list)
    images: list[Reference] = field(default_factory=list)
    errors: list[SiteError] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)
    resolved: list[tuple[str, str]] = field(default_factory=list)
    shortcodes: ShortcodeContext | None = None  # the page, for short codes that need it (chart)

    def line(self, node: LexborNode) -> int:
        current: LexborNode | None = node
        while current is not None:
            position = current.attributes.get("data-sourcepos") if current.tag != "-text" else None
            if position:
                return self.first_line + int(position.split(":", 1)[0]) - 1
            current = current.parent
        return self._line_of_raw_html(node)

    def _line_of_raw_html(self, node: LexborNode) -> int:
        """Raw HTML blocks carry no source position: find the element's address in the source text."""
        for name in ("src", "href"):
            value = node.attributes.get(name)
            if value:
                found = self.source.find(value)
                if found >= 0:
                    return self.first_line + self.source.count("\n", 0, found)
        return self.first_line

    def error(self, node: LexborNode, message: str, hint: str = "") -> None:
        self.errors.append(SiteError(self.path, self.line(node), message, hint))


def render_markdown(
    text: str,
    *,
    path: str,
    first_line: int,
    resolve_link: LinkResolver,
    resolve_image: ImageResolver,
    shortcode_context: ShortcodeContext | None = None,
) -> RenderedMarkdown:
    """Render one body; `first_line` is the line of the file where the body starts."""
    raw = ""
    if "<" in text:  # raw HTML is possible: let it through cmark, then clean it to the allow-list
        raw = cmarkgfm.markdown_to_html_with_extensions(text, options=_RAW_HTML_OPTIONS, extensions=_EXTENSIONS)
        clean = nh3.clean(raw, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel=None)
    else:  # no tag can exist; cmark's safe mode already drops javascript:, vbscript:, file: and data: links
        clean = cmarkgfm.markdown_to_html_with_extensions(text, options=_SAFE_OPTIONS, extensions=_EXTENSIONS)
    tree = LexborHTMLParser(clean)
    body = tree.body
    if body is None:
        return RenderedMarkdown("")
    state = _Pass(path, first_line, resolve_link, resolve_image, text, shortcodes=shortcode_context)
    _refuse_dangerous_urls(text, state)
    report_removed_html(raw, state, ALLOWED)
    if "](" in clean:  # a link or image that cmark did not take is left on the page as text
        report_unlinked(body, state)
    for node in body.css("p"):
        _shortcode(node, state)
    for node in body.css("h1, h2, h3, h4, h5, h6"):
        _heading(node, state)
    for node in body.css("a[href]"):
        _link(node, state)
    for node in body.css("img"):
        _image(node, state)
    for node in body.css("[data-sourcepos]"):
        del node.attrs["data-sourcepos"]
    return RenderedMarkdown(
        body.inner_html or "",
        tuple(state.headings),
        tuple(state.links),
        tuple(state.images),
        tuple(state.errors),
        tuple(state.warnings),
        tuple(state.resolved),
    )


def _refuse_dangerous_urls(text: str, state: _Pass) -> None:
    """javascript:, vbscript:, data: and file: addresses are errors (the sanitizers remove them anyway)."""
    lowered = text.lower()
    if not any(scheme in lowered for scheme in ("script", "data", "file")):
        return
    for match in _REFUSED_URL.finditer(text):
        line = state.first_line + text.count("\n", 0, match.start())
        scheme = match.group(1).rstrip(": ").lower()
        state.errors.append(
            SiteError(
                state.path,
                line,
                f"a link or image uses a '{scheme}:' address, which is not allowed",
                "link to a web page (https://...) or to another .md file",
            )
        )


def _shortcode(node: LexborNode, state: _Pass) -> None:
    text = node.text()
    if "{{<" not in text:
        return
    try:
        call = parse_shortcode(text)
        if call is None:
            return
        html = expand(call, state.resolve_image, state.shortcodes)
    except FixableError as exc:
        state.error(node, exc.message, exc.hint)
        return
    fragment = LexborHTMLParser(f"<body>{html}</body>").body
    if fragment is not None and fragment.child is not None:
        line = state.line(node)
        state.used_ids.update(element.attributes.get("id") or "" for element in fragment.css("[id]"))
        for image in fragment.css("img"):
            state.images.append(Reference(image.attributes.get("src") or "", line))
            image.attrs["data-done"] = "1"
        node.replace_with(fragment.child)


def _heading(node: LexborNode, state: _Pass) -> None:
    level = int((node.tag or "h2")[1])
    text = node.text(deep=True).strip()
    if level == 1:
        state.warnings.append(
            SiteError(
                state.path,
                state.line(node),
                "the body has a level-1 heading (# ...)",
                "the title is the page's main heading; use ## for headings in the text",
            )
        )
    base = slugify(text) or "afsnit"
    anchor, number = base, 1
    while anchor in state.used_ids:
        number += 1
        anchor = f"{base}-{number}"
    state.used_ids.add(anchor)
    node.attrs["id"] = anchor
    state.headings.append(Heading(level, text, anchor))


def _link(node: LexborNode, state: _Pass) -> None:
    href = node.attributes.get("href") or ""
    target = href.split("#", 1)[0].split("?", 1)[0]
    if is_relative(href) and target.lower().endswith(".md"):
        written = unquote(href)
        try:
            href = state.resolve_link(written)
        except FixableWarning as exc:  # e.g. a link to a draft: shown as plain text until it is published
            state.warnings.append(SiteError(state.path, state.line(node), exc.message, exc.hint))
            state.resolved.append((written, ""))
            node.unwrap()
            return
        except FixableError as exc:
            state.error(node, exc.message, exc.hint)
            return
        node.attrs["href"] = href
        state.resolved.append((written, href))
        state.links.append(Reference(href, state.line(node), written))
        return
    state.links.append(Reference(href, state.line(node)))


def _image(node: LexborNode, state: _Pass) -> None:
    if node.attributes.get("data-done"):
        del node.attrs["data-done"]
        return
    src = node.attributes.get("src") or ""
    alt = node.attributes.get("alt") or ""
    if not alt.strip():
        state.error(
            node, f"the image '{src}' has no alt text", "describe what it shows: ![Børn leger på torvet](billede.jpg)"
        )
    if not is_relative(src):
        node.attrs["loading"] = "lazy"
        state.images.append(Reference(src, state.line(node)))
        return
    line = state.line(node)
    try:  # the image step gives the element to use instead (a <picture> with the sizes it made)
        html = state.resolve_image(unquote(src), alt)
    except FixableError as exc:
        state.error(node, exc.message, exc.hint)
        return
    fragment = LexborHTMLParser(f"<body>{html}</body>").body
    element = fragment.child if fragment is not None else None
    if element is None:
        return
    image = element if element.tag == "img" else element.css_first("img")
    if image is not None:
        state.images.append(Reference(image.attributes.get("src") or "", line))
        if node.attributes.get("title"):
            image.attrs["title"] = node.attributes.get("title") or ""
    node.replace_with(element)
