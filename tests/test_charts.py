"""The inline SVG line chart of an index's results (cchcgen.charts)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cchcgen.charts import Point, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
POINTS = [
    Point(2019, 80.5, "80,5"),
    Point(2020, 86.45, "86,45"),
    Point(2022, 70.0, "70"),  # 2021 is missing: x must leave a gap
    Point(2023, 91.22, "91,22"),
]


def chart(points: list[Point] = POINTS, **options: object) -> str:
    arguments: dict[str, object] = {
        "title": "PAR INDEX: điểm qua các năm",
        "description": "Biểu đồ đường điểm PAR INDEX từ năm 2019 đến năm 2023.",
        "max_value": 100.0,
        "chart_id": "bieu-do-par-index",
        "value_axis_label": "Điểm",
    }
    arguments.update(options)
    return line_chart(points, **arguments)  # type: ignore[arg-type]


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def number(text: str) -> float:
    return float(text.replace(",", "."))


def circles(root: etree._Element) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iterfind(".//svg:circle", NS)]


def gridlines(root: etree._Element) -> list[tuple[float, float]]:
    """(value, y) of each horizontal gridline, read from its label and its line."""
    ticks = root.iterfind(".//svg:g[@class='chart-axis-y']/svg:g[@class='chart-tick']", NS)
    return [
        (number(t.find("svg:text", NS).text), float(t.find("svg:line", NS).get("y1")))
        for t in ticks
    ]


def value_scale(root: etree._Element) -> tuple[float, float, float]:
    """(y of 0, y of the top gridline, top value) as the drawn axis says."""
    grid = gridlines(root)
    (zero, y_zero), (top, y_top) = grid[0], grid[-1]
    assert zero == 0
    return y_zero, y_top, top


def texts(root: etree._Element, group: str) -> list[str]:
    return [t.text for t in root.iterfind(f".//svg:g[@class='{group}']//svg:text", NS)]


# ---------------------------------------------------------------- structure and accessibility


def test_accessible_svg_element() -> None:
    svg = chart()
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "bieu-do-par-index-title bieu-do-par-index-desc"
    assert root.get("viewBox") == "0 0 640 320"
    assert (root.get("width"), root.get("height")) == ("640", "320")
    assert root.get("class") == "chart"
    assert root.get("preserveAspectRatio") == "xMidYMid meet"
    title, desc = root[0], root[1]
    assert title.tag.endswith("title") and title.get("id") == "bieu-do-par-index-title"
    assert title.text == "PAR INDEX: điểm qua các năm"
    assert desc.tag.endswith("desc") and desc.get("id") == "bieu-do-par-index-desc"
    assert desc.text.startswith("Biểu đồ đường")
    assert float(root.get("font-size")) >= 12


def test_points_map_back_to_values_through_the_axis() -> None:
    root = parse(chart())
    y_zero, y_top, top = value_scale(root)
    assert top == 100
    found = circles(root)
    assert len(found) == len(POINTS)
    for (_, cy), point in zip(found, POINTS, strict=True):
        value = (y_zero - cy) / (y_zero - y_top) * top
        assert value == pytest.approx(point.value, abs=0.5)
    xs = [cx for cx, _ in found]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # x is proportional to the year: the missing 2021 leaves a double gap.
    assert xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), abs=0.2)
    assert xs[3] - xs[2] == pytest.approx(xs[1] - xs[0], abs=0.2)


def test_unsorted_points_are_drawn_in_year_order() -> None:
    assert chart(list(reversed(POINTS))) == chart()


def test_value_labels_are_the_given_labels_next_to_their_points() -> None:
    root = parse(chart())
    labels = list(root.iterfind(".//svg:g[@class='chart-values']/svg:text", NS))
    assert [t.text for t in labels] == ["80,5", "86,45", "70", "91,22"]
    for label, (cx, cy) in zip(labels, circles(root), strict=True):
        assert float(label.get("x")) == cx
        assert 5 <= abs(float(label.get("y")) - cy) <= 30


def test_years_on_the_x_axis() -> None:
    root = parse(chart())
    assert texts(root, "chart-axis-x") == ["2019", "2020", "2022", "2023"]


def test_gridline_labels_from_zero_to_max() -> None:
    root = parse(chart())
    assert [value for value, _ in gridlines(root)] == [0, 20, 40, 60, 80, 100]
    ys = [y for _, y in gridlines(root)]
    assert ys == sorted(ys, reverse=True)
    assert texts(root, "chart-axis-y") == ["0", "20", "40", "60", "80", "100"]
    papi = parse(chart([Point(2022, 42.1, "42,1")], max_value=80.0))
    assert [value for value, _ in gridlines(papi)] == [0, 20, 40, 60, 80]
    ten = parse(chart([Point(2020, 7.5, "7,5")], max_value=10.0))
    assert texts(ten, "chart-axis-y") == ["0", "2", "4", "6", "8", "10"]
    odd = parse(chart([Point(2020, 5, "5")], max_value=86.45))
    assert texts(odd, "chart-axis-y")[-1] == "86,45"  # decimal comma, like the labels


def test_axis_label_is_optional() -> None:
    assert "Điểm" in chart()
    root = parse(chart(value_axis_label=""))
    assert root.find(".//svg:text[@class='chart-axis-label']", NS) is None


def test_line_and_markers_are_visible() -> None:
    root = parse(chart())
    path = root.find(".//svg:path[@class='chart-line']", NS)
    assert path.get("d").count("L") == len(POINTS) - 1
    assert path.get("stroke") == "#9b0d1e"
    markers = root.find(".//svg:g[@class='chart-points']", NS)
    assert markers.get("fill") == "#9b0d1e"
    assert all(float(c.get("r")) >= 4 for c in markers)


def test_single_point_is_centered() -> None:
    root = parse(chart([Point(2021, 86.45, "86,45")]))
    [(cx, cy)] = circles(root)
    axis = root.find(".//svg:g[@class='chart-axis-x']/svg:line", NS)
    assert cx == pytest.approx((float(axis.get("x1")) + float(axis.get("x2"))) / 2, abs=0.1)
    y_zero, y_top, top = value_scale(root)
    assert (y_zero - cy) / (y_zero - y_top) * top == pytest.approx(86.45, abs=0.5)
    assert texts(root, "chart-values") == ["86,45"]
    assert texts(root, "chart-axis-x") == ["2021"]
    assert root.find(".//svg:path", NS) is None  # no line from one point


def test_no_points() -> None:
    root = parse(chart([], empty_text="Chưa có số liệu."))
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "PAR INDEX: điểm qua các năm"
    assert root.find("svg:desc", NS) is not None
    assert circles(root) == []
    assert [t.text for t in root.iterfind(".//svg:text", NS)] == ["Chưa có số liệu."]
    assert parse(chart([])).find(".//svg:text", NS) is None


def test_every_text_is_escaped() -> None:
    hostile = 'Chỉ số <script>alert("x")</script> & "PAPI"'
    svg = chart(
        [Point(2020, 50, "<b>50</b> & co")],
        title=hostile,
        description=hostile,
        value_axis_label="<i>Điểm</i> & hạng",
    )
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == hostile
    assert root.find("svg:desc", NS).text == hostile
    assert texts(root, "chart-values") == ["<b>50</b> & co"]
    assert root.find(".//svg:text[@class='chart-axis-label']", NS).text == "<i>Điểm</i> & hạng"
    empty = parse(chart([], title=hostile, empty_text="<no> & data"))
    assert [t.text for t in empty.iterfind(".//svg:text", NS)] == ["<no> & data"]


def test_chart_id_in_attributes_is_escaped_or_refused() -> None:
    root = parse(chart(chart_id='a"b&c'))
    assert root.find("svg:title", NS).get("id") == 'a"b&c-title'
    with pytest.raises(ValueError, match="chart_id"):
        chart(chart_id="two words")
    with pytest.raises(ValueError, match="chart_id"):
        chart(chart_id="")


def test_deterministic_and_rounded() -> None:
    first, second = chart(), chart()
    assert first == second
    root = parse(first)
    for element in root.iter():
        for name in ("x", "y", "cx", "cy", "x1", "x2", "y1", "y2"):
            value = element.get(name)
            if value is not None:
                assert len(value.partition(".")[2]) <= 1, (element.tag, name, value)


def test_text_colours_and_sizes() -> None:
    svg = chart()
    root = parse(svg)
    for group in ("chart-axis-x", "chart-axis-y", "chart-values"):
        fill = root.find(f".//svg:g[@class='{group}']", NS).get("fill")
        assert fill in ("#1b1b1b", "#4a4a4a")
    assert all(
        float(t.get("font-size", root.get("font-size"))) >= 12
        for t in root.iterfind(".//svg:text", NS)
    )


@pytest.mark.parametrize(
    ("points", "max_value"),
    [
        ([Point(2020, 101, "101")], 100.0),
        ([Point(2020, -1, "-1")], 100.0),
        ([Point(2020, float("nan"), "?")], 100.0),
        ([Point(2020, 1, "1"), Point(2020, 2, "2")], 100.0),
        ([Point(2020, 1, "1")], 0.0),
    ],
)
def test_bad_data_is_refused(points: list[Point], max_value: float) -> None:
    with pytest.raises(ValueError):
        chart(points, max_value=max_value)


def test_many_years_keep_year_labels_apart() -> None:
    points = [Point(year, 50, "50") for year in range(2000, 2041)]
    root = parse(chart(points))
    labels = root.iterfind(".//svg:g[@class='chart-axis-x']//svg:text", NS)
    xs = [float(t.get("x")) for t in labels]
    assert all(b - a >= 40 for a, b in zip(xs, xs[1:], strict=False))
    shown = texts(root, "chart-axis-x")
    assert shown[0] == "2000" and shown[-1] == "2040"
    assert len(circles(root)) == len(points)


# ---------------------------------------------------------------- property


@st.composite
def series(draw: st.DrawFn) -> tuple[list[Point], float]:
    max_value = draw(st.sampled_from([10.0, 80.0, 100.0, 86.45]))
    years = draw(st.lists(st.integers(2000, 2040), unique=True, max_size=41))
    values = st.floats(0, max_value, allow_nan=False, allow_infinity=False)
    points = [Point(year, value, f"{value:.2f}") for year in years for value in [draw(values)]]
    return points, max_value


@settings(max_examples=150, deadline=None)
@given(series())
def test_any_series_draws_one_marker_per_point_inside_the_plot(
    data: tuple[list[Point], float],
) -> None:
    points, max_value = data
    svg = chart(points, max_value=max_value, empty_text="Chưa có số liệu.")
    root = parse(svg)
    found = circles(root)
    assert len(found) == len(points)
    if not points:
        return
    y_zero, y_top, _ = value_scale(root)
    assert all(y_top - 0.05 <= cy <= y_zero + 0.05 for _, cy in found)
    assert all(0 <= cx <= 640 for cx, _ in found)
    ordered = sorted(points, key=lambda p: p.year)
    for (_, cy_a), a in zip(found, ordered, strict=True):
        for (_, cy_b), b in zip(found, ordered, strict=True):
            if a.value > b.value + max_value / 1000:  # beyond the 0.1 rounding of cy
                assert cy_a < cy_b
            elif a.value >= b.value:
                assert cy_a <= cy_b
    assert texts(root, "chart-values") == [p.label for p in ordered]
