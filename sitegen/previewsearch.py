"""The preview's search index, kept up to date in the background.

A save re-renders pages in a fraction of a second; indexing every page for search takes far longer
(seconds at thousands of stories), so rebuilds never wait for it. After a rebuild that changed pages,
Pagefind indexes the preview folder once saving has paused for a moment; the finished bundle then
replaces `pagefind/` in the preview folder while no rebuild runs (they share a lock). A failed index
keeps the old one and says why; a save during indexing means indexing again afterwards.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

from .errors import SiteErrors
from .search import BUNDLE_FOLDER, IndexRun, index_folder

QUIET_SECONDS = 1.0  # indexing starts when no rebuild has asked for this long


class SearchRefresher:
    """Indexes the preview folder again after rebuilds, in a thread of its own."""

    def __init__(self, preview: Path, work: Path, lock: threading.Lock, quiet: float = QUIET_SECONDS) -> None:
        self.preview, self.work, self.lock, self.quiet = preview, work, lock, quiet
        self._asked = 0.0  # when the latest rebuild asked; 0: nothing to do
        self._condition = threading.Condition()
        self._run: IndexRun | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.finished = 0  # indexes published so far (for tests and messages)

    def request(self) -> None:
        """Pages changed: index them once saving pauses."""
        with self._condition:
            self._asked = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="preview-search", daemon=True)
                self._thread.start()
            self._condition.notify()

    def stop(self) -> None:
        """Stop indexing (the server stops): Pagefind is ended and its temporary folder removed."""
        with self._condition:
            self._stopped = True
            run = self._run
            self._condition.notify()
        if run is not None:
            run.cancel()

    def _loop(self) -> None:
        while self._wait_for_quiet():
            started = time.perf_counter()
            try:
                self._index()
            except SiteErrors as exc:
                print(f"search index not updated: {exc.errors[0].message}", file=sys.stderr)
            except Exception as exc:  # never let the preview's search stop the server
                print(f"search index not updated: {type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                print(f"search index updated in {time.perf_counter() - started:.2f} s", flush=True)

    def _wait_for_quiet(self) -> bool:
        """Wait until a request is `quiet` seconds old; False when stopped."""
        with self._condition:
            while not self._stopped:
                if self._asked and time.monotonic() - self._asked >= self.quiet:
                    self._asked = 0.0
                    return True
                timeout = self.quiet - (time.monotonic() - self._asked) if self._asked else None
                self._condition.wait(timeout)
            return False

    def _index(self) -> None:
        with self._condition:
            if self._stopped:
                return
            self.work.mkdir(parents=True, exist_ok=True)
            self._run = run = index_folder(self.preview, self.work)
        try:
            run.finish()
        finally:
            with self._condition:
                self._run = None
        if not self._stopped:
            self._publish(run.bundle)

    def _publish(self, bundle: Path) -> None:
        """Put the new bundle in place of the preview's, between rebuilds."""
        current = self.preview / BUNDLE_FOLDER
        retired = self.work / f"retired-{time.time_ns()}"
        with self.lock:
            if current.exists():
                current.rename(retired)
            bundle.rename(current)
            self.finished += 1
        shutil.rmtree(retired, ignore_errors=True)
