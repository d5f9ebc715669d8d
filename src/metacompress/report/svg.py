"""Small, dependency-free SVG charts for the self-contained HTML report.

Each function returns an `<svg>` element as a string. Every label that may come from data is
escaped with `html.escape`. Coordinates: a plot area of `width` x `height` pixels inside margins;
a value v in [lo, hi] maps to x = left + (v - lo) / (hi - lo) * plot_width (y is flipped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
_MARGIN = {"left": 56, "right": 16, "top": 28, "bottom": 44}


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _frame(width: int, height: int, title: str, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}"><title>{escape(title)}</title>'
        f'<text x="{width / 2}" y="16" text-anchor="middle" class="chart-title">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def _axes(width: int, height: int, xlabel: str, ylabel: str, x_ticks, y_ticks, sx, sy) -> list[str]:
    left, bottom = _MARGIN["left"], height - _MARGIN["bottom"]
    right, top = width - _MARGIN["right"], _MARGIN["top"]
    parts = [
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" class="axis"/>',
        f'<text x="{(left + right) / 2}" y="{height - 8}" text-anchor="middle">{escape(xlabel)}</text>',
        f'<text x="14" y="{(top + bottom) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(top + bottom) / 2})">{escape(ylabel)}</text>',
    ]
    for tick in x_ticks:
        x = sx(tick)
        parts.append(
            f'<text x="{_fmt(x)}" y="{bottom + 16}" text-anchor="middle" class="tick">{tick:g}</text>'
        )
    for tick in y_ticks:
        y = sy(tick)
        parts.append(
            f'<line x1="{left}" y1="{_fmt(y)}" x2="{right}" y2="{_fmt(y)}" class="grid"/>'
            f'<text x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end" class="tick">{tick:g}</text>'
        )
    return parts


def _scales(width: int, height: int, x_range, y_range):
    left, right = _MARGIN["left"], width - _MARGIN["right"]
    top, bottom = _MARGIN["top"], height - _MARGIN["bottom"]
    (x0, x1), (y0, y1) = x_range, y_range
    x_span = (x1 - x0) or 1.0
    y_span = (y1 - y0) or 1.0

    def sx(v: float) -> float:
        return left + (v - x0) / x_span * (right - left)

    def sy(v: float) -> float:
        return bottom - (v - y0) / y_span * (bottom - top)

    return sx, sy


_UNIT_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def scatter(
    points: Sequence[tuple[float, float]],
    title: str,
    xlabel: str,
    ylabel: str,
    width: int = 380,
    height: int = 340,
) -> str:
    """Points in the unit square with the diagonal y = x drawn for reference."""
    sx, sy = _scales(width, height, (0.0, 1.0), (0.0, 1.0))
    body = _axes(width, height, xlabel, ylabel, _UNIT_TICKS, _UNIT_TICKS, sx, sy)
    body.append(
        f'<line x1="{_fmt(sx(0))}" y1="{_fmt(sy(0))}" x2="{_fmt(sx(1))}" y2="{_fmt(sy(1))}" '
        'class="diagonal"/>'
    )
    body.extend(
        f'<circle cx="{_fmt(sx(x))}" cy="{_fmt(sy(y))}" r="2.5" class="dot"/>' for x, y in points
    )
    return _frame(width, height, title, body, f"{title}: {len(points)} points")


def lines(
    series: Sequence[tuple[str, Sequence[float], Sequence[float]]],
    title: str,
    xlabel: str,
    ylabel: str,
    y_range: tuple[float, float] = (0.0, 1.0),
    marker: float | None = None,
    width: int = 380,
    height: int = 300,
) -> str:
    """One polyline per (name, xs, ys) series with a legend; `marker` draws a vertical line."""
    xs_all = [x for _, xs, _ in series for x in xs] or [0.0, 1.0]
    x_range = (min(xs_all), max(xs_all))
    sx, sy = _scales(width, height, x_range, y_range)
    x_ticks = sorted(
        {round(x_range[0], 3), round((x_range[0] + x_range[1]) / 2, 3), round(x_range[1], 3)}
    )
    y_ticks = [y_range[0] + (y_range[1] - y_range[0]) * f for f in (0, 0.5, 1)]
    body = _axes(width, height, xlabel, ylabel, x_ticks, y_ticks, sx, sy)
    if marker is not None:
        body.append(
            f'<line x1="{_fmt(sx(marker))}" y1="{_fmt(sy(y_range[0]))}" x2="{_fmt(sx(marker))}" '
            f'y2="{_fmt(sy(y_range[1]))}" class="marker"/>'
        )
    for index, (name, xs, ys) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        coords = " ".join(f"{_fmt(sx(x))},{_fmt(sy(y))}" for x, y in zip(xs, ys, strict=True))
        body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body.append(
            f'<text x="{width - _MARGIN["right"] - 4}" y="{_MARGIN["top"] + 14 + 14 * index}" '
            f'text-anchor="end" fill="{colour}">{escape(name)}</text>'
        )
    return _frame(width, height, title, body, title)


def reliability(
    bins: Sequence[tuple[str, Sequence[float], Sequence[float], Sequence[int]]],
    title: str = "Reliability diagram",
    width: int = 380,
    height: int = 340,
) -> str:
    """Accuracy against mean confidence per bin for each model; the diagonal is perfect calibration."""
    sx, sy = _scales(width, height, (0.0, 1.0), (0.0, 1.0))
    body = _axes(width, height, "confidence", "accuracy", _UNIT_TICKS, _UNIT_TICKS, sx, sy)
    body.append(
        f'<line x1="{_fmt(sx(0))}" y1="{_fmt(sy(0))}" x2="{_fmt(sx(1))}" y2="{_fmt(sy(1))}" '
        'class="diagonal"/>'
    )
    for index, (name, confidence, accuracy, count) in enumerate(bins):
        colour = PALETTE[index % len(PALETTE)]
        kept = [(c, a) for c, a, n in zip(confidence, accuracy, count, strict=True) if n > 0]
        coords = " ".join(f"{_fmt(sx(c))},{_fmt(sy(a))}" for c, a in kept)
        body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body.extend(
            f'<circle cx="{_fmt(sx(c))}" cy="{_fmt(sy(a))}" r="3" fill="{colour}"/>'
            for c, a in kept
        )
        body.append(
            f'<text x="{_MARGIN["left"] + 8}" y="{_MARGIN["top"] + 14 + 14 * index}" '
            f'fill="{colour}">{escape(name)}</text>'
        )
    return _frame(width, height, title, body, title)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: dict[tuple[str, str], float],
    title: str,
    cell: int = 44,
) -> str:
    """Violation rates in [0, 1] as cells coloured white (0) to red (1); missing cells grey."""
    label_width = 12 + 7 * max((len(r) for r in rows), default=4)
    label_height = 12 + 6 * max((len(c) for c in columns), default=4)
    width = label_width + cell * len(columns) + 16
    height = 28 + label_height + cell * len(rows) + 8
    body: list[str] = []
    top = 28 + label_height
    for j, column in enumerate(columns):
        x = label_width + cell * j + cell / 2
        body.append(
            f'<text x="{_fmt(x)}" y="{top - 6}" transform="rotate(-45 {_fmt(x)} {top - 6})" '
            f'class="tick">{escape(column)}</text>'
        )
    for i, row in enumerate(rows):
        y = top + cell * i
        body.append(
            f'<text x="{label_width - 6}" y="{_fmt(y + cell / 2 + 4)}" text-anchor="end" '
            f'class="tick">{escape(row)}</text>'
        )
        for j, column in enumerate(columns):
            x = label_width + cell * j
            value = values.get((row, column))
            if value is None:
                fill, text = "#e5e5e5", "–"
            else:
                shade = int(255 - 200 * max(0.0, min(1.0, value)))
                fill, text = f"rgb(255,{shade},{shade})", f"{100 * value:.0f}%"
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" class="cell">'
                f"<title>{escape(row)} × {escape(column)}: {escape(text)}</title></rect>"
                f'<text x="{x + cell / 2}" y="{_fmt(y + cell / 2 + 4)}" text-anchor="middle" '
                f'class="cell-text">{escape(text)}</text>'
            )
    return _frame(width, height, title, body, title)


def bars(
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    ylabel: str,
    y_max: float = 1.0,
    width: int = 420,
    height: int = 300,
    intervals: Sequence[Sequence[tuple[float, float] | None]] | None = None,
) -> str:
    """Grouped bars: one group per label, one bar per series within each group.

    A value of None (or NaN) draws no bar but "n/a". `intervals[s][g]`, when given, is drawn as a
    whisker from low to high over the bar of series s in group g. Values beyond [0, `y_max`]
    are clipped to the plot; the tooltip keeps the exact numbers."""
    sx, sy = _scales(width, height, (0.0, float(max(len(groups), 1))), (0.0, y_max))
    body = _axes(width, height, "", ylabel, (), [y_max * f for f in (0, 0.5, 1)], sx, sy)
    n = max(len(series), 1)
    for g, group in enumerate(groups):
        slot = (sx(g + 1) - sx(g)) * 0.8
        start = sx(g) + (sx(g + 1) - sx(g)) * 0.1
        for s, (name, values) in enumerate(series):
            x, bar = start + slot * s / n, slot / n - 2
            interval = intervals[s][g] if intervals is not None else None
            if interval is not None and not all(map(math.isfinite, interval)):
                interval = None
            if values[g] is None or not math.isfinite(values[g]):
                body.append(
                    f'<text x="{_fmt(x + bar / 2)}" y="{_fmt(sy(0) - 4)}" text-anchor="middle" '
                    f'class="tick">n/a<title>{escape(group)} / {escape(name)}: n/a</title></text>'
                )
                continue
            value = min(values[g], y_max)
            shown = f"{values[g]:.3f}" + (
                f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval is not None else ""
            )
            body.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(sy(value))}" width="{_fmt(bar)}" '
                f'height="{_fmt(sy(0) - sy(value))}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(group)} / {escape(name)}: {shown}</title></rect>"
            )
            if interval is not None:
                low, high = (min(max(v, 0.0), y_max) for v in interval)
                mid = x + bar / 2
                body.append(
                    f'<path d="M{_fmt(mid)} {_fmt(sy(low))}V{_fmt(sy(high))}'
                    f"M{_fmt(mid - bar / 4)} {_fmt(sy(low))}h{_fmt(bar / 2)}"
                    f'M{_fmt(mid - bar / 4)} {_fmt(sy(high))}h{_fmt(bar / 2)}" class="whisker" '
                    'stroke="#222" fill="none"/>'
                )
        body.append(
            f'<text x="{_fmt(start + slot / 2)}" y="{height - _MARGIN["bottom"] + 16}" '
            f'text-anchor="middle" class="tick">{escape(group)}</text>'
        )
    for s, (name, _) in enumerate(series):
        body.append(
            f'<text x="{width - _MARGIN["right"]}" y="{_MARGIN["top"] + 14 * s}" text-anchor="end" '
            f'fill="{PALETTE[s % len(PALETTE)]}">{escape(name)}</text>'
        )
    return _frame(width, height, title, body, title)
