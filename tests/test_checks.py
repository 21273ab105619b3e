"""`check`: planted broken links, anchors and images are found with their file and line."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

from sitegen.cli import main
from sitegen.errors import SiteErrors

from .conftest import Site, story


def findings(site: Site, **options: object) -> list[str]:
    report = site.build(check=True, **options)
    return [f"{f.severity}: {f.problem}" for f in report.findings]


def test_minimal_site_has_only_the_missing_translation(site: Site) -> None:
    assert findings(site) == [
        "warning: content/stories/skolen.da.md:1: the story has no en translation; "
        "add content/stories/skolen.en.md, or 'translation: false' if it stays in one language"
    ]


def test_saying_no_translation_on_purpose(site: Site) -> None:
    site.write("content/stories/skolen.da.md", story("Skolen åbner", extra="translation: false\n"))
    assert findings(site) == []


def test_planted_broken_link_anchor_and_image(site: Site) -> None:
    body = (
        "Første afsnit.\n\n"
        "Se [siden](/historier/findes-ikke/).\n\n"
        "Se [fakta](havnebad.da.md#forkert-anker) og [fakta](havnebad.da.md#fakta).\n\n"
        '<img src="/media/mangler.jpg" alt="Et billede">\n'
    )
    site.write("content/stories/fejl.da.md", story("Fejl", extra="translation: false\n", body=body))
    result = findings(site)
    assert (
        "error: content/stories/fejl.da.md:11: the link '/historier/findes-ikke/' goes to a page that does not exist; check the address"
        in result
    )
    assert (
        "error: content/stories/fejl.da.md:13: the link 'havnebad.da.md#forkert-anker' (/historier/havnebad/#forkert-anker) "
        "goes to an anchor that is not on that page; check the heading the link points to" in result
    )
    assert (
        "error: content/stories/fejl.da.md:15: the link '/media/mangler.jpg' goes to a page that does not exist; check the address"
        in result
    )
    assert not any("#fakta" in line for line in result)


def test_a_misspelt_anchor_gets_the_heading_it_probably_means(site: Site) -> None:
    site.write("content/stories/havnebad.da.md", story("Nyt havnebad", body="## Åbningstider\n\nHver dag.\n"))
    body = "Se [tiderne](havnebad.da.md#aabningstid) og [her](/historier/havnebad/#abningstider).\n"
    site.write("content/stories/henviser.da.md", story("Henviser", extra="translation: false\n", body=body))
    result = [line for line in findings(site) if "anchor" in line]
    assert result == [
        "error: content/stories/henviser.da.md:9: the link 'havnebad.da.md#aabningstid' (/historier/havnebad/#aabningstid) "
        "goes to an anchor that is not on that page; did you mean '#aabningstider'?",
        "error: content/stories/henviser.da.md:9: the link '/historier/havnebad/#abningstider' goes to an anchor "
        "that is not on that page; did you mean '#aabningstider'?",
    ]


def test_strict_build_fails_on_findings_and_writes_nothing(site: Site) -> None:
    site.build()
    before = site.outputs()
    site.write("content/stories/fejl.da.md", story("Fejl", extra="translation: false\n", body="[x](/nej/)"))
    with pytest.raises(SiteErrors) as caught:
        site.build(strict=True)
    assert any("the link '/nej/' goes to a page that does not exist" in str(e) for e in caught.value.errors)
    assert site.outputs() == before


def test_duplicate_titles_are_found(site: Site) -> None:
    site.write("content/stories/igen.da.md", story("Skolen åbner", extra="translation: false\n"))
    assert (
        "warning: content/stories/skolen.da.md:2: the title 'Skolen åbner' is also used by content/stories/igen.da.md; give each page its own title"
        in findings(site)
    )


def test_theme_links_and_hreflang_are_checked(site: Site) -> None:
    template = site.root / "themes/default/templates/page.html"
    template.write_text(template.read_text().replace("</article>", '<a href="/ingen-steder/">x</a></article>', 1))
    result = findings(site)
    assert (
        "error: output/om/index.html: '/ingen-steder/' does not exist in the site; a theme or generator problem"
        in result
    )


def test_check_command_json_and_exit_codes(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["check", "--root", str(site.root), "--build-date", "2026-11-28", "--format", "json"]
    assert main(arguments) == 0  # a warning only
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["findings"][0]["severity"] == "warning"
    assert report["findings"][0]["path"] == "content/stories/skolen.da.md"
    assert main([*arguments, "--strict"]) == 1
    capsys.readouterr()
    site.write("content/stories/fejl.da.md", story("Fejl", extra="translation: false\n", body="[x](/nej/)"))
    assert main(["check", "--root", str(site.root), "--build-date", "2026-11-28"]) == 1
    out = capsys.readouterr().out
    assert "error: content/stories/fejl.da.md:9: the link '/nej/' goes to a page that does not exist" in out
    assert "Checked " in out and "1 errors, 1 warnings" in out
    assert "output/historier/fejl/index.html" not in out  # reported once, at its line in the content


@pytest.fixture
def web() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        def do_GET(self) -> None:
            self.do_HEAD()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_external_links_only_when_asked_and_cached(site: Site, web: str) -> None:
    body = f"[god]({web}/ok) og [død]({web}/borte)"
    site.write("content/stories/ude.da.md", story("Ude", extra="translation: false\n", body=body))
    assert not any("outside link" in line for line in findings(site))
    result = findings(site, external_links=True)
    assert (
        f"error: content/stories/ude.da.md:9: the outside link {web}/borte answers 404 Not Found; fix or remove the link"
        in result
    )
    assert not any(f"{web}/ok " in line for line in result)
    cache = json.loads((site.root / ".cache/external-links.json").read_text())
    assert cache[f"{web}/borte"]["problem"] == "answers 404 Not Found"
