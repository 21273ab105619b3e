#!/usr/bin/env python3
"""Build speed of sitegen on generated corpora, side by side with Hugo, Eleventy, Jekyll and Pelican.

For each corpus size (made by ../shared/bench/make_corpus.py) it prints:
  1. cold full build (no output/, no .cache/)            } timed by ../shared/bench/peers.sh with hyperfine,
  2. no-change rebuild                                    } together with the four peers, in the same run
  3. one story body edited, then one story title edited (.cache/ kept, as CI with a cache would)
  4. preview server: time from saving a story to the livereload "reload" message, median of N edits
and a table of ratios ours/peer. Only ratios measured in one run mean anything on a shared machine.

Usage: ./dev setup && .venv/bin/python bench/build_speed.py [--count 1000 --count 4000] [--runs 5]
       [--peers hugo,jekyll,eleventy,pelican | --peers none] [--work .bench-work] [--edits 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SHARED_BENCH = PROJECT.parent / "shared" / "bench"
PROJECT_FILES = ("build.py", "config.yaml", "sitegen", "themes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, action="append", help="stories per corpus (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--edits", type=int, default=20, help="saves timed against the preview server")
    parser.add_argument("--peers", default="hugo,jekyll,eleventy,pelican", help="peers for peers.sh, or none")
    parser.add_argument("--work", type=Path, default=PROJECT / ".bench-work")
    parser.add_argument("--shared-bench", type=Path, default=SHARED_BENCH, help="folder of make_corpus.py, peers.sh")
    options = parser.parse_args()
    counts = options.count or [1000, 4000]
    work = options.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    stage = _stage_project(work)

    peers: dict[str, object] = {}
    if options.peers != "none":
        peers = _run_peers(options, counts, work, stage)
    ours_rows = []
    for count in counts:
        site = work / f"incremental-{count}"
        _make_site(options.shared_bench, stage, site, count)
        row = {"n": count, **_incremental(site, options.runs), **_preview_latency(site, options.edits)}
        ours_rows.append(row)
        print(json.dumps(row), flush=True)
    _print_tables(ours_rows, peers)
    (work / "build_speed.json").write_text(json.dumps({"ours": ours_rows, "peers": peers}, indent=2))
    return 0


# The corpus's tags that config.yaml does not already know (kultur, natur, erhverv and fritid are the
# Danish labels of its topics), configured as an editor would: else every story warns about them.
CORPUS_TOPICS = {
    "sport": ("Sport", "Sport"),
    "skole": ("Skole", "School"),
    "trafik": ("Trafik", "Traffic"),
    "kommune": ("Kommune", "Municipality"),
    "byggeri": ("Byggeri", "Building"),
    "sundhed": ("Sundhed", "Health"),
    "musik": ("Musik", "Music"),
    "foreninger": ("Foreninger", "Clubs"),
    "turisme": ("Turisme", "Tourism"),
    "boliger": ("Boliger", "Homes"),
    "jul": ("Jul", "Christmas"),
}


def _stage_project(work: Path) -> Path:
    """A copy of just the generator and theme (no virtual environment, content or caches), with the
    corpus's topics added to config.yaml."""
    stage = work / "project"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, stage / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, stage / name)
    config = stage / "config.yaml"
    topics = "".join(f'  {key}: {{da: "{da}", en: "{en}"}}\n' for key, (da, en) in CORPUS_TOPICS.items())
    config.write_text(config.read_text(encoding="utf-8").replace("\ntopics:\n", f"\ntopics:\n{topics}", 1), "utf-8")
    return stage


def _make_site(shared: Path, stage: Path, site: Path, count: int) -> None:
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(stage, site)
    make = [sys.executable, str(shared / "make_corpus.py"), "--count", str(count), "--out", str(site)]
    subprocess.run([*make, "--format", "sitegen"], check=True)


SUMMARY = re.compile(r"\(images ([0-9.]+) s, search ([0-9.]+) s\)")


def _build(site: Path) -> float:
    return _timed_build(site)[0]


def _timed_build(site: Path) -> tuple[float, float, float]:
    """Seconds of one build, and of its image step and search index (from the summary line)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "build.py", "build"],
        cwd=site,
        check=True,
        stderr=subprocess.DEVNULL,
        capture_output=False,
        stdout=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - started
    found = SUMMARY.search(done.stdout)
    return (elapsed, float(found.group(1)), float(found.group(2))) if found else (elapsed, 0.0, 0.0)


def _incremental(site: Path, runs: int) -> dict[str, float]:
    """A cold build split into images, search index and the rest; then median times of a body edit and
    a title edit, each followed by a build with .cache/ kept (and the search index's part of the body edit)."""
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    cold, cold_images, cold_search = _timed_build(site)
    _build(site)
    story = sorted((site / "content" / "stories").glob("*.da.md"))[
        len(list((site / "content" / "stories").glob("*.da.md"))) // 2
    ]
    original = story.read_text(encoding="utf-8")
    body, body_search, title = [], [], []
    try:
        for run in range(runs):
            story.write_text(original + f"\nEt nyt afsnit nummer {run}.\n", encoding="utf-8")
            elapsed, _images, search = _timed_build(site)
            body.append(elapsed)
            body_search.append(search)
            story.write_text(original.replace('title: "', f'title: "Ny {run}: ', 1), encoding="utf-8")
            title.append(_build(site))
    finally:
        story.write_text(original, encoding="utf-8")
    return {
        "cold_s": cold,
        "cold_images_s": cold_images,
        "cold_search_s": cold_search,
        "body_edit_median_s": statistics.median(body),
        "body_edit_search_median_s": statistics.median(body_search),
        "title_edit_median_s": statistics.median(title),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _preview_latency(site: Path, edits: int) -> dict[str, float]:
    """Median seconds from writing a story to the server's reload message, over `edits` saves."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        latencies = asyncio.run(_measure_reloads(site, port, edits))
        title_latencies = asyncio.run(_measure_reloads(site, port, max(3, edits // 4), title=True))
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        "save_to_reload_median_s": statistics.median(latencies),
        "save_to_reload_max_s": max(latencies),
        "title_save_to_reload_median_s": statistics.median(title_latencies),
    }


async def _measure_reloads(site: Path, port: int, edits: int, title: bool = False) -> list[float]:
    """Seconds from saving a story (its body, or with `title` its title) to the reload message."""
    from tornado.websocket import websocket_connect

    deadline = time.monotonic() + 120
    while True:  # the first (cold) preview build runs before the server listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await connection.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    await connection.read_message()
    await connection.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/", "plugins": {}}))
    while True:  # let a rebuild still running from an earlier save finish and report first
        try:
            await asyncio.wait_for(connection.read_message(), timeout=3)
        except TimeoutError:
            break
    story = sorted((site / "content" / "stories").glob("*.da.md"))[0]
    original = story.read_text(encoding="utf-8")
    latencies = []
    try:
        for edit in range(edits):
            await asyncio.sleep(0.3)
            edited = original.replace('title: "', f'title: "Rettet {edit}: ', 1) if title else original
            story.write_text(edited + f"\nRettelse {edit}.\n", encoding="utf-8")
            saved = time.perf_counter()
            while True:
                message = await asyncio.wait_for(connection.read_message(), timeout=30)
                if message and json.loads(message).get("command") == "reload":
                    break
            latencies.append(time.perf_counter() - saved)
    finally:
        story.write_text(original, encoding="utf-8")
        connection.close()
    return latencies


def _run_peers(options: argparse.Namespace, counts: list[int], work: Path, stage: Path) -> dict[str, object]:
    command = [
        "bash",
        str(options.shared_bench / "peers.sh"),
        "--work",
        str(work / "peers"),
        "--runs",
        str(options.runs),
    ]
    for count in counts:
        command += ["--count", str(count)]
    command += ["--peers", options.peers, "--project", str(stage), "--ours", f"{sys.executable} build.py build -q"]
    subprocess.run(command, check=True)
    return dict(json.loads((work / "peers" / "peers.json").read_text()))


def _print_tables(ours: list[dict[str, float]], peers: dict[str, object]) -> None:
    print("\nsitegen, where a cold build goes (one run, seconds; images and search index run at the same time)")
    print(f"{'N':>6}  {'cold':>8}  {'images':>8}  {'search':>8}  {'the rest':>8}")
    for row in ours:
        rest = row["cold_s"] - max(row["cold_images_s"], row["cold_search_s"])
        print(
            f"{int(row['n']):>6}  {row['cold_s']:>8.3f}  {row['cold_images_s']:>8.3f}  {row['cold_search_s']:>8.3f}  "
            f"{rest:>8.3f}"
        )
    print("\nsitegen, incremental and preview (medians, seconds)")
    print(
        f"{'N':>6}  {'body edit':>10}  {'(search)':>9}  {'title edit':>10}  {'save->reload':>12}  {'(max)':>7}  "
        f"{'title save->reload':>18}"
    )
    for row in ours:
        print(
            f"{int(row['n']):>6}  {row['body_edit_median_s']:>10.3f}  {row['body_edit_search_median_s']:>9.3f}  "
            f"{row['title_edit_median_s']:>10.3f}  {row['save_to_reload_median_s']:>12.3f}  "
            f"{row['save_to_reload_max_s']:>7.3f}  {row['title_save_to_reload_median_s']:>18.3f}"
        )
    rows = peers.get("results") if isinstance(peers, dict) else None
    if not isinstance(rows, list):
        return
    print("\nagainst the peers (same run; ratio below 1: ours is faster)")
    print(
        f"{'tool':<9} {'N':>6}  {'cold':>8}  {'no-change':>9}  {'ours/cold':>9}  {'ours/no-ch':>10}  "
        f"{'ours edit/peer cold':>19}"
    )
    edits = {int(row["n"]): row["body_edit_median_s"] for row in ours}
    for row in rows:
        tool, n = row["tool"], int(row["n"])
        line = f"{tool:<9} {n:>6}  {row['cold_median_s']:>8.3f}  {row['nochange_median_s']:>9.3f}"
        if tool != "ours":
            line += f"  {row.get('ours_over_peer_cold', 0):>9.2f}  {row.get('ours_over_peer_nochange', 0):>10.2f}"
            if n in edits:
                line += f"  {edits[n] / row['cold_median_s']:>19.2f}"
        print(line)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
