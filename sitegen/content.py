"""Walk `content/`, split front matter keeping line numbers, and validate it against its schema."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .blocks import field_name
from .errors import SiteError, SiteErrors, display_path, raise_if_any
from .fields import AUDIENCE_ALIASES
from .schemas import SCHEMAS, FrontMatter, errors_from_validation
from .sourcecache import read_cache, write_cache
from .text import slugify
from .walk import files_below
from .yamlfile import Location, ParsedYaml, YamlSyntaxError, parse_yaml, without_thousands_separator

MAX_FILE_BYTES = 2_000_000
FENCE = "---"
COMMON_LANGUAGE_MISTAKES = {"dk": "da", "uk": "en", "gb": "en", "us": "en"}
START_HINT = "start the file with a line '---', then the fields (title: ...), then another '---'"
DATA_FOLDER = "data"  # content/data/: the charts' CSV and YAML files, not pages
# Files an editor may mean as a page that the site cannot read: named in a warning, never silently left out.
MARKDOWN_LOOKALIKES = (".markdown", ".mdown", ".mkd", ".mkdn", ".txt", ".text")
WORD_PROCESSOR_FILES = (".docx", ".doc", ".odt", ".rtf", ".pages")
WEB_PAGES = (".html", ".htm")


@dataclass(frozen=True)
class Source:
    """One content file, read and validated."""

    path: str  # relative to the project, forward slashes
    kind: str  # stories, towns, pages
    key: str  # the file name without language and .md, as a slug: the translation key
    lang: str
    meta: FrontMatter
    body: str
    body_line: int  # the line of the file where the body starts
    field_lines: dict[str, int]  # front-matter field -> its line; nested ones dotted: blocks.1.select.0
    front_hash: str = ""  # a hash of the front matter as written: `meta` and `field_lines` follow from it


@dataclass(frozen=True)
class SplitFile:
    """A file split into its front matter and body."""

    front_matter: str
    body: str
    body_line: int


@dataclass(frozen=True)
class LoadedContent:
    """The files that loaded, the errors of those that did not, and the identity of every file found."""

    sources: list[Source]
    errors: list[SiteError]
    found: frozenset[tuple[str, str, str]]  # (kind, key, language) of every file, valid or not
    warnings: tuple[SiteError, ...] = ()  # files that look like pages but are not read


def load_sources(
    root: Path,
    languages: list[str],
    cache: Path | None = None,
    salt: str = "",
    audience_aliases: Mapping[str, str] | None = None,
) -> LoadedContent:
    """Read every content file, collecting all problems instead of stopping at the first.

    With `cache`, files whose size and modification time are unchanged since the last load
    (by the same generator, `salt`) are taken from it instead of being parsed again.
    `audience_aliases`: audience labels (as slugs) -> keys, from config.yaml (`model.audience_aliases`).
    """
    aliases = dict(audience_aliases or {})
    content_dir = root / "content"
    errors: list[SiteError] = []
    sources: list[Source] = []
    found = set()
    # a file's language is valid or not by the configured languages, an audience by its labels
    salt = f"{salt}\0{','.join(languages)}\0{sorted(aliases.items())}"
    previous = read_cache(cache, salt)
    current: dict[str, tuple[tuple[int, int], Source]] = {}
    unread: list[SiteError] = []
    for path, shown, entry in _content_files(content_dir, errors, unread):
        try:
            stat = entry.stat()
            stamp = (stat.st_size, stat.st_mtime_ns)
            hit = previous.get(shown)
            if hit and hit[0] == stamp:  # the same file as last time: the same kind, key and language
                source = hit[1]
                found.add((source.kind, source.key, source.lang))
            else:
                identity = _identify(path, shown, content_dir, languages)
                found.add(identity)
                source = _load(path, shown, identity, aliases)
            current[shown] = (stamp, source)
            sources.append(source)
        except SiteErrors as exc:
            errors.extend(exc.errors)
        except OSError:  # removed while the folder was read
            continue
    errors.extend(_duplicate_keys(sources))
    if cache is not None:
        write_cache(cache, salt, previous, current)
    ordered = sorted(sources, key=lambda s: (s.kind, s.key, s.lang))
    return LoadedContent(ordered, errors, frozenset(found), tuple(unread))


def load_one(root: Path, path: Path, languages: list[str], audience_aliases: Mapping[str, str] | None = None) -> Source:
    """One content file, parsed and validated (raises SiteErrors naming its problems)."""
    shown = display_path(path, root)
    return _load(path, shown, _identify(path, shown, root / "content", languages), audience_aliases or {})


def _content_files(
    content_dir: Path, errors: list[SiteError], unread: list[SiteError]
) -> list[tuple[Path, str, os.DirEntry[str]]]:
    """(path, path as shown, directory entry) of the Markdown files under content/, refusing links that
    lead outside the project; documents that look meant as pages but are not Markdown go to `unread`."""
    if not content_dir.is_dir():
        raise SiteErrors([SiteError("content", 0, "the content folder is missing", "create content/")])
    project = content_dir.parent.resolve()
    found = []
    for relative, entry in files_below(content_dir, "content/"):
        path = content_dir / relative[len("content/") :]
        if not entry.name.lower().endswith(".md"):
            in_data = relative.startswith(f"content/{DATA_FOLDER}/")
            if not in_data and (warning := _unread_document(path, relative)):
                unread.append(warning)
            continue
        if entry.is_symlink() and not path.resolve().is_relative_to(project):
            errors.append(SiteError(relative, 0, "is a link to a file outside the project", "copy it in"))
            continue
        if entry.is_file():
            found.append((path, relative, entry))
    return found


def _unread_document(path: Path, shown: str) -> SiteError | None:
    """A warning for a file an editor may have meant as a page that the site does not read."""
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_LOOKALIKES:
        stem = path.name[: -len(suffix)]
        name = stem if stem.lower().endswith(".md") else f"{stem}.md"
        hint = f"rename it to {name}" + (" (Windows may hide the ending .txt)" if name == stem else "")
        return SiteError(shown, 0, "is not read: only files ending in .md are pages", hint)
    if suffix in WORD_PROCESSOR_FILES:
        return SiteError(
            shown,
            0,
            "is a word-processor file, which the site cannot read",
            "copy its text into a file ending in .md (./dev new story makes one) and delete this file",
        )
    if suffix in WEB_PAGES:
        return SiteError(shown, 0, "is not read: pages are written in Markdown", "write it as a file ending in .md")
    return None


def _load(path: Path, shown: str, identity: tuple[str, str, str], audience_aliases: Mapping[str, str]) -> Source:
    kind, key, lang = identity
    split = split_front_matter(_read_text(path, shown), shown)
    try:
        parsed = parse_yaml(split.front_matter, first_line=2)
    except YamlSyntaxError as exc:
        raise SiteErrors([SiteError(shown, exc.line, exc.message, exc.hint)]) from None
    errors = [
        SiteError(shown, line, f"the field '{name}' is written twice", "keep one of them")
        for name, line in parsed.duplicates
    ]
    data = parsed.value if parsed.value is not None else {}
    if not isinstance(data, dict):
        raise SiteErrors([SiteError(shown, 2, "the front matter must be fields like 'title: ...'", START_HINT)])
    try:
        meta = SCHEMAS[kind].model_validate(data, context={AUDIENCE_ALIASES: audience_aliases})
    except ValidationError as exc:
        has_foreign_fields = any(error["type"] == "extra_forbidden" for error in exc.errors())
        other = _kind_that_fits(data, kind) if has_foreign_fields else None
        if other:
            message = f"this looks like one of the {other}, but it is in content/{kind}/"
            raise SiteErrors([SiteError(shown, 1, message, f"move it to content/{other}/")]) from None
        raise SiteErrors(errors + errors_from_validation(exc, shown, parsed)) from None
    errors += _whole_numbers_with_separators(shown, meta, parsed)
    errors += _text_cut_by_comments(shown, parsed)
    raise_if_any(errors)
    field_lines = {".".join(str(part) for part in loc): line for loc, line in parsed.lines.items()}
    front_hash = hashlib.sha256(split.front_matter.encode("utf-8")).hexdigest()
    return Source(shown, kind, key, lang, meta, split.body, split.body_line, field_lines, front_hash)


def _whole_numbers_with_separators(shown: str, meta: FrontMatter, parsed: ParsedYaml) -> list[SiteError]:
    """`population: 12.000` passes the schema as 12 (YAML reads 12.0): where a whole number is expected,
    a number written with a thousands separator is an error, as other such numbers are (schemas.py)."""
    errors = []
    for location, written in parsed.written.items():
        fixed = without_thousands_separator(written)
        if fixed is not None and isinstance(_value_at(meta, location), int):
            errors.append(
                SiteError(
                    shown,
                    parsed.line_of(location),
                    f"{field_name(location)}: expected a whole number, got '{written}'",
                    f"write {fixed}, without the thousands separator",
                )
            )
    return errors


def _text_cut_by_comments(shown: str, parsed: ParsedYaml) -> list[SiteError]:
    """`title: Vi er #1` is the title 'Vi er': unquoted, ' #' starts a comment that YAML leaves out."""
    return [
        SiteError(
            shown,
            line,
            f"{field_name(location)}: the text after ' #' is left out (YAML reads it as a comment)",
            'put the whole text in double quotes, like "Vi er #1"; a note to yourself goes on a line of its own',
        )
        for location, line in parsed.cut_by_comment.items()
    ]


def _value_at(meta: object, location: Location) -> object:
    """The validated value at a front-matter location (None where there is none)."""
    value = meta
    for part in location:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list | tuple) and part < len(value) else None
        else:
            value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _identify(path: Path, shown: str, content_dir: Path, languages: list[str]) -> tuple[str, str, str]:
    """Kind from the folder, key and language from the file name `<key>.<lang>.md`."""
    parts = path.relative_to(content_dir).parts
    kind = parts[0] if len(parts) > 1 else ""
    if kind not in SCHEMAS:
        folders = ", ".join(f"content/{k}/" for k in SCHEMAS)
        raise SiteErrors([SiteError(shown, 0, "is not in a content folder", f"move it into one of {folders}")])
    stem = unicodedata.normalize("NFC", path.name[: -len(".md")])
    key, _, lang = stem.rpartition(".")
    if key and len(lang) == 2 and lang.isalpha() and lang not in languages:
        guess = COMMON_LANGUAGE_MISTAKES.get(lang.lower())
        hint = f"did you mean '{guess}'?" if guess in languages else f"languages: {', '.join(languages)}"
        raise SiteErrors([SiteError(shown, 0, f"'{lang}' in the file name is not a language of the site", hint)])
    if not key or lang not in languages:
        example = f"{slugify(stem) or 'name'}.{languages[0]}.md"
        raise SiteErrors(
            [
                SiteError(
                    shown,
                    0,
                    "the file name does not say its language",
                    f"name it like {example} (languages: {', '.join(languages)})",
                )
            ]
        )
    if not slugify(key):
        raise SiteErrors([SiteError(shown, 0, "the file name has no letters or digits", "rename it")])
    return kind, slugify(key), lang


def _kind_that_fits(data: dict[str, object], kind: str) -> str | None:
    """Another content kind this front matter belongs to (a file in the wrong folder): one whose schema
    it satisfies, else one that knows every field it has (it has other mistakes too: they are named
    once it is in its folder)."""
    others = [other for other in SCHEMAS if other != kind]
    for other in others:
        try:
            SCHEMAS[other].model_validate(data)
        except ValidationError:
            continue
        return other
    return next((other for other in others if data.keys() <= SCHEMAS[other].model_fields.keys()), None)


def _read_text(path: Path, shown: str) -> str:
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise SiteErrors(
            [SiteError(shown, 0, f"the file is {len(data) // 1_000_000} MB; the limit is 2 MB", "split it up")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SiteErrors(
            [SiteError(shown, line, "the file is not UTF-8 text", "save it with the encoding UTF-8")]
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, shown: str) -> SplitFile:
    """Split `---`-fenced YAML from the body; line numbers count from the top of the file."""
    if not text.strip():
        raise SiteErrors([SiteError(shown, 1, "the file is empty", START_HINT)])
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise SiteErrors([SiteError(shown, 1, "the file does not start with front matter", START_HINT)])
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return SplitFile("\n".join(lines[1:index]) + "\n", "\n".join(lines[index + 1 :]), index + 2)
    raise SiteErrors([SiteError(shown, 1, "the front matter is never closed", "add a line '---' after the last field")])


def _duplicate_keys(sources: list[Source]) -> list[SiteError]:
    """Two files that become the same page (names differing in case, accents or folders)."""
    first: dict[tuple[str, str, str], Source] = {}
    errors = []
    for source in sources:
        identity = (source.kind, source.key, source.lang)
        if identity in first:
            other = first[identity].path
            errors.append(
                SiteError(
                    source.path,
                    0,
                    f"is the same page as {other} (names differ only in case or accents)",
                    "rename or delete one of them",
                )
            )
        else:
            first[identity] = source
    return errors
