"""What a deploy compares, without the network: the build marker, the manifest of output/, the plan.

- The build marker (`.cache/last-build.json`) is removed when a build starts and written when it ends
  successfully, so a failed or interrupted build leaves none. It records how output/ was built
  (strict, drafts, base URL) and a hash of its file list; a deploy refuses anything else.
- The manifest: for every file to publish, its sha256, size, Content-Type, Cache-Control, redirect and
  metadata (the security headers of `headers.header_rules` on HTML). The bucket keeps the manifest
  of its last deploy beside the site, so a deploy compares content hashes, never timestamps.
- The plan: what to upload (and why) in a safe order, and what to delete.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import mimetypes
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .errors import SiteError, SiteErrors
from .headers import REVALIDATE, header_rules
from .output import TEMP_SUFFIX, journal_path
from .walk import files_below

if TYPE_CHECKING:
    from .options import BuildOptions

MARKER_VERSION = 1
MANIFEST_VERSION = 1
MANIFEST_NAME = ".sitegen-manifest.json"  # beside the site in the bucket: <prefix>.sitegen-manifest.json
# Header rules for CDNs that read such a file; S3 would serve it as a file, CloudFront uses a policy instead.
NOT_PUBLISHED = frozenset({"_headers"})
MAX_INVALIDATION_PATHS = 1000  # more changed pages than this: invalidate everything under the base path
GROUPS = ("assets", "pages", "feeds")  # upload order: fingerprinted files first, then what links to them
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}
_ATOM = "application/atom+xml; charset=utf-8"


# -- the build marker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildMarker:
    """How the files in output/ were built, written at the end of a successful build."""

    strict: bool
    drafts: bool
    fingerprint: bool
    base_url: str
    files: int
    listing: str  # sha256 of the sorted "path<TAB>size" lines of output/
    finished: str
    version: int = MARKER_VERSION
    redirects: dict[str, str] = field(default_factory=dict)  # redirect pages (config.yaml and short_url) -> target


def marker_path(root: Path, out_dir: Path) -> Path:
    """`.cache/last-build.json` for output/; other output folders (the preview) get their own."""
    if out_dir.resolve() == (root / "output").resolve():
        return root / ".cache" / "last-build.json"
    digest = hashlib.sha256(out_dir.resolve().as_posix().encode()).hexdigest()[:8]
    return root / ".cache" / f"last-build-{digest}.json"


def clear_build_marker(root: Path, out_dir: Path) -> None:
    """Called when a build starts: until it succeeds, output/ is not known to be deployable."""
    marker_path(root, out_dir).unlink(missing_ok=True)


def write_build_marker(
    root: Path, out_dir: Path, options: BuildOptions, base_url: str, redirects: dict[str, str] | None = None
) -> None:
    """Called as the last step of a successful build; `redirects` (path -> target) lets deploy set them at the host.
    Only a --strict build may be deployed, so only its marker lists the output (a walk over every file)."""
    count, digest = listing(out_dir) if options.strict else (0, "")
    marker = BuildMarker(
        options.strict,
        options.drafts,
        options.fingerprint,
        base_url,
        count,
        digest,
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        redirects=dict(sorted((redirects or {}).items())),
    )
    path = marker_path(root, out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(asdict(marker), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def read_build_marker(root: Path, out_dir: Path) -> BuildMarker | None:
    try:
        data = json.loads(marker_path(root, out_dir).read_text(encoding="utf-8"))
        marker = BuildMarker(**data)
    except (OSError, ValueError, TypeError):
        return None
    return marker if marker.version == MARKER_VERSION else None


def listing(out_dir: Path) -> tuple[int, str]:
    """The number of files in `out_dir` and a hash of their paths and sizes."""
    lines = [f"{path}\t{size}\n" for path, size in _files(out_dir)]
    return len(lines), hashlib.sha256("".join(lines).encode()).hexdigest()


def verify_build(root: Path, out_dir: Path, base_url: str) -> BuildMarker:
    """The marker of output/, or refusal: a failed, non-strict, draft or since-changed build is not deployed."""
    rebuild = "build it with ./dev build --strict, then deploy"
    marker = read_build_marker(root, out_dir)

    def refuse(message: str, hint: str = rebuild) -> SiteErrors:
        return SiteErrors([SiteError("output/", 0, message, hint)])

    if journal_path(out_dir).exists():
        raise refuse("a build was interrupted while writing output/")
    if marker is None:
        raise refuse("there is no record of a successful build (the last build failed, or none has run)")
    if not marker.strict:
        raise refuse("output/ was built without --strict, so warnings were not checked")
    if marker.drafts or not marker.fingerprint:
        raise refuse("output/ is a preview build (drafts or unfingerprinted files)")
    if marker.base_url != base_url:
        raise refuse(f"output/ was built for {marker.base_url}, but config.yaml says {base_url}")
    count, digest = listing(out_dir)
    if (count, digest) != (marker.files, marker.listing):
        raise refuse(f"output/ has changed since it was built ({count} files now, {marker.files} then)")
    return marker


def _files(out_dir: Path) -> list[tuple[str, int]]:
    """(path, size) of every file below `out_dir`, sorted."""
    return [(path, entry.stat(follow_symlinks=False).st_size) for path, entry in files_below(out_dir)]


# -- the manifest ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    """One published file, as built or as the bucket has it."""

    path: str
    sha256: str
    size: int
    content_type: str
    cache_control: str
    redirect: str = ""  # WebsiteRedirectLocation of a redirect page
    metadata: tuple[tuple[str, str], ...] = ()  # x-amz-meta-* besides sha256, lowercase names
    etag: str = field(default="", compare=False)  # as the bucket reported it; only for remote entries

    def headers(self) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
        return self.content_type, self.cache_control, self.redirect, self.metadata


def content_type(path: str, head: bytes = b"") -> str:
    """Content-Type with a charset for text; Atom feeds are told apart from the sitemap by their root."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".xml" and b"<feed" in head[:1024]:
        return _ATOM
    known = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    if known.startswith("text/") and "charset" not in known:
        known += "; charset=utf-8"
    return known


def object_headers(path: str, base_path: str, mime: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Cache-Control and metadata from the CDN header rules; later rules win, as in a `_headers` file.
    The security headers ride along on HTML only: a change of policy then never re-uploads every photo."""
    url = base_path + path
    headers: dict[str, str] = {}
    for pattern, values in header_rules(base_path):
        if fnmatch.fnmatchcase(url, pattern):
            headers.update(values)
    cache_control = headers.pop("Cache-Control", REVALIDATE)
    metadata = tuple(sorted((name.lower(), value) for name, value in headers.items()))
    return cache_control, metadata if mime.startswith("text/html") else ()


def group_of(path: str) -> int:
    """0: fingerprinted assets, images and search index files; 1: pages (and anything else, such as the
    search's entry file, which names the index files); 2: feeds, calendars, sitemap, robots.txt."""
    if path.startswith(("static/", "media/")) or (path.startswith("pagefind/") and not path.endswith("-entry.json")):
        return 0
    if path.endswith((".xml", ".ics")) or path == "robots.txt":
        return 2
    return 1


def local_manifest(out_dir: Path, base_path: str, redirects: dict[str, str], jobs: int = 8) -> dict[str, FileEntry]:
    """Every file of output/ to publish, hashed (in threads: hashlib lets go of the GIL)."""
    locations = {f"{path.strip('/')}/index.html": target for path, target in redirects.items()}
    paths = [path for path, _ in _files(out_dir) if path not in NOT_PUBLISHED and not path.endswith(TEMP_SUFFIX)]

    def entry(path: str) -> FileEntry:
        with open(out_dir / path, "rb") as stream:
            head = stream.read(1024)
            stream.seek(0)
            digest = hashlib.file_digest(stream, "sha256").hexdigest()
        mime = content_type(path, head)
        cache_control, metadata = object_headers(path, base_path, mime)
        location = locations.get(path, "")
        if not location.startswith(("/", "http://", "https://")):
            location = ""  # S3 accepts only these; the page's meta refresh still works
        return FileEntry(path, digest, (out_dir / path).stat().st_size, mime, cache_control, location, metadata)

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return {item.path: item for item in pool.map(entry, paths)}


def manifest_document(entries: Iterable[FileEntry], marker: BuildMarker | None) -> bytes:
    """The manifest as stored in the bucket; repeated metadata (the security headers) is stored once."""
    sets: dict[str, dict[str, str]] = {}
    files: dict[str, dict[str, object]] = {}
    for item in sorted(entries, key=lambda e: e.path):
        key = ""
        if item.metadata:
            key = hashlib.sha256(json.dumps(item.metadata).encode()).hexdigest()[:12]
            sets[key] = dict(item.metadata)
        files[item.path] = {
            "sha256": item.sha256,
            "size": item.size,
            "content_type": item.content_type,
            "cache_control": item.cache_control,
            "redirect": item.redirect,
            "metadata": key,
            "etag": item.etag,
        }
    document = {
        "version": MANIFEST_VERSION,
        "generator": "sitegen",
        "build": asdict(marker) if marker else None,
        "metadata": sets,
        "files": files,
    }
    return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode()


def parse_manifest(data: bytes) -> dict[str, FileEntry] | None:
    """The files of a stored manifest; None for anything unreadable (then the bucket is asked per object)."""
    try:
        document = json.loads(data)
        if document.get("version") != MANIFEST_VERSION:
            return None
        sets = document["metadata"]
        return {
            path: FileEntry(
                path,
                str(item["sha256"]),
                int(item["size"]),
                str(item["content_type"]),
                str(item["cache_control"]),
                str(item["redirect"]),
                tuple(sorted(sets[item["metadata"]].items())) if item["metadata"] else (),
                str(item["etag"]),
            )
            for path, item in document["files"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


# -- the plan -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    path: str
    reason: str  # new, changed, metadata changed, not in the build


@dataclass
class Plan:
    uploads: list[list[Action]]  # one list per group of GROUPS, uploaded in that order
    deletes: list[Action]
    unchanged: int
    upload_bytes: int

    def all_uploads(self) -> list[Action]:
        return [action for group in self.uploads for action in group]


def plan_deploy(local: dict[str, FileEntry], remote: dict[str, FileEntry]) -> Plan:
    """Compare by content hash and headers; never by time."""
    uploads: list[list[Action]] = [[] for _ in GROUPS]
    unchanged = size = 0
    for path, item in sorted(local.items()):
        there = remote.get(path)
        if there is None:
            reason = "new"
        elif (there.sha256, there.size) != (item.sha256, item.size):
            reason = "changed"
        elif there.headers() != item.headers():
            reason = "metadata changed"
        else:
            unchanged += 1
            continue
        uploads[group_of(path)].append(Action(path, reason))
        size += item.size
    deletes = [Action(path, "not in the build") for path in sorted(set(remote) - set(local))]
    return Plan(uploads, deletes, unchanged, size)


def same_files(stored: bytes, document: bytes) -> bool:
    """Two manifests list the same files with the same headers (when they were built does not matter)."""
    try:
        old, new = json.loads(stored), json.loads(document)
    except ValueError:
        return False
    return bool(old.get("files") == new["files"] and old.get("metadata") == new["metadata"])


def invalidation_paths(paths: list[str], base_path: str) -> list[str]:
    """CDN paths of changed pages: the file and, for index.html, its folder; everything when too many."""
    urls: set[str] = set()
    for path in paths:
        urls.add(quote(base_path + path))
        if path == "index.html" or path.endswith("/index.html"):
            urls.add(quote(base_path + path[: -len("index.html")]))
    return sorted(urls) if len(urls) <= MAX_INVALIDATION_PATHS else [base_path + "*"]


def describe_plan(plan: Plan) -> list[str]:
    """The plan as lines to print: every upload and delete with its reason."""
    lines: list[str] = []
    for name, group in zip(GROUPS, plan.uploads, strict=True):
        lines.extend(f"  upload  {action.path}  ({action.reason}; {name})" for action in group)
    lines.extend(f"  delete  {action.path}  ({action.reason})" for action in plan.deletes)
    uploads = len(plan.all_uploads())
    lines.append(
        f"Plan: {uploads} upload{'s' if uploads != 1 else ''} ({_size(plan.upload_bytes)}), "
        f"{len(plan.deletes)} delete{'s' if len(plan.deletes) != 1 else ''}, {plan.unchanged} unchanged"
    )
    return lines


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} bytes"
    return f"{count / 1000:.1f} kB" if count < 1_000_000 else f"{count / 1_000_000:.1f} MB"
