"""Images: the image step's planning, from an image reference in content to `<picture>` HTML.

Two halves, on either side of rendering:

- While a page renders (in the page workers), `ImageResolver` turns each image a content file uses
  into HTML: a `<picture>` with AVIF and WebP sources and a JPEG (or, with transparency, PNG)
  fallback, at the configured widths. File names carry a hash of the source bytes and of how the
  file is made. The facts this needs (hash, pixel size, orientation, transparency) come from a
  manifest keyed by the source's size and modification time, so an unchanged image is never opened.
  Every file the HTML points to comes back as a `MediaFile`: its place in output/ and its recipe.
  `Media.card()` names a page's share card the same way (`pagemedia.py` decides its text).
- After rendering, `produce()` hands the recipes not yet in `.cache/images/` to `imaging.make_all`
  (each source decoded once, in a process pool) and returns output path -> cached file, for
  `output.write_output`, which links it into output/ (a file published as it is from content/, an
  SVG, stays a plain `Path` and is copied). A file that cannot be decoded is an error at every
  content line that uses it.

Opening, converting and encoding the files is `imaging.py`'s work; a page's lead image and share
card, as its template sees them, are `pagemedia.py`'s.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from markupsafe import escape
from PIL import features

from .config import Config
from .errors import FixableError, SiteError, closest
from .imaging import (
    CACHE_DIR,
    CARD_QUALITY,
    ENCODERS,
    MAX_PIXELS,
    PIPELINE_VERSION,
    Card,
    ImageProblem,
    Resize,
    SourceInfo,
    Task,
    make_all,
    probe,
    read_manifest,
    write_manifest,
)
from .markdown import RenderedMarkdown
from .model import Entry
from .output import CachedFile
from .sharecards import DESIGN_VERSION, CardText
from .text import slugify

MEDIA_DIR = "media"
FONT = "fonts/DejaVuSans-Bold.ttf"  # in the theme folder, for share cards
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".svg"}
REFUSED_TYPES = {".gif": "GIF", ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIC", ".heif": "HEIF", ".bmp": "BMP"}


@dataclass(frozen=True)
class Copy:
    """A file published as it is (SVG)."""

    source: str


@dataclass(frozen=True, order=True)
class Use:
    """Where content uses an image: the file, the line and the reference as written."""

    path: str
    line: int
    reference: str


@dataclass(frozen=True)
class MediaFile:
    """One file in output/media/ that a page needs, and how to make it."""

    output: str  # path in output/
    cache: str  # file name in .cache/images/ ("" for a copy)
    recipe: Resize | Card | Copy
    inputs: tuple[tuple[str, SourceInfo], ...]  # the files it is made from, relative to the project
    uses: tuple[Use, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The files it is made from, relative to the project."""
        return tuple(path for path, _ in self.inputs)


def describe(problem: ImageProblem, reference: str) -> tuple[str, str]:
    """(message, hint) for an editor."""
    kind, detail = problem.kind, problem.detail
    if kind == "not-an-image":
        return f"'{reference}' is not an image file", "export the photo again as .jpg (photos) or .png (graphics)"
    if kind == "unsupported":
        return f"'{reference}' is a {detail} image, which the site cannot show", "save it as JPEG (photos) or PNG"
    if kind == "too-large":
        return (
            f"'{reference}' is too large: more than {MAX_PIXELS // 1_000_000} megapixels",
            "scale it down before adding it; 6000 pixels wide is plenty",
        )
    if kind == "truncated":
        return f"'{reference}' is cut off: the file is incomplete", "copy or export the photo again"
    if kind == "failed":
        return f"'{reference}' could not be converted ({detail})", "tell the developers"
    return f"'{reference}' is damaged and cannot be read as an image", "copy or export the photo again"


class Media:
    """The image step's settings and source facts; shared read-only (through fork) with the page workers."""

    def __init__(self, root: Path, config: Config, theme_directory: Path) -> None:
        self.root = root
        self.config = config
        self.settings = config.images
        self.cache = root / CACHE_DIR
        self.formats = tuple(name.upper() for name in self.settings.formats if features.check(name))
        self.unavailable = tuple(name for name in self.settings.formats if not features.check(name))
        font = theme_directory / FONT
        self.font = font.relative_to(root).as_posix() if font.is_file() and font.is_relative_to(root) else ""
        self.manifest_name = "manifest.json"
        self._manifest = self.cache / self.manifest_name
        self.known = read_manifest(self._manifest)
        self._saved = dict(self.known)

    def resolver(self, content_path: str) -> ImageResolver:
        """A resolver for the images of one content file."""
        return ImageResolver(self, content_path)

    def source(self, content_path: str, reference: str) -> tuple[str, SourceInfo]:
        """The file a reference points to, relative to the project, and its facts; FixableError if unusable."""
        target = resolve_inside(self.root, content_path, reference)
        suffix = target.suffix.lower()
        if suffix in REFUSED_TYPES:
            raise FixableError(*describe(ImageProblem("unsupported", REFUSED_TYPES[suffix]), reference))
        if suffix not in IMAGE_TYPES:
            raise FixableError(f"'{reference}' is not an image", f"use one of {', '.join(sorted(IMAGE_TYPES))}")
        relative = target.relative_to(self.root).as_posix()
        try:
            return relative, self.info(relative)
        except ImageProblem as problem:
            raise FixableError(*describe(problem, reference)) from None

    def info(self, relative: str, font: bool = False) -> SourceInfo:
        """Facts about a file: from the manifest while its size and time are unchanged, else read now."""
        stat = (self.root / relative).stat()
        known = self.known.get(relative)
        if known and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return known
        info = probe(self.root / relative, stat.st_size, stat.st_mtime_ns, font)
        self.known[relative] = info
        return info

    def picture(
        self, content_path: str, reference: str, alt: str, lead: bool
    ) -> tuple[str, str, tuple[MediaFile, ...]]:
        """(HTML, URL of the fallback file, files) for one image; FixableError if it cannot be used."""
        relative, info = self.source(content_path, reference)
        base = self.config.base_path
        loading = 'loading="eager" fetchpriority="high"' if lead else 'loading="lazy" decoding="async"'
        if info.format == "SVG":
            output = f"{MEDIA_DIR}/{_stem(relative)}-{info.sha[:10]}.svg"
            html = f'<img src="{base}{output}" alt="{escape(alt)}" {loading}>'
            return html, base + output, (MediaFile(output, "", Copy(relative), ((relative, info),)),)
        sizes = escape(self.settings.lead_sizes if lead else self.settings.sizes)
        fallback = "PNG" if info.alpha else "JPEG"
        widths = derivative_widths(info.width, self.settings.widths)
        files: list[MediaFile] = []
        sources: list[str] = []
        img = src = ""
        for name in (*self.formats, fallback):
            made = [self._derivative(relative, info, width, name) for width in widths]
            files += made
            srcset = ", ".join(f"{base}{file.output} {width}w" for file, width in zip(made, widths, strict=True))
            if name != fallback:
                sources.append(f'<source type="{ENCODERS[name].mime}" srcset="{srcset}" sizes="{sizes}">')
                continue
            middle = (len(widths) - 1) // 2  # the fallback's src: the middle width
            src = base + made[middle].output
            width, height = widths[middle], _height(info, widths[middle])
            img = (
                f'<img src="{src}" srcset="{srcset}" sizes="{sizes}" width="{width}" height="{height}" '
                f'alt="{escape(alt)}" {loading}>'
            )
        return f"<picture>{''.join(sources)}{img}</picture>", src, tuple(files)

    def _derivative(self, relative: str, info: SourceInfo, width: int, name: str) -> MediaFile:
        """One width of a photo in one format, named by a hash of the source and of how it is made."""
        height = _height(info, width)
        quality = getattr(self.settings.quality, name.lower(), 0)
        encoder = ENCODERS[name]
        digest = _digest(PIPELINE_VERSION, info.sha, width, height, name, quality, repr(encoder.options))
        return MediaFile(
            f"{MEDIA_DIR}/{_stem(relative)}-{width}-{digest[:10]}.{encoder.extension}",
            f"{digest[:32]}.{encoder.extension}",
            Resize(relative, width, height, name, quality),
            ((relative, info),),
        )

    def card(self, entry: Entry, text: CardText, photo: tuple[str, SourceInfo] | None, use: Use) -> MediaFile:
        """The share card of a page."""
        inputs = [photo] if photo else []
        if self.font:
            inputs.append((self.font, self.info(self.font, font=True)))
        name = "JPEG"  # also for the flat brand design: encodes ten times faster than PNG, for thousands of pages
        shas = [info.sha for _, info in inputs]
        digest = _digest("card", DESIGN_VERSION, PIPELINE_VERSION, name, CARD_QUALITY, *shas, *asdict(text).values())
        extension = ENCODERS[name].extension
        return MediaFile(
            f"{MEDIA_DIR}/share-{entry.key}-{digest[:10]}.{extension}",
            f"{digest[:32]}.{extension}",
            Card(photo[0] if photo else "", self.font, text, name),
            tuple(inputs),
            (use,),
        )

    def remember(self, files: Sequence[MediaFile]) -> None:
        """Take in the facts the page workers found, and save them if anything is new."""
        for file in files:
            self.known.update(file.inputs)
        if self.known != self._saved:
            write_manifest(self._manifest, self.known)
            self._saved = dict(self.known)


@dataclass
class ImageResolver:
    """Turns the images written in one content file into HTML, and remembers the files they need."""

    media: Media
    content_path: str
    used: list[tuple[str, str, tuple[MediaFile, ...]]] = field(default_factory=list)  # (reference, URL, files)

    def __call__(self, reference: str, alt: str) -> str:
        """The HTML of an image in the body (lazy); raises FixableError."""
        html, url, files = self.media.picture(self.content_path, reference, alt, lead=False)
        self.used.append((reference, url, files))
        return html

    def body_files(self, body: RenderedMarkdown) -> list[MediaFile]:
        """The files of the body's images, each with the lines that use it."""
        lines: dict[str, list[int]] = defaultdict(list)
        for image in body.images:
            lines[image.url].append(image.line)
        return [
            replace(file, uses=tuple(Use(self.content_path, line, reference) for line in lines.get(url, [0])))
            for reference, url, files in self.used
            for file in files
        ]


def derivative_widths(original: int, wanted: Sequence[int]) -> list[int]:
    """The configured widths below the original's; the original's own width instead of any larger one."""
    widths = sorted({width for width in wanted if width < original})
    if any(width >= original for width in wanted):
        widths.append(original)
    return widths


def resolve_inside(root: Path, source_path: str, reference: str) -> Path:
    """The file a relative reference points to, refusing anything outside the project."""
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), reference))
    if relative.startswith("../") or relative == ".." or posixpath.isabs(reference):
        raise FixableError(f"'{reference}' points outside the project", "keep images inside content/")
    target = root / relative
    if not target.is_file():
        target = _same_name(target) or _missing(reference, relative, target)
    if not target.resolve().is_relative_to(root.resolve()):
        raise FixableError(f"'{reference}' is a link to a file outside the project", "copy the file in")
    return target


def _same_name(target: Path) -> Path | None:
    """The file whose name is the same text written with other code points: 'å' as 'a' and a ring, as
    macOS may save it, while an editor's Markdown has the one character."""
    wanted = unicodedata.normalize("NFC", target.name)
    for name in _names_in(target.parent):
        if name != target.name and unicodedata.normalize("NFC", name) == wanted:
            return target.parent / name
    return None


def _missing(reference: str, relative: str, target: Path) -> Path:
    """Raise the error for a file that is not there, with the name the editor probably meant."""
    name = closest(target.name, _names_in(target.parent))
    if name is None:
        raise FixableError(f"'{reference}' does not exist", f"check the name; looked for {relative}")
    folder, slash, _ = reference.rpartition("/")
    case = " (names are case-sensitive)" if name.lower() == target.name.lower() else ""
    raise FixableError(f"'{reference}' does not exist", f"did you mean '{folder}{slash}{name}'?{case}")


def _names_in(folder: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return []


@dataclass
class Produced:
    """What `produce()` did: the files to publish, the errors, and how many files it made in how long."""

    files: dict[str, Path]  # path in output/ -> the file to publish
    errors: list[SiteError]
    made: int  # files made now (not found in the cache)
    seconds: float


def produce(
    media: Media, wanted: Sequence[MediaFile], jobs: int, meanwhile: Callable[[], None] | None = None
) -> Produced:
    """Make the files pages need that are not in the cache yet; nothing is written to output/ here.

    `meanwhile` is called in this process once the image processes are at work (or at once without them)."""
    started = time.perf_counter()
    media.remember(wanted)
    merged: dict[str, MediaFile] = {}
    for file in wanted:
        known = merged.get(file.output)
        merged[file.output] = replace(file, uses=known.uses + file.uses) if known else file
    files: dict[str, Path] = {}
    groups: dict[str, list[MediaFile]] = defaultdict(list)  # source to decode (a card's output if none) -> files
    outputs: dict[str, list[tuple[str, Resize | Card]]] = defaultdict(list)
    decode: dict[str, str] = {}  # group -> absolute path of the source, "" for a card without a photo
    for file in merged.values():
        recipe = file.recipe
        if isinstance(recipe, Copy):
            files[file.output] = media.root / recipe.source
            continue
        files[file.output] = CachedFile(media.cache / file.cache)  # published as a link to it
        if not files[file.output].is_file():
            source = recipe.source if isinstance(recipe, Resize) else recipe.photo
            key = source or file.output
            decode[key] = str(media.root / source) if source else ""
            groups[key].append(file)
            outputs[key].append((str(media.cache / file.cache), recipe))
    font = str(media.root / media.font) if media.font else ""
    tasks = [Task(decode[key], font, tuple(outputs[key])) for key in groups]
    if tasks:
        media.cache.mkdir(parents=True, exist_ok=True)
    problems = make_all(tasks, jobs, meanwhile)
    errors = []
    for group, problem in zip(groups.values(), problems, strict=True):
        if problem is not None:
            for use in sorted({use for file in group for use in file.uses}):
                errors.append(SiteError(use.path, use.line, *describe(problem, use.reference)))
    made = sum(len(t.outputs) for t, p in zip(tasks, problems, strict=True) if p is None)
    return Produced(files, errors, made, time.perf_counter() - started)


UNUSED_KEPT_SECONDS = 30 * 24 * 3600  # an unpublished cached file is kept this long (another output folder, a copy)


def prune_cache(media: Media, now: float | None = None) -> list[str]:
    """Remove the cached files that no output folder publishes and that are over 30 days old; their names.

    Output folders publish cached files as hard links, so a file with one link is published nowhere
    (the share card of an old title, a photo taken out), unless it was copied across filesystems: the
    age keeps those, and files another build may be about to use. A removed file is made again if a
    page needs it. Run after output/ is written, so this build's files are linked."""
    limit = (time.time() if now is None else now) - UNUSED_KEPT_SECONDS
    removed = []
    try:
        entries = list(os.scandir(media.cache))
    except FileNotFoundError:
        return []
    for entry in entries:
        if entry.name == media.manifest_name or not entry.is_file(follow_symlinks=False):
            continue
        stat = entry.stat(follow_symlinks=False)
        if stat.st_nlink == 1 and stat.st_mtime < limit:
            Path(entry.path).unlink(missing_ok=True)
            removed.append(entry.name)
    return sorted(removed)


def _height(info: SourceInfo, width: int) -> int:
    """The height at this width, keeping the aspect ratio."""
    return max(1, round(info.height * width / info.width))


def _stem(relative: str) -> str:
    """The readable start of a published file's name: the source's name as a slug."""
    return slugify(posixpath.splitext(posixpath.basename(relative))[0]) or "image"


def _digest(*parts: object) -> str:
    """The SHA-256 of the parts, as hex."""
    return hashlib.sha256("\0".join(str(part) for part in parts).encode("utf-8")).hexdigest()
