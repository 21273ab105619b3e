"""The fast path's rule of which pages a story's front matter reaches, checked on the real site:
after each kind of change, every page whose full context changed must be among the pages reached,
and the fast path's site model must give every page the context a full load gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from sitegen.config import load_config
from sitegen.content import LoadedContent, Source, load_sources
from sitegen.context import page_context
from sitegen.depgraph import context_hash
from sitegen.model import Site as SiteModel
from sitegen.model import assemble_site, with_sources_replaced
from sitegen.plan import plan_site
from sitegen.reach import pages_reached
from sitegen.schemas import Story

from .conftest import BUILD_DATE, Site

CHANGES: dict[str, Callable[[Story], dict[str, Any]]] = {
    "title": lambda story: {"title": story.title + " (opdateret)"},
    "summary": lambda story: {"summary": "Et nyt resumé."},
    "newest": lambda story: {"date": dt.date(2026, 11, 27)},
    "oldest": lambda story: {"date": dt.date(2001, 1, 1)},
    "town": lambda story: {"town": "vorbasse" if story.town != "vorbasse" else "filskov"},
    "fewer topics": lambda story: {"topics": story.topics[1:]},
    "fewer audiences": lambda story: {"audience": story.audience[1:]},
    "draft": lambda story: {"draft": True},
    "example": lambda story: {"example": not story.example},
}


def contexts(site: SiteModel) -> dict[str, str]:
    """Output file -> the hash of its page's full context."""
    return {page.output: context_hash(page_context(site, page, None)) for page in plan_site(site)}


@pytest.fixture(scope="module")
def content(real_site: Site) -> LoadedContent:
    return load_sources(real_site.root, list(load_config(real_site.root).languages))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_story_change_reaches_only_pages_the_rule_names(real_site: Site, content: LoadedContent, change: str) -> None:
    config = load_config(real_site.root)
    site = assemble_site(config, content, BUILD_DATE, drafts=True)
    before = plan_site(site)
    hashes = contexts(site)
    checked = 0
    for index, source in enumerate(content.sources):
        if not isinstance(source.meta, Story):
            continue
        edited: Source = replace(source, meta=source.meta.model_copy(update=CHANGES[change](source.meta)))
        sources = [*content.sources[:index], edited, *content.sources[index + 1 :]]
        full = assemble_site(config, replace(content, sources=sources), BUILD_DATE, drafts=True)
        new_hashes = contexts(full)
        if new_hashes.keys() != hashes.keys():
            continue  # pages come or go: the fast path builds the whole site
        assert contexts(with_sources_replaced(site, content.found, [edited])) == new_hashes, source.path
        changed = {output for output, digest in new_hashes.items() if hashes[output] != digest}
        after = plan_site(full)
        reached = {after[i].output for i in pages_reached(before, after, [(source.kind, source.key, source.lang)])}
        missed = sorted(changed - reached)
        assert not missed, f"{source.path}: {change} changed pages the rule does not reach: {missed}"
        checked += 1
    assert checked >= 10
