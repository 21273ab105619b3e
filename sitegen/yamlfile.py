"""YAML parsing that remembers where every value stands, so errors can name a line.

Uses libyaml's C parser. Dates stay text (the schemas parse them), so an impossible
date becomes a readable schema error instead of a crash in the YAML constructor.
Numbers are read as YAML reads them, but their text is kept too: YAML reads the Danish
1.400 (fourteen hundred) as 1.4, and only the text shows the thousands separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_TEXT_TAG = "tag:yaml.org,2002:str"
_COMMENT = re.compile(r"[ \t]+#")
# 1.400 or 12,500: most likely a thousands separator (Danish or English); 0.125 is a decimal
THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:[.,]\d{3})+$")


class _TextDatesLoader(yaml.CSafeLoader):
    """libyaml's safe loader without the implicit timestamp resolver."""


setattr(  # noqa: B010 - the stubs do not declare this class attribute
    _TextDatesLoader,
    "yaml_implicit_resolvers",
    {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in getattr(yaml.CSafeLoader, "yaml_implicit_resolvers").items()  # noqa: B009
    },
)

Location = tuple[str | int, ...]


@dataclass
class ParsedYaml:
    """The parsed value, the line of each mapping key / sequence item, duplicate keys, and numbers as written."""

    value: Any
    lines: dict[Location, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    written: dict[Location, str] = field(default_factory=dict)  # the text of each value YAML read as a number
    # unquoted text followed by ' #' on its line: YAML reads the rest of the line as a comment
    cut_by_comment: dict[Location, int] = field(default_factory=dict)  # location -> line

    def line_of(self, location: Location, default: int = 1) -> int:
        """The line of the deepest known part of `location`."""
        for end in range(len(location), 0, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return default


class YamlSyntaxError(Exception):
    """Malformed YAML, with the 1-based line of the problem and a plain-language message."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def parse_yaml(text: str, first_line: int = 1) -> ParsedYaml:
    """Parse one YAML document; line numbers count from `first_line`."""
    if "\t" in text:
        for number, line_text in enumerate(text.split("\n"), start=first_line):
            if "\t" in line_text[: len(line_text) - len(line_text.lstrip())]:
                raise YamlSyntaxError(number, "a tab is used for indentation", "indent with spaces instead")
    loader = _TextDatesLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "end of stream" in (exc.problem or "") and exc.context_mark:
            mark = exc.context_mark  # where the unclosed quote or bracket opened
        line = first_line + (mark.line if mark else 0)
        unclosed = _unclosed(text, line - first_line)
        if unclosed is not None:
            number, message, hint = unclosed
            raise YamlSyntaxError(first_line + number, message, hint) from None
        raise YamlSyntaxError(line, _describe(exc), _hint(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(first_line, f"the YAML cannot be read ({exc})", "check the quotes") from None
    finally:
        loader.dispose()
    parsed = ParsedYaml(value)
    if node is not None:
        _index(node, (), parsed, first_line, text.split("\n") if "#" in text else None)
    return parsed


def _index(node: yaml.Node, location: Location, parsed: ParsedYaml, first_line: int, lines: list[str] | None) -> None:
    """Record lines, duplicates, numbers as written and text cut by a comment (`lines`: the text's lines,
    None when it has no '#')."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = first_line + key_node.start_mark.line
            if key in seen:
                parsed.duplicates.append((".".join(map(str, (*location, key))), line))
            seen.add(key)
            parsed.lines[(*location, key)] = line
            _index(value_node, (*location, key), parsed, first_line, lines)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            parsed.lines[(*location, position)] = first_line + item.start_mark.line
            _index(item, (*location, position), parsed, first_line, lines)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain, not quoted
        if node.tag in _NUMBER_TAGS:
            parsed.written[location] = str(node.value)
        elif lines is not None and node.tag == _TEXT_TAG:
            end = node.end_mark
            if _COMMENT.match(lines[end.line][end.column :]):
                parsed.cut_by_comment[location] = first_line + end.line


def without_thousands_separator(written: str) -> str | None:
    """'1250' for a number written with a thousands separator ('1.250', '1,250'); None for any other text."""
    text = written.strip().replace("\u2212", "-")
    return re.sub(r"[.,]", "", text) if THOUSANDS.match(text) else None


def _unclosed(text: str, up_to: int) -> tuple[int, str, str] | None:
    """The first line (0-based, at most `up_to`) whose value opens a quote or a [list] it does not close."""
    for number, line in enumerate(text.split("\n")[: up_to + 1]):
        _, colon, value = line.partition(": ")
        value = value.strip() if colon else line.strip().removeprefix("- ").strip()
        if value.startswith('"') and (len(value) == 1 or not value.replace('\\"', "").endswith('"')):
            return number, "a quote is opened but never closed", "close the quote at the end of the value"
        if value.startswith("[") and value.count("[") > value.count("]"):
            return number, "a list in [ ] is opened but never closed", "end the list with ] on the same line"
    return None


def _describe(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "found unexpected end of stream" in problem or "found unexpected end of stream" in context:
        return "a quote is opened but never closed"
    if "mapping values are not allowed" in problem:
        return "YAML found a ':' it did not expect (in a value, or after a line indented wrongly)"
    if "could not find expected ':'" in problem:
        return "a line is missing its ':' between field and value"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return "the indentation is wrong"
    return f"the YAML cannot be read: {problem or context}"


def _hint(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "") + (exc.context or "")
    if "mapping values are not allowed" in problem:
        return (
            'put a value that contains ": " in double quotes (title: "Nyt: havnebad") '
            "and start every field at the same indentation"
        )
    if "end of stream" in problem:
        return "close the quote at the end of the value"
    if "expected ':'" in problem:
        return "write each field as 'name: value'"
    return "line the fields up at the same indentation and quote values that contain special characters"
