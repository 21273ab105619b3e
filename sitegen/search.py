"""Full-text search: a Pagefind index of the pages this build is about to publish, one per language.

Pagefind (the `pagefind[extended]` wheel, which ships its binary) reads the HTML pages that carry
`data-pagefind-body` (the <article> of stories, towns and pages; navigation, footers, lists, the 404
and redirect pages and campaigns with `noindex: true` are left out), splits them by <html lang>
and stems Danish and English words.
The theme's `search.html` and `static/search.js` use its JS API; nothing is loaded from another host.

The index is built from this build's pages, never from output/, which still shows the last build:
the pages are mirrored in `.cache/search/pages-*/` (only changed pages are written again), Pagefind
writes its bundle into a temporary folder there, and the finished bundle is renamed to
`.cache/search/<key>/`, where the key is a hash of the indexed pages and the Pagefind version. Its
files go into output/pagefind/ through `output.py` like every other file (as hard links to the cached
files), so a failed build leaves the old index, and an unchanged site reuses the cached bundle without
running Pagefind at all. When the pages were staged, `IndexRun.pages` names the mirror file of each page
rendered now: it holds exactly the page's bytes, so output/ can link to it instead of writing them again.
A mirror file is therefore never written into: a changed page is a new file renamed over the old one.
Pagefind's bundle is the same for the same pages, except for the order of the languages in
`pagefind-entry.json`, which is written sorted here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import SiteError, SiteErrors
from .jsonfile import read_object, write_object
from .output import CachedFile, Content
from .plan import PlannedPage
from .walk import files_below

BUNDLE_FOLDER = "pagefind"  # output/pagefind/: the JS API looks for its files beside pagefind.js
MARKER = b"data-pagefind-body"
NOT_INDEXED = frozenset({"notfound", "redirect", "search"})  # never searched for, whatever they carry
# Pagefind's ready-made UIs are not published: search.js uses the JS API, and the default UI sets inline
# styles, which the CSP forbids.
UNPUBLISHED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
PACKAGE = "pagefind-bin-extended"
INDEX_FORMAT = "1"  # part of the cache key: change it when the options or the tidying below change
CACHED_BUNDLES = 4  # kept in .cache/search/ (output/ and the preview each use one)
TIMEOUT_SECONDS = 600
BACKGROUND_NICENESS = 10  # the preview's indexing gives way to its rebuilds
INSTALL_HINT = "install the pinned packages (./dev setup), or: .venv/bin/pip install 'pagefind[extended]'"


def start_search_index(
    root: Path, out_dir: Path, planned: list[PlannedPage], files: dict[str, Content]
) -> IndexRun | None:
    """Start indexing this build's pages (None: nothing to index). Pagefind runs while the build goes on;
    `IndexRun.finish()` waits for it."""
    cache = root / ".cache" / "search"
    name = hashlib.sha256(out_dir.as_posix().encode()).hexdigest()[:8]
    pages = indexed_pages(out_dir, planned, files, cache / f"page-digests-{name}.json")
    if not pages:
        return None
    bundle = cache / bundle_key(pages)
    if bundle.is_dir():
        os.utime(bundle)  # recently used: kept by _prune
        return IndexRun(cache, bundle)
    mirror = cache / f"pages-{name}"
    staged = stage_pages(mirror, pages)
    return _start_pagefind(cache, bundle, mirror, staged)


def index_folder(site: Path, work: Path) -> IndexRun:
    """Start indexing the pages of a built folder (the preview's) as they are now; `finish()` leaves the
    bundle in a new folder of `work` (`IndexRun.bundle`), complete or not at all. Pagefind runs at a low
    priority, so the preview's rebuilds come first."""
    return _start_pagefind(work, work / f"bundle-{time.time_ns()}", site, {}, background=True)


@dataclass
class IndexRun:
    """A search index under way: the cached bundle, or Pagefind making it in a temporary folder."""

    cache: Path
    bundle: Path
    process: subprocess.Popen[bytes] | None = None
    work: Path | None = None  # the temporary folder: Pagefind's log and its bundle
    started: float = field(default_factory=time.monotonic)
    # output path -> the mirror file holding exactly that page's bytes, for the pages rendered now (none
    # when the cached bundle is used): published instead of the bytes, output/ links to them
    pages: dict[str, CachedFile] = field(default_factory=dict)

    def finish(self) -> dict[str, Content]:
        """Wait for Pagefind; the bundle's files, or SiteErrors naming what Pagefind said."""
        if self.process is not None:
            try:
                self._wait()
            finally:
                self.cancel()  # the process has ended: this removes the temporary folder
        _prune(self.cache, self.bundle)
        return {f"{BUNDLE_FOLDER}/{relative}": path for relative, path in _listing(self.bundle)}

    def cancel(self) -> None:
        """Stop Pagefind if it still runs and remove its temporary folder (the build failed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None

    def _wait(self) -> None:
        assert self.process is not None and self.work is not None
        try:
            code = self.process.wait(timeout=max(1.0, TIMEOUT_SECONDS - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired:
            raise _failure(f"Pagefind did not finish in {TIMEOUT_SECONDS} s") from None
        if code != 0:
            raise _failure((self.work / "pagefind.log").read_text(encoding="utf-8", errors="replace").strip())
        _tidy(self.work / "bundle")
        try:
            os.replace(self.work / "bundle", self.bundle)
        except OSError:  # another build made the same bundle meanwhile
            if not self.bundle.is_dir():
                raise


@dataclass(frozen=True)
class IndexedPage:
    """A page Pagefind indexes: its path in output/, a hash of its HTML, and where the HTML is."""

    path: str
    digest: str
    content: Content  # the HTML rendered now, or the file in output/ that did not change

    def html(self) -> bytes:
        return self.content.read_bytes() if isinstance(self.content, Path) else self.content


def indexed_pages(
    out_dir: Path, planned: list[PlannedPage], files: dict[str, Content], digests_file: Path | None = None
) -> list[IndexedPage]:
    """Every page this build publishes that Pagefind indexes, in path order.

    A page rendered now is in `files`; one that did not change is already in output/, and its hash
    is taken from `digests_file` while its size and modification time are what they were."""
    known = read_object(digests_file) if digests_file else {}  # damaged: every page is read again
    seen: dict[str, list[Any]] = {}
    pages = []
    for page in planned:
        if page.kind in NOT_INDEXED or page.noindex:  # a campaign with noindex: true
            continue
        content = files.get(page.output)
        if content is None or isinstance(content, Path):
            path = content if isinstance(content, Path) else out_dir / page.output
            stat = path.stat()
            hit = known.get(page.output)
            if isinstance(hit, list) and len(hit) == 4 and hit[:2] == [stat.st_size, stat.st_mtime_ns]:
                digest, marked = str(hit[2]), bool(hit[3])
            else:
                data = path.read_bytes()
                digest, marked = hashlib.sha256(data).hexdigest(), MARKER in data
            seen[page.output] = [stat.st_size, stat.st_mtime_ns, digest, marked]
            content = path
        else:
            digest, marked = hashlib.sha256(content).hexdigest(), MARKER in content
        if marked:
            pages.append(IndexedPage(page.output, digest, content))
    if digests_file is not None and seen != known:
        write_object(digests_file, seen)
    return sorted(pages, key=lambda page: page.path)


def bundle_key(pages: Iterable[IndexedPage]) -> str:
    """A hash of everything the bundle is made from: the pages, their paths and the Pagefind version."""
    digest = hashlib.sha256(f"{INDEX_FORMAT}\0{_version()}\0".encode())
    for page in pages:
        digest.update(f"{page.path}\0{page.digest}\n".encode())
    return digest.hexdigest()[:32]


def pagefind_binary() -> Path:
    """The Pagefind binary inside the `pagefind-bin-extended` wheel."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        raise SiteErrors(
            [SiteError("pagefind", 0, "Pagefind (extended) is not installed; the search index needs it", INSTALL_HINT)]
        ) from None


def _version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise SiteErrors(
            [SiteError("pagefind", 0, "Pagefind (extended) is not installed; the search index needs it", INSTALL_HINT)]
        ) from None


def stage_pages(mirror: Path, pages: list[IndexedPage]) -> dict[str, CachedFile]:
    """Make `mirror` hold exactly these pages, writing only those that changed since it was last staged;
    the mirror file of each page given as bytes (rendered now), which holds exactly those bytes.

    Its list of pages (path -> hash) is removed while it changes and written when it is complete, so
    after an interrupted build the mirror is made again from nothing. output/ may link to a mirror file,
    so a changed page is written as a new file and renamed over the old one, never written into."""
    listing = mirror / ".pages.json"
    known = read_object(listing)
    if known:
        listing.unlink()
    else:
        shutil.rmtree(mirror, ignore_errors=True)
    wanted = {page.path: page.digest for page in pages}
    folders: set[Path] = set()
    for page in pages:
        if known.get(page.path) != page.digest:
            target = mirror / page.path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            _write_new(target, page.html(), replace=page.path in known)
    for path in known.keys() - wanted.keys():
        (mirror / path).unlink(missing_ok=True)
    write_object(listing, wanted)
    return {page.path: CachedFile(mirror / page.path) for page in pages if isinstance(page.content, bytes)}


def _write_new(target: Path, data: bytes, replace: bool) -> None:
    """Write `target` as a new file: directly if there is none (else through a temporary file and a rename)."""
    if not replace:
        try:
            with open(target, "xb") as stream:
                stream.write(data)
            return
        except FileExistsError:  # not in the mirror's list, yet there: replaced all the same
            pass
    temporary = target.with_name(target.name + ".new")
    temporary.unlink(missing_ok=True)  # left by a killed build: never written into
    with open(temporary, "xb") as stream:
        stream.write(data)
    os.replace(temporary, target)


def _start_pagefind(
    cache: Path, bundle: Path, site: Path, pages: dict[str, CachedFile], background: bool = False
) -> IndexRun:
    """Start Pagefind on the staged pages (`pages`: those rendered now); its bundle goes to `bundle`
    complete, or not at all."""
    binary = pagefind_binary()
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tmp-", dir=cache))
    # In its own folder, so no pagefind.yml of the project is read; PAGEFIND_* settings are left out too.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")}
    command = [str(binary), "--site", str(site), "--output-path", "bundle", "--quiet"]
    nice = shutil.which("nice") if background else None
    if nice:  # the priority every thread of Pagefind's starts with
        command = [nice, "-n", str(BACKGROUND_NICENESS), *command]
    try:
        with open(work / "pagefind.log", "wb") as log:  # a file, not a pipe: nobody reads while it runs
            process = subprocess.Popen(command, cwd=work, env=environment, stdout=log, stderr=subprocess.STDOUT)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise _failure(str(error)) from None
    return IndexRun(cache, bundle, process, work, pages=pages)


def _tidy(bundle: Path) -> None:
    """Leave out the files the site does not use, and make the bundle the same for the same pages."""
    for path in bundle.iterdir():
        if path.is_file() and path.name.startswith(UNPUBLISHED):
            path.unlink()
    shutil.rmtree(bundle / "playground", ignore_errors=True)
    entry = bundle / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))  # its languages come in any order
    entry.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _listing(bundle: Path) -> list[tuple[str, CachedFile]]:
    """(path inside the bundle, file) of every file of a bundle, sorted."""
    return [(relative, CachedFile(entry.path)) for relative, entry in files_below(bundle)]


def _prune(cache: Path, current: Path) -> None:
    """Keep the most recently used bundles; remove temporary folders of builds that were killed."""
    now = time.time()
    bundles = []
    for path in cache.iterdir():
        if path.name.startswith("tmp-"):
            if now - path.stat().st_mtime > TIMEOUT_SECONDS:  # not a build running right now
                shutil.rmtree(path, ignore_errors=True)
        elif path.is_dir() and path != current and not path.name.startswith("pages-"):  # not a mirror
            bundles.append((path.stat().st_mtime, path))
    for _, path in sorted(bundles, reverse=True)[CACHED_BUNDLES - 1 :]:
        with contextlib.suppress(OSError):
            shutil.rmtree(path)


def _failure(detail: str) -> SiteErrors:
    lines = detail.splitlines()[-12:] or ["(no output)"]
    return SiteErrors(
        [
            SiteError(
                "pagefind",
                0,
                "indexing the pages for search failed: " + " / ".join(lines),
                "the site was not written; fix what Pagefind names, or tell the developers",
            )
        ]
    )
