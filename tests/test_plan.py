"""The page plan of lists long enough to paginate: topics, audiences and towns split like the archive,
each numbered page paired only with the same page of the same list in the other language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.content import load_sources
from sitegen.context import page_context
from sitegen.errors import SiteErrors
from sitegen.model import assemble_site
from sitegen.plan import Pagination, PlannedPage, plan_site

from .conftest import BUILD_DATE, Site, minimal_site, story, town

# key, date, town, topics, audiences, languages (the minimal site adds havnebad and skolen)
STORIES = [
    ("g1", "2026-06-04", "grindsted", "nature", "", "da en"),
    ("g2", "2026-06-03", "grindsted", "nature", "", "da en"),
    ("g3", "2026-06-02", "grindsted", "nature", "", "da en"),
    ("g4", "2026-06-01", "grindsted", "nature", "", "da"),
    ("b1", "2026-04-20", "billund", "children-capital", "families", "da en"),
    ("b2", "2026-04-15", "billund", "children-capital", "families", "da en"),
    ("b3", "2026-04-10", "billund", "children-capital", "families", "da en"),
]


def paginated_site(root: Path) -> Site:
    """The minimal site (two stories a page) with enough stories for lists of two and three pages."""
    site = minimal_site(root)
    site.write("content/towns/billund.en.md", town("Billund", 6662, body="A good place."))
    for key, date, town_key, topics, audiences, langs in STORIES:
        for lang in langs.split():
            extra = f"topics: [{topics}]\naudience: [{audiences}]\n"
            site.write(f"content/stories/{key}.{lang}.md", story(f"{key} {lang}", date, town_key, extra))
    return site


@pytest.fixture
def paginated(tmp_path: Path) -> Site:
    return paginated_site(tmp_path)


def plan(site: Site) -> dict[str, PlannedPage]:
    config = load_config(site.root)
    model = assemble_site(config, load_sources(site.root, list(config.languages)), BUILD_DATE, drafts=False)
    return {page.url: page for page in plan_site(model)}


def keys(page: PlannedPage) -> list[str]:
    return [entry_id[1] for entry_id in page.items]


def test_topic_and_audience_pages_are_split_like_the_archive(paginated: Site) -> None:
    pages = plan(paginated)
    nature = ["/emner/natur/", "/emner/natur/side/2/", "/emner/natur/side/3/"]
    assert [keys(pages[url]) for url in nature] == [["g1", "g2"], ["g3", "g4"], ["havnebad"]]
    assert all(pages[url].pagination == Pagination(n, 3, tuple(nature)) for n, url in enumerate(nature, 1))
    assert {pages[url].kind for url in nature} == {"topic"} and {pages[url].term for url in nature} == {"nature"}
    assert keys(pages["/en/topics/nature/page/2/"]) == ["g3", "havnebad"]
    assert "/en/topics/nature/page/3/" not in pages
    assert keys(pages["/for/familier/"]) == ["havnebad", "b1"]
    assert keys(pages["/for/familier/side/2/"]) == ["b2", "b3"]
    assert pages["/for/familier/side/2/"].kind == "audience"


def test_a_town_page_shows_its_newest_stories_and_the_rest_follow_on_list_pages(paginated: Site) -> None:
    pages = plan(paginated)
    first = pages["/byer/grindsted/"]
    assert (first.kind, first.template, first.entry) == ("town", "town.html", ("towns", "grindsted", "da"))
    assert keys(first) == ["g1", "g2"] and first.pagination and first.pagination.total == 3
    for url, expected in (("/byer/grindsted/side/2/", ["g3", "g4"]), ("/byer/grindsted/side/3/", ["havnebad"])):
        later = pages[url]
        assert (later.kind, later.template, later.entry, later.town) == (
            "town_stories",
            "town_stories.html",
            None,
            "grindsted",
        )
        assert keys(later) == expected
    assert keys(pages["/en/towns/billund/page/2/"]) == ["b3"]


def test_a_numbered_page_is_translated_by_the_same_page_of_the_same_list(paginated: Site) -> None:
    pages = plan(paginated)
    assert pages["/emner/natur/side/2/"].alternates == (
        ("da", "/emner/natur/side/2/"),
        ("en", "/en/topics/nature/page/2/"),
    )
    assert pages["/emner/natur/side/3/"].alternates == (("da", "/emner/natur/side/3/"),)
    assert pages["/emner/boernenes-hovedstad/side/2/"].alternates == (
        ("da", "/emner/boernenes-hovedstad/side/2/"),
        ("en", "/en/topics/capital-of-children/page/2/"),
    )
    assert pages["/byer/billund/side/2/"].alternates == (
        ("da", "/byer/billund/side/2/"),
        ("en", "/en/towns/billund/page/2/"),
    )
    assert pages["/byer/grindsted/"].alternates == (("da", "/byer/grindsted/"), ("en", "/en/towns/grindsted/"))
    for page in pages.values():  # never two pages of one language, never another list
        languages = [lang for lang, _url in page.alternates]
        assert len(languages) == len(set(languages)), page.url
        for _lang, url in page.alternates:
            other = pages[url]
            assert (other.kind, other.term, other.town) == (page.kind, page.term, page.town), (page.url, url)
            assert (other.pagination and other.pagination.number) == (page.pagination and page.pagination.number)


def test_a_numbered_page_without_a_twin_switches_language_to_the_start_of_its_list(paginated: Site) -> None:
    pages = plan(paginated)
    nature = (("da", "/emner/natur/"), ("en", "/en/topics/nature/"))
    assert pages["/emner/natur/side/3/"].list_alternates == nature
    assert pages["/emner/natur/side/2/"].list_alternates == nature
    assert pages["/emner/natur/"].list_alternates == ()  # page 1 is the start: only its own alternates count
    assert pages["/byer/grindsted/side/3/"].list_alternates == (
        ("da", "/byer/grindsted/"),
        ("en", "/en/towns/grindsted/"),
    )
    paginated.build()
    switch = '<a href="/en/topics/nature/" hreflang="en" lang="en">English</a>'
    assert switch in paginated.read("emner/natur/side/3/index.html")
    assert '<a href="/en/topics/nature/page/2/" hreflang="en"' in paginated.read("emner/natur/side/2/index.html")


def test_the_pager_of_a_term_and_a_town_page(paginated: Site) -> None:
    config = load_config(paginated.root)
    model = assemble_site(config, load_sources(paginated.root, list(config.languages)), BUILD_DATE, drafts=False)
    pages = {page.url: page for page in plan_site(model)}
    topic = page_context(model, pages["/emner/natur/side/2/"], None)["pagination"]
    assert (topic["previous"], topic["next"]) == ("/emner/natur/", "/emner/natur/side/3/")
    assert [p["number"] for p in topic["pages"]] == [1, 2, 3]
    later = page_context(model, pages["/byer/grindsted/side/3/"], None)
    assert later["town"] == {
        "key": "grindsted",
        "name": "Grindsted",
        "url": "/byer/grindsted/",
        "feed": "/byer/grindsted/feed.xml",
    }
    assert (later["pagination"]["previous"], later["pagination"]["next"]) == ("/byer/grindsted/side/2/", None)
    assert page_context(model, pages["/byer/billund/"], None)["pagination"]["next"] == "/byer/billund/side/2/"


def titles(html: str) -> list[str]:
    """The titles of the stories a list shows, in order."""
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_page_two_of_a_topic_lists_its_stories_in_order(paginated: Site) -> None:
    paginated.build()
    html = paginated.read("emner/natur/side/2/index.html")
    assert titles(html) == ["g3 da", "g4 da"]
    assert "<title>Natur (side 2 af 3) – Stærke byer</title>" in html
    assert '<link rel="canonical" href="https://example.dk/emner/natur/side/2/">' in html
    assert '<link rel="alternate" hreflang="en" href="https://example.dk/en/topics/nature/page/2/">' in html
    assert '<a href="/emner/natur/" rel="prev">' in html and '<a href="/emner/natur/side/3/" rel="next">' in html
    assert '<a href="/emner/natur/side/2/" aria-current="page">' in html
    assert titles(paginated.read("en/topics/nature/page/2/index.html")) == ["g3 en", "New harbour bath"]
    last = paginated.read("emner/natur/side/3/index.html")
    assert titles(last) == ["Nyt havnebad"] and 'rel="next"' not in last
    assert '<link rel="alternate" hreflang="en"' not in last  # the English list has two pages


def test_a_town_page_two_shows_only_the_list(paginated: Site) -> None:
    paginated.build()
    first = paginated.read("byer/grindsted/index.html")
    assert titles(first) == ["g1 da", "g2 da"] and "Nyeste historier fra Grindsted" in first
    assert '<a href="/byer/grindsted/side/2/" rel="next">' in first and first.count('"@type": "Place"') == 1
    html = paginated.read("byer/grindsted/side/2/index.html")
    assert titles(html) == ["g3 da", "g4 da"]
    assert "<title>Historier fra Grindsted (side 2 af 3) – Stærke byer</title>" in html
    assert re.search(r"<h1>Historier fra Grindsted <span[^>]*>\(side 2 af 3\)</span></h1>", html)
    assert '<a class="arrow-link" href="/byer/grindsted/">Læs om Grindsted</a>' in html
    assert "application/ld+json" not in html and "Et godt sted." not in html and "data-pagefind-body" not in html
    english = paginated.read("en/towns/billund/page/2/index.html")
    assert titles(english) == ["b3 en"] and "<h1>Stories from Billund <span" in english


def test_town_feeds_cards_and_the_sitemap_still_count_every_story(paginated: Site) -> None:
    paginated.build()
    feed = paginated.read("byer/grindsted/feed.xml")
    assert feed.count("<entry>") == 5  # the feed is not paginated
    assert "5 historier" in paginated.read("byer/index.html")
    sitemap = paginated.read("sitemap.xml")
    for url in ("emner/natur/side/3/", "for/familier/side/2/", "byer/grindsted/side/3/", "en/towns/billund/page/2/"):
        assert f"<loc>https://example.dk/{url}</loc>" in sitemap
    assert 'hreflang="en" href="https://example.dk/en/towns/grindsted/page/2/"' in sitemap


def test_a_title_edit_re_renders_only_the_list_pages_that_show_the_story(paginated: Site) -> None:
    paginated.build()
    paginated.write("content/stories/g4.da.md", story("g4 ny", "2026-06-01", "grindsted", "topics: [nature]\n"))
    rendered = set(paginated.build().rendered)
    assert {"emner/natur/side/2/index.html", "byer/grindsted/side/2/index.html", "historier/g4/index.html"} <= rendered
    assert not rendered & {"emner/natur/index.html", "byer/grindsted/index.html", "emner/natur/side/3/index.html"}


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            ("content/campaigns/natur.da.md", "short_url: emner/natur/side/2\n"),
            "content/campaigns/natur.da.md:4: has the same address /emner/natur/side/2/ as page 2 of the topic "
            "page 'nature'; choose another short_url:",
        ),
        (
            ("config.yaml", "redirects:\n  byer/grindsted/side/2: /byer/\n"),
            "config.yaml: the redirect /byer/grindsted/side/2/ has the same address /byer/grindsted/side/2/ as page 2 "
            "of the stories of content/towns/grindsted.da.md; choose another path under redirects:",
        ),
    ],
    ids=["short_url", "redirect"],
)
def test_an_address_taken_by_a_numbered_page_is_a_clear_error(
    paginated: Site, setting: tuple[str, str], expected: str
) -> None:
    path, text = setting
    if path == "config.yaml":
        paginated.write(path, (paginated.root / path).read_text(encoding="utf-8") + text)
    else:
        paginated.write(
            path, f'---\ntitle: Natur\nsummary: "Om natur."\n{text}blocks:\n  - type: text\n---\n\nTekst.\n'
        )
    with pytest.raises(SiteErrors) as caught:
        paginated.build()
    assert [str(error) for error in caught.value.errors] == [expected]
