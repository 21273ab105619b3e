"""Events: pages and lists per language, the archive on the build date, town and home blocks, JSON-LD,
Danish time across daylight-saving changes, the queries of sitegen.events, and incremental builds."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from PIL import Image
from pydantic import ValidationError

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.content import load_sources
from sitegen.events import archive_url, calendar_url, feed_url, moment, past_events, upcoming_events, when
from sitegen.model import Site as SiteModel
from sitegen.model import assemble_site
from sitegen.schemas import Event

from .conftest import BUILD_DATE, Site


def event(
    title: str,
    start: str,
    end: str,
    town_key: str = "grindsted",
    extra: str = "",
    body: str = "Kom og vær med.",
) -> str:
    return (
        f'---\ntitle: "{title}"\nstart: {start}\nend: {end}\ntown: {town_key}\n'
        f'location:\n  name: "Torvet"\n  address: "Torvet 1, 7200 Grindsted"\n'
        f'summary: "Om {title}."\n{extra}---\n\n{body}\n'
    )


def with_events(site: Site) -> Site:
    """The minimal site with a spring event on the day summer time starts, a summer one and a past one."""
    site.write(
        "content/events/foraarstur.da.md",
        event("Forårstur", "2027-03-28 10:00", "2027-03-28 13:00", extra="organizer: Borgerforeningen\n"),
    )
    site.write(
        "content/events/foraarstur.en.md",
        event("Spring walk", "2027-03-28 10:00", "2027-03-28 13:00", extra="slug: spring-walk\n"),
    )
    site.write(
        "content/events/sommerfest.da.md",
        event("Sommerfest", "2027-06-19 11:00", "2027-06-19 15:00", town_key="billund", extra="audience: families\n"),
    )
    site.write("content/events/julemarked.da.md", event("Julemarked", "2026-11-21 10:00", "2026-11-21 16:00"))
    return site


def model(site: Site, build_date: dt.date = BUILD_DATE) -> SiteModel:
    config = load_config(site.root)
    return assemble_site(config, load_sources(site.root, list(config.languages)), build_date, drafts=False)


def titles(html: str) -> list[str]:
    """The titles of the events a page lists, in order."""
    return re.findall(r'class="event-title"><a href="[^"]+">([^<]+)</a>', html)


def json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_events_pages_in_both_languages_with_default_section_words(site: Site) -> None:
    with_events(site).build()
    assert titles(site.read("arrangementer/index.html")) == ["Forårstur", "Sommerfest"]  # soonest first
    assert titles(site.read("en/events/index.html")) == ["Spring walk"]
    assert titles(site.read("arrangementer/tidligere/index.html")) == ["Julemarked"]
    page = site.read("arrangementer/foraarstur/index.html")
    assert '<time datetime="2027-03-28T10:00:00+02:00">søndag den 28. marts 2027 kl. 10.00–13.00</time>' in page
    assert 'href="/arrangementer/foraarstur/foraarstur.ics" download' in page
    assert "Borgerforeningen" in page
    english = site.read("en/events/spring-walk/index.html")
    assert "Sunday" in english and "28 March 2027, 10:00–13:00" in english
    assert 'hreflang="da" href="https://example.dk/arrangementer/foraarstur/"' in english
    assert "Arrangementer" in site.read("index.html")  # in the main menu


def test_a_configured_section_word_is_used(site: Site) -> None:
    config = (site.root / "config.yaml").read_text(encoding="utf-8")
    site.write("config.yaml", config.replace("page: side}", "page: side, events: begivenheder}"))
    with_events(site).build()
    assert (site.root / "output/begivenheder/foraarstur/index.html").is_file()
    assert (site.root / "output/begivenheder/kalender.ics").is_file()
    assert (site.root / "output/en/events/spring-walk/index.html").is_file()


def test_town_and_home_pages_show_upcoming_events_or_nothing(site: Site) -> None:
    with_events(site).build()
    home = site.read("index.html")
    assert titles(home) == ["Forårstur", "Sommerfest"]
    assert 'id="home_events"' in home
    assert titles(site.read("byer/grindsted/index.html")) == ["Forårstur"]  # not the past Julemarked
    assert titles(site.read("byer/billund/index.html")) == ["Sommerfest"]
    english_town = site.read("en/towns/grindsted/index.html")
    assert titles(english_town) == ["Spring walk"]
    assert titles(site.read("en/index.html")) == ["Spring walk"]
    (site.root / "content/events/foraarstur.en.md").unlink()
    site.build()
    assert 'id="home_events"' not in site.read("en/index.html")
    assert 'id="town_events"' not in site.read("en/towns/grindsted/index.html")


def test_a_past_event_moves_to_the_archive_on_the_next_build(site: Site) -> None:
    site.write("content/events/moede.da.md", event("Borgermøde", "2026-11-30 19:00", "2026-12-01 21:00"))
    site.build()
    assert titles(site.read("arrangementer/index.html")) == ["Borgermøde"]
    assert titles(site.read("arrangementer/tidligere/index.html")) == []
    site.build(build_date=dt.date(2026, 12, 1))  # the day it ends: still upcoming
    assert titles(site.read("arrangementer/index.html")) == ["Borgermøde"]
    report = site.build(build_date=dt.date(2026, 12, 2))
    assert titles(site.read("arrangementer/index.html")) == []
    assert "Der er ingen kommende arrangementer" in site.read("arrangementer/index.html")
    assert titles(site.read("arrangementer/tidligere/index.html")) == ["Borgermøde"]
    assert 'id="home_events"' not in site.read("index.html")
    assert "Arrangementet er slut." in site.read("arrangementer/moede/index.html")
    assert 'moede.ics" download' not in site.read("arrangementer/moede/index.html")
    assert {"arrangementer/index.html", "arrangementer/tidligere/index.html", "index.html"} <= set(report.rendered)


def test_editing_an_event_re_renders_exactly_the_pages_that_show_it(site: Site) -> None:
    with_events(site).build()
    path = site.root / "content/events/sommerfest.da.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Sommerfest", "Sommerfesten"), encoding="utf-8")
    report = site.build()
    assert set(report.rendered) == {
        "arrangementer/sommerfest/index.html",
        "arrangementer/index.html",
        "byer/billund/index.html",
        "index.html",
    }
    assert titles(site.read("byer/billund/index.html")) == ["Sommerfesten"]
    assert "Sommerfesten" in site.read("arrangementer/kalender.ics")
    assert site.build().rendered == []


def test_json_ld_of_an_event_page(site: Site) -> None:
    with_events(site)
    site.write("content/events/foto.jpg", _jpeg())
    site.write(
        "content/events/sommerfest.da.md",
        event(
            "Sommerfest",
            "2027-06-19 11:00",
            "2027-06-19 15:00",
            extra='organizer: "Foreningerne"\nimage: foto.jpg\nimage_alt: "Telte på torvet"\n',
        ),
    )
    site.build()
    data = json_ld(site.read("arrangementer/sommerfest/index.html"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Sommerfest"
    assert data["startDate"] == "2027-06-19T11:00:00+02:00" and data["endDate"] == "2027-06-19T15:00:00+02:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["url"] == "https://example.dk/arrangementer/sommerfest/"
    assert data["location"] == {
        "@type": "Place",
        "name": "Torvet",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Torvet 1",
            "postalCode": "7200",
            "addressLocality": "Grindsted",
            "addressCountry": "DK",
        },
    }
    assert data["organizer"] == {"@type": "Organization", "name": "Foreningerne"}
    assert isinstance(data["image"], str) and data["image"].startswith("https://example.dk/")
    winter = json_ld(site.read("arrangementer/julemarked/index.html"))
    assert winter["startDate"] == "2026-11-21T10:00:00+01:00"
    assert "image" not in winter and "organizer" not in winter


def test_queries_for_pages_calendars_and_campaigns(site: Site) -> None:
    built = model(with_events(site))
    assert [e.key for e in upcoming_events(built, "da")] == ["foraarstur", "sommerfest"]
    assert [e.key for e in upcoming_events(built, "da", town="billund")] == ["sommerfest"]
    assert [e.key for e in upcoming_events(built, "da", audience="families")] == ["sommerfest"]
    assert [e.key for e in upcoming_events(built, "da", limit=1)] == ["foraarstur"]
    assert [e.key for e in past_events(built, "da")] == ["julemarked"]
    later = model(site, dt.date(2027, 3, 29))
    assert [e.key for e in upcoming_events(later, "da")] == ["sommerfest"]
    assert [e.key for e in past_events(later, "da")] == ["foraarstur", "julemarked"]  # latest first
    entry = built.entries[("events", "foraarstur", "en")]
    assert calendar_url(entry) == "/en/events/spring-walk/spring-walk.ics"
    assert feed_url(built, "da") == "/arrangementer/kalender.ics"
    assert archive_url(built, "en") == "/en/events/past/"


@pytest.mark.parametrize(
    ("start", "end", "offsets"),
    [
        ("2027-03-27 22:00", "2027-03-28 04:00", ("+01:00", "+02:00")),  # over the night summer time starts
        ("2027-10-30 22:00", "2027-10-31 04:00", ("+02:00", "+01:00")),  # and the night it ends
        ("2027-10-31 02:30", "2027-10-31 03:30", ("+02:00", "+01:00")),  # 02:30 happens twice: the first
    ],
)
def test_danish_time_across_daylight_saving_changes(start: str, end: str, offsets: tuple[str, str]) -> None:
    meta = _valid(start=start, end=end)
    assert moment(meta.start).isoformat()[-6:] == offsets[0]
    assert moment(meta.end).isoformat()[-6:] == offsets[1]


def test_times_are_written_the_local_way(site: Site) -> None:
    built = model(with_events(site))
    shown = when(built.entries[("events", "foraarstur", "da")], "da_DK")
    assert (shown["start_date"], shown["start_time"], shown["end_time"]) == (
        "søndag den 28. marts 2027",
        "10.00",
        "13.00",
    )
    assert shown["same_day"] is True
    assert when(built.entries[("events", "foraarstur", "en")], "en_GB")["start_time"] == "10:00"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start": "2027-03-28 02:30"}, "does not exist in Danish time"),
        ({"start": "2027-03-28"}, "expected a date and time like 2027-03-27 10:00"),
        ({"start": "2027-02-30 10:00"}, "no such day or time"),
        ({"end": "2027-04-01 09:00"}, "must be after start (2027-04-01 10:00)"),
        ({"end": "2027-04-01 10:00"}, "must be after start"),
        ({"url": "www.billund.dk"}, "expected a whole web address"),
        ({"audience": "tourists"}, "families"),
    ],
)
def test_schema_errors(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _valid(**fields)
    assert message in str(caught.value)


def test_the_schema_accepts_the_usual_ways_of_writing_a_time() -> None:
    assert _valid(start="2027-04-01T9.30").start == dt.datetime(2027, 4, 1, 9, 30)
    assert _valid(town="Sønder Omme").town == "soender-omme"


def _valid(**fields: str) -> Event:
    data: dict[str, object] = {
        "title": "Møde",
        "start": "2027-04-01 10:00",
        "end": "2027-04-01 12:00",
        "town": "grindsted",
        "location": {"name": "Torvet", "address": "Torvet 1, 7200 Grindsted"},
        "summary": "Et møde.",
    }
    return Event.model_validate(data | fields)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 400), (220, 20, 40)).save(out, "JPEG")
    return out.getvalue()


def test_new_event_makes_a_draft_that_builds(site: Site) -> None:
    assert main(["new", "event", "aabent-hus", "--town", "Grindsted", "--root", str(site.root)]) == 0
    text = (site.root / "content/events/aabent-hus.da.md").read_text(encoding="utf-8")
    assert "draft: true" in text and "town: grindsted" in text
    site.build(drafts=True)
    assert (site.root / "output/arrangementer/aabent-hus/aabent-hus.ics").is_file()
    assert main(["new", "event", "x", "--root", str(site.root)]) == 1
