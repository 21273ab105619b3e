"""The preview's search index: made again in the background after saves, published between rebuilds."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sitegen import previewsearch, search
from sitegen.errors import SiteError, SiteErrors
from sitegen.previewsearch import SearchRefresher


def page(title: str, text: str, lang: str = "da") -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><title>{title}</title></head>'
        f"<body><nav>Menu</nav><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></body></html>"
    )


def page_count(preview: Path, lang: str = "da") -> int:
    entry = json.loads((preview / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    return int(entry["languages"][lang]["page_count"])


def wait_until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def preview(tmp_path: Path) -> Path:
    folder = tmp_path / "preview"
    (folder / "historier" / "havnebad").mkdir(parents=True)
    (folder / "historier" / "havnebad" / "index.html").write_text(page("Havnebad", "Badet er åbent."), "utf-8")
    return folder


def test_saves_make_the_index_again_once_saving_pauses(preview: Path, tmp_path: Path) -> None:
    lock = threading.Lock()
    refresher = SearchRefresher(preview, tmp_path / "work", lock, quiet=0.2)
    try:
        refresher.request()
        wait_until(lambda: refresher.finished == 1)
        assert page_count(preview) == 1
        old_files = set((preview / "pagefind").rglob("*"))
        (preview / "historier" / "skolen").mkdir()
        (preview / "historier" / "skolen" / "index.html").write_text(page("Skolen", "Ny skole i byen."), "utf-8")
        for _ in range(3):  # several saves in a row: indexed once, after the last
            refresher.request()
            time.sleep(0.05)
        wait_until(lambda: refresher.finished == 2)
        assert page_count(preview) == 2
        assert old_files - set((preview / "pagefind").rglob("*")), "the old bundle's files are gone"
        assert not list((tmp_path / "work").glob("retired-*")) and not list((tmp_path / "work").glob("tmp-*"))
        time.sleep(0.5)
        assert refresher.finished == 2
    finally:
        refresher.stop()


def test_the_new_index_waits_for_a_rebuild_to_finish(preview: Path, tmp_path: Path) -> None:
    lock = threading.Lock()
    refresher = SearchRefresher(preview, tmp_path / "work", lock, quiet=0.1)
    try:
        with lock:  # a rebuild is writing the preview
            refresher.request()
            time.sleep(3)
            assert refresher.finished == 0 and not (preview / "pagefind").exists()
        wait_until(lambda: refresher.finished == 1)
    finally:
        refresher.stop()


def test_a_failed_index_keeps_the_old_one_and_the_refresher_goes_on(
    preview: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    refresher = SearchRefresher(preview, tmp_path / "work", threading.Lock(), quiet=0.1)
    real = previewsearch.index_folder
    try:
        refresher.request()
        wait_until(lambda: refresher.finished == 1)

        def broken(site: Path, work: Path) -> None:
            raise SiteErrors([SiteError("pagefind", 0, "indexing the pages for search failed: disk full", "")])

        monkeypatch.setattr(previewsearch, "index_folder", broken)
        refresher.request()
        wait_until(lambda: "search index not updated" in capsys.readouterr().err)
        assert page_count(preview) == 1
        monkeypatch.setattr(previewsearch, "index_folder", real)
        refresher.request()
        wait_until(lambda: refresher.finished == 2)
    finally:
        refresher.stop()


def test_the_preview_indexes_at_a_low_priority(preview: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands: list[list[str]] = []
    real = subprocess.Popen

    def recording(command: list[str], **options: Any) -> Any:
        commands.append(command)
        return real(command, **options)

    monkeypatch.setattr(subprocess, "Popen", recording)
    run = search.index_folder(preview, tmp_path / "work")
    run.finish()
    assert (run.bundle / "pagefind-entry.json").is_file()
    assert Path(commands[0][0]).name == "nice" and commands[0][1:3] == ["-n", "10"]
    assert Path(commands[0][3]).name.startswith("pagefind")
