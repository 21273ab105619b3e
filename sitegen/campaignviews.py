"""What a campaign page's template sees of its blocks: plain dictionaries, one per block, in order.

Stories chosen by `select:` keep the editor's order; a query (audience, topics, town) takes the
newest stories that match every field given (any of the values within a field). Events come from
`events.upcoming_events`. Buttons to content files become the page's URL in the campaign's language,
and e-mail buttons carry the campaign code in their subject (`campaigns.mailto`).
"""

from __future__ import annotations

from typing import Any

from .blocks import (
    Action,
    AnyBlock,
    CallToActionBlock,
    EventsBlock,
    FactsBlock,
    HeroBlock,
    StoriesBlock,
    TextBlock,
    TownsBlock,
)
from .campaigns import content_target, mailto
from .context import story_card, town_card
from .events import event_card, upcoming_events
from .model import Entry, Site, topic_aliases
from .schemas import Campaign

DEFAULT_STORIES = 3  # a query without limit: shows this many


def campaign_blocks(site: Site, entry: Entry) -> list[dict[str, Any]]:
    """The blocks of a campaign, ready for `campaign.html`; the body comes last when no text block places it.

    Whether the body is empty is left to the template (a context never depends on a body: see depgraph)."""
    campaign = entry.source.meta
    assert isinstance(campaign, Campaign)
    views = [_view(site, entry, campaign, block, index) for index, block in enumerate(campaign.blocks, start=1)]
    if not any(isinstance(block, TextBlock) for block in campaign.blocks):
        views.append({"type": "text", "id": f"blok-{len(views) + 1}"})
    return views


def _view(site: Site, entry: Entry, campaign: Campaign, block: AnyBlock, index: int) -> dict[str, Any]:
    view: dict[str, Any] = {"type": block.type, "id": f"blok-{index}"}
    lang = entry.lang
    if isinstance(block, HeroBlock):
        view |= {"heading": block.heading, "text": block.text, "has_image": bool(block.image)}
    elif isinstance(block, StoriesBlock):
        view |= {
            "heading": block.heading,
            "entries": [story_card(site, e) for e in selected_stories(site, lang, block)],
        }
    elif isinstance(block, TownsBlock):
        towns = _by_keys(site, "towns", block.select, lang) if block.select else site.all("towns", lang)
        view |= {"heading": block.heading, "entries": [town_card(site, e) for e in towns]}
    elif isinstance(block, EventsBlock):
        events = upcoming_events(site, lang, town=block.town, audience=block.audience, limit=block.limit)
        view |= {"heading": block.heading, "entries": [event_card(site, e) for e in events]}
    elif isinstance(block, FactsBlock):
        view |= {"heading": block.heading, "entries": [fact.model_dump() for fact in block.items]}
    elif isinstance(block, CallToActionBlock):
        links = [_link(site, entry, campaign, action) for action in block.links]
        view |= {"heading": block.heading, "text": block.text, "links": [link for link in links if link]}
    return view


def selected_stories(site: Site, lang: str, block: StoriesBlock) -> list[Entry]:
    """The stories a block shows: the selected ones in order, or the newest that match its query."""
    if block.select:
        return _by_keys(site, "stories", block.select, lang)
    aliases = topic_aliases(site.config)
    topics = {aliases.get(topic, topic) for topic in block.topics}
    found = [
        entry
        for entry in site.all("stories", lang)  # newest first
        if (not block.audience or set(block.audience) & set(entry.story.audience))
        and (not topics or topics & set(entry.story.topics))
        and (not block.town or entry.story.town in block.town)
    ]
    return found[: block.limit or DEFAULT_STORIES]


def _by_keys(site: Site, kind: str, keys: list[str], lang: str) -> list[Entry]:
    """Entries by key in the order given; those not published in `lang` are left out (check warns)."""
    return [entry for key in keys if (entry := site.get(kind, key, lang))]


def _link(site: Site, entry: Entry, campaign: Campaign, action: Action) -> dict[str, str] | None:
    """A button: its label, where it goes and what kind of link it is; None when its page is not published."""
    href = action.href
    if href.startswith("mailto:"):
        return {"label": action.label, "href": mailto(action, campaign.title, campaign.campaign_code), "kind": "mail"}
    if href.startswith("tel:"):
        return {"label": action.label, "href": "tel:" + href[4:].replace(" ", ""), "kind": "phone"}
    if href.startswith("https:"):
        return {"label": action.label, "href": href, "kind": "web"}
    target = content_target(entry.source.path, href)
    if target is None:
        return None
    kind, key, written = target
    fragment = f"#{href.split('#', 1)[1]}" if "#" in href else ""
    for lang in (entry.lang, written, *site.config.language_order()):
        found = site.get(kind, key, lang) if lang else None
        if found:
            return {"label": action.label, "href": found.url + fragment, "kind": "page"}
    return None
