"""The real site built once per session, served on 127.0.0.1, and one Chromium driven by Playwright.

Chromium is Debian's (`/usr/bin/chromium`); Playwright's own browser download is never used.
Without Chromium the browser tests fail with what to install; they never skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

from ..conftest import Site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # a local static site answers at once; fail fast instead of Playwright's 30 s
INSTALL_HINT = "Debian's chromium is not installed: apt-get install chromium (as root; .ci/run does this in CI)"


def _handler(root: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    """A static file handler like a real web host: no directory listings, the site's own 404 pages."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def list_directory(self, path: str | os.PathLike[str]) -> None:
            self.send_error(404)
            return None

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            if code != 404:
                super().send_error(code, message, explain)
                return
            path = urlsplit(self.path).path
            page = root / ("en/404.html" if path == "/en" or path.startswith("/en/") else "404.html")
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass(frozen=True)
class ServedSite:
    """The built output folder and the address it is served at (no trailing slash)."""

    output: Path
    url: str

    def html_pages(self) -> list[str]:
        """The URL path of every HTML page, e.g. `/`, `/historier/x/`, `/404.html`."""
        paths = []
        for file in sorted(self.output.rglob("*.html")):
            relative = file.relative_to(self.output).as_posix()
            paths.append("/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
        return paths

    def file_for(self, path: str) -> Path:
        target = self.output / urlsplit(path).path.lstrip("/")
        return target / "index.html" if target.is_dir() else target


@contextlib.contextmanager
def _serve(output: Path) -> Iterator[ServedSite]:
    """Serve a built output folder on 127.0.0.1 (a free port) until the block ends."""
    handler = functools.partial(_handler(output), directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield ServedSite(output=output, url=f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def served_site(real_site: Site) -> Iterator[ServedSite]:
    with _serve(real_site.root / "output") as served:
        yield served


@pytest.fixture(scope="session")
def served_paginated_site(paginated_real_site: Site) -> Iterator[ServedSite]:
    """The real site at two stories a page, where towns have pages 2, 3, ... (its own origin: open full URLs)."""
    with _serve(paginated_real_site.root / "output") as served:
        yield served


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{INSTALL_HINT} ({CHROMIUM} is missing or not executable)", pytrace=False)
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as error:  # a broken or incompatible Chromium: say which one and why
        pytest.fail(f"{CHROMIUM} did not start: {error}\n{INSTALL_HINT}", pytrace=False)
    yield chromium
    chromium.close()


@dataclass
class Watch:
    """Everything a page did that a visitor should never see: console errors, script errors,
    failed requests, HTTP errors and requests to any host but the local server."""

    origin: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)

    def expect_missing(self, path: str) -> None:
        """`path` is meant to answer 404 (the test asks for a page that does not exist)."""
        self.missing.add(self.origin + path)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") in self.missing:
            return
        self.problems.append(f"console error: {message.text} at {message.location}")

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another host: {request.url}")

    def _failed(self, request: Request) -> None:
        # Leaving a page cancels what it was still loading (net::ERR_ABORTED); a missing file shows as HTTP 404.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.url not in self.missing:
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watch(served_site: ServedSite) -> Watch:
    return Watch(served_site.url)


class PageFactory(Protocol):
    def __call__(self, width: int = 1280, height: int = 800, javascript: bool = True) -> Page: ...


@contextlib.contextmanager
def _pages(browser: Browser, served: ServedSite, watch: Watch) -> Iterator[PageFactory]:
    """Open pages of the given size on `served`, each in its own context; what they do is recorded in
    `watch` and checked when the block ends."""
    contexts: list[BrowserContext] = []

    def open_page(width: int = 1280, height: int = 800, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=served.url, viewport={"width": width, "height": height}, java_script_enabled=javascript
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = context.new_page()
        watch.attach(tab)
        return tab

    yield open_page
    for context in contexts:
        context.close()
    watch.check()


@pytest.fixture
def new_page(browser: Browser, served_site: ServedSite, watch: Watch) -> Iterator[PageFactory]:
    """Open pages of the real site, watched (see `_pages`)."""
    with _pages(browser, served_site, watch) as open_page:
        yield open_page


@pytest.fixture
def new_paginated_page(browser: Browser, served_paginated_site: ServedSite) -> Iterator[PageFactory]:
    """Open pages of the real site at two stories a page, watched like `new_page`."""
    with _pages(browser, served_paginated_site, Watch(served_paginated_site.url)) as open_page:
        yield open_page


LIST = re.compile(r"((?:/en)?/(?:byer|towns|emner|topics|for)/[^/]+/)(?:(?:side|page)/(\d+)/)?")


def numbered_lists(site: ServedSite) -> list[str]:
    """Of each of the town, topic and audience sections in each language, the longest list's first,
    second and last page (page 1 of a town is the town's own page)."""
    lists: dict[str, list[tuple[int, str]]] = {}
    for path in site.html_pages():
        if match := LIST.fullmatch(path):
            lists.setdefault(match.group(1), []).append((int(match.group(2) or 1), path))
    longest: dict[str, list[str]] = {}
    for first, numbered in lists.items():
        section = first.rsplit("/", 2)[0]
        if len(numbered) > len(longest.get(section, [])):
            longest[section] = [path for _number, path in sorted(numbered)]
    return [path for pages in longest.values() if len(pages) > 1 for path in dict.fromkeys(pages[:2] + pages[-1:])]


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    """A desktop-sized page (1280 × 800)."""
    return new_page()
