"""Images: content photos as responsive, private, cached derivatives, and share cards.

Two halves, on either side of rendering:

- While a page renders (in the page workers), `ImageResolver` turns each image a content file uses
  into HTML: a `<picture>` with AVIF and WebP sources and a JPEG (or, with transparency, PNG)
  fallback, at the configured widths. File names carry a hash of the source bytes and of how the
  file is made. The facts this needs (hash, pixel size, orientation, transparency) come from a
  manifest keyed by the source's size and modification time, so an unchanged image is never opened.
  Every file the HTML points to comes back as a `MediaFile`: its place in output/ and its recipe.
- After rendering, `produce()` makes the recipes not yet in `.cache/images/` (each source decoded
  once, in a process pool) and returns output path -> cached file, for `output.write_output`.
  A file that cannot be decoded is an error at every content line that uses it.

Every derivative is turned upright (EXIF orientation), converted to sRGB and written without any
metadata: no EXIF (GPS, camera serial numbers), XMP, comments or colour profiles.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import multiprocessing
import os
import posixpath
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from markupsafe import escape
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

from .config import Config
from .errors import FixableError, SiteError
from .markdown import RenderedMarkdown
from .model import Entry, Site
from .schemas import Story, Town
from .sharecards import CARD_SIZE, DESIGN_VERSION, CardText, draw_card
from .text import slugify

PIPELINE_VERSION = 1  # change when derivatives are made differently: every file gets a new name
MAX_PIXELS = 100_000_000  # larger images are refused as possible decompression bombs
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
MEDIA_DIR = "media"
CACHE_DIR = ".cache/images"
MANIFEST_VERSION = 1
FONT = "fonts/DejaVuSans-Bold.ttf"  # in the theme folder, for share cards
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".svg"}
REFUSED_TYPES = {".gif": "GIF", ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIC", ".heif": "HEIF", ".bmp": "BMP"}
READABLE = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "AVIF": "AVIF"}  # Pillow's name -> ours
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"\x00\x00\x00")  # files that claim to be images
ORIENTATION = 0x0112
REDUCING_GAP = 3  # reduce() by whole factors while the image stays 3× the target, then resample with Lanczos
CARD_QUALITY = 85


@dataclass(frozen=True)
class Encoder:
    extension: str
    mime: str
    options: tuple[tuple[str, Any], ...]  # passed to Image.save, part of every file name's hash


ENCODERS = {
    "AVIF": Encoder("avif", "image/avif", (("speed", 8), ("max_threads", 1))),
    "WEBP": Encoder("webp", "image/webp", (("method", 4),)),
    "JPEG": Encoder("jpg", "image/jpeg", (("optimize", True), ("progressive", True))),
    "PNG": Encoder("png", "image/png", (("compress_level", 6),)),
}


@dataclass(frozen=True)
class SourceInfo:
    """What the HTML needs to know about a source file, recorded with the size and time it had."""

    size: int
    mtime_ns: int
    sha: str
    format: str  # JPEG, PNG, WEBP, AVIF, SVG; FONT for the share cards' font
    width: int = 0  # upright, after the EXIF orientation
    height: int = 0
    alpha: bool = False


@dataclass(frozen=True)
class Resize:
    """A derivative of a photo: this size, in this format."""

    source: str  # relative to the project
    width: int
    height: int
    format: str
    quality: int


@dataclass(frozen=True)
class Card:
    """A share card, with or without a photo."""

    photo: str  # relative to the project; "" for the brand design
    font: str  # relative to the project; "" for Pillow's own font
    text: CardText
    format: str


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
        return tuple(path for path, _ in self.inputs)


class ImageProblem(Exception):
    """A source file that cannot be used; `kind` decides the message."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


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
        self._manifest = self.cache / "manifest.json"
        self.known = _read_manifest(self._manifest)
        self._saved = dict(self.known)

    def resolver(self, content_path: str) -> ImageResolver:
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
            _write_manifest(self._manifest, self.known)
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


@dataclass(frozen=True)
class PageMedia:
    """The images of one page: the template's view of its lead image and share card, and the files."""

    image: dict[str, str] | None
    share: dict[str, Any] | None
    files: tuple[MediaFile, ...]
    errors: tuple[SiteError, ...]


def page_media(resolver: ImageResolver, site: Site, entry: Entry, body: RenderedMarkdown) -> PageMedia:
    """The lead image (front matter `image`), the share card of a story or town, and the body's images."""
    media = resolver.media
    source = entry.source
    meta = source.meta
    files = resolver.body_files(body)
    errors: list[SiteError] = []
    image: dict[str, str] | None = None
    photo: tuple[str, SourceInfo] | None = None
    line = source.field_lines.get("image", 1)
    if meta.image:
        alt = _lead_alt(entry, errors)
        try:
            html, url, lead_files = media.picture(source.path, meta.image, alt or "", lead=True)
        except FixableError as exc:
            errors.append(SiteError(source.path, line, exc.message, exc.hint))
        else:
            files += [replace(f, uses=(Use(source.path, line, meta.image),)) for f in lead_files]
            image = {"html": html, "src": url, "alt": alt or ""}
            if lead_files[0].inputs[0][1].format != "SVG":  # Pillow cannot draw an SVG into a card
                photo = lead_files[0].inputs[0]
    share = None
    if isinstance(meta, Story | Town) and not errors:
        card = _card(media, site, entry, photo, line)
        files.append(card)
        width, height = CARD_SIZE
        share = {
            "url": site.config.absolute(site.config.base_path + card.output),
            "width": width,
            "height": height,
            "alt": f"{entry.title} – {meta.image_alt}" if photo and meta.image_alt else entry.title,
            "type": ENCODERS["JPEG"].mime,
        }
    return PageMedia(image, share, tuple(files), tuple(errors))


def _lead_alt(entry: Entry, errors: list[SiteError]) -> str | None:
    """The lead image's alt text; a missing or empty one is an error unless the image is marked decorative."""
    source = entry.source
    meta = source.meta
    lines = source.field_lines
    if meta.image_decorative:
        if meta.image_alt:
            errors.append(
                SiteError(
                    source.path,
                    lines.get("image_decorative", 1),
                    "the image has alt text but is marked image_decorative: true",
                    "remove image_decorative if the photo shows something, or remove image_alt",
                )
            )
        return ""
    hint = 'describe what the photo shows, like image_alt: "Børn leger på torvet" (or image_decorative: true)'
    if meta.image_alt is None:
        errors.append(SiteError(source.path, lines.get("image", 1), f"the image '{meta.image}' has no alt text", hint))
    elif not meta.image_alt.strip():
        errors.append(SiteError(source.path, lines.get("image_alt", 1), "image_alt is empty", hint))
    return meta.image_alt


def _card(media: Media, site: Site, entry: Entry, photo: tuple[str, SourceInfo] | None, image_line: int) -> MediaFile:
    config = site.config
    meta = entry.source.meta
    if isinstance(meta, Story):
        town = site.get("towns", meta.town, entry.lang)
        eyebrow = town.title if town else ""
    else:
        eyebrow = config.organization.name
    brand = config.languages[entry.lang].title.split(" – ", 1)[0]
    text = CardText(entry.title, eyebrow, brand)
    line = image_line if photo else entry.source.field_lines.get("name" if entry.kind == "towns" else "title", 1)
    return media.card(entry, text, photo, Use(entry.source.path, line, meta.image or ""))


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
        raise FixableError(f"'{reference}' does not exist", f"check the name; looked for {relative}")
    if not target.resolve().is_relative_to(root.resolve()):
        raise FixableError(f"'{reference}' is a link to a file outside the project", "copy the file in")
    return target


def probe(path: Path, size: int, mtime_ns: int, font: bool = False) -> SourceInfo:
    """Read a file's hash and, from its header only (no decoding), its format, upright size and transparency."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if font:
        return SourceInfo(size, mtime_ns, sha, "FONT")
    if path.suffix.lower() == ".svg":
        if b"<svg" not in data[:4096].lower():
            raise ImageProblem("not-an-image")
        return SourceInfo(size, mtime_ns, sha, "SVG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                name = READABLE.get(image.format or "")
                if name is None:
                    raise ImageProblem("unsupported", image.format or "unknown")
                width, height = image.size
                if image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8):
                    width, height = height, width
                alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("too-large") from None
    except UnidentifiedImageError:
        raise ImageProblem("damaged" if data.startswith(SIGNATURES) else "not-an-image") from None
    except Exception:  # anything a broken header makes Pillow raise
        raise ImageProblem("damaged") from None
    if width * height > MAX_PIXELS:
        raise ImageProblem("too-large")
    return SourceInfo(size, mtime_ns, sha, name, width, height, alpha)


@dataclass(frozen=True)
class _Task:
    """Files to make from one source, decoded once."""

    source: str  # absolute path; "" for cards without a photo
    font: str  # absolute path of the cards' font; "" for Pillow's own
    outputs: tuple[tuple[str, Resize | Card], ...]  # (absolute path in the cache, recipe)


@dataclass
class Produced:
    files: dict[str, Path]  # path in output/ -> the file to publish
    errors: list[SiteError]
    made: int  # files made now (not found in the cache)
    seconds: float


def produce(media: Media, wanted: Sequence[MediaFile], jobs: int) -> Produced:
    """Make the files pages need that are not in the cache yet; nothing is written to output/ here."""
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
        files[file.output] = media.cache / file.cache
        if not files[file.output].is_file():
            source = recipe.source if isinstance(recipe, Resize) else recipe.photo
            key = source or file.output
            decode[key] = str(media.root / source) if source else ""
            groups[key].append(file)
            outputs[key].append((str(media.cache / file.cache), recipe))
    font = str(media.root / media.font) if media.font else ""
    tasks = [_Task(decode[key], font, tuple(outputs[key])) for key in groups]
    if tasks:
        media.cache.mkdir(parents=True, exist_ok=True)
    problems = _run(tasks, jobs)
    errors = []
    for group, problem in zip(groups.values(), problems, strict=True):
        if problem is not None:
            for use in sorted({use for file in group for use in file.uses}):
                errors.append(SiteError(use.path, use.line, *describe(problem, use.reference)))
    made = sum(len(t.outputs) for t, p in zip(tasks, problems, strict=True) if p is None)
    return Produced(files, errors, made, time.perf_counter() - started)


def _run(tasks: list[_Task], jobs: int) -> list[ImageProblem | None]:
    """Make every task, the largest sources first, in up to `jobs` processes."""
    order = sorted(range(len(tasks)), key=lambda i: -_size(tasks[i].source))
    workers = min(jobs, len(tasks))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = [_make(tasks[i]) for i in order]
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_make, [tasks[i] for i in order], chunksize=1))
    by_task: list[ImageProblem | None] = [None] * len(tasks)
    for index, result in zip(order, results, strict=True):
        by_task[index] = result
    return by_task


def _size(path: str) -> int:
    try:
        return os.path.getsize(path) if path else 0
    except OSError:
        return 0


def _make(task: _Task) -> ImageProblem | None:
    """Decode the source once and write every file of the task into the cache; a problem is returned."""
    try:
        photo = _decode(Path(task.source), [recipe for _, recipe in task.outputs]) if task.source else None
    except ImageProblem as problem:
        return problem
    font = Path(task.font) if task.font else None
    try:
        resized: dict[tuple[int, int], Image.Image] = {}
        for target, recipe in sorted(task.outputs, key=lambda item: -getattr(item[1], "width", 0)):
            if isinstance(recipe, Card):
                image = draw_card(photo, recipe.text, font)
                options: dict[str, Any] = {"quality": CARD_QUALITY} if recipe.format == "JPEG" else {}
            else:
                assert photo is not None
                size = (recipe.width, recipe.height)
                if size not in resized:
                    resized[size] = _resize(photo, size)
                image = resized[size]
                options = {"quality": recipe.quality} if recipe.quality else {}
            _write(Path(target), _encode(image, recipe.format, options))
    except Exception as exc:  # an encoder failing is reported as an error, never a traceback
        return ImageProblem("failed", f"{type(exc).__name__}: {exc}")
    return None


def _decode(path: Path, recipes: Sequence[Resize | Card]) -> Image.Image:
    """The source, decoded at no more than the size the recipes need, upright, in sRGB, without metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            stored = image.size
            upright = stored[::-1] if image.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8) else stored
            scale = max(_scale_needed(recipe, upright) for recipe in recipes)
            if image.format in ("JPEG", "MPO") and scale < 1:
                image.draft(image.mode, (math.ceil(stored[0] * scale), math.ceil(stored[1] * scale)))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("too-large") from None
    except OSError as exc:
        raise ImageProblem("truncated" if "truncat" in str(exc).lower() else "damaged") from None
    except Exception:  # anything a damaged file makes a decoder raise
        raise ImageProblem("damaged") from None
    ImageOps.exif_transpose(image, in_place=True)
    return _srgb(image)


def _scale_needed(recipe: Resize | Card, upright: tuple[int, int]) -> float:
    if isinstance(recipe, Card):
        return max(CARD_SIZE[0] / upright[0], CARD_SIZE[1] / upright[1])
    return recipe.width / upright[0]


_SRGB = ImageCms.createProfile("sRGB")


def _srgb(image: Image.Image) -> Image.Image:
    """RGB (RGBA with transparency) in sRGB, through the embedded colour profile if there is one."""
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    profile = image.info.get("icc_profile")
    if image.mode.startswith("I"):  # 16-bit greyscale: to 8 bits, not clipped
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in (mode, "CMYK", "L"):
        image = image.convert(mode)
    if profile:
        try:
            embedded = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(image, embedded, _SRGB, outputMode=mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or unusual profile: the pixels are taken as sRGB
    if image.mode != mode:
        image = image.convert(mode)
    image.info = {}  # no EXIF, XMP, comments or profile travel on to the derivatives
    return image


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Reduce by a whole factor while the image stays REDUCING_GAP times the target, then Lanczos."""
    if image.size == size:
        return image
    factor = min(image.width // (size[0] * REDUCING_GAP), image.height // (size[1] * REDUCING_GAP))
    if factor >= 2:
        image = image.reduce(factor)
    return image.resize(size, Image.Resampling.LANCZOS)


def _encode(image: Image.Image, name: str, options: dict[str, Any]) -> bytes:
    if name == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    image.info = {}
    out = io.BytesIO()
    image.save(out, name, **dict(ENCODERS[name].options), **options)
    return out.getvalue()


def _write(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _height(info: SourceInfo, width: int) -> int:
    return max(1, round(info.height * width / info.width))


def _stem(relative: str) -> str:
    return slugify(posixpath.splitext(posixpath.basename(relative))[0]) or "image"


def _digest(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(part) for part in parts).encode("utf-8")).hexdigest()


def _read_manifest(path: Path) -> dict[str, SourceInfo]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return {}
        return {str(name): SourceInfo(**fields) for name, fields in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_manifest(path: Path, known: dict[str, SourceInfo]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"version": MANIFEST_VERSION, "files": {name: asdict(info) for name, info in sorted(known.items())}}
    _write(path, json.dumps(document, separators=(",", ":")).encode("utf-8"))
