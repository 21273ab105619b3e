"""The preview's fast path: a save that changes only the Markdown body of stories, towns or pages.

A body is shown on its own page and in the Atom feeds, nowhere else (cards, lists, menus, the
sitemap and the other pages' links are made from front matter, file names and templates). So when
every changed file still has exactly the front matter it had, the preview re-renders just those
pages and the feeds, and writes them, instead of building the whole site: milliseconds instead of
seconds on a large site. Anything else (front matter, a new or deleted file, data, images, the
theme, config.yaml) goes through the full incremental `build()`.

A `Session` is what a successful full build leaves behind for this: the site model, the theme
and the rendered bodies. The fast path never saves the dependency graph; the next full build
sees the changed sources and output files and re-renders those pages again, so it stays correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .content import load_one
from .context import page_context
from .errors import SiteError, SiteErrors
from .feeds import atom_feeds
from .images import produce
from .markdown import RenderedMarkdown
from .model import Entry, EntryId, with_topic_keys
from .output import Content, write_output
from .pages import RenderState, collapse_repeats, render_body, render_pages
from .plan import PlannedPage

FAST_KINDS = frozenset({"stories", "towns", "pages"})  # kinds whose body is shown on their own page only


@dataclass
class Session:
    """The state of the last successful full build, kept by the preview server."""

    out_dir: Path
    render_state: RenderState
    pages: dict[EntryId, PlannedPage]  # the page of each content file
    bodies: dict[EntryId, RenderedMarkdown] = field(default_factory=dict)  # rendered so far

    def body_of(self, entry: Entry) -> RenderedMarkdown | None:
        """The entry's rendered body, from this session or rendered now."""
        if entry.id not in self.bodies:
            self.bodies[entry.id] = render_body(self.render_state, entry)[0]
        return self.bodies[entry.id]


@dataclass(frozen=True)
class QuickReport:
    rendered: list[str]
    written: list[str]
    warnings: list[SiteError]


def quick_rebuild(session: Session, changed: Iterable[Path]) -> QuickReport | None:
    """Re-render the pages of body-only edits; None when the change needs a full build.

    Raises SiteErrors (and leaves the session and output/ as they were) when a changed file is broken.
    """
    state = session.render_state
    site = state.site
    by_path = {entry.source.path: entry for entry in site.entries.values() if entry.kind in FAST_KINDS}
    entries = dict(site.entries)
    for path in sorted(set(changed)):
        old = by_path.get(_shown(state.root, path))
        if old is None or not path.is_file():
            return None
        source = with_topic_keys(site.config, load_one(state.root, path, list(site.config.languages)))
        if (source.meta, source.field_lines) != (old.source.meta, old.source.field_lines):
            return None
        entries[old.id] = Entry(source, old.url)
    edited = [entry_id for entry_id, entry in entries.items() if entry is not site.entries[entry_id]]
    new_state = replace(state, site=replace(site, entries=entries, memo={}))
    work = [(session.pages[i], page_context(new_state.site, session.pages[i], None)) for i in edited]
    results = render_pages(new_state, work, jobs=1)
    images = produce(state.media, [file for r in results for file in r.media], 1) if state.media else None
    errors = collapse_repeats([*(e for r in results for e in r.errors), *(images.errors if images else [])])
    if errors:
        raise SiteErrors(errors)

    session.render_state = new_state
    for entry_id, result in zip(edited, results, strict=True):
        if result.body is not None:
            session.bodies[entry_id] = result.body
    files: dict[str, Content] = {result.output: result.html for result in results}
    files.update(atom_feeds(new_state.site, session.body_of))
    if images:
        files.update(images.files)
    report = write_output(session.out_dir, files, prune=False)
    warnings = sorted({w for r in results for w in r.warnings})
    return QuickReport([r.output for r in results], report.written, warnings)


def _shown(root: Path, path: Path) -> str:
    """A changed file as the content model names it (relative to the project, with '/')."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return ""
