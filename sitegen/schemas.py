"""Typed front-matter schemas, one per content kind, and errors an editor can read.

Unknown fields are errors with a "did you mean" hint. The schemas are exported as
JSON Schema (`python build.py schemas`) so editors' tools can autocomplete fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from .errors import SiteError, closest, did_you_mean
from .text import is_slug, slugify
from .yamlfile import ParsedYaml

AUDIENCES = ("families", "workers", "business")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Accept only YYYY-MM-DD text (or a date) and say plainly what was wrong."""
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if not _ISO_DATE.match(text):
        raise ValueError(f"expected a date like 2026-05-01, got '{text}'")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date like 2026-05-01, got '{text}' (no such day)") from None


def _as_list(value: Any) -> Any:
    """Let an editor write `topics: kultur` for a list of one, or `topics: kultur, natur` without brackets."""
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value


def _slug(value: str) -> str:
    if not is_slug(value):
        raise ValueError(
            f"'{value}' is not a valid slug: use lowercase a-z, 0-9 and hyphens (æ→ae, ø→oe, å→aa), no '/' or spaces"
        )
    return value


def _danish_bool(value: Any) -> Any:
    """Editors may write ja/nej as well as true/false."""
    if isinstance(value, str) and value.strip().lower() in ("ja", "nej"):
        return value.strip().lower() == "ja"
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
DanishBool = Annotated[bool, BeforeValidator(_danish_bool)]
# A key written as a name: 'Sønder Omme' -> 'soender-omme'
SlugOfName = Annotated[str, BeforeValidator(lambda v: (slugify(v) or v) if isinstance(v, str) else v)]
Slug = Annotated[str, BeforeValidator(lambda v: _slug(v) if isinstance(v, str) else v)]
Text = Annotated[str, Field(min_length=1)]


class _FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    slug: Slug | None = Field(default=None, description="The last part of the URL; defaults to the file name.")
    draft: DanishBool = Field(default=False, description="true keeps the page off the site until it is ready.")
    example: DanishBool = Field(
        default=False, description="true marks invented people, businesses or events, to replace before launch."
    )
    image: str | None = Field(default=None, description="A photo next to the content, e.g. images/havn.jpg.")
    image_alt: str | None = Field(default=None, description="What the photo shows, for people who cannot see it.")
    image_decorative: DanishBool = Field(
        default=False, description="true when the photo is only decoration and needs no image_alt."
    )


class Story(_FrontMatter):
    """A story about a town, a business or the Children's Capital."""

    title: Text = Field(description="The headline.")
    date: IsoDate = Field(description="The story's date, YYYY-MM-DD.")
    town: SlugOfName = Field(
        description="The key of a town in content/towns/, e.g. grindsted (the town's name works too)."
    )
    summary: Text = Field(description="One or two sentences shown in lists, feeds and search results.")
    topics: Annotated[list[SlugOfName], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Topics such as children-capital, business, nature (or their labels)."
    )
    audience: Annotated[list[Literal["families", "workers", "business"]], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Who the story is for: families, workers, business."
    )
    author: str | None = Field(default=None, description="Who wrote it.")
    translation: DanishBool = Field(
        default=True, description="false when the story stays in one language on purpose (check does not ask)."
    )
    publish_date: IsoDate | None = Field(default=None, description="Not shown before this date.")
    expiry_date: IsoDate | None = Field(default=None, description="Not shown from this date on.")

    @field_validator("topics", "audience")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class Distances(BaseModel):
    """Distances in kilometres by road."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    billund_airport: float | None = Field(default=None, ge=0)
    vejle: float | None = Field(default=None, ge=0)
    kolding: float | None = Field(default=None, ge=0)
    esbjerg: float | None = Field(default=None, ge=0)


class Town(_FrontMatter):
    """The profile of one town."""

    name: Text = Field(description="The town's name.")
    summary: Text = Field(description="One or two sentences about the town.")
    population: int = Field(ge=0, description="Number of inhabitants.")
    population_year: int = Field(ge=1900, le=2100, description="The year of the population number.")
    population_source: Text = Field(description="Where the number comes from, e.g. Danmarks Statistik.")
    schools: int | None = Field(default=None, ge=0, description="Number of schools.")
    daycare: int | None = Field(default=None, ge=0, description="Number of daycare institutions.")
    distances: Distances | None = Field(default=None, description="Kilometres to nearby places.")
    transport: Annotated[list[Text], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Train and bus links, one per line."
    )


class Page(_FrontMatter):
    """A free page: move here, welcome gift, about, contact."""

    title: Text = Field(description="The page title.")
    summary: Text = Field(description="One or two sentences about the page.")
    menu: int | None = Field(default=None, ge=1, description="Position in the main menu; leave out for none.")


FrontMatter = Story | Town | Page
SCHEMAS: dict[str, type[Story] | type[Town] | type[Page]] = {"stories": Story, "towns": Town, "pages": Page}


def errors_from_validation(
    exc: ValidationError, path: str, parsed: ParsedYaml, model: type[BaseModel] | None = None
) -> list[SiteError]:
    """Turn pydantic's errors into one readable line each, at the line of the field."""
    schema = model or next((s for s in SCHEMAS.values() if s.__name__ == exc.title), None)
    known = list(schema.model_fields) if schema else []
    errors = exc.errors(include_url=False)
    misspelt = {  # 'titel' given where 'title' is missing: one error about the spelling is enough
        closest(str(error["loc"][-1]), known) for error in errors if error["type"] == "extra_forbidden"
    }
    return [
        _one_error(error, path, parsed, known)
        for error in errors
        if not (error["type"] == "missing" and str(error["loc"][-1]) in misspelt)
    ]


def _one_error(error: ErrorDetails, path: str, parsed: ParsedYaml, known: list[str]) -> SiteError:
    location = tuple(error["loc"])
    field = _field_name(location)
    kind = error["type"]
    value = error.get("input")
    line = parsed.line_of(location)
    if kind == "missing":
        name = str(location[-1])
        return SiteError(path, 1, f"{field} is missing", f"add a line like '{name}: ...' to the front matter")
    if kind == "extra_forbidden":
        name = str(location[-1])
        return SiteError(path, line, f"unknown field '{name}'", did_you_mean(name, known) or _list(known))
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "")
        return SiteError(
            path, line, f"{field}: '{value}' is not one of {expected}", did_you_mean(str(value), AUDIENCES)
        )
    if kind == "int_from_float" or (kind == "int_parsing" and isinstance(value, str) and "." in value):
        return SiteError(
            path,
            line,
            f"{field}: expected a whole number, got {_show(value)}",
            "write numbers without a thousands separator, like 9782",
        )
    if kind in ("string_type", "int_type", "int_parsing", "bool_parsing", "bool_type", "float_parsing"):
        wanted = {"s": "text", "i": "a whole number", "b": "true or false", "f": "a number"}[kind[0]]
        hint = "put the text in double quotes" if kind == "string_type" else ""
        return SiteError(path, line, f"{field}: expected {wanted}, got {_show(value)}", hint)
    if kind == "list_type":
        return SiteError(path, line, f"{field}: expected a list, got {_show(value)}", "write it like [a, b]")
    if kind in ("dict_type", "model_type"):
        return SiteError(path, line, f"{field}: expected fields under it, got {_show(value)}", "")
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return SiteError(path, line, f"{field}: {message}", "")
    return SiteError(path, line, f"{field}: {error['msg'].lower()}", "")


def _field_name(location: tuple[str | int, ...]) -> str:
    """('audience', 0) -> 'audience (item 1)'; ('distances', 'vejle') -> 'distances.vejle'."""
    name = ".".join(str(part) for part in location if isinstance(part, str)) or "front matter"
    items = [part for part in location if isinstance(part, int)]
    return f"{name} (item {items[-1] + 1})" if items else name


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if value is None:
        return "nothing"
    return f"'{value}'"


def _list(names: list[str]) -> str:
    return f"known fields: {', '.join(names)}" if names else ""


def json_schemas() -> dict[str, str]:
    """File name -> JSON Schema text for each content kind."""
    out = {}
    for kind, schema in SCHEMAS.items():
        document = schema.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[f"{kind}.schema.json"] = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return out


def export_json_schemas(directory: Path) -> list[Path]:
    """Write the JSON Schemas into `directory`; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        target = directory / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
