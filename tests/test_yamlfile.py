"""YAML with line numbers and plain-language syntax errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.yamlfile import YamlSyntaxError, parse_yaml


def test_lines_count_from_the_given_first_line() -> None:
    parsed = parse_yaml("title: x\ntopics:\n  - a\n  - b\n", first_line=2)
    assert parsed.value == {"title": "x", "topics": ["a", "b"]}
    assert parsed.line_of(("title",)) == 2
    assert parsed.line_of(("topics", 1)) == 5
    assert parsed.line_of(("unknown", 3)) == 1


def test_dates_stay_text() -> None:
    assert parse_yaml("date: 2026-13-01\n").value == {"date": "2026-13-01"}


def test_duplicate_keys_are_found() -> None:
    assert parse_yaml("a: 1\nb: 2\na: 3\n", first_line=2).duplicates == [("a", 4)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb:\n\t- x\n", 4, "a tab is used for indentation"),
        ('title: "abc\ndate: 1\nc: "d"\n', 2, "a quote is opened but never closed"),
        ("title: Nyt: x\n", 2, "YAML found a ':' it did not expect"),
        ("a: 1\n  b: 2\n", 3, "YAML found a ':' it did not expect"),
        ("a: [1, 2\nb: 3\n", 2, "a list in [ ] is opened but never closed"),
        ("a: {b\n", 3, "the YAML cannot be read"),
    ],
)
def test_syntax_errors_in_plain_language(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text, first_line=2)
    assert caught.value.line == line
    assert caught.value.message.startswith(message)
    assert caught.value.hint


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_a_syntax_error(text: str) -> None:
    try:
        parse_yaml(text)
    except YamlSyntaxError as exc:
        assert exc.line >= 1 and exc.message
