"""Theme strings per language and dates written the local way."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel.dates import format_date

from .errors import FixableError, SiteError, SiteErrors, display_path
from .yamlfile import YamlSyntaxError, parse_yaml

Strings = dict[str, dict[str, str]]  # language -> key -> text


def load_strings(theme_dir: Path, languages: list[str], root: Path) -> Strings:
    """Read i18n/<lang>.yaml; every language must have every key any language has."""
    errors: list[SiteError] = []
    strings: Strings = {}
    for lang in languages:
        path = theme_dir / "i18n" / f"{lang}.yaml"
        shown = display_path(path, root)
        if not path.is_file():
            errors.append(SiteError(shown, 0, "the theme has no strings for this language", "create the file"))
            continue
        try:
            parsed = parse_yaml(path.read_text(encoding="utf-8"))
        except YamlSyntaxError as exc:
            errors.append(SiteError(shown, exc.line, exc.message, exc.hint))
            continue
        if not isinstance(parsed.value, dict) or not all(isinstance(v, str) for v in parsed.value.values()):
            errors.append(SiteError(shown, 1, "every line must be 'key: text'", "quote texts with ':' in them"))
            continue
        strings[lang] = {str(k): v for k, v in parsed.value.items()}
    all_keys = set().union(*(s.keys() for s in strings.values())) if strings else set()
    for lang, table in strings.items():
        shown = display_path(theme_dir / "i18n" / f"{lang}.yaml", root)
        for key in sorted(all_keys - table.keys()):
            errors.append(SiteError(shown, 0, f"the theme string '{key}' is missing", f"add '{key}: ...'"))
    if errors:
        raise SiteErrors(errors)
    return strings


def translate(strings: Strings, lang: str, key: str, **values: object) -> str:
    """A theme string with {name} placeholders filled in; a missing key is an error."""
    try:
        text = strings[lang][key]
    except KeyError:
        raise FixableError(
            f"the theme string '{key}' is missing for language '{lang}'", f"add '{key}: ...' to i18n/{lang}.yaml"
        ) from None
    return text.format(**values) if values else text


@functools.lru_cache(maxsize=16384)
def local_date(date: dt.date, locale: str) -> str:
    """'14. marts 2026' in Danish, '14 March 2026' in British English."""
    return format_date(date, format="long", locale=locale)
