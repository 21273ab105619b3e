"""Machine-readable outputs: Atom feeds per language and town, calendars, the sitemap with hreflang, robots.txt."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from .calendars import calendar_files
from .markdown import RenderedMarkdown
from .model import Entry, Site
from .plan import PlannedPage

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def machine_outputs(
    site: Site, planned: list[PlannedPage], body_of: Callable[[Entry], RenderedMarkdown | None]
) -> dict[str, bytes]:
    """Every feed, the sitemap and robots.txt, keyed by their path in output/."""
    files = atom_feeds(site, body_of)
    files.update(calendar_files(site))  # every event's .ics and a calendar feed per language
    files["sitemap.xml"] = sitemap(site, planned)
    files["robots.txt"] = robots(site)
    return files


def atom_feeds(site: Site, body_of: Callable[[Entry], RenderedMarkdown | None]) -> dict[str, bytes]:
    """The Atom feed of each language and of each town, keyed by their path in output/."""
    files: dict[str, bytes] = {}
    base = site.config.base_path
    for lang in site.config.language_order():
        language = site.config.languages[lang]
        home = site.home_url(lang)
        stories = site.all("stories", lang)
        files[home[len(base) :] + "feed.xml"] = atom_feed(site, language.title, home, stories, body_of)
        for town in site.all("towns", lang):
            title = f"{language.title}: {town.title}"
            files[town.url[len(base) :] + "feed.xml"] = atom_feed(
                site, title, town.url, site.stories_of_town(town.key, lang), body_of
            )
    return files


def _timestamp(date: dt.date) -> str:
    """A story's date as an Atom timestamp: midnight UTC, so feeds do not depend on the build's clock."""
    return f"{date.isoformat()}T00:00:00Z"


def atom_feed(
    site: Site, title: str, page_url: str, stories: list[Entry], body_of: Callable[[Entry], RenderedMarkdown | None]
) -> bytes:
    """An Atom 1.0 feed of the newest stories; `updated` is the newest story's date."""
    config = site.config
    shown = stories[: config.feed_entries]
    feed = ET.Element("feed", xmlns=ATOM)
    feed.set("xml:lang", stories[0].lang if stories else config.default_language)
    _text(feed, "title", title)
    _text(feed, "id", config.absolute(page_url))
    newest = shown[0].story.date if shown else dt.date(2000, 1, 1)
    _text(feed, "updated", _timestamp(newest))
    ET.SubElement(feed, "link", rel="self", href=config.absolute(page_url + "feed.xml"))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=config.absolute(page_url))
    author = ET.SubElement(feed, "author")
    _text(author, "name", config.organization.name)
    for entry in shown:
        story = entry.story
        item = ET.SubElement(feed, "entry")
        _text(item, "title", story.title)
        _text(item, "id", config.absolute(entry.url))
        ET.SubElement(item, "link", rel="alternate", type="text/html", href=config.absolute(entry.url))
        _text(item, "published", _timestamp(story.date))
        _text(item, "updated", _timestamp(story.date))
        if story.author:
            _text(ET.SubElement(item, "author"), "name", story.author)
        _text(item, "summary", story.summary)
        body = body_of(entry)
        if body is not None:
            _text(item, "content", body.html).set("type", "html")
    return _serialise(feed)


def sitemap(site: Site, planned: list[PlannedPage]) -> bytes:
    """Every indexable page with its translations as xhtml:link alternates.

    Written as text (one line per element, as ElementTree would indent it): it lists every page of
    the site, and building an element tree of them cost more than all the rest of an unchanged build."""
    absolute = site.config.absolute
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP}" xmlns:xhtml="{XHTML}">']
    for page in planned:
        if page.kind in ("notfound", "redirect") or page.noindex:
            continue
        lines.append(f"  <url>\n    <loc>{escape(absolute(page.url))}</loc>")
        if page.entry and page.kind == "story":
            lines.append(f"    <lastmod>{site.entries[page.entry].story.date.isoformat()}</lastmod>")
        if len(page.alternates) > 1:
            for lang, href in page.alternates:
                attributes = f'rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(absolute(href))}'
                lines.append(f"    <xhtml:link {attributes} />")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(site: Site) -> bytes:
    """Allow everything and point to the sitemap."""
    sitemap_url = site.config.absolute(site.config.base_path + "sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = text
    return child


def _serialise(root: ET.Element) -> bytes:
    """Namespaces are written as plain xmlns attributes on the root, so the XML reads as usual."""
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
