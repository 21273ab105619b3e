"""The Jinja environment of a theme, and `render_page()` as a pure function of its inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel.numbers import format_decimal

from .config import Config
from .errors import FixableError, SiteError, SiteErrors, display_path
from .i18n import Strings, load_strings, local_date, translate


@dataclass(frozen=True)
class Theme:
    """A theme read from disk: templates folder, strings and static files with their published names."""

    directory: Path
    root: Path
    strings: Strings
    assets: dict[str, str]  # name under static/ -> path in output/
    files: dict[str, Path]  # path in output/ -> file in the theme

    @property
    def templates(self) -> Path:
        return self.directory / "templates"


def load_theme(root: Path, config: Config, fingerprint: bool = True) -> Theme:
    """Find the theme, read its strings and fingerprint its static files."""
    directory = root / "themes" / config.theme
    if not (directory / "templates").is_dir():
        raise SiteErrors(
            [
                SiteError(
                    "config.yaml",
                    0,
                    f"theme '{config.theme}' has no templates folder",
                    f"create themes/{config.theme}/templates/",
                )
            ]
        )
    strings = load_strings(directory, list(config.languages), root)
    assets: dict[str, str] = {}
    files: dict[str, Path] = {}
    static = directory / "static"
    for path in sorted(p for p in static.rglob("*") if p.is_file()) if static.is_dir() else []:
        name = path.relative_to(static).as_posix()
        published = f"static/{name}"
        if fingerprint:  # every static file: the CDN may then cache them all for a year
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            published = f"static/{name[: -len(path.suffix)]}.{digest}{path.suffix}"
        assets[name] = published
        files[published] = path
    return Theme(directory, root, strings, assets, files)


def make_environment(theme: Theme, config: Config, cache: Path | None = None) -> jinja2.Environment:
    """Autoescaping everywhere, undefined variables are errors, theme strings through t().

    With `cache`, compiled templates are kept there between builds (Jinja checks the sources' times).
    """
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)) if cache is not None else None,
        loader=jinja2.FileSystemLoader(theme.templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    @jinja2.pass_context
    def t(context: jinja2.runtime.Context, key: str, **values: object) -> str:
        return translate(theme.strings, context["lang"], key, **values)

    @jinja2.pass_context
    def date(context: jinja2.runtime.Context, value: dt.date) -> str:
        return local_date(value, context["locale"])

    @jinja2.pass_context
    def number(context: jinja2.runtime.Context, value: int | float) -> str:
        return format_decimal(value, locale=context["locale"])

    def asset(name: str) -> str:
        if name not in theme.assets:
            raise FixableError(f"the theme has no static file '{name}'", f"add themes/{config.theme}/static/{name}")
        return config.base_path + theme.assets[name]

    env.globals.update(t=t, asset=asset, absolute=config.absolute)
    env.filters.update(date=date, number=number)
    return env


def check_templates(env: jinja2.Environment, theme: Theme) -> None:
    """Compile every template now, so a syntax error is reported once, with its line."""
    errors = []
    for name in env.list_templates(extensions=["html", "xml"]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            shown = display_path(theme.templates / name, theme.root)
            errors.append(SiteError(shown, exc.lineno, f"template error: {exc.message}", "fix the template"))
    if errors:
        raise SiteErrors(errors)


def render_page(env: jinja2.Environment, template: str, context: dict[str, Any], source: str, theme: Theme) -> str:
    """Render one page; a failure names the content file and the template line."""
    try:
        return env.get_template(template).render(context)
    except FixableError as exc:
        raise SiteErrors([SiteError(source, 0, exc.message, exc.hint)]) from None
    except jinja2.TemplateNotFound as exc:
        raise SiteErrors([SiteError(source, 0, f"the theme has no template '{exc.name}'", "add it")]) from None
    except Exception as exc:  # any error inside a template is reported, never a traceback
        where = _template_line(exc, theme)
        message = f"the template {where} failed: {type(exc).__name__}: {exc}"
        raise SiteErrors(
            [SiteError(source, 0, message, "this is an error in the theme; tell the developers")]
        ) from None


def _template_line(exc: BaseException, theme: Theme) -> str:
    templates = str(theme.templates.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(templates):
            return f"{display_path(Path(frame.filename), theme.root.resolve())}:{frame.lineno}"
    return "(unknown line)"
