"""iCalendar files (RFC 5545): one per event ("Add to calendar") and a subscribable calendar per language.

Made with the `icalendar` library, which escapes text and folds long lines. Builds are byte-identical
on repeat: UIDs come from the event's key and the site's host, DTSTAMP from the build date (never the
clock), and the VTIMEZONE is the EU daylight-saving rule written once with RRULEs, checked against the
time-zone database for the years the events are in (if the rule ever changes, the database's
transitions for those years are written instead).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .events import calendar_url, feed_url, moment, recent_events
from .model import Entry, Site
from .schemas import DANISH_TIME

if TYPE_CHECKING:  # icalendar is imported when calendars are made: an unchanged build makes none
    from icalendar import Calendar, Timezone
    from icalendar import Event as VEvent

TZID = "Europe/Copenhagen"
REFRESH = dt.timedelta(hours=12)  # how often a subscribed calendar asks again
CALENDAR_NAMES = {"da": "{brand}: arrangementer", "en": "{brand}: events"}
LABELS = {"da": {"organizer": "Arrangør", "more": "Læs mere"}, "en": {"organizer": "Organiser", "more": "Read more"}}


def calendar_files(site: Site) -> dict[str, bytes]:
    """Every event's .ics and each language's calendar feed, keyed by their path in output/."""
    base = site.config.base_path
    files: dict[str, bytes] = {}
    for lang in site.config.language_order():
        for entry in site.all("events", lang):
            files[calendar_url(entry)[len(base) :]] = event_calendar(site, entry)
        files[feed_url(site, lang)[len(base) :]] = calendar_feed(site, lang)
    return files


def event_calendar(site: Site, entry: Entry) -> bytes:
    """The .ics of one event, for "Add to calendar"."""
    calendar = _calendar(site, entry.lang, [entry])
    return bytes(calendar.to_ical())


def calendar_feed(site: Site, lang: str) -> bytes:
    """The subscribable calendar of a language: upcoming events and those that ended recently."""
    config = site.config
    events = recent_events(site, lang)
    calendar = _calendar(site, lang, events)
    brand = config.languages[lang].title.split(" – ", 1)[0]
    name = CALENDAR_NAMES.get(lang, CALENDAR_NAMES["en"]).format(brand=brand)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", config.languages[lang].description)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("url", config.absolute(site.section_url("events", lang)))
    calendar.add("source", config.absolute(feed_url(site, lang)))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")  # the older name of REFRESH-INTERVAL, for Outlook
    return bytes(calendar.to_ical())


def uid(site: Site, entry: Entry) -> str:
    """Stable across builds and languages: the event's key at the site's host."""
    host = urlsplit(site.config.base_url).hostname or "localhost"
    return f"{entry.key}@{host}"


def dtstamp(site: Site) -> dt.datetime:
    """When the calendar was made, as the build date (midnight UTC): the same on every build that day."""
    return dt.datetime.combine(site.build_date, dt.time(0, 0), tzinfo=dt.UTC)


def _calendar(site: Site, lang: str, events: list[Entry]) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", f"-//{site.config.organization.name}//sitegen//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    years = [year for e in events for year in (e.event.start.year, e.event.end.year)] or [site.build_date.year]
    calendar.add_component(vtimezone(min(years), max(years)))
    for entry in events:
        calendar.add_component(_vevent(site, entry))
    return calendar


def _vevent(site: Site, entry: Entry) -> VEvent:
    config = site.config
    event = entry.event
    labels = LABELS.get(entry.lang, LABELS["en"])
    page = config.absolute(entry.url)
    lines = [event.summary, ""]
    if event.organizer:
        lines.append(f"{labels['organizer']}: {event.organizer}")
    lines.append(f"{labels['more']}: {event.url or page}")
    from icalendar import Event as VEvent

    item = VEvent()
    item.add("uid", uid(site, entry))
    item.add("dtstamp", dtstamp(site))
    item.add("dtstart", moment(event.start))
    item.add("dtend", moment(event.end))
    item.add("summary", event.title, parameters={"LANGUAGE": entry.lang})
    item.add("description", "\n".join(lines), parameters={"LANGUAGE": entry.lang})
    item.add("location", f"{event.location.name}, {event.location.address}")
    item.add("url", page)
    item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE")
    item.add("class", "PUBLIC")
    return item


def vtimezone(first_year: int, last_year: int) -> Timezone:
    """Europe/Copenhagen: the EU rule (last Sunday of March and October, 01:00 UTC) as RRULEs.

    Falls back to the time-zone database's own transitions when the rule does not match them.
    """
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    if not all(_eu_rule_holds(year) for year in range(first_year, last_year + 1)):
        return Timezone.from_tzid(TZID, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1))
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("dtstart", dt.datetime(1996, 3, 31, 2, 0))  # local time before the change, as RFC 5545 asks
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("dtstart", dt.datetime(1996, 10, 27, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def _eu_rule_holds(year: int) -> bool:
    """Whether the database changes Danish time exactly at 01:00 UTC on the last Sundays of March and October."""
    for day, hours in ((dt.date(year, 1, 15), 1), (dt.date(year, 7, 15), 2)):
        noon = dt.datetime.combine(day, dt.time(12, 0), tzinfo=DANISH_TIME)
        if noon.utcoffset() != dt.timedelta(hours=hours):
            return False
    for month, before, after in ((3, 1, 2), (10, 2, 1)):
        change = dt.datetime.combine(_last_sunday(year, month), dt.time(1, 0), tzinfo=dt.UTC)
        offsets = [(change + dt.timedelta(minutes=m)).astimezone(DANISH_TIME).utcoffset() for m in (-1, 0)]
        if offsets != [dt.timedelta(hours=before), dt.timedelta(hours=after)]:
            return False
    return True
