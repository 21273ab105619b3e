"""axe-core (WCAG 2.1 A and AA rules) on every page of the real site, and on a phone-sized screen.

One browser page is reused for all pages; axe-core (the copy that axe-playwright-python ships) is
loaded by an init script, so it is not sent over to the browser again for every page. A failure
lists every violation with its rule, what it means, and the CSS selector of each failing element,
so it can be fixed in themes/default/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.base import AXE_FILE_PATH  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, Route, ViewportSize

from .conftest import TIMEOUT_MS, ServedSite, numbered_lists

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def axe_page(browser: Browser, served_site: ServedSite) -> Iterator[Page]:
    context = browser.new_context(base_url=served_site.url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(path=AXE_FILE_PATH)
    page = context.new_page()
    yield page
    context.close()


def _axe(page: Page) -> list[dict[str, Any]]:
    violations: list[dict[str, Any]] = page.evaluate("options => axe.run(document, options)", WCAG_21_AA)["violations"]
    return violations


def _report(label: str, violations: list[dict[str, Any]]) -> list[str]:
    """Each violation's rule, help text and link, then each failing element's selector and why it fails."""
    lines = []
    for violation in violations:
        lines.append(
            f"{label}: {violation['id']} ({violation['impact']}): {violation['help']} – {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return lines


def _check(page: Page, path: str) -> list[str]:
    """Open `path` and describe each axe violation on it (empty when the page passes)."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    return _report(path, _axe(page))


def _site_pages(site: ServedSite) -> list[str]:
    """Every page but the redirects (/was/, campaigns' short addresses), which leave before axe could run."""
    return [path for path in site.html_pages() if b'http-equiv="refresh"' not in site.file_for(path).read_bytes()]


def test_every_page_passes_axe_wcag_21_aa(axe_page: Page, served_site: ServedSite) -> None:
    pages = _site_pages(served_site)
    assert len(pages) >= 90, pages
    report: list[str] = []
    for path in pages:
        report += _check(axe_page, path)
    assert not report, f"axe found violations of WCAG 2.1 A/AA on {len(pages)} pages:\n" + "\n".join(report)


def test_phone_sized_pages_pass_axe_wcag_21_aa(axe_page: Page, served_site: ServedSite) -> None:
    town = next(p for p in _site_pages(served_site) if re.fullmatch(r"/byer/[^/]+/", p))
    story = next(p for p in _site_pages(served_site) if re.fullmatch(r"/historier/(?!side/)[^/]+/", p))
    event = next(p for p in _site_pages(served_site) if re.fullmatch(r"/arrangementer/(?!tidligere/)[^/]+/", p))
    axe_page.set_viewport_size(PHONE)
    try:
        report: list[str] = []
        campaign = next(p for p in _site_pages(served_site) if re.fullmatch(r"/kampagne/[^/]+/", p))
        for path in ("/", "/en/", town, story, "/arrangementer/", event, campaign):
            report += _check(axe_page, path)
        # and with the menu open
        axe_page.goto("/")
        axe_page.locator(".menu-toggle").click()
        assert axe_page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
        report += _report("/ (menu open)", _axe(axe_page))
    finally:
        axe_page.set_viewport_size(DESKTOP)
    assert not report, "axe found violations of WCAG 2.1 A/AA at 375 px:\n" + "\n".join(report)


def test_numbered_list_pages_pass_axe_wcag_21_aa(axe_page: Page, served_paginated_site: ServedSite) -> None:
    """Towns, topics and audiences that run to several pages (the real site at two stories a page): the
    first page with its pager, page 2 and the last page, on a desktop and at 375 px."""
    pages = numbered_lists(served_paginated_site)
    assert any(re.fullmatch(r"/byer/[^/]+/side/2/", p) for p in pages), pages
    assert any(re.fullmatch(r"/en/topics/[^/]+/page/2/", p) for p in pages), pages
    report: list[str] = []
    try:
        for viewport in (DESKTOP, PHONE):
            axe_page.set_viewport_size(viewport)
            for path in pages:
                report += _check(axe_page, served_paginated_site.url + path)
    finally:
        axe_page.set_viewport_size(DESKTOP)
    assert not report, f"axe found violations of WCAG 2.1 A/AA on {len(pages)} list pages:\n" + "\n".join(report)


def test_redirect_pages_text_passes_axe_wcag_21_aa(axe_page: Page, served_site: ServedSite) -> None:
    """What a redirect page (/was/, /flyt/, /move/) shows when the browser does not follow its meta refresh."""
    redirects = [p for p in served_site.html_pages() if p not in _site_pages(served_site)]
    assert len(redirects) >= 2, redirects

    def without_refresh(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace('http-equiv="refresh"', 'data-refresh="off"'))

    report: list[str] = []
    for path in redirects:
        axe_page.route(f"**{path}", without_refresh)
        try:
            report += _check(axe_page, path)
            target = axe_page.locator("main a").first.get_attribute("href") or ""
            assert axe_page.locator(f'link[rel="canonical"][href="{target}"]').count() == 1, path
        finally:
            axe_page.unroute(f"**{path}")
    assert not report, "axe found violations of WCAG 2.1 A/AA on redirect pages:\n" + "\n".join(report)


def test_axe_reports_a_known_violation(axe_page: Page) -> None:
    """The harness itself: an image without alt text on a real page must be reported."""
    axe_page.goto("/")
    axe_page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">')"
    )
    report = _report("/ (with a broken image)", _axe(axe_page))
    assert any("image-alt" in line for line in report), report
    assert any(line.startswith("    ") and "img" in line for line in report), report
