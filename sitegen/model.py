"""The site model: every visible page keyed by (kind, key, language), its URL and its translations."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .campaigns import check_campaign
from .config import Config
from .content import LoadedContent, Source
from .errors import SiteError, did_you_mean, raise_if_any
from .schemas import Campaign, Event, FrontMatter, Page, Story, Town
from .text import slugify

EntryId = tuple[str, str, str]  # kind, key, language


@dataclass(frozen=True)
class Entry:
    """One content file as a page of the site."""

    source: Source
    url: str  # site-relative, with the base path, ending in '/'

    @property
    def id(self) -> EntryId:
        return (self.source.kind, self.source.key, self.source.lang)

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def lang(self) -> str:
        return self.source.lang

    @property
    def title(self) -> str:
        meta = self.source.meta
        return meta.name if isinstance(meta, Town) else meta.title

    @property
    def story(self) -> Story:
        assert isinstance(self.source.meta, Story)
        return self.source.meta

    @property
    def town(self) -> Town:
        assert isinstance(self.source.meta, Town)
        return self.source.meta

    @property
    def event(self) -> Event:
        assert isinstance(self.source.meta, Event)
        return self.source.meta


@dataclass(frozen=True)
class Site:
    """Everything the later stages need to know about the content, read-only."""

    config: Config
    build_date: dt.date
    entries: dict[EntryId, Entry]
    warnings: tuple[SiteError, ...] = field(default=())
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)  # per-build cache of shared views

    def get(self, kind: str, key: str, lang: str) -> Entry | None:
        return self.entries.get((kind, key, lang))

    def translations(self, entry: Entry) -> list[Entry]:
        """The same content in the other languages, in the configured order."""
        found = (self.get(entry.kind, entry.key, lang) for lang in self.config.language_order())
        return [other for other in found if other is not None and other.lang != entry.lang]

    @cached_property
    def _by_kind(self) -> dict[tuple[str, str], list[Entry]]:
        groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in self.entries.values():
            groups[(entry.kind, entry.lang)].append(entry)
        groups_sorted = {}
        for (kind, lang), items in groups.items():
            if kind == "events":  # soonest first
                items.sort(key=lambda e: (e.event.start, e.key))
            elif kind == "stories":
                items.sort(key=lambda e: (e.story.date, e.key), reverse=True)
            elif kind == "towns":
                items.sort(key=lambda e: (-e.town.population, e.key))
            else:
                items.sort(key=lambda e: e.key)
            groups_sorted[(kind, lang)] = items
        return groups_sorted

    def all(self, kind: str, lang: str) -> list[Entry]:
        """Stories newest first, towns largest first, pages by key."""
        return self._by_kind.get((kind, lang), [])

    @cached_property
    def _stories_by_town(self) -> dict[tuple[str, str], list[Entry]]:
        groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for lang in self.config.languages:
            for entry in self.all("stories", lang):
                groups[(entry.story.town, lang)].append(entry)
        return groups

    def stories_of_town(self, town_key: str, lang: str) -> list[Entry]:
        """A town's stories, newest first."""
        return self._stories_by_town.get((town_key, lang), [])

    @cached_property
    def _stories_by_term(self) -> dict[tuple[str, str], dict[str, list[Entry]]]:
        index: dict[tuple[str, str], dict[str, list[Entry]]] = {}
        for lang in self.config.languages:
            for taxonomy in ("topics", "audiences"):
                groups: dict[str, list[Entry]] = defaultdict(list)
                for entry in self.all("stories", lang):
                    story = entry.story
                    for term in story.topics if taxonomy == "topics" else story.audience:
                        groups[term].append(entry)
                index[(taxonomy, lang)] = dict(sorted(groups.items()))
        return index

    def stories_by_term(self, taxonomy: str, lang: str) -> dict[str, list[Entry]]:
        """Topic or audience key -> its stories (newest first), keys sorted."""
        return self._stories_by_term[(taxonomy, lang)]

    def menu(self, lang: str) -> list[Entry]:
        """Pages that asked for a place in the main menu, in order."""
        pages = [e for e in self.all("pages", lang) if isinstance(e.source.meta, Page) and e.source.meta.menu]
        return sorted(pages, key=lambda e: (getattr(e.source.meta, "menu", 0), e.key))

    def home_url(self, lang: str) -> str:
        return language_root(self.config, lang)

    def term_url(self, taxonomy: str, key: str, lang: str) -> str:
        sections = self.config.languages[lang].sections
        section = sections.topics if taxonomy == "topics" else sections.audiences
        label = self.config.term_label(taxonomy, key, lang)
        return f"{language_root(self.config, lang)}{section}/{slugify(label) or key}/"

    def section_url(self, section: str, lang: str) -> str:
        word = self.config.section(section, lang)
        return f"{language_root(self.config, lang)}{word}/"


def language_root(config: Config, lang: str) -> str:
    """'/' for the default language, '/en/' for English (under the base path)."""
    prefix = "" if lang == config.default_language else f"{lang}/"
    return f"{config.base_path}{prefix}"


def entry_url(config: Config, source: Source) -> str:
    """The page URL of a content file: Danish words in Danish URLs, English in English ones."""
    slug = source.meta.slug or source.key
    root = language_root(config, source.lang)
    if source.kind == "pages":
        return f"{root}{slug}/"
    section = config.section(source.kind, source.lang)
    return f"{root}{section}/{slug}/"


def is_visible(meta: FrontMatter, today: dt.date, drafts: bool) -> bool:
    """Drafts, stories not yet published and expired stories stay off the site unless --drafts."""
    if drafts:
        return True
    if meta.draft:
        return False
    if isinstance(meta, Story):
        if meta.publish_date and meta.publish_date > today:
            return False
        if meta.expiry_date and meta.expiry_date <= today:
            return False
    return True


def assemble_site(config: Config, content: LoadedContent, build_date: dt.date, drafts: bool) -> Site:
    """Check the cross-file rules and return the model of the visible pages.

    Raises every error found while loading and here together. Towns whose files failed to
    load still count as towns, so one broken town file does not make every story an error.
    """
    errors: list[SiteError] = list(content.errors)
    warnings: list[SiteError] = list(content.warnings)
    aliases = topic_aliases(config)
    sources = [with_topic_keys(config, source, aliases) for source in content.sources]
    town_keys = {key for kind, key, _lang in content.found if kind == "towns"}
    town_langs = {(key, lang) for kind, key, lang in content.found if kind == "towns"}
    published = {(s.kind, s.key, s.lang) for s in sources if is_visible(s.meta, build_date, drafts)}
    for source in sources:
        if isinstance(source.meta, Story):
            errors.extend(_check_story(config, source, source.meta, town_keys, town_langs, warnings))
        elif isinstance(source.meta, Event):
            errors.extend(_check_town(source, source.meta.town, town_keys, town_langs, warnings))
        elif isinstance(source.meta, Campaign):
            aliases = topic_aliases(config)
            errors.extend(check_campaign(config, source, source.meta, content.found, published, aliases, warnings))
    raise_if_any(errors)
    entries = {
        (s.kind, s.key, s.lang): Entry(s, entry_url(config, s))
        for s in sources
        if is_visible(s.meta, build_date, drafts)
    }
    return Site(config, build_date, entries, tuple(sorted(warnings)))


def list_keys(story: Story) -> tuple[Any, ...]:
    """What the site's lists order and group stories by (`Site.all`, `stories_of_town`, `stories_by_term`)."""
    return (story.date, story.town, tuple(story.topics), tuple(story.audience))


def with_sources_replaced(site: Site, known: frozenset[EntryId], sources: list[Source]) -> Site:
    """The site with these content files (each already in it, at the same URL) read again: stories may
    have new front matter, other files only a new body. Stories' cross-file rules are checked again
    (raises SiteErrors) and their warnings replaced. For the preview's fast path.

    When no story changed its `list_keys`, the lists of the old site are kept, with the new entries."""
    errors: list[SiteError] = []
    warnings: list[SiteError] = []
    town_keys = {key for kind, key, _lang in known if kind == "towns"}
    town_langs = {(key, lang) for kind, key, lang in known if kind == "towns"}
    entries = dict(site.entries)
    swapped: dict[int, Entry] = {}  # id() of the old entry -> the new one
    same_lists = True
    for source in sources:
        entry_id = (source.kind, source.key, source.lang)
        old = entries[entry_id]
        entries[entry_id] = swapped[id(old)] = Entry(source, entry_url(site.config, source))
        if isinstance(source.meta, Story):
            errors.extend(_check_story(site.config, source, source.meta, town_keys, town_langs, warnings))
            same_lists = same_lists and list_keys(old.story) == list_keys(source.meta)
    raise_if_any(errors)
    paths = {source.path for source in sources if isinstance(source.meta, Story)}
    kept = [warning for warning in site.warnings if warning.path not in paths]
    for warning in set(warnings):
        bisect.insort(kept, warning)
    new = replace(site, entries=entries, warnings=tuple(kept), memo={})
    if same_lists:
        for name in ("_by_kind", "_stories_by_town", "_stories_by_term"):
            if name in site.__dict__:  # computed (a cached_property)
                new.__dict__[name] = _swap(site.__dict__[name], swapped)
    return new


def _swap(lists: dict[Any, Any], swapped: dict[int, Entry]) -> dict[Any, Any]:
    """A copy of a dictionary of entry lists (or of such dictionaries) with the `swapped` entries replaced."""
    return {
        key: _swap(value, swapped) if isinstance(value, dict) else [swapped.get(id(e), e) for e in value]
        for key, value in lists.items()
    }


def _check_story(
    config: Config,
    source: Source,
    story: Story,
    town_keys: set[str],
    town_langs: set[tuple[str, str]],
    warnings: list[SiteError],
) -> list[SiteError]:
    town_errors = _check_town(source, story.town, town_keys, town_langs, warnings)
    if town_errors:
        return town_errors
    if config.topics:
        for topic in story.topics:
            if topic not in config.topics:
                hint = _topic_hint(topic, tuple(config.topics))
                warnings.append(
                    SiteError(
                        source.path, _field_line(source, "topics"), f"topic '{topic}' is not in config.yaml", hint
                    )
                )
    return []


@functools.lru_cache(maxsize=256)
def _topic_hint(topic: str, topics: tuple[str, ...]) -> str:
    """How to fix an unknown topic (the same few mistakes recur across many stories)."""
    return did_you_mean(topic, topics) or "add it under topics: in config.yaml"


def _check_town(
    source: Source, town: str, town_keys: set[str], town_langs: set[tuple[str, str]], warnings: list[SiteError]
) -> list[SiteError]:
    """A story's or event's town must exist; a town without a profile in the file's language is a warning."""
    line = _field_line(source, "town")
    if town not in town_keys:
        hint = did_you_mean(town, town_keys) or f"towns: {', '.join(sorted(town_keys))}"
        return [SiteError(source.path, line, f"town '{town}' is not a town", hint)]
    if (town, source.lang) not in town_langs:
        warnings.append(
            SiteError(
                source.path,
                line,
                f"town '{town}' has no {source.lang} profile",
                f"add content/towns/{town}.{source.lang}.md",
            )
        )
    return []


def topic_aliases(config: Config) -> dict[str, str]:
    """Every way an editor may name a topic -> its key: the key itself and its labels as slugs."""
    aliases: dict[str, str] = {}
    for key, term in config.topics.items():
        for name in (slugify(term.en), slugify(term.da), key):
            aliases[name] = key
    return aliases


def audience_aliases(config: Config) -> dict[str, str]:
    """Every way an editor may name an audience -> its key: its labels as slugs (the key is a key anyway)."""
    return {slugify(label): key for key, term in config.audiences.items() for label in (term.da, term.en)}


def with_topic_keys(config: Config, source: Source, aliases: dict[str, str] | None = None) -> Source:
    """`topics: [natur]` means the topic whose Danish label is Natur: store its key (`aliases`: topic_aliases)."""
    meta = source.meta
    if not isinstance(meta, Story) or not meta.topics:
        return source
    aliases = topic_aliases(config) if aliases is None else aliases
    keys = list(dict.fromkeys(aliases.get(topic, topic) for topic in meta.topics))
    return source if keys == meta.topics else replace(source, meta=meta.model_copy(update={"topics": keys}))


def _field_line(source: Source, name: str) -> int:
    return source.field_lines.get(name, 1)
