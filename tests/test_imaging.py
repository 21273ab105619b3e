"""Imaging: brand-design share cards are encoded as their title's rows spliced into their ground's JPEG."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from sitegen.imaging import CARD_JPEG, CARD_JPEG_ROWS, Card, Task, _card, _encode, _jpeg_rows, make_all
from sitegen.sharecards import CARD_SIZE, CardText, draw_card

FONT = Path(__file__).resolve().parent.parent / "themes/default/fonts/DejaVuSans-Bold.ttf"
BRAND = "Stærke byer – her er godt at leve"
TEXTS = [
    CardText("Nyt havnebad i Grindsted", "Grindsted", BRAND),
    CardText("Ǻ gjpqy ÅÆØ: høje og dybe tegn", "", BRAND),
    CardText(
        "En meget lang overskrift om skolerne, børnehaverne og hallerne i hele Billund Kommune " * 2, "Ølgod", BRAND
    ),
    CardText("", "", BRAND),
]
TEXT_IDS = ["short", "tall-and-deep", "long-cut", "empty"]


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == CARD_SIZE
        return image.tobytes()


def brand_card(text: CardText) -> bytes:
    return _card(None, Card("", str(FONT), text, "JPEG"), FONT)


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_a_brand_card_is_the_whole_card_encoded_with_restart_markers(text: CardText) -> None:
    """Spliced, the card has exactly the bytes of the whole card encoded at once with the same markers."""
    assert brand_card(text) == _encode(draw_card(None, text, FONT), "JPEG", CARD_JPEG_ROWS)


@pytest.mark.parametrize("text", TEXTS, ids=TEXT_IDS)
def test_a_brand_card_decodes_to_the_pixels_of_the_card_encoded_without_markers(text: CardText) -> None:
    assert pixels(brand_card(text)) == pixels(_encode(draw_card(None, text, FONT), "JPEG", CARD_JPEG))


def test_brand_cards_spliced_one_after_another_keep_their_own_titles() -> None:
    first = brand_card(TEXTS[0])
    assert brand_card(TEXTS[2]) != first == brand_card(TEXTS[0])


def test_make_all_writes_brand_and_photo_cards(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    Image.linear_gradient("L").resize((1600, 900)).convert("RGB").save(photo)
    outputs = [(str(tmp_path / "brand.jpg"), Card("", str(FONT), TEXTS[0], "JPEG"))]
    tasks = [
        Task("", str(FONT), tuple(outputs)),
        Task(str(photo), str(FONT), ((str(tmp_path / "photo.jpg"), Card(str(photo), str(FONT), TEXTS[0], "JPEG")),)),
    ]
    assert make_all(tasks, 1) == [None, None]
    with Image.open(photo) as source:
        source.load()
        expected = _encode(draw_card(source.convert("RGB"), TEXTS[0], FONT), "JPEG", CARD_JPEG)
    assert (tmp_path / "photo.jpg").read_bytes() == expected  # a photo card is encoded whole, as before
    assert pixels((tmp_path / "brand.jpg").read_bytes()) == pixels(
        _encode(draw_card(None, TEXTS[0], FONT), "JPEG", CARD_JPEG)
    )


@pytest.mark.parametrize(("subsampling", "block"), [("4:2:0", 16), ("4:4:4", 8)])
def test_a_jpeg_is_cut_into_its_rows_of_blocks_and_joined_again(subsampling: str, block: int) -> None:
    data = _encode(draw_card(None, TEXTS[0], FONT), "JPEG", {**CARD_JPEG_ROWS, "subsampling": subsampling})
    rows = _jpeg_rows(data)
    assert rows.block == block and len(rows.rows) == -(-CARD_SIZE[1] // block)
    assert rows.joined(rows.rows) == data


def test_a_jpeg_without_a_restart_marker_after_every_row_is_not_cut() -> None:
    card = draw_card(None, TEXTS[0], FONT)
    for options in (CARD_JPEG, {**CARD_JPEG, "restart_marker_rows": 2}, {**CARD_JPEG, "progressive": True}):
        with pytest.raises(ValueError, match="restart marker"):
            _jpeg_rows(_encode(card, "JPEG", options))


def test_a_card_whose_ground_cannot_be_cut_is_encoded_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> None:
        raise ValueError("not a baseline JPEG with a restart marker after every row of blocks")

    monkeypatch.setattr("sitegen.imaging._jpeg_rows", refuse)
    assert brand_card(TEXTS[0]) == _encode(draw_card(None, TEXTS[0], FONT), "JPEG", CARD_JPEG)
