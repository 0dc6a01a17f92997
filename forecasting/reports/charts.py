"""Plotly figures for the app and the HTML report. Pure functions of frames: no Streamlit here.

Colours are fixed so a leader sees the same meaning on every page: history dark blue, forecast orange with
80% (darker) and 95% (lighter) bands, scenario green, targets red dashed, benchmarks grey dotted.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from forecasting.reports.escaping import chart_text
from forecasting.reports.words import figure_text

HISTORY = "#1f3b73"
FORECAST = "#e07b00"
BAND80 = "rgba(224,123,0,0.30)"
BAND95 = "rgba(224,123,0,0.13)"
SCENARIO = "#2a9d55"
TARGET = "#c0392b"
BENCHMARK = "#7f8c8d"
COMPARATOR_NAMES = {"statistical_neighbours": "Statistical neighbours", "england": "England",
                    "south_east": "South East"}


def plain_text(figure: go.Figure) -> go.Figure:
    """The figure with every title, annotation, legend name and text label shown as text, never as markup.

    Plotly reads a subset of HTML in these (`<a href>` becomes a live link), and they carry names from the
    user's files (indicators, authorities, targets); `escaping.chart_text` turns < > & into entities.
    """
    layout = figure.layout
    if layout.title is not None and layout.title.text:
        layout.title.text = chart_text(layout.title.text)
    for axis in (layout.xaxis, layout.yaxis):
        if axis is not None and axis.title is not None and axis.title.text:
            axis.title.text = chart_text(axis.title.text)
    for annotation in layout.annotations or ():
        if annotation.text:
            annotation.text = chart_text(annotation.text)
    for trace in figure.data:
        if getattr(trace, "name", None):
            trace.name = chart_text(trace.name)
        text = getattr(trace, "text", None)
        if isinstance(text, str):
            trace.text = chart_text(text)
        elif text is not None and len(text):
            trace.text = [chart_text(t) for t in text]
    return figure


def _band(figure, months, low, high, colour, name, row=None, col=None, showlegend=True):
    kwargs = {"row": row, "col": col} if row else {}
    figure.add_trace(
        go.Scatter(
            x=list(months) + list(months)[::-1],
            y=list(high) + list(low)[::-1],
            fill="toself",
            fillcolor=colour,
            line={"width": 0},
            hoverinfo="skip",
            name=name,
            showlegend=showlegend,
            legendgroup=name,
        ),
        **kwargs,
    )


def fan_chart(history: pd.Series, forecast: pd.DataFrame, *, title: str = "", unit: str = "count",
              targets: pd.DataFrame | None = None, benchmarks: pd.DataFrame | None = None,
              candidates: pd.DataFrame | None = None) -> go.Figure:
    """History line, forecast median with 80/95% bands, optional target markers and benchmark lines.

    `history`: values indexed by month. `forecast`: month, mean, lo80, hi80, lo95, hi95. `targets`: period,
    target, target_date. `benchmarks`: comparator, value. `candidates`: month, model, mean (other models).
    """
    figure = go.Figure()
    if not forecast.empty:
        _band(figure, forecast["month"], forecast["lo95"], forecast["hi95"], BAND95, "95% range")
        _band(figure, forecast["month"], forecast["lo80"], forecast["hi80"], BAND80, "80% range")
    figure.add_trace(go.Scatter(x=history.index, y=history.values, mode="lines+markers", name="Actual",
                                line={"color": HISTORY, "width": 2}))
    if not forecast.empty:
        joined_x = (
            [history.dropna().index[-1], *forecast["month"]] if history.notna().any() else forecast["month"]
        )
        joined_y = (
            [history.dropna().iloc[-1], *forecast["mean"]] if history.notna().any() else forecast["mean"]
        )
        figure.add_trace(go.Scatter(x=joined_x, y=joined_y, mode="lines", name="Forecast (central)",
                                    line={"color": FORECAST, "width": 2, "dash": "dash"}))
    for model, frame in (
        candidates.groupby("model") if candidates is not None and not candidates.empty else []
    ):
        figure.add_trace(go.Scatter(x=frame["month"], y=frame["mean"], mode="lines", name=model, opacity=0.6,
                                    line={"width": 1}))
    row: Any  # an itertuples() row: its fields are whatever the frame holds
    if targets is not None:
        for row in targets.itertuples():
            figure.add_trace(
                go.Scatter(
                    x=[pd.Timestamp(row.target_date)],
                    y=[row.target],
                    mode="markers+text",
                    marker={"symbol": "x", "size": 12, "color": TARGET},
                    text=[f"Target {row.period}: {figure_text(row.target, unit)}"],
                    textposition="top center",
                    name=f"Target {row.period}",
                )
            )
    if benchmarks is not None:
        for row in benchmarks.itertuples():
            figure.add_hline(y=row.value, line={"color": BENCHMARK, "dash": "dot", "width": 1},
                             annotation_text=COMPARATOR_NAMES.get(row.comparator, row.comparator),
                             annotation_position="bottom right")
    figure.update_layout(
        title=title,
        hovermode="x unified",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        yaxis_title={"percent": "%", "rate_per_10k": "per 10,000 children"}.get(unit, "number"),
        legend={"orientation": "h", "y": -0.15},
    )
    figure.update_yaxes(tickformat=",", hoverformat=",.0f" if unit == "count" else ",.1f")  # 1,433 not 1.433k
    if unit == "percent":
        figure.update_yaxes(range=[0, 100], ticksuffix="%")
    return plain_text(figure)


def small_multiples(panels: list[tuple[str, pd.Series, pd.DataFrame]], columns: int = 3) -> go.Figure:
    """A grid of compact fan charts: (title, history, forecast) per panel."""
    rows = -(-len(panels) // columns)
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[p[0] for p in panels],
                           vertical_spacing=0.12, horizontal_spacing=0.06)
    for number, (_, history, forecast) in enumerate(panels):
        row, col = number // columns + 1, number % columns + 1
        first = number == 0
        if not forecast.empty:
            _band(
                figure,
                forecast["month"],
                forecast["lo95"],
                forecast["hi95"],
                BAND95,
                "95% range",
                row,
                col,
                first,
            )
            _band(
                figure,
                forecast["month"],
                forecast["lo80"],
                forecast["hi80"],
                BAND80,
                "80% range",
                row,
                col,
                first,
            )
            figure.add_trace(
                go.Scatter(
                    x=forecast["month"],
                    y=forecast["mean"],
                    mode="lines",
                    name="Forecast",
                    line={"color": FORECAST, "dash": "dash"},
                    showlegend=first,
                    legendgroup="Forecast",
                ),
                row=row,
                col=col,
            )
        figure.add_trace(go.Scatter(x=history.index, y=history.values, mode="lines", name="Actual",
                                    line={"color": HISTORY}, showlegend=first, legendgroup="Actual"),
                         row=row, col=col)
    figure.update_layout(height=280 * rows, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         legend={"orientation": "h", "y": -0.05})
    figure.update_yaxes(tickformat=",", hoverformat=",.0f")
    return plain_text(figure)


def scenario_chart(measure: pd.DataFrame, *, title: str, unit_label: str = "") -> go.Figure:
    """Baseline against scenario for one measure: `measure` has month, baseline, scenario (and, when given,
    delta_lo95 / delta_hi95: the scenario's 95% interval of the change, drawn as a band).

    A slider move draws eight of these, so the figure is built in one constructor call from arrays and plain
    properties, its text escaped as `plain_text` would, without plotly checking each property set: about a
    sixth of the time of the figure built step by step (~6 ms). The properties are fixed here, and
    tests/reports/test_scenario_chart_fast.py checks the figure is the same as the checked one built step by
    step (later updates to it are not checked by plotly either)."""
    months = measure["month"].to_numpy()
    baseline = measure["baseline"].to_numpy(dtype=float)
    traces = [{"type": "scatter", "x": months, "y": baseline, "mode": "lines", "name": "Baseline forecast",
               "line": {"color": FORECAST, "dash": "dash"}}]
    upper = measure["delta_hi95"].to_numpy(dtype=float) if "delta_lo95" in measure else np.zeros(0)
    lower = measure["delta_lo95"].to_numpy(dtype=float) if "delta_lo95" in measure else np.zeros(0)
    width = np.abs(upper - lower)
    if np.any(width[~np.isnan(width)] > 0):
        # the change's 95% interval over the effects' evidence (forecasting.planning.effect_draws)
        high, low = baseline + upper, baseline + lower
        traces.append({"type": "scatter", "x": np.concatenate([months, months[::-1]]),
                       "y": np.concatenate([high, low[::-1]]), "fill": "toself", "mode": "lines",
                       "line": {"width": 0}, "fillcolor": "rgba(128,128,128,0.2)", "hoverinfo": "skip",
                       "name": "Scenario, 95% interval of the change"})
    traces.append({"type": "scatter", "x": months, "y": measure["scenario"].to_numpy(dtype=float),
                   "mode": "lines", "name": "Scenario", "line": {"color": SCENARIO, "width": 3}})
    layout = {"title": {"text": chart_text(title)}, "yaxis": {"title": {"text": chart_text(unit_label)}},
              "hovermode": "x unified", "height": 320, "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
              "legend": {"orientation": "h", "y": -0.2}}
    try:
        return go.Figure(data=traces, layout=layout, _validate=False)
    except (TypeError, ValueError):  # a plotly without the unchecked build: the checked one, same figure
        return go.Figure(data=traces, layout=layout)


def decomposition_chart(
    decomposition: pd.DataFrame, *, title: str = "Where the change comes from"
) -> go.Figure:
    """Horizontal stacked bars: each lever group's contribution to each measure's change."""
    figure = go.Figure()
    for group, frame in decomposition.groupby("lever_group", sort=False):
        figure.add_trace(
            go.Bar(
                y=frame["measure"],
                x=frame["contribution"],
                name=str(group).replace("_", " "),
                orientation="h",
            )
        )
    figure.update_layout(
        barmode="relative",
        title=title,
        height=360,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title="change at the end of the projection",
        legend={"orientation": "h", "y": -0.2},
    )
    return plain_text(figure)


def stacked_area(frame: pd.DataFrame, *, x: str, y: str, colour: str, title: str, y_title: str) -> go.Figure:
    """Stacked areas of `y` by `colour` over `x` (e.g. children by placement type by month)."""
    figure = go.Figure()
    for name, part in frame.groupby(colour, sort=False):
        figure.add_trace(go.Scatter(x=part[x], y=part[y], name=str(name).replace("_", " "), stackgroup="one",
                                    mode="lines"))
    figure.update_layout(title=title, yaxis_title=y_title, hovermode="x unified", height=360,
                         margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return plain_text(figure)


def grouped_bars(frame: pd.DataFrame, *, x: str, y: str, colour: str, title: str, y_title: str) -> go.Figure:
    figure = go.Figure()
    for name, part in frame.groupby(colour, sort=False):
        figure.add_trace(go.Bar(x=part[x], y=part[y], name=str(name).replace("_", " ")))
    figure.update_layout(barmode="group", title=title, yaxis_title=y_title, height=360,
                         margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return plain_text(figure)


def lines(frame: pd.DataFrame, *, x: str, y: str, colour: str, title: str, y_title: str,
          reference: float | None = None, reference_label: str = "") -> go.Figure:
    figure = go.Figure()
    for name, part in frame.groupby(colour, sort=False):
        figure.add_trace(go.Scatter(x=part[x], y=part[y], name=str(name).replace("_", " "), mode="lines"))
    if reference is not None:
        figure.add_hline(y=reference, line={"color": TARGET, "dash": "dash"}, annotation_text=reference_label)
    figure.update_layout(title=title, yaxis_title=y_title, hovermode="x unified", height=340,
                         margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return plain_text(figure)
