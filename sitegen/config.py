"""`config.yaml` into a typed, frozen config; every problem is reported at once, with its line."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import SiteError, SiteErrors
from .schemas import AUDIENCES, errors_from_validation
from .text import is_slug
from .yamlfile import YamlSyntaxError, parse_yaml

CONFIG_FILE = "config.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sections(_Frozen):
    """The URL words of one language: /historier/ in Danish, /stories/ in English."""

    stories: str
    towns: str
    topics: str
    audiences: str
    page: str

    @field_validator("*")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not is_slug(value):
            raise ValueError(f"'{value}' must be lowercase letters, digits and hyphens, like 'historier'")
        return value


class Language(_Frozen):
    """Settings of one language of the site."""

    title: str
    description: str
    locale: str
    sections: Sections


class Term(_Frozen):
    """A topic or audience: its label in each language."""

    da: str
    en: str


class Organization(_Frozen):
    name: str
    url: str


class Config(_Frozen):
    """The whole site configuration."""

    base_url: str
    default_language: str = "da"
    languages: dict[str, Language]
    theme: str = "default"
    stories_per_page: int = Field(default=12, ge=1, le=200)
    home_stories: int = Field(default=6, ge=0, le=100)
    feed_entries: int = Field(default=20, ge=1, le=1000)
    topics: dict[str, Term] = Field(default_factory=dict)
    audiences: dict[str, Term]
    organization: Organization
    accessibility_statement_url: str
    redirects: dict[str, str] = Field(default_factory=dict)

    @field_validator("redirects")
    @classmethod
    def _redirect_paths(cls, value: dict[str, str]) -> dict[str, str]:
        for path in value:
            if not all(is_slug(part) for part in path.strip("/").split("/")):
                raise ValueError(f"'{path}' must be a path of lowercase words, like was or flyt")
        return {path.strip("/"): target for path, target in value.items()}

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"'{value}' must be an absolute URL like https://staerkebyer.billund.dk/")
        return value if value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language '{self.default_language}' is not one of languages")
        missing = set(AUDIENCES) - set(self.audiences)
        if missing:
            raise ValueError(f"audiences must name {', '.join(sorted(missing))}")
        for lang in self.languages:
            if lang not in ("da", "en"):
                raise ValueError(f"language '{lang}' is not supported; use da and en")
        return self

    @property
    def base_path(self) -> str:
        """The path the site lives under, '/' or e.g. '/kampagne/'."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        """Scheme and host of base_url, without a path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def absolute(self, url: str) -> str:
        """An absolute URL for a site-relative one (which already includes the base path)."""
        return self.origin + url

    def language_order(self) -> list[str]:
        """The default language first, then the others as written."""
        return [self.default_language] + [lang for lang in self.languages if lang != self.default_language]

    def term_label(self, taxonomy: str, key: str, lang: str) -> str:
        """A topic's or audience's label; an unlisted topic shows its key."""
        terms = self.topics if taxonomy == "topics" else self.audiences
        term = terms.get(key)
        return str(getattr(term, lang)) if term else key.replace("-", " ").capitalize()


def load_config(root: Path) -> Config:
    """Read and validate `config.yaml` in `root`."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise SiteErrors([SiteError(CONFIG_FILE, 0, "the file is missing", "create config.yaml")])
    try:
        parsed = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        raise SiteErrors([SiteError(CONFIG_FILE, exc.line, exc.message, exc.hint)]) from None
    except UnicodeDecodeError:
        raise SiteErrors([SiteError(CONFIG_FILE, 0, "the file is not UTF-8", "save it as UTF-8")]) from None
    if not isinstance(parsed.value, dict):
        raise SiteErrors([SiteError(CONFIG_FILE, 1, "the file must be a list of settings", "")])
    try:
        return Config.model_validate(parsed.value)
    except ValidationError as exc:
        raise SiteErrors(errors_from_validation(exc, CONFIG_FILE, parsed, Config)) from None
