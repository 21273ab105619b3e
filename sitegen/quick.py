"""The preview's fast path: saves that change the Markdown body of stories, towns or pages, or the
front matter of stories.

A body is shown on its own page and in the Atom feeds, nowhere else (cards, lists, menus, the
sitemap and the other pages' links are made from front matter, file names and templates). So when
every changed file still has exactly the front matter it had, the preview re-renders just those
pages and the feeds, and writes them, instead of building the whole site: milliseconds instead of
seconds on a large site.

A story's front matter reaches further: the lists that show its card and the pages that count or
query stories (`reach.py` names them). When only stories' front matter changed, at the same URLs,
with the same pages planned before and after, the preview makes the contexts of the pages reached,
renders those whose context hash differs from the one their page was last rendered with, and
writes them with the feeds and the sitemap. Anything else (a town's or page's front matter, a new
or deleted file, data, images, the theme, config.yaml, a change that adds or removes pages) goes
through the full incremental `build()`.

A `Session` is what a successful full build leaves behind for this: the site model, the theme
and the rendered bodies. The fast path never saves the dependency graph; the next full build
sees the changed sources and output files and re-renders those pages again, so it stays correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .content import Source, load_one
from .context import page_context
from .depgraph import context_hash
from .errors import SiteError, SiteErrors
from .feeds import atom_feeds, sitemap
from .images import produce
from .markdown import RenderedMarkdown
from .model import (
    Entry,
    EntryId,
    Site,
    audience_aliases,
    entry_url,
    is_visible,
    list_keys,
    with_sources_replaced,
    with_topic_keys,
)
from .output import Content, write_output
from .pages import RenderState, collapse_repeats, render_body, render_pages
from .plan import PlannedPage, plan_site
from .reach import pages_reached

FAST_KINDS = frozenset({"stories", "towns", "pages"})  # kinds whose body is shown on their own page only


@dataclass
class Session:
    """The state of the last successful full build, kept by the preview server."""

    out_dir: Path
    render_state: RenderState
    planned: list[PlannedPage]
    contexts: dict[str, str]  # output file -> hash of the context its page was last rendered with
    drafts: bool  # the build showed drafts
    media: dict[str, set[str]]  # output file -> the files in output/media/ its page uses
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
    """Re-render the pages that body edits and story front-matter edits reach; None when the change
    needs a full build.

    Raises SiteErrors (and leaves the session and output/ as they were) when a changed file is broken.
    """
    state = session.render_state
    site = state.site
    by_path = {entry.source.path: entry for entry in site.entries.values() if entry.kind in FAST_KINDS}
    bodies: dict[EntryId, Source] = {}  # changed files whose front matter is as it was
    stories: dict[EntryId, Source] = {}  # stories whose front matter changed
    for path in sorted(set(changed)):
        old = by_path.get(_shown(state.root, path))
        if old is None or not path.is_file():
            return None
        loaded = load_one(state.root, path, list(site.config.languages), audience_aliases(site.config))
        source = with_topic_keys(site.config, loaded)
        if (source.meta, source.field_lines) == (old.source.meta, old.source.field_lines):
            bodies[old.id] = source
        elif _story_in_place(session, site, old, source):
            stories[old.id] = source
        else:
            return None
    new_site = with_sources_replaced(site, state.known, [*bodies.values(), *stories.values()])
    same_lists = all(list_keys(site.entries[i].story) == list_keys(new_site.entries[i].story) for i in stories)
    planned = session.planned if same_lists else plan_site(new_site)  # the lists decide the plan
    if {page.output for page in planned} != set(session.contexts):
        return None  # pages come or go
    reached = [planned[i] for i in pages_reached(session.planned, planned, stories)] if stories else []
    edited = bodies.keys() | stories.keys()  # their own pages are rendered whatever their context
    work = []
    for page in reached:
        context = page_context(new_site, page, None)
        if page.entry in edited or context_hash(context) != session.contexts[page.output]:
            work.append((page, context))
    pages = {page.entry: page for page in planned if page.entry}
    work += [(pages[i], page_context(new_site, pages[i], None)) for i in bodies if pages[i] not in reached]
    new_state = replace(state, site=new_site)
    results = render_pages(new_state, work, jobs=1)
    images = produce(state.media, [file for r in results for file in r.media], 1) if state.media else None
    errors = collapse_repeats([*(e for r in results for e in r.errors), *(images.errors if images else [])])
    if errors:
        raise SiteErrors(errors)

    session.render_state, session.planned = new_state, planned
    unused = set()
    for (page, context), result in zip(work, results, strict=True):
        session.contexts[page.output] = context_hash(context)
        if page.entry and result.body is not None:
            session.bodies[page.entry] = result.body
        unused |= session.media.get(page.output, set())
        session.media[page.output] = {file.output for file in result.media}
    files: dict[str, Content] = {result.output: result.html for result in results}
    files.update(atom_feeds(new_site, session.body_of))
    if not same_lists:
        files["sitemap.xml"] = sitemap(new_site, planned)  # it shows the date of each story
    if images:
        files.update(images.files)
    report = write_output(session.out_dir, files, prune=False)
    for name in unused.difference(*session.media.values()):  # a share card of the old title, a photo taken out
        (session.out_dir / name).unlink(missing_ok=True)
    paths = {source.path for source in stories.values()}
    warnings = sorted({*(w for r in results for w in r.warnings), *(w for w in new_site.warnings if w.path in paths)})
    return QuickReport([r.output for r in results], report.written, warnings)


def _story_in_place(session: Session, site: Site, old: Entry, source: Source) -> bool:
    """True when a story's front matter changed but it keeps its URL and stays on the site."""
    return (
        old.kind == "stories"
        and entry_url(site.config, source) == old.url
        and is_visible(source.meta, site.build_date, session.drafts)
    )


def _shown(root: Path, path: Path) -> str:
    """A changed file as the content model names it (relative to the project, with '/')."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return ""
