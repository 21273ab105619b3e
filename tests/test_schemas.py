"""Front-matter schemas: their errors, and the JSON Schema files editors' tools read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from sitegen.schemas import SCHEMAS, Story, Town, errors_from_validation, json_schemas
from sitegen.yamlfile import parse_yaml

PROJECT = Path(__file__).resolve().parent.parent


def test_committed_json_schemas_are_up_to_date() -> None:
    for name, text in json_schemas().items():
        committed = PROJECT / "schemas" / name
        assert committed.read_text(encoding="utf-8") == text, f"run ./dev schemas to update {name}"


def test_json_schemas_describe_every_field_and_forbid_others() -> None:
    for kind, schema in SCHEMAS.items():
        document = json.loads(json_schemas()[f"{kind}.schema.json"])
        assert document["additionalProperties"] is False
        assert set(document["properties"]) == set(schema.model_fields)
        assert all("description" in field for field in document["properties"].values())
    story = json.loads(json_schemas()["stories.schema.json"])
    assert sorted(story["required"]) == ["date", "summary", "title", "town"]


def test_json_schema_accepts_a_real_story() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(json_schemas()["stories.schema.json"])
    story = {"title": "A", "date": "2026-05-01", "town": "billund", "summary": "B", "topics": ["nature"]}
    jsonschema.validate(story, document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**story, "titel": "x"}, document)


def _errors(model: type[Story] | type[Town], yaml_text: str) -> list[str]:
    parsed = parse_yaml(yaml_text, first_line=2)
    with pytest.raises(ValidationError) as caught:
        model.model_validate(parsed.value)
    return [str(e) for e in errors_from_validation(caught.value, "f.md", parsed)]


def test_story_errors_read_like_sentences() -> None:
    text = "title: [a]\ndate: 2026-02-30\ntown: Billund\nsummary: x\naudience: [famlies]\ntopik: x\n"
    assert _errors(Story, text) == [
        "f.md:2: title: expected text, got a list; put the text in double quotes",
        "f.md:3: date: expected a date like 2026-05-01, got '2026-02-30' (no such day)",
        "f.md:6: audience (item 1): 'famlies' is not one of families, workers or business; did you mean 'families'?",
        "f.md:7: unknown field 'topik'; did you mean 'topics'?",
    ]


def test_town_names_and_danish_booleans_are_understood() -> None:
    story = Story.model_validate(
        {"title": "A", "date": "2026-01-01", "town": "Sønder Omme", "summary": "B", "draft": "ja", "example": "nej"}
    )
    assert story.town == "soender-omme" and story.draft is True and story.example is False


def test_a_misspelt_required_field_gives_one_error() -> None:
    text = "titel: A\ndate: 2026-01-01\ntown: billund\nsummary: x\n"
    assert _errors(Story, text) == ["f.md:2: unknown field 'titel'; did you mean 'title'?"]


TOWN = "name: X\nsummary: y\npopulation: 9782\npopulation_year: 2020\npopulation_source: DST\n"


@pytest.mark.parametrize(
    ("population", "message"),
    [
        ("1.250", "got '1.250'; write 1250, without the thousands separator"),  # YAML reads 1.25
        ("9.782", "got '9.782'; write 9782, without the thousands separator"),
        ("12,500", "got '12,500'; write 12500, without the thousands separator"),
        ("1.234.567", "got '1.234.567'; write 1234567, without the thousands separator"),
        ('"1.250"', "got '1.250'; write 1250, without the thousands separator"),
        ("12.50", "got '12.50'; write a whole number, like 9782"),
        ("0.250", "got '0.250'; write a whole number, like 9782"),
    ],
)
def test_a_number_is_shown_as_written_with_the_fix(population: str, message: str) -> None:
    text = TOWN.replace("population: 9782", f"population: {population}")
    assert _errors(Town, text) == [f"f.md:4: population: expected a whole number, {message}"]


def test_other_fields_show_numbers_as_written_too() -> None:
    text = "title: 1.50\ndate: 2026-01-01\ntown: billund\nsummary: x\n"
    assert _errors(Story, text) == ["f.md:2: title: expected text, got '1.50'; put the text in double quotes"]


def test_distances_take_a_decimal_point() -> None:
    # in a decimal field a point is a decimal point, also before three digits: 1.400 km is 1.4 km
    town = Town.model_validate(parse_yaml(TOWN + "distances:\n  vejle: 40.5\n  kolding: 1.400\n").value)
    assert town.distances is not None
    assert (town.distances.vejle, town.distances.kolding) == (40.5, 1.4)


def test_town_errors() -> None:
    text = "name: X\nsummary: y\npopulation: mange\npopulation_year: 2020\npopulation_source: DST\ndistances: 5\n"
    assert _errors(Town, text) == [
        "f.md:4: population: expected a whole number, got 'mange'",
        "f.md:7: distances: expected fields under it, got '5'",
    ]


def test_topics_without_brackets_are_split_on_commas() -> None:
    story = Story.model_validate(
        {"title": "A", "date": "2026-01-01", "town": "billund", "summary": "B", "topics": "nature, leisure"}
    )
    assert story.topics == ["nature", "leisure"]
