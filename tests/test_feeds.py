"""Atom feeds, sitemap and robots.txt, read back with real XML parsers and the sitemap schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema

from .conftest import Site, story

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SCHEMAS = Path(__file__).parent / "schemas"


def sitemap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema([SCHEMAS / "sitemap.xsd", SCHEMAS / "xhtml-link.xsd"])


def test_language_feed_lists_stories_newest_first(site: Site) -> None:
    site.build()
    feed = ET.fromstring(site.read("feed.xml"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "https://example.dk/"
    assert feed.findtext(f"{ATOM}updated") == "2026-05-01T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Nyt havnebad", "Skolen åbner"]
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == "https://example.dk/historier/havnebad/"
    assert first.find(f"{ATOM}link").get("href") == "https://example.dk/historier/havnebad/"  # type: ignore[union-attr]
    assert "<li>svømning</li>" in (first.findtext(f"{ATOM}content") or "")
    english = ET.fromstring(site.read("en/feed.xml"))
    assert [e.findtext(f"{ATOM}title") for e in english.findall(f"{ATOM}entry")] == ["New harbour bath"]


def test_town_feed_has_only_that_towns_stories(site: Site) -> None:
    site.build()
    feed = ET.fromstring(site.read("byer/billund/feed.xml"))
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Skolen åbner"]
    self_link = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["https://example.dk/byer/billund/feed.xml"]


def test_feed_escapes_titles(site: Site) -> None:
    site.write("content/stories/tegn.da.md", story("Fisk & <chips>", date="2026-06-01"))
    site.build()
    feed = ET.fromstring(site.read("feed.xml"))
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}title") == "Fisk & <chips>"  # type: ignore[union-attr]


def test_feed_size_is_capped(site: Site) -> None:
    config = site.root / "config.yaml"
    config.write_text(config.read_text() + "feed_entries: 1\n")
    site.build()
    assert len(ET.fromstring(site.read("feed.xml")).findall(f"{ATOM}entry")) == 1


def test_sitemap_is_valid_and_has_symmetric_alternates(site: Site) -> None:
    site.build()
    text = site.read("sitemap.xml")
    sitemap_schema().validate(text)
    urls = ET.fromstring(text).findall(f"{SM}url")
    alternates = {
        u.findtext(f"{SM}loc"): {link.get("hreflang"): link.get("href") for link in u.findall(f"{XHTML}link")}
        for u in urls
    }
    assert "https://example.dk/404.html" not in alternates
    assert alternates["https://example.dk/historier/havnebad/"] == {
        "da": "https://example.dk/historier/havnebad/",
        "en": "https://example.dk/en/stories/harbour-bath/",
    }
    for loc, links in alternates.items():
        for href in links.values():
            assert alternates[href] == links, loc
    assert alternates["https://example.dk/historier/skolen/"] == {}


def test_robots_points_to_the_sitemap(site: Site) -> None:
    site.build()
    assert site.read("robots.txt") == "User-agent: *\nAllow: /\n\nSitemap: https://example.dk/sitemap.xml\n"
