"""Share cards: the 1200×630 picture that social networks show for a story or a town (og:image).

With a photo, the card is the photo cropped to fill, under an ink shade, with the title in the
brand's bold type. Without one it is the brand design: ink ground, the yellow brand mark and the
title. Both have the brand mark with the site's name at the top and the colour band at the bottom.
The type is the theme's bundled font, so a card looks the same on every machine.

The brand design without a title is drawn once per process (`brand_design`); a card draws its eyebrow
and title on a strip of it (`title_strip`), which `imaging` encodes on its own and splices into the
ground's JPEG.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

DESIGN_VERSION = 2  # change when the design or its encoding changes: every card gets a new name
CARD_SIZE = (1200, 630)
INK = (0x1B, 0x1F, 0x3B)
YELLOW = (0xFF, 0xD5, 0x00)
RED = (0xC8, 0x10, 0x2E)
BLUE = (0x00, 0x55, 0xBF)
GREEN = (0x00, 0x7A, 0x33)
CREAM = (0xFF, 0xF8, 0xE6)
MARGIN = 64
BAND = 14  # height of the colour band along the bottom edge
TITLE_SIZES = (72, 64, 56, 50, 44, 40)  # the largest that fits is used
TITLE_LINES = 3

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class CardText:
    title: str
    eyebrow: str  # above the title: a story's town, a town's municipality
    brand: str  # the site's name, next to the brand mark


@dataclass(frozen=True)
class Strip:
    """The rows of a brand-design card that differ from its ground: the eyebrow and the title."""

    image: Image.Image  # as wide as the card
    top: int  # the card's row where it starts


@dataclass(frozen=True)
class _Line:
    """A line of text, placed by the left end of its baseline."""

    x: int
    y: int
    text: str
    font: Font
    colour: tuple[int, int, int]


def draw_card(photo: Image.Image | None, text: CardText, font_path: Path | None) -> Image.Image:
    """The card as an RGB image; `photo` is an upright sRGB image (any size), or None for the brand design."""
    if photo is None:
        card = brand_design(text.brand, font_path).copy()
        strip = title_strip(text, font_path)
        card.paste(strip.image, (0, strip.top))
        return card
    card = _photo_ground(photo)
    draw = ImageDraw.Draw(card)
    _frame(draw, text.brand, font_path)
    for line in _title(text, font_path, CARD_SIZE[0] - 2 * MARGIN):
        _draw_line(draw, line)
    return card


def title_strip(text: CardText, font_path: Path | None, rows: int = 1) -> Strip:
    """The brand design's eyebrow and title, drawn on the rows of its ground that they cover.

    The strip starts and ends on a multiple of `rows` (or the card's edge): a JPEG encoder works in
    blocks of 16 rows, so such a strip encodes as the same blocks as the whole card."""
    lines = _title(text, font_path, CARD_SIZE[0] - 2 * MARGIN - 330)
    top, bottom = _rows_covered(lines, rows)
    strip = brand_design(text.brand, font_path).crop((0, top, CARD_SIZE[0], bottom))
    draw = ImageDraw.Draw(strip)
    for line in lines:
        _draw_line(draw, line, top)
    return Strip(strip, top)


def _title(text: CardText, font_path: Path | None, width: int) -> list[_Line]:
    """The eyebrow and the title fitted into `width`, standing on the same line above the colour band."""
    size, lines = _fit_title(_measure(), text.title, font_path, width)
    title_font = _font(font_path, size)
    line_height = round(size * 1.18)
    y = CARD_SIZE[1] - BAND - 56 - line_height * len(lines)
    placed = [_Line(MARGIN, y - 14, text.eyebrow, _font(font_path, 30), YELLOW)] if text.eyebrow else []
    for line in lines:
        placed.append(_Line(MARGIN, y + line_height - round(size * 0.22), line, title_font, CREAM))
        y += line_height
    return placed


def _rows_covered(lines: list[_Line], rows: int) -> tuple[int, int]:
    """The card's rows (first, last + 1) that the lines' glyphs can touch, widened to multiples of `rows`."""
    height = CARD_SIZE[1]
    measure = _measure()
    boxes = [measure.textbbox((line.x, line.y), line.text, line.font, "ls", embedded_color=True) for line in lines]
    top = min([math.floor(box[1]) for box in boxes] + [height - 1])
    bottom = max([math.ceil(box[3]) for box in boxes] + [0])
    top = max(0, top) // rows * rows
    bottom = min(height, max(-(-bottom // rows) * rows, top + rows))  # at least one block, even without text
    return top, bottom


def _draw_line(draw: ImageDraw.ImageDraw, line: _Line, top: int = 0) -> None:
    """Draw a line on an image that starts at the card's row `top`.

    With `embedded_color` Pillow pastes the glyphs in their colour rather than filling the colour through
    them: the same pixels with a font without colour glyphs (as the bundled one), and the blending is twice as fast."""
    position = (line.x, line.y - top)
    draw.text(position, line.text, font=line.font, fill=line.colour, anchor="ls", embedded_color=True)


@functools.lru_cache(maxsize=1)
def _measure() -> ImageDraw.ImageDraw:
    """A drawing context that only measures text."""
    return ImageDraw.Draw(Image.new("RGB", (1, 1)))


@functools.lru_cache(maxsize=4)
def brand_design(brand: str, font_path: Path | None) -> Image.Image:
    """The brand design without a title: ink ground, brand marks, the site's name and the colour band.

    The same for every card: drawn once (per process), never to be drawn on."""
    card = _brand_ground()
    _frame(ImageDraw.Draw(card), brand, font_path)
    return card


def _frame(draw: ImageDraw.ImageDraw, brand: str, font_path: Path | None) -> None:
    """What every card has around its title: the brand mark with the site's name, and the colour band."""
    width, height = CARD_SIZE
    mark = 64
    _brand_mark(draw, MARGIN, 52, mark)
    draw.text((MARGIN + mark + 20, 52 + mark // 2), brand, font=_font(font_path, 30), fill=CREAM, anchor="lm")
    for index, colour in enumerate((YELLOW, RED, BLUE, GREEN)):
        draw.rectangle((index * width // 4, height - BAND, (index + 1) * width // 4, height), fill=colour)


def _photo_ground(photo: Image.Image) -> Image.Image:
    """The photo cropped to fill the card, shaded with ink towards the bottom (title) and the top (brand)."""
    if photo.mode != "RGB":
        ground = Image.new("RGB", photo.size, CREAM)
        ground.paste(photo, mask=photo.getchannel("A") if "A" in photo.getbands() else None)
        photo = ground
    card = ImageOps.fit(photo, CARD_SIZE, Image.Resampling.LANCZOS, centering=(0.5, 0.45))
    ink, shade = _ink_shade()
    return Image.composite(ink, card, shade)


@functools.lru_cache(maxsize=1)
def _ink_shade() -> tuple[Image.Image, Image.Image]:
    """The ink and how much of it covers each pixel of a photo card, the same for every card: made once."""
    height = CARD_SIZE[1]
    shade = Image.new("L", (1, height))
    shade.putdata([_shade(y / (height - 1)) for y in range(height)])
    return Image.new("RGB", CARD_SIZE, INK), shade.resize(CARD_SIZE)


def _shade(position: float) -> int:
    """Opacity of the ink at a height (0 top, 1 bottom): a light band at the top, dark towards the bottom."""
    top = max(0.0, 0.55 * (1 - position / 0.25))
    bottom = max(0.0, 0.9 * (position - 0.3) / 0.7)
    return round(255 * max(top, bottom))


def _brand_ground() -> Image.Image:
    """Ink ground with a large brand mark on the right."""
    card = Image.new("RGB", CARD_SIZE, INK)
    size = 300
    _brand_mark(ImageDraw.Draw(card), CARD_SIZE[0] - MARGIN - size, (CARD_SIZE[1] - BAND - size) // 2, size)
    return card


def _brand_mark(draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """The logo of favicon.svg: a yellow rounded square with red, blue, green and ink blocks (32 units)."""
    unit = size / 32

    def box(left: float, top: float, width: float, height: float, radius: float, colour: tuple[int, int, int]) -> None:
        shape = (x + left * unit, y + top * unit, x + (left + width) * unit, y + (top + height) * unit)
        draw.rounded_rectangle(shape, radius=radius * unit, fill=colour)

    box(0, 0, 32, 32, 7, YELLOW)
    box(5, 7, 10, 8, 2, RED)
    box(17, 7, 10, 8, 2, BLUE)
    box(5, 18, 10, 8, 2, GREEN)
    box(17, 18, 10, 8, 2, INK)


def _fit_title(draw: ImageDraw.ImageDraw, title: str, font_path: Path | None, width: int) -> tuple[int, list[str]]:
    """The largest size at which the title fits in TITLE_LINES lines; else the smallest, cut with '…'."""
    for size in TITLE_SIZES:
        font = _font(font_path, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= TITLE_LINES and all(draw.textlength(line, font=font) <= width for line in lines):
            return size, lines
    size = TITLE_SIZES[-1]
    font = _font(font_path, size)
    lines = _wrap(draw, title, font, width)[:TITLE_LINES]
    last = lines[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return size, lines


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and draw.textlength(trial, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines or [""]


@functools.lru_cache(maxsize=32)
def _font(path: Path | None, size: int) -> Font:
    """The bundled font (basic layout, so cards do not depend on the machine's text shaping library)."""
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
