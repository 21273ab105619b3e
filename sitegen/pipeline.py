"""`build()`: the one function that knows the order of the stages."""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from .config import load_config
from .content import load_sources
from .context import page_context
from .errors import FixableError, SiteError, SiteErrors, did_you_mean
from .feeds import machine_outputs
from .images import ImageResolver
from .markdown import RenderedMarkdown, render_markdown
from .model import EntryId, Site, assemble_site
from .output import Content, WriteReport, write_output
from .parallel import default_jobs, parallel_map, shared_state, state
from .plan import PlannedPage, plan_site
from .render import Theme, check_templates, load_theme, make_environment, render_page
from .text import slugify


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    drafts: bool = False
    strict: bool = False
    jobs: int = field(default_factory=default_jobs)
    build_date: dt.date | None = None
    output: Path | None = None  # default: root / "output"
    base_url: str | None = None  # overrides config.yaml, e.g. for the preview server


@dataclass
class BuildReport:
    pages: int
    files: int
    written: list[str]
    deleted: list[str]
    warnings: list[SiteError]
    seconds: float


@dataclass(frozen=True)
class _BuildState:
    """What every render needs, shared read-only with the worker processes."""

    root: Path
    site: Site
    theme: Theme
    env: jinja2.Environment
    known: frozenset[EntryId]  # every content file, visible or not


@dataclass(frozen=True)
class _PageResult:
    output: str
    html: bytes
    body: RenderedMarkdown | None
    errors: tuple[SiteError, ...]
    warnings: tuple[SiteError, ...]
    images: tuple[tuple[str, str], ...]  # (path in output/, source file relative to root)


def build(options: BuildOptions, progress: Callable[[str], None] | None = None) -> BuildReport:
    """Load, validate, model, plan, render, then write; nothing is written unless everything succeeded."""
    started = time.perf_counter()
    root = options.root.resolve()
    config = load_config(root)
    if options.base_url:
        config = config.model_copy(update={"base_url": options.base_url})
    content = load_sources(root, list(config.languages))
    site = assemble_site(config, content, options.build_date or build_date(), options.drafts)
    theme = load_theme(root, config)
    env = make_environment(theme, config)
    check_templates(env, theme)
    planned = plan_site(site)
    if progress:
        progress(f"rendering {len(planned)} pages")
    shared = _BuildState(root, site, theme, env, content.found)
    with shared_state(shared):
        results = parallel_map(_render_one, planned, options.jobs)
    errors = _collapse_repeats([e for r in results for e in r.errors])
    warnings = sorted({*site.warnings, *(w for r in results for w in r.warnings)})
    if options.strict:
        errors += warnings
    if errors:
        raise SiteErrors(errors)
    bodies = {page.entry: r.body for page, r in zip(planned, results, strict=True) if page.entry and r.body}
    files: dict[str, Content] = {r.output: r.html for r in results}
    files.update(machine_outputs(site, planned, bodies))
    files.update(theme.files)
    files.update({output: root / source for r in results for output, source in r.images})
    if progress:
        progress(f"writing {len(files)} files")
    report: WriteReport = write_output(options.output or root / "output", files)
    return BuildReport(
        len(planned), len(files), report.written, report.deleted, warnings, time.perf_counter() - started
    )


def _collapse_repeats(errors: list[SiteError]) -> list[SiteError]:
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


def build_date() -> dt.date:
    """Today in Denmark, or the day of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    except (ImportError, KeyError, OSError):
        return dt.datetime.now(dt.UTC).date()


def _render_one(page: PlannedPage) -> _PageResult:
    """Markdown (for content pages) and template of one page; runs in a worker."""
    shared: _BuildState = state()
    site = shared.site
    body = None
    images: dict[str, Path] = {}
    source_path = f"the {page.kind} page ({page.url})"
    if page.entry:
        entry = site.entries[page.entry]
        source = entry.source
        source_path = source.path
        resolver = ImageResolver(shared.root, source.path, site.config.base_path)
        body = render_markdown(
            source.body,
            path=source.path,
            first_line=source.body_line,
            resolve_link=lambda href: resolve_link(site, shared.known, source.path, page.lang, href),
            resolve_image=resolver,
        )
        images = resolver.published
        if body.errors:
            return _PageResult(page.output, b"", body, body.errors, body.warnings, ())
    try:
        html = render_page(shared.env, page.template, page_context(site, page, body), source_path, shared.theme)
    except SiteErrors as exc:
        return _PageResult(page.output, b"", body, tuple(exc.errors), (), ())
    published = tuple((out, src.relative_to(shared.root).as_posix()) for out, src in sorted(images.items()))
    return _PageResult(page.output, html.encode("utf-8"), body, (), body.warnings if body else (), published)


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
        raise FixableError(f"the link '{href}' goes to a draft or an unpublished page", "publish it first")
    keys = sorted({k for (kd, k, _l) in known if kd == kind})
    hint = did_you_mean(key, keys) or f"check the file name in content/{kind}/"
    raise FixableError(f"the link '{href}' goes to a file that does not exist", hint)
