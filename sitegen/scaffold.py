"""`new story|town|page|event|campaign KEY`: content files with valid front matter and a comment on every field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import SiteError, SiteErrors, did_you_mean
from .text import slugify

FOLDERS = {"story": "stories", "town": "towns", "page": "pages", "event": "events", "campaign": "campaigns"}

STORY = """---
# A draft is not published. Delete the line 'draft: true' when the story is ready.
draft: true
# The headline, as readers will see it.
title: "{title}"
# The date of the story (year-month-day).
date: {today}
# The town the story is about: one of {towns}.
town: {town}
# One or two sentences for lists, feeds and search results.
summary: "{summary}"
# Topics, e.g. [children-capital, business, nature, culture, housing, jobs, schools].
topics: []
# Who the story is for: any of [families, workers, business].
audience: []
# Who wrote it (optional).
# author: "Navn Efternavn"
# A photo next to this file, and what it shows (optional; the description is required with a photo).
# image: images/foto.jpg
# image_alt: "Børn leger på torvet i {town_name}"
{slug}---

{body}
"""

TOWN = """---
# A draft is not published. Delete the line 'draft: true' when the profile is ready.
draft: true
# The town's name as readers see it.
name: "{title}"
# One or two sentences about the town.
summary: "{summary}"
# Inhabitants, the year of the number and where it comes from.
population: 0
population_year: {year}
population_source: "Danmarks Statistik"
# Optional: number of schools and daycare institutions.
# schools: 1
# daycare: 2
# Optional: train and bus links, one per line.
# transport:
#   - "Bus til Billund"
{slug}---

{body}
"""

PAGE = """---
# A draft is not published. Delete the line 'draft: true' when the page is ready.
draft: true
# The page title.
title: "{title}"
# One or two sentences about the page.
summary: "{summary}"
# Position in the main menu (1 = first); delete the line to keep the page out of the menu.
# menu: 5
{slug}---

{body}
"""

EVENT = """---
# A draft is not published. Delete the line 'draft: true' when the event is ready.
draft: true
# The event's name.
title: "{title}"
# When it starts and ends: date, a space and the time on the clock in Denmark that day.
start: {next_week} 10:00
end: {next_week} 12:00
# The town it is in: one of {towns}.
town: {town}
# The place: its name, and its address like 'Gade 1, 7190 Billund'.
location:
  name: "Stedets navn"
  address: "Gade 1, 7200 Grindsted"
# One or two sentences for lists, calendars and search results.
summary: "{summary}"
# Who arranges it, and a page with more or sign-up (optional).
# organizer: "Billund Kommune"
# url: "https://welcome2billund.dk/"
# Who the event is for: any of [families, workers, business].
audience: []
{slug}---

{body}
"""

CAMPAIGN = """---
# A draft is not published. Delete the line 'draft: true' when the campaign is ready.
draft: true
# The page title, for search engines, sharing and the browser tab.
title: "{title}"
# One or two sentences for search engines and sharing.
summary: "{summary}"
# A short address for print and radio, e.g. flyt for /flyt/, and a code that is added to it and to
# the subject of e-mail buttons (both optional).
# short_url: flyt
# campaign_code: radio-2027
# The blocks of the page, from the top. A block of stories, towns or events with nothing to show is left out.
blocks:
  - type: hero
    heading: "{title}"
    text: "{hero}"
  # Figures with their source and year (optional), at most eight:
  # - type: facts
  #   heading: "{facts_heading}"
  #   items:
  #     - figure: "7"
  #       label: "{fact_label}"
  #       source: "billund.dk (2019)"
  #       source_url: "https://billund.dk/om-kommunen/billund-kommune-i-tal/"
  # The newest stories for an audience and topics; or name them in order with select: [key, key].
  - type: stories
    audience: families
    limit: 3
  # The text below this front matter.
  - type: text
  # Every town; or some of them in order with select: [billund, grindsted].
  - type: towns
  # The next events, for an audience or a town (optional).
  - type: events
    limit: 3
  # Up to four buttons: mailto:, tel:, https:// or a content file like ../pages/kontakt.{lang}.md
  - type: call_to_action
    heading: "{cta_heading}"
    links:
      - label: "{cta_label}"
        href: "mailto:navn@billund.dk"
        subject: "{title}"
{slug}---

{body}
"""

TEMPLATES = {"story": STORY, "town": TOWN, "page": PAGE, "event": EVENT, "campaign": CAMPAIGN}
PLACEHOLDERS = {
    "da": {
        "summary": "Skriv et kort resumé her.",
        "body": "Skriv teksten her. Brug ## til mellemrubrikker.",
        "hero": "Et løfte til læseren i en eller to sætninger.",
        "facts_heading": "Billund Kommune i tal",
        "fact_label": "byer: Grindsted, Billund og fem stærke omegnsbyer",
        "cta_heading": "Kom på besøg",
        "cta_label": "Skriv til os",
    },
    "en": {
        "summary": "Write a short summary here.",
        "body": "Write the text here. Use ## for subheadings.",
        "hero": "A promise to the reader in one or two sentences.",
        "facts_heading": "Billund Municipality in figures",
        "fact_label": "towns: Grindsted, Billund and five strong smaller towns",
        "cta_heading": "Come and visit",
        "cta_label": "Write to us",
    },
}


def create(root: Path, kind: str, key: str, town: str | None, languages: list[str]) -> list[Path]:
    """Write one file per language; refuses to overwrite and checks the town exists."""
    slug = slugify(key)
    if not slug:
        raise SiteErrors([SiteError(key, 0, "the key has no letters or digits", "use a name like nyt-havnebad")])
    folder = root / "content" / FOLDERS[kind]
    towns = sorted({p.name.split(".")[0] for p in (root / "content" / "towns").glob("*.md")})
    if kind in ("story", "event"):
        town = _check_town(slugify(town) if town else town, towns, kind)
    targets = [folder / f"{slug}.{lang}.md" for lang in languages]
    existing = [p for p in targets if p.exists()]
    if existing:
        raise SiteErrors(
            [SiteError(p.relative_to(root).as_posix(), 0, "exists already", "pick another name") for p in existing]
        )
    unknown = [lang for lang in languages if lang not in PLACEHOLDERS]
    if unknown:
        raise SiteErrors([SiteError(",".join(languages), 0, f"unknown language '{unknown[0]}'", "use da,en")])
    folder.mkdir(parents=True, exist_ok=True)
    for lang, target in zip(languages, targets, strict=True):
        text = TEMPLATES[kind].format(
            title=key.replace("-", " ").capitalize() if key == slug else key,
            today=dt.date.today().isoformat(),
            next_week=(dt.date.today() + dt.timedelta(days=7)).isoformat(),
            year=dt.date.today().year - 1,
            towns=", ".join(towns) or "(none yet)",
            town=town or "",
            town_name=(town or "").capitalize(),
            slug="" if lang == languages[0] else f"# The English address, e.g. slug: {slug}\n",
            lang=lang,
            **PLACEHOLDERS[lang],
        )
        target.write_text(text, encoding="utf-8")
    return targets


def _check_town(town: str | None, towns: list[str], kind: str = "story") -> str:
    if not town:
        raise SiteErrors([SiteError("--town", 0, f"a {kind} needs a town", f"add --town, one of {', '.join(towns)}")])
    if town not in towns:
        hint = did_you_mean(town, towns) or f"one of {', '.join(towns)}"
        raise SiteErrors([SiteError("--town", 0, f"'{town}' is not a town", hint)])
    return town
