"""Every HTML page of the real site, built once: well-formed HTML5 (html5lib in strict mode) and the
basics of an accessible document: one h1, no skipped heading levels, unique ids, a language, a title,
alt on every image, and JSON-LD that parses."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass

import html5lib
import pytest
from html5lib.constants import E as PARSE_ERRORS

from .conftest import Site


@dataclass(frozen=True)
class Document:
    path: str
    source: str
    tree: ET.Element
    errors: list[str]

    def all(self, tag: str) -> list[ET.Element]:
        return list(self.tree.iter(tag))


def _parse(path: str, source: str) -> Document:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    errors: list[str] = []
    try:
        tree = parser.parse(source)
    except html5lib.html5parser.ParseError:
        tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(source)
    for (line, column), code, data in parser.errors:
        message = PARSE_ERRORS.get(code, code) % data if isinstance(data, dict) else code
        text = source.splitlines()[line - 1].strip() if 0 < line <= len(source.splitlines()) else ""
        errors.append(f"{path}:{line}:{column}: {message}  | {text[:120]}")
    return Document(path, source, tree, errors)


PAGINATED = re.compile(r"(en/)?(byer|towns|emner|topics|for)/[^/]+/((side|page)/\d+/)?index\.html")


@pytest.fixture(scope="module")
def documents(real_site: Site, paginated_real_site: Site) -> list[Document]:
    pages = {path: data.decode("utf-8") for path, data in real_site.outputs().items() if path.endswith(".html")}
    assert len(pages) >= 90, sorted(pages)
    kinds = ("arrangementer/index.html", "arrangementer/tidligere/index.html", "en/events/index.html")
    assert all(page in pages for page in kinds), "the events pages are checked too"
    assert any(p.startswith("arrangementer/") and p.count("/") == 2 for p in pages), "and an event page"
    # and the town, topic and audience pages of the real site at two stories a page, with their pagers
    outputs = paginated_real_site.outputs()
    numbered = {
        f"(2 a page) {path}": data.decode("utf-8") for path, data in outputs.items() if PAGINATED.fullmatch(path)
    }
    sections = {match.group(2) for path in outputs if (match := PAGINATED.fullmatch(path))}
    assert sections == {"byer", "towns", "emner", "topics", "for"}, sorted(numbered)
    return [_parse(path, source) for path, source in {**pages, **numbered}.items()]


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _fail_if(problems: list[str], what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n" + "\n".join(problems)


def test_every_page_is_valid_html5(documents: list[Document]) -> None:
    _fail_if([error for document in documents for error in document.errors], "HTML parse errors")
    for document in documents:
        assert document.source.startswith("<!doctype html>\n"), f"{document.path}: no <!doctype html> first"


def test_every_page_has_exactly_one_h1(documents: list[Document]) -> None:
    problems = []
    for document in documents:
        h1s = [_text(h) for h in document.all("h1")]
        if len(h1s) != 1:
            problems.append(f"{document.path}: {len(h1s)} h1 {h1s}")
        elif not h1s[0]:
            problems.append(f"{document.path}: the h1 is empty")
    _fail_if(problems, "pages without exactly one h1")


def test_no_duplicate_ids(documents: list[Document]) -> None:
    problems = []
    for document in documents:
        ids = Counter(element.get("id") for element in document.tree.iter() if element.get("id") is not None)
        problems += [f"{document.path}: id={name!r} {count} times" for name, count in ids.items() if count > 1]
        problems += [f"{document.path}: an empty id" for name in ids if not (name or "").strip()]
    _fail_if(problems, "duplicate ids")


def test_every_page_has_a_language_and_a_title(documents: list[Document]) -> None:
    problems = []
    for document in documents:
        lang = document.tree.get("lang") or ""
        if not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", lang):
            problems.append(f"{document.path}: <html lang={lang!r}>")
        titles = [_text(title) for title in document.all("title")]
        if len(titles) != 1 or not titles[0]:
            problems.append(f"{document.path}: titles {titles}")
    _fail_if(problems, "pages without lang or title")


def test_headings_do_not_skip_levels(documents: list[Document]) -> None:
    problems = []
    for document in documents:
        previous = 0
        for element in document.tree.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            if not re.fullmatch(r"h[1-6]", tag):
                continue
            level = int(tag[1])
            if level > previous + 1:
                problems.append(f"{document.path}: <{tag}> {_text(element)!r} follows h{previous} (skips a level)")
            previous = level
    _fail_if(problems, "skipped heading levels")


def test_every_image_has_alt(documents: list[Document]) -> None:
    problems = [
        f"{document.path}: <img src={image.get('src')!r}> has no alt"
        for document in documents
        for image in document.all("img")
        if image.get("alt") is None
    ]
    _fail_if(problems, "images without alt")


def test_json_ld_parses(documents: list[Document]) -> None:
    problems = []
    blocks = 0
    for document in documents:
        for script in document.all("script"):
            if script.get("type") != "application/ld+json":
                continue
            blocks += 1
            try:
                data = json.loads(script.text or "")
            except json.JSONDecodeError as error:
                problems.append(f"{document.path}: JSON-LD does not parse: {error}")
                continue
            if not isinstance(data, dict) or data.get("@context") != "https://schema.org" or "@type" not in data:
                problems.append(f"{document.path}: JSON-LD without @context/@type: {str(data)[:120]}")
    _fail_if(problems, "broken JSON-LD blocks")
    assert blocks >= 40, f"only {blocks} JSON-LD blocks on the whole site"
