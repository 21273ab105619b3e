"""The preview's fast path: body-only edits re-render their page and the feeds, and equal a full build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.errors import SiteErrors
from sitegen.quick import Session, quick_rebuild

from .conftest import Site


def preview(site: Site) -> Session:
    """A preview-like first build (no search index), and the session it leaves."""
    report = site.build(drafts=True, search_index=False)
    assert report.session is not None
    return report.session


def append(path: Path, text: str) -> Path:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def without_search(outputs: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in outputs.items() if not path.startswith("pagefind/")}


def test_a_body_edit_renders_its_page_and_the_feeds_only(site: Site) -> None:
    session = preview(site)
    story = append(site.root / "content/stories/skolen.da.md", "\nEt helt nyt afsnit om skolen.\n")
    report = quick_rebuild(session, {story})
    assert report is not None
    assert report.rendered == ["historier/skolen/index.html"]
    assert set(report.written) == {"historier/skolen/index.html", "feed.xml", "byer/billund/feed.xml"}
    assert "Et helt nyt afsnit om skolen." in site.read("historier/skolen/index.html")
    assert "Et helt nyt afsnit om skolen." in site.read("feed.xml")


def test_topics_named_by_label_keep_the_fast_path(site: Site) -> None:
    story = site.root / "content/stories/skolen.da.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("town: billund", "town: billund\ntopics: [natur]"), "utf-8"
    )
    session = preview(site)
    assert quick_rebuild(session, {append(story, "\nNyt.\n")}) is not None


def test_the_fast_path_gives_the_site_a_full_build_gives(site: Site, tmp_path: Path) -> None:
    session = preview(site)
    town = append(site.root / "content/towns/grindsted.da.md", "\n## Skoler\n\nTo skoler.\n")
    story = append(site.root / "content/stories/havnebad.da.md", "\nMere om [skolen](skolen.da.md).\n")
    assert quick_rebuild(session, {town, story}) is not None
    clean = tmp_path / "clean"
    shutil.copytree(site.root, clean, ignore=shutil.ignore_patterns("output", ".cache"))
    fresh = Site(clean)
    fresh.build(drafts=True, search_index=False)
    assert without_search(site.outputs()) == without_search(fresh.outputs())


def test_a_later_full_build_sees_what_the_fast_path_changed(site: Site) -> None:
    session = preview(site)
    story = append(site.root / "content/stories/skolen.da.md", "\nNyt afsnit.\n")
    assert quick_rebuild(session, {story}) is not None
    report = site.build(drafts=True, search_index=False)
    assert "Nyt afsnit." in site.read("historier/skolen/index.html")
    assert report.deleted == []


@pytest.mark.parametrize(
    "change",
    ["title", "new file", "deleted file", "data file"],
)
def test_other_changes_need_the_full_build(site: Site, change: str) -> None:
    session = preview(site)
    story = site.root / "content/stories/skolen.da.md"
    if change == "title":
        story.write_text(story.read_text(encoding="utf-8").replace("Skolen åbner", "Skolen er åben"), encoding="utf-8")
        changed = story
    elif change == "new file":
        changed = site.write("content/stories/ny.da.md", story.read_text(encoding="utf-8"))
    elif change == "deleted file":
        story.unlink()
        changed = story
    else:
        changed = site.write("content/data/tal.csv", "år,antal\n2020,1\n")
    assert quick_rebuild(session, {changed}) is None


def test_a_broken_body_is_an_error_and_changes_nothing(site: Site) -> None:
    session = preview(site)
    before = site.outputs()
    story = append(site.root / "content/stories/skolen.da.md", "\nSe [her](findes-ikke.da.md).\n")
    with pytest.raises(SiteErrors) as error:
        quick_rebuild(session, {story})
    assert "content/stories/skolen.da.md" in str(error.value.errors[0])
    assert site.outputs() == before
    story.write_text(story.read_text(encoding="utf-8").replace("[her](findes-ikke.da.md)", "her"), encoding="utf-8")
    assert quick_rebuild(session, {story}) is not None


def test_broken_front_matter_is_an_error_with_its_line(site: Site) -> None:
    session = preview(site)
    story = site.root / "content/stories/skolen.da.md"
    story.write_text(story.read_text(encoding="utf-8").replace("date: 2026-04-01", "date: 2026-13-01"), "utf-8")
    with pytest.raises(SiteErrors) as error:
        quick_rebuild(session, {story})
    assert error.value.errors[0].line == 3
