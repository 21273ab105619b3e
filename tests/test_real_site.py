"""The real content/ built end to end: every page, feed and sitemap entry exists, links resolve,
translations point at each other, and a broken story fails cleanly and can be fixed."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitegen.cli import main
from sitegen.content import load_sources

from .conftest import BUILD_DATE, Site
from .test_feeds import ATOM, SM, XHTML, sitemap_schema

BASE = "https://staerkebyer.billund.dk"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.alternates: dict[str, str] = {}
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "link" and values.get("rel") == "alternate" and values.get("hreflang"):
            self.alternates[values["hreflang"] or ""] = values.get("href") or ""
        for name in ("href", "src"):
            if (tag != "link" or values.get("rel") == "stylesheet") and values.get(name):
                self.hrefs.append(values[name] or "")


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _page_file(out: Path, path: str) -> Path:
    target = out / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def test_every_content_file_has_its_page(real_site: Site) -> None:
    loaded = load_sources(real_site.root, ["da", "en"])
    assert not loaded.errors
    kinds = {s.kind for s in loaded.sources}
    assert {"stories", "towns", "pages", "events", "campaigns"} <= kinds
    towns = {s.key for s in loaded.sources if s.kind == "towns"}
    assert towns == {"grindsted", "billund", "soender-omme", "vorbasse", "hejnsvig", "filskov", "stenderup-krogager"}
    files = real_site.outputs()
    html_pages = [p for p in files if p.endswith(".html")]
    assert len(html_pages) >= len(loaded.sources) + 20


def test_every_internal_link_and_asset_resolves(real_site: Site) -> None:
    out = real_site.root / "output"
    for path, data in real_site.outputs().items():
        if not path.endswith(".html"):
            continue
        page = parse(data.decode())
        assert len(page.ids) == len(set(page.ids)), f"duplicate ids in {path}"
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "tel:", "#")):
                continue
            assert _page_file(out, parts.path).is_file(), f"{path} links to missing {href}"


def test_translations_are_symmetric(real_site: Site) -> None:
    out = real_site.root / "output"
    alternates: dict[str, dict[str, str]] = {}
    for path, data in real_site.outputs().items():
        if path.endswith("index.html"):
            url = f"{BASE}/{path[: -len('index.html')]}"
            alternates[url] = {k: v for k, v in parse(data.decode()).alternates.items() if k != "x-default"}
    pairs = 0
    for url, links in alternates.items():
        if not links:
            continue
        assert links.get("da" if "/en/" not in url else "en") == url, url
        for href in links.values():
            assert alternates[href] == links, f"{url} <-> {href}"
            assert _page_file(out, urlsplit(href).path).is_file()
        pairs += 1
    assert pairs >= 50


def test_feeds_and_sitemap_cover_every_page(real_site: Site) -> None:
    files = real_site.outputs()
    sitemap = files["sitemap.xml"].decode()
    sitemap_schema().validate(sitemap)
    locs = {u.findtext(f"{SM}loc") for u in ET.fromstring(sitemap).findall(f"{SM}url")}
    pages = {  # every page but the redirects (/was/, the campaigns' short addresses)
        f"{BASE}/{p[: -len('index.html')]}"
        for p, data in files.items()
        if p.endswith("index.html") and b'http-equiv="refresh"' not in data
    }
    assert locs == pages
    for lang, prefix in (("da", ""), ("en", "en/")):
        feed = ET.fromstring(files[f"{prefix}feed.xml"])
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) >= 12
        for entry in entries:
            href = entry.findtext(f"{ATOM}id") or ""
            assert f"{href[len(BASE) + 1 :]}index.html" in files
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert ET.fromstring(sitemap).find(f"{SM}url/{XHTML}link") is not None


def test_was_redirects_to_the_accessibility_statement(real_site: Site) -> None:
    html = real_site.read("was/index.html")
    assert 'http-equiv="refresh" content="0; url=https://was.digst.dk/' in html


def test_broken_story_fails_cleanly_and_the_fix_builds(
    real_site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "site"
    shutil.copytree(real_site.root, root)
    before = Site(root).outputs()
    broken = root / "content/stories/ny-historie.da.md"
    broken.write_text(
        "---\ntitle: Nyt: havnebad\ndate: 2026-11-01\ntown: billund\nsummary: x\ntranslation: false\n---\n\nTekst.\n",
        encoding="utf-8",
    )
    arguments = ["build", "--root", str(root), "--build-date", BUILD_DATE.isoformat(), "--strict"]
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert "content/stories/ny-historie.da.md:2: YAML found a ':' it did not expect" in err
    assert Site(root).outputs() == before
    broken.write_text(broken.read_text(encoding="utf-8").replace("Nyt: havnebad", '"Nyt: havnebad"'), encoding="utf-8")
    assert main(arguments) == 0
    assert "Nyt: havnebad" in Site(root).read("historier/ny-historie/index.html")
