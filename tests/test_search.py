"""The search: a Pagefind bundle per language from the pages being published, written through output.py,
cached by its inputs; a search page per language with a labelled field; what is and is not indexed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from sitegen import search
from sitegen.errors import SiteErrors
from sitegen.headers import IMMUTABLE, REVALIDATE
from sitegen.manifest import object_headers
from sitegen.output import CachedFile, Content, write_output
from sitegen.plan import PlannedPage

from .conftest import CONFIG, Site, story
from .test_images import jpeg

SEARCH_PAGES = {"da": "soeg/index.html", "en": "en/search/index.html"}


def entry(site: Site) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(site.read("pagefind/pagefind-entry.json"))
    return data


def bundle_files(site: Site) -> dict[str, bytes]:
    return {path: data for path, data in site.outputs().items() if path.startswith("pagefind/")}


def test_the_bundle_has_an_index_per_language(site: Site) -> None:
    report = site.build()
    languages = entry(site)["languages"]
    assert set(languages) == {"da", "en"}
    # Danish: two stories, two towns, one page; English: one story, one town, one page.
    assert languages["da"]["page_count"] == 5 and languages["en"]["page_count"] == 3
    files = bundle_files(site)
    for lang, index in languages.items():
        assert f"pagefind/pagefind.{index['hash']}.pf_meta" in files
        assert f"pagefind/wasm.{lang}.pagefind" in files
        assert any(path.startswith(f"pagefind/index/{lang}_") for path in files)
        assert any(path.startswith(f"pagefind/fragment/{lang}_") for path in files)
    assert "pagefind/pagefind.js" in files and "pagefind/pagefind-worker.js" in files
    assert not [path for path in files if "-ui." in path or "highlight" in path], "Pagefind's UIs are not published"
    assert set(files) <= set(report.written)


def test_a_second_build_writes_nothing(site: Site) -> None:
    site.build()
    report = site.build()
    assert report.written == [] and report.deleted == []


def test_the_bundle_is_the_same_for_the_same_pages(site: Site) -> None:
    """Pagefind runs again (no cache) and makes the same bytes: nothing is written."""
    site.build()
    before = bundle_files(site)
    shutil.rmtree(site.root / ".cache" / "search")
    report = site.build()
    assert report.written == [] and bundle_files(site) == before


def test_unchanged_pages_reuse_the_cached_bundle(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.build()

    def no_pagefind(*args: object, **kwargs: object) -> None:
        raise AssertionError("Pagefind ran although no page changed")

    monkeypatch.setattr(search.subprocess, "Popen", no_pagefind)
    assert site.build().written == []


def test_a_changed_page_changes_the_index_and_unchanged_pages_stay_in_it(site: Site) -> None:
    """Pages that are not rendered again (they are already in output/) are indexed all the same."""
    site.build()
    before = entry(site)
    site.write("content/stories/ny.da.md", story("Ny svømmehal", body="Svømmehallen åbner i Grindsted."))
    report = site.build()
    after = entry(site)
    assert after["languages"]["da"]["page_count"] == before["languages"]["da"]["page_count"] + 1
    assert after["languages"]["en"] == before["languages"]["en"]
    assert "historier/skolen/index.html" not in report.rendered and "om/index.html" not in report.rendered
    assert "pagefind/pagefind-entry.json" in report.written


def test_a_failed_index_writes_nothing(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind fails (here a stand-in that says why and exits 1): its words are the error, nothing is written."""
    site.build()
    before = site.outputs()
    site.write("content/stories/ny.da.md", story("Ny svømmehal"))
    failing = site.root / "failing-pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: something went wrong' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: failing)
    with pytest.raises(SiteErrors) as raised:
        site.build()
    assert "indexing the pages for search failed: Error: something went wrong" in str(raised.value)
    assert site.outputs() == before
    assert [path.name for path in (site.root / ".cache" / "search").iterdir() if path.name.startswith("tmp-")] == []


def test_old_bundles_are_pruned(site: Site) -> None:
    site.build()
    for number in range(search.CACHED_BUNDLES + 2):
        site.write("content/stories/ny.da.md", story(f"Historie nummer {number}"))
        site.build()
    folders = [path for path in (site.root / ".cache" / "search").iterdir() if path.is_dir()]
    assert len([path for path in folders if not path.name.startswith("pages-")]) == search.CACHED_BUNDLES


def test_the_search_pages_have_a_labelled_search_field(site: Site) -> None:
    site.build()
    for lang, path in SEARCH_PAGES.items():
        tree = LexborHTMLParser(site.read(path))
        assert tree.css_first("html").attributes["lang"] == lang
        form = tree.css_first('form[role="search"]')
        assert form is not None, path
        assert form.attributes["method"] == "get" and form.attributes["action"] == "/" + path.removesuffix("index.html")
        assert form.attributes["data-bundle"] == "/pagefind/"
        field = form.css_first('input[type="search"]')
        assert field is not None and field.attributes["name"] == "q"
        label = form.css_first(f'label[for="{field.attributes["id"]}"]')
        assert label is not None and label.text(strip=True), path
        status = tree.css_first("#search_status")
        assert status is not None and status.attributes["aria-live"] == "polite", path
        script = tree.css_first('script[type="module"]')
        assert script is not None and script.attributes["src"].startswith("/static/search.")
        assert "JavaScript" in tree.css_first("#search_fallback").text(), "without JavaScript the page says so"
        links = [a.attributes["href"] for a in tree.css("#search_fallback a")]
        assert links == (["/historier/", "/emner/"] if lang == "da" else ["/en/stories/", "/en/topics/"])


def test_every_page_links_to_the_search_page_of_its_language(site: Site) -> None:
    site.build()
    assert 'class="search-link" href="/soeg/"' in site.read("index.html")
    assert 'class="search-link" href="/en/search/"' in site.read("en/index.html")
    assert 'href="/soeg/" aria-current="page"' in site.read("soeg/index.html")


def test_only_the_content_of_stories_towns_and_pages_is_indexed(site: Site) -> None:
    site.write("config.yaml", CONFIG + "redirects:\n  gammel: /historier/\n")
    site.build()
    indexed = {path for path, data in site.outputs().items() if search.MARKER in data}
    assert indexed == {
        "historier/havnebad/index.html",
        "historier/skolen/index.html",
        "byer/grindsted/index.html",
        "byer/billund/index.html",
        "om/index.html",
        "en/stories/harbour-bath/index.html",
        "en/towns/grindsted/index.html",
        "en/about/index.html",
    }
    story_page = LexborHTMLParser(site.read("historier/havnebad/index.html"))
    body = story_page.css("[data-pagefind-body]")
    assert len(body) == 1 and body[0].tag == "article", "the article: no header, navigation or footer"
    assert body[0].css_first("h1") is not None  # Pagefind's result title


def test_the_search_page_words_can_be_set_in_the_config(site: Site) -> None:
    site.write("config.yaml", CONFIG.replace("page: side}", "page: side, search: find}"))
    site.build()
    assert (site.root / "output/find/index.html").is_file()
    assert not (site.root / "output/soeg").exists()
    assert (site.root / "output/en/search/index.html").is_file()


def test_the_bundle_follows_the_base_path(site: Site) -> None:
    site.write("config.yaml", CONFIG.replace("https://example.dk/", "https://example.dk/kampagne/"))
    site.build()
    html = site.read("soeg/index.html")
    assert 'data-bundle="/kampagne/pagefind/"' in html and 'action="/kampagne/soeg/"' in html
    assert (site.root / "output/pagefind/pagefind.js").is_file()


def test_pagefind_is_the_extended_build() -> None:
    binary = search.pagefind_binary()
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout
    assert binary.name == "pagefind_extended" and "pagefind" in version.lower()


def page(path: str, html: bytes) -> search.IndexedPage:
    return search.IndexedPage(path, hashlib.sha256(html).hexdigest(), html)


def test_the_cache_key_depends_on_every_page() -> None:
    pages = [page("a/index.html", b"<html lang=da>a"), page("b/index.html", b"<html lang=da>b")]
    key = search.bundle_key(pages)
    assert search.bundle_key(list(pages)) == key
    assert search.bundle_key([pages[0], page("b/index.html", b"<html lang=da>c")]) != key
    assert search.bundle_key([pages[0], page("c/index.html", b"<html lang=da>b")]) != key
    assert search.bundle_key(pages[:1]) != key


def test_unchanged_pages_are_not_read_again_but_changed_ones_are(tmp_path: Path) -> None:
    out, digests = tmp_path / "output", tmp_path / "digests.json"
    planned = [PlannedPage("story", "da", "/a/", "story.html", output="a/index.html")]
    (out / "a").mkdir(parents=True)
    html = out / "a/index.html"
    html.write_bytes(b"<html lang=da><article data-pagefind-body>en</article>")
    first = search.indexed_pages(out, planned, {}, digests)
    assert json.loads(digests.read_text())["a/index.html"][2] == first[0].digest
    html.write_bytes(b"<html lang=da><article data-pagefind-body>to</article>")
    second = search.indexed_pages(out, planned, {}, digests)
    assert second[0].digest == hashlib.sha256(html.read_bytes()).hexdigest() != first[0].digest
    digests.write_text("{not json")  # a damaged cache: every page is read again
    assert search.indexed_pages(out, planned, {}, digests)[0].digest == second[0].digest


def test_the_staged_pages_mirror_exactly_this_builds_pages(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    search.stage_pages(mirror, [page("a/index.html", b"<html>a"), page("b/index.html", b"<html>b")])
    written = (mirror / "a/index.html").stat().st_mtime_ns
    search.stage_pages(mirror, [page("a/index.html", b"<html>a"), page("c/index.html", b"<html>c")])
    assert (mirror / "a/index.html").stat().st_mtime_ns == written  # unchanged: not written again
    assert not (mirror / "b/index.html").exists() and (mirror / "c/index.html").read_bytes() == b"<html>c"
    (mirror / ".pages.json").unlink()  # as if a build was killed while staging
    (mirror / "c/index.html").write_bytes(b"half written")
    search.stage_pages(mirror, [page("c/index.html", b"<html>c")])
    files = sorted(path.relative_to(mirror).as_posix() for path in mirror.rglob("*") if path.is_file())
    assert files == [".pages.json", "c/index.html"] and (mirror / "c/index.html").read_bytes() == b"<html>c"


def test_the_mirror_is_never_written_into_and_names_the_pages_rendered_now(tmp_path: Path) -> None:
    """output/ may link to a mirror file: a changed page is a new file, the linked one keeps its bytes."""
    mirror, published = tmp_path / "mirror", tmp_path / "published.html"
    staged = search.stage_pages(mirror, [page("a/index.html", b"<html>a"), page("b/index.html", b"<html>b")])
    assert staged == {"a/index.html": mirror / "a/index.html", "b/index.html": mirror / "b/index.html"}
    assert all(isinstance(file, CachedFile) for file in staged.values())
    os.link(staged["a/index.html"], published)  # as output.write_output does
    unchanged = tmp_path / "output-b.html"
    unchanged.write_bytes(b"<html>b")
    kept = search.IndexedPage("b/index.html", page("b", b"<html>b").digest, unchanged)  # not rendered now
    staged = search.stage_pages(mirror, [page("a/index.html", b"<html>a2"), kept])
    assert staged == {"a/index.html": mirror / "a/index.html"}  # the page in output/ is not named
    assert (mirror / "a/index.html").read_bytes() == b"<html>a2" and published.read_bytes() == b"<html>a"
    (mirror / ".pages.json").unlink()  # as if a build was killed while staging: made again from nothing
    search.stage_pages(mirror, [page("a/index.html", b"<html>a3")])
    assert (mirror / "a/index.html").read_bytes() == b"<html>a3" and published.read_bytes() == b"<html>a"
    assert sorted(path.name for path in mirror.rglob("*") if path.is_file()) == [".pages.json", "index.html"]


def test_output_links_to_the_bundle_and_to_the_mirror(tmp_path: Path) -> None:
    """The bundle's files, and the mirror files `IndexRun.pages` names, are published as hard links."""
    out = tmp_path / "output"
    planned = [
        PlannedPage("story", lang, f"/{lang}/", "story.html", output=f"{lang}/index.html") for lang in ("da", "en")
    ]
    files: dict[str, Content] = {
        f"{lang}/index.html": f"<html lang={lang}><body><article data-pagefind-body>{word}</article>".encode()
        for lang, word in (("da", "byen"), ("en", "town"))
    }
    run = search.start_search_index(tmp_path, out, planned, files)
    assert run is not None and set(run.pages) == set(files)
    bundle = run.finish()
    report = write_output(out, {**files, **run.pages, **bundle})
    assert set(report.written) == set(files) | set(bundle)
    for path, content in files.items():
        assert (out / path).read_bytes() == content and os.path.samefile(out / path, run.pages[path])
    for path, file in bundle.items():
        assert isinstance(file, Path) and os.path.samefile(out / path, file)
    again = search.start_search_index(tmp_path, out, planned, files)  # the cached bundle: nothing staged
    assert again is not None and again.pages == {} and again.finish() == bundle


def test_entry_languages_are_written_in_order(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "pagefind-entry.json").write_text('{"version":"1","languages":{"en":{"hash":"e"},"da":{"hash":"d"}}}')
    (bundle / "pagefind-ui.js").write_text("ui")
    search._tidy(bundle)
    expected = '{"languages":{"da":{"hash":"d"},"en":{"hash":"e"}},"version":"1"}'
    assert (bundle / "pagefind-entry.json").read_text() == expected
    assert not (bundle / "pagefind-ui.js").exists()


def test_hashed_index_files_are_cached_for_good_and_the_entry_is_revalidated() -> None:
    assert object_headers("pagefind/fragment/da_1234567.pf_fragment", "/", "application/octet-stream")[0] == IMMUTABLE
    assert object_headers("pagefind/index/en_1234567.pf_index", "/", "application/octet-stream")[0] == IMMUTABLE
    for path in ("pagefind/pagefind.js", "pagefind/pagefind-entry.json", "pagefind/wasm.da.pagefind"):
        assert object_headers(path, "/", "application/octet-stream")[0] == REVALIDATE, path


def test_preview_rebuilds_keep_the_first_index(site: Site) -> None:
    site.build()
    index = {p: d for p, d in site.outputs().items() if p.startswith("pagefind/")}
    assert index
    site.write("content/stories/skolen.da.md", story("Skolen er åben", date="2026-04-01", town_key="billund"))
    report = site.build(search_index=False)
    assert report.rendered and not any(p.startswith("pagefind/") for p in report.written + report.deleted)
    assert {p: d for p, d in site.outputs().items() if p.startswith("pagefind/")} == index


def test_failed_images_stop_the_index_and_leave_no_temporary_folder(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind runs while the images are made; when they fail, it is stopped and its folder removed."""
    site.build()
    slow = site.root / "slow-pagefind"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: slow)
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(search.subprocess, "Popen", recording)
    photo = jpeg((400, 300), noise=True)
    site.write("content/stories/ny.da.md", story("Ny", extra='image: ny.jpg\nimage_alt: "Et billede"\n'))
    site.write("content/stories/ny.jpg", photo[: len(photo) * 2 // 3])  # cut off: fails when decoded
    began = time.monotonic()
    with pytest.raises(SiteErrors, match="cut off"):
        site.build()
    assert len(started) == 1 and started[0].poll() is not None  # Pagefind was started, then stopped
    assert time.monotonic() - began < 20  # not waited for
    assert [path.name for path in (site.root / ".cache" / "search").iterdir() if path.name.startswith("tmp-")] == []


def test_a_built_page_is_a_link_to_its_copy_in_the_search_mirror(site: Site) -> None:
    site.build()
    page = site.root / "output/historier/havnebad/index.html"
    (mirror,) = (site.root / ".cache/search").glob("pages-*")
    assert os.path.samefile(page, mirror / "historier/havnebad/index.html")
    assert page.stat().st_mode & 0o777 == 0o644
