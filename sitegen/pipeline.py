"""`build()`: the one function that knows the order of the stages."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import load_config
from .content import LoadedContent, load_sources
from .context import page_context
from .datafiles import data_fingerprint
from .depgraph import (
    BuildState,
    OutputRecord,
    context_hash,
    file_stats,
    generator_fingerprint,
    hash_text,
    is_fresh,
    load_state,
    page_fingerprint,
    record_for,
    save_state,
    template_closures,
    unchanged_files,
)
from .errors import FixableError, FixableWarning, SiteError, SiteErrors
from .feeds import machine_outputs
from .headers import headers_file
from .images import Media, produce, prune_cache
from .manifest import clear_build_marker, write_build_marker
from .markdown import RenderedMarkdown
from .model import Entry, EntryId, Site, assemble_site, audience_aliases
from .options import BuildOptions, build_date
from .output import Content, recover, write_output
from .pages import PageResult, RenderState, collapse_repeats, render_pages, resolve_link
from .parallel import collection_paused
from .plan import PlannedPage, plan_site
from .quick import Session
from .render import check_templates, load_theme, make_environment
from .search import IndexRun, start_search_index
from .text import slugify
from .unchanged import check as check_unchanged
from .unchanged import extra_stats, forget, save_record
from .walk import files_below

if TYPE_CHECKING:  # the checks run only with --check or --strict
    from .checks import Finding


@dataclass
class BuildReport:
    pages: int
    files: int
    rendered: list[str]
    written: list[str]
    deleted: list[str]
    warnings: list[SiteError]
    seconds: float
    findings: list[Finding] = field(default_factory=list)
    image_seconds: float = 0.0  # making image derivatives and share cards
    search_seconds: float = 0.0  # the search index (Pagefind)
    session: Session | None = field(default=None, repr=False, compare=False)  # for the preview's fast path
    unchanged: bool = False  # nothing changed since the last build: its result was kept (unchanged.py)


def build(
    options: BuildOptions,
    progress: Callable[[str], None] | None = None,
    checked: tuple[dict[str, Any] | None, str] | None = None,
) -> BuildReport:
    """Load, validate, model, plan, render what is stale, then write; nothing is written unless all succeeded.

    `checked`: what `unchanged.check` said just before, when the caller asked it (the command line does)."""
    with collection_paused():
        return _build(options, progress, checked)


def _build(
    options: BuildOptions,
    progress: Callable[[str], None] | None,
    checked: tuple[dict[str, Any] | None, str] | None,
) -> BuildReport:
    started = time.perf_counter()
    root = options.root.resolve()
    out_dir = options.out_dir
    # the inputs are hashed before anything is read, so an edit made while building is seen next time
    last, inputs = checked or check_unchanged(options)
    if last is not None:
        return unchanged_report(last, started)
    forget(options)
    clear_build_marker(root, out_dir)  # until this build succeeds, output/ is not deployable
    recover(out_dir)  # finish a commit an earlier build was interrupted in
    config = load_config(root)
    if options.base_url:
        config = config.model_copy(update={"base_url": options.base_url})
    generator = generator_fingerprint()
    cache = root / ".cache" / "sources"
    (root / ".cache" / "sources.pickle").unlink(missing_ok=True)  # the cache's form before it was sharded
    content = load_sources(root, list(config.languages), cache, generator, audience_aliases(config))
    site = assemble_site(config, content, options.build_date or build_date(), options.drafts)
    theme = load_theme(root, config, options.fingerprint)
    env = make_environment(theme, config, root / ".cache" / "jinja")
    check_templates(env, theme)
    planned = plan_site(site)

    state_file = _state_file(root, out_dir)
    salt = hash_text(
        generator,
        config.model_dump_json(exclude={"deploy"}),  # where the site goes does not change its pages
        json.dumps(theme.strings, sort_keys=True),
        json.dumps(theme.assets, sort_keys=True),
    )
    previous = load_state(state_file, salt)
    model = model_digest(salt, site, content)
    contexts, context_digests = _contexts(site, planned, previous if previous and previous.model == model else None)
    closures = template_closures(env, root / ".cache" / "jinja" / "references.json")
    fingerprints = [
        page_fingerprint(salt, closures.get(page.template, ""), digest, _source_text(site, page, root))
        for page, digest in zip(planned, context_digests, strict=True)
    ]
    stale = _stale_pages(site, content.found, planned, fingerprints, previous, out_dir, root)
    if progress:
        progress(f"rendering {len(stale)} of {len(planned)} pages")
    media = Media(root, config, theme.directory)
    render_state = RenderState(root, site, theme, env, content.found, media)
    work = [(planned[i], contexts[i] or page_context(site, planned[i], None)) for i in stale]
    results = render_pages(render_state, work, options.jobs)
    rendered = {planned[i].output: result for i, result in zip(stale, results, strict=True)}
    previous_index = _files_under(out_dir, "pagefind") if not options.search_index else set()
    # Pagefind indexes the pages while the share cards and photos are made: its pages are staged and
    # it is started as soon as the image processes are at work
    runs: list[IndexRun] = []
    start_index = None
    if not previous_index and not any(result.errors for result in results):
        if progress:
            progress("indexing for search, making images")
        html: dict[str, Content] = {output: result.html for output, result in rendered.items()}
        start_index = partial(_start_index, runs, root, out_dir, planned, html)
    search_started = time.perf_counter()
    indexing: IndexRun | None = None
    try:
        wanted = [file for r in results for file in r.media]
        images = produce(media, wanted, options.jobs, meanwhile=start_index)  # in .cache/
        indexing = runs[0] if runs else None
        search_files = indexing.finish() if indexing and not images.errors else {}
    finally:
        for run in runs:
            run.cancel()  # stops Pagefind if the images failed; else only tidies up
    search_seconds = time.perf_counter() - search_started if indexing else 0.0

    errors = collapse_repeats([*(e for r in results for e in r.errors), *images.errors])
    fresh_records = {
        page.output: previous.outputs[page.output] for page in planned if previous and page.output not in rendered
    }
    warnings = sorted(
        {
            *site.warnings,
            *(w for r in results for w in r.warnings),
            *(w for r in fresh_records.values() for w in r.warnings),
        }
    )
    if options.strict:
        errors += warnings
    if errors:
        raise SiteErrors(errors)

    files: dict[str, Content] = {output: result.html for output, result in rendered.items()}
    if indexing:
        files.update(indexing.pages)  # the same bytes, in the search mirror in .cache/: output/ links to them
    digests = {page.output: digest for page, digest in zip(planned, context_digests, strict=True)}
    media_of = {output: {image[1] for image in record.images} for output, record in fresh_records.items()}
    media_of |= {result.output: {file.output for file in result.media} for result in results}
    session = Session(out_dir, render_state, planned, digests, options.drafts, media_of)
    for index, result in zip(stale, results, strict=True):
        entry_id = planned[index].entry
        if entry_id and result.body:
            session.bodies[entry_id] = result.body
    body_of = session.body_of
    machine = _unchanged_machine_outputs(previous, model, planned, stale, out_dir)
    if not machine:
        machine_files = machine_outputs(site, planned, body_of)
        files.update(machine_files)
        machine = set(machine_files)
    files.update(theme.files)
    files["_headers"] = headers_file(config.base_path)
    files.update(images.files)
    kept = set(fresh_records) | {image[1] for record in fresh_records.values() for image in record.images}
    kept |= machine - set(files)
    kept |= previous_index  # the preview keeps its first index: re-indexing every save would cost seconds
    files.update(search_files)  # the index of the pages about to be written
    findings: list[Finding] = []
    if options.check or options.strict:
        if progress:
            progress("checking links, anchors, images and translations")
        findings = _check(site, options, root, (out_dir, files, kept), body_of)
    if progress:
        progress(f"writing {len(files)} files")
    report = write_output(out_dir, files, kept)
    if images.made:  # files made now may stand in for older ones
        prune_cache(media)

    records = dict(fresh_records)
    for index, result in zip(stale, results, strict=True):
        record = _record(planned[index], result, fingerprints[index], context_digests[index], out_dir, root)
        if record:
            records[planned[index].output] = record
    state = BuildState(salt, records, model, file_stats(out_dir, machine))
    if (
        rendered
        or previous is None
        or (records, model, state.machine) != (previous.outputs, previous.model, previous.machine)
    ):
        save_state(state_file, state)
    redirects = {page.output.removesuffix("/index.html"): page.target for page in planned if page.kind == "redirect"}
    write_build_marker(root, out_dir, options, config.base_url, redirects)  # `deploy` checks it
    files_count = len(files) + len(kept)
    if inputs and not findings:  # the last step: the next build with nothing changed can keep this result
        read = (source for record in records.values() for source, *_ in record.images)
        summary = {"pages": len(planned), "files": files_count, "warnings": [asdict(w) for w in warnings]}
        save_record(options, inputs, extra_stats(options, read), summary, report.stats)
    return BuildReport(
        len(planned),
        files_count,
        sorted(rendered),
        report.written,
        report.deleted,
        warnings,
        time.perf_counter() - started,
        findings,
        images.seconds,
        search_seconds,
        session,
    )


def _start_index(
    runs: list[IndexRun], root: Path, out_dir: Path, planned: list[PlannedPage], html: dict[str, Content]
) -> None:
    """Start the search index (kept in `runs`, so it is stopped if anything fails)."""
    run = start_search_index(root, out_dir, planned, html)
    if run:
        runs.append(run)


def _stale_pages(
    site: Site,
    known: frozenset[EntryId],
    planned: list[PlannedPage],
    fingerprints: list[str],
    previous: BuildState | None,
    out_dir: Path,
    root: Path,
) -> list[int]:
    """Indexes of the pages whose output is not exactly what this build would write."""
    return [
        index
        for index, page in enumerate(planned)
        if not is_fresh(
            previous.outputs.get(page.output) if previous else None,
            fingerprints[index],
            out_dir,
            page.output,
            root,
            partial(_links_hold, site, known, page),
        )
    ]


def _check(
    site: Site,
    options: BuildOptions,
    root: Path,
    outputs: tuple[Path, dict[str, Content], set[str]],
    body_of: Callable[[Entry], RenderedMarkdown | None],
) -> list[Finding]:
    """The checks' findings; with --strict any finding stops the build before anything is written.

    `outputs`: the output folder, the files about to be written and the files kept as they are."""
    from .checks import OutputIndex, check_external, check_site

    index = OutputIndex(outputs[0], site.config.base_url, outputs[1], outputs[2])
    external = None
    if options.external_links:
        cache = root / ".cache" / "external-links.json"
        external = partial(check_external, cache_file=cache)
    findings = check_site(site, index, body_of, external)
    if options.strict and findings:
        raise SiteErrors([finding.problem for finding in findings])
    return findings


def _record(
    page: PlannedPage, result: PageResult, fingerprint: str, context_digest: str, out_dir: Path, root: Path
) -> OutputRecord | None:
    """What a freshly rendered page was made from, for the next build's staleness check."""
    links = result.body.resolved if result.body else ()
    images = list(result.images)
    return record_for(fingerprint, context_digest, out_dir, page.output, root, images, links, result.warnings)


def unchanged_report(last: dict[str, Any], started: float) -> BuildReport:
    """The report of a build that found nothing changed since the last one (see unchanged.py)."""
    warnings = [SiteError(**warning) for warning in last["warnings"]]
    return BuildReport(
        last["pages"], last["files"], [], [], [], warnings, time.perf_counter() - started, unchanged=True
    )


def _unchanged_machine_outputs(
    previous: BuildState | None, model: str, planned: list[PlannedPage], stale: list[int], out_dir: Path
) -> set[str]:
    """The feeds, sitemap and robots.txt of the last build when they cannot have changed (else empty):
    they are made from the site model and the bodies of content pages, and a changed body makes its
    page stale."""
    if previous is None or previous.model != model or any(planned[i].entry for i in stale):
        return set()
    unchanged = previous.machine and unchanged_files(out_dir, previous.machine)
    return {name for name, _size, _mtime in previous.machine} if unchanged else set()


def _contexts(
    site: Site, planned: list[PlannedPage], previous: BuildState | None
) -> tuple[list[dict[str, Any] | None], list[str]]:
    """Each page's context and its hash. With the state of a build of the same site model (`previous`),
    a page it recorded keeps its context hash, and its context is made only if the page is rendered."""
    contexts: list[dict[str, Any] | None] = []
    digests = []
    for page in planned:
        record = previous.outputs.get(page.output) if previous else None
        if record and record.context:
            contexts.append(None)
            digests.append(record.context)
        else:
            context = page_context(site, page, None)
            contexts.append(context)
            digests.append(context_hash(context))
    return contexts, digests


def model_digest(salt: str, site: Site, content: LoadedContent) -> str:
    """A hash of everything page contexts are made from: the generator, config and theme (`salt`), the
    build date and options, every content file that exists, and the front matter of each (not the bodies,
    which a context never holds)."""
    parts = [salt, site.build_date.isoformat(), *sorted("\t".join(identity) for identity in content.found)]
    parts.extend(f"{source.path}\t{source.front_hash}" for source in content.sources)
    parts.extend(f"{'/'.join(entry_id)}\t{entry.url}" for entry_id, entry in site.entries.items())
    return hash_text("\n".join(parts))


def _links_hold(site: Site, known: frozenset[EntryId], page: PlannedPage, links: tuple[tuple[str, str], ...]) -> bool:
    """True when each .md link of a page's body still leads where it led when the page was rendered."""
    if not page.entry:
        return True
    source = site.entries[page.entry].source
    for written, url in links:
        try:
            now = resolve_link(site, known, source.path, page.lang, written)
        except FixableWarning:
            now = ""  # shown as plain text: the linked page is not published
        except FixableError:
            return False
        if now != url:
            return False
    return True


def _files_under(out_dir: Path, folder: str) -> set[str]:
    """The files of one folder of the output, as output paths."""
    return {path for path, _entry in files_below(out_dir / folder, f"{folder}/")}


def _state_file(root: Path, out_dir: Path) -> Path:
    """One state file per output folder, in .cache/ (kept between CI runs, never published)."""
    try:
        name = out_dir.relative_to(root).as_posix()
    except ValueError:
        name = out_dir.as_posix()
    return root / ".cache" / "state" / f"{slugify(name) or 'output'}-{hash_text(name)[:8]}.json"


def _source_text(site: Site, page: PlannedPage, root: Path | None = None) -> str:
    """A content page's own text: its front matter as written, its Markdown body and (with `root`) its data files."""
    if not page.entry:
        return ""
    source = site.entries[page.entry].source
    data = data_fingerprint(root, source.body) if root else ""
    return f"{source.front_hash}\n{source.body_line}\n{source.body}{data}"
