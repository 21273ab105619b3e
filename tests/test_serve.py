"""The preview server: safe file serving, the error overlay, and live rebuilds of a real server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.serve import PreviewStatus, inject_overlay, inject_warnings, preview_app, safe_target

from .conftest import PROJECT, Site, story


@pytest.mark.parametrize(
    "path", ["/../secret", "/%2e%2e/secret", "/a/../../secret", "//etc/passwd", "/%2e%2e%2fsecret", "/a\\..\\secret"]
)
def test_paths_outside_the_preview_are_refused(tmp_path: Path, path: str) -> None:
    root = tmp_path / "preview"
    root.mkdir()
    (tmp_path / "secret").write_text("x")
    assert safe_target(root.resolve(), path) is None


def test_paths_inside_are_served(tmp_path: Path) -> None:
    assert safe_target(tmp_path, "/historier/x/") == tmp_path / "historier/x"
    assert safe_target(tmp_path, "/") == tmp_path


def test_symlink_out_of_the_preview_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "preview"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("x")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    assert safe_target(root.resolve(), "/link.txt") is None


def call(app: Any, path: str) -> tuple[str, dict[str, str], bytes]:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"], captured["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path}, start_response))
    return captured["status"], captured["headers"], body


def test_app_serves_pages_404_and_overlay(tmp_path: Path) -> None:
    (tmp_path / "historier").mkdir()
    (tmp_path / "historier/index.html").write_text("<html><head></head><body><h1>Hej</h1></body></html>")
    (tmp_path / "404.html").write_text("<html><body>Findes ikke</body></html>")
    status = PreviewStatus()
    app = preview_app(tmp_path, status)
    assert call(app, "/historier/")[0] == "200 OK"
    assert call(app, "/historier")[0].startswith("301")
    missing = call(app, "/nope/")
    assert missing[0] == "404 Not Found" and b"Findes ikke" in missing[2]
    assert call(app, "/../etc/passwd")[0] == "403 Forbidden"
    status.set(["content/stories/x.da.md:2: <b>bad</b>"])
    code, headers, body = call(app, "/historier/")
    assert code == "200 OK"
    assert b'<body><link rel="stylesheet" href="/__sitegen/overlay.css"><section id="sitegen-errors"' in body
    assert b"&lt;b&gt;bad&lt;/b&gt;" in body and b"<h1>Hej</h1>" in body
    assert headers["Cache-Control"] == "no-store"


def test_overlay_without_body_tag() -> None:
    assert inject_overlay(b"plain", ["e"]).endswith(b"plain")


def test_warnings_are_a_folded_box_unless_the_build_failed(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html><body><h1>Hej</h1></body></html>")
    (tmp_path / "style.css").write_text("h1{}")
    status = PreviewStatus()
    app = preview_app(tmp_path, status)
    status.set([], ["content/stories/a.da.md:4: the link <x> is odd; fix it"])
    body = call(app, "/")[2]
    assert b'<details id="sitegen-warnings"><summary>1 warning: the build for the real site stops on these' in body
    assert b"&lt;x&gt;" in body and b"<h1>Hej</h1>" in body
    assert call(app, "/style.css")[2] == b"h1{}"
    status.set(["content/stories/b.da.md:2: broken"])  # a failed build shows its errors only
    body = call(app, "/")[2]
    assert b"sitegen-errors" in body and b"sitegen-warnings" not in body
    status.set([], [])
    assert call(app, "/")[2] == b"<html><body><h1>Hej</h1></body></html>"
    assert inject_warnings(b"<body>x", ["a", "b"]).startswith(b'<body><link rel="stylesheet"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return str(error.read().decode("utf-8"))


def _wait_for(url: str, text: str, present: bool = True, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        try:
            page = _get(url)
            if (text in page) == present:
                return page
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url}: {'no' if present else 'still'} {text!r} after {seconds} s:\n{page[:2000]}")


@pytest.fixture
def server(site: Site) -> Iterator[tuple[Site, str]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site.root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/", "<html")
        yield site, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_edit_is_served_and_errors_are_shown_then_cleared(server: tuple[Site, str]) -> None:
    site, url = server
    page = _wait_for(url + "/historier/havnebad/", "Nyt havnebad")
    assert "livereload.js" in page
    site.write("content/stories/havnebad.da.md", story("Havnebadet er åbent", body="Ny tekst om badet."))
    _wait_for(url + "/historier/havnebad/", "Ny tekst om badet.")
    site.write("content/stories/havnebad.da.md", "---\ntitle: Nyt: havnebad\n---\n")
    broken = _wait_for(url + "/historier/havnebad/", 'id="sitegen-errors"')
    assert "content/stories/havnebad.da.md:2:" in broken and "Ny tekst om badet." in broken
    site.write("content/stories/havnebad.da.md", story("Havnebadet er åbent", body="Rettet igen."))
    _wait_for(url + "/historier/havnebad/", 'id="sitegen-errors"', present=False)
    _wait_for(url + "/historier/havnebad/", "Rettet igen.")


def test_the_sites_warnings_are_shown_and_kept_across_quick_saves(server: tuple[Site, str]) -> None:
    site, url = server
    site.write("content/stories/nyhed.da.docx", b"PK a word file")
    page = _wait_for(url + "/historier/havnebad/", 'id="sitegen-warnings"')
    assert "content/stories/nyhed.da.docx: is a word-processor file" in page
    site.write("content/stories/havnebad.da.md", story("Nyt havnebad", body="En ny linje om badet."))
    page = _wait_for(url + "/historier/havnebad/", "En ny linje om badet.")
    assert "nyhed.da.docx" in page  # a body saved by the fast path keeps the other files' warnings
    (site.root / "content/stories/nyhed.da.docx").unlink()
    _wait_for(url + "/historier/havnebad/", 'id="sitegen-warnings"', present=False)


def test_the_search_index_follows_saves(server: tuple[Site, str]) -> None:
    site, url = server

    def danish_pages() -> int:
        return int(json.loads(_get(url + "/pagefind/pagefind-entry.json"))["languages"]["da"]["page_count"])

    before = danish_pages()
    site.write("content/stories/vandresti.da.md", story("Ny vandresti langs åen", town_key="billund"))
    _wait_for(url + "/historier/vandresti/", "Ny vandresti langs åen")
    deadline = time.monotonic() + 30
    while danish_pages() != before + 1:
        assert time.monotonic() < deadline, "the search index did not follow the new story"
        time.sleep(0.2)


def test_drafts_are_shown_with_a_badge(server: tuple[Site, str]) -> None:
    site, url = server
    site.write("content/stories/kladde.da.md", story("Kladden", extra="draft: true\n"))
    page = _wait_for(url + "/historier/kladde/", "Kladden")
    assert "Kladde" in page and "ikke offentliggjort" in page


def test_busy_port_is_a_clear_message(site: Site) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site.root), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert f"Port {port} is in use" in done.stderr and "Traceback" not in done.stderr
