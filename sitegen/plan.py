"""Which HTML pages the site has: one plan entry per output file, with its URL and translations.

Lists of stories are split into pages of `stories_per_page` (as Hugo paginates its lists): the archive,
the past events, each topic and audience, and each town's stories. Page 1 is the list's own URL, the
others `<url><sections.page>/<n>/`. A town's page 1 is its profile with its newest stories; its later
pages (kind `town_stories`) show only the list. Translations of a numbered page are the same page number
of the same list in another language, when that list is as long.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .campaigns import short_urls
from .errors import SiteError, raise_if_any
from .events import archive_url, past_events, upcoming_events
from .model import Entry, EntryId, Site
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

    kind: str  # story, town, town_stories, page, event, home, archive, events, events_archive, topics, topic,
    # audience, towns, search, notfound, redirect
    lang: str
    url: str  # site-relative, with the base path
    template: str
    entry: EntryId | None = None
    items: tuple[EntryId, ...] = ()  # the stories a list shows
    term: str = ""  # the topic or audience key of a term page
    town: str = ""  # the town key of a town page and of its later story pages (town_stories)
    target: str = ""  # where a redirect page sends the visitor
    pagination: Pagination | None = None
    alternates: tuple[tuple[str, str], ...] = ()  # (language, url) of this page in every language
    # a numbered list page: (language, url) of page 1 of its list in every language, where the language
    # switch leads when this page has no twin (the other language's list is shorter)
    list_alternates: tuple[tuple[str, str], ...] = ()
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
            if kind == "towns":
                pages.extend(_town_pages(site, entry))
                continue
            pages.append(
                PlannedPage(
                    kind[:-1] if kind != "stories" else "story",
                    lang,
                    entry.url,
                    TEMPLATES[kind],
                    entry=entry.id,
                    noindex=isinstance(entry.source.meta, Campaign) and entry.source.meta.noindex,
                )
            )
    pages.append(PlannedPage("towns", lang, site.section_url("towns", lang), "towns.html"))
    upcoming = tuple(e.id for e in upcoming_events(site, lang))
    pages.append(PlannedPage("events", lang, site.section_url("events", lang), "events.html", items=upcoming))
    past = past_events(site, lang)
    pages.extend(_paginated(site, lang, "events_archive", archive_url(site, lang), "events.html", past))
    pages.extend(_paginated(site, lang, "archive", site.section_url("stories", lang), "archive.html", stories))
    for taxonomy in ("topics", "audiences"):
        by_term = site.stories_by_term(taxonomy, lang)
        if taxonomy == "topics":
            pages.append(PlannedPage("topics", lang, site.section_url("topics", lang), "topics.html"))
        kind = "topic" if taxonomy == "topics" else "audience"
        for term, entries in by_term.items():
            url = site.term_url(taxonomy, term, lang)
            pages.extend(_paginated(site, lang, kind, url, "term.html", entries, term=term))
    pages.append(PlannedPage("search", lang, search_url(site, lang), "search.html"))
    pages.append(PlannedPage("notfound", lang, site.home_url(lang) + "404.html", "404.html"))
    return pages


def _paginated(
    site: Site,
    lang: str,
    kind: str,
    first: str,
    template: str,
    items: Sequence[Entry],
    term: str = "",
    town: str = "",
) -> list[PlannedPage]:
    """A list split into numbered pages of `stories_per_page`: page 1 at `first`, then `<first><page word>/<n>/`.

    An empty list is still one page; `term` and `town` name the list on every page."""
    size = site.config.stories_per_page
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    word = site.config.languages[lang].sections.page
    urls = tuple(first if n == 1 else f"{first}{word}/{n}/" for n in range(1, len(chunks) + 1))
    return [
        PlannedPage(
            kind,
            lang,
            urls[n],
            template,
            items=tuple(e.id for e in chunk),
            pagination=Pagination(n + 1, len(chunks), urls),
            term=term,
            town=town,
        )
        for n, chunk in enumerate(chunks)
    ]


def _town_pages(site: Site, town: Entry) -> list[PlannedPage]:
    """A town's profile with its newest stories, then its older stories on list pages of their own."""
    stories = site.stories_of_town(town.key, town.lang)
    pages = _paginated(site, town.lang, "town_stories", town.url, "town_stories.html", stories, town=town.key)
    return [replace(pages[0], kind="town", template=TEMPLATES["towns"], entry=town.id), *pages[1:]]


def _identity(page: PlannedPage) -> tuple[str, ...]:
    """What makes pages in different languages the same page."""
    if page.entry:
        return ("entry", page.entry[0], page.entry[1])
    number = str(page.pagination.number) if page.pagination else ""
    return (page.kind, page.term, page.town, page.target, number)


def _list_start(page: PlannedPage) -> tuple[str, ...] | None:
    """The identity of page 1 of the list a numbered page is part of (None for other pages)."""
    if not _numbered(page):
        return None
    if page.kind == "town_stories":  # page 1 is the town's own page
        return ("entry", "towns", page.town)
    return (*_identity(page)[:-1], "1")


def _with_alternates(planned: list[PlannedPage], base: str) -> list[PlannedPage]:
    by_identity: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for page in planned:
        by_identity.setdefault(_identity(page), []).append((page.lang, page.url))
    return [
        replace(
            page,
            alternates=tuple(by_identity[_identity(page)]),
            list_alternates=tuple(by_identity.get(start, ())) if (start := _list_start(page)) else (),
            output=output_path(page.url, base),
        )
        for page in planned
    ]


def _collisions(site: Site, planned: list[PlannedPage]) -> list[SiteError]:
    """Two pages with one URL, also when they differ only in case or Unicode normalisation.

    Two lists at one address collide on every page number; only their first pages are reported."""
    seen: dict[str, PlannedPage] = {}
    errors = []
    for page in planned:
        folded = unicodedata.normalize("NFC", page.url).casefold()
        other = seen.get(folded)
        if other is None:
            seen[folded] = page
            continue
        if _numbered(page) and _numbered(other):
            continue
        if _editable(other) and not _editable(page):  # name the editor's file first
            page, other = other, page
        path, line, subject, hint = _where(site, page)
        errors.append(
            SiteError(path, line, f"{subject}has the same address {page.url} as {_describe(site, other)}", hint)
        )
    return errors


def _numbered(page: PlannedPage) -> bool:
    return page.pagination is not None and page.pagination.number > 1


def _editable(page: PlannedPage) -> bool:
    return bool(page.entry or page.origin[0] or page.kind == "redirect")


def _where(site: Site, page: PlannedPage) -> tuple[str, int, str, str]:
    """Where to fix a page's address: the file, its line, what in it (when not the whole file), and how."""
    if page.origin[0]:
        return page.origin[0], page.origin[1], "", "choose another short_url:"
    if page.entry:
        return site.entries[page.entry].source.path, 0, "", "give one of them another slug: in its front matter"
    if page.kind == "redirect":
        return "config.yaml", 0, f"the redirect {page.url} ", "choose another path under redirects:"
    hint = "give them different words under sections:, topics: or audiences:"
    return "config.yaml", 0, f"{_describe(site, page)} ", hint


def _describe(site: Site, page: PlannedPage) -> str:
    """A page as an error names it: its file, or what it lists (and which page of the list)."""
    if page.origin[0]:
        return f"the short_url of {page.origin[0]}"
    if page.entry:
        return site.entries[page.entry].source.path
    if page.kind == "redirect":
        return f"the redirect {page.url} under redirects: in config.yaml"
    town = site.get("towns", page.town, page.lang) if page.kind == "town_stories" else None
    if town:
        what = f"the stories of {town.source.path}"
    else:
        what = f"the {page.kind} page '{page.term}'" if page.term else f"the {page.kind} page"
    number = page.pagination.number if page.pagination else 1
    return f"page {number} of {what}" if number > 1 else what
