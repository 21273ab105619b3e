"""Writing output/: only changed bytes, atomically, pruning the rest, never outside the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import SiteErrors
from sitegen.output import write_output


def test_writes_only_what_changed_and_prunes(tmp_path: Path) -> None:
    out = tmp_path / "output"
    report = write_output(out, {"a/index.html": b"A", "b.txt": b"B"})
    assert report.written == ["a/index.html", "b.txt"]
    before = (out / "b.txt").stat().st_mtime_ns
    report = write_output(out, {"a/index.html": b"A2", "b.txt": b"B"})
    assert report.written == ["a/index.html"] and report.unchanged == 1
    assert (out / "b.txt").stat().st_mtime_ns == before
    report = write_output(out, {"b.txt": b"B"})
    assert report.deleted == ["a/index.html"]
    assert not (out / "a").exists()
    assert not list(out.glob(".tmp-*"))


def test_copies_files_given_as_paths(tmp_path: Path) -> None:
    source = tmp_path / "logo.svg"
    source.write_bytes(b"<svg/>")
    write_output(tmp_path / "output", {"static/logo.svg": source})
    assert (tmp_path / "output/static/logo.svg").read_bytes() == b"<svg/>"


def test_a_folder_may_replace_a_file_and_back(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, {"x": b"file"})
    write_output(out, {"x/index.html": b"page"})
    assert (out / "x/index.html").read_bytes() == b"page"
    write_output(out, {"x": b"file again"})
    assert (out / "x").read_bytes() == b"file again"


@pytest.mark.parametrize("path", ["../evil", "/etc/passwd", "a/../../b", "a\\b", "./a", "a//b"])
def test_refuses_paths_outside_output(tmp_path: Path, path: str) -> None:
    with pytest.raises(SiteErrors, match="would be written outside output/"):
        write_output(tmp_path / "output", {path: b"x"})
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())
    assert not (tmp_path / "evil").exists()
