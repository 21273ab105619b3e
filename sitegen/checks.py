"""`check`: every internal link, anchor and image of the built site resolves, translations are in place,
hreflang pairs are symmetric, titles are unique; optionally, outside links answer.

Findings from the content name the Markdown file and line; findings in theme-made parts of a page
name the page in output/. Errors fail the check; warnings fail it with --strict.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .errors import SiteError, did_you_mean
from .markdown import Reference, RenderedMarkdown
from .model import Entry, Site
from .schemas import Event, Story

EXTERNAL_TIMEOUT = 10.0
EXTERNAL_WORKERS = 8
EXTERNAL_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    problem: SiteError

    def as_dict(self) -> dict[str, object]:
        return {"severity": self.severity, **asdict(self.problem)}


@dataclass(frozen=True)
class _Page:
    """What the check needs from one built HTML page."""

    ids: frozenset[str]
    references: tuple[str, ...]  # href and src values of links, images, scripts, styles
    alternates: tuple[tuple[str, str], ...]  # (hreflang, href)
    images_without_alt: int


class OutputIndex:
    """The site about to be written, as the checks see it: which files there are, and the ids and
    links of each page. `files` are this build's new files; `kept` are current files already on disk."""

    def __init__(self, out_dir: Path, base_url: str, files: dict[str, bytes | Path], kept: set[str]) -> None:
        self.out_dir = out_dir
        self.base = urlsplit(base_url)
        self.files = files
        self.kept = kept
        self._pages: dict[str, _Page] = {}

    def all_pages(self) -> list[str]:
        return sorted(p for p in {*self.files, *self.kept} if p.endswith(".html"))

    def _read(self, relative: str) -> bytes:
        content = self.files.get(relative)
        if isinstance(content, bytes):
            return content
        return (content or self.out_dir / relative).read_bytes()

    def file_for(self, url: str) -> str | None:
        """The output file a site URL points to, or None when it leaves the site."""
        parts = urlsplit(url)
        if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (self.base.scheme, self.base.netloc):
            return None
        path = unquote(parts.path)
        if not path.startswith(self.base.path):
            return None
        relative = path[len(self.base.path) :]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        elif not self.exists(relative) and self.exists(relative + "/index.html"):
            relative += "/index.html"
        return relative

    def exists(self, relative: str) -> bool:
        return relative in self.files or relative in self.kept

    def page(self, relative: str) -> _Page:
        if relative not in self._pages:
            tree = LexborHTMLParser(self._read(relative))
            references = [
                value
                for node in tree.css("a[href], link[href], img[src], script[src], source[srcset]")
                for key in ("href", "src")
                if (value := node.attributes.get(key)) and not (node.tag == "link" and node.attributes.get("hreflang"))
            ]
            alternates = tuple(
                (node.attributes.get("hreflang") or "", node.attributes.get("href") or "")
                for node in tree.css("link[rel=alternate][hreflang]")
            )
            self._pages[relative] = _Page(
                frozenset(node.attributes.get("id") or "" for node in tree.css("[id]")),
                tuple(references),
                alternates,
                sum(1 for node in tree.css("img") if "alt" not in node.attributes),
            )
        return self._pages[relative]


def check_site(
    site: Site,
    index: OutputIndex,
    body_of: Callable[[Entry], RenderedMarkdown | None],
    external: Callable[[list[str]], dict[str, str]] | None = None,
) -> list[Finding]:
    """Every finding about the site in `index`, content findings first."""
    findings: list[Finding] = []
    external_links: dict[str, list[tuple[str, int]]] = defaultdict(list)
    checked: set[tuple[str, str]] = set()  # (page in output/, address) already reported with its line
    for entry in sorted(site.entries.values(), key=lambda e: e.source.path):
        body = body_of(entry)
        if body is None:
            continue
        page = index.file_for(entry.url) or ""
        for reference in (*body.links, *body.images):
            checked.add((page, reference.url))
            findings.extend(_check_reference(index, entry.source.path, reference))
            if urlsplit(reference.url).scheme in ("http", "https") and index.file_for(reference.url) is None:
                external_links[reference.url].append((entry.source.path, reference.line))
    findings.extend(_missing_translations(site))
    findings.extend(_duplicate_titles(site))
    findings.extend(_check_pages(index, checked))
    if external is not None:
        for url, problem in sorted(external(sorted(external_links)).items()):
            for path, line in external_links[url]:
                findings.append(_error(path, line, f"the outside link {url} {problem}", "fix or remove the link"))
    return findings


def _error(path: str, line: int, message: str, hint: str = "") -> Finding:
    return Finding("error", SiteError(path, line, message, hint))


def _warning(path: str, line: int, message: str, hint: str = "") -> Finding:
    return Finding("warning", SiteError(path, line, message, hint))


def _check_reference(index: OutputIndex, path: str, reference: Reference) -> Iterable[Finding]:
    url, line = reference.url, reference.line
    if not url or url.startswith(("mailto:", "tel:")):
        return
    if url.startswith("#"):
        return  # an anchor in the same page is checked with the page itself
    target = index.file_for(url)
    if target is None:
        if not urlsplit(url).scheme:
            yield _error(path, line, f"the link '{url}' is outside the site", "link to a page of the site or https://")
        return
    if not index.exists(target):
        yield _error(path, line, f"the link '{url}' goes to a page that does not exist", "check the address")
        return
    fragment = urlsplit(url).fragment
    if fragment and target.endswith(".html") and unquote(fragment) not in (ids := index.page(target).ids):
        shown = f"'{reference.written}' ({url})" if reference.written else f"'{url}'"
        anchors = sorted(f"#{anchor}" for anchor in ids if anchor)
        yield _error(
            path,
            line,
            f"the link {shown} goes to an anchor that is not on that page",
            did_you_mean(f"#{unquote(fragment)}", anchors) or "check the heading the link points to",
        )


def _check_pages(index: OutputIndex, checked: set[tuple[str, str]]) -> Iterable[Finding]:
    """Theme-made links, images and hreflang pairs, on every HTML page of the output."""
    for relative in index.all_pages():
        page = index.page(relative)
        shown = f"output/{relative}"
        for url in sorted(set(page.references)):
            if (relative, url) in checked:
                continue
            if url.startswith("#"):
                if url != "#" and unquote(url[1:]) not in page.ids:
                    yield _error(shown, 0, f"the link '{url}' goes to an anchor that is not on the page")
                continue
            target = index.file_for(url.split(" ")[0])
            if target is not None and not index.exists(target):
                yield _error(shown, 0, f"'{url}' does not exist in the site", "a theme or generator problem")
        if page.images_without_alt:
            yield _error(shown, 0, f"{page.images_without_alt} image(s) without an alt attribute")
        yield from _check_alternates(index, relative, page)


def _check_alternates(index: OutputIndex, relative: str, page: _Page) -> Iterable[Finding]:
    own = {lang: href for lang, href in page.alternates if lang != "x-default"}
    for lang, href in own.items():
        target = index.file_for(href)
        if target is None or not index.exists(target):
            yield _error(f"output/{relative}", 0, f"hreflang '{lang}' points to {href}, which does not exist")
            continue
        if target != relative:
            theirs = {k: v for k, v in index.page(target).alternates if k != "x-default"}
            if theirs != own:
                yield _error(f"output/{relative}", 0, f"hreflang pairs with {href} are not symmetric")


def _missing_translations(site: Site) -> Iterable[Finding]:
    """A story or event in one language only, unless it says so with `translation: false`."""
    languages = site.config.language_order()
    for entry in sorted(site.entries.values(), key=lambda e: e.source.path):
        meta = entry.source.meta
        if not isinstance(meta, Story | Event) or not meta.translation:
            continue
        for lang in languages:
            if lang != entry.lang and site.get(entry.kind, entry.key, lang) is None:
                noun = "event" if entry.kind == "events" else "story"
                yield _warning(
                    entry.source.path,
                    1,
                    f"the {noun} has no {lang} translation",
                    f"add content/{entry.kind}/{entry.key}.{lang}.md, "
                    "or 'translation: false' if it stays in one language",
                )


def _duplicate_titles(site: Site) -> Iterable[Finding]:
    seen: dict[tuple[str, str, str], Entry] = {}
    for entry in sorted(site.entries.values(), key=lambda e: e.source.path):
        key = (entry.kind, entry.lang, entry.title.casefold().strip())
        if key in seen:
            line = entry.source.field_lines.get("name" if entry.kind == "towns" else "title", 1)
            yield _warning(
                entry.source.path,
                line,
                f"the title '{entry.title}' is also used by {seen[key].source.path}",
                "give each page its own title",
            )
        else:
            seen[key] = entry


def check_external(urls: list[str], cache_file: Path) -> dict[str, str]:
    """URL -> problem for outside links that do not answer with success; answers are cached for a day."""
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    now = time.time()
    fresh = {  # answers are remembered for a day; failures are asked again every time
        url: entry
        for url, entry in cache.items()
        if not entry.get("problem") and now - entry.get("checked", 0) < EXTERNAL_CACHE_SECONDS
    }
    pending = [url for url in urls if url not in fresh]
    with ThreadPoolExecutor(max_workers=EXTERNAL_WORKERS) as pool:
        for url, problem in zip(pending, pool.map(_probe, pending), strict=True):
            fresh[url] = {"checked": now, "problem": problem}
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(fresh, indent=1, sort_keys=True), encoding="utf-8")
    return {url: fresh[url]["problem"] for url in urls if fresh[url]["problem"]}


def _probe(url: str) -> str:
    """'' when the link answers; else what went wrong."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "sitegen link check"})
        try:
            with urllib.request.urlopen(request, timeout=EXTERNAL_TIMEOUT):
                return ""
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return f"answers {error.code} {error.reason}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            return f"cannot be reached ({getattr(error, 'reason', error)})"
    return "cannot be reached"
