"""Incremental builds: exactly the stale pages are rendered, and a broken cache never gives a wrong site."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import pipeline
from sitegen.config import load_config
from sitegen.content import load_sources
from sitegen.context import page_context
from sitegen.depgraph import context_hash
from sitegen.model import assemble_site
from sitegen.pipeline import BuildReport
from sitegen.plan import PlannedPage, plan_site

from .conftest import BUILD_DATE, Site, story
from .test_images import png


def rebuild(site: Site, **options: object) -> BuildReport:
    return site.build(**options)


def test_second_build_renders_and_writes_nothing(site: Site) -> None:
    first = site.build()
    assert len(first.rendered) == first.pages
    second = site.build()
    assert second.rendered == [] and second.written == [] and second.deleted == []


def test_editing_a_body_re_renders_that_page_alone(site: Site) -> None:
    site.build()
    path = site.root / "content/stories/skolen.da.md"
    path.write_text(path.read_text() + "\nEt nyt afsnit.\n")
    report = site.build()
    assert report.rendered == ["historier/skolen/index.html"]
    pages = {path for path in report.written if not path.startswith("pagefind/")}  # and the Danish search index
    assert pages == {"historier/skolen/index.html", "feed.xml", "byer/billund/feed.xml"}


def test_editing_a_title_re_renders_the_pages_that_show_it(site: Site) -> None:
    site.build()
    path = site.root / "content/stories/skolen.da.md"
    path.write_text(path.read_text().replace("Skolen åbner", "Skolen er åben"))
    report = site.build()
    assert report.rendered == [
        "byer/billund/index.html",
        "historier/index.html",
        "historier/skolen/index.html",
        "index.html",
    ]
    assert "Skolen er åben" in site.read("byer/billund/index.html")


def test_editing_a_template_re_renders_the_pages_that_use_it(site: Site) -> None:
    site.build()
    template = site.root / "themes/default/templates/page.html"
    template.write_text(template.read_text().replace("</article>", "<p>Ny linje</p></article>", 1))
    report = site.build()
    assert report.rendered == ["en/about/index.html", "om/index.html"]


def test_a_template_that_starts_including_another_follows_its_edits(site: Site) -> None:
    site.build()
    templates = site.root / "themes/default/templates"
    (templates / "partials/note.html").write_text("<p>En note</p>\n")
    page = templates / "page.html"
    page.write_text(page.read_text().replace("</article>", '{% include "partials/note.html" %}</article>', 1))
    assert site.build().rendered == ["en/about/index.html", "om/index.html"]
    (templates / "partials/note.html").write_text("<p>En anden note</p>\n")
    assert site.build().rendered == ["en/about/index.html", "om/index.html"]
    assert "En anden note" in site.read("om/index.html")


def test_editing_config_re_renders_everything(site: Site) -> None:
    first = site.build()
    config = site.root / "config.yaml"
    config.write_text(config.read_text().replace("title: Stærke byer", "title: Stærke byer!"))
    assert len(site.build().rendered) == first.pages


def test_deleting_a_story_removes_it_and_updates_its_lists(site: Site) -> None:
    site.build()
    (site.root / "content/stories/skolen.da.md").unlink()
    report = site.build()
    assert "historier/skolen/index.html" in report.deleted
    assert "index.html" in report.rendered and "byer/billund/index.html" in report.rendered


def test_changing_a_slug_re_renders_pages_that_link_to_it(site: Site) -> None:
    site.build()
    town = site.root / "content/towns/billund.da.md"
    town.write_text(town.read_text().replace("population_year", "slug: billund-by\npopulation_year"))
    report = site.build()
    assert "historier/havnebad/index.html" in report.rendered  # its body links to the town's .md file
    assert '<a href="/byer/billund-by/">Billund</a>' in site.read("historier/havnebad/index.html")


def test_a_deleted_output_file_is_written_again(site: Site) -> None:
    site.build()
    (site.root / "output/om/index.html").unlink()
    report = site.build()
    assert report.rendered == ["om/index.html"]
    assert (site.root / "output/om/index.html").is_file()


def test_an_edited_output_file_is_repaired(site: Site) -> None:
    site.build()
    target = site.root / "output/om/index.html"
    good = target.read_bytes()
    target.write_bytes(b"tampered")
    site.build()
    assert target.read_bytes() == good


def test_a_changed_image_re_renders_the_page(site: Site) -> None:
    image = site.write("content/stories/foto.png", png((40, 30), "red"))
    site.write("content/stories/foto.da.md", story("Foto", body="![Et foto](foto.png)"))
    site.build()
    image.write_bytes(png((48, 30), "blue"))
    report = site.build()
    assert report.rendered == ["historier/foto/index.html"]
    assert len([p for p in site.outputs() if p.startswith("media/foto-48-")]) == 3  # AVIF, WebP, JPEG
    assert not [p for p in site.outputs() if p.startswith("media/foto-40-")]


@pytest.mark.parametrize("damage", ["garbage", "delete", "empty"])
def test_a_broken_cache_means_a_full_build(site: Site, damage: str) -> None:
    first = site.build()
    before = site.outputs()
    for state in (site.root / ".cache/state").glob("*.json"):
        if damage == "delete":
            state.unlink()
        else:
            state.write_text("{not json" if damage == "garbage" else "")
    report = site.build()
    assert len(report.rendered) == first.pages
    assert report.written == []
    assert site.outputs() == before


def test_warnings_of_unchanged_pages_are_shown_again(site: Site) -> None:
    site.write("content/stories/h1.da.md", story("H1", body="# Stor overskrift"))
    assert len(site.build().warnings) == 1
    again = site.build()
    assert again.rendered == [] and len(again.warnings) == 1


def test_a_failed_build_keeps_the_previous_state(site: Site) -> None:
    site.build()
    site.write("content/stories/fejl.da.md", "---\ntitle: x\n")
    with pytest.raises(Exception, match="never closed"):
        site.build()
    (site.root / "content/stories/fejl.da.md").unlink()
    assert site.build().rendered == []


def test_adding_a_story_re_renders_only_the_pages_that_list_it(site: Site) -> None:
    site.build()
    site.write("content/stories/ny.da.md", story("Ny historie", date="2026-06-01", extra="translation: false\n"))
    report = site.build()
    assert "om/index.html" not in report.rendered  # a page that neither lists nor links stories
    assert "historier/havnebad/index.html" not in report.rendered  # its .md link still leads to the same page
    assert {"historier/ny/index.html", "index.html", "historier/index.html"} <= set(report.rendered)


def count_contexts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs of the pages whose context the next builds make."""
    made: list[str] = []
    original = pipeline.page_context

    def counting(site: object, page: PlannedPage, body: object) -> dict[str, object]:
        made.append(page.url)
        return original(site, page, body)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "page_context", counting)
    return made


def test_a_body_edit_makes_only_that_pages_context(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.build()
    made = count_contexts(monkeypatch)
    assert site.build().rendered == [] and made == []
    path = site.root / "content/stories/skolen.da.md"
    path.write_text(path.read_text() + "\nEt nyt afsnit.\n")
    assert site.build().rendered == ["historier/skolen/index.html"]
    assert made == ["/historier/skolen/"]


@pytest.mark.parametrize("change", ["title", "new story", "build date"])
def test_a_change_to_the_site_model_makes_every_context(
    site: Site, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    first = site.build()
    made = count_contexts(monkeypatch)
    path = site.root / "content/stories/skolen.da.md"
    options: dict[str, object] = {}
    if change == "title":
        path.write_text(path.read_text().replace("Skolen åbner", "Skolen er åben"))
    elif change == "new story":
        site.write("content/stories/ny.da.md", story("Ny historie"))
    else:
        options["build_date"] = BUILD_DATE + dt.timedelta(days=1)
    report = site.build(**options)
    assert len(made) == report.pages >= first.pages


def test_feeds_are_not_made_again_when_nothing_they_show_changed(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.build()
    made: list[int] = []
    original = pipeline.machine_outputs
    monkeypatch.setattr(pipeline, "machine_outputs", lambda *args: made.append(1) or original(*args))
    site.build()
    assert made == []
    feed = site.root / "output/feed.xml"
    feed.write_text(feed.read_text().replace("Skolen", "Skolen!"))
    site.build()  # a feed changed by hand is made again
    assert made == [1] and "Skolen!" not in site.read("feed.xml")
    path = site.root / "content/stories/skolen.da.md"
    path.write_text(path.read_text() + "\nEt nyt afsnit i feedet.\n")
    site.build()
    assert "Et nyt afsnit i feedet." in site.read("feed.xml")


def test_no_page_context_depends_on_a_body(real_site: Site, tmp_path: Path) -> None:
    """Contexts are reused while the site model (everything but the bodies) is unchanged: guard that rule."""
    root = tmp_path / "site"
    shutil.copytree(real_site.root, root, ignore=shutil.ignore_patterns("output", ".cache"))
    campaign = root / "content/campaigns/flyt-med-boern.da.md"  # also a campaign whose body has no text block
    text = campaign.read_text().replace("  - type: text\n", "").replace("short_url: flyt", "short_url: flyt-uden")
    (campaign.parent / "uden-tekstblok.da.md").write_text(text)
    config = load_config(root)
    content = load_sources(root, list(config.languages))

    def contexts(body: Callable[[str], str]) -> list[str]:
        sources = [replace(source, body=body(source.body)) for source in content.sources]
        site = assemble_site(config, replace(content, sources=sources), BUILD_DATE, drafts=False)
        return [context_hash(page_context(site, page, None)) for page in plan_site(site)]

    assert contexts(lambda body: body) == contexts(lambda body: "") == contexts(lambda body: body + "\n\nMere.\n")
