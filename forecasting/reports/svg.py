"""Plotly figures drawn as static SVG for the HTML report: a few kilobytes each, no script, opens at once and
prints like the page (the interactive report inlined 4.5 MB of plotly.js and took seconds to open).

`figure_svg(figure)` draws what the report's charts use: lines (solid, dashed, dotted), filled bands
(`fill="toself"`), markers, horizontal lines from `add_hline` with their labels, and bars (vertical or
horizontal, grouped or stacked with negatives to the other side). Dates on the x axis are labelled as months
(Mar 2020); numbers with thousands separators; bars start at zero, and so does the y axis of non-negative
lines whose range is under a quarter of their top (ZOOM_LIMIT), so a small change is never drawn as a cliff.
All text is escaped.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["figure_svg"]

PALETTE = ("#1f3b73", "#e07b00", "#2a9d55", "#c0392b", "#7f8c8d", "#8e44ad", "#16a085", "#d35400")
DASHES = {"dash": "6,4", "dot": "2,3", "dashdot": "6,3,2,3", "longdash": "10,4"}
FONT = "font-family=\"Arial, Helvetica, sans-serif\""
LEFT, RIGHT, TOP, BOTTOM = 70, 40, 40, 40
LEGEND_ROW = 18
ZOOM_LIMIT = 0.25  # non-negative data whose range is under this share of its top start the axis at zero


def _esc(text: object) -> str:
    """Plotly text (where `&lt;` already means a literal `<`, `reports.escaping.chart_text`) as SVG text."""
    return html.escape(html.unescape(str(text)), quote=True)


def _numbers(values) -> tuple[np.ndarray, bool]:
    """(floats, are dates): dates as days since the epoch."""
    series = pd.Series(list(values) if values is not None else [])
    if series.empty:
        return np.array([], dtype=float), False
    first = series.iloc[0]
    if pd.api.types.is_datetime64_any_dtype(series) or isinstance(first, pd.Timestamp | np.datetime64):
        stamps = pd.to_datetime(series)
        return ((stamps - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)).to_numpy(float), True
    if isinstance(series.iloc[0], str):
        try:
            stamps = pd.to_datetime(series, format="ISO8601")
            return ((stamps - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)).to_numpy(float), True
        except (ValueError, TypeError):
            return np.arange(len(series), dtype=float), False
    return pd.to_numeric(series, errors="coerce").to_numpy(float), False


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if not np.isfinite(low) or not np.isfinite(high):
        return []
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _tick_text(value: float, dates: bool) -> str:
    if dates:
        return (pd.Timestamp("1970-01-01") + pd.Timedelta(days=value)).strftime("%b %Y")
    return f"{value:,.0f}" if abs(value) >= 10 or value == round(value) else f"{value:,.1f}"


def _date_ticks(low: float, high: float) -> list[float]:
    start, end = (pd.Timestamp("1970-01-01") + pd.Timedelta(days=v) for v in (low, high))
    months = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
    months = months[months >= start] if len(months) > 1 else months
    step = max(1, math.ceil(len(months) / 6))
    return [float((m - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)) for m in months[::step]]


def _colour(trace: Any, position: int) -> str:
    line = getattr(trace, "line", None)
    marker = getattr(trace, "marker", None)
    return getattr(line, "color", None) or getattr(marker, "color", None) or PALETTE[position % len(PALETTE)]


def _text(layout_text: Any) -> str:
    return str(getattr(layout_text, "text", None) or "") if layout_text is not None else ""


def figure_svg(figure: Any, width: int = 900, height: int | None = None, show_title: bool = True) -> str:
    """The figure as one standalone <svg> element (module docstring); `show_title` False leaves out the
    figure's title (when the report's heading already says it)."""
    layout = figure.layout
    height = int(height or layout.height or 380)
    traces = [t for t in figure.data if getattr(t, "visible", True) is not False]
    bars = [t for t in traces if t.type == "bar"]
    horizontal = bool(bars) and all(getattr(t, "orientation", None) == "h" for t in bars)
    categories: list[str] = []
    if horizontal:
        for trace in bars:
            categories += [str(c) for c in trace.y if str(c) not in categories]
    # room for the category names of horizontal bars (up to a third of the width)
    left = min(max((len(c) for c in categories), default=0) * 7 + 14, width // 3) if horizontal else LEFT
    legend = [t for t in traces if t.name and t.showlegend is not False]
    legend_rows = math.ceil(sum(len(str(t.name)) * 7 + 34 for t in legend) / max(width - left - RIGHT, 1))
    plot_h = height - TOP - BOTTOM - LEGEND_ROW * legend_rows
    plot_w = width - left - RIGHT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {height}" '
             f'role="img" {FONT} font-size="12">']
    title = _text(layout.title)
    if title and show_title:
        parts.append(f'<text x="{left}" y="22" font-size="15" font-weight="bold">{_esc(title)}</text>')
    xs, ys, dates = [], [], False
    stacks: dict[tuple[str, bool], float] = {}
    segments = []  # bars: (trace, category index, start, end)
    for trace in traces:
        if trace.type == "bar" and horizontal:
            for category, value in zip(trace.y, trace.x, strict=False):
                value = float(value) if value is not None and np.isfinite(float(value)) else 0.0
                key = (str(category), value >= 0)
                start = stacks.get(key, 0.0)
                stacks[key] = start + value
                segments.append((trace, categories.index(str(category)), start, start + value))
                xs += [start, start + value]
            continue
        x, is_dates = _numbers(trace.x)
        y, _ = _numbers(trace.y)
        dates = dates or is_dates
        xs += list(x[np.isfinite(x)])
        ys += list(y[np.isfinite(y)])
    hlines = [(float(s.y0), s) for s in (layout.shapes or ()) if s.type == "line" and s.y0 == s.y1
              and s.y0 is not None]
    ys += [y for y, _ in hlines]
    if horizontal:
        xs.append(0.0)
    elif bars:
        ys.append(0.0)
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_low, y_high = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if y_low >= 0 and y_high > 0 and y_high - y_low < ZOOM_LIMIT * y_high:
        y_low = 0.0  # honest axis: a change small against the level is drawn small, not as a cliff
    pad = (y_high - y_low) * 0.05 or max(abs(y_high) * 0.05, 1.0)
    y_low, y_high = y_low - (pad if y_low != 0 else 0), y_high + pad
    if x_high <= x_low:
        x_low, x_high = x_low - 1, x_high + 1

    def px(value: float) -> float:
        return left + (value - x_low) / (x_high - x_low) * plot_w

    def py(value: float) -> float:
        return TOP + plot_h - (value - y_low) / (y_high - y_low) * plot_h

    if horizontal:  # categories down the y axis, values along x
        band = plot_h / max(len(categories), 1)
        for tick in _nice_ticks(x_low, x_high):
            parts.append(f'<line x1="{px(tick):.1f}" x2="{px(tick):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                         'stroke="#e5e5e5"/>')
            parts.append(f'<text x="{px(tick):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                         f'{_esc(_tick_text(tick, False))}</text>')
        for number, category in enumerate(categories):
            parts.append(f'<text x="{left - 6}" y="{TOP + band * (number + 0.5) + 4:.1f}" text-anchor="end">'
                         f'{_esc(category)}</text>')
        for position, (trace, number, start, end) in enumerate(segments):
            colour = _colour(trace, bars.index(trace) if trace in bars else position)
            x0, x1 = sorted((px(start), px(end)))
            parts.append(f'<rect x="{x0:.1f}" y="{TOP + band * number + band * 0.2:.1f}" '
                         f'width="{max(x1 - x0, 0.5):.1f}" height="{band * 0.6:.1f}" fill="{colour}"/>')
        zero = px(0)
        parts.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#333"/>')
    else:
        for tick in _nice_ticks(y_low, y_high):
            parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" '
                         'stroke="#e5e5e5"/>')
            parts.append(f'<text x="{left - 6}" y="{py(tick) + 4:.1f}" text-anchor="end">'
                         f'{_esc(_tick_text(tick, False))}</text>')
        for tick in (_date_ticks(x_low, x_high) if dates else _nice_ticks(x_low, x_high)):
            parts.append(f'<text x="{px(tick):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                         f'{_esc(_tick_text(tick, dates))}</text>')
        vertical_bars = [t for t in traces if t.type == "bar"]
        for position, trace in enumerate(traces):
            colour = _colour(trace, position)
            x, _ = _numbers(trace.x)
            y, _ = _numbers(trace.y)
            if trace.type == "bar":
                slot = (plot_w / max(len(x), 1)) * 0.8 / max(len(vertical_bars), 1)
                shift = (vertical_bars.index(trace) - (len(vertical_bars) - 1) / 2) * slot
                for xv, yv in zip(x, y, strict=False):
                    if np.isfinite(xv) and np.isfinite(yv):
                        top, bottom = sorted((py(yv), py(0)))
                        parts.append(f'<rect x="{px(xv) + shift - slot / 2:.1f}" y="{top:.1f}" '
                                     f'width="{slot:.1f}" height="{max(bottom - top, 0.5):.1f}" '
                                     f'fill="{colour}"/>')
                continue
            points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(x, y, strict=False)
                              if np.isfinite(a) and np.isfinite(b))
            if not points:
                continue
            if getattr(trace, "fill", None) == "toself":
                fill = getattr(trace, "fillcolor", None) or colour
                parts.append(f'<polygon points="{points}" fill="{_esc(fill)}" stroke="none"/>')
                continue
            mode = str(getattr(trace, "mode", None) or "lines")
            if "lines" in mode:
                dash = DASHES.get(str(getattr(trace.line, "dash", None) or ""), "")
                width_px = getattr(trace.line, "width", None) or 2
                dashed = f' stroke-dasharray="{dash}"' if dash else ""
                parts.append(f'<polyline points="{points}" fill="none" stroke="{_esc(colour)}" '
                             f'stroke-width="{width_px}"{dashed}/>')
            if "markers" in mode:
                for a, b in zip(x, y, strict=False):
                    if np.isfinite(a) and np.isfinite(b):
                        parts.append(f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="3" '
                                     f'fill="{_esc(colour)}"/>')
        for value, shape in hlines:
            colour = getattr(shape.line, "color", None) or "#c0392b"
            dash = DASHES.get(str(getattr(shape.line, "dash", None) or ""), "")
            parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(value):.1f}" y2="{py(value):.1f}" '
                         f'stroke="{_esc(colour)}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for note in layout.annotations or ():
            if note.text and note.y is not None and note.yref in ("y", None):
                parts.append(f'<text x="{left + plot_w - 4}" y="{py(float(note.y)) - 4:.1f}" '
                             f'text-anchor="end" fill="#555">{_esc(note.text)}</text>')
        parts.append(f'<line x1="{left}" x2="{left}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#333"/>')
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
                     'stroke="#333"/>')
    axis_title = _text(layout.yaxis.title) if not horizontal else _text(layout.xaxis.title)
    if axis_title:
        where = (f'x="14" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})"'
                 if not horizontal else f'x="{left + plot_w / 2:.1f}" y="{TOP + plot_h + 32}"')
        parts.append(f'<text {where} text-anchor="middle" fill="#333">{_esc(axis_title)}</text>')
    key_x, key_y = left, height - LEGEND_ROW * legend_rows + 4
    for trace in legend:
        label = str(trace.name)
        size = len(label) * 7 + 34
        if key_x + size > width - RIGHT:
            key_x, key_y = left, key_y + LEGEND_ROW
        swatch = getattr(trace, "fillcolor", None) if getattr(trace, "fill", None) == "toself" else None
        parts.append(f'<rect x="{key_x}" y="{key_y - 9}" width="14" height="10" '
                     f'fill="{_esc(swatch or _colour(trace, traces.index(trace)))}"/>')
        parts.append(f'<text x="{key_x + 18}" y="{key_y}">{_esc(label)}</text>')
        key_x += size
    parts.append("</svg>")
    return "".join(parts)
