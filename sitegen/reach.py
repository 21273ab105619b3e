"""Which pages a change to stories' front matter can reach: the preview's fast path renders only these.

A story's front matter (title, summary, date, town, topics, audience, image, draft) shows on
- its own page (and its translations are the same story: their pages are included too);
- every list that shows its card: the pages whose planned `items` hold it, before or after the change,
  and every list whose items changed (a new date moves stories between archive pages);
- the pages made from counts of or queries over stories: the home page and the towns overview (town
  cards count stories), the topics overview (story counts) and campaign pages (story blocks choose
  stories by query).
Nothing else: menus and page links come from pages, and the audience list every page shows depends
only on which audience pages exist, which the fast path requires to stay the same (it builds the whole
site when the set of pages changes). `tests/test_reach.py` checks this against every page's full
context on the real site, for each kind of front-matter change.
"""

from __future__ import annotations

from collections.abc import Collection

from .model import EntryId
from .plan import PlannedPage

AGGREGATE_KINDS = frozenset({"home", "towns", "topics", "campaign"})


def pages_reached(before: list[PlannedPage], after: list[PlannedPage], stories: Collection[EntryId]) -> list[int]:
    """Indexes of the pages of `after` whose context a change to the front matter of `stories` may alter.

    `before` and `after` (the plans before and after the change) plan the same output files."""
    changed = set(stories)
    keys = {(kind, key) for kind, key, _lang in changed}
    items_before = {page.output: page.items for page in before}
    return [
        index
        for index, page in enumerate(after)
        if page.kind in AGGREGATE_KINDS
        or (page.entry is not None and page.entry[:2] in keys)
        or items_before[page.output] != page.items
        or not changed.isdisjoint(page.items)
    ]
