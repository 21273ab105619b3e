"""iCalendar files: they parse with `icalendar`, times are right in UTC across daylight-saving changes,
the VTIMEZONE agrees with the time-zone database, UIDs and bytes are stable across builds, text is
escaped, lines are folded, and the feed per language holds the upcoming and recent events."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from sitegen import calendars

from .conftest import Site
from .test_events import event, with_events

UTC = dt.UTC


def parse(site: Site, path: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site.root / "output" / path).read_bytes())


def vevents(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return [c for c in calendar.walk("VEVENT")]


def utc(component: icalendar.Event, name: str) -> dt.datetime:
    value = component.decoded(name)
    assert isinstance(value, dt.datetime) and value.tzinfo is not None
    return value.astimezone(UTC)


def test_each_event_has_a_calendar_file_with_the_right_utc_times(site: Site) -> None:
    with_events(site)
    site.write("content/events/natten.da.md", event("Natløb", "2027-03-27 22:00", "2027-03-28 04:00"))
    site.write("content/events/vinter.da.md", event("Vinterbad", "2027-01-10 10:00", "2027-01-10 11:00"))
    site.build()
    expected = {
        "foraarstur": ("2027-03-28 08:00", "2027-03-28 11:00"),  # the day summer time starts: UTC+2
        "sommerfest": ("2027-06-19 09:00", "2027-06-19 13:00"),
        "vinter": ("2027-01-10 09:00", "2027-01-10 10:00"),  # UTC+1
        "natten": ("2027-03-27 21:00", "2027-03-28 02:00"),  # five hours, not six: the clocks went forward
    }
    for key, (start, end) in expected.items():
        calendar = parse(site, f"arrangementer/{key}/{key}.ics")
        assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
        [item] = vevents(calendar)
        assert item["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert utc(item, "DTSTART").strftime("%Y-%m-%d %H:%M") == start
        assert utc(item, "DTEND").strftime("%Y-%m-%d %H:%M") == end
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    [walk] = vevents(parse(site, "arrangementer/foraarstur/foraarstur.ics"))
    assert str(walk["SUMMARY"]) == "Forårstur"
    assert str(walk["URL"]) == "https://example.dk/arrangementer/foraarstur/"
    assert str(walk["LOCATION"]) == "Torvet, Torvet 1, 7200 Grindsted"
    assert "Borgerforeningen" in str(walk["DESCRIPTION"])


def test_the_vtimezone_agrees_with_the_time_zone_database() -> None:
    zone = calendars.vtimezone(2027, 2028)
    tz = zone.to_tz(lookup_tzid=False)  # the VTIMEZONE's own rules, not the database's
    copenhagen = ZoneInfo("Europe/Copenhagen")
    start = dt.datetime(2027, 1, 1, tzinfo=UTC)
    for hour in range(0, 2 * 365 * 24, 1):
        instant = start + dt.timedelta(hours=hour)
        assert instant.astimezone(tz).utcoffset() == instant.astimezone(copenhagen).utcoffset(), instant


def test_the_database_is_used_when_the_eu_rule_no_longer_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendars, "_eu_rule_holds", lambda year: False)
    zone = calendars.vtimezone(2030, 2030)
    assert zone["TZID"] == "Europe/Copenhagen"
    assert "RRULE" not in zone.to_ical().decode()


def test_uids_and_files_are_stable_across_builds(site: Site) -> None:
    with_events(site).build()
    first = {path: data for path, data in site.outputs().items() if path.endswith(".ics")}
    for path in first:
        (site.root / "output" / path).unlink()
    site.build()
    second = {path: data for path, data in site.outputs().items() if path.endswith(".ics")}
    assert first == second and len(first) == 6  # four events and two feeds
    danish = vevents(parse(site, "arrangementer/foraarstur/foraarstur.ics"))[0]
    english = vevents(parse(site, "en/events/spring-walk/spring-walk.ics"))[0]
    assert str(danish["UID"]) == str(english["UID"]) == "foraarstur@example.dk"  # the same event
    assert danish.decoded("DTSTAMP") == dt.datetime(2026, 11, 28, tzinfo=UTC)  # the build date, not the clock


def test_text_is_escaped_and_lines_folded(site: Site) -> None:
    title = "Kaffe, kage; og \\\\ en meget lang titel om et arrangement, der fylder mere end en linje"
    site.write("content/events/kaffe.da.md", event(title, "2027-05-01 10:00", "2027-05-01 12:00"))
    site.build()
    data = (site.root / "output/arrangementer/kaffe/kaffe.ics").read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"Kaffe\\, kage\\; og \\\\ en" in data
    [item] = vevents(icalendar.Calendar.from_ical(data))
    assert str(item["SUMMARY"]) == title.replace("\\\\", "\\")
    assert str(item["DESCRIPTION"]).startswith(f"Om {title.replace(chr(92) * 2, chr(92))}.\n\n")


def test_the_feed_per_language_holds_upcoming_and_recent_events(site: Site) -> None:
    with_events(site)
    site.write("content/events/gammelt.da.md", event("Gammelt", "2026-05-01 10:00", "2026-05-01 12:00"))
    site.build()
    feed = parse(site, "arrangementer/kalender.ics")
    assert [str(e["SUMMARY"]) for e in vevents(feed)] == ["Julemarked", "Forårstur", "Sommerfest"]  # not Gammelt
    assert str(feed["X-WR-CALNAME"]) == "Stærke byer: arrangementer"
    assert str(feed["REFRESH-INTERVAL"].to_ical().decode()) == "PT12H"
    assert [str(e["SUMMARY"]) for e in vevents(parse(site, "en/events/calendar.ics"))] == ["Spring walk"]
    page = site.read("arrangementer/index.html")
    assert 'href="webcal://example.dk/arrangementer/kalender.ics"' in page
    assert 'type="text/calendar"' in page and 'href="/arrangementer/kalender.ics"' in page


def test_a_language_without_events_still_has_a_valid_feed(site: Site) -> None:
    site.build()
    feed = parse(site, "en/events/calendar.ics")
    assert vevents(feed) == [] and len(feed.walk("VTIMEZONE")) == 1  # a calendar needs one component


def test_event_pages_are_in_the_sitemap(site: Site) -> None:
    with_events(site).build()
    sitemap = site.read("sitemap.xml")
    for url in ("arrangementer/", "arrangementer/foraarstur/", "en/events/spring-walk/", "arrangementer/tidligere/"):
        assert f"<loc>https://example.dk/{url}</loc>" in sitemap
