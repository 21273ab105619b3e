"""The blocks a campaign page is made of, chosen in its front matter in order (`blocks:`).

Each block is a mapping with a `type`; pydantic tells them apart by it (a discriminated union).
The helpers at the end find the line and the allowed fields of an error inside a block, so an
editor reads "blocks (item 2, stories).limit" rather than pydantic's location.
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .fields import Audience, DanishBool, SlugOfName, Text, as_list

Keys = Annotated[list[SlugOfName], BeforeValidator(as_list)]
_MAILTO = re.compile(r"^mailto:[^@\s?]+@[^@\s?]+\.[a-z]{2,}(\?.*)?$", re.IGNORECASE)
_TEL = re.compile(r"^tel:\+?[0-9 ]{6,}$")
_HTTPS = re.compile(r"^https://[^\s/]+\.[^\s]+$")
_CONTENT_LINK = re.compile(r"^[^:\s]+\.md(#[\w-]+)?$")
HREF_HINT = "write mailto:name@billund.dk, tel:+45..., https://... or a content file like ../pages/kontakt.da.md"


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class HeroBlock(_Block):
    """The big heading at the top: a promise to the reader, a line of text and a photo."""

    type: Literal["hero"]
    heading: Text = Field(description="The big heading, e.g. 'Flyt til Billund Kommune med børn'.")
    text: str | None = Field(default=None, description="One or two sentences under the heading.")
    image: str | None = Field(default=None, description="A photo, e.g. images/familie.jpg.")
    image_alt: str | None = Field(default=None, description="What the photo shows, for people who cannot see it.")
    image_decorative: DanishBool = Field(default=False, description="true when the photo needs no image_alt.")

    @model_validator(mode="after")
    def _alt_text(self) -> HeroBlock:
        if self.image and not self.image_decorative and not (self.image_alt or "").strip():
            raise ValueError(
                f"the image '{self.image}' has no alt text; describe what the photo shows, like "
                'image_alt: "Børn leger på torvet" (or image_decorative: true)'
            )
        if self.image_decorative and self.image_alt:
            raise ValueError("the image has image_alt but is marked image_decorative: true; remove one of them")
        return self


class StoriesBlock(_Block):
    """Stories chosen by key (in that order), or found by audience, topic and town (newest first)."""

    type: Literal["stories"]
    heading: str | None = Field(default=None, description="The heading; leave out for the theme's 'Stories'.")
    select: Keys | None = Field(default=None, description="Story keys (file names without .da.md), in order.")
    audience: Annotated[list[Audience], BeforeValidator(as_list)] = Field(
        default_factory=list, description="Only stories for one of these audiences: families, workers, business."
    )
    topics: Keys = Field(default_factory=list, description="Only stories with one of these topics.")
    town: Keys = Field(default_factory=list, description="Only stories from one of these towns.")
    limit: int | None = Field(default=None, ge=1, le=24, description="At most this many stories (default 3).")

    @model_validator(mode="after")
    def _select_or_query(self) -> StoriesBlock:
        if self.select is not None and (self.audience or self.topics or self.town or self.limit):
            raise ValueError(
                "choose the stories either with select: or with audience:, topics:, town: and limit:, not both"
            )
        if self.select is not None and not self.select:
            raise ValueError("select: is empty; name at least one story, or leave select: out")
        return self


class TownsBlock(_Block):
    """Town cards: the towns named, in that order, or all seven (largest first)."""

    type: Literal["towns"]
    heading: str | None = Field(default=None, description="The heading; leave out for the theme's 'The towns'.")
    select: Keys | None = Field(default=None, description="Town keys in order; leave out for every town.")


def _one(value: Any) -> Any:
    """`audience: [families]` means the one audience."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


class EventsBlock(_Block):
    """Upcoming events, soonest first."""

    type: Literal["events"]
    heading: str | None = Field(default=None, description="The heading; leave out for the theme's 'Events'.")
    town: Annotated[SlugOfName | None, BeforeValidator(_one)] = Field(
        default=None, description="Only events in this town."
    )
    audience: Annotated[Audience | None, BeforeValidator(_one)] = Field(
        default=None, description="Only events for this audience."
    )
    limit: int = Field(default=3, ge=1, le=24, description="At most this many events.")


def _whole_number_as_text(value: Any) -> Any:
    """`figure: 7` is shown as 7; 27.021 must be quoted, or YAML reads it as a decimal number."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Fact(BaseModel):
    """One figure with what it counts and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)
    figure: Annotated[str, BeforeValidator(_whole_number_as_text), Field(min_length=1)] = Field(
        description="The figure as it is shown, e.g. '27.021', '540 km²' or '1.'."
    )
    label: Text = Field(description="What it counts, with its year, e.g. 'indbyggere (2023)'.")
    source: Text = Field(description="Where it comes from, e.g. Danmarks Statistik.")
    source_url: str | None = Field(default=None, description="A https:// address of the source.")
    example: DanishBool = Field(default=False, description="true for an invented figure, to replace before launch.")

    @field_validator("source_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not _HTTPS.match(value):
            raise ValueError(f"expected a whole https:// address, got '{value}'")
        return value


class FactsBlock(_Block):
    """A row of short figures, each with its source."""

    type: Literal["facts"]
    heading: str | None = Field(default=None, description="The heading; leave out for the theme's 'In figures'.")
    items: list[Fact] = Field(min_length=1, max_length=8, description="The facts: figure, label, source.")


class Action(BaseModel):
    """A button: an e-mail, a phone call, a web address or another page of the site."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)
    label: Text = Field(description="What the button says, e.g. 'Skriv til tilflytterservicen'.")
    href: Text = Field(description="mailto:..., tel:..., https://... or a content file like ../pages/kontakt.da.md.")
    subject: str | None = Field(default=None, description="The subject of the e-mail (mailto: links only).")

    @field_validator("href")
    @classmethod
    def _href(cls, value: str) -> str:
        if value.startswith("http://"):
            raise ValueError(f"'{value}' is not secure; write https://")
        if not any(pattern.match(value) for pattern in (_MAILTO, _TEL, _HTTPS, _CONTENT_LINK)):
            raise ValueError(f"'{value}' is not a link this block can use; {HREF_HINT}")
        return value

    @model_validator(mode="after")
    def _subject_for_mail(self) -> Action:
        if self.subject and not self.href.startswith("mailto:"):
            raise ValueError("subject: only goes with a mailto: link")
        return self


class CallToActionBlock(_Block):
    """What the reader should do next: write, call, book a visit, ask for the welcome gift."""

    type: Literal["call_to_action"]
    heading: Text = Field(description="The heading, e.g. 'Kom på besøg'.")
    text: str | None = Field(default=None, description="One or two sentences above the buttons.")
    links: list[Action] = Field(min_length=1, max_length=4, description="The buttons: label and href.")


class TextBlock(_Block):
    """Where the Markdown under the front matter goes; without a text block it comes after the blocks."""

    type: Literal["text"]


AnyBlock = HeroBlock | StoriesBlock | TownsBlock | EventsBlock | FactsBlock | CallToActionBlock | TextBlock
Block = Annotated[AnyBlock, Field(discriminator="type")]
BLOCK_TYPES = ("hero", "stories", "towns", "events", "facts", "call_to_action", "text")


def without_tags(location: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Leave out the block type pydantic puts after a block's position: ('blocks', 1, 'stories', 'limit')."""
    return tuple(
        part
        for index, part in enumerate(location)
        if not (part in BLOCK_TYPES and index and isinstance(location[index - 1], int))
    )


def field_name(location: tuple[str | int, ...]) -> str:
    """('blocks', 1, 'stories', 'select', 0) -> 'blocks (item 2, stories).select (item 1)'."""
    name = ""
    for index, part in enumerate(location):
        if isinstance(part, int):
            name += f" (item {part + 1})"
        elif part in BLOCK_TYPES and index and isinstance(location[index - 1], int):
            name = name[:-1] + f", {part})"
        else:
            name += ("." if name else "") + part
    return name or "front matter"


def known_fields(model: type[BaseModel], location: tuple[str | int, ...]) -> list[str]:
    """The fields allowed at the place of `location`'s last part (an unknown field there)."""
    current: Any = model
    for part in location[:-1]:
        current = _step(current, part)
        if current is None:
            return []
    found = _model(current)
    return list(found.model_fields) if found else []


def _step(annotation: Any, part: str | int) -> Any:
    found = _model(annotation)
    if found is not None:
        info = found.model_fields.get(part) if isinstance(part, str) else None
        return info.annotation if info else None
    origin = get_origin(annotation)
    arguments = [a for a in get_args(annotation) if a is not type(None)]
    if origin is Annotated:
        return _step(arguments[0], part)
    if origin is list and isinstance(part, int):
        return arguments[0]
    if origin in (Union, types.UnionType):
        for member in arguments:
            member_model = _model(member)
            tag = member_model.model_fields.get("type") if member_model else None
            if tag is not None and get_args(tag.annotation) == (part,):
                return member
        return _step(arguments[0], part) if len(arguments) == 1 else None
    return None


def _model(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
