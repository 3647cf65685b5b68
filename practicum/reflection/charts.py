"""Geometry of the server-rendered SVG charts (numbers only; the templates draw them).

Templates wrap the numbers in {% localize off %}: SVG wants "12.5", never "12,5".

Right to left the charts mirror like the page: time runs from the right, the value axis stands
at the right, a radar's axes go round anticlockwise. The geometry is mirrored here and the SVG
says direction="ltr", so that its text anchors keep meaning left and right.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int | Decimal | None


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    polyline: str
    threshold_y: float | None
    gridlines: list[tuple[float, int]]  # (y, value)
    left: int
    bottom: float
    grid_start: float = 0  # the gridlines' horizontal extent
    grid_end: float = 0
    value_x: float = 0  # the value labels' anchor, and on which side of it they sit
    value_anchor: str = "end"
    first_anchor: str = "start"  # the oldest and newest points' labels
    last_anchor: str = "end"


def line_chart(
    values: Sequence[tuple[str, int]],
    *,
    low: int,
    high: int,
    threshold: int | None = None,
    width: int = 480,
    height: int = 180,
    rtl: bool | None = None,
) -> LineChart:
    """A line over `values` (label, value), oldest first, on a fixed low..high vertical scale."""
    rtl = translation.get_language_bidi() if rtl is None else rtl
    left, right, top, bottom_margin = 32, 12, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom_margin
    span = (high - low) or 1

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - (value - low) / span), 1)

    step = plot_w / (len(values) - 1) if len(values) > 1 else 0
    points = [
        Point(
            x=round(left + (i * step if len(values) > 1 else plot_w / 2), 1),
            y=y_of(value),
            label=label,
            value=value,
        )
        for i, (label, value) in enumerate(values)
    ]
    if rtl:
        points = [Point(round(width - p.x, 1), p.y, p.label, p.value) for p in points]
    ticks = 4
    gridlines = [
        (y_of(low + span * t / ticks), round(low + span * t / ticks)) for t in range(ticks + 1)
    ]
    return LineChart(
        width=width,
        height=height,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        threshold_y=y_of(threshold) if threshold is not None else None,
        gridlines=gridlines,
        left=left,
        bottom=round(top + plot_h, 1),
        grid_start=0 if rtl else left,
        grid_end=width - left if rtl else width,
        value_x=width - left + 6 if rtl else left - 6,
        value_anchor="start" if rtl else "end",
        first_anchor="end" if rtl else "start",
        last_anchor="start" if rtl else "end",
    )


@dataclass(frozen=True)
class Axis:
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    number: int
    name: str
    value: Decimal | None
    previous: Decimal | None


@dataclass(frozen=True)
class Radar:
    size: int
    centre: float
    axes: list[Axis]
    rings: list[tuple[int, str]]  # (scale value, polygon points)
    polygon: str
    previous_polygon: str


def _polar(centre: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count  # the first axis points up
    return round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1)


def radar(
    axes: Sequence[tuple[int, str, Decimal | None, Decimal | None]],
    *,
    low: int,
    high: int,
    size: int = 360,
    rtl: bool | None = None,
) -> Radar:
    """A radar (spider) chart: one axis per (number, name, value, previous value), the scale's
    `low` at the centre and `high` at the rim. A missing value sits at the centre."""
    rtl = translation.get_language_bidi() if rtl is None else rtl
    centre = size / 2
    radius = size / 2 - 40

    def polar(r: float, index: int) -> tuple[float, float]:
        x, y = _polar(centre, r, index, count)
        return (round(size - x, 1) if rtl else x), y

    count = len(axes) or 1
    span = (high - low) or 1

    def r_of(value) -> float:
        if value is None:
            return 0.0
        return radius * max(0.0, min(1.0, (float(value) - low) / span))

    result = []
    for i, (number, name, value, previous) in enumerate(axes):
        x, y = polar(radius, i)
        lx, ly = polar(radius + 18, i)
        anchor = "middle" if abs(lx - centre) < 4 else ("start" if lx > centre else "end")
        result.append(Axis(x, y, lx, ly + 4, anchor, number, name, value, previous))

    def ring_points(values) -> str:
        return " ".join("{},{}".format(*polar(r_of(v), i)) for i, v in enumerate(values))

    rings = [(v, ring_points([v] * count)) for v in range(low + 1, high + 1)]
    return Radar(
        size=size,
        centre=centre,
        axes=result,
        rings=rings,
        polygon=ring_points([a[2] for a in axes]),
        previous_polygon=ring_points([a[3] for a in axes]) if any(a[3] for a in axes) else "",
    )
