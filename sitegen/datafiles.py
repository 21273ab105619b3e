"""Data files for charts: CSV or YAML tables in content/data/, read with the line of every value.

A CSV file has a header row of column names; lines starting with `#` are comments (use them to say
where the numbers come from). Commas, semicolons or tabs separate the values; with semicolons
(Danish Excel) a decimal comma is read too. A YAML file is either a list of rows or

    note: where the numbers come from (not shown)
    columns:                      # optional: the order of the columns and their labels per language
      år: {da: År, en: Year}
      tilflyttede: {da: Tilflyttede, en: Moved in}
    rows:
      - {år: 2020, tilflyttede: 1234}

In both, numbers are read as written, so a thousands separator (1.400, 12,500) is refused, not
read as 1.4 the way YAML reads it. Paths are relative to content/data/ and may not leave it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .errors import FixableError, did_you_mean
from .yamlfile import THOUSANDS, YamlSyntaxError, parse_yaml, without_thousands_separator

DATA_DIR = "content/data"
SUFFIXES = (".csv", ".yaml", ".yml")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_NUMBER_DECIMAL_COMMA = re.compile(r"^[+-]?\d+(?:,\d+)?$")
_DATA_ARGUMENT = re.compile(r"\{\{<\s*chart\b(?:(?!>\}\}).)*?\bdata=\"([^\"]*)\"", re.S)
_YAML_KEYS = ("columns", "rows", "note", "source")


class DataFileError(FixableError):
    """A data file that is missing, outside content/data/ or cannot be read."""


@dataclass(frozen=True)
class DataTable:
    """A table read from a data file: columns in order, every value with its line in the file."""

    path: str  # relative to the project, e.g. content/data/tilflytning.csv
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]  # values in column order: text from CSV; from YAML, numbers as written
    lines: tuple[tuple[int, ...], ...]  # the line of each value
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> language -> label
    decimal_comma: bool = False

    def index(self, column: str) -> int:
        """The position of a column; DataFileError with the closest name when there is none."""
        if column in self.columns:
            return self.columns.index(column)
        known = ", ".join(self.columns)
        hint = did_you_mean(column, self.columns)
        raise DataFileError(
            f"the column '{column}' is not in {self.path}",
            f"{hint} (columns: {known})" if hint else f"the columns are: {known}",
        )

    def label(self, column: str, lang: str) -> str:
        """The column's label in a language: from the data file, else its name."""
        labels = self.labels.get(column, {})
        return labels.get(lang) or labels.get("*") or column

    def text(self, column: str) -> list[str]:
        """The values of a column as written (for categories such as years or age groups)."""
        position = self.index(column)
        return [_as_text(row[position]) for row in self.rows]

    def numbers(self, column: str) -> list[Decimal]:
        """The values of a column as numbers; DataFileError naming the file and line of a value that is not one."""
        position = self.index(column)
        values = []
        for row, lines in zip(self.rows, self.lines, strict=True):
            number = _as_number(row[position], self.decimal_comma)
            if number is None:
                written = _as_text(row[position])
                what = f"'{written}'" if written.strip() else "an empty value"
                raise DataFileError(
                    f"{what} in the column '{column}' is not a number ({self.path}, line {lines[position]})",
                    _number_hint(written),
                )
            values.append(number)
        return values


def data_files(root: Path) -> list[str]:
    """Every data file under content/data/, relative to it."""
    base = root / DATA_DIR
    if not base.is_dir():
        return []
    return sorted(
        path.relative_to(base).as_posix()
        for path in base.rglob("*")
        if path.suffix.lower() in SUFFIXES and path.is_file()
    )


def resolve_data_file(root: Path, reference: str) -> Path:
    """The data file a short code names, relative to content/data/; DataFileError if it is unusable."""
    written = reference.strip().replace("\\", "/")
    relative = posixpath.normpath(written) if written else ""
    outside = (
        posixpath.isabs(written) or relative == ".." or relative.startswith("../") or ":" in relative.split("/", 1)[0]
    )
    if outside:
        raise DataFileError(
            f"the data file '{reference}' is outside {DATA_DIR}/",
            f'data files are read from {DATA_DIR}/: put the file there and write its name, like data="tilflytning.csv"',
        )
    if not relative or relative == ".":
        raise DataFileError("data is empty", 'name a file in content/data/, like data="tilflytning.csv"')
    if not relative.lower().endswith(SUFFIXES):
        raise DataFileError(f"'{reference}' is not a data file", "use a .csv or .yaml file")
    base = root / DATA_DIR
    target = base / relative
    if not target.is_file():
        hint = did_you_mean(relative, data_files(root))
        raise DataFileError(
            f"the data file '{reference}' does not exist",
            hint or f"put it in {DATA_DIR}/ (looked for {DATA_DIR}/{relative})",
        )
    if not target.resolve().is_relative_to(base.resolve()):
        raise DataFileError(
            f"the data file '{reference}' is a link to a file outside {DATA_DIR}/", f"copy the file into {DATA_DIR}/"
        )
    return target


def load_data_file(root: Path, reference: str) -> DataTable:
    """Read the CSV or YAML file `reference` (relative to content/data/)."""
    target = resolve_data_file(root, reference)
    shown = target.relative_to(root).as_posix() if target.is_relative_to(root) else f"{DATA_DIR}/{reference}"
    try:
        text = target.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(
            f"{shown} is not UTF-8", "save it as UTF-8 (in Excel: CSV UTF-8 (comma delimited))"
        ) from None
    except OSError as exc:
        raise DataFileError(f"{shown} cannot be read ({exc.strerror})", "check the file") from None
    if target.suffix.lower() == ".csv":
        return _read_csv(text, shown)
    return _read_yaml(text, shown)


def data_fingerprint(root: Path, body: str) -> str:
    """A hash of the data files the chart short codes in a Markdown body read ('' when there are none).

    Part of a page's fingerprint, so a changed data file re-renders the pages that show it."""
    if "chart" not in body:
        return ""
    parts: list[str] = []
    for reference in _DATA_ARGUMENT.findall(body):
        try:
            content = resolve_data_file(root, reference).read_bytes()
        except (FixableError, OSError):
            content = b"missing"
        parts.append(f"{reference} {hashlib.sha256(content).hexdigest()}")
    return "\ndata:" + "\n".join(parts) if parts else ""


def _read_csv(text: str, shown: str) -> DataTable:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[object, ...]] = []
    row_lines: list[tuple[int, ...]] = []
    previous = 0
    try:
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if not cells or not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header, header_line = _header([cell.strip() for cell in cells], shown, line), line
                continue
            while len(cells) > len(header) and not cells[-1].strip():
                cells = cells[:-1]  # a separator at the end of the line
            if len(cells) != len(header):
                raise DataFileError(
                    f"{shown}, line {line}, has {len(cells)} values, but the header (line {header_line}) "
                    f"has {len(header)} columns",
                    f"check the separators ('{delimiter}') in that line; quote values that contain one",
                )
            rows.append(tuple(cell.strip() for cell in cells))
            row_lines.append((line,) * len(cells))
    except csv.Error as exc:
        raise DataFileError(f"{shown}, line {reader.line_num}, cannot be read ({exc})", "check the quotes") from None
    if header is None or not rows:
        raise DataFileError(f"{shown} has no rows", "write a header line with the column names, then one line per row")
    return DataTable(shown, tuple(header), tuple(rows), tuple(row_lines), {}, delimiter == ";")


def _header(names: list[str], shown: str, line: int) -> list[str]:
    for position, name in enumerate(names, start=1):
        if not name:
            raise DataFileError(f"{shown}, line {line}: column {position} has no name", "write a name in the header")
        if names.index(name) != position - 1:
            raise DataFileError(
                f"{shown}, line {line}: the column '{name}' is there twice", "give each column its own name"
            )
    return names


def _read_yaml(text: str, shown: str) -> DataTable:
    try:
        parsed = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise DataFileError(f"{shown}, line {exc.line}: {exc.message}", exc.hint) from None
    if parsed.duplicates:
        key, line = parsed.duplicates[0]
        raise DataFileError(f"{shown}, line {line}: '{key}' is written twice", "keep one of them")
    document = parsed.value
    prefix: tuple[str, ...] = ()
    declared: dict[str, object] = {}
    if isinstance(document, dict):
        for key in document:
            if key not in _YAML_KEYS:
                hint = did_you_mean(str(key), _YAML_KEYS) or f"known fields: {', '.join(_YAML_KEYS)}"
                raise DataFileError(f"{shown}, line {parsed.line_of((key,))}: unknown field '{key}'", hint)
        columns = document.get("columns") or {}
        if not isinstance(columns, dict):
            raise DataFileError(
                f"{shown}, line {parsed.line_of(('columns',))}: columns must be column names with their labels",
                "write it like  år: {da: År, en: Year}",
            )
        declared, prefix, document = columns, ("rows",), document.get("rows")
    if not isinstance(document, list) or not document:
        raise DataFileError(f"{shown} has no rows", "write rows: with one line per row, like - {år: 2020, antal: 12}")
    names = [str(name) for name in declared]
    for position, row in enumerate(document):
        if not isinstance(row, dict):
            line = parsed.line_of((*prefix, position))
            raise DataFileError(f"{shown}, line {line}: a row must be names and values", "like - {år: 2020, antal: 12}")
        for name in row:
            if str(name) not in names:
                if declared:
                    line = parsed.line_of((*prefix, position, name))
                    hint = did_you_mean(str(name), names) or f"add it under columns: ({', '.join(names)})"
                    raise DataFileError(f"{shown}, line {line}: the column '{name}' is not under columns:", hint)
                names.append(str(name))
    rows: list[tuple[object, ...]] = []
    row_lines: list[tuple[int, ...]] = []
    for position, row in enumerate(document):
        by_name = {str(name): value for name, value in row.items()}
        missing = [name for name in names if name not in by_name]
        if missing:
            line = parsed.line_of((*prefix, position))
            raise DataFileError(f"{shown}, line {line}: the row has no value for '{missing[0]}'", "add it to the row")
        # numbers as written, as in CSV: YAML reads 1.400 as 1.4
        rows.append(tuple(parsed.written.get((*prefix, position, name), by_name[name]) for name in names))
        row_lines.append(tuple(parsed.line_of((*prefix, position, name)) for name in names))
    labels = {str(name): _labels(value) for name, value in declared.items()}
    return DataTable(shown, tuple(names), tuple(rows), tuple(row_lines), labels)


def _labels(value: object) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(lang): str(label) for lang, label in value.items() if label is not None}
    if value is None:
        return {}
    return {"*": str(value)}  # the same label in every language


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number_hint(written: str) -> str:
    """How to write a value that is not a number: with the editor's own number when it has a thousands separator."""
    plain = without_thousands_separator(written)
    if plain is not None:
        return f"write {plain}, without the thousands separator"
    return "write numbers with digits only, like 1234 or 12.5, without thousands separators"


def _as_number(value: object, decimal_comma: bool) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return Decimal(str(value)) if value == value and abs(value) != float("inf") else None
    text = str(value).strip().replace("\u2212", "-")
    if THOUSANDS.match(text):
        return None
    if _NUMBER.match(text):
        return Decimal(text)
    if decimal_comma and _NUMBER_DECIMAL_COMMA.match(text):
        return Decimal(text.replace(",", "."))
    return None
