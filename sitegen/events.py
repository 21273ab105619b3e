"""Events: which are upcoming on the build date, their times in Danish time, and what pages show of them.

`start` and `end` in the front matter are wall-clock times in Europe/Copenhagen; `moment()` makes them
aware datetimes, so a UTC offset is always right, also across a daylight-saving change. An event is
upcoming until the day after it ends: a build on that day moves it to the archive by itself.
The functions here are plain queries on the site model, for pages, calendars and campaign blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from babel.dates import format_date, format_time

from .model import Entry, Site
from .schemas import DANISH_TIME

RECENT_DAYS = 90  # the calendar feed keeps events that ended this many days ago
ARCHIVE_WORDS = {"da": "tidligere", "en": "past"}  # /arrangementer/tidligere/, /en/events/past/
FEED_NAMES = {"da": "kalender.ics", "en": "calendar.ics"}
_POSTCODE_TOWN = re.compile(r"^(?P<street>.+?),\s*(?P<code>\d{4})\s+(?P<locality>[^,]+)$")


def moment(local: dt.datetime) -> dt.datetime:
    """A wall-clock time in Denmark as an aware datetime (CET or CEST as the date has it)."""
    return local.replace(tzinfo=DANISH_TIME)


def is_past(entry: Entry, today: dt.date) -> bool:
    """True from the day after the event ends."""
    return entry.event.end.date() < today


def upcoming_events(
    site: Site, lang: str, *, town: str | None = None, audience: str | None = None, limit: int | None = None
) -> list[Entry]:
    """Events of a language not yet over on the build date, soonest first; optionally of one town or audience."""
    found = [
        entry
        for entry in site.all("events", lang)
        if not is_past(entry, site.build_date)
        and (town is None or entry.event.town == town)
        and (audience is None or audience in entry.event.audience)
    ]
    return found[:limit] if limit is not None else found


def past_events(site: Site, lang: str) -> list[Entry]:
    """Events that are over, the latest first."""
    past = [entry for entry in site.all("events", lang) if is_past(entry, site.build_date)]
    return sorted(past, key=lambda e: (e.event.start, e.key), reverse=True)


def recent_events(site: Site, lang: str, days: int = RECENT_DAYS) -> list[Entry]:
    """The calendar feed's events: upcoming ones and those that ended at most `days` ago, by start."""
    since = site.build_date - dt.timedelta(days=days)
    return [entry for entry in site.all("events", lang) if entry.event.end.date() >= since]


def archive_url(site: Site, lang: str) -> str:
    return f"{site.section_url('events', lang)}{ARCHIVE_WORDS.get(lang, 'past')}/"


def feed_url(site: Site, lang: str) -> str:
    """The subscribable calendar of a language's events."""
    return site.section_url("events", lang) + FEED_NAMES.get(lang, "calendar.ics")


def calendar_url(entry: Entry) -> str:
    """The .ics file of one event, in its page's folder and named after it."""
    return f"{entry.url}{entry.url.rstrip('/').rsplit('/', 1)[-1]}.ics"


def webcal_url(site: Site, url: str) -> str:
    """The webcal:// address that makes calendar programs subscribe instead of importing once."""
    absolute = site.config.absolute(url)
    return "webcal://" + absolute.split("://", 1)[1]


def when(entry: Entry, locale: str) -> dict[str, Any]:
    """The event's times as the page shows them: local words, and ISO 8601 with the UTC offset."""
    event = entry.event
    start, end = moment(event.start), moment(event.end)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "same_day": event.start.date() == event.end.date(),
        "start_date": format_date(event.start, "full", locale=locale),
        "end_date": format_date(event.end, "full", locale=locale),
        "start_time": format_time(event.start, "short", locale=locale),
        "end_time": format_time(event.end, "short", locale=locale),
        "day": format_date(event.start, "d", locale=locale),
        "month": format_date(event.start, "MMM", locale=locale),
    }


def _town(site: Site, key: str, lang: str) -> dict[str, str] | None:
    found = site.get("towns", key, lang) or next(
        (e for other in site.config.language_order() if (e := site.get("towns", key, other))), None
    )
    return {"key": found.key, "name": found.title, "url": found.url} if found else None


def event_card(site: Site, entry: Entry) -> dict[str, Any]:
    """What a list shows of an event."""
    event = entry.event
    locale = site.config.languages[entry.lang].locale
    return {
        "title": event.title,
        "url": entry.url,
        "summary": event.summary,
        "when": when(entry, locale),
        "town": _town(site, event.town, entry.lang),
        "location": event.location.model_dump(),
        "example": event.example,
        "draft": event.draft,
        "past": is_past(entry, site.build_date),
    }


def event_details(site: Site, entry: Entry, canonical: str) -> dict[str, Any]:
    """The fields of an event page beyond the common ones (context.entry_view adds these)."""
    event = entry.event
    card = event_card(site, entry)
    return {
        "when": card["when"],
        "town": card["town"],
        "location": card["location"],
        "past": card["past"],
        "organizer": event.organizer,
        "more_url": event.url,
        "audience": [
            {"key": key, "label": site.config.term_label("audiences", key, entry.lang)} for key in event.audience
        ],
        "calendar": calendar_url(entry),
        "events_url": site.section_url("events", entry.lang),
        "json_ld": json_ld(site, entry, canonical),
    }


def postal_address(address: str, town_name: str | None) -> dict[str, str]:
    """'Nygade 1, 7200 Grindsted' as a schema.org PostalAddress; other forms stay one street line."""
    parts = _POSTCODE_TOWN.match(address)
    if parts:
        return {
            "@type": "PostalAddress",
            "streetAddress": parts["street"],
            "postalCode": parts["code"],
            "addressLocality": parts["locality"].strip(),
            "addressCountry": "DK",
        }
    found = {"@type": "PostalAddress", "streetAddress": address, "addressCountry": "DK"}
    return found | ({"addressLocality": town_name} if town_name else {})


def json_ld(site: Site, entry: Entry, canonical: str) -> dict[str, Any]:
    """schema.org Event of an event page (the theme adds `image` when the page has a photo)."""
    event = entry.event
    town = _town(site, event.town, entry.lang)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": moment(event.start).isoformat(),
        "endDate": moment(event.end).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": entry.lang,
        "url": canonical,
        "location": {
            "@type": "Place",
            "name": event.location.name,
            "address": postal_address(event.location.address, town["name"] if town else None),
        },
    }
    if event.organizer:
        data["organizer"] = {"@type": "Organization", "name": event.organizer}
    return data


def events_context(site: Site, kind: str, lang: str, entry_key: str | None) -> dict[str, Any]:
    """What page templates see of events: the section's links, and upcoming events on home and town pages."""
    context: dict[str, Any] = {"events_url": site.section_url("events", lang)}
    if kind == "home":
        context["events"] = [event_card(site, e) for e in upcoming_events(site, lang, limit=site.config.home_events)]
    elif kind == "town" and entry_key:
        context["events"] = [event_card(site, e) for e in upcoming_events(site, lang, town=entry_key)]
    elif kind in ("events", "events_archive"):
        feed = feed_url(site, lang)
        context["calendar_feed"] = {"url": feed, "webcal": webcal_url(site, feed)}
        context["archive_url"] = archive_url(site, lang)
        context["has_past"] = bool(past_events(site, lang))
    return context
