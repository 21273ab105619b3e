"""A build with nothing changed keeps the last result; any change to an input or to output/ builds again."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import pytest

from sitegen import pipeline, unchanged
from sitegen.cli import main
from sitegen.errors import SiteErrors

from .conftest import BUILD_DATE, Site, story
from .test_images import png


def append(site: Site, relative: str, text: str) -> None:
    path = site.root / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_second_build_keeps_the_first_result(site: Site) -> None:
    site.write("content/stories/ny.da.md", story("Ny", extra="topics: [ukendt]\n"))  # one warning
    first = site.build()
    before = {path.relative_to(site.root): path.stat().st_mtime_ns for path in (site.root / "output").rglob("*")}
    second = site.build()
    assert second.unchanged and not first.unchanged
    assert (second.pages, second.files, second.warnings) == (first.pages, first.files, first.warnings)
    assert second.rendered == second.written == second.deleted == []
    after = {path.relative_to(site.root): path.stat().st_mtime_ns for path in (site.root / "output").rglob("*")}
    assert after == before


CHANGES: dict[str, Callable[[Site], dict[str, object]]] = {
    "a story's body": lambda site: append(site, "content/stories/skolen.da.md", "\nNyt.\n") or {},
    "a new story": lambda site: site.write("content/stories/ny.da.md", story("Ny")) and {},
    "a template": lambda site: append(site, "themes/default/templates/page.html", "\n") or {},
    "config.yaml": lambda site: append(site, "config.yaml", "\n# en kommentar\n") or {},
    "the build date": lambda site: {"build_date": BUILD_DATE + dt.timedelta(days=1)},
    "drafts": lambda site: {"drafts": True},
    "another base URL": lambda site: {"base_url": "https://example.org/"},
    "a deleted output file": lambda site: (site.root / "output/historier/skolen/index.html").unlink() or {},
    "an edited output file": lambda site: append(site, "output/feed.xml", "<!-- -->") or {},
    "a new output file": lambda site: site.write("output/extra.txt", "x") and {},
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_builds_again(site: Site, change: str) -> None:
    site.build()
    options = CHANGES[change](site)
    report = site.build(**options)
    assert not report.unchanged
    assert site.build(**options).unchanged  # and then that result is kept


def test_a_new_generator_or_package_version_builds_again(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.build()
    versions = unchanged.package_versions()
    monkeypatch.setattr(unchanged, "package_versions", lambda: (*versions, "jinja2=99"))
    assert not site.build().unchanged


def test_an_image_outside_content_is_an_input_too(site: Site) -> None:
    site.write("photos/torv.png", png((64, 48), "red"))
    site.write(
        "content/stories/foto.da.md",
        story("Foto", extra='image: ../../photos/torv.png\nimage_alt: "Torvet"\n'),
    )
    site.build()
    assert site.build().unchanged
    site.write("photos/torv.png", png((64, 48), "blue"))
    assert not site.build().unchanged


def test_a_failed_build_leaves_no_result_to_keep(site: Site) -> None:
    site.build()
    path = site.root / "content/stories/skolen.da.md"
    good = path.read_text(encoding="utf-8")
    stat = path.stat()
    path.write_text(good.replace("date: 2026-04-01", "date: 2026-13-01"), encoding="utf-8")
    with pytest.raises(SiteErrors):
        site.build()
    path.write_text(good, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # exactly as before the failed build
    assert not site.build().unchanged


def test_an_edit_made_while_building_is_built_next_time(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.build()
    append(site, "content/stories/skolen.da.md", "\nFørste rettelse.\n")
    render = pipeline.render_pages

    def render_then_edit(*args: object) -> object:
        results = render(*args)  # type: ignore[arg-type]
        append(site, "content/stories/skolen.da.md", "\nAnden rettelse.\n")  # the editor saves again
        return results

    monkeypatch.setattr(pipeline, "render_pages", render_then_edit)
    site.build()
    monkeypatch.setattr(pipeline, "render_pages", render)
    report = site.build()
    assert not report.unchanged and "Anden rettelse." in site.read("historier/skolen/index.html")


def test_the_command_line_says_nothing_changed(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["build", "--root", str(site.root), "--build-date", BUILD_DATE.isoformat(), "--jobs", "1"]
    assert main(arguments) == 0
    capsys.readouterr()
    assert main(arguments) == 0
    assert capsys.readouterr().out.startswith("Nothing changed since the last build: ")
