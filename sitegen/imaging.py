"""Imaging: the Pillow work of the image step, and its store in `.cache/images/`.

This module owns everything that opens, decodes or writes an image file:

- `probe()` reads a source's hash and, from its header only, its format, upright size and
  transparency (the `SourceInfo` that `images.Media` keeps in the manifest).
- `make_all()` makes `Task`s (the derivatives and share cards of one source, decoded once) into
  `.cache/images/`, in a process pool: opened safely (decompression-bomb limit), decoded at no more
  than the size needed (JPEG `draft()`), turned upright (EXIF orientation), converted to sRGB,
  reduced and resampled (`reduce()`, Lanczos) and encoded without any metadata: no EXIF (GPS, camera
  serial numbers), XMP, comments or colour profiles. A source that cannot be used is an `ImageProblem`.
  A share card in the brand design is encoded as the rows of blocks with its title, spliced into its
  ground's JPEG, which is encoded once per process (`_brand_card_jpeg`): the same pixels, half the encoding.
- `read_manifest()` / `write_manifest()` keep the facts about sources in `.cache/images/manifest.json`.

What to make, what it is called and where it is used is decided in `images.py`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .parallel import fork_pool
from .sharecards import CARD_SIZE, CardText, brand_design, draw_card, title_strip

PIPELINE_VERSION = 1  # change when derivatives are made differently: every file gets a new name
MAX_PIXELS = 100_000_000  # larger images are refused as possible decompression bombs
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
CACHE_DIR = ".cache/images"
MANIFEST_VERSION = 1
READABLE = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "AVIF": "AVIF"}  # Pillow's name -> ours
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"\x00\x00\x00")  # files that claim to be images
ORIENTATION = 0x0112
REDUCING_GAP = 3  # reduce() by whole factors while the image stays 3× the target, then resample with Lanczos
CARD_QUALITY = 85
# baseline JPEG: a progressive, optimised one takes 6 times longer, for thousands of cards
CARD_JPEG: dict[str, Any] = {"quality": CARD_QUALITY, "optimize": False, "progressive": False}
# the same, with a restart marker after every row of blocks: each row is coded on its own (see JpegRows)
CARD_JPEG_ROWS: dict[str, Any] = {**CARD_JPEG, "restart_marker_rows": 1}


@dataclass(frozen=True)
class Encoder:
    """How one output format is written."""

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


class ImageProblem(Exception):
    """A source file that cannot be used; `kind` decides the message."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


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
class Task:
    """Files to make from one source, decoded once."""

    source: str  # absolute path; "" for cards without a photo
    font: str  # absolute path of the cards' font; "" for Pillow's own
    outputs: tuple[tuple[str, Resize | Card], ...]  # (absolute path in the cache, recipe)


def make_all(tasks: list[Task], jobs: int, meanwhile: Callable[[], None] | None = None) -> list[ImageProblem | None]:
    """Make every task, the largest sources first, in up to `jobs` processes.

    `meanwhile` runs in this process while they work (first, when there are no processes): all of
    them are forked before it starts, so no thread or file of it is ever copied into one."""
    order = sorted(range(len(tasks)), key=lambda i: -_size(tasks[i].source))
    workers = min(jobs, len(tasks))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile:
            meanwhile()
        results = [_make(tasks[i]) for i in order]
    else:
        with fork_pool(workers) as pool:
            pending = pool.map(_make, [tasks[i] for i in order], chunksize=1)  # submits every task: forks the workers
            if meanwhile:
                meanwhile()
            results = list(pending)
    by_task: list[ImageProblem | None] = [None] * len(tasks)
    for index, result in zip(order, results, strict=True):
        by_task[index] = result
    return by_task


def _size(path: str) -> int:
    """A source's size in bytes, for ordering the tasks; 0 if there is none."""
    try:
        return os.path.getsize(path) if path else 0
    except OSError:
        return 0


def _make(task: Task) -> ImageProblem | None:
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
                data = _card(photo, recipe, font)
            else:
                assert photo is not None
                size = (recipe.width, recipe.height)
                if size not in resized:
                    resized[size] = _resize(photo, size)
                data = _encode(resized[size], recipe.format, {"quality": recipe.quality} if recipe.quality else {})
            _write(Path(target), data)
    except Exception as exc:  # an encoder failing is reported as an error, never a traceback
        return ImageProblem("failed", f"{type(exc).__name__}: {exc}")
    return None


def _card(photo: Image.Image | None, recipe: Card, font: Path | None) -> bytes:
    """A share card, encoded; a brand-design JPEG encodes only the rows of its title."""
    if photo is None and recipe.format == "JPEG":
        try:
            return _brand_card_jpeg(recipe.text, font)
        except ValueError:  # an encoder that does not write the markers as expected: the whole card, as before
            pass
    return _encode(draw_card(photo, recipe.text, font), recipe.format, CARD_JPEG if recipe.format == "JPEG" else {})


def _brand_card_jpeg(text: CardText, font: Path | None) -> bytes:
    """A brand-design card: the rows of blocks with its title, encoded, between the others of its ground.

    A JPEG encoder turns each row of blocks into the same codes wherever it is (no smoothing across
    rows), and a restart marker starts each row afresh, so the card decodes to exactly the pixels of
    the whole card encoded at once: the ground is encoded once per process, the title's rows per card."""
    ground = _ground_rows(text.brand, font)
    strip = title_strip(text, font, ground.block)
    title = _jpeg_rows(_encode(strip.image, "JPEG", CARD_JPEG_ROWS)).rows
    first = strip.top // ground.block
    return ground.joined(ground.rows[:first] + title + ground.rows[first + len(title) :])


@functools.lru_cache(maxsize=4)
def _ground_rows(brand: str, font: Path | None) -> JpegRows:
    """The brand design without a title, encoded and cut into rows of blocks."""
    return _jpeg_rows(_encode(brand_design(brand, font), "JPEG", CARD_JPEG_ROWS))


@dataclass(frozen=True)
class JpegRows:
    """A baseline JPEG written with a restart marker after every row of blocks, cut at the markers."""

    header: bytes  # from the start of the file to the scan's coded data
    rows: tuple[bytes, ...]  # the coded data of each row of blocks, without the marker after it
    block: int  # the height of a row of blocks in pixels: 8 times the largest vertical sampling

    def joined(self, rows: tuple[bytes, ...]) -> bytes:
        """The JPEG with these rows (of an image of the same size, encoded alike), its markers numbered again."""
        parts = [self.header, rows[0]]
        for index, row in enumerate(rows[1:]):
            parts += [bytes((0xFF, 0xD0 + index % 8)), row]  # RST0 to RST7, over and over
        return b"".join([*parts, b"\xff\xd9"])


def _jpeg_rows(data: bytes) -> JpegRows:
    """Cut a baseline JPEG written with `restart_marker_rows=1` into its header and rows of blocks."""
    position, height, block = 2, 0, 0
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker, length = data[position + 1], int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xC0:  # baseline frame: height, width, then three bytes per component
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            samplings = data[position + 11 : position + 2 + length : 3]
            block = 8 * max(sampling & 0x0F for sampling in samplings)
        position += 2 + length
        if marker == 0xDA:  # start of scan: its coded data follows
            rows = tuple(re.split(rb"\xff[\xd0-\xd7]", data[position:-2]))
            if block and data.endswith(b"\xff\xd9") and len(rows) == -(-height // block):
                return JpegRows(data[:position], rows, block)
            break
    raise ValueError("not a baseline JPEG with a restart marker after every row of blocks")


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
    """The fraction of the upright source's size that a recipe needs."""
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
    """The image in a format of ENCODERS, without metadata."""
    if name == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    image.info = {}
    out = io.BytesIO()
    image.save(out, name, **{**dict(ENCODERS[name].options), **options})
    return out.getvalue()


def _write(target: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary file, then a rename)."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_manifest(path: Path) -> dict[str, SourceInfo]:
    """The source facts saved by an earlier build; none if the file is missing, unreadable or of another version."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return {}
        return {str(name): SourceInfo(**fields) for name, fields in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_manifest(path: Path, known: dict[str, SourceInfo]) -> None:
    """Save the source facts, sorted by path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"version": MANIFEST_VERSION, "files": {name: asdict(info) for name, info in sorted(known.items())}}
    _write(path, json.dumps(document, separators=(",", ":")).encode("utf-8"))
