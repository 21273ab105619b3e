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
from .schemas import Campaign, Event, Story, Town
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
    reference, alt, line = _lead(entry, errors)
    if reference:
        try:
            html, url, lead_files = media.picture(source.path, reference, alt or "", lead=True)
        except FixableError as exc:
            errors.append(SiteError(source.path, line, exc.message, exc.hint))
        else:
            files += [replace(f, uses=(Use(source.path, line, reference),)) for f in lead_files]
            image = {"html": html, "src": url, "alt": alt or ""}
            if lead_files[0].inputs[0][1].format != "SVG":  # Pillow cannot draw an SVG into a card
                photo = lead_files[0].inputs[0]
    share = None
    if isinstance(meta, Story | Town | Event | Campaign) and not errors:
        card = _card(media, site, entry, photo, line, reference or "")
        files.append(card)
        width, height = CARD_SIZE
        share = {
            "url": site.config.absolute(site.config.base_path + card.output),
            "width": width,
            "height": height,
            "alt": f"{entry.title} – {alt}" if photo and alt else entry.title,
            "type": ENCODERS["JPEG"].mime,
        }
    return PageMedia(image, share, tuple(files), tuple(errors))


def _lead(entry: Entry, errors: list[SiteError]) -> tuple[str | None, str | None, int]:
    """The lead image, its alt text and its line: the front matter's `image`, or a campaign's hero photo."""
    meta = entry.source.meta
    if isinstance(meta, Campaign):  # the hero block's alt text rules are checked by its schema
        hero = meta.hero
        if hero is None or not hero.image:
            return None, None, 1
        line = entry.source.field_lines.get(f"blocks.{meta.blocks.index(hero)}.image", 1)
        return hero.image, hero.image_alt or "", line
    line = entry.source.field_lines.get("image", 1)
    return (meta.image, _lead_alt(entry, errors), line) if meta.image else (None, None, line)


def _lead_alt(entry: Entry, errors: list[SiteError]) -> str | None:
    """The lead image's alt text; a missing or empty one is an error unless the image is marked decorative."""
    source = entry.source
    meta = source.meta
    assert not isinstance(meta, Campaign)
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


def _card(
    media: Media, site: Site, entry: Entry, photo: tuple[str, SourceInfo] | None, image_line: int, reference: str
) -> MediaFile:
    """The share card: the page's title, its town (a story or event) or the organisation, the site's name."""
    config = site.config
    meta = entry.source.meta
    if isinstance(meta, Story | Event):
        town = site.get("towns", meta.town, entry.lang)
        eyebrow = town.title if town else ""
    else:
        eyebrow = config.organization.name
    brand = config.languages[entry.lang].title.split(" – ", 1)[0]
    text = CardText(entry.title, eyebrow, brand)
    line = image_line if photo else entry.source.field_lines.get("name" if entry.kind == "towns" else "title", 1)
    return media.card(entry, text, photo, Use(entry.source.path, line, reference))
