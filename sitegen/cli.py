"""Command line: the only place that prints or exits.

Exit codes: 0 success, 1 content errors (each printed as file:line: message; hint), 2 usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import SiteErrors

if TYPE_CHECKING:
    from .options import BuildOptions

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "check", "serve", "new", "schemas", "deploy")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-05-01, got '{text}'") from None


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{text}'")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="build.py", description="Build the Stærke byer site from content/.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    commands = top.add_subparsers(dest="command")

    build = commands.add_parser("build", parents=[common], help="build the site into output/ (the default)")
    _build_options(build)
    build.add_argument("--strict", action="store_true", help="warnings fail the build (for CI)")

    check = commands.add_parser(
        "check", parents=[common], help="build, then check links, anchors, images and translations"
    )
    _build_options(check)
    check.add_argument("--strict", action="store_true", help="warnings (e.g. a missing translation) fail too")
    check.add_argument("--external", action="store_true", help="also check outside links (slow; cached a day)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="how to print the findings")

    serve = commands.add_parser(
        "serve", parents=[common], help="build and preview the site, rebuilding when files change"
    )
    _build_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")

    new = commands.add_parser("new", parents=[common], help="create a content file with valid front matter")
    new.add_argument("kind", choices=["story", "town", "page", "event", "campaign"])
    new.add_argument("key", help="the file name without language, e.g. nyt-havnebad")
    new.add_argument("--town", help="the town a story or event is about (its key, e.g. grindsted)")
    new.add_argument("--lang", default="da,en", help="languages to create, comma-separated (default: da,en)")

    schemas = commands.add_parser(
        "schemas", parents=[common], help="write the front-matter JSON Schemas for editors' tools"
    )
    schemas.add_argument("--out", type=Path, default=Path("schemas"), help="folder (default: schemas/)")

    from .deploy import add_arguments as deploy_arguments

    deploy_arguments(commands.add_parser("deploy", parents=[common], help="publish output/ to the CDN origin"))
    return top


def _build_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--drafts", action="store_true", help="include drafts and scheduled stories")
    command.add_argument("--jobs", type=_jobs, default=None, help="processes to render with (default: cores)")
    command.add_argument("--build-date", type=_date, default=None, help="pretend today is this date")
    loudness = command.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    loudness.add_argument("--verbose", "-v", action="store_true", help="list every file written")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help"):
        arguments.insert(0, "build")
    try:
        options = parser().parse_args(arguments)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    command = options.command
    try:
        if command == "build":
            return _build(options)
        if command == "check":
            return _check(options)
        if command == "serve":
            from .serve import serve

            return serve(options)
        if command == "deploy":
            from .deploy import run

            return run(options)
        if command == "new":
            return _new(options)
        return _schemas(options)
    except SiteErrors as exc:
        report_errors(exc, building=command in ("build", "check", "serve"))
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130


def report_errors(exc: SiteErrors, stream: TextIO | None = None, building: bool = True) -> None:
    """Every error on its own line, then (for a build) the reassurance that nothing was written."""
    out = stream or sys.stderr
    count = len(exc.errors)
    problems = f"{count} problem{'s' if count != 1 else ''} to fix"
    print(f"Build failed: {problems}" if building else f"Nothing was done: {problems}", file=out)
    for error in exc.errors:
        print(f"  {error}", file=out)
    if building:
        print("Nothing was written; output/ is as it was.", file=out)


def build_options(options: argparse.Namespace, **overrides: Any) -> BuildOptions:
    """Build settings from the command line, with `overrides` on top."""
    from .options import BuildOptions

    values: dict[str, Any] = {
        "root": options.root,
        "drafts": options.drafts,
        "strict": getattr(options, "strict", False),
        "build_date": options.build_date,
    }
    if options.jobs:
        values["jobs"] = options.jobs
    values.update(overrides)
    return BuildOptions(**values)


def _build(options: argparse.Namespace) -> int:
    from .unchanged import check

    started = time.perf_counter()
    settings = build_options(options)
    checked = check(settings)  # before the generator is imported: an unchanged build takes no time
    last = checked[0]
    if last is not None:
        from .errors import SiteError

        warnings = [SiteError(**warning) for warning in last["warnings"]]
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if not options.quiet:
            print(
                f"Nothing changed since the last build: {last['pages']} pages ({last['files']} files) kept, "
                f"{_count(len(warnings), 'warning')} in {time.perf_counter() - started:.2f} s"
            )
        return EXIT_OK

    from .pipeline import build

    with _progress(enabled=not options.quiet and sys.stderr.isatty()) as progress:
        report = build(settings, progress, checked)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if options.verbose:
        for path in report.written:
            print(f"  wrote {path}")
        for path in report.deleted:
            print(f"  deleted {path}")
    if not options.quiet:
        print(
            f"Built {report.pages} pages ({report.files} files): {len(report.rendered)} rendered, "
            f"{len(report.written)} written, "
            f"{len(report.deleted)} deleted, {_count(len(report.warnings), 'warning')} "
            f"in {report.seconds:.2f} s (images {report.image_seconds:.2f} s, search {report.search_seconds:.2f} s)"
        )
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """A status line on the terminal, shown only when the build takes longer than a second."""
    status = {"text": "building", "done": False}
    shown = threading.Event()

    def show() -> None:
        started = time.monotonic()
        frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        tick = 0
        while not status["done"]:
            if time.monotonic() - started > 1:
                shown.set()
                sys.stderr.write(f"\r{frames[tick % len(frames)]} {status['text']}…\x1b[K")
                sys.stderr.flush()
                tick += 1
            time.sleep(0.1)

    def update(text: str) -> None:
        status["text"] = text

    thread = threading.Thread(target=show, daemon=True) if enabled else None
    if thread:
        thread.start()
    try:
        yield update
    finally:
        status["done"] = True
        if thread:
            thread.join()
            if shown.is_set():
                sys.stderr.write("\r\x1b[K")


def _check(options: argparse.Namespace) -> int:
    """Build with the checks on; print the findings; 1 if any error (or, with --strict, any finding)."""
    import json

    from .checks import Finding
    from .pipeline import build

    settings = build_options(options, strict=False, check=True, external_links=options.external)
    report = build(settings)
    findings = report.findings
    errors = [f for f in findings if f.severity == "error"]
    warnings = len(findings) - len(errors) + len(report.warnings)
    failed = bool(errors) or (options.strict and warnings > 0)
    if options.format == "json":
        everything = [Finding("warning", w) for w in report.warnings] + findings
        document = {"ok": not failed, "findings": [f.as_dict() for f in everything]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for warning in report.warnings:
            print(f"warning: {warning}")
        for finding in findings:
            print(f"{finding.severity}: {finding.problem}")
        if not options.quiet:
            print(f"Checked {report.pages} pages: {len(errors)} errors, {warnings} warnings")
    return EXIT_CONTENT if failed else EXIT_OK


def _new(options: argparse.Namespace) -> int:
    from .scaffold import create

    for path in create(options.root, options.kind, options.key, options.town, options.lang.split(",")):
        print(f"created {path}")
    return EXIT_OK


def _schemas(options: argparse.Namespace) -> int:
    from .schemas import export_json_schemas

    for path in export_json_schemas(options.root / options.out):
        print(f"wrote {path}")
    return EXIT_OK
