"""Drawing a chart as inline SVG: the scale and its ticks, bars, lines, patterns, legend and labels.

Every series has its own colour of a different lightness AND a pattern (bars) or dash and marker
shape (lines), a legend and, for lines, labels at the ends, so the chart reads in grey and for
people who do not see some colours. The SVG has role="img" with a <title> and a <desc> (the text
summary written by sitegen/charts.py). Colours are SVG attributes, never style= attributes: the
site's Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import escape

if TYPE_CHECKING:
    from .charts import Chart

WIDTH = 480  # the viewBox width; the SVG scales to the width of the text column
PLOT_HEIGHT = 230
FONT = 15  # axis labels and legend, in viewBox units
VALUE_FONT = 12  # numbers on the bars
BAR_GAP = 3  # between the bars of one category
INK = "#1b1f3b"
GRID = "#d5d8e4"
WHITE = "#fff"

_Scale = Callable[[float], float]  # a value -> its y in the SVG


@dataclass(frozen=True)
class _Look:
    """How one series is drawn: bars get a fill and a pattern, lines a colour, a dash and a marker."""

    fill: str
    pattern: str  # "", "stripes", "dots" or "cross"
    line: str
    dash: str
    marker: str


# Lightness differs (blue dark, yellow light, green and red mid) and every series has its own pattern,
# dash and marker, so the chart reads in grey and for people who do not see some colours.
LOOKS = (
    _Look("#0055bf", "", "#0055bf", "", "circle"),
    _Look("#ffd500", "stripes", "#c8102e", "9 5", "square"),
    _Look("#007a33", "dots", "#007a33", "2 4", "triangle"),
    _Look("#c8102e", "cross", INK, "12 4 3 4", "diamond"),
)


def svg(chart: Chart, description: str) -> str:
    """The chart as an SVG that scales to the text column (viewBox, width 100%), `description` as its <desc>."""
    values = [float(v) for series in chart.series for v in series.values]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    tick_labels = [chart.number(_decimal(tick)) for tick in ticks]
    left = math.ceil(max(_text_width(label, FONT) for label in tick_labels) + 12)
    end_width = max(_text_width(s.label, FONT) for s in chart.series) + 18
    end_labels = chart.kind == "line" and end_width <= WIDTH / 4  # names at the ends of the lines, when they fit
    right = math.ceil(end_width) if end_labels else 8
    plot_width = WIDTH - left - right
    count = len(chart.categories)
    slot = plot_width / count

    parts: list[str] = []
    legend, y = _legend(chart)
    parts.append(legend)
    if chart.y_label:
        y += FONT
        parts.append(_text(0, y, chart.y_label, anchor="start"))
        y += 6
    bar_width = _bar_width(slot, len(chart.series))
    value_labels = chart.kind == "bar" and all(
        _text_width(chart.number(v), VALUE_FONT) <= bar_width + BAR_GAP for s in chart.series for v in s.values
    )
    top = y + (VALUE_FONT + 8 if value_labels else 10)
    bottom = top + PLOT_HEIGHT

    def scale(value: float) -> float:
        return bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * PLOT_HEIGHT

    for tick, label in zip(ticks, tick_labels, strict=True):
        at = scale(tick)
        parts.append(f'<line x1="{left}" y1="{_n(at)}" x2="{WIDTH - right}" y2="{_n(at)}" stroke="{GRID}"/>')
        parts.append(_text(left - 8, at + FONT * 0.35, label, anchor="end"))
    if chart.kind == "bar":
        parts.append(_bars(chart, left, slot, bar_width, scale, value_labels))
    else:
        parts.append(_lines(chart, left, slot, scale, end_labels))
    zero = scale(0.0)
    parts.append(
        f'<line x1="{left}" y1="{_n(zero)}" x2="{WIDTH - right}" y2="{_n(zero)}" stroke="{INK}" stroke-width="1.5"/>'
    )

    step = max(1, math.ceil((max(_text_width(c, FONT) for c in chart.categories) + 8) / slot))
    baseline = bottom + FONT + 8
    for position, category in enumerate(chart.categories):
        if position % step == 0:
            parts.append(_text(left + slot * (position + 0.5), baseline, category))
    baseline += FONT + 10
    parts.append(_text(left + plot_width / 2, baseline, chart.x_label))
    height = math.ceil(baseline + 8)

    cid = escape(chart.id)
    return (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-size="{FONT}" fill="{INK}">'
        f'<title id="{cid}-title">{escape(chart.title)}</title>'
        f'<desc id="{cid}-desc">{escape(description)}</desc>'
        f"{_patterns(chart)}{''.join(parts)}</svg>"
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values from at or below `low` to at or above `high`: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    return [round(start + i * step, 10) for i in range(round((end - start) / step) + 1)]


def _decimal(value: float) -> Decimal:
    return Decimal(repr(round(value, 10))).normalize() + 0  # + 0 turns -0 into 0


def _bar_width(slot: float, series: int) -> float:
    group = slot * (0.62 if series == 1 else 0.8)
    return (group - BAR_GAP * (series - 1)) / series


def _bars(chart: Chart, left: float, slot: float, width: float, scale: _Scale, value_labels: bool) -> str:
    parts = []
    group = width * len(chart.series) + BAR_GAP * (len(chart.series) - 1)
    zero = scale(0.0)
    for number, series in enumerate(chart.series):
        fill = _fill(chart, number)
        for position, value in enumerate(series.values):
            x = left + slot * position + (slot - group) / 2 + number * (width + BAR_GAP)
            at = scale(float(value))
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(min(at, zero))}" width="{_n(width)}" height="{_n(abs(zero - at))}" '
                f'fill="{fill}" stroke="{INK}"/>'
            )
            if value_labels:
                below = value < 0
                label_y = at + VALUE_FONT + 3 if below else at - 5
                parts.append(_text(x + width / 2, label_y, chart.number(value), size=VALUE_FONT))
    return "".join(parts)


def _lines(chart: Chart, left: float, slot: float, scale: _Scale, end_labels: bool) -> str:
    parts = []
    ends = []
    for number, series in enumerate(chart.series):
        look = LOOKS[number]
        points = [(left + slot * (p + 0.5), scale(float(v))) for p, v in enumerate(series.values)]
        dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{look.line}" stroke-width="3" '
            f'stroke-linejoin="round"{dash}/>'
        )
        parts.extend(_marker(look, x, y) for x, y in points)
        ends.append((points[-1][1], points[-1][0], series.label))
    placed = -math.inf
    for y, x, label in sorted(ends) if end_labels else ():  # moved apart when they would overlap
        y = max(y, placed + FONT + 2)
        placed = y
        parts.append(_text(x + 10, y + FONT * 0.35, label, anchor="start"))
    return "".join(parts)


def _legend(chart: Chart) -> tuple[str, float]:
    """The legend in rows across the top; returns it and the y it ends at."""
    parts = []
    x, y = 0.0, 4.0
    for number, series in enumerate(chart.series):
        width = 30 + _text_width(series.label, FONT)
        if x > 0 and x + width > WIDTH:
            x, y = 0.0, y + 26
        if chart.kind == "bar":
            fill = _fill(chart, number)
            parts.append(f'<rect x="{_n(x)}" y="{_n(y + 3)}" width="22" height="16" fill="{fill}" stroke="{INK}"/>')
        else:
            look = LOOKS[number]
            dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(y + 11)}" x2="{_n(x + 22)}" y2="{_n(y + 11)}" stroke="{look.line}" '
                f'stroke-width="3"{dash}/>'
            )
            parts.append(_marker(look, x + 11, y + 11))
        parts.append(_text(x + 28, y + 16, series.label, anchor="start"))
        x += width + 18
    return "".join(parts), y + 28


def _patterns(chart: Chart) -> str:
    """Pattern fills for the bars of the second and later series."""
    if chart.kind != "bar":
        return ""
    definitions = []
    for number in range(1, len(chart.series)):
        look = LOOKS[number]
        mark = {
            "stripes": f'<rect width="3" height="8" fill="{INK}"/>',
            "dots": f'<circle cx="4" cy="4" r="1.8" fill="{WHITE}"/>',
            "cross": f'<rect width="2" height="8" fill="{WHITE}"/><rect width="8" height="2" fill="{WHITE}"/>',
        }[look.pattern]
        turn = "" if look.pattern == "dots" else ' patternTransform="rotate(45)"'
        definitions.append(
            f'<pattern id="{escape(chart.id)}-pattern-{number + 1}" width="8" height="8" patternUnits="userSpaceOnUse"'
            f'{turn}><rect width="8" height="8" fill="{look.fill}"/>{mark}</pattern>'
        )
    return f"<defs>{''.join(definitions)}</defs>" if definitions else ""


def _fill(chart: Chart, number: int) -> str:
    look = LOOKS[number]
    return f"url(#{escape(chart.id)}-pattern-{number + 1})" if look.pattern else look.fill


def _marker(look: _Look, x: float, y: float) -> str:
    edge = f'fill="{look.line}" stroke="{WHITE}" stroke-width="1.5"'
    if look.marker == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" {edge}/>'
    if look.marker == "square":
        return f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" {edge}/>'
    if look.marker == "triangle":
        return f'<path d="M{_n(x)} {_n(y - 6)}L{_n(x + 5.5)} {_n(y + 4)}L{_n(x - 5.5)} {_n(y + 4)}Z" {edge}/>'
    return (
        f'<path d="M{_n(x)} {_n(y - 6.5)}L{_n(x + 6.5)} {_n(y)}L{_n(x)} {_n(y + 6.5)}L{_n(x - 6.5)} {_n(y)}Z" {edge}/>'
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = FONT) -> str:
    font = f' font-size="{size}"' if size != FONT else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{font}>{escape(text)}</text>'


def _text_width(text: str, size: int) -> float:
    """A generous estimate of the width of a text in the system font, in viewBox units."""
    ems = sum(0.3 if c in ".,:;'|!il1 " else 0.85 if c in "mwMWÆæ" else 0.6 for c in text)
    return ems * size


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
