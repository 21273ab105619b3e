"""The `chart` short code: a bar or line chart drawn as inline SVG at build time, followed by its data as a table.

Editors write, in a story's Markdown:

    {{< chart data="tilflytning.csv" type="bar" x="år" y="tilflyttede,fraflyttede" title="Flytninger" >}}

- data: a CSV or YAML file in content/data/ (see sitegen/datafiles.py); required
- title: the chart's title in the story's language; required
- type: bar (default) or line
- x: the column of the categories along the bottom (years, age groups); default the first column
- y: the columns to draw, separated by commas, at most four; default every other column
- labels: the names to show for x and then each y column, separated by commas (the English story
  gives English names); default the labels in the data file, else the column names
- y_label: the title of the value axis, e.g. "Personer"
- caption: a note under the table, e.g. the source of the numbers

This module owns the short code: its arguments and their errors, the text summary (the SVG's
<desc>: what is shown, the highest and lowest value of each series), the data table and the
<figure>. The SVG itself is drawn by sitegen/chartsvg.py. The chart is accessible without
JavaScript or colour: the numbers always follow as an HTML table, written the local way (1.324 in
Danish, 1,324 in English).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.numbers import format_decimal
from markupsafe import escape

from .chartsvg import svg
from .datafiles import load_data_file
from .errors import FixableError, did_you_mean

if TYPE_CHECKING:
    from .shortcodes import ShortcodeContext

TYPES = ("bar", "line")
REQUIRED = ("data", "title")
OPTIONAL = ("type", "x", "y", "labels", "y_label", "caption")
MAX_SERIES = 4

WORDS: dict[str, dict[str, str]] = {
    "da": {
        "bar": "Søjlediagram",
        "line": "Kurvediagram",
        "summary": "{kind} over {series} efter {x}, fra {first} til {last}.",
        "extremes": "{name}: højest {high} ({high_at}), lavest {low} ({low_at}).",
        "same": "{name}: {value} hver gang.",
        "and": "og",
        "see_table": "Alle tal står i tabellen under diagrammet.",
        "table": "Tabel: {title}",
    },
    "en": {
        "bar": "Bar chart",
        "line": "Line chart",
        "summary": "{kind} of {series} by {x}, from {first} to {last}.",
        "extremes": "{name}: highest {high} ({high_at}), lowest {low} ({low_at}).",
        "same": "{name}: {value} every time.",
        "and": "and",
        "see_table": "All the numbers are in the table below the chart.",
        "table": "Table: {title}",
    },
}


class ChartError(FixableError):
    """A chart short code that cannot be drawn."""


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Chart:
    """Everything the SVG and the table are drawn from."""

    id: str
    kind: str
    title: str
    x_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    y_label: str
    caption: str
    lang: str
    locale: str

    def number(self, value: Decimal | float) -> str:
        return str(format_decimal(value, locale=self.locale))


def chart(args: dict[str, str], context: ShortcodeContext) -> str:
    """The HTML of one chart short code; ChartError ('chart: ...') when it cannot be drawn."""
    try:
        return render_chart(read_chart(args, context))
    except FixableError as exc:
        raise ChartError(f"chart: {exc.message}", exc.hint) from None


def read_chart(args: dict[str, str], context: ShortcodeContext) -> Chart:
    """Check the arguments and read the data file into a Chart."""
    missing = [name for name in REQUIRED if name not in args]
    if missing:
        example = 'data="tilflytning.csv"' if missing[0] == "data" else 'title="Tilflyttede og fraflyttede"'
        raise ChartError(f"{missing[0]} is missing", f"add {example}")
    unknown = sorted(set(args) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        known = ", ".join(sorted((*REQUIRED, *OPTIONAL)))
        hint = did_you_mean(unknown[0], (*REQUIRED, *OPTIONAL))
        raise ChartError(f"unknown argument '{unknown[0]}'", f"{hint} (known arguments: {known})" if hint else known)
    kind = args.get("type", "bar").strip()
    if kind not in TYPES:
        hint = did_you_mean(kind, TYPES)
        raise ChartError(
            f"unknown chart type '{kind}'", f"{hint} (types: bar, line)" if hint else 'use type="bar" or type="line"'
        )
    title = args["title"].strip()
    if not title:
        raise ChartError("title is empty", "say what the chart shows, in the language of the story")
    table = load_data_file(context.root, args["data"])
    x = args.get("x", "").strip() or table.columns[0]
    table.index(x)
    written_y = [name.strip() for name in args["y"].split(",")] if "y" in args else []
    y = [name for name in written_y if name] or [name for name in table.columns if name != x]
    if not y:
        raise ChartError(f"{table.path} has only the column '{x}'", "add a column of numbers to draw")
    if len(y) > MAX_SERIES:
        raise ChartError(
            f"y names {len(y)} columns; a chart can show at most {MAX_SERIES}", "make two charts, or fewer columns"
        )
    for name in (x, *y):
        table.index(name)
    labels = [table.label(name, context.lang) for name in (x, *y)]
    if args.get("labels", "").strip():
        labels = [label.strip() for label in args["labels"].split(",")]
        if len(labels) != 1 + len(y) or not all(labels):
            raise ChartError(
                f"labels has {len(labels)} names, but x and y name {1 + len(y)} columns ({', '.join((x, *y))})",
                f'write one name for each, separated by commas: labels="{",".join(labels[:1] + y)}"',
            )
    series = tuple(Series(label, tuple(table.numbers(name))) for label, name in zip(labels[1:], y, strict=True))
    return Chart(
        id=context.next_id("chart"),
        kind=kind,
        title=title,
        x_label=labels[0],
        categories=tuple(table.text(x)),
        series=series,
        y_label=args.get("y_label", "").strip(),
        caption=args.get("caption", "").strip(),
        lang=context.lang,
        locale=context.locale,
    )


def render_chart(chart: Chart) -> str:
    """The figure: the title, the SVG, the data table and the caption."""
    note = f'<p class="chart-note">{escape(chart.caption)}</p>' if chart.caption else ""
    return (
        f'<figure class="chart chart-{chart.kind}"><figcaption class="chart-title">{escape(chart.title)}</figcaption>'
        f"{svg(chart, summary(chart))}{data_table(chart)}{note}</figure>"
    )


def summary(chart: Chart) -> str:
    """The text alternative of the chart: what it shows, and the highest and lowest value of each series."""
    words = WORDS.get(chart.lang, WORDS["en"])
    names = [series.label for series in chart.series]
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {words['and']} {names[-1]}"
    parts = [
        words["summary"].format(
            kind=words[chart.kind], series=joined, x=chart.x_label, first=chart.categories[0], last=chart.categories[-1]
        )
    ]
    for series in chart.series:
        values = series.values
        high = max(range(len(values)), key=values.__getitem__)
        low = min(range(len(values)), key=values.__getitem__)
        if values[high] == values[low]:
            parts.append(words["same"].format(name=_capital(series.label), value=chart.number(values[high])))
            continue
        parts.append(
            words["extremes"].format(
                name=_capital(series.label),
                high=chart.number(values[high]),
                high_at=chart.categories[high],
                low=chart.number(values[low]),
                low_at=chart.categories[low],
            )
        )
    parts.append(words["see_table"])
    return " ".join(parts)


def data_table(chart: Chart) -> str:
    """The numbers of the chart as a table with a caption and header cells."""
    words = WORDS.get(chart.lang, WORDS["en"])
    head = "".join(
        f'<th scope="col">{escape(label)}</th>' for label in (chart.x_label, *(s.label for s in chart.series))
    )
    rows = []
    for position, category in enumerate(chart.categories):
        cells = "".join(f"<td>{escape(chart.number(s.values[position]))}</td>" for s in chart.series)
        rows.append(f'<tr><th scope="row">{escape(category)}</th>{cells}</tr>')
    caption = escape(words["table"].format(title=chart.title))
    return (
        f'<table class="chart-data"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _capital(text: str) -> str:
    """A label at the start of a sentence: 'tilflyttede' -> 'Tilflyttede'."""
    return text[:1].upper() + text[1:]
