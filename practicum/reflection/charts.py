"""Geometry of the server-rendered SVG charts (numbers only; the templates draw them).

Templates wrap the numbers in {% localize off %}: SVG wants "12.5", never "12,5".
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


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


def line_chart(
    values: Sequence[tuple[str, int]],
    *,
    low: int,
    high: int,
    threshold: int | None = None,
    width: int = 480,
    height: int = 180,
) -> LineChart:
    """A line over `values` (label, value), oldest first, on a fixed low..high vertical scale."""
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
) -> Radar:
    """A radar (spider) chart: one axis per (number, name, value, previous value), the scale's
    `low` at the centre and `high` at the rim. A missing value sits at the centre."""
    centre = size / 2
    radius = size / 2 - 40
    count = len(axes) or 1
    span = (high - low) or 1

    def r_of(value) -> float:
        if value is None:
            return 0.0
        return radius * max(0.0, min(1.0, (float(value) - low) / span))

    result = []
    for i, (number, name, value, previous) in enumerate(axes):
        x, y = _polar(centre, radius, i, count)
        lx, ly = _polar(centre, radius + 18, i, count)
        anchor = "middle" if abs(lx - centre) < 4 else ("start" if lx > centre else "end")
        result.append(Axis(x, y, lx, ly + 4, anchor, number, name, value, previous))

    def ring_points(values) -> str:
        return " ".join(
            "{},{}".format(*_polar(centre, r_of(v), i, count)) for i, v in enumerate(values)
        )

    rings = [(v, ring_points([v] * count)) for v in range(low + 1, high + 1)]
    return Radar(
        size=size,
        centre=centre,
        axes=result,
        rings=rings,
        polygon=ring_points([a[2] for a in axes]),
        previous_polygon=ring_points([a[3] for a in axes]) if any(a[3] for a in axes) else "",
    )
