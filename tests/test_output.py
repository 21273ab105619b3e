"""Writing output/: only changed bytes, atomically, pruning the rest, never outside the folder;
cached files as hard links."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sitegen import output
from sitegen.errors import SiteErrors
from sitegen.imaging import _write
from sitegen.output import CachedFile, write_output
from sitegen.unchanged import outputs_digest


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
    """A plain Path (a theme file, an SVG from content/) is the author's file, saved in place by editors: copied."""
    source = tmp_path / "logo.svg"
    source.write_bytes(b"<svg/>")
    write_output(tmp_path / "output", {"static/logo.svg": source})
    published = tmp_path / "output/static/logo.svg"
    assert published.read_bytes() == b"<svg/>" and not os.path.samefile(published, source)
    assert write_output(tmp_path / "output", {"static/logo.svg": source}).written == []


def cached(tmp_path: Path, name: str, data: bytes) -> CachedFile:
    """A file in the cache, written the way the generator writes one (a new file renamed into place)."""
    path = tmp_path / ".cache" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, data)
    return CachedFile(path)


def test_a_cached_file_is_linked_and_then_recognised_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = cached(tmp_path, "card.jpg", b"card")
    out = tmp_path / "output"
    assert write_output(out, {"media/card.jpg": card}).written == ["media/card.jpg"]
    assert os.path.samefile(out / "media/card.jpg", card) and (out / "media/card.jpg").stat().st_mode & 0o777 == 0o644
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    assert write_output(out, {"media/card.jpg": card}).unchanged == 1


def test_a_cached_file_is_copied_when_no_link_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def cross_device(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(output.os, "link", cross_device)
    card = cached(tmp_path, "card.jpg", b"card")
    out = tmp_path / "output"
    write_output(out, {"media/card.jpg": card})
    published = out / "media/card.jpg"
    assert published.read_bytes() == b"card" and not os.path.samefile(published, card)
    assert published.stat().st_mtime_ns == card.stat().st_mtime_ns
    assert write_output(out, {"media/card.jpg": card}).written == []


def test_rewriting_a_cached_file_leaves_the_published_one_alone(tmp_path: Path) -> None:
    card = cached(tmp_path, "card.jpg", b"old card")
    out = tmp_path / "output"
    write_output(out, {"media/card.jpg": card})
    cached(tmp_path, "card.jpg", b"new card")  # the cache is made again: a new file, renamed over the old one
    assert (out / "media/card.jpg").read_bytes() == b"old card"
    assert write_output(out, {"media/card.jpg": card}).written == ["media/card.jpg"]
    assert (out / "media/card.jpg").read_bytes() == b"new card" and os.path.samefile(out / "media/card.jpg", card)


def test_the_same_bytes_from_a_new_cached_file_are_not_written_again(tmp_path: Path) -> None:
    """A cache made again (Pagefind ran again, .cache/ was deleted) with the same bytes: nothing is staged."""
    out = tmp_path / "output"
    write_output(out, {"pagefind/a.pf": cached(tmp_path, "old/a.pf", b"index")})
    new = cached(tmp_path, "new/a.pf", b"index")
    assert write_output(out, {"pagefind/a.pf": new}).written == []
    assert write_output(out, {"pagefind/a.pf": new}).unchanged == 1
    assert (tmp_path / ".cache/old/a.pf").read_bytes() == b"index"


def test_a_temporary_link_left_by_a_killed_build_is_replaced_not_written_into(tmp_path: Path) -> None:
    card = cached(tmp_path, "card.jpg", b"card")
    out = tmp_path / "output"
    (out / "media").mkdir(parents=True)
    os.link(card, out / "media/card.jpg.sitegen-tmp")  # staged, then the build was killed before its journal
    write_output(out, {"media/card.jpg": b"other bytes"})
    assert card.read_bytes() == b"card" and (out / "media/card.jpg").read_bytes() == b"other bytes"
    assert not (out / "media/card.jpg.sitegen-tmp").exists()


def test_each_folder_is_made_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    out.mkdir()
    made: list[str] = []
    mkdir = os.mkdir

    def counting(path: str | Path, *args: int) -> None:
        made.append(Path(path).relative_to(out).as_posix())
        mkdir(path, *args)

    monkeypatch.setattr(output.os, "mkdir", counting)
    files: dict[str, output.Content] = {f"a/b/{n}.html": b"x" for n in range(5)}
    write_output(out, {**files, "a/c.html": b"y", "d/e/f.html": b"z"})
    assert sorted(made) == [".", "a", "a/b", "d", "d/e"]  # output/ itself, then each folder once


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


def test_deleting_files_removes_the_folders_they_leave_empty(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, {"a/b/c/index.html": b"1", "a/b/keep.html": b"2", "x/index.html": b"3", "y/.keep": b""})
    (out / "empty").mkdir()  # a folder no build wrote: left alone
    report = write_output(out, {"a/b/keep.html": b"2", "y/.keep": b""})
    assert sorted(report.deleted) == ["a/b/c/index.html", "x/index.html"]
    assert not (out / "a/b/c").exists() and not (out / "x").exists()
    assert (out / "a/b/keep.html").is_file() and (out / "empty").is_dir()


def test_the_files_after_a_write_are_reported_as_a_walk_would_find_them(tmp_path: Path) -> None:
    out = tmp_path / "output"
    cached = CachedFile(tmp_path / "card.jpg")
    cached.write_bytes(b"jpeg")
    first = write_output(out, {"index.html": b"<p>1</p>", "a/b.html": b"b", "old.html": b"old", "card.jpg": cached})
    assert first.stats == _walked(out)
    (out / "a" / "c.html.sitegen-tmp").write_bytes(b"left by a killed build")
    files = {"index.html": b"<p>2</p>", "a/b.html": b"b", "new/page.html": b"new", "card.jpg": cached}
    second = write_output(out, files)
    assert second.stats == _walked(out) and set(second.stats) == set(files)
    assert outputs_digest(out, second.stats) == outputs_digest(out)
    assert write_output(out, {"x.html": b"x"}, prune=False).stats is None


def _walked(out: Path) -> dict[str, tuple[int, int]]:
    found = sorted(path for path in out.rglob("*") if path.is_file())
    return {path.relative_to(out).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns) for path in found}
