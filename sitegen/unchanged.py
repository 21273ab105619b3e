"""Has anything changed since the last build? A quick check before any real work.

A build reads only the generator's code and the packages that shape its output, config.yaml, the
files under content/ and themes/, the images pages use elsewhere in the project, the build date and
the options. When all of these, and every file in output/, are exactly as the last successful build
left them (paths, sizes and modification times, as rsync compares), that build's result still
stands: nothing is loaded, rendered or written. The record is written at the end of a successful
build, with the inputs as they were when it started, so an edit made during a build is never missed.

Standard library and orjson only: the command line runs this check before the generator is imported.
Checking external links (`check --external`) asks the web, so those builds always run.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from .jsonfile import read_object, write_object
from .options import BuildOptions
from .walk import files_below

RECORD_VERSION = 1
INPUT_FOLDERS = ("content", "themes")
# Packages whose version changes what a build writes: the HTML, the images, the calendars, the search index.
OUTPUT_PACKAGES = (
    "jinja2",
    "cmarkgfm",
    "nh3",
    "selectolax",
    "babel",
    "markupsafe",
    "pillow",
    "icalendar",
    "pagefind-bin-extended",
)


def inputs_digest(options: BuildOptions) -> str:
    """A hash of everything a build reads, but for images outside content/ (see `extra_stats`)."""
    root = options.root.resolve()
    lines = [
        f"record {RECORD_VERSION}",
        _options_line(options),
        *package_versions(),
        *_listing(Path(__file__).parent, "sitegen/", suffix=".py"),
        *_stat_lines(root, ["config.yaml"]),
    ]
    for folder in INPUT_FOLDERS:
        lines.extend(_listing(root / folder, f"{folder}/"))
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def outputs_digest(out_dir: Path, stats: dict[str, tuple[int, int]] | None = None) -> str:
    """A hash of the path, size and modification time of every file in output/ (`stats`: these, known
    already, by path in order, as `output.write_output` reports them)."""
    lines = (
        _listing(out_dir, "") if stats is None else [f"{path}\t{size}\t{time}" for path, (size, time) in stats.items()]
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def record_path(options: BuildOptions) -> Path:
    """One record per output folder, in .cache/ (kept between CI runs, never published)."""
    name = hashlib.sha256(options.out_dir.as_posix().encode()).hexdigest()[:12]
    return options.root.resolve() / ".cache" / "state" / f"unchanged-{name}.json"


def extra_stats(options: BuildOptions, files: Iterable[str]) -> list[str]:
    """Size and time of the files a build read outside content/ and themes/ (images a page points to)."""
    outside = {name for name in files if not name.startswith(tuple(f"{folder}/" for folder in INPUT_FOLDERS))}
    return _stat_lines(options.root.resolve(), sorted(outside))


def save_record(
    options: BuildOptions,
    inputs: str,
    extra: list[str],
    summary: dict[str, Any],
    outputs: dict[str, tuple[int, int]] | None = None,
) -> None:
    """After a successful build: its inputs (hashed when it started), the other files it read (`extra`,
    from `extra_stats`), its output (`outputs`: its files' stats, when known) and what it reported."""
    data = {
        "version": RECORD_VERSION,
        "inputs": inputs,
        "extra": extra,
        "outputs": outputs_digest(options.out_dir, outputs),
        **summary,
    }
    write_object(record_path(options), data)


def forget(options: BuildOptions) -> None:
    """Called when a build starts: until it succeeds, the last result is not known to stand."""
    record_path(options).unlink(missing_ok=True)


def check(options: BuildOptions) -> tuple[dict[str, Any] | None, str]:
    """(the last build's summary when nothing has changed since it, else None; the inputs' hash now).

    The hash is what a build starting now records when it succeeds ('' when results are not kept:
    the preview, and builds that ask the web about outside links)."""
    if not options.reuse_unchanged or options.external_links:
        return None, ""
    inputs = inputs_digest(options)
    return _unchanged(options, inputs), inputs


def _unchanged(options: BuildOptions, inputs: str) -> dict[str, Any] | None:
    data = read_object(record_path(options))
    if data.get("version") != RECORD_VERSION or data.get("inputs") != inputs:
        return None
    journal = options.out_dir.parent / f".{options.out_dir.name}.journal"  # an interrupted commit to finish
    if journal.exists() or not options.out_dir.is_dir():
        return None
    extra = data.get("extra")
    if not isinstance(extra, list):
        return None
    names = [str(line).split("\t", 1)[0] for line in extra]
    if _stat_lines(options.root.resolve(), names) != extra or data.get("outputs") != outputs_digest(options.out_dir):
        return None
    return data


def _options_line(options: BuildOptions) -> str:
    """The options that change what a build writes (not the number of processes)."""
    return "\t".join(
        str(value)
        for value in (
            options.out_dir,
            options.drafts,
            options.strict,
            options.day().isoformat(),
            options.base_url,
            options.fingerprint,
            options.search_index,
            options.check,
        )
    )


@functools.lru_cache(maxsize=1)
def package_versions() -> tuple[str, ...]:
    """'name=version' of each output package (read once per process: the generator fingerprint needs them too)."""
    versions = []
    for name in OUTPUT_PACKAGES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return tuple(versions)


def _stat_lines(root: Path, relatives: Iterable[str]) -> list[str]:
    lines = []
    for relative in relatives:
        try:
            stat = os.stat(root / relative)
            lines.append(f"{relative}\t{stat.st_size}\t{stat.st_mtime_ns}")
        except OSError:
            lines.append(f"{relative}\tmissing")
    return lines


def _listing(folder: Path, prefix: str, suffix: str = "") -> list[str]:
    """'path<TAB>size<TAB>mtime' of every file below `folder` ending in `suffix`, sorted."""
    lines = []
    for relative, entry in files_below(folder, prefix):
        if entry.name.endswith(suffix) and "__pycache__/" not in relative:
            try:
                stat = entry.stat()  # follows a link to the file it names, as the build does
                lines.append(f"{relative}\t{stat.st_size}\t{stat.st_mtime_ns}")
            except OSError:
                lines.append(f"{relative}\tmissing")
    return lines
