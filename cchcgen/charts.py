"""Line charts of reform index results (PAR INDEX, SIPAS, PAPI, ...) as inline SVG.

We draw the SVG ourselves, at build time, instead of using a charting library:

* no JavaScript and no request to a third-party CDN: the page works offline, behind a
  government firewall and with scripts off, and tells nobody who read it;
* the chart is plain vector markup with presentation attributes, so it prints sharply
  in black and white and scales with the page (the stylesheet sets ``width: 100%``);
* the output is deterministic (same input, same bytes; coordinates rounded to one
  decimal, no random ids), which keeps builds reproducible and golden tests stable;
* the markup is small enough to check by hand for accessibility: ``role="img"`` with a
  title and description, values written as text next to their points, dark text colours,
  markers as well as colour. The data table after the chart is the text alternative.

``line_chart`` returns markup that the template marks safe, so every text put in it is
escaped here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = (
    "'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif"
)
FONT_SIZE = 14  # user units; 14 at the default width of 640
TEXT_COLOUR = "#1b1b1b"  # 17:1 on white
MUTED_COLOUR = "#4a4a4a"  # 8.9:1 on white
GRID_COLOUR = "#c4c4c4"  # decorative; the tick labels carry the information
LINE_COLOUR = "#9b0d1e"  # 8.6:1 on white
LINE_WIDTH = 3
MARKER_RADIUS = 5
DECIMAL_SEPARATOR = ","  # tick labels in the Vietnamese way, like the values' labels

# Margins around the plot area, in user units.
MARGIN_LEFT = 60  # room for tick labels such as "86,45"
MARGIN_RIGHT = 16
MARGIN_TOP = 28  # room for a value label above a point at max_value
MARGIN_TOP_WITH_AXIS_LABEL = 40
MARGIN_BOTTOM = 36  # room for the years
INNER_PAD_X = 28  # keeps the first and last points' labels inside the chart
LABEL_GAP = 10  # between a point and its value label
YEAR_LABEL_MIN_DISTANCE = 44  # closer year labels would overlap ("2019" is about 34 wide)
MIN_WIDTH, MIN_HEIGHT = 200, 120


@dataclass(frozen=True, slots=True)
class Point:
    year: int
    value: float
    label: str  # the value as shown, e.g. "86,45" (Vietnamese decimal comma) - caller formats it


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plot area and the scales that map a year and a value into it."""

    left: float
    right: float
    top: float
    bottom: float
    first_year: int
    last_year: int
    max_value: float

    def x(self, year: int) -> float:
        inner_left, inner_right = self.left + INNER_PAD_X, self.right - INNER_PAD_X
        if self.first_year == self.last_year:
            return (inner_left + inner_right) / 2
        share = (year - self.first_year) / (self.last_year - self.first_year)
        return inner_left + share * (inner_right - inner_left)

    def y(self, value: float) -> float:
        return self.bottom - value / self.max_value * (self.bottom - self.top)


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    max_value: float,
    chart_id: str,
    value_axis_label: str = "",
    width: int = 640,
    height: int = 320,
    empty_text: str = "",
) -> str:
    """An ``<svg>`` line chart of ``points`` on a 0 to ``max_value`` scale.

    Points are drawn in year order with x proportional to the year, so gaps between
    years show. ``title`` and ``description`` name the chart for assistive technology;
    ``empty_text`` is shown when there are no points.
    """
    _check_arguments(points, max_value, chart_id, width, height)
    parts = [_open_svg(chart_id, width, height), _title_and_desc(chart_id, title, description)]
    if points:
        ordered = sorted(points, key=lambda point: point.year)
        frame = _frame(ordered, max_value, width, height, bool(value_axis_label))
        parts += [
            _value_axis(frame, value_axis_label),
            _year_axis(frame, ordered),
            _line(frame, ordered),
            _markers(frame, ordered),
            _value_labels(frame, ordered),
        ]
    else:
        parts.append(_empty(width, height, empty_text))
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)


# ---------------------------------------------------------------- checks and layout


def _check_arguments(
    points: Sequence[Point], max_value: float, chart_id: str, width: int, height: int
) -> None:
    if not math.isfinite(max_value) or max_value <= 0:
        raise ValueError(f"max_value must be a positive number, got {max_value!r}")
    if not chart_id or any(char.isspace() for char in chart_id):
        raise ValueError(f"chart_id must be a non-empty id without spaces, got {chart_id!r}")
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(f"the chart must be at least {MIN_WIDTH}×{MIN_HEIGHT}")
    years = [point.year for point in points]
    if len(set(years)) != len(years):
        raise ValueError(f"one point per year, got years {sorted(years)}")
    for point in points:
        if not (math.isfinite(point.value) and 0 <= point.value <= max_value):
            raise ValueError(f"the value for {point.year} is outside 0–{max_value:g}")


def _frame(
    ordered: Sequence[Point], max_value: float, width: int, height: int, axis_label: bool
) -> _Frame:
    return _Frame(
        left=MARGIN_LEFT,
        right=width - MARGIN_RIGHT,
        top=MARGIN_TOP_WITH_AXIS_LABEL if axis_label else MARGIN_TOP,
        bottom=height - MARGIN_BOTTOM,
        first_year=ordered[0].year,
        last_year=ordered[-1].year,
        max_value=max_value,
    )


def _ticks(max_value: float) -> list[float]:
    """0 to ``max_value`` in 4 or 5 steps, whichever step is rounder (20 for 100 and 80)."""

    def roundness(steps: int) -> tuple[int, int, int]:
        step = max_value / steps
        mantissa = round(step / 10 ** math.floor(math.log10(step)), 6)
        rank = 0 if mantissa in (1, 2, 5) else 1 if mantissa == 2.5 else 2
        decimals = len(_number(step).partition(DECIMAL_SEPARATOR)[2])
        return rank, decimals, -steps

    steps = min((5, 4), key=roundness)
    return [max_value * index / steps for index in range(steps + 1)]


def _year_labels_shown(frame: _Frame, ordered: Sequence[Point]) -> set[int]:
    """Years whose label fits without overlapping the previous one; the last year always."""
    shown: list[int] = []
    for point in ordered:
        if not shown or frame.x(point.year) - frame.x(shown[-1]) >= YEAR_LABEL_MIN_DISTANCE:
            shown.append(point.year)
    last = ordered[-1].year
    if shown[-1] != last:
        if len(shown) > 1:
            shown.pop()
        shown.append(last)
    return set(shown)


def _label_below(frame: _Frame, ordered: Sequence[Point], index: int) -> bool:
    """Put a value label under its point at a dip of the line, where above it would be hit."""
    value = ordered[index].value
    neighbours = [ordered[i].value for i in (index - 1, index + 1) if 0 <= i < len(ordered)]
    dip = bool(neighbours) and all(value < other for other in neighbours)
    room = frame.y(value) + LABEL_GAP + FONT_SIZE <= frame.bottom - 2
    return dip and room


# ---------------------------------------------------------------- markup


def _c(number: float) -> str:
    """A coordinate rounded to one decimal, without a trailing ``.0``."""
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _number(value: float) -> str:
    """``86,45``: two decimals at most, trailing zeros dropped."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", DECIMAL_SEPARATOR)


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{value}"' for name, value in attributes.items()
    )
    return f'<text x="{_c(x)}" y="{_c(y)}"{extra}>{escape(content)}</text>'


def _open_svg(chart_id: str, width: int, height: int) -> str:
    ident = escape(chart_id)
    return (
        f'<svg xmlns="{SVG_NS}" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
    )


def _title_and_desc(chart_id: str, title: str, description: str) -> str:
    ident = escape(chart_id)
    return (
        f'<title id="{ident}-title">{escape(title)}</title>\n'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )


def _value_axis(frame: _Frame, axis_label: str) -> str:
    lines = [f'<g class="chart-axis-y" fill="{MUTED_COLOUR}" text-anchor="end">']
    for value in _ticks(frame.max_value):
        y = frame.y(value)
        lines.append(
            f'<g class="chart-tick"><line x1="{_c(frame.left)}" y1="{_c(y)}" '
            f'x2="{_c(frame.right)}" y2="{_c(y)}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
            + _text(frame.left - 8, y + 5, _number(value))
            + "</g>"
        )
    lines.append("</g>")
    if axis_label:
        lines.append(_text(8, 18, axis_label, class_="chart-axis-label", fill=MUTED_COLOUR))
    return "\n".join(lines)


def _year_axis(frame: _Frame, ordered: Sequence[Point]) -> str:
    bottom = _c(frame.bottom)
    lines = [
        f'<g class="chart-axis-x" fill="{MUTED_COLOUR}" text-anchor="middle">',
        f'<line x1="{_c(frame.left)}" y1="{bottom}" x2="{_c(frame.right)}" y2="{bottom}" '
        f'stroke="{MUTED_COLOUR}" stroke-width="1"/>',
    ]
    labelled = _year_labels_shown(frame, ordered)
    for point in ordered:
        x = _c(frame.x(point.year))
        tick = f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{_c(frame.bottom + 5)}" '
        tick += f'stroke="{MUTED_COLOUR}" stroke-width="1"/>'
        if point.year in labelled:
            tick += _text(frame.x(point.year), frame.bottom + 22, str(point.year))
        lines.append(f'<g class="chart-tick">{tick}</g>')
    lines.append("</g>")
    return "\n".join(lines)


def _line(frame: _Frame, ordered: Sequence[Point]) -> str:
    if len(ordered) < 2:
        return ""
    steps = " L".join(f"{_c(frame.x(p.year))} {_c(frame.y(p.value))}" for p in ordered)
    return (
        f'<path class="chart-line" d="M{steps}" fill="none" stroke="{LINE_COLOUR}" '
        f'stroke-width="{LINE_WIDTH}" stroke-linejoin="round" stroke-linecap="round"/>'
    )


def _markers(frame: _Frame, ordered: Sequence[Point]) -> str:
    circles = "\n".join(
        f'<circle cx="{_c(frame.x(p.year))}" cy="{_c(frame.y(p.value))}" r="{MARKER_RADIUS}"/>'
        for p in ordered
    )
    return (
        f'<g class="chart-points" fill="{LINE_COLOUR}" stroke="#fff" stroke-width="2">\n'
        f"{circles}\n</g>"
    )


def _value_labels(frame: _Frame, ordered: Sequence[Point]) -> str:
    lines = [
        f'<g class="chart-values" fill="{TEXT_COLOUR}" text-anchor="middle" font-weight="600">'
    ]
    for index, point in enumerate(ordered):
        y = frame.y(point.value)
        if _label_below(frame, ordered, index):
            y += LABEL_GAP + FONT_SIZE - 2  # the baseline, a cap height under the gap
        else:
            y -= LABEL_GAP
        lines.append(_text(frame.x(point.year), y, point.label))
    lines.append("</g>")
    return "\n".join(lines)


def _empty(width: int, height: int, empty_text: str) -> str:
    frame = (
        f'<rect class="chart-empty" x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
        f'fill="none" stroke="{GRID_COLOUR}" stroke-width="1"/>'
    )
    if not empty_text:
        return frame
    label = _text(width / 2, height / 2 + 5, empty_text, fill=MUTED_COLOUR, text_anchor="middle")
    return f"{frame}\n{label}"
