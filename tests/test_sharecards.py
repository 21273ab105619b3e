"""Share cards: the brand design is drawn once and each card draws its title on a strip of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from sitegen.sharecards import BAND, CARD_SIZE, MARGIN, CardText, _title, brand_design, draw_card, title_strip

FONT = Path(__file__).resolve().parent.parent / "themes/default/fonts/DejaVuSans-Bold.ttf"
BRAND = "Stærke byer – her er godt at leve"
TITLES = [
    "Nyt havnebad i Grindsted",
    "Ǻ gjpqy ÅÆØ: høje og dybe tegn",  # above the capitals and below the baseline
    "En helt anden og meget længere overskrift om skolerne, børnehaverne og hallerne i hele Billund Kommune",
    "",
]
TITLE_IDS = ["short", "tall-and-deep", "long-cut", "empty"]
PHOTO = Image.linear_gradient("L").resize((1600, 900)).convert("RGB")


def card(title: str, photo: Image.Image | None = None) -> bytes:
    image = draw_card(photo, CardText(title, "Grindsted", BRAND), FONT)
    assert image.size == CARD_SIZE and image.mode == "RGB"
    return image.tobytes()


def test_a_card_does_not_keep_the_title_of_the_card_before() -> None:
    first = card("Nyt havnebad i Grindsted")
    other = card("En helt anden og meget længere overskrift om skolerne i Billund Kommune")
    assert card("Nyt havnebad i Grindsted") == first != other


def test_a_photo_card_does_not_keep_the_title_of_the_card_before() -> None:
    first = card("Nyt havnebad i Grindsted", PHOTO)
    other = card("En helt anden overskrift", PHOTO)
    assert card("Nyt havnebad i Grindsted", PHOTO) == first != other


def test_cards_with_and_without_a_photo_share_the_frame() -> None:
    """The brand mark, the site's name and the colour band are on both designs, in the same place."""
    photo = Image.new("RGB", (1600, 900), (40, 140, 60))
    plain = draw_card(None, CardText("Titel", "", BRAND), FONT)
    with_photo = draw_card(photo, CardText("Titel", "", BRAND), FONT)
    band = (0, CARD_SIZE[1] - 10, CARD_SIZE[0], CARD_SIZE[1])
    mark = (72, 60, 120, 108)  # inside the rounded corners, where the ground shows through
    for box in (band, mark):
        assert plain.crop(box).tobytes() == with_photo.crop(box).tobytes()


def drawn_whole(photo: Image.Image | None, text: CardText) -> Image.Image:
    """The card as it was drawn before strips: every line with a plain draw.text on the whole card."""
    card = draw_card(photo, CardText("", "", text.brand), FONT)  # the ground, with no ink from a title
    width = CARD_SIZE[0] - 2 * MARGIN - (0 if photo else 330)
    draw = ImageDraw.Draw(card)
    for line in _title(text, FONT, width):
        draw.text((line.x, line.y), line.text, font=line.font, fill=line.colour, anchor="ls")
    return card


@pytest.mark.parametrize("title", TITLES, ids=TITLE_IDS)
@pytest.mark.parametrize("eyebrow", ["Ølgod", ""])
@pytest.mark.parametrize("photo", [None, PHOTO], ids=["brand", "photo"])
def test_a_card_has_the_pixels_of_its_title_drawn_on_the_whole_card(
    title: str, eyebrow: str, photo: Image.Image | None
) -> None:
    """Neither the strip (none of the glyphs cut off) nor pasting the glyphs changes a pixel."""
    text = CardText(title, eyebrow, BRAND)
    assert draw_card(photo, text, FONT).tobytes() == drawn_whole(photo, text).tobytes()


@pytest.mark.parametrize("title", TITLES, ids=TITLE_IDS)
def test_the_title_strip_is_in_whole_blocks_and_the_rest_of_the_card_is_the_ground(title: str) -> None:
    text = CardText(title, "Grindsted", BRAND)
    strip = title_strip(text, FONT, 16)
    bottom = strip.top + strip.image.height
    assert strip.image.width == CARD_SIZE[0] and strip.image.height > 0
    assert strip.top % 16 == 0 and (bottom % 16 == 0 or bottom == CARD_SIZE[1])
    card, ground = draw_card(None, text, FONT), brand_design(BRAND, FONT)
    assert card.crop((0, strip.top, CARD_SIZE[0], bottom)).tobytes() == strip.image.tobytes()
    for box in ((0, 0, CARD_SIZE[0], strip.top), (0, bottom, *CARD_SIZE)):
        assert card.crop(box).tobytes() == ground.crop(box).tobytes()


def test_a_title_strip_covers_only_the_rows_of_its_text() -> None:
    """A short title needs fewer rows than a long one; both stay above the colour band."""
    short = title_strip(CardText("Kort", "", BRAND), FONT)
    long = title_strip(CardText(TITLES[2], "Grindsted", BRAND), FONT)
    assert long.top < short.top
    assert short.image.height < 100 < long.image.height
    assert max(strip.top + strip.image.height for strip in (short, long)) <= CARD_SIZE[1] - BAND
