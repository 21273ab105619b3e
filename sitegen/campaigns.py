"""Campaign pages: the cross-file rules of their blocks, their short addresses and campaign codes.

A campaign (`content/campaigns/<key>.<lang>.md`) is a landing page for one audience, made of the
blocks in `sitegen/blocks.py`. This module checks what the blocks name (stories, towns, topics,
links to content files) with the line of each, makes the short address (`short_url: flyt` ->
`/flyt/`) a redirect page like those of `redirects:` in config.yaml, and puts the campaign code
into the redirect's target (`?kampagne=radio-2027`) and into the subject of e-mail links, so the
settlement service can count responses without cookies, storage or scripts.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from .blocks import Action, CallToActionBlock, EventsBlock, StoriesBlock, TownsBlock
from .config import Config
from .content import Source
from .errors import SiteError, did_you_mean
from .schemas import Campaign
from .text import slugify

if TYPE_CHECKING:
    from .model import Site

CODE_PARAMETER = "kampagne"  # the query parameter of a short address: /kampagne/...?kampagne=radio-2027
Identity = tuple[str, str, str]  # kind, key, language


@dataclass(frozen=True)
class ShortUrl:
    """A campaign's short address: the redirect page it becomes and the file that asks for it."""

    path: str  # below the base path, without slashes: flyt
    lang: str
    target: str  # the campaign page, with the code as a query parameter
    source: str
    line: int


def check_campaign(
    config: Config,
    source: Source,
    campaign: Campaign,
    found: frozenset[Identity],
    published: set[Identity],
    topics: dict[str, str],
    warnings: list[SiteError],
) -> list[SiteError]:
    """Errors for what the blocks name but the site does not have; warnings for what is not published."""
    errors: list[SiteError] = []
    checks = _Checks(source, found, published, warnings, errors)
    for index, block in enumerate(campaign.blocks):
        if block.type == "hero" and index > 0:
            errors.append(
                SiteError(
                    source.path, checks.line(index), "the hero block must be the first block", "move it to the top"
                )
            )
        if block.type in ("hero", "text") and any(other.type == block.type for other in campaign.blocks[:index]):
            errors.append(
                SiteError(source.path, checks.line(index), f"a second {block.type} block", "a page has at most one")
            )
        if isinstance(block, StoriesBlock):
            for position, key in enumerate(block.select or ()):
                checks.key("stories", key, (index, "select", position), "story")
            for position, town in enumerate(block.town):
                checks.key("towns", town, (index, "town", position), "town", exists_only=True)
            for position, topic in enumerate(block.topics):
                if topic not in topics:
                    hint = did_you_mean(topic, config.topics) or f"topics: {', '.join(config.topics)}"
                    errors.append(SiteError(source.path, checks.line(index, "topics", position), _unknown(topic), hint))
        elif isinstance(block, TownsBlock):
            for position, key in enumerate(block.select or ()):
                checks.key("towns", key, (index, "select", position), "town")
        elif isinstance(block, EventsBlock) and block.town:
            checks.key("towns", block.town, (index, "town"), "town", exists_only=True)
        elif isinstance(block, CallToActionBlock):
            for position, action in enumerate(block.links):
                if action.href.split("#")[0].endswith(".md"):
                    checks.link(action.href, (index, "links", position, "href"))
    return errors


def _unknown(topic: str) -> str:
    return f"topic '{topic}' is not in config.yaml"


@dataclass
class _Checks:
    source: Source
    found: frozenset[Identity]
    published: set[Identity]
    warnings: list[SiteError]
    errors: list[SiteError]

    def line(self, *location: str | int) -> int:
        """The line of a place inside `blocks:`, or of the deepest part of it the YAML has."""
        parts = ["blocks", *(str(part) for part in location)]
        for end in range(len(parts), 0, -1):
            line = self.source.field_lines.get(".".join(parts[:end]))
            if line is not None:
                return line
        return 1

    def key(self, kind: str, key: str, location: tuple[str | int, ...], what: str, exists_only: bool = False) -> None:
        """A story or town named by key: an error if no such file, a warning if not published in this language."""
        line = self.line(*location)
        keys = {k for kd, k, _ in self.found if kd == kind}
        if key not in keys:
            hint = did_you_mean(key, keys) or f"use the file name without .{self.source.lang}.md from content/{kind}/"
            self.errors.append(SiteError(self.source.path, line, f"{what} '{key}' does not exist", hint))
        elif not exists_only and (kind, key, self.source.lang) not in self.published:
            self.warnings.append(
                SiteError(
                    self.source.path,
                    line,
                    f"{what} '{key}' is not published in {self.source.lang} (missing, a draft or expired)",
                    f"the block leaves it out until content/{kind}/{key}.{self.source.lang}.md is published",
                )
            )

    def link(self, href: str, location: tuple[str | int, ...]) -> None:
        """A button's link to a content file: the file must exist, and its page be published."""
        line = self.line(*location)
        target = content_target(self.source.path, href)
        if target is None:
            self.errors.append(
                SiteError(self.source.path, line, f"the link '{href}' points outside content/", "link to a file there")
            )
            return
        kind, key, lang = target
        if not any((kind, key) == (kd, ky) for kd, ky, _ in self.found):
            keys = {k for kd, k, _ in self.found if kd == kind}
            hint = did_you_mean(key, keys) or f"check the file name in content/{kind}/"
            self.errors.append(SiteError(self.source.path, line, f"the link '{href}' goes to a missing file", hint))
        elif not any((kind, key, other) in self.published for other in (self.source.lang, lang)):
            self.warnings.append(
                SiteError(
                    self.source.path,
                    line,
                    f"the link '{href}' goes to a page that is not published",
                    "the button is left out until that page is published",
                )
            )


def content_target(source_path: str, href: str) -> Identity | None:
    """(kind, key, language) of a link like ../pages/kontakt.da.md, written from `source_path`; None if outside."""
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), href.split("#")[0]))
    parts = relative.split("/")
    if len(parts) < 3 or parts[0] != "content":
        return None
    stem = parts[-1][: -len(".md")]
    key, _, lang = stem.rpartition(".")
    return (parts[1], slugify(key), lang) if key and len(lang) == 2 else (parts[1], slugify(stem), "")


def short_urls(site: Site) -> list[ShortUrl]:
    """The short address of every published campaign that has one, in a stable order."""
    found = []
    for lang in site.config.language_order():
        for entry in site.all("campaigns", lang):
            meta = entry.source.meta
            if isinstance(meta, Campaign) and meta.short_url:
                line = entry.source.field_lines.get("short_url", 1)
                found.append(
                    ShortUrl(meta.short_url, lang, with_code(entry.url, meta.campaign_code), entry.source.path, line)
                )
    return sorted(found, key=lambda s: (s.path, s.lang, s.source))


def with_code(url: str, code: str | None) -> str:
    """The campaign page's address with the code as a plain query parameter."""
    return f"{url}?{urlencode({CODE_PARAMETER: code})}" if code else url


def mailto(action: Action, default_subject: str, code: str | None) -> str:
    """A mailto: link whose subject carries the campaign code: 'Book et besøg (radio-2027)'."""
    parts = urlsplit(action.href)
    query = dict(parse_qsl(parts.query))
    subject = action.subject or query.pop("subject", "") or default_subject
    query.pop("subject", None)
    if code:
        subject = f"{subject} ({code})"
    fields = {"subject": subject, **query}
    encoded = "&".join(f"{name}={quote(value, safe='')}" for name, value in fields.items())
    return f"mailto:{parts.path}?{encoded}"
