"""Campaign pages end to end on small sites: the stories a block selects, short addresses with their
campaign code, noindex, and a clear error for every mistake in the blocks."""

from __future__ import annotations

import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from sitegen.blocks import Action
from sitegen.campaigns import mailto
from sitegen.config import load_config
from sitegen.content import load_sources
from sitegen.errors import SiteErrors
from sitegen.model import assemble_site
from sitegen.plan import plan_site
from sitegen.search import indexed_pages

from .conftest import BUILD_DATE, Site, story

CAMPAIGN = "content/campaigns/familier.da.md"


def campaign(blocks: str, extra: str = "", body: str = "Velkommen.") -> str:
    return f'---\ntitle: "Flyt hertil med børn"\nsummary: "Kom og se byerne."\n{extra}blocks:\n{blocks}---\n\n{body}\n'


def block_links(html: str, block_id: str) -> list[str]:
    """The story links in one block of a campaign page, in order."""
    section = HTMLParser(html).css_first(f"section[aria-labelledby='{block_id}']")
    assert section is not None, block_id
    return [a.attributes["href"] or "" for a in section.css(".card-title a")]


@pytest.fixture
def stories(site: Site) -> Site:
    """Eight Danish stories with known dates, towns, topics and audiences."""
    rows = [  # key, date, town, topics, audience
        ("a", "2026-01-01", "grindsted", "[nature]", "[families]"),
        ("b", "2026-02-01", "billund", "[nature]", "[workers]"),
        ("c", "2026-03-01", "billund", "[children-capital]", "[families, workers]"),
        ("d", "2026-04-01", "grindsted", "[]", "[families]"),
        ("e", "2026-05-02", "billund", "[nature, children-capital]", "[families]"),
        ("f", "2026-06-01", "grindsted", "[nature]", "[business]"),
        ("g", "2026-07-01", "billund", "[Natur]", "[families]"),  # a topic by its Danish label
        ("h", "2026-08-01", "billund", "[nature]", "[families]"),
    ]
    for key, date, town, topics, audience in rows:
        extra = f"topics: {topics}\naudience: {audience}\nslug: {key}\n"
        site.write(f"content/stories/{key}.da.md", story(f"Historie {key}", date=date, town_key=town, extra=extra))
    return site


QUERIES = [
    ("    audience: families\n", ["h", "g", "e"]),  # limit 3 by default, newest first
    ("    audience: families\n    limit: 10\n", ["h", "g", "e", "havnebad", "d", "c", "a"]),
    ("    topics: nature\n    town: billund\n    limit: 10\n", ["h", "g", "e", "b"]),
    ("    topics: [children-capital]\n    audience: [workers]\n", ["c"]),
    ("    town: [Grindsted]\n    audience: [business, families]\n    limit: 2\n", ["f", "havnebad"]),
    ("    topics: Børnenes Hovedstad\n    limit: 5\n", ["e", "c"]),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_a_campaign_shows_exactly_the_stories_its_query_selects(stories: Site, query: str, expected: list[str]) -> None:
    stories.write(CAMPAIGN, campaign(f"  - type: stories\n{query}"))
    stories.build()
    html = stories.read("kampagne/familier/index.html")
    wanted = [f"/historier/{key}/" for key in expected]
    assert block_links(html, "blok-1") == wanted


def test_selected_stories_keep_their_order_and_skip_other_languages(stories: Site) -> None:
    stories.write(CAMPAIGN, campaign("  - type: stories\n    select: [c, havnebad, a, h]\n"))
    stories.write("content/stories/c.en.md", story("Story c", date="2026-03-01", town_key="billund"))
    stories.write(
        "content/campaigns/familier.en.md",
        '---\ntitle: "Move here"\nsummary: "See the towns."\nblocks:\n  - type: stories\n    select: [c, a, h]\n---\n',
    )
    report = stories.build()
    html = stories.read("kampagne/familier/index.html")
    assert block_links(html, "blok-1") == ["/historier/c/", "/historier/havnebad/", "/historier/a/", "/historier/h/"]
    english = stories.read("en/campaign/familier/index.html")
    assert block_links(english, "blok-1") == ["/en/stories/c/"]  # a and h have no English version
    assert [w.message for w in report.warnings if "not published in en" in w.message] == [
        "story 'a' is not published in en (missing, a draft or expired)",
        "story 'h' is not published in en (missing, a draft or expired)",
    ]
    # translations are alternates of each other, and campaigns stay out of the menu and the archive
    assert '<link rel="alternate" hreflang="en" href="https://example.dk/en/campaign/familier/">' in html
    assert "/kampagne/" not in stories.read("historier/index.html")
    assert "/kampagne/" not in stories.read("index.html")


def test_blocks_render_in_order_with_the_body_where_the_text_block_is(site: Site) -> None:
    blocks = (
        '  - type: hero\n    heading: "Velkommen til"\n    text: "Syv byer."\n'
        "  - type: text\n"
        "  - type: towns\n    select: [billund, grindsted]\n"
        '  - type: facts\n    items:\n      - {figure: "9.782", label: "indbyggere i Grindsted (2020)", '
        "source: Danmarks Statistik, source_url: 'https://www.dst.dk/'}\n"
        '  - type: call_to_action\n    heading: "Skriv til os"\n    links:\n'
        "      - {label: Skriv, href: 'mailto:tilflytning@example.dk', subject: Besøg}\n"
        "      - {label: Ring, href: 'tel:+45 12 34 56 78'}\n"
        "      - {label: Om os, href: '../pages/om.da.md'}\n"
    )
    site.write(CAMPAIGN, campaign(blocks, body="## Om byerne\n\nBrødtekst."))
    site.build()
    tree = HTMLParser(site.read("kampagne/familier/index.html"))
    assert [h.text() for h in tree.css("main h1, main h2")] == [
        "Velkommen til",
        "Om byerne",
        "Byerne",
        "Tal og fakta",
        "Skriv til os",
    ]
    assert [a.text() for a in tree.css(".campaign-towns .card-title a")] == ["Billund", "Grindsted"]
    fact = tree.css_first(".fact-item")
    assert fact is not None and "9.782" in fact.text() and "Danmarks Statistik" in fact.text()
    buttons = [a.attributes["href"] for a in tree.css(".campaign-cta a")]
    assert buttons == ["mailto:tilflytning@example.dk?subject=Bes%C3%B8g", "tel:+4512345678", "/om/"]
    og = tree.css_first("meta[property='og:image']")
    assert og is not None  # a share card, like stories and towns


def test_the_short_url_redirects_to_the_campaign_with_its_code(site: Site) -> None:
    cta = (
        '  - type: call_to_action\n    heading: "Skriv"\n    links:\n'
        "      - {label: Book et besøg, href: 'mailto:tilflytning@example.dk?subject=Book et besøg'}\n"
        "      - {label: Velkomstgave, href: 'mailto:tilflytning@example.dk'}\n"
    )
    site.write(CAMPAIGN, campaign(cta, extra="short_url: /flyt/\ncampaign_code: radio-2027\n"))
    site.build()
    redirect = HTMLParser(site.read("flyt/index.html"))
    refresh = redirect.css_first("meta[http-equiv='refresh']")
    assert refresh is not None
    assert refresh.attributes["content"] == "0; url=/kampagne/familier/?kampagne=radio-2027"
    link = redirect.css_first("main a")
    assert link is not None and link.attributes["href"] == "/kampagne/familier/?kampagne=radio-2027"
    assert "flyt/" not in site.read("sitemap.xml")
    # deploy sets the same redirect at the host: the build marker lists it with config.yaml's
    marker = json.loads((site.root / ".cache" / "last-build.json").read_text(encoding="utf-8"))
    assert marker["redirects"] == {"flyt": "/kampagne/familier/?kampagne=radio-2027"}
    # e-mail buttons carry the code in their subject; no cookies, no scripts
    page = site.read("kampagne/familier/index.html")
    subjects = re.findall(r'href="mailto:[^"?]+\?subject=([^"]+)"', page)
    assert subjects == [
        "Book%20et%20bes%C3%B8g%20%28radio-2027%29",
        "Flyt%20hertil%20med%20b%C3%B8rn%20%28radio-2027%29",
    ]
    assert "<script" not in page.split("</head>")[1]


def test_mailto_keeps_other_fields_and_adds_the_code_to_the_subject() -> None:
    action = Action(label="Skriv", href="mailto:a@example.dk?cc=b@example.dk&subject=Hej")
    assert (
        mailto(action, "Titel", "print-2027") == "mailto:a@example.dk?subject=Hej%20%28print-2027%29&cc=b%40example.dk"
    )
    assert mailto(Action(label="Skriv", href="mailto:a@example.dk"), "Flyt", None) == "mailto:a@example.dk?subject=Flyt"


def test_noindex_campaigns_are_out_of_the_sitemap_and_the_search_index(site: Site) -> None:
    hidden = '  - type: hero\n    heading: "Skjult"\n'
    site.write(CAMPAIGN, campaign(hidden, extra="noindex: true\n"))
    site.write("content/campaigns/synlig.da.md", campaign('  - type: hero\n    heading: "Synlig"\n'))
    site.build()
    html = site.read("kampagne/familier/index.html")
    assert '<meta name="robots" content="noindex">' in html
    assert "data-pagefind-body" not in html
    assert '<meta name="robots"' not in site.read("kampagne/synlig/index.html")
    sitemap = site.read("sitemap.xml")
    assert "/kampagne/familier/" not in sitemap and "/kampagne/synlig/" in sitemap

    config = load_config(site.root)
    model = assemble_site(config, load_sources(site.root, list(config.languages)), BUILD_DATE, drafts=False)
    indexed = [page.path for page in indexed_pages(site.root / "output", plan_site(model), {})]
    assert "kampagne/synlig/index.html" in indexed and "kampagne/familier/index.html" not in indexed
    assert (site.root / "output" / "pagefind").is_dir()


CAMPAIGN_ERRORS = [
    (
        "  - type: heor\n    heading: x\n",
        "content/campaigns/familier.da.md:5: blocks (item 1): 'heor' is not a block type; did you mean 'hero'?",
    ),
    (
        "  - heading: x\n",
        "content/campaigns/familier.da.md:5: blocks (item 1): the block has no type; start it with a line like '- type: hero' (hero, stories, towns, events, facts, call_to_action, text)",
    ),
    (
        "  - type: stories\n    limt: 2\n",
        "content/campaigns/familier.da.md:6: blocks (item 1, stories): unknown field 'limt'; did you mean 'limit'?",
    ),
    (
        "  - type: stories\n    select: [a]\n    audience: families\n",
        "content/campaigns/familier.da.md:5: blocks (item 1, stories): choose the stories either with select: or with audience:, topics:, town: and limit:, not both",
    ),
    (
        "  - type: stories\n    audience: famlies\n",
        "content/campaigns/familier.da.md:6: blocks (item 1, stories).audience (item 1): 'famlies' is not one of families, workers or business; did you mean 'families'?",
    ),
    (
        "  - type: stories\n    limit: 100\n",
        "content/campaigns/familier.da.md:6: blocks (item 1, stories).limit: input should be less than or equal to 24",
    ),
    (
        "  - type: hero\n",
        "content/campaigns/familier.da.md:5: blocks (item 1, hero).heading is missing; add a line like 'heading: ...' to it",
    ),
    (
        "  - type: hero\n    heading: x\n    image: images/a.jpg\n",
        "content/campaigns/familier.da.md:5: blocks (item 1, hero): the image 'images/a.jpg' has no alt text; describe what the photo shows, like image_alt: \"Børn leger på torvet\" (or image_decorative: true)",
    ),
    (
        "  - type: facts\n    items:\n      - {figure: 7, label: byer}\n",
        "content/campaigns/familier.da.md:7: blocks (item 1, facts).items (item 1).source is missing; add a line like 'source: ...' to it",
    ),
    (
        "  - type: facts\n    items: []\n",
        "content/campaigns/familier.da.md:6: blocks (item 1, facts).items: list should have at least 1 item after validation, not 0",
    ),
    (
        "  - type: call_to_action\n    heading: x\n    links:\n      - {label: Se, href: 'http://billund.dk'}\n",
        "content/campaigns/familier.da.md:8: blocks (item 1, call_to_action).links (item 1).href: 'http://billund.dk' is not secure; write https://",
    ),
    (
        "  - type: call_to_action\n    heading: x\n    links:\n      - {label: Se, href: 'kontakt'}\n",
        "content/campaigns/familier.da.md:8: blocks (item 1, call_to_action).links (item 1).href: 'kontakt' is not a link this block can use; write mailto:name@billund.dk, tel:+45..., https://... or a content file like ../pages/kontakt.da.md",
    ),
    (
        "  - type: call_to_action\n    heading: x\n    links:\n      - {label: Se, href: 'https://a.dk', subject: Hej}\n",
        "content/campaigns/familier.da.md:8: blocks (item 1, call_to_action).links (item 1): subject: only goes with a mailto: link",
    ),
    (
        "  - type: events\n    audience: [famlies]\n",
        "content/campaigns/familier.da.md:6: blocks (item 1, events).audience: 'famlies' is not one of families, workers or business; did you mean 'families'?",
    ),
]


@pytest.mark.parametrize(
    ("blocks", "expected"), CAMPAIGN_ERRORS, ids=[e[1].split(": ", 1)[1][:60] for e in CAMPAIGN_ERRORS]
)
def test_every_block_mistake_has_a_clear_message(site: Site, blocks: str, expected: str) -> None:
    site.write(CAMPAIGN, campaign(blocks))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [str(error) for error in caught.value.errors] == [expected]


CROSS_FILE_ERRORS = [
    (
        "  - type: stories\n    select: [havnebad, skolen, havenbad]\n",
        "",
        "content/campaigns/familier.da.md:6: story 'havenbad' does not exist; did you mean 'havnebad'?",
    ),
    (
        "  - type: stories\n    topics: [natur, kultur]\n",
        "",
        "content/campaigns/familier.da.md:6: topic 'kultur' is not in config.yaml; topics: nature, children-capital",
    ),
    (
        "  - type: stories\n    town: grinsted\n",
        "",
        "content/campaigns/familier.da.md:6: town 'grinsted' does not exist; did you mean 'grindsted'?",
    ),
    (
        "  - type: towns\n    select:\n      - billund\n      - vorbase\n",
        "",
        "content/campaigns/familier.da.md:8: town 'vorbase' does not exist; use the file name without .da.md from content/towns/",
    ),
    (
        "  - type: events\n    town: bilund\n",
        "",
        "content/campaigns/familier.da.md:6: town 'bilund' does not exist; did you mean 'billund'?",
    ),
    (
        "  - type: call_to_action\n    heading: x\n    links:\n      - {label: Om, href: '../pages/omm.da.md'}\n",
        "",
        "content/campaigns/familier.da.md:8: the link '../pages/omm.da.md' goes to a missing file; did you mean 'om'?",
    ),
    (
        "  - type: text\n  - type: hero\n    heading: x\n",
        "",
        "content/campaigns/familier.da.md:6: the hero block must be the first block; move it to the top",
    ),
    (
        "  - type: text\n  - type: text\n",
        "",
        "content/campaigns/familier.da.md:6: a second text block; a page has at most one",
    ),
    (
        "  - type: text\n",
        "short_url: historier\n",
        "content/campaigns/familier.da.md:4: has the same address /historier/ as the archive page; choose another short_url:",
    ),
    (
        "  - type: text\n",
        "short_url: Flyt til\n",
        "content/campaigns/familier.da.md:4: short_url: 'Flyt til' must be a short address of lowercase words, like flyt or move",
    ),
]


@pytest.mark.parametrize(
    ("blocks", "extra", "expected"), CROSS_FILE_ERRORS, ids=[e[2].split(": ", 1)[1][:50] for e in CROSS_FILE_ERRORS]
)
def test_what_a_block_names_must_exist(site: Site, blocks: str, extra: str, expected: str) -> None:
    site.write(CAMPAIGN, campaign(blocks, extra=extra))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [str(error) for error in caught.value.errors] == [expected]


def test_two_campaigns_with_one_short_url_are_an_error(site: Site) -> None:
    site.write(CAMPAIGN, campaign("  - type: text\n", extra="short_url: flyt\n"))
    site.write("content/campaigns/flyt.en.md", campaign("  - type: text\n", extra="short_url: flyt\n"))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert [str(error) for error in caught.value.errors] == [
        "content/campaigns/flyt.en.md:4: has the same address /flyt/ as the short_url of "
        "content/campaigns/familier.da.md; choose another short_url:"
    ]


def test_the_section_word_comes_from_config_yaml(site: Site) -> None:
    config = (site.root / "config.yaml").read_text(encoding="utf-8")
    site.write("config.yaml", config.replace("page: side}", "page: side, campaigns: tema}"))
    site.write(CAMPAIGN, campaign("  - type: text\n"))
    site.build()
    assert (site.root / "output" / "tema" / "familier" / "index.html").is_file()
