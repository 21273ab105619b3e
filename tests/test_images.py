"""The image pipeline: responsive derivatives, privacy, caching, bad files and share cards.

Photos are small synthetic images made with Pillow; the sites are conftest's minimal site.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageCms, ImageDraw
from selectolax.lexbor import LexborHTMLParser

from sitegen import images
from sitegen.cli import main
from sitegen.errors import SiteErrors
from sitegen.images import derivative_widths

from .conftest import Site, story, town

STORY_PAGE = "historier/foto/index.html"


def png(size: tuple[int, int], colour: str | tuple[int, ...], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg(size: tuple[int, int], exif: Image.Exif | None = None, noise: bool = False, **options: Any) -> bytes:
    """Left half red, right half blue (so a rotation shows), optionally with noise (so the file is big)."""
    image = Image.new("RGB", size, (220, 20, 40))
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(20, 60, 220))
    if noise:
        image = Image.blend(image, Image.effect_noise(size, 80).convert("RGB"), 0.3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif if exif is not None else Image.Exif(), **options)
    return out.getvalue()


def camera_exif() -> Image.Exif:
    """What a phone writes: orientation 6 (turn 90° clockwise), make, model, serial number and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS R5"
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-0123456789"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (55.0, 43.0, 52.0)
    gps[3], gps[4] = "E", (9.0, 7.0, 30.0)
    return exif


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be width × height pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def pictures(html: str) -> list[Any]:
    tree = LexborHTMLParser(html)
    return list(tree.css("picture"))


def media(site: Site, prefix: str = "media/") -> dict[str, bytes]:
    return {path: data for path, data in site.outputs().items() if path.startswith(prefix)}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Image.open of the build (the builds run with jobs=1, in this process)."""
    calls: list[str] = []
    real = Image.open

    def counting(fp: Any, *args: Any, **kwargs: Any) -> Image.Image:
        calls.append(str(fp))
        return real(fp, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting)
    yield calls


def photo_story(site: Site, image: bytes, name: str = "foto.jpg", body: str = "Tekst.", extra: str = "") -> None:
    site.write(f"content/stories/{name}", image)
    site.write(
        "content/stories/foto.da.md",
        story("Foto", extra=f'image: {name}\nimage_alt: "Torvet en sommerdag"\n{extra}', body=body),
    )


# Derivatives ------------------------------------------------------------------------------------------


def test_widths_are_never_upscaled() -> None:
    assert derivative_widths(4000, [480, 800, 1200, 1600]) == [480, 800, 1200, 1600]
    assert derivative_widths(1600, [480, 800, 1200, 1600]) == [480, 800, 1200, 1600]
    assert derivative_widths(1000, [480, 800, 1200, 1600]) == [480, 800, 1000]
    assert derivative_widths(300, [480, 800, 1200, 1600]) == [300]


def test_a_derivative_for_every_width_and_format(site: Site) -> None:
    photo_story(site, jpeg((2000, 1000)))
    site.build()
    made = media(site, "media/foto-")
    found = {}
    for data in made.values():
        with Image.open(io.BytesIO(data)) as image:
            found[(image.width, image.format)] = image.height
    expected = {(w, f): w // 2 for w in (480, 800, 1200, 1600) for f in ("AVIF", "WEBP", "JPEG")}
    assert found == expected and len(made) == 12
    assert all(path.split("-")[-1].split(".")[0].isalnum() for path in made)  # a hash in every name


def test_a_small_original_is_used_as_the_largest_width(site: Site) -> None:
    photo_story(site, jpeg((1000, 500)))
    site.build()
    widths = sorted({Image.open(io.BytesIO(data)).width for data in media(site, "media/foto-").values()})
    assert widths == [480, 800, 1000]


def test_configured_widths_and_formats(site: Site) -> None:
    config = site.root / "config.yaml"
    config.write_text(config.read_text() + "images:\n  widths: [300, 600]\n  formats: [webp]\n")
    photo_story(site, jpeg((2000, 1000)))
    site.build()
    assert sorted(
        p.rsplit(".", 1)[1] + str(Image.open(io.BytesIO(d)).width) for p, d in media(site, "media/foto-").items()
    ) == [
        "jpg300",
        "jpg600",
        "webp300",
        "webp600",
    ]


def test_html_of_body_images_and_the_lead_image(site: Site) -> None:
    photo_story(site, jpeg((2000, 1000)), body="Tekst.\n\n![Børn & bål ved søen](foto.jpg)")
    site.build()
    html = site.read(STORY_PAGE)
    lead, body = pictures(html)
    sources = lead.css("source")
    assert [s.attributes["type"] for s in sources] == ["image/avif", "image/webp"]
    for source in sources:
        srcset = source.attributes["srcset"] or ""
        assert [c.split()[1] for c in srcset.split(", ")] == ["480w", "800w", "1200w", "1600w"]
        assert source.attributes["sizes"] == "(min-width: 48em) 28rem, 100vw"
    img = lead.css_first("img").attributes
    assert img["src"] is not None and img["src"].startswith("/media/foto-800-") and img["src"].endswith(".jpg")
    assert (img["width"], img["height"]) == ("800", "400")
    assert img["alt"] == "Torvet en sommerdag"
    assert img["loading"] == "eager" and img["fetchpriority"] == "high" and "decoding" not in img
    assert img["srcset"] is not None and img["srcset"].count(".jpg ") == 4
    body_img = body.css_first("img").attributes
    assert body_img["alt"] == "Børn & bål ved søen"
    assert body_img["loading"] == "lazy" and body_img["decoding"] == "async" and "fetchpriority" not in body_img
    assert body.css_first("source").attributes["sizes"] == "(min-width: 46rem) 42rem, 100vw"
    assert 'alt="Børn &amp; bål ved søen"' in html
    for url in [img["src"], *(c.split()[0] for s in sources for c in (s.attributes["srcset"] or "").split(", "))]:
        assert (site.root / "output" / url.lstrip("/")).is_file()


def test_the_figure_short_code_goes_through_the_pipeline(site: Site) -> None:
    site.write("content/stories/torv.jpg", jpeg((900, 600)))
    site.write(
        "content/stories/foto.da.md",
        story("Foto", body='{{< figure src="torv.jpg" alt="Torvet" caption="Torvedag" credit="Foto: A. Jensen" >}}'),
    )
    site.build()
    figure = LexborHTMLParser(site.read(STORY_PAGE)).css_first(".prose figure")
    assert figure is not None
    assert [child.tag for child in figure.iter()] == ["picture", "figcaption"]
    img = figure.css_first("img").attributes
    assert (img["width"], img["height"], img["alt"], img["loading"]) == ("800", "533", "Torvet", "lazy")
    assert figure.css_first("figcaption").text() == "Torvedag Foto: A. Jensen"


# Privacy and colour -------------------------------------------------------------------------------------


def test_orientation_is_applied_and_all_metadata_removed(site: Site) -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = jpeg((1200, 800), exif=camera_exif(), comment=b"Kamera 0123456789", xmp=xmp, icc_profile=icc)
    with Image.open(io.BytesIO(original)) as check:  # the source really has all of it
        assert check.getexif()[0x0112] == 6 and check.getexif().get_ifd(0x8825)
        assert "xmp" in check.info and "comment" in check.info and "icc_profile" in check.info
    photo_story(site, original)
    site.build()
    made = media(site, "media/foto-")
    assert len(made) == 6  # 480 and 800 (the original's upright width) in three formats
    for path, data in made.items():
        for secret in (b"SERIAL-0123456789", b"Canon", b"EOS R5", b"Kamera", b"xmpmeta", b"Exif\0\0"):
            assert secret not in data, (path, secret)
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info), (path, image.info.keys())
            assert image.height > image.width  # turned upright: 1200×800 stored, shown 800×1200
            rgb = image.convert("RGB")
            top, bottom = rgb.getpixel((image.width // 2, 5)), rgb.getpixel((image.width // 2, image.height - 5))
            assert isinstance(top, tuple) and isinstance(bottom, tuple)
            assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], path  # red on top, blue below
    img = pictures(site.read(STORY_PAGE))[0].css_first("img").attributes
    assert (img["width"], img["height"]) == ("480", "720")


def test_transparency_keeps_its_alpha_and_falls_back_to_png(site: Site) -> None:
    photo_story(site, png((600, 300), (0, 85, 191, 128), mode="RGBA"), name="logo.png")
    site.build()
    made = media(site, "media/logo-")
    assert sorted(p.rsplit(".", 1)[1] for p in made) == ["avif", "avif", "png", "png", "webp", "webp"]
    for data in made.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.mode == "RGBA" and image.getpixel((10, 10))[3] == 128  # type: ignore[index]
    assert pictures(site.read(STORY_PAGE))[0].css_first("img").attributes["src"].endswith(".png")  # type: ignore[union-attr]


def test_svg_is_published_as_it_is(site: Site) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    site.write("content/stories/kort.svg", svg)
    site.write("content/stories/foto.da.md", story("Foto", body="![Kort over byen](kort.svg)"))
    site.build()
    [(path, data)] = media(site, "media/kort-").items()
    assert data == svg and f'<img src="/{path}" alt="Kort over byen" loading="lazy" decoding="async">' in site.read(
        STORY_PAGE
    )


# Caching --------------------------------------------------------------------------------------------------


def test_no_image_work_when_nothing_changed(site: Site, opened: list[str]) -> None:
    photo_story(site, jpeg((2000, 1000)), body="![Igen](foto.jpg)")
    first = site.build()
    assert opened and first.image_seconds > 0
    made = {p: (site.root / "output" / p).stat().st_mtime_ns for p in media(site)}
    cached = {p.name: p.stat().st_mtime_ns for p in (site.root / ".cache/images").iterdir()}
    opened.clear()

    second = site.build()
    assert second.rendered == [] and second.written == [] and opened == []
    site.write("content/stories/foto.da.md", (site.root / "content/stories/foto.da.md").read_text() + "\nMere tekst.\n")
    third = site.build()
    assert third.rendered == [STORY_PAGE] and opened == []  # the page again, its images from the cache
    assert {p: (site.root / "output" / p).stat().st_mtime_ns for p in media(site)} == made
    assert {p.name: p.stat().st_mtime_ns for p in (site.root / ".cache/images").iterdir()} == cached


def test_cached_files_are_published_as_links_and_content_files_as_copies(site: Site) -> None:
    """Derivatives and share cards are hard links to .cache/images/; an SVG from content/ is copied, so
    saving it in place cannot change output/ behind the build's back."""
    photo_story(site, jpeg((900, 600)), body="![Kort over byen](kort.svg)")
    svg = site.write("content/stories/kort.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    site.build()
    cache = {path.stat().st_ino for path in (site.root / ".cache/images").iterdir()}
    published = {path: (site.root / "output" / path).stat().st_ino for path in media(site)}
    copied = [path for path, inode in published.items() if inode not in cache]
    assert len(copied) == 1 and copied[0].startswith("media/kort-") and copied[0].endswith(".svg")
    assert (site.root / "output" / copied[0]).stat().st_ino != svg.stat().st_ino
    assert any(path.startswith("media/share-foto-") for path in published) and len(published) > 5


def test_the_cache_serves_another_output_folder_without_decoding(site: Site, opened: list[str]) -> None:
    photo_story(site, jpeg((2000, 1000)))
    site.build()
    opened.clear()
    site.build(output=site.root / "preview")
    assert opened == []
    assert media(site) == {
        p.relative_to(site.root / "preview").as_posix(): p.read_bytes()
        for p in sorted((site.root / "preview/media").iterdir())
    }


def test_a_removed_image_disappears_from_output(site: Site) -> None:
    photo_story(site, jpeg((900, 600)), body="![Igen](andet.jpg)")
    site.write("content/stories/andet.jpg", jpeg((700, 500)))
    site.build()
    assert len(media(site, "media/andet-")) == 6
    site.write("content/stories/foto.da.md", story("Foto", body="Uden billeder."))
    report = site.build()
    assert media(site, "media/andet-") == {} and media(site, "media/foto-") == {}
    assert len([p for p in report.deleted if p.startswith(("media/andet-", "media/foto-"))]) == 6 + 9


def test_parallel_and_serial_image_work_give_the_same_bytes(site: Site) -> None:
    photo_story(site, jpeg((1700, 1000), noise=True), body="![Igen](andet.jpg)")
    site.write("content/stories/andet.jpg", jpeg((1300, 900), exif=camera_exif(), noise=True))
    site.build(jobs=1)
    shutil.rmtree(site.root / ".cache")
    site.build(jobs=2, output=site.root / "parallel")
    parallel = site.root / "parallel"
    assert media(site) == {
        p.relative_to(parallel).as_posix(): p.read_bytes() for p in sorted((parallel / "media").iterdir())
    }


# Alt text -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "image: foto.jpg\n",
            "content/stories/foto.da.md:6: the image 'foto.jpg' has no alt text; describe what the photo shows, "
            'like image_alt: "Børn leger på torvet" (or image_decorative: true)',
        ),
        (
            'image: foto.jpg\nimage_alt: ""\n',
            "content/stories/foto.da.md:7: image_alt is empty; describe what the photo shows, "
            'like image_alt: "Børn leger på torvet" (or image_decorative: true)',
        ),
        (
            'image: foto.jpg\nimage_alt: "Torvet"\nimage_decorative: true\n',
            "content/stories/foto.da.md:8: the image has alt text but is marked image_decorative: true; "
            "remove image_decorative if the photo shows something, or remove image_alt",
        ),
    ],
)
def test_the_lead_image_needs_alt_text(site: Site, fields: str, expected: str) -> None:
    site.write("content/stories/foto.jpg", jpeg((600, 400)))
    site.write("content/stories/foto.da.md", story("Foto", extra=fields))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [str(e) for e in caught.value.errors] == [expected]


def test_a_decorative_image_is_marked_explicitly(site: Site) -> None:
    site.write("content/stories/foto.jpg", jpeg((600, 400)))
    site.write("content/stories/foto.da.md", story("Foto", extra="image: foto.jpg\nimage_decorative: ja\n"))
    site.build()
    assert pictures(site.read(STORY_PAGE))[0].css_first("img").attributes["alt"] == ""  # type: ignore[union-attr]


# Bad images ------------------------------------------------------------------------------------------------


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (20, 10)).save(out, "GIF")
    return out.getvalue()


def _truncated() -> bytes:
    data = jpeg((400, 300), noise=True)
    return data[: len(data) * 2 // 3]


BAD_IMAGES = {
    "missing": (None, "'{name}' does not exist; check the name; looked for content/stories/{name}"),
    "not-an-image": (
        b"Dette er en tekstfil, ikke et foto.\n",
        "'{name}' is not an image file; export the photo again as .jpg (photos) or .png (graphics)",
    ),
    "damaged": (
        b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4,
        "'{name}' is damaged and cannot be read as an image; copy or export the photo again",
    ),
    "truncated": (_truncated(), "'{name}' is cut off: the file is incomplete; copy or export the photo again"),
    "bomb": (
        png_header(12_000, 10_000),
        "'{name}' is too large: more than 100 megapixels; scale it down before adding it; 6000 pixels wide is plenty",
    ),
    "huge-bomb": (
        png_header(30_000, 30_000),
        "'{name}' is too large: more than 100 megapixels; scale it down before adding it; 6000 pixels wide is plenty",
    ),
    "gif": (
        _gif(),
        "'{name}' is a GIF image, which the site cannot show; save it as JPEG (photos) or PNG",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
@pytest.mark.parametrize("where", ["front matter", "markdown", "figure"])
def test_a_bad_image_is_an_error_at_its_line_and_nothing_is_written(site: Site, case: str, where: str) -> None:
    site.write("content/stories/god.jpg", jpeg((600, 400)))
    site.write("content/stories/god.da.md", story("God", extra='image: god.jpg\nimage_alt: "Godt"\n'))
    site.build()
    before = site.outputs()
    data, message = BAD_IMAGES[case]
    name = "billede.png" if "bomb" in case else "billede.jpg"
    if data is not None:
        site.write(f"content/stories/{name}", data)
    if where == "front matter":
        site.write("content/stories/fejl.da.md", story("Fejl", extra=f'image: {name}\nimage_alt: "Et foto"\n'))
        line = 6
    elif where == "markdown":
        site.write("content/stories/fejl.da.md", story("Fejl", body=f"Tekst.\n\n![Et foto]({name})"))
        line = 10
    else:
        site.write(
            "content/stories/fejl.da.md", story("Fejl", body=f'Tekst.\n\n{{{{< figure src="{name}" alt="Et foto" >}}}}')
        )
        line = 10
    expected = f"content/stories/fejl.da.md:{line}: " + message.replace("{name}", name)
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [str(e) for e in caught.value.errors] == [expected]
    assert site.outputs() == before


@pytest.mark.parametrize("case", ["truncated", "not-an-image"])
def test_the_command_line_reports_a_bad_image_without_a_traceback(
    site: Site, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    site.build()
    before = site.outputs()
    photo_story(site, BAD_IMAGES[case][0] or b"")
    code = main(["build", "--root", str(site.root), "--build-date", "2026-11-28", "--quiet", "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    assert "  content/stories/foto.da.md:6: 'foto.jpg' is " in captured.err
    assert "Nothing was written; output/ is as it was." in captured.err
    assert site.outputs() == before


def test_unsupported_formats_by_name_and_non_images(site: Site) -> None:
    site.write("content/stories/foto.heic", b"\0\0\0\x18ftypheic")
    site.write("content/stories/noter.pdf", b"%PDF-1.4")
    site.write("content/stories/foto.da.md", story("Foto", body="![Foto](foto.heic)\n\n![Noter](noter.pdf)"))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [str(e) for e in caught.value.errors] == [
        "content/stories/foto.da.md:8: 'foto.heic' is a HEIC image, which the site cannot show; "
        "save it as JPEG (photos) or PNG",
        "content/stories/foto.da.md:10: 'noter.pdf' is not an image; use one of .avif, .jpeg, .jpg, .png, .svg, .webp",
    ]


def test_the_decompression_bomb_limit_is_set() -> None:
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 100_000_000


# Share cards ----------------------------------------------------------------------------------------------


def _meta(html: str) -> dict[str, str]:
    tree = LexborHTMLParser(html)
    return {
        (node.attributes.get("property") or node.attributes.get("name") or ""): node.attributes.get("content") or ""
        for node in tree.css("meta[property^='og:image'], meta[name='twitter:card']")
    }


def test_share_cards_for_stories_and_towns(site: Site) -> None:
    photo_story(site, jpeg((3000, 2000), exif=camera_exif()))
    site.build()
    with_photo = _meta(site.read(STORY_PAGE))
    assert with_photo["twitter:card"] == "summary_large_image"
    assert with_photo["og:image"].startswith("https://example.dk/media/share-foto-")
    assert with_photo["og:image"].endswith(".jpg") and with_photo["og:image:type"] == "image/jpeg"
    assert (with_photo["og:image:width"], with_photo["og:image:height"]) == ("1200", "630")
    assert with_photo["og:image:alt"] == "Foto – Torvet en sommerdag"
    without_photo = _meta(site.read("byer/grindsted/index.html"))
    assert without_photo["og:image"].endswith(".jpg") and without_photo["og:image:alt"] == "Grindsted"
    for meta in (with_photo, without_photo):
        data = (site.root / "output" / meta["og:image"].removeprefix("https://example.dk/")).read_bytes()
        with Image.open(io.BytesIO(data)) as card:
            assert card.size == (1200, 630) and not card.getexif()
    for page in ("historier/havnebad/index.html", "en/stories/harbour-bath/index.html", "byer/billund/index.html"):
        assert _meta(site.read(page))["og:image"].startswith("https://example.dk/media/share-")
    assert _meta(site.read("om/index.html")) == {"twitter:card": "summary"}  # a free page has no card
    assert _meta(site.read("index.html")) == {"twitter:card": "summary"}


def test_a_share_card_changes_with_the_title_only(site: Site) -> None:
    site.build()
    first = _meta(site.read("byer/billund/index.html"))["og:image"]
    site.build()
    assert _meta(site.read("byer/billund/index.html"))["og:image"] == first
    site.write("content/towns/billund.da.md", town("Billund by"))
    site.build()
    second = _meta(site.read("byer/billund/index.html"))["og:image"]
    assert second != first
    assert not (site.root / "output" / first.removeprefix("https://example.dk/")).exists()


def test_the_font_is_bundled_with_the_theme() -> None:
    font = Path(__file__).resolve().parent.parent / "themes/default" / images.FONT
    assert font.is_file() and font.with_name("DejaVuSans-Bold.LICENSE.txt").is_file()


def test_cached_files_no_output_publishes_are_removed_when_old(site: Site) -> None:
    cache = site.root / ".cache/images"
    story_file = site.root / "content/stories/skolen.da.md"

    def retitle(old: str, new: str) -> set[str]:
        story_file.write_text(story_file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        site.build()
        return {path.name for path in cache.iterdir()}

    site.build()
    first = {path.name for path in cache.iterdir()}
    second = retitle("Skolen åbner", "Skolen er åben")
    (card_b,) = second - first
    (card_a,) = {name for name in first if name != "manifest.json" and (cache / name).stat().st_nlink == 1}
    os.utime(cache / card_a, (1_000_000_000, 1_000_000_000))  # unpublished since 2001
    third = retitle("Skolen er åben", "Skolen")
    (card_c,) = third - second
    assert card_a not in third  # old and published nowhere: removed
    assert card_b in third  # published nowhere, but recent: kept
    assert (cache / card_c).stat().st_nlink == 2 and "manifest.json" in third
    assert site.build().written == []


def test_an_image_name_saved_with_decomposed_letters_is_found(site: Site) -> None:
    """macOS may save 'bål.jpg' as 'ba' + a combining ring + 'l.jpg'; the Markdown has the one letter."""
    site.write("content/stories/images/" + unicodedata.normalize("NFD", "bål.jpg"), jpeg((600, 400)))
    site.write("content/stories/baal.da.md", story("Bål", body="![Bål ved åen](images/bål.jpg)"))
    site.build()
    assert pictures(site.read("historier/baal/index.html"))


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("images/Havnebad.JPG", "did you mean 'images/havnebad.jpg'? (names are case-sensitive)"),
        ("images/havnbad.jpg", "did you mean 'images/havnebad.jpg'?"),
        ("images/torvet.jpg", "check the name; looked for content/stories/images/torvet.jpg"),
    ],
)
def test_a_missing_image_names_the_file_probably_meant(site: Site, written: str, hint: str) -> None:
    site.write("content/stories/images/havnebad.jpg", jpeg((600, 400)))
    site.write("content/stories/bad.da.md", story("Bad", body=f"![Havnebadet]({written})"))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [(e.message, e.hint) for e in caught.value.errors] == [(f"'{written}' does not exist", hint)]
