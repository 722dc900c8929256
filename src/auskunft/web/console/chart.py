"""The dashboard's chart: cases received and closed per period, as grouped bars laid out for SVG.

Pure layout (numbers in, coordinates out), drawn by `chart.svg.j2` on the server — no script, no
third-party library. The same numbers are printed in a table under the chart for screen readers, print
and anyone who prefers figures to bars.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 760
HEIGHT = 260
LEFT = 44
RIGHT = 12
TOP = 14
BOTTOM = 34
SERIES = ("received", "closed")


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    received: int
    closed: int


@dataclass(frozen=True, slots=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True, slots=True)
class AxisLabel:
    x: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[AxisLabel]


def _step(top: int) -> int:
    """A round step for about four grid lines up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if top / step <= 5:
            return step
    return max(1, -(-top // 5))


def layout(columns: list[Column]) -> Chart:
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = float(TOP + plot_height)
    highest = max((max(c.received, c.closed) for c in columns), default=0)
    step = _step(max(highest, 1))
    top = max(step, -(-highest // step) * step)
    scale = plot_height / top
    ticks = [Tick(round(baseline - value * scale, 1), value) for value in range(0, top + 1, step)]
    slot = plot_width / max(len(columns), 1)
    bar_width = round(min(slot * 0.36, 28.0), 1)
    bars: list[Bar] = []
    labels: list[AxisLabel] = []
    for index, column in enumerate(columns):
        middle = LEFT + slot * index + slot / 2
        labels.append(AxisLabel(round(middle, 1), column.label))
        for offset, series, value in ((-1, "received", column.received), (0, "closed", column.closed)):
            height = round(value * scale, 1)
            bars.append(
                Bar(
                    series,
                    round(middle + offset * bar_width, 1),
                    round(baseline - height, 1),
                    bar_width,
                    height,
                    value,
                    column.label,
                )
            )
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, baseline, bars, ticks, labels)
