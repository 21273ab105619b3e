"""What each output was built from, with fingerprints, and so which outputs are stale.

A page's fingerprint covers everything its HTML can depend on:
- the generator itself and the packages that shape the HTML (a code change rebuilds all),
- config.yaml and the theme's strings and static file names,
- the page's template and every template it extends, includes or imports,
- the page's context: the data its template sees, including the results of the site-model
  queries it made (the stories of a town, the newest stories, translations, menus),
- for a content page, its source text; and the URL each of its .md links became (checked again
  on the next build, so a changed slug re-renders exactly the pages that link to that page).
Images a page used are recorded after rendering, with size and modification time.

Contexts never hold a body (it is added at render time), so a context is a function of the site
model alone: the generator, config, theme, build date, the content files that exist and their front
matter. The state keeps a hash of that model and of each page's context; while the model is
unchanged (no change at all, or only bodies changed) a page keeps its recorded context hash and its
context is made only if the page is rendered. The feeds, sitemap and robots.txt are kept the same way
while no content page is rendered. `tests/test_depgraph.py` guards the rule on the real site.

The state lives in .cache/, outside output/, and is replaced atomically. A missing, corrupt or
foreign state file means a full build, never a wrong one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import orjson
from jinja2 import meta

from .errors import SiteError
from .jsonfile import read_object, write_object
from .unchanged import package_versions

STATE_VERSION = 3


@dataclass(frozen=True)
class OutputRecord:
    """What one output file was built from, and how it looked on disk when written."""

    fingerprint: str
    size: int
    mtime_ns: int
    context: str = ""  # hash of the page's context (reused while the site model is unchanged)
    images: tuple[tuple[str, str, int, int], ...] = ()  # (source relative to root, path in output/, size, mtime)
    links: tuple[tuple[str, str], ...] = ()  # (.md link as written in the body, the URL it became)
    warnings: tuple[SiteError, ...] = ()  # what rendering it warned about, shown again while it is fresh


@dataclass
class BuildState:
    salt: str  # generator, config, theme
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    model: str = ""  # hash of the site model the contexts were made from (everything but the bodies)
    machine: tuple[tuple[str, int, int], ...] = ()  # the feeds, sitemap, robots.txt from that model: path, size, mtime


def hash_text(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def generator_fingerprint() -> str:
    """The generator's own code and the versions of the packages that shape its output."""
    package = Path(__file__).parent
    parts: list[str | bytes] = [p.read_bytes() for p in sorted(package.glob("*.py"))]
    return hash_text(*parts, *package_versions())


def template_closures(env: jinja2.Environment, cache: Path | None = None) -> dict[str, str]:
    """Template name -> a hash of its source and of every template it references, transitively.

    A dynamic reference (a name computed at render time) makes the closure all templates. What each
    template references is kept in `cache` by a hash of its source, so unchanged templates are not parsed.
    """
    loader = env.loader
    assert loader is not None
    names = env.list_templates()
    sources = {name: loader.get_source(env, name)[0] for name in names}
    known = read_object(cache) if cache else {}
    found_now: dict[str, list[str] | None] = {}
    references: dict[str, set[str] | None] = {}
    for name, source in sources.items():
        key = hash_text(name, source)
        if key in known and (known[key] is None or isinstance(known[key], list)):
            found_now[key] = known[key]
        else:
            found = set(meta.find_referenced_templates(env.parse(source)))
            found_now[key] = None if None in found else sorted(str(n) for n in found)
        listed = found_now[key]
        references[name] = None if listed is None else set(listed)
    if cache is not None and found_now != known:
        write_object(cache, found_now)
    everything = hash_text(*(f"{n}\n{sources[n]}" for n in sorted(sources)))
    closures = {}
    for name in names:
        seen: set[str] = set()
        pending = [name]
        dynamic = False
        while pending:
            current = pending.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            referenced = references[current]
            if referenced is None:
                dynamic = True
                break
            pending.extend(referenced)
        closures[name] = everything if dynamic else hash_text(*(f"{n}\n{sources[n]}" for n in sorted(seen)))
    return closures


def context_hash(context: dict[str, Any]) -> str:
    """A hash of what a page's template sees (without its body)."""
    return hashlib.sha256(
        orjson.dumps(context, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    ).hexdigest()


def page_fingerprint(salt: str, template_hash: str, context_digest: str, source_text: str) -> str:
    """One hash of everything a page's HTML is made from (before its images)."""
    return hash_text(salt, template_hash, context_digest, source_text)


def is_fresh(
    record: OutputRecord | None,
    fingerprint: str,
    out_dir: Path,
    output: str,
    root: Path,
    links_hold: Callable[[tuple[tuple[str, str], ...]], bool],
) -> bool:
    """True when the output on disk is exactly what this build would write."""
    if record is None or record.fingerprint != fingerprint or (record.links and not links_hold(record.links)):
        return False
    if _stat(f"{out_dir}/{output}") != (record.size, record.mtime_ns):
        return False
    return all(
        _stat(f"{root}/{source}") == (size, mtime) and os.path.isfile(f"{out_dir}/{published}")
        for source, published, size, mtime in record.images
    )


def record_for(
    fingerprint: str,
    context_digest: str,
    out_dir: Path,
    output: str,
    root: Path,
    images: list[tuple[str, str]],
    links: tuple[tuple[str, str], ...],
    warnings: tuple[SiteError, ...],
) -> OutputRecord | None:
    """The record of an output just written; `images` are (path in output/, source). None if not on disk."""
    written = _stat(out_dir / output)
    if written is None:
        return None
    image_stats = []
    for published, source in sorted(set(images)):
        found = _stat(root / source)
        if found is None:
            return None
        image_stats.append((source, published, *found))
    return OutputRecord(fingerprint, written[0], written[1], context_digest, tuple(image_stats), links, warnings)


def file_stats(out_dir: Path, names: set[str]) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of output files just written, sorted; files not on disk are left out."""
    found = ((name, _stat(f"{out_dir}/{name}")) for name in sorted(names))
    return tuple((name, stat[0], stat[1]) for name, stat in found if stat)


def unchanged_files(out_dir: Path, recorded: tuple[tuple[str, int, int], ...]) -> bool:
    """True when every recorded output file is on disk as it was written."""
    return all(_stat(f"{out_dir}/{name}") == (size, mtime) for name, size, mtime in recorded)


def _stat(path: Path | str) -> tuple[int, int] | None:
    try:
        result = os.stat(path)
    except OSError:
        return None
    return result.st_size, result.st_mtime_ns


def _record(data: dict[str, Any]) -> OutputRecord:
    """One record as saved (a JSON object); the lists are usually empty, and there are thousands of records."""
    images, links, warnings = data["images"], data["links"], data["warnings"]
    return OutputRecord(
        data["fingerprint"],
        int(data["size"]),
        int(data["mtime_ns"]),
        str(data["context"]),
        tuple((str(s), str(p), int(z), int(m)) for s, p, z, m in images) if images else (),
        tuple((str(written), str(url)) for written, url in links) if links else (),
        tuple(SiteError(**warning) for warning in warnings) if warnings else (),
    )


def load_state(path: Path, salt: str) -> BuildState | None:
    """The previous build's state, or None when there is none usable."""
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("version") != STATE_VERSION or data.get("salt") != salt:
            return None
        outputs = {name: _record(record) for name, record in data["outputs"].items()}
        return BuildState(
            salt, outputs, str(data["model"]), tuple((str(n), int(z), int(m)) for n, z, m in data["machine"])
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_state(path: Path, state: BuildState) -> None:
    """Write the state atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": STATE_VERSION,
        "salt": state.salt,
        "model": state.model,
        "machine": list(state.machine),
        "outputs": dict(sorted(state.outputs.items())),  # orjson writes dataclasses as objects
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".state-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(orjson.dumps(document))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
