"""Bar and line charts as SVG, drawn on the server: no script, no chart library.

Each chart is an image with a title and a description for screen readers; the page puts the
same figures in a table beside it. Series differ by dash and marker as well as colour, so
the chart reads in greyscale too. Shares are 0..1 and drawn as percentages.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 16, 44  # the right margin holds the legend and targets
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


@dataclass
class Series:
    name: str
    values: list[float | None]  # one per label; None: nothing to measure that month
    colour: str
    dash: str = ""  # SVG stroke-dasharray
    marker: str = "circle"  # circle | square | diamond


@dataclass
class TargetLine:
    value: float
    label: str


def _x(i: int, n: int) -> float:
    """The centre of slot i of n across the plot."""
    return LEFT + (WIDTH - LEFT - RIGHT) * (i + 0.5) / n


def _y(share: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share)


def _frame(chart_id: str, title: str, description: str, labels: list[str]) -> list[str]:
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<g font-family="Arial, Helvetica, sans-serif" font-size="13" fill="{TEXT}">',
    ]
    for pct in range(0, 101, 20):
        y = _y(pct / 100)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    for i, label in enumerate(labels):  # a second line under the first ("Jan" / "2027")
        x = _x(i, len(labels))
        lines = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if n == 0 else 15}">{escape(part)}</tspan>'
            for n, part in enumerate(label.split("\n"))
        )
        out.append(f'<text y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{lines}</text>')
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_y(0):.1f}" y2="{_y(0):.1f}" '
               f'stroke="{TEXT}" stroke-width="2"/>')
    return out


def _targets(targets: tuple[TargetLine, ...] | list[TargetLine]) -> list[str]:
    out = []
    for t in targets:
        y = _y(t.value)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{WIDTH - RIGHT + 6}" y="{y + 4:.1f}">{escape(t.label)}</text>')
    return out


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "diamond":
        return (f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} '
                f'L{x - 5:.1f} {y:.1f} Z" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def bar_chart(
    chart_id: str, title: str, description: str, labels: list[str], values: list[float | None],
    targets: list[TargetLine], colour: str = "#1d70b8",
) -> Markup:
    """One bar per label; a label with no value gets a dash instead of a bar."""
    out = _frame(chart_id, title, description, labels)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for i, value in enumerate(values):
        x = _x(i, len(labels))
        if value is None:
            out.append(f'<text x="{x:.1f}" y="{_y(0) - 6:.1f}" text-anchor="middle">–</text>')
            continue
        top = _y(value)
        out.append(f'<rect x="{x - slot * 0.35:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" '
                   f'height="{_y(0) - top:.1f}" fill="{colour}"/>')
        out.append(f'<text x="{x:.1f}" y="{top - 4:.1f}" text-anchor="middle" '
                   f'font-size="11">{round(value * 100)}%</text>')
    out += _targets(targets)
    out.append("</g></svg>")
    return Markup("\n".join(out))


def line_chart(
    chart_id: str, title: str, description: str, labels: list[str], series: list[Series],
    targets: tuple[TargetLine, ...] = (),
) -> Markup:
    """One line per series, broken where a month has no value; a legend on the right."""
    out = _frame(chart_id, title, description, labels)
    out += _targets(targets)
    for s_index, s in enumerate(series):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((_x(i, len(labels)), _y(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                out.append(f'<polyline points="{points}" fill="none" stroke="{s.colour}" '
                           f'stroke-width="2.5" stroke-dasharray="{s.dash}"/>')
            out += [_marker(s.marker, x, y, s.colour) for x, y in run]
        legend_y = TOP + 14 + 22 * s_index
        legend_x = WIDTH - RIGHT + 6
        out.append(f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{legend_y - 4}" '
                   f'y2="{legend_y - 4}" stroke="{s.colour}" stroke-width="2.5" '
                   f'stroke-dasharray="{s.dash}"/>')
        out.append(_marker(s.marker, legend_x + 12, legend_y - 4, s.colour))
        out.append(f'<text x="{legend_x + 30}" y="{legend_y}">{escape(s.name)}</text>')
    out.append("</g></svg>")
    return Markup("\n".join(out))
