"""Rendering pages: each page's Markdown and template, run in worker processes.

Everything a render needs is in `RenderState`, shared read-only with the workers;
a render returns its HTML, its body and its problems as plain data and writes nothing.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from .context import with_body, with_media
from .errors import FixableError, FixableWarning, SiteError, SiteErrors, did_you_mean
from .images import ImageResolver, Media, MediaFile
from .markdown import RenderedMarkdown, render_markdown
from .model import Entry, EntryId, Site
from .pagemedia import page_media
from .parallel import parallel_map, shared_state, state
from .plan import PlannedPage
from .render import Theme, render_page
from .shortcodes import ShortcodeContext
from .text import slugify


@dataclass(frozen=True)
class RenderState:
    """What every render needs."""

    root: Path
    site: Site
    theme: Theme
    env: jinja2.Environment
    known: frozenset[EntryId]  # every content file, visible or not
    media: Media | None = None  # the image step; None: set up from root and config when needed


@dataclass(frozen=True)
class PageResult:
    output: str
    html: bytes
    body: RenderedMarkdown | None
    errors: tuple[SiteError, ...]
    warnings: tuple[SiteError, ...]
    images: tuple[tuple[str, str], ...]  # (path in output/, source file relative to root)
    media: tuple[MediaFile, ...] = ()  # the files in output/media/ the page needs, and how to make them


def render_pages(
    render_state: RenderState, work: list[tuple[PlannedPage, dict[str, Any]]], jobs: int
) -> list[PageResult]:
    """Render (page, context) pairs, in order, in up to `jobs` processes."""
    with shared_state(render_state):
        return parallel_map(_render_one, work, jobs)


def render_body(render_state: RenderState, entry: Entry) -> tuple[RenderedMarkdown, ImageResolver]:
    """The Markdown of one content page, and the resolver that knows the image files it needs."""
    site = render_state.site
    source = entry.source
    media = render_state.media or Media(render_state.root, site.config, render_state.theme.directory)
    resolver = media.resolver(source.path)
    body = render_markdown(
        source.body,
        path=source.path,
        first_line=source.body_line,
        resolve_link=lambda href: resolve_link(site, render_state.known, source.path, entry.lang, href),
        resolve_image=resolver,
        shortcode_context=ShortcodeContext(
            source.path, entry.lang, site.config.languages[entry.lang].locale, render_state.root
        ),
    )
    return body, resolver


def _render_one(item: tuple[PlannedPage, dict[str, Any]]) -> PageResult:
    page, context = item
    shared: RenderState = state()
    body = None
    files: tuple[MediaFile, ...] = ()
    source_path = f"the {page.kind} page ({page.url})"
    if page.entry:
        entry = shared.site.entries[page.entry]
        source_path = entry.source.path
        body, resolver = render_body(shared, entry)
        media = page_media(resolver, shared.site, entry, body)
        if body.errors or media.errors:
            return PageResult(page.output, b"", body, body.errors + media.errors, body.warnings, ())
        context = with_media(with_body(context, body), media.image, media.share)
        files = media.files
    try:
        html = render_page(shared.env, page.template, context, source_path, shared.theme)
    except SiteErrors as exc:
        return PageResult(page.output, b"", body, tuple(exc.errors), (), ())
    published = tuple(sorted({(file.output, source) for file in files for source in file.sources}))
    return PageResult(page.output, html.encode("utf-8"), body, (), body.warnings if body else (), published, files)


def resolve_link(site: Site, known: frozenset[EntryId], source_path: str, lang: str, href: str) -> str:
    """A relative link to a content file -> the URL of its page, in the page's own language if it exists."""
    target, _, fragment = href.partition("#")
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), target))
    parts = relative.split("/")
    if len(parts) < 3 or parts[0] != "content":
        raise FixableError(f"the link '{href}' points outside content/", "link to a file in content/")
    kind = parts[1]
    stem = parts[-1][: -len(".md")]
    key, _, written_lang = stem.rpartition(".")
    if written_lang not in site.config.languages:
        key, written_lang = stem, lang
    key = slugify(key)
    suffix = f"#{fragment}" if fragment else ""
    for candidate in (lang, written_lang, *site.config.language_order()):
        entry = site.get(kind, key, candidate)
        if entry:
            return entry.url + suffix
    if any((kind, key, other) in known for other in site.config.languages):
        raise FixableWarning(
            f"the link '{href}' goes to a page that is not published (a draft, scheduled or expired)",
            "the link is shown as plain text until the page is published; remove it if the page has expired",
        )
    raise FixableError(
        f"the link '{href}' goes to a file that does not exist", _link_hint(known, kind, key, source_path)
    )


def _link_hint(known: frozenset[EntryId], kind: str, key: str, source_path: str) -> str:
    """Point to the file the editor most likely meant, written relative to the linking file."""
    for other_kind, other_key, lang in sorted(known):
        if other_key == key:
            target = f"content/{other_kind}/{other_key}.{lang}.md"
            return f"write the path from this file: {posixpath.relpath(target, posixpath.dirname(source_path))}"
    keys = sorted({k for (kd, k, _l) in known if kd == kind})
    return did_you_mean(key, keys) or f"check the file name in content/{kind}/"


def collapse_repeats(errors: list[SiteError]) -> list[SiteError]:
    """One line for a theme error that breaks many pages, naming the first page and the count."""
    ordered = sorted(errors)
    repeats = Counter(e.message for e in ordered if e.message.startswith(("the template ", "the theme ")))
    result, reported = [], set()
    for error in ordered:
        count = repeats.get(error.message, 1)
        if count > 1:
            if error.message in reported:
                continue
            reported.add(error.message)
            error = replace(error, message=f"{error.message} (and {count - 1} more page{'s' if count > 2 else ''})")
        result.append(error)
    return result
