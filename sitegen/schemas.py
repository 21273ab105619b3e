"""Typed front-matter schemas, one per content kind, and errors an editor can read.

Unknown fields are errors with a "did you mean" hint. The schemas are exported as
JSON Schema (`python build.py schemas`) so editors' tools can autocomplete fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import ErrorDetails

from .blocks import BLOCK_TYPES, Block, HeroBlock, field_name, known_fields, without_tags
from .errors import SiteError, closest, did_you_mean
from .fields import AUDIENCES, Audience, DanishBool, IsoDate, ShortPath, Slug, SlugOfName, Text
from .fields import as_list as _as_list
from .yamlfile import ParsedYaml, without_thousands_separator

_LOCAL_DATETIME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<hour>\d{1,2})[:.](?P<minute>\d{2})$")
DANISH_TIME = ZoneInfo("Europe/Copenhagen")  # start and end of events are wall-clock times there


def _local_datetime(value: Any) -> Any:
    """'2027-03-27 10:00', Danish wall-clock time; a time that does not exist there is an error."""
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    found = _LOCAL_DATETIME.match(text)
    if not found:
        raise ValueError(
            f"expected a date and time like 2027-03-27 10:00, got '{text}'; write the date, a space and the Danish time"
        )
    try:
        moment = dt.datetime.fromisoformat(f"{found['date']}T{int(found['hour']):02d}:{found['minute']}")
    except ValueError:
        raise ValueError(
            f"expected a date and time like 2027-03-27 10:00, got '{text}' (no such day or time)"
        ) from None
    aware = moment.replace(tzinfo=DANISH_TIME)
    if aware.astimezone(dt.UTC).astimezone(DANISH_TIME).replace(tzinfo=None) != moment:
        raise ValueError(
            f"'{text}' does not exist in Danish time (the clocks go forward from 02:00 to 03:00 that night); "
            "write 03:00 or later"
        )
    return moment


def _http_url(value: Any) -> Any:
    if isinstance(value, str) and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value.strip()):
        raise ValueError(f"expected a whole web address, got '{value}'; write it like https://www.billund.dk/")
    return value


LocalDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_local_datetime),
    WithJsonSchema({"type": "string", "pattern": _LOCAL_DATETIME.pattern, "examples": ["2027-03-27 10:00"]}),
]
HttpUrl = Annotated[str, BeforeValidator(_http_url)]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)

    slug: Slug | None = Field(default=None, description="The last part of the URL; defaults to the file name.")
    draft: DanishBool = Field(default=False, description="true keeps the page off the site until it is ready.")
    example: DanishBool = Field(
        default=False, description="true marks invented people, businesses or events, to replace before launch."
    )


class _FrontMatter(_Base):
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
    audience: Annotated[list[Audience], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Who the story is for: families, workers, business (or their labels)."
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

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
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


class Location(BaseModel):
    """Where an event takes place."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)
    name: Text = Field(description="The place, e.g. Grindsted Bibliotek.")
    address: Text = Field(description="Street, postcode and town, e.g. Nygade 1, 7200 Grindsted.")


class Event(_FrontMatter):
    """An event: open house, town walk, information meeting."""

    title: Text = Field(description="The event's name.")
    start: LocalDateTime = Field(description="When it starts, Danish time: 2027-03-27 10:00.")
    end: LocalDateTime = Field(description="When it ends, Danish time: 2027-03-27 14:00.")
    town: SlugOfName = Field(
        description="The key of a town in content/towns/, e.g. grindsted (the town's name works too)."
    )
    location: Location = Field(description="name: and address: of the place.")
    summary: Text = Field(description="One or two sentences shown in lists, calendars and search results.")
    organizer: str | None = Field(default=None, description="Who arranges it, e.g. Billund Kommune.")
    url: HttpUrl | None = Field(default=None, description="A page with more about it or sign-up, https://...")
    audience: Annotated[list[Audience], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Who the event is for: families, workers, business (or their labels)."
    )
    translation: DanishBool = Field(
        default=True, description="false when the event stays in one language on purpose (check does not ask)."
    )

    @field_validator("audience")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.datetime, info: ValidationInfo) -> dt.datetime:
        start = info.data.get("start")
        if start is not None and end <= start:
            shown = start.strftime("%Y-%m-%d %H:%M")
            raise ValueError(
                f"must be after start ({shown}); write when it ends, with the day it ends on, like 2027-03-27 14:00"
            )
        return end


class Campaign(_Base):
    """A landing page for one audience, made of blocks (sitegen/blocks.py); see docs/editors-guide.md."""

    title: Text = Field(description="The page title, e.g. 'Flyt til Billund Kommune med børn'.")
    summary: Text = Field(description="One or two sentences for search engines and sharing.")
    blocks: list[Block] = Field(min_length=1, description="The blocks of the page, in order; each has a type.")
    short_url: ShortPath | None = Field(
        default=None, description="A short address for print and radio, e.g. flyt for /flyt/ (no language prefix)."
    )
    campaign_code: Slug | None = Field(
        default=None, description="A code such as radio-2027: added to the short address and to e-mail subjects."
    )
    noindex: DanishBool = Field(
        default=False, description="true keeps the page out of search engines, the sitemap and the site search."
    )

    @property
    def hero(self) -> HeroBlock | None:
        return next((block for block in self.blocks if isinstance(block, HeroBlock)), None)


FrontMatter = Story | Town | Page | Event | Campaign
SCHEMAS: dict[str, type[Story] | type[Town] | type[Page] | type[Event] | type[Campaign]] = {
    "stories": Story,
    "towns": Town,
    "pages": Page,
    "events": Event,
    "campaigns": Campaign,
}


def errors_from_validation(
    exc: ValidationError, path: str, parsed: ParsedYaml, model: type[BaseModel] | None = None
) -> list[SiteError]:
    """Turn pydantic's errors into one readable line each, at the line of the field."""
    schema = model or next((s for s in SCHEMAS.values() if s.__name__ == exc.title), None)
    errors = exc.errors(include_url=False)
    misspelt = {  # 'titel' given where 'title' is missing: one error about the spelling is enough
        (error["loc"][:-1], closest(str(error["loc"][-1]), _known(schema, error["loc"])))
        for error in errors
        if error["type"] == "extra_forbidden"
    }
    return [
        _one_error(error, path, parsed, _known(schema, error["loc"]))
        for error in errors
        if not (error["type"] == "missing" and (error["loc"][:-1], str(error["loc"][-1])) in misspelt)
    ]


def _known(schema: type[BaseModel] | None, location: tuple[str | int, ...]) -> list[str]:
    """The fields allowed where `location` ends: the schema's own, or those of a block or group in it."""
    if schema is None:
        return []
    return known_fields(schema, location) if len(location) > 1 else list(schema.model_fields)


def _one_error(error: ErrorDetails, path: str, parsed: ParsedYaml, known: list[str]) -> SiteError:
    field = field_name(tuple(error["loc"]))
    location = without_tags(tuple(error["loc"]))  # as the YAML has it: no block type in between
    kind = error["type"]
    value = _as_written(error.get("input"), location, parsed)
    line = parsed.line_of(location)
    if kind == "missing":
        name = str(location[-1])
        if len(location) > 1:
            return SiteError(path, line, f"{field} is missing", f"add a line like '{name}: ...' to it")
        return SiteError(path, 1, f"{field} is missing", f"add a line like '{name}: ...' to the front matter")
    if kind == "extra_forbidden":
        name = str(location[-1])
        where = f"{field_name(tuple(error['loc'])[:-1])}: " if len(location) > 1 else ""
        return SiteError(path, line, f"{where}unknown field '{name}'", did_you_mean(name, known) or _list(known))
    if kind == "union_tag_invalid":
        tag = str(error.get("ctx", {}).get("tag", value))
        hint = did_you_mean(tag, BLOCK_TYPES) or f"the types are {', '.join(BLOCK_TYPES)}"
        return SiteError(path, parsed.line_of((*location, "type")), f"{field}: '{tag}' is not a block type", hint)
    if kind == "union_tag_not_found":
        return SiteError(
            path, line, f"{field}: the block has no type", f"start it with a line like '- type: hero' ({_types()})"
        )
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected) or AUDIENCES
        return SiteError(
            path,
            line,
            f"{field}: '{value}' is not one of {expected.replace(chr(39), '')}",
            did_you_mean(str(value), choices),
        )
    if kind in ("int_from_float", "int_parsing") and (plain := without_thousands_separator(str(value))):
        return SiteError(
            path,
            line,
            f"{field}: expected a whole number, got {_show(value)}",
            f"write {plain}, without the thousands separator",
        )
    if kind == "int_from_float" or (kind == "int_parsing" and isinstance(value, str) and "." in value):
        return SiteError(
            path, line, f"{field}: expected a whole number, got {_show(value)}", "write a whole number, like 9782"
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


def _types() -> str:
    return ", ".join(BLOCK_TYPES)


def _as_written(value: Any, location: tuple[str | int, ...], parsed: ParsedYaml) -> Any:
    """A number as the editor wrote it (YAML reads 1.250 as 1.25); any other value as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parsed.written.get(location, value)
    return value


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
