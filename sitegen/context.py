"""What a template sees: plain dictionaries built from the site model for one planned page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .events import event_card, event_details, events_context
from .headers import content_security_policy
from .markdown import RenderedMarkdown
from .model import Entry, Site
from .plan import PlannedPage, search_url
from .schemas import Event, Page, Story, Town

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}
CSP_META = content_security_policy(for_meta=True)
MOVE_HERE_PAGE = "flyt-hertil"  # the key of the "move here" guide the story pages point to


def page_context(site: Site, page: PlannedPage, body: RenderedMarkdown | None) -> dict[str, Any]:
    """The variables of one page's template."""
    config = site.config
    language = config.languages[page.lang]
    context: dict[str, Any] = {
        "lang": page.lang,
        "locale": language.locale,
        "kind": page.kind,
        "url": page.url,
        "canonical": config.absolute(page.url),
        "site": {
            "title": language.title,
            "description": language.description,
            "home": site.home_url(page.lang),
            "base_path": config.base_path,
            "feed": site.home_url(page.lang) + "feed.xml",
            "organization": config.organization.model_dump(),
            "accessibility_statement_url": config.accessibility_statement_url,
        },
        "nav": _navigation(site, page),
        "alternates": _alternates(site, page),
        "switch": _language_switch(site, page),
        "items": [_memo(site, ("card", i), partial(_card, site, site.entries[i])) for i in page.items],
        "pagination": _pagination(page),
        "entry": None,
        "term": None,
        "redirect_to": page.target,
        "noindex": page.noindex,
        "content_security_policy": CSP_META,
        "audiences": _memo(site, ("audiences", page.lang), lambda: _audiences(site, page.lang)),
        "page_links": _memo(
            site,
            ("page_links", page.lang),
            lambda: {e.key: {"title": e.title, "url": e.url} for e in site.all("pages", page.lang)},
        ),
        "move_here_url": _page_url(site, MOVE_HERE_PAGE, page.lang),
        "stories_url": site.section_url("stories", page.lang),
        "towns_url": site.section_url("towns", page.lang),
        "search_url": search_url(site, page.lang),
    }
    context |= events_context(site, page.kind, page.lang, page.entry[1] if page.entry else None)
    if page.entry:
        context["entry"] = entry_view(site, site.entries[page.entry], body)
    if page.kind == "campaign" and page.entry:
        from .campaignviews import campaign_blocks  # it builds on the cards made here

        context["blocks"] = campaign_blocks(site, site.entries[page.entry])
    if page.term:
        taxonomy = "topics" if page.kind == "topic" else "audiences"
        context["term"] = {"key": page.term, "label": config.term_label(taxonomy, page.term, page.lang)}
    if page.kind == "town_stories":  # a town's older stories, on a page of their own
        town = site.entries[("towns", page.town, page.lang)]
        context["town"] = {"key": town.key, "name": town.title, "url": town.url, "feed": town.url + "feed.xml"}
    if page.kind == "towns":
        context["towns"] = [town_card(site, e) for e in site.all("towns", page.lang)]
    if page.kind == "topics":
        context["topics"] = [
            {
                "label": config.term_label("topics", key, page.lang),
                "url": site.term_url("topics", key, page.lang),
                "count": len(entries),
            }
            for key, entries in site.stories_by_term("topics", page.lang).items()
        ]
    if page.kind == "home":
        context["towns"] = [town_card(site, e) for e in site.all("towns", page.lang)]
    return context


def _navigation(site: Site, page: PlannedPage) -> list[dict[str, Any]]:
    lang = page.lang
    items = [
        ("nav_stories", site.section_url("stories", lang)),
        ("nav_towns", site.section_url("towns", lang)),
        ("nav_topics", site.section_url("topics", lang)),
        ("nav_events", site.section_url("events", lang)),
    ]
    links: list[tuple[str | None, str | None, str]] = [(key, None, url) for key, url in items]
    links += [(None, e.title, e.url) for e in site.menu(lang)]
    return [{"key": key, "title": title, "url": url, "current": page.url.startswith(url)} for key, title, url in links]


def _alternates(site: Site, page: PlannedPage) -> list[dict[str, str]]:
    """hreflang links: every language version, and x-default for the default language's."""
    config = site.config
    links = [{"hreflang": lang, "href": config.absolute(url)} for lang, url in page.alternates]
    default = dict(page.alternates).get(config.default_language)
    if default and len(page.alternates) > 1:
        links.append({"hreflang": "x-default", "href": config.absolute(default)})
    return links


def _language_switch(site: Site, page: PlannedPage) -> list[dict[str, Any]]:
    """A link per other language: to this page's translation, or else to the first page of the same list
    (a numbered page the other language's list is too short for), or else to that language's home."""
    versions = dict(page.alternates)
    lists = dict(page.list_alternates)
    return [
        {
            "lang": lang,
            "name": LANGUAGE_NAMES.get(lang, lang),
            "url": versions.get(lang) or lists.get(lang) or site.home_url(lang),
            "locale": site.config.languages[lang].locale,
            "translated": lang in versions,
        }
        for lang in site.config.language_order()
        if lang != page.lang
    ]


def _memo(site: Site, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """A value many pages share (a story's card, the audience list), made once per build.

    Templates only read their context, so pages may share these objects.
    """
    if key not in site.memo:
        site.memo[key] = make()
    return site.memo[key]


def _audiences(site: Site, lang: str) -> list[dict[str, Any]]:
    """The audiences that have a page (at least one story), with the page in each other language."""
    config = site.config
    found = {other: site.stories_by_term("audiences", other) for other in config.language_order()}
    return [
        {
            "key": key,
            "label": config.term_label("audiences", key, lang),
            "url": site.term_url("audiences", key, lang),
            "translations": [
                {
                    "lang": other,
                    "name": LANGUAGE_NAMES.get(other, other),
                    "label": config.term_label("audiences", key, other),
                    "url": site.term_url("audiences", key, other),
                }
                for other in config.language_order()
                if other != lang and key in found[other]
            ],
        }
        for key in config.audiences
        if key in found[lang]
    ]


def _page_url(site: Site, key: str, lang: str) -> str | None:
    entry = site.get("pages", key, lang)
    return entry.url if entry else None


def _pagination(page: PlannedPage) -> dict[str, Any] | None:
    """The pager of a list that runs to several pages (archive, past events, topic, audience, town), else None."""
    pagination = page.pagination
    if pagination is None or pagination.total < 2:
        return None
    number = pagination.number
    return {
        "number": number,
        "total": pagination.total,
        "previous": pagination.urls[number - 2] if number > 1 else None,
        "next": pagination.urls[number] if number < pagination.total else None,
        "pages": _page_window(number, pagination.urls),
    }


PAGER_REACH = 2  # pages shown on each side of the current one


def _page_window(number: int, urls: tuple[str, ...]) -> list[dict[str, Any]]:
    """First, last and the pages near the current one; a gap (None as url) where pages are left out."""
    shown = {1, len(urls), *range(max(1, number - PAGER_REACH), min(len(urls), number + PAGER_REACH) + 1)}
    window: list[dict[str, Any]] = []
    previous = 0
    for n in sorted(shown):
        if n > previous + 1:
            window.append({"number": None, "url": None, "current": False})
        window.append({"number": n, "url": urls[n - 1], "current": n == number})
        previous = n
    return window


def _terms(site: Site, taxonomy: str, keys: Sequence[str], lang: str) -> list[dict[str, str]]:
    return [
        {"key": k, "label": site.config.term_label(taxonomy, k, lang), "url": site.term_url(taxonomy, k, lang)}
        for k in keys
    ]


def _card(site: Site, entry: Entry) -> dict[str, Any]:
    """What a list shows of a story or an event."""
    return event_card(site, entry) if entry.kind == "events" else story_card(site, entry)


def story_card(site: Site, entry: Entry) -> dict[str, Any]:
    """What a list shows of a story."""
    story = entry.story
    town = site.get("towns", story.town, entry.lang) or _any_language(site, "towns", story.town)
    return {
        "title": story.title,
        "url": entry.url,
        "summary": story.summary,
        "date": story.date,
        "town": {"name": town.title, "url": town.url, "key": town.key} if town else None,
        "example": story.example,
        "draft": story.draft,
    }


def town_card(site: Site, entry: Entry) -> dict[str, Any]:
    town = entry.town
    return {
        "key": entry.key,
        "name": town.name,
        "url": entry.url,
        "summary": town.summary,
        "population": town.population,
        "population_year": town.population_year,
        "stories": len(site.stories_of_town(entry.key, entry.lang)),
    }


def entry_view(site: Site, entry: Entry, body: RenderedMarkdown | None) -> dict[str, Any]:
    """Everything a story, town or page template shows of its content file."""
    meta = entry.source.meta
    view: dict[str, Any] = {
        "kind": entry.kind,
        "key": entry.key,
        "title": entry.title,
        "summary": meta.summary,
        "body": body.html if body else "",
        "headings": [{"level": h.level, "text": h.text, "id": h.id} for h in body.headings] if body else [],
        "example": meta.example,
        "draft": meta.draft,
        "source": entry.source.path,
        "feed": None,
        "image": None,  # the lead photo {html, src, alt}, filled in with the images (with_media)
        "share": None,  # the share card {url, width, height, alt, type} of a story or town
    }
    if isinstance(meta, Story):
        town = site.get("towns", meta.town, entry.lang) or _any_language(site, "towns", meta.town)
        view |= {
            "date": meta.date,
            "author": meta.author,
            "town": {"name": town.title, "url": town.url, "key": town.key} if town else None,
            "topics": _terms(site, "topics", meta.topics, entry.lang),
            "audience": _terms(site, "audiences", meta.audience, entry.lang),
        }
    elif isinstance(meta, Town):
        view |= {
            "population": meta.population,
            "population_year": meta.population_year,
            "population_source": meta.population_source,
            "schools": meta.schools,
            "daycare": meta.daycare,
            "distances": meta.distances.model_dump(exclude_none=True) if meta.distances else {},
            "transport": list(meta.transport),
            "feed": entry.url + "feed.xml",
        }
    elif isinstance(meta, Event):
        view |= event_details(site, entry, site.config.absolute(entry.url))
    elif isinstance(meta, Page):
        view["menu"] = meta.menu
    return view


def _any_language(site: Site, kind: str, key: str) -> Entry | None:
    for lang in site.config.language_order():
        found = site.get(kind, key, lang)
        if found:
            return found
    return None


def with_body(context: dict[str, Any], body: RenderedMarkdown) -> dict[str, Any]:
    """The context of a content page with its rendered Markdown filled in."""
    entry = {
        **context["entry"],
        "body": body.html,
        "headings": [{"level": h.level, "text": h.text, "id": h.id} for h in body.headings],
    }
    return {**context, "entry": entry}


def with_media(context: dict[str, Any], image: dict[str, Any] | None, share: dict[str, Any] | None) -> dict[str, Any]:
    """The context of a content page with its lead photo and share card filled in."""
    return {**context, "entry": {**context["entry"], "image": image, "share": share}}
