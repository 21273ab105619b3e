"""The search pages in Chromium: words from a story find that story, in Danish and in English.

Every response carries the site's Content-Security-Policy as the HTTP header the CDN sends (`_headers`),
not only as the pages' meta tag: the header is what reaches Pagefind's web worker and its WebAssembly,
so this is where a policy that blocks the search shows. `watch` fails a test on any console error
(a CSP violation is one) or failed request; violations are also collected from the page's
`securitypolicyviolation` events.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from axe_playwright_python.base import AXE_FILE_PATH  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError
from selectolax.lexbor import LexborHTMLParser

from sitegen.headers import content_security_policy

from .conftest import TIMEOUT_MS, PageFactory, ServedSite, Watch
from .test_accessibility import WCAG_21_AA, _report

SEARCH = {"da": "/soeg/", "en": "/en/search/"}
STORIES = {"da": r"/historier/(?!side/)[^/]+/", "en": r"/en/stories/(?!page/)[^/]+/"}
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def _with_policy_header(page: Page, policy: str) -> None:
    """Send the CSP as a response header on everything, as the CDN does; record violations."""

    def add_header(route: Route) -> None:
        try:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})
        except PlaywrightError:  # the test is over: its page closed while this request was under way
            with contextlib.suppress(PlaywrightError):
                route.abort()

    page.context.route("**/*", add_header)
    page.context.add_init_script(RECORD_VIOLATIONS)


def _violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__cspViolations")
    return found


def _a_story(site: ServedSite, lang: str) -> tuple[str, str]:
    """The path of a story in `lang` and two words of its title to search for."""
    path = next(p for p in site.html_pages() if re.fullmatch(STORIES[lang], p))
    title = LexborHTMLParser(site.file_for(path).read_text(encoding="utf-8")).css_first("h1").text(strip=True)
    words = sorted(re.findall(r"\w+", title), key=len, reverse=True)[:2]
    return path, " ".join(words)


def _search_by_keyboard(page: Page, query: str) -> None:
    """Tab from the page's heading to the search field, type, press Enter."""
    page.locator("h1").click()
    page.keyboard.press("Tab")
    field = page.locator("#search_query")
    expect(field).to_be_focused()
    page.keyboard.type(query)
    page.keyboard.press("Enter")


def _check_search(page: Page, site: ServedSite, lang: str) -> None:
    path, query = _a_story(site, lang)
    response = page.goto(SEARCH[lang])
    assert response is not None and response.status == 200
    assert "wasm-unsafe-eval" in (response.headers.get("content-security-policy") or "")
    label = page.locator('label[for="search_query"]')
    expect(page.get_by_role("searchbox", name=label.inner_text())).to_be_visible()
    expect(page.locator("#search_fallback")).to_be_hidden()  # the script runs: no "needs JavaScript"
    _search_by_keyboard(page, query)

    status = page.locator("#search_status")
    expect(status).to_have_attribute("aria-live", "polite")
    counted = r"\d+ resultat(er)? for »" if lang == "da" else r"\d+ results? for “"
    expect(status).to_have_text(re.compile(counted + re.escape(query)))
    hit = page.locator(f'#search_results a[href="{path}"]')
    expect(hit).to_be_visible()
    expect(page.locator("#search_results li mark").first).to_be_visible()  # excerpts show the hits
    assert f"q={query.split()[0]}" in page.url  # the query stays in the address

    # The keyboard goes on from the field to the button to the first result.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#search_results li a").first).to_be_focused()
    hit.click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    assert _violations(page) == []


def test_danish_search_finds_a_danish_story(page: Page, served_site: ServedSite) -> None:
    _with_policy_header(page, content_security_policy())
    _check_search(page, served_site, "da")


def test_english_search_finds_an_english_story(page: Page, served_site: ServedSite) -> None:
    _with_policy_header(page, content_security_policy())
    _check_search(page, served_site, "en")


def test_a_search_link_from_the_address_and_show_more(page: Page, served_site: ServedSite) -> None:
    """?q= in the address searches at once; "show more" adds results and moves focus to the first new one."""
    _with_policy_header(page, content_security_policy())
    page.goto(SEARCH["da"] + "?q=billund")
    expect(page.locator("#search_query")).to_have_value("billund")
    results = page.locator("#search_results li")
    expect(results).to_have_count(10)
    more = page.locator("#search_more button")
    more.press("Enter")
    expect(page.locator("#search_results li:nth-child(11) a")).to_be_focused()
    assert _violations(page) == []


def test_no_results_says_so_and_offers_the_links(page: Page) -> None:
    _with_policy_header(page, content_security_policy())
    page.goto(SEARCH["en"] + "?q=xyzzyplugh")
    expect(page.locator("#search_status")).to_have_text(re.compile("No results for “xyzzyplugh”"))
    expect(page.locator("#search_results")).to_be_hidden()
    expect(page.locator("#search_fallback a[href='/en/stories/']")).to_be_visible()


def test_without_javascript_the_page_says_search_needs_it(new_page: PageFactory) -> None:
    page = new_page(javascript=False)
    for lang, path in SEARCH.items():
        page.goto(path + "?q=skole")
        fallback = page.locator("#search_fallback")
        expect(fallback).to_contain_text("JavaScript")
        stories, topics = ("/historier/", "/emner/") if lang == "da" else ("/en/stories/", "/en/topics/")
        expect(fallback.locator(f"a[href='{stories}']")).to_be_visible()
        expect(fallback.locator(f"a[href='{topics}']")).to_be_visible()


def test_when_pagefind_cannot_load_the_page_offers_the_links(page: Page, watch: Watch) -> None:
    watch.expect_missing("/pagefind/pagefind.js")
    page.context.route("**/pagefind/pagefind.js", lambda route: route.fulfill(status=404, body="not found"))
    page.goto(SEARCH["da"])
    expect(page.locator("#search_fallback")).to_be_visible()
    expect(page.locator("#search_fallback_text")).to_contain_text("kunne ikke starte")


def test_the_policy_without_wasm_would_block_the_search(browser: Browser, served_site: ServedSite) -> None:
    """The control: the same search under a policy without 'wasm-unsafe-eval' fails, so the header above
    does reach Pagefind's WebAssembly, and 'wasm-unsafe-eval' is what it needs."""
    context = browser.new_context(base_url=served_site.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _with_policy_header(page, content_security_policy().replace(" 'wasm-unsafe-eval'", ""))
    page.goto(SEARCH["da"] + "?q=billund")
    expect(page.locator("#search_fallback_text")).to_contain_text("kunne ikke starte")
    assert any("WebAssembly" in error for error in errors), errors
    context.close()


def test_the_search_page_with_results_passes_axe(page: Page, served_site: ServedSite) -> None:
    _with_policy_header(page, content_security_policy())
    page.context.add_init_script(path=AXE_FILE_PATH)
    for lang, path in SEARCH.items():
        page.goto(path + "?q=" + ("skole" if lang == "da" else "school"))
        expect(page.locator("#search_results li").first).to_be_visible()
        expect(page.locator("#search_more button")).to_be_visible()
        violations: list[dict[str, Any]] = page.evaluate("options => axe.run(document, options)", WCAG_21_AA)[
            "violations"
        ]
        assert not violations, "\n".join(_report(path, violations))
    assert _violations(page) == []
