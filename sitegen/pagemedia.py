"""Page media: what a content page's template sees of its images, and the files they need.

`page_media()` runs in the page workers after the page's Markdown: it resolves the front matter's
lead image (`image`, with the `image_alt` / `image_decorative` rules) into a `<picture>`, plans the
share card (og:image) of a story or town, and collects these files with the body's images, each
with the content lines that use it. Resolving and naming the files is `images.Media`'s work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .errors import FixableError, SiteError
from .images import ImageResolver, Media, MediaFile, Use
from .imaging import ENCODERS, SourceInfo
from .markdown import RenderedMarkdown
from .model import Entry, Site
from .schemas import Story, Town
from .sharecards import CARD_SIZE, CardText


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
    """The share card: the page's title, its town (a story) or the organisation (a town), the site's name."""
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
