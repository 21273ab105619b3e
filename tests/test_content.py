"""Reading content files: front matter split with true line numbers, and every quirk of editors' files."""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen import content
from sitegen.content import load_sources, split_front_matter
from sitegen.errors import SiteErrors
from sitegen.schemas import Story
from sitegen.sourcecache import SHARDS

from .conftest import Site, story, town


def test_split_keeps_line_numbers() -> None:
    split = split_front_matter("---\ntitle: x\n---\n\nBody\n", "a.md")
    assert split.front_matter == "title: x\n"
    assert split.body == "\nBody\n"
    assert split.body_line == 4


def test_closing_fence_may_be_dots_or_have_trailing_spaces() -> None:
    assert split_front_matter("---\na: 1\n...\nB", "a.md").body == "B"
    assert split_front_matter("--- \na: 1\n---  \nB", "a.md").body == "B"


@given(st.text())
def test_split_never_crashes(text: str) -> None:
    try:
        split = split_front_matter(text, "a.md")
    except SiteErrors as exc:
        assert all(e.path == "a.md" and e.line == 1 for e in exc.errors)
    else:
        assert split.body_line >= 3


@given(st.dictionaries(st.sampled_from(["title", "date", "town", "summary", "topics", "draft", "x"]), st.text()))
def test_schema_errors_never_crash(data: dict[str, str]) -> None:
    from pydantic import ValidationError

    from sitegen.schemas import errors_from_validation
    from sitegen.yamlfile import ParsedYaml

    try:
        Story.model_validate(data)
    except ValidationError as exc:
        for error in errors_from_validation(exc, "a.md", ParsedYaml(data)):
            assert error.path == "a.md" and error.message


def test_bom_and_crlf_just_work(site: Site) -> None:
    text = story("Windows", body="Linje et\n\nLinje to").replace("\n", "\r\n")
    site.write("content/stories/windows.da.md", "\ufeff".encode() + text.encode())
    site.build()
    assert "<h1>Windows</h1>" in site.read("historier/windows/index.html")


def test_old_mac_line_endings_just_work(site: Site) -> None:
    site.write("content/stories/mac.da.md", story("Mac").replace("\n", "\r").encode())
    site.build()
    assert "<h1>Mac</h1>" in site.read("historier/mac/index.html")


def test_errors_of_all_files_are_reported_together(site: Site) -> None:
    site.write("content/stories/a.da.md", story("A").replace("2026-05-01", "2026-02-30"))
    site.write("content/stories/b.da.md", story("B", extra="titel: x\n"))
    site.write("content/towns/ny.da.md", "---\nname: Ny\n---\n")
    loaded = load_sources(site.root, ["da", "en"])
    assert [str(e) for e in loaded.errors] == [
        "content/stories/a.da.md:3: date: expected a date like 2026-05-01, got '2026-02-30' (no such day)",
        "content/stories/b.da.md:6: unknown field 'titel'; did you mean 'title'?",
        "content/towns/ny.da.md:1: population is missing; add a line like 'population: ...' to the front matter",
        "content/towns/ny.da.md:1: population_source is missing; "
        "add a line like 'population_source: ...' to the front matter",
        "content/towns/ny.da.md:1: population_year is missing; add a line like 'population_year: ...' to the front matter",
        "content/towns/ny.da.md:1: summary is missing; add a line like 'summary: ...' to the front matter",
    ]
    assert ("towns", "ny", "da") in loaded.found


def test_single_topic_may_be_written_without_brackets(site: Site) -> None:
    site.write("content/stories/emne.da.md", story("Emne", extra="topics: nature\naudience: families\n"))
    loaded = load_sources(site.root, ["da", "en"])
    meta = next(s.meta for s in loaded.sources if s.key == "emne")
    assert isinstance(meta, Story) and meta.topics == ["nature"] and meta.audience == ["families"]


def test_file_names_become_slug_keys(site: Site) -> None:
    site.write("content/stories/Sønder Omme nyt.da.md", story("Nyt"))
    loaded = load_sources(site.root, ["da", "en"])
    assert ("stories", "soender-omme-nyt", "da") in loaded.found


def test_symlink_outside_the_project_is_refused(site: Site, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.da.md"
    outside.write_text(story("Hemmelig"))
    os.symlink(outside, site.root / "content/stories/hemmelig.da.md")
    loaded = load_sources(site.root, ["da", "en"])
    assert [str(e) for e in loaded.errors] == [
        "content/stories/hemmelig.da.md: is a link to a file outside the project; copy it in"
    ]


def test_huge_file_is_refused(site: Site) -> None:
    site.write("content/stories/stor.da.md", story("Stor", body="x" * 3_000_000))
    loaded = load_sources(site.root, ["da", "en"])
    assert [str(e) for e in loaded.errors] == [
        "content/stories/stor.da.md: the file is 3 MB; the limit is 2 MB; split it up"
    ]


def test_markdown_outside_a_content_folder_is_an_error(site: Site) -> None:
    site.write("content/nyheder/x.da.md", story("X"))
    loaded = load_sources(site.root, ["da", "en"])
    assert str(loaded.errors[0]).startswith("content/nyheder/x.da.md: is not in a content folder; move it into one of")


def test_other_files_in_content_are_ignored(site: Site) -> None:
    site.write("content/stories/noter.txt", "ikke markdown")
    site.write("content/images/foto.jpg", b"\xff\xd8")
    assert load_sources(site.root, ["da", "en"]).errors == []


def test_missing_content_folder(tmp_path: Path) -> None:
    with pytest.raises(SiteErrors, match="the content folder is missing"):
        load_sources(tmp_path, ["da"])


def test_cache_reuses_unchanged_files_and_rereads_changed_ones(site: Site) -> None:
    cache = site.root / ".cache/sources"
    first = load_sources(site.root, ["da", "en"], cache, "v1")
    assert list(cache.glob("*.pickle"))
    path = site.root / "content/stories/skolen.da.md"
    path.write_text(path.read_text().replace("Skolen åbner", "Skolen er åben"))
    second = load_sources(site.root, ["da", "en"], cache, "v1")
    titles = {s.key: getattr(s.meta, "title", "") for s in second.sources if s.kind == "stories" and s.lang == "da"}
    assert titles["skolen"] == "Skolen er åben"
    unchanged = next(s for s in second.sources if s.key == "havnebad" and s.lang == "da")
    assert unchanged == next(s for s in first.sources if s.key == "havnebad" and s.lang == "da")


def test_damaged_or_foreign_cache_is_ignored(site: Site) -> None:
    cache = site.root / ".cache/sources"
    cache.mkdir(parents=True)
    (cache / "07.pickle").write_bytes(b"not a pickle")
    assert not load_sources(site.root, ["da", "en"], cache, "v1").errors
    assert not load_sources(site.root, ["da", "en"], cache, "v2").errors
    for shard in cache.glob("*.pickle"):
        shard.write_bytes(shard.read_bytes()[:20])  # cut short
    assert len(load_sources(site.root, ["da", "en"], cache, "v2").sources) == len(
        load_sources(site.root, ["da", "en"]).sources
    )


def test_a_save_rewrites_only_the_cache_shard_of_its_file(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(40):
        site.write(f"content/stories/s{index:02d}.da.md", story(f"Historie {index}"))
    cache = site.root / ".cache/sources"
    load_sources(site.root, ["da", "en"], cache, "v1")
    shards = {path.name: path.stat().st_mtime_ns for path in cache.glob("*.pickle")}
    assert len(shards) > 10
    path = site.write("content/stories/s07.da.md", story("Historie 7 igen"))
    parsed: list[str] = []
    real = content._load
    monkeypatch.setattr(content, "_load", lambda *args: parsed.append(args[1]) or real(*args))
    again = load_sources(site.root, ["da", "en"], cache, "v1")
    assert parsed == ["content/stories/s07.da.md"]
    changed = {path.name for path in cache.glob("*.pickle") if path.stat().st_mtime_ns != shards[path.name]}
    assert changed == {f"{zlib.crc32(b'content/stories/s07.da.md') % SHARDS:02d}.pickle"}
    assert "Historie 7 igen" in {getattr(s.meta, "title", "") for s in again.sources}
    path.unlink()
    load_sources(site.root, ["da", "en"], cache, "v1")
    assert all(
        "content/stories/s07.da.md" not in pickle.loads(shard.read_bytes())[1] for shard in cache.glob("*.pickle")
    )


def test_a_story_in_the_pages_folder_gets_one_clear_error(site: Site) -> None:
    site.write("content/pages/forkert.da.md", story("Forkert"))
    loaded = load_sources(site.root, ["da", "en"])
    assert [str(e) for e in loaded.errors] == [
        "content/pages/forkert.da.md:1: this looks like one of the stories, but it is in content/pages/; "
        "move it to content/stories/"
    ]


def test_a_town_in_the_stories_folder_is_named_as_such_despite_other_mistakes(site: Site) -> None:
    site.write("content/stories/vorbasse.da.md", town("Vorbasse").replace("population: 1000", "population: mange"))
    loaded = load_sources(site.root, ["da", "en"])
    assert [str(e) for e in loaded.errors] == [
        "content/stories/vorbasse.da.md:1: this looks like one of the towns, but it is in content/stories/; "
        "move it to content/towns/"
    ]


def test_a_wrong_language_code_gets_a_hint(site: Site) -> None:
    site.write("content/stories/nyt.dk.md", story("Nyt"))
    loaded = load_sources(site.root, ["da", "en"])
    assert [str(e) for e in loaded.errors] == [
        "content/stories/nyt.dk.md: 'dk' in the file name is not a language of the site; did you mean 'da'?"
    ]


def test_documents_meant_as_pages_are_named_in_a_warning(site: Site) -> None:
    site.write("content/stories/havnebad.da.md.txt", story("Havnebad"))
    site.write("content/stories/skolen-fejrer.da.markdown", story("Skolen fejrer"))
    site.write("content/pages/om-os.da.docx", b"PK\x03\x04 a word file")
    site.write("content/pages/kort.da.html", "<p>kort</p>")
    site.write("content/stories/images/skitse.png", b"\x89PNG")  # photos are not pages
    site.write("content/data/README.txt", "Kilder til tallene.")  # the data folder holds other files
    warnings = {(w.path, w.message, w.hint) for w in site.build().warnings if not w.path.endswith(".md")}
    assert warnings == {
        (
            "content/stories/havnebad.da.md.txt",
            "is not read: only files ending in .md are pages",
            "rename it to havnebad.da.md (Windows may hide the ending .txt)",
        ),
        (
            "content/stories/skolen-fejrer.da.markdown",
            "is not read: only files ending in .md are pages",
            "rename it to skolen-fejrer.da.md",
        ),
        (
            "content/pages/om-os.da.docx",
            "is a word-processor file, which the site cannot read",
            "copy its text into a file ending in .md (./dev new story makes one) and delete this file",
        ),
        (
            "content/pages/kort.da.html",
            "is not read: pages are written in Markdown",
            "write it as a file ending in .md",
        ),
    }


def test_a_whole_number_ending_in_a_thousands_group_of_zeros_is_refused(site: Site) -> None:
    """YAML reads 12.000 as 12.0, which the schema takes for 12: only the text shows the separator."""
    site.write("content/towns/grindsted.da.md", town("Grindsted").replace("population: 1000", "population: 12.000"))
    with pytest.raises(SiteErrors) as raised:
        site.build()
    assert [(e.path, e.line, e.message, e.hint) for e in raised.value.errors] == [
        (
            "content/towns/grindsted.da.md",
            4,
            "population: expected a whole number, got '12.000'",
            "write 12000, without the thousands separator",
        )
    ]
    site.write("content/towns/grindsted.da.md", town("Grindsted", extra="distances:\n  vejle: 1.000\n"))
    site.build()  # in a distance a point is a decimal point: 1.0 km


def test_unquoted_text_cut_short_by_a_comment_is_an_error(site: Site) -> None:
    text = story("Vi er", extra="author: Anna # og Bo\ndraft: false # en note til mig selv\n")
    site.write("content/stories/nummer-et.da.md", text.replace('title: "Vi er"', "title: Vi er #1 i Danmark"))
    with pytest.raises(SiteErrors) as raised:
        site.build()
    assert [(e.line, e.message) for e in raised.value.errors] == [
        (2, "title: the text after ' #' is left out (YAML reads it as a comment)"),
        (6, "author: the text after ' #' is left out (YAML reads it as a comment)"),
    ]
    assert raised.value.errors[0].hint.startswith('put the whole text in double quotes, like "Vi er #1"')
    site.write("content/stories/nummer-et.da.md", story("Vi er #1 i Danmark", extra="author: Anna#Bo\n"))
    site.build()  # quoted, or '#' without a space before it, is text


def test_audiences_may_be_written_as_their_labels(site: Site) -> None:
    site.write("content/stories/havnebad.da.md", story("Nyt havnebad", extra="audience: [familier, Virksomheder]\n"))
    site.write("content/stories/skolen.da.md", story("Skolen", extra="audience: skilled workers\n"))
    site.build()
    assert "Nyt havnebad" in site.read("for/familier/index.html")
    assert "Nyt havnebad" in site.read("for/virksomheder/index.html")
    assert "Skolen" in site.read("for/arbejdskraft/index.html")
    site.write("content/stories/skolen.da.md", story("Skolen", extra="audience: [familie]\n"))
    with pytest.raises(SiteErrors) as raised:
        site.build()
    assert [(e.message, e.hint) for e in raised.value.errors] == [
        ("audience (item 1): 'familie' is not one of families, workers or business", "did you mean 'families'?")
    ]
