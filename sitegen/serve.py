"""Preview server: build into .cache/preview, serve it on loopback, rebuild and reload on every change.

A failed rebuild keeps the last good site and prints the errors; the server keeps running.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from .errors import SiteErrors

WATCHED = ("content", "themes", "config.yaml")


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(options: argparse.Namespace) -> int:
    from livereload import Server

    from .cli import build_options, report_errors
    from .pipeline import build

    root: Path = options.root.resolve()
    preview = root / ".cache" / "preview"
    url = f"http://{options.host}:{options.port}/"
    settings = build_options(options, drafts=True, output=preview, root=root, base_url=url)

    def rebuild() -> None:
        try:
            report = build(settings)
        except SiteErrors as exc:
            report_errors(exc)
            return
        except Exception as exc:  # a crash inside a rebuild never stops the server
            print(f"internal error while building: {type(exc).__name__}: {exc}", file=sys.stderr)
            return
        print(f"rebuilt: {len(report.written)} files changed in {report.seconds:.2f} s")

    if not _port_is_free(options.host, options.port):
        print(f"Port {options.port} is in use; try: ./dev serve --port {options.port + 1}", file=sys.stderr)
        return 2
    rebuild()
    server = Server()
    for name in WATCHED:
        server.watch(str(root / name), rebuild, delay=0.2)
    print(f"Preview on {url} (drafts shown). Press Ctrl-C to stop.")
    server.serve(host=options.host, port=options.port, root=str(preview), open_url_delay=None)
    return 0
