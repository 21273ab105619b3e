"""Preview server: build into .cache/preview, serve it on loopback, rebuild and reload on every change.

- livereload serves the pages and tells open browsers to reload; a change to a stylesheet
  refreshes the CSS in place (the preview build does not fingerprint static files).
- watchfiles reports changes as they happen (inotify), so a save reaches the browser at once.
- A failed rebuild keeps the last good site and shows the errors over every page until fixed;
  a crash inside a rebuild never stops the server. Ctrl-C stops it.
- The search index is made again in the background after saves (`previewsearch.py`): rebuilds
  never wait for it.
- The warnings of the site as it is now (CI's strict build stops on them) are listed in a small
  folded box in a corner of every page, so an editor sees them without reading the terminal.
- Only files inside the preview folder are ever served.
"""

from __future__ import annotations

import argparse
import html
import mimetypes
import posixpath
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .errors import SiteError, SiteErrors, display_path

WATCHED = ("content", "themes", "config.yaml")
OVERLAY_CSS = "/__sitegen/overlay.css"
_OVERLAY_STYLE = b"""#sitegen-errors{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:80vh;overflow:auto;
margin:0;padding:1.25rem 1.5rem;background:#3b0a0a;color:#fff;font:15px/1.5 ui-monospace,monospace;
border-bottom:6px solid #ff5c5c;box-shadow:0 8px 30px rgba(0,0,0,.5)}
#sitegen-errors h2{margin:0 0 .5rem;font:700 18px/1.3 system-ui,sans-serif;color:#ffd6d6}
#sitegen-errors li{margin:.25rem 0;white-space:pre-wrap}#sitegen-errors p{margin:.5rem 0 0;color:#ffd6d6}
#sitegen-warnings{position:fixed;right:1rem;bottom:1rem;z-index:2147483646;max-width:min(44rem,calc(100vw - 2rem));
max-height:60vh;overflow:auto;padding:.5rem 1rem;background:#2e2100;color:#fff;font:14px/1.5 ui-monospace,monospace;
border-left:6px solid #ffb000;box-shadow:0 8px 30px rgba(0,0,0,.5)}
#sitegen-warnings summary{cursor:pointer;font:700 15px/1.4 system-ui,sans-serif;color:#ffe7a8}
#sitegen-warnings li{margin:.25rem 0;white-space:pre-wrap}
"""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class PreviewStatus:
    """The outcome of the latest rebuild, shared between the watcher thread and the server: its errors,
    or the warnings of the site it left."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set(self, errors: list[str], warnings: Iterable[str] | None = None) -> None:
        """A failed rebuild (errors) keeps the warnings shown before; a good one replaces them."""
        with self.lock:
            self.errors = list(errors)
            if warnings is not None:
                self.warnings = list(warnings)

    def get(self) -> list[str]:
        with self.lock:
            return list(self.errors)

    def get_warnings(self) -> list[str]:
        with self.lock:
            return list(self.warnings)


def safe_target(root: Path, url_path: str) -> Path | None:
    """The file for a URL path inside `root`, or None for anything that would leave it."""
    decoded = unquote(url_path)
    if "\0" in decoded or "\\" in decoded or decoded.startswith("//") or ".." in decoded.split("/"):
        return None
    target = (root / posixpath.normpath(decoded).lstrip("/")).resolve()
    return target if target == root or target.is_relative_to(root) else None


def preview_app(root: Path, status: PreviewStatus) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI app serving the preview folder, with the error overlay on HTML while a build is failing
    (else the site's warnings)."""
    root = root.resolve()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == OVERLAY_CSS:
            return _respond(start_response, "200 OK", "text/css; charset=utf-8", _OVERLAY_STYLE)
        target = safe_target(root, path)
        if target is None:
            return _respond(start_response, "403 Forbidden", "text/plain; charset=utf-8", b"Forbidden\n")
        if target.is_dir():
            if not path.endswith("/"):
                start_response("301 Moved Permanently", [("Location", path + "/"), ("Content-Length", "0")])
                return [b""]
            target = target / "index.html"
        code = "200 OK"
        if not target.is_file():
            code = "404 Not Found"
            target = root / ("en/404.html" if path.startswith("/en/") else "404.html")
            if not target.is_file():
                return _respond(start_response, code, "text/plain; charset=utf-8", b"Not found\n")
        body = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/xml"):
            content_type += "; charset=utf-8"
        if target.suffix == ".html":
            errors = status.get()
            if errors:
                body = inject_overlay(body, errors)
            elif warnings := status.get_warnings():
                body = inject_warnings(body, warnings)
        return _respond(start_response, code, content_type, body)

    return app


def inject_overlay(page: bytes, errors: list[str]) -> bytes:
    """Put the list of build errors at the top of a page, escaped, as the first thing in <body>."""
    overlay = (
        f'<link rel="stylesheet" href="{OVERLAY_CSS}"><section id="sitegen-errors" role="alert">'
        f"<h2>Build failed: {len(errors)} problem{'s' if len(errors) != 1 else ''} to fix</h2>{_items(errors)}"
        "<p>The page below is the last version that built. It updates when the problem is fixed.</p></section>"
    )
    return _at_body_start(page, overlay)


def inject_warnings(page: bytes, warnings: list[str]) -> bytes:
    """Put the site's warnings in a folded box in a corner of a page (opened with a click)."""
    count = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    box = (
        f'<link rel="stylesheet" href="{OVERLAY_CSS}"><details id="sitegen-warnings">'
        f"<summary>{count}: the build for the real site stops on these; fix them before you publish</summary>"
        f"{_items(warnings)}</details>"
    )
    return _at_body_start(page, box)


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def _at_body_start(page: bytes, markup: str) -> bytes:
    start = page.find(b"<body")
    end = page.find(b">", start) if start >= 0 else -1
    inserted = markup.encode()
    return page[: end + 1] + inserted + page[end + 1 :] if end >= 0 else inserted + page


def _respond(start_response: StartResponse, code: str, content_type: str, body: bytes) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
    start_response(code, headers)
    return [body]


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(options: argparse.Namespace) -> int:
    """Run the preview until Ctrl-C; returns the exit code."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher
    from tornado import ioloop

    from .cli import build_options, report_errors
    from .parallel import collection_paused
    from .pipeline import build
    from .previewsearch import SearchRefresher
    from .quick import Session, quick_rebuild

    root: Path = options.root.resolve()
    preview = root / ".cache" / "preview"
    url = f"http://{options.host}:{options.port}/"
    settings = build_options(
        options, drafts=True, output=preview, root=root, base_url=url, fingerprint=False, reuse_unchanged=False
    )  # a full first build: its session is what the fast path works from
    status = PreviewStatus()
    building = threading.Lock()  # a rebuild, or the search index taking its new place in the preview
    search = SearchRefresher(preview, root / ".cache" / "preview-search", building)

    session: Session | None = None  # the last good full build, for the fast path
    broken: set[Path] = set()  # files the fast path last found broken: checked again on every save
    site_warnings: list[SiteError] = []  # of the site as the last good rebuild left it

    def rebuild(changed: set[Path] | None = None) -> None:
        """A fast re-render of body-only edits when possible, else the full incremental build."""
        with building, collection_paused():  # see parallel.py: collections cost most here
            rendered = _rebuild(changed)
        if rendered and changed is not None:
            search.request()

    def _rebuild(changed: set[Path] | None) -> list[str]:
        """The pages rendered (none when the build failed)."""
        nonlocal settings, session, broken, site_warnings
        started = time.perf_counter()
        try:
            quick = quick_rebuild(session, changed | broken) if session and changed is not None else None
            if quick is not None:
                edited = {display_path(path, root) for path in changed | broken} if changed else set()
                broken = set()
                rendered, written, warnings = quick.rendered, quick.written, quick.warnings
                site_warnings = sorted({*(w for w in site_warnings if w.path not in edited), *warnings})
            else:
                session = None  # until this build succeeds, the fast path has nothing to stand on
                report = build(settings)
                settings = replace(settings, search_index=False)  # later saves keep this first search index
                session, broken = report.session, set()
                rendered, written, warnings = report.rendered, report.written, report.warnings
                site_warnings = list(warnings)
        except SiteErrors as exc:
            if session is not None and changed is not None:
                broken |= changed
            report_errors(exc)
            status.set([str(error) for error in exc.errors])
            return []
        except Exception as exc:  # a crash inside a rebuild never stops the server
            session = None
            print(f"internal error while building: {type(exc).__name__}: {exc}", file=sys.stderr)
            status.set([f"internal error while building: {type(exc).__name__}: {exc}"])
            return []
        status.set([], [str(warning) for warning in site_warnings])
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        seconds = time.perf_counter() - started
        print(f"rebuilt: {len(rendered)} pages rendered, {len(written)} files written in {seconds:.2f} s")
        return rendered

    class ChangeWatcher(Watcher):  # type: ignore[misc]
        """Rebuild on each batch of changes, then tell the browsers (CSS only when only CSS changed)."""

        def start(self, callback: Callable[[], None]) -> bool:
            loop = ioloop.IOLoop.current()
            threading.Thread(target=self._run, args=(loop,), daemon=True).start()
            return True

        def _run(self, loop: ioloop.IOLoop) -> None:
            from watchfiles import watch

            paths = [str(root / name) for name in WATCHED if (root / name).exists()]
            for changes in watch(*paths, debounce=50, step=20, rust_timeout=0, yield_on_timeout=False):
                rebuild({Path(path) for _, path in changes})
                changed = sorted({path for _, path in changes})
                only_css = all(path.endswith(".css") for path in changed) and not status.get()
                target = Path(changed[0]).name if only_css and len(changed) == 1 else "*"
                loop.add_callback(LiveReloadHandler.reload_waiters, target)

    if not _port_is_free(options.host, options.port):
        print(f"Port {options.port} is in use; try: ./dev serve --port {options.port + 1}", file=sys.stderr)
        return 2
    rebuild()
    server = Server(app=preview_app(preview, status), watcher=ChangeWatcher())
    print(f"Preview on {url} (drafts shown). Press Ctrl-C to stop.", flush=True)
    try:
        server.serve(host=options.host, port=options.port, open_url_delay=None, restart_delay=0)
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        search.stop()
    return 0
