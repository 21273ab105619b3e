"""`config.yaml` into a typed, frozen config; every problem is reported at once, with its line."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import SiteError, SiteErrors
from .fields import AUDIENCES
from .schemas import errors_from_validation
from .text import is_slug
from .yamlfile import YamlSyntaxError, parse_yaml

CONFIG_FILE = "config.yaml"
SECTION_DEFAULTS = {  # URL words config.yaml may leave out
    "events": {"da": "arrangementer", "en": "events"},
    "campaigns": {"da": "kampagne", "en": "campaign"},
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sections(_Frozen):
    """The URL words of one language: /historier/ in Danish, /stories/ in English."""

    stories: str
    towns: str
    topics: str
    audiences: str
    page: str
    search: str = ""  # the search page; left out: soeg in Danish, search in English (plan.search_url)
    events: str = ""  # the events; left out: arrangementer in Danish, events in English (Config.section)
    campaigns: str = ""  # campaign pages; left out: kampagne in Danish, campaign in English (Config.section)

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


class ImageQuality(_Frozen):
    """Encoder quality per format, 1-100."""

    avif: int = Field(default=55, ge=1, le=100)
    webp: int = Field(default=75, ge=1, le=100)
    jpeg: int = Field(default=80, ge=1, le=100)


class Images(_Frozen):
    """Responsive images: the widths made of every photo (never wider than the original) and how."""

    widths: list[int] = Field(default_factory=lambda: [480, 800, 1200, 1600], min_length=1)
    formats: list[Literal["avif", "webp"]] = Field(default=["avif", "webp"])  # besides the JPEG or PNG fallback
    quality: ImageQuality = Field(default_factory=ImageQuality)
    sizes: str = "(min-width: 46rem) 42rem, 100vw"  # images in the text
    lead_sizes: str = "(min-width: 48em) 28rem, 100vw"  # the photo at the top of a page

    @field_validator("widths")
    @classmethod
    def _widths(cls, value: list[int]) -> list[int]:
        for width in value:
            if not 16 <= width <= 8000:
                raise ValueError(f"{width} must be a width in pixels between 16 and 8000")
        return sorted(set(value))


_CREDENTIAL_WORDS = ("access_key", "secret", "password", "token", "credential", "session", "api_key", "private_key")


def _credentials_in(value: object, where: str) -> list[str]:
    """Keys that look like credentials, and values that look like AWS access key ids."""
    if isinstance(value, dict):
        found: list[str] = []
        for key, item in value.items():
            path = f"{where}.{key}"
            name = str(key).lower().replace("-", "_")
            found += [path] if any(word in name for word in _CREDENTIAL_WORDS) else _credentials_in(item, path)
        return found
    is_key_id = isinstance(value, str) and value[:4] in ("AKIA", "ASIA") and len(value) == 20 and value.isalnum()
    return [where] if is_key_id else []


class DeployTarget(_Frozen):
    """An S3-compatible bucket the site is published to (credentials come only from the environment)."""

    bucket: str = Field(min_length=3, max_length=63)
    prefix: str = ""  # a folder in the bucket, e.g. site/; empty: the bucket holds only the site
    endpoint_url: str | None = None  # Cloudflare R2, MinIO, ...; empty: AWS (or AWS_ENDPOINT_URL)
    region: str | None = None  # empty: AWS_REGION or the AWS configuration
    cloudfront_distribution_id: str | None = None  # invalidate the changed pages there
    website_redirects: bool = True  # WebsiteRedirectLocation on redirect pages (off where it is refused)

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        parts = [part for part in value.strip("/").split("/") if part]
        if any(part in (".", "..") for part in parts) or "//" in value.strip("/"):
            raise ValueError(f"'{value}' must be a folder like site/, or empty")
        return "".join(f"{part}/" for part in parts)


class Deploy(_Frozen):
    """Where `build.py deploy` publishes output/: targets by name."""

    default_target: str | None = None
    targets: dict[str, DeployTarget] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _no_credentials(cls, value: object) -> object:
        found = _credentials_in(value, "deploy")
        if found:
            raise ValueError(
                f"{', '.join(found)} looks like a credential, and credentials never go in config.yaml (it is in git): "
                "remove it, revoke that key, and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the "
                "environment or the CI secrets instead"
            )
        return value

    @model_validator(mode="after")
    def _known_default(self) -> Deploy:
        if self.default_target is not None and self.default_target not in self.targets:
            raise ValueError(f"default_target '{self.default_target}' is not one of targets")
        return self


class Config(_Frozen):
    """The whole site configuration."""

    base_url: str
    default_language: str = "da"
    languages: dict[str, Language]
    theme: str = "default"
    stories_per_page: int = Field(default=12, ge=1, le=200)
    home_stories: int = Field(default=6, ge=0, le=100)
    home_events: int = Field(default=3, ge=0, le=100)  # upcoming events on the home page
    feed_entries: int = Field(default=20, ge=1, le=1000)
    topics: dict[str, Term] = Field(default_factory=dict)
    audiences: dict[str, Term]
    organization: Organization
    accessibility_statement_url: str
    redirects: dict[str, str] = Field(default_factory=dict)
    images: Images = Field(default_factory=Images)
    deploy: Deploy | None = None  # targets of `build.py deploy` (docs/deploy.md)

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
        return _origin(self.base_url)

    def absolute(self, url: str) -> str:
        """An absolute URL for a site-relative one (which already includes the base path)."""
        return self.origin + url

    def section(self, name: str, lang: str) -> str:
        """The URL word of a section in a language; a word config.yaml leaves out gets its default."""
        word = str(getattr(self.languages[lang].sections, name))
        return word or SECTION_DEFAULTS.get(name, {}).get(lang, name)

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


@functools.lru_cache(maxsize=8)
def _origin(base_url: str) -> str:
    """Scheme and host of a URL (asked for every absolute link of every page, so remembered)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
