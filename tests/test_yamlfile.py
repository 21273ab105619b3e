"""YAML with line numbers and plain-language syntax errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.yamlfile import YamlSyntaxError, parse_yaml, without_thousands_separator


def test_lines_count_from_the_given_first_line() -> None:
    parsed = parse_yaml("title: x\ntopics:\n  - a\n  - b\n", first_line=2)
    assert parsed.value == {"title": "x", "topics": ["a", "b"]}
    assert parsed.line_of(("title",)) == 2
    assert parsed.line_of(("topics", 1)) == 5
    assert parsed.line_of(("unknown", 3)) == 1


def test_dates_stay_text() -> None:
    assert parse_yaml("date: 2026-13-01\n").value == {"date": "2026-13-01"}


def test_numbers_keep_the_text_they_were_written_as() -> None:
    parsed = parse_yaml('a: 1.400\nb: "1.400"\nc: [12.5, -3, "0-5", 0-5]\nd: {e: 2020}\nf: true\ng: 2026-01-01\n')
    assert parsed.value == {
        "a": 1.4,
        "b": "1.400",
        "c": [12.5, -3, "0-5", "0-5"],
        "d": {"e": 2020},
        "f": True,
        "g": "2026-01-01",
    }
    assert parsed.written == {("a",): "1.400", ("c", 0): "12.5", ("c", 1): "-3", ("d", "e"): "2020"}


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("1.400", "1400"),
        ("9.782", "9782"),
        ("12,500", "12500"),
        ("-1.234.567", "-1234567"),
        (" 1.250 ", "1250"),
        ("12.5", None),
        ("1400", None),
        ("0.250", None),  # a decimal: nobody writes a thousands separator after 0
        ("1.4000", None),
        ("1.400,5", None),
        ("2020", None),
        ("0-5", None),
    ],
)
def test_a_thousands_separator_is_recognised_in_the_written_text(written: str, plain: str | None) -> None:
    assert without_thousands_separator(written) == plain


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
