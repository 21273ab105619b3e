"""Fixture sites: a small project written into a temporary folder, built with the real theme."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from sitegen.options import BuildOptions
from sitegen.pipeline import BuildReport, build

PROJECT = Path(__file__).resolve().parent.parent
BUILD_DATE = dt.date(2026, 11, 28)

CONFIG = """\
base_url: https://example.dk/
default_language: da
languages:
  da:
    title: Stærke byer
    description: Bo i Billund Kommune.
    locale: da_DK
    sections: {stories: historier, towns: byer, topics: emner, audiences: for, page: side}
  en:
    title: Strong towns
    description: Live in Billund Municipality.
    locale: en_GB
    sections: {stories: stories, towns: towns, topics: topics, audiences: for, page: page}
stories_per_page: 2
topics:
  nature: {da: Natur, en: Nature}
  children-capital: {da: Børnenes Hovedstad, en: Capital of Children}
audiences:
  families: {da: Familier, en: Families}
  workers: {da: Arbejdskraft, en: Skilled workers}
  business: {da: Virksomheder, en: Businesses}
organization: {name: Billund Kommune, url: "https://www.billund.dk/"}
accessibility_statement_url: https://was.digst.dk/example-dk
"""


def town(name: str, population: int = 1000, extra: str = "", body: str = "Et godt sted.") -> str:
    return (
        f'---\nname: "{name}"\nsummary: "{name} er en by."\npopulation: {population}\n'
        f'population_year: 2020\npopulation_source: "Danmarks Statistik"\n{extra}---\n\n{body}\n'
    )


def story(title: str, date: str = "2026-05-01", town_key: str = "grindsted", extra: str = "", body: str = "") -> str:
    return (
        f'---\ntitle: "{title}"\ndate: {date}\ntown: {town_key}\nsummary: "Om {title}."\n{extra}---\n\n'
        f"{body or 'Tekst om ' + title + '.'}\n"
    )


class Site:
    """A project folder with helpers to write files and build it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def build(self, **options: object) -> BuildReport:
        settings = {"root": self.root, "build_date": BUILD_DATE, "jobs": 1, **options}
        return build(BuildOptions(**settings))  # type: ignore[arg-type]

    def read(self, relative: str) -> str:
        return (self.root / "output" / relative).read_text(encoding="utf-8")

    def outputs(self) -> dict[str, bytes]:
        out = self.root / "output"
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A minimal bilingual site: two towns, two stories, one page."""
    return minimal_site(tmp_path)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The project's real content/, themes/ and config.yaml, built once per test session with --strict.

    Shared by several test modules: never change it; copy `real_site.root` to change anything."""
    root = tmp_path_factory.mktemp("real")
    for name in ("content", "themes"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "config.yaml", root / "config.yaml")
    project = Site(root)
    project.build(strict=True)
    return project


@pytest.fixture(scope="session")
def paginated_real_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real site with two stories a page, so that topic, audience and town lists run to several pages
    (town pages 2, 3, ... exist only then). Built once per session with --strict; never change it."""
    root = tmp_path_factory.mktemp("paginated")
    for name in ("content", "themes"):
        shutil.copytree(PROJECT / name, root / name)
    config, found = re.subn(
        r"(?m)^stories_per_page: \d+$", "stories_per_page: 2", (PROJECT / "config.yaml").read_text(encoding="utf-8")
    )
    assert found == 1, "config.yaml has no stories_per_page: line"
    project = Site(root)
    project.write("config.yaml", config)
    project.build(strict=True)
    return project


def minimal_site(root: Path) -> Site:
    """Write the minimal bilingual site into `root`, with the real default theme."""
    shutil.copytree(PROJECT / "themes" / "default", root / "themes" / "default")
    project = Site(root)
    project.write("config.yaml", CONFIG)
    project.write("content/towns/grindsted.da.md", town("Grindsted", 9782))
    project.write("content/towns/grindsted.en.md", town("Grindsted", 9782, body="A good place."))
    project.write("content/towns/billund.da.md", town("Billund", 6662))
    project.write(
        "content/stories/havnebad.da.md",
        story(
            "Nyt havnebad",
            extra="topics: [nature]\naudience: [families]\n",
            body="Se [Billund](../towns/billund.da.md).\n\n## Fakta\n\nVi tilbyder:\n- svømning\n- sauna",
        ),
    )
    project.write(
        "content/stories/havnebad.en.md",
        story("New harbour bath", extra="slug: harbour-bath\ntopics: [nature]\naudience: [families]\n"),
    )
    project.write("content/stories/skolen.da.md", story("Skolen åbner", date="2026-04-01", town_key="billund"))
    project.write("content/pages/om.da.md", '---\ntitle: Om sitet\nsummary: "Om os."\nmenu: 1\n---\n\nTekst.\n')
    project.write(
        "content/pages/om.en.md", '---\ntitle: About\nsummary: "About us."\nmenu: 1\nslug: about\n---\n\nText.\n'
    )
    return project
