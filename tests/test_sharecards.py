"""Share cards: the brand design is drawn once and each card gets its own title on a copy."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from sitegen.sharecards import CARD_SIZE, CardText, draw_card

FONT = Path(__file__).resolve().parent.parent / "themes/default/fonts/DejaVuSans-Bold.ttf"
BRAND = "Stærke byer – her er godt at leve"


def card(title: str, photo: Image.Image | None = None) -> bytes:
    image = draw_card(photo, CardText(title, "Grindsted", BRAND), FONT)
    assert image.size == CARD_SIZE and image.mode == "RGB"
    return image.tobytes()


def test_a_card_does_not_keep_the_title_of_the_card_before() -> None:
    first = card("Nyt havnebad i Grindsted")
    other = card("En helt anden og meget længere overskrift om skolerne i Billund Kommune")
    assert card("Nyt havnebad i Grindsted") == first != other


def test_cards_with_and_without_a_photo_share_the_frame() -> None:
    """The brand mark, the site's name and the colour band are on both designs, in the same place."""
    photo = Image.new("RGB", (1600, 900), (40, 140, 60))
    plain = draw_card(None, CardText("Titel", "", BRAND), FONT)
    with_photo = draw_card(photo, CardText("Titel", "", BRAND), FONT)
    band = (0, CARD_SIZE[1] - 10, CARD_SIZE[0], CARD_SIZE[1])
    mark = (72, 60, 120, 108)  # inside the rounded corners, where the ground shows through
    for box in (band, mark):
        assert plain.crop(box).tobytes() == with_photo.crop(box).tobytes()
