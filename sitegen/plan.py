"""Which HTML pages the site has: one plan entry per output file, with its URL and translations."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from .campaigns import short_urls
from .errors import SiteError, raise_if_any
from .events import archive_url, past_events, upcoming_events
from .model import EntryId, Site
from .schemas import Campaign

TEMPLATES = {
    "stories": "story.html",
    "towns": "town.html",
    "pages": "page.html",
    "events": "event.html",
    "campaigns": "campaign.html",
}
SEARCH_WORDS = {"da": "soeg", "en": "search"}  # the search page's URL word unless config.yaml names one


@dataclass(frozen=True)
class Pagination:
    number: int  # 1-based
    total: int
    urls: tuple[str, ...]  # URL of every page, in order


@dataclass(frozen=True)
class PlannedPage:
    """One HTML file to render: what it shows and where it goes."""

    kind: str  # story, town, page, event, home, archive, events, events_archive, topics, topic, audience, towns,
    # search, notfound
    lang: str
    url: str  # site-relative, with the base path
    template: str
    entry: EntryId | None = None
    items: tuple[EntryId, ...] = ()  # the stories a list shows
    term: str = ""  # the topic or audience key of a term page
    target: str = ""  # where a redirect page sends the visitor
    pagination: Pagination | None = None
    alternates: tuple[tuple[str, str], ...] = ()  # (language, url) of this page in every language
    output: str = ""  # the file in output/, set by plan_site
    noindex: bool = False  # kept out of search engines, the sitemap and the site search (a campaign's noindex)
    origin: tuple[str, int] = ("", 0)  # the file and line that asked for a page without an entry (short_url)


def output_path(url: str, base_path: str) -> str:
    """The file in output/ for a URL: its path below the base path, index.html for folders."""
    relative = url[len(base_path) :]
    return relative + "index.html" if relative == "" or relative.endswith("/") else relative


def search_url(site: Site, lang: str) -> str:
    """The search page of a language: /soeg/ in Danish, /en/search/ in English (or sections.search)."""
    word = site.config.languages[lang].sections.search or SEARCH_WORDS.get(lang, "search")
    return f"{site.home_url(lang)}{word}/"


def plan_site(site: Site) -> list[PlannedPage]:
    """Every HTML page of the site, in a stable order; URL collisions are errors."""
    planned: list[PlannedPage] = []
    for lang in site.config.language_order():
        planned.extend(_plan_language(site, lang))
    config = site.config
    for path, target in sorted(config.redirects.items()):
        url = f"{config.base_path}{path}/"
        planned.append(PlannedPage("redirect", config.default_language, url, "redirect.html", target=target))
    for short in short_urls(site):  # a campaign's short address for print and radio: /flyt/
        url = f"{config.base_path}{short.path}/"
        planned.append(
            PlannedPage(
                "redirect", short.lang, url, "redirect.html", target=short.target, origin=(short.source, short.line)
            )
        )
    planned = _with_alternates(planned, site.config.base_path)
    raise_if_any(_collisions(site, planned))
    return planned


def _plan_language(site: Site, lang: str) -> list[PlannedPage]:
    stories = site.all("stories", lang)
    home_items = tuple(e.id for e in stories[: site.config.home_stories])
    pages = [PlannedPage("home", lang, site.home_url(lang), "home.html", items=home_items)]
    for kind in ("stories", "towns", "pages", "events", "campaigns"):
        for entry in site.all(kind, lang):
            items = tuple(e.id for e in site.stories_of_town(entry.key, lang)) if kind == "towns" else ()
            pages.append(
                PlannedPage(
                    kind[:-1] if kind != "stories" else "story",
                    lang,
                    entry.url,
                    TEMPLATES[kind],
                    entry=entry.id,
                    items=items,
                    noindex=isinstance(entry.source.meta, Campaign) and entry.source.meta.noindex,
                )
            )
    pages.append(PlannedPage("towns", lang, site.section_url("towns", lang), "towns.html"))
    upcoming = tuple(e.id for e in upcoming_events(site, lang))
    pages.append(PlannedPage("events", lang, site.section_url("events", lang), "events.html", items=upcoming))
    past = [e.id for e in past_events(site, lang)]
    pages.extend(_archive(site, lang, past, "events_archive", archive_url(site, lang), "events.html"))
    pages.extend(_archive(site, lang, [e.id for e in stories]))
    for taxonomy in ("topics", "audiences"):
        by_term = site.stories_by_term(taxonomy, lang)
        if taxonomy == "topics":
            pages.append(PlannedPage("topics", lang, site.section_url("topics", lang), "topics.html"))
        for term, entries in by_term.items():
            pages.append(
                PlannedPage(
                    taxonomy[:-1] if taxonomy == "topics" else "audience",
                    lang,
                    site.term_url(taxonomy, term, lang),
                    "term.html",
                    items=tuple(e.id for e in entries),
                    term=term,
                )
            )
    pages.append(PlannedPage("search", lang, search_url(site, lang), "search.html"))
    pages.append(PlannedPage("notfound", lang, site.home_url(lang) + "404.html", "404.html"))
    return pages


def _archive(
    site: Site,
    lang: str,
    stories: list[EntryId],
    kind: str = "archive",
    first: str = "",
    template: str = "archive.html",
) -> list[PlannedPage]:
    """The stories archive (or another list: the past events), split into numbered pages."""
    size = site.config.stories_per_page
    chunks = [stories[i : i + size] for i in range(0, len(stories), size)] or [[]]
    first = first or site.section_url("stories", lang)
    word = site.config.languages[lang].sections.page
    urls = tuple(first if n == 1 else f"{first}{word}/{n}/" for n in range(1, len(chunks) + 1))
    return [
        PlannedPage(
            kind,
            lang,
            urls[n],
            template,
            items=tuple(chunk),
            pagination=Pagination(n + 1, len(chunks), urls),
        )
        for n, chunk in enumerate(chunks)
    ]


def _identity(page: PlannedPage) -> tuple[str, ...]:
    """What makes pages in different languages the same page."""
    if page.entry:
        return ("entry", page.entry[0], page.entry[1])
    if page.pagination:
        return (page.kind, str(page.pagination.number))
    return (page.kind, page.term, page.target)


def _with_alternates(planned: list[PlannedPage], base: str) -> list[PlannedPage]:
    by_identity: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for page in planned:
        by_identity.setdefault(_identity(page), []).append((page.lang, page.url))
    return [
        replace(page, alternates=tuple(by_identity[_identity(page)]), output=output_path(page.url, base))
        for page in planned
    ]


def _collisions(site: Site, planned: list[PlannedPage]) -> list[SiteError]:
    """Two pages with one URL, also when they differ only in case or Unicode normalisation."""
    seen: dict[str, PlannedPage] = {}
    errors = []
    for page in planned:
        folded = unicodedata.normalize("NFC", page.url).casefold()
        other = seen.get(folded)
        if other is None:
            seen[folded] = page
            continue
        if (other.entry or other.origin[0]) and not (page.entry or page.origin[0]):  # name the editor's file first
            page, other = other, page
        path, line = page.origin if page.origin[0] else (_describe(site, page), 0)
        hint = "choose another short_url:" if page.origin[0] else "give one of them another slug: in its front matter"
        errors.append(SiteError(path, line, f"has the same address {page.url} as {_describe(site, other)}", hint))
    return errors


def _describe(site: Site, page: PlannedPage) -> str:
    if page.origin[0]:
        return f"the short_url of {page.origin[0]}"
    if page.entry:
        entry = site.entries[page.entry]
        return entry.source.path
    return f"the {page.kind} page"
