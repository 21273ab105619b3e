"""End-to-end builds of fixture sites: what is written, what is refused, and that nothing is lost."""

from __future__ import annotations

import os

import pytest

from sitegen.errors import SiteErrors

from .conftest import Site, story
from .test_images import png


def test_builds_every_page_in_both_languages(site: Site) -> None:
    site.write("content/stories/tredje.da.md", story("Tredje", date="2026-01-01"))  # a second archive page
    report = site.build()
    files = site.outputs()
    for path in [
        "index.html",
        "en/index.html",
        "historier/havnebad/index.html",
        "en/stories/harbour-bath/index.html",
        "historier/skolen/index.html",
        "byer/grindsted/index.html",
        "en/towns/grindsted/index.html",
        "byer/billund/index.html",
        "om/index.html",
        "en/about/index.html",
        "historier/index.html",
        "historier/side/2/index.html",
        "emner/index.html",
        "emner/natur/index.html",
        "en/topics/nature/index.html",
        "for/familier/index.html",
        "en/for/families/index.html",
        "byer/index.html",
        "404.html",
        "en/404.html",
        "feed.xml",
        "en/feed.xml",
        "byer/grindsted/feed.xml",
        "sitemap.xml",
        "robots.txt",
    ]:
        assert path in files, path
    assert report.pages == len([p for p in files if p.endswith(".html")])
    assert not report.warnings


def test_story_page_content(site: Site) -> None:
    site.build()
    html = site.read("historier/havnebad/index.html")
    assert '<html lang="da">' in html
    assert "<h1>Nyt havnebad</h1>" in html
    assert "1. maj 2026" in html
    assert '<a href="/byer/billund/">Billund</a>' in html
    assert '<h2 id="fakta">Fakta</h2>' in html
    assert "<li>svømning</li>" in html
    assert '<link rel="alternate" hreflang="en" href="https://example.dk/en/stories/harbour-bath/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="https://example.dk/historier/havnebad/">' in html
    assert '<a href="/en/stories/harbour-bath/" hreflang="en" lang="en">English</a>' in html


def test_language_switch_falls_back_to_home_without_translation(site: Site) -> None:
    site.build()
    html = site.read("historier/skolen/index.html")
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in html
    assert 'hreflang="x-default"' not in html
    assert "skolen" not in site.read("en/index.html")


def test_second_build_writes_nothing(site: Site) -> None:
    first = site.build()
    assert first.written
    second = site.build()
    assert second.written == [] and second.deleted == []


def test_two_builds_are_byte_identical_and_parallel_equals_serial(site: Site) -> None:
    for index in range(200):  # enough pages for the pool to start
        site.write(f"content/stories/s{index:03d}.da.md", story(f"Historie {index}", date="2026-03-01"))
    site.build(jobs=1)
    serial = site.outputs()
    site.build(jobs=1, output=site.root / "again")
    site.build(jobs=2, output=site.root / "parallel")
    for other in ("again", "parallel"):
        folder = site.root / other
        copy = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        assert copy == serial, other


def test_removed_story_is_pruned_and_lists_update(site: Site) -> None:
    site.build()
    (site.root / "content/stories/skolen.da.md").unlink()
    report = site.build()
    assert "historier/skolen/index.html" in report.deleted
    assert "skolen" not in site.read("historier/index.html")


def test_failed_build_leaves_output_untouched(site: Site) -> None:
    site.build()
    before = site.outputs()
    stamps = {p: os.stat(site.root / "output" / p).st_mtime_ns for p in before}
    site.write("content/stories/skolen.da.md", story("Skolen", town_key="grinsted"))
    site.write("content/stories/ny.da.md", "---\ntitle: [oops\n---\n")
    with pytest.raises(SiteErrors) as caught:
        site.build()
    messages = [str(e) for e in caught.value.errors]
    assert "content/stories/skolen.da.md:4: town 'grinsted' is not a town; did you mean 'grindsted'?" in messages
    assert any(m.startswith("content/stories/ny.da.md:") for m in messages)
    assert site.outputs() == before
    assert {p: os.stat(site.root / "output" / p).st_mtime_ns for p in before} == stamps


def test_drafts_and_scheduling(site: Site) -> None:
    site.write("content/stories/kladde.da.md", story("Kladde", extra="draft: true\n"))
    site.write("content/stories/senere.da.md", story("Senere", extra="publish_date: 2026-12-24\n"))
    site.write("content/stories/udloebet.da.md", story("Udløbet", extra="expiry_date: 2026-11-28\n"))
    site.write("content/stories/aktuel.da.md", story("Aktuel", extra="expiry_date: 2026-11-29\n"))
    site.build()
    files = site.outputs()
    for key in ("kladde", "senere", "udloebet"):
        assert f"historier/{key}/index.html" not in files
        assert key not in files["sitemap.xml"].decode() and key not in files["feed.xml"].decode()
    assert "historier/aktuel/index.html" in files
    site.build(drafts=True)
    files = site.outputs()
    assert "historier/kladde/index.html" in files and "historier/senere/index.html" in files
    assert "Kladde: denne side er ikke offentliggjort endnu." in files["historier/kladde/index.html"].decode()


def test_source_date_epoch_fixes_the_build_date(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.write("content/stories/senere.da.md", story("Senere", extra="publish_date: 2027-01-02\n"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01
    site.build(build_date=None)
    assert "historier/senere/index.html" not in site.outputs()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798848000")  # 2027-01-02
    site.build(build_date=None)
    assert "historier/senere/index.html" in site.outputs()


def test_site_under_a_sub_path(site: Site) -> None:
    site.write(
        "config.yaml",
        site.root.joinpath("config.yaml").read_text().replace("https://example.dk/", "https://example.dk/kampagne/"),
    )
    site.build()
    html = site.read("historier/havnebad/index.html")
    assert '<a href="/kampagne/byer/billund/">Billund</a>' in html
    assert 'href="/kampagne/static/style.' in html
    assert "Sitemap: https://example.dk/kampagne/sitemap.xml" in site.read("robots.txt")
    assert "https://example.dk/kampagne/en/stories/harbour-bath/" in site.read("sitemap.xml")


def test_strict_turns_warnings_into_errors(site: Site) -> None:
    site.write("content/stories/emne.da.md", story("Emne", extra="topics: [natture]\n"))
    report = site.build()
    assert [str(w) for w in report.warnings] == [
        "content/stories/emne.da.md:6: topic 'natture' is not in config.yaml; did you mean 'nature'?"
    ]
    with pytest.raises(SiteErrors):
        site.build(strict=True)


def test_template_error_names_content_file_and_template_line(site: Site) -> None:
    template = site.root / "themes/default/templates/page.html"
    template.write_text(template.read_text().replace("{{ entry.title }}</h1>", "{{ entry.nope }}</h1>"))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    message = str(caught.value.errors[0])
    assert message.startswith("content/pages/om.da.md: the template themes/default/templates/page.html:")
    assert "nope" in message


def test_template_syntax_error_is_reported_with_its_line(site: Site) -> None:
    site.write("themes/default/templates/page.html", "{% extends 'base.html' %}\n{% block content %}\n{% if %}\n")
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert str(caught.value.errors[0]).startswith("themes/default/templates/page.html:3: template error")


def test_missing_theme_string_is_an_error(site: Site) -> None:
    path = site.root / "themes/default/i18n/en.yaml"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith("go_home:")))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert "themes/default/i18n/en.yaml: the theme string 'go_home' is missing" in str(caught.value)


def test_slug_cannot_escape_output(site: Site) -> None:
    site.write("content/pages/ud.da.md", '---\ntitle: Ud\nsummary: "x"\nslug: ../../etc\n---\n')
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert "content/pages/ud.da.md:4: slug: '../../etc' is not a valid slug" in str(caught.value)


def test_url_collision_is_an_error(site: Site) -> None:
    site.write("content/pages/historier.da.md", '---\ntitle: H\nsummary: "x"\n---\n')
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert "content/pages/historier.da.md: has the same address /historier/" in str(caught.value)


def test_images_are_published_under_a_hashed_name(site: Site) -> None:
    site.write("content/stories/images/bad.png", png((40, 30), "red"))
    site.write("content/stories/foto.da.md", story("Foto", body="![Badet om morgenen](images/bad.png)"))
    site.build()
    html = site.read("historier/foto/index.html")
    published = [p for p in site.outputs() if p.startswith("media/bad-")]
    assert len(published) == 3 and f'src="/{next(p for p in published if p.endswith(".jpg"))}"' in html


def test_broken_markdown_link_names_the_line(site: Site) -> None:
    site.write("content/stories/link.da.md", story("Link", body="Første linje.\n\nSe [her](andet.da.md)."))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert str(caught.value.errors[0]) == (
        "content/stories/link.da.md:10: the link 'andet.da.md' goes to a file that does not exist; "
        "check the file name in content/stories/"
    )


def test_topics_may_be_written_as_their_labels(site: Site) -> None:
    site.write("content/stories/natur.da.md", story("Natur", extra="topics: [natur, Børnenes Hovedstad]\n"))
    report = site.build()
    assert report.warnings == []
    assert "Natur" in site.read("emner/natur/index.html")
    assert "/emner/boernenes-hovedstad/" in site.read("historier/natur/index.html")


def test_link_to_an_unpublished_page_is_plain_text_and_a_warning(site: Site) -> None:
    site.write("content/stories/udloebet.da.md", story("Udløbet", extra="expiry_date: 2026-01-01\n"))
    site.write("content/stories/henviser.da.md", story("Henviser", body="Se [den gamle](udloebet.da.md)."))
    report = site.build()
    assert [w.message for w in report.warnings] == [
        "the link 'udloebet.da.md' goes to a page that is not published (a draft, scheduled or expired)"
    ]
    html = site.read("historier/henviser/index.html")
    assert "Se den gamle." in html and "udloebet" not in html


def test_image_names_with_danish_letters_and_spaces(site: Site) -> None:
    site.write("content/stories/billeder/bål ved søen.png", png((40, 30), "red"))
    site.write("content/stories/billeder/bål.png", png((40, 30), "blue"))
    site.write(
        "content/stories/baal.da.md",
        story("Bål", body="![Bål ved søen](<billeder/bål ved søen.png>)\n\n![Bål](billeder/bål.png)"),
    )
    site.build()
    assert len([p for p in site.outputs() if p.startswith("media/baal-ved-soeen-")]) == 3  # AVIF, WebP, JPEG
    assert len([p for p in site.outputs() if p.startswith("media/baal-")]) == 6


def test_link_path_hint_points_to_the_right_file(site: Site) -> None:
    site.write("content/stories/sti.da.md", story("Sti", body="Se [byen](towns/grindsted.da.md)."))
    with pytest.raises(SiteErrors) as caught:
        site.build()
    assert str(caught.value.errors[0]).endswith(
        "goes to a file that does not exist; write the path from this file: ../towns/grindsted.da.md"
    )


def test_upper_case_md_files_are_content(site: Site) -> None:
    site.write("content/stories/STOR.da.MD", story("Stor"))
    site.build()
    assert "historier/stor/index.html" in site.outputs()
