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


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def assert_same_as_a_clean_build(site: Site, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(site.root, clean, ignore=shutil.ignore_patterns("output", ".cache"))
    fresh = Site(clean)
    fresh.build(drafts=True, search_index=False)
    assert without_search(site.outputs()) == without_search(fresh.outputs())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('title: "Skolen åbner"', 'title: "Skolen er åben"'),
        ("date: 2026-04-01", "date: 2026-06-01"),  # now the newest story: lists change order
        ("town: billund", "town: grindsted"),
        ('summary: "Om Skolen åbner."', 'summary: "Et nyt resumé."\naudience: [families]'),
        ("---\n\n", "draft: true\n---\n\nOg en ny tekst. "),  # front matter and body together
    ],
)
def test_a_story_front_matter_edit_takes_the_fast_path(site: Site, tmp_path: Path, old: str, new: str) -> None:
    session = preview(site)
    report = quick_rebuild(session, {edit(site.root / "content/stories/skolen.da.md", old, new)})
    assert report is not None
    assert "historier/skolen/index.html" in report.rendered
    assert "en/stories/harbour-bath/index.html" not in report.rendered  # no list of English stories changed
    assert_same_as_a_clean_build(site, tmp_path)


def test_a_title_edit_renders_only_the_pages_that_show_it(site: Site) -> None:
    session = preview(site)
    report = quick_rebuild(session, {edit(site.root / "content/stories/skolen.da.md", "Skolen åbner", "Skolen")})
    assert report is not None
    assert set(report.rendered) == {
        "historier/skolen/index.html",
        "index.html",
        "historier/index.html",
        "byer/billund/index.html",
    }
    assert "Skolen</a>" in site.read("byer/billund/index.html")
    assert "sitemap.xml" not in report.written  # the sitemap does not show titles


def test_fast_front_matter_edits_one_after_another(site: Site, tmp_path: Path) -> None:
    session = preview(site)
    story = site.root / "content/stories/havnebad.da.md"
    assert quick_rebuild(session, {edit(story, "date: 2026-05-01", "date: 2025-01-01")}) is not None
    assert quick_rebuild(session, {edit(story, 'title: "Nyt havnebad"', 'title: "Havnebadet"')}) is not None
    assert quick_rebuild(session, {append(story, "\nEt nyt afsnit.\n")}) is not None
    assert_same_as_a_clean_build(site, tmp_path)


def test_a_story_with_an_unknown_town_is_an_error_with_its_line(site: Site) -> None:
    session = preview(site)
    before = site.outputs()
    story = edit(site.root / "content/stories/skolen.da.md", "town: billund", "town: bilund")
    with pytest.raises(SiteErrors) as error:
        quick_rebuild(session, {story})
    assert (error.value.errors[0].path, error.value.errors[0].line) == ("content/stories/skolen.da.md", 4)
    assert "billund" in error.value.errors[0].hint
    assert site.outputs() == before


@pytest.mark.parametrize(
    "change",
    ["town front matter", "page front matter", "slug", "new topic", "new file", "deleted file", "data file"],
)
def test_other_changes_need_the_full_build(site: Site, change: str) -> None:
    session = preview(site)
    story = site.root / "content/stories/skolen.da.md"
    if change == "town front matter":
        changed = edit(site.root / "content/towns/billund.da.md", "population: 6662", "population: 6700")
    elif change == "page front matter":
        changed = edit(site.root / "content/pages/om.da.md", "title: Om sitet", "title: Om os")
    elif change == "slug":
        changed = edit(story, "town: billund", "town: billund\nslug: skolen-er-aaben")
    elif change == "new topic":  # the first story of a topic: a topic page more
        changed = edit(story, "town: billund", "town: billund\ntopics: [children-capital]")
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
