"""Small server-side SVG charts: bars (grouped or stacked), lines and a heat map.

Every mark carries an SVG ``<title>``, which browsers show on hover, so the exact figure is one
pointer away; the same figures go to the Excel export. No script, no external file, no font
download: the SVG is inline in the page and in the PDF (reportlab draws its own charts from the
same series). Output is deterministic text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 12, 14, 44
PALETTE = (
    "#2f6db5",
    "#e07b39",
    "#3a9d5d",
    "#c23b3b",
    "#8a5cc2",
    "#7f7f7f",
    "#b59a2f",
    "#2fa5b5",
    "#d16ba5",
    "#5c6f7f",
)
Formatter = Callable[[float], str]


def plain(value: float) -> str:
    """The default figure format: thousands separators, up to two decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def percent(value: float) -> str:
    return f"{value:.1%}"


@dataclass(frozen=True, slots=True)
class Series:
    """One named series; ``values[i]`` belongs to the chart's ``labels[i]`` (None: no data)."""

    name: str
    values: Sequence[float | None]


def _open(label: str, height: int = HEIGHT) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
    ]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _axes(top: float, fmt: Formatter, height: int = HEIGHT) -> list[str]:
    plot_h = height - _TOP - _BOTTOM
    parts = []
    for k in range(5):
        value = top * k / 4
        y = height - _BOTTOM - plot_h * k / 4
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{_LEFT - 4}" y="{y + 3:.1f}" font-size="10" text-anchor="end" '
            f'fill="#555">{escape(fmt(value))}</text>'
        )
    return parts


def _legend(series: Sequence[Series], height: int = HEIGHT) -> list[str]:
    parts = []
    x = _LEFT
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{height - 12}" width="9" height="9" fill="{colour}"/>'
            f'<text x="{x + 12}" y="{height - 4}" font-size="10" fill="#333">'
            f"{escape(s.name)}</text>"
        )
        x += 18 + 7 * len(s.name) + 12 * sum(1 for ch in s.name if ord(ch) > 0x2E80)
    return parts


def _x_labels(labels: Sequence[str], centre: Callable[[int], float], height: int) -> list[str]:
    step = max(1, len(labels) // 12)
    return [
        f'<text x="{centre(i):.1f}" y="{height - _BOTTOM + 13}" font-size="10" '
        f'text-anchor="middle" fill="#555">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % step == 0
    ]


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    fmt: Formatter = plain,
) -> str:
    """Bars per label, one colour per series, grouped side by side or ``stacked``; each bar's
    ``<title>`` reads "label · series: figure"."""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    if stacked:
        highest = max(
            (sum(s.values[i] or 0 for s in series) for i in range(len(labels))), default=0
        )
    else:
        highest = max((v or 0 for s in series for v in s.values), default=0)
    top = _nice_max(float(highest))
    slot = plot_w / max(len(labels), 1)
    parts = _open(title) + _axes(top, fmt)
    for i, label in enumerate(labels):
        base = 0.0
        for k, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            h = plot_h * float(value) / top
            if stacked:
                x, w = _LEFT + i * slot + slot * 0.15, slot * 0.7
                y = HEIGHT - _BOTTOM - base - h
                base += h
            else:
                w = slot * 0.8 / max(len(series), 1)
                x = _LEFT + i * slot + slot * 0.1 + k * w
                y = HEIGHT - _BOTTOM - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.5):.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label)} · '
                f"{escape(s.name)}: {escape(fmt(float(value)))}</title></rect>"
            )
    parts += _x_labels(labels, lambda i: _LEFT + (i + 0.5) * slot, HEIGHT)
    parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[Series], *, fmt: Formatter = plain
) -> str:
    """One line per series over ``labels``; each point is a circle whose ``<title>`` reads
    "label · series: figure". Missing values (None) break the line."""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    top = _nice_max(max((float(v) for s in series for v in s.values if v is not None), default=0))
    step = plot_w / max(len(labels) - 1, 1)
    parts = _open(title) + _axes(top, fmt)
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points: list[str] = []
        marks: list[str] = []
        for i, value in enumerate(s.values):
            if value is None:
                if len(points) > 1:
                    parts.append(_polyline(points, colour))
                points = []
                continue
            x = _LEFT + i * step
            y = HEIGHT - _BOTTOM - plot_h * float(value) / top
            points.append(f"{x:.1f},{y:.1f}")
            marks.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>'
                f"{escape(labels[i])} · {escape(s.name)}: {escape(fmt(float(value)))}"
                "</title></circle>"
            )
        if len(points) > 1:
            parts.append(_polyline(points, colour))
        parts += marks
    parts += _x_labels(labels, lambda i: _LEFT + i * step, HEIGHT)
    parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


def heat_map(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    shares: Sequence[Sequence[float]],
    counts: Sequence[Sequence[int]],
) -> str:
    """A matrix of shares (0–1) as shaded cells with the percentage written in; each cell's
    ``<title>`` reads "row → column: share (count)"."""
    cell_w = (WIDTH - _LEFT - _RIGHT) / max(len(columns), 1)
    cell_h = 22
    height = _TOP + 16 + cell_h * len(rows) + 8
    parts = _open(title, height)
    for j, column in enumerate(columns):
        parts.append(
            f'<text x="{_LEFT + (j + 0.5) * cell_w:.1f}" y="{_TOP + 8}" font-size="10" '
            f'text-anchor="middle" fill="#555">{escape(column or "—")}</text>'
        )
    for i, row in enumerate(rows):
        y = _TOP + 16 + i * cell_h
        parts.append(
            f'<text x="{_LEFT - 4}" y="{y + 15}" font-size="10" text-anchor="end" '
            f'fill="#555">{escape(row)}</text>'
        )
        for j, column in enumerate(columns):
            share = shares[i][j]
            x = _LEFT + j * cell_w
            ink = "#fff" if share > 0.5 else "#222"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                f'fill="rgb(47,109,181)" fill-opacity="{0.06 + 0.94 * share:.3f}"><title>'
                f"{escape(row)} → {escape(column or '—')}: {share:.1%} ({counts[i][j]:,})"
                "</title></rect>"
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 15}" font-size="9" '
                f'text-anchor="middle" fill="{ink}">{share:.0%}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
