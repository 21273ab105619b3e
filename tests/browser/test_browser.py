"""The site used as a visitor would: clicking links, the keyboard, a phone-sized screen, no JavaScript.

Every page opened through `new_page`/`page` is watched: a console error, a script error, a failed
request, an HTTP error for an asset or a request to any host but the local server fails the test.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from .conftest import PageFactory, ServedSite, Watch, numbered_lists

MAX_STORY_WEIGHT = 30 * 1024  # bytes of HTML + CSS + JS, gzip-compressed


def _alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)"', html))


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found, "no <html lang>"
    return found.group(1)


def _sections(site: ServedSite, prefix: str) -> list[str]:
    """The pages directly below `prefix` (e.g. `/historier/`), without the archive's own pages."""
    return [
        path
        for path in site.html_pages()
        if path.startswith(prefix) and path.count("/") == prefix.count("/") + 1 and path.endswith("/")
        if not re.fullmatch(r"(side|page)", path[len(prefix) : -1])
    ]


def _open(page: Page, path: str) -> Response:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    return response


def _same_path(url: str, path: str) -> bool:
    return urlsplit(url).path == urlsplit(path).path


def test_home_page_loads_cleanly_and_only_from_this_site(page: Page, watch: Watch, served_site: ServedSite) -> None:
    _open(page, "/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # load the lazy images too
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_count(1)
    assert any(url.endswith(".css") for url in watch.requests), watch.requests
    assert any(url.endswith(".js") for url in watch.requests), watch.requests
    assert any(url.endswith(".svg") for url in watch.requests), watch.requests
    foreign = [url for url in watch.requests if not url.startswith(served_site.url + "/")]
    assert not foreign, f"requests to other hosts: {foreign}"
    watch.check()


def test_language_switch_lands_on_the_translation(page: Page, served_site: ServedSite) -> None:
    story = _sections(served_site, "/historier/")[0]
    _open(page, story)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    translation = page.locator('link[rel="alternate"][hreflang="en"]').get_attribute("href")
    assert translation and "/en/" in translation, f"{story} has no English translation to switch to"
    page.locator(".language-switch a[hreflang='en']").click()
    page.wait_for_url(lambda url: _same_path(url, translation))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # and back again
    page.locator(".language-switch a[hreflang='da']").click()
    page.wait_for_url(lambda url: _same_path(url, story))
    expect(page.locator("html")).to_have_attribute("lang", "da")


def test_language_switch_without_translation_goes_to_the_other_home(page: Page, served_site: ServedSite) -> None:
    untranslated = []
    for path in served_site.html_pages():
        html = served_site.file_for(path).read_text(encoding="utf-8")
        if not path.endswith("/") or 'http-equiv="refresh"' in html:  # /was/, campaigns' short addresses
            continue
        lang = _lang(html)
        other = "en" if lang == "da" else "da"
        if other not in _alternates(html):
            untranslated.append((path, other))
    if not untranslated:
        pytest.skip("every page of the real content/ has a translation, so there is no untranslated page to try")
    path, other = untranslated[0]
    _open(page, path)
    page.locator(f".language-switch a[hreflang='{other}']").click()
    page.wait_for_url(lambda url: _same_path(url, "/en/" if other == "en" else "/"))
    expect(page.locator("html")).to_have_attribute("lang", other)


def test_a_short_url_lands_on_its_campaign_with_the_code(page: Page) -> None:
    page.goto("/flyt/")
    page.wait_for_url(lambda url: url.endswith("/kampagne/flyt-med-boern/?kampagne=radio-2027"))
    expect(page.locator("h1")).to_have_text("Flyt til Billund Kommune med børn")
    subject = page.locator(".campaign-cta a[href^='mailto:']").first.get_attribute("href") or ""
    assert subject.endswith("%28radio-2027%29")


def test_from_home_to_a_town_to_one_of_its_stories(page: Page) -> None:
    _open(page, "/")
    town_link = page.locator("ul.towns .card-title a").first
    town = town_link.inner_text().strip()
    town_link.click()
    page.wait_for_url(re.compile(r"/byer/[^/]+/$"))
    expect(page.locator("h1")).to_have_text(town)
    story_link = page.locator("section[aria-labelledby=town_stories] .card-title a").first
    expect(story_link).to_be_visible()
    story = story_link.inner_text().strip()
    story_link.click()
    page.wait_for_url(re.compile(r"/historier/[^/]+/$"))
    expect(page.locator("h1")).to_have_text(story)
    expect(page.locator(".story .meta a")).to_have_text(town)


def _focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector))


def test_mobile_menu_by_keyboard_only(new_page: PageFactory) -> None:
    page = new_page(width=375, height=740)
    _open(page, "/")
    button = page.locator(".menu-toggle")
    links = page.locator("#main_nav a")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()

    for _ in range(20):
        page.keyboard.press("Tab")
        if _focused(page, ".menu-toggle"):
            break
    else:
        pytest.fail("Tab never reached the menu button")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    assert links.count() >= 4
    for index in range(links.count()):
        expect(links.nth(index)).to_be_visible()

    page.keyboard.press("Tab")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("Tab")
    expect(links.nth(1)).to_be_focused()

    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(links.first).to_be_hidden()


def test_skip_link_is_first_and_moves_focus_to_main(page: Page) -> None:
    _open(page, "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#indhold")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main#indhold")).to_be_focused()
    # the next Tab continues inside the content, not back at the top of the page
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize(
    ("path", "lang", "home"), [("/findes-ikke/", "da", "/"), ("/en/does-not-exist/", "en", "/en/")]
)
def test_missing_page_shows_the_404_page(new_page: PageFactory, watch: Watch, path: str, lang: str, home: str) -> None:
    page = new_page()
    watch.expect_missing(path)
    response = page.goto(path)
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_be_visible()
    link = page.locator(f'main a[href="{home}"]')
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(lambda url: _same_path(url, home))
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_navigation_works_without_javascript(new_page: PageFactory) -> None:
    page = new_page(width=375, height=740, javascript=False)
    _open(page, "/")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    links = page.locator("#main_nav a")
    assert links.count() >= 4
    for index in range(links.count()):
        expect(links.nth(index)).to_be_visible()
    links.nth(1).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_be_visible()


def _longest(paths: list[str]) -> str:
    return max(paths, key=len)


def test_no_horizontal_scrolling_at_320_px(new_page: PageFactory, served_site: ServedSite) -> None:
    page = new_page(width=320, height=640)
    paths = [
        "/",
        "/en/",
        _longest(_sections(served_site, "/byer/")),
        _longest(_sections(served_site, "/historier/")),
        _longest(_sections(served_site, "/en/stories/")),
        "/arrangementer/",
        _longest(_sections(served_site, "/arrangementer/")),
        _longest(_sections(served_site, "/kampagne/")),
    ]
    too_wide = _wider_than(page, paths, 320)
    assert not too_wide, f"pages wider than 320 px (scrollWidth): {too_wide}"


def test_numbered_list_pages_do_not_scroll_sideways_at_320_px(
    new_paginated_page: PageFactory, served_paginated_site: ServedSite
) -> None:
    """Towns, topics and audiences with a pager (the real site at two stories a page)."""
    page = new_paginated_page(width=320, height=640)
    paths = numbered_lists(served_paginated_site)
    too_wide = _wider_than(page, paths, 320)
    assert paths and not too_wide, f"pages wider than 320 px (scrollWidth): {too_wide}"


def _wider_than(page: Page, paths: list[str], width: int) -> dict[str, int]:
    """The pages among `paths` that scroll sideways at this width, with their scroll width."""
    too_wide = {}
    for path in paths:
        _open(page, path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[path] = scroll_width
    return too_wide


def test_from_a_town_through_its_pager_and_back(new_paginated_page: PageFactory) -> None:
    page = new_paginated_page()
    _open(page, "/byer/grindsted/")
    pager = page.get_by_role("navigation", name="Sider")
    pager.get_by_role("link", name="Næste side").click()
    page.wait_for_url("**/byer/grindsted/side/2/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Historier fra Grindsted \(side 2 af \d+\)$"))
    expect(page.get_by_role("navigation", name="Sider").locator("[aria-current=page]")).to_have_text("Side 2")
    page.get_by_role("link", name="Læs om Grindsted").click()
    page.wait_for_url("**/byer/grindsted/")
    expect(page.locator("h1")).to_have_text("Grindsted")


def test_a_story_page_weighs_at_most_30_kb_gzipped(page: Page, served_site: ServedSite) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    _open(page, _longest(_sections(served_site, "/historier/")))
    page.wait_for_load_state("networkidle")
    weights = {
        response.url: len(gzip.compress(response.body(), compresslevel=6))
        for response in responses
        if response.request.resource_type in ("document", "stylesheet", "script")
    }
    kinds = {urlsplit(url).path.rsplit(".", 1)[-1] for url in weights}
    assert {"css", "js"} <= kinds, weights
    total = sum(weights.values())
    detail = "\n".join(f"  {size:>6} B  {url}" for url, size in weights.items())
    assert total <= MAX_STORY_WEIGHT, f"{total} B gzipped > {MAX_STORY_WEIGHT} B:\n{detail}"
