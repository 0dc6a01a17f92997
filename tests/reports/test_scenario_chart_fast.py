"""The Scenarios chart built in one go (issue 16, speed) is the same figure as the one built step by step
before: the old code is kept here as the reference, and the two figures' JSON must be equal, with and without
the band, with markup in the title and unit, with an empty title, and on the embedded data's every measure."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from forecasting.reports.charts import FORECAST, SCENARIO, plain_text, scenario_chart


def _reference(measure: pd.DataFrame, *, title: str, unit_label: str = "") -> go.Figure:
    """scenario_chart as it was (forecasting/reports/charts.py at 37cac0c), verbatim: the checked figure."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=measure["month"],
            y=measure["baseline"],
            mode="lines",
            name="Baseline forecast",
            line={"color": FORECAST, "dash": "dash"},
        )
    )
    if "delta_lo95" in measure and (measure["delta_hi95"] - measure["delta_lo95"]).abs().max() > 0:
        band_x = pd.concat([measure["month"], measure["month"][::-1]])
        band_y = pd.concat([measure["baseline"] + measure["delta_hi95"],
                            (measure["baseline"] + measure["delta_lo95"])[::-1]])
        figure.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines", line={"width": 0},
                                    fillcolor="rgba(128,128,128,0.2)", hoverinfo="skip",
                                    name="Scenario, 95% interval of the change"))
    figure.add_trace(go.Scatter(x=measure["month"], y=measure["scenario"], mode="lines", name="Scenario",
                                line={"color": SCENARIO, "width": 3}))
    figure.update_layout(title=title, yaxis_title=unit_label, hovermode="x unified", height=320,
                         margin={"l": 10, "r": 10, "t": 50, "b": 10}, legend={"orientation": "h", "y": -0.2})
    return plain_text(figure)


def _same(measure, **labels):
    fast, slow = scenario_chart(measure, **labels), _reference(measure, **labels)
    assert json.loads(fast.to_json()) == json.loads(slow.to_json())


def _toy(band: bool) -> pd.DataFrame:
    months = pd.date_range("2018-07-01", periods=4, freq="MS")
    frame = pd.DataFrame({"month": months, "baseline": [10.0, 11.5, 12.25, 13.0],
                          "scenario": [10.0, 11.0, 11.5, 12.0], "delta": [0.0, -0.5, -0.75, -1.0]})
    if band:
        frame["delta_lo95"] = frame["delta"] * 1.5
        frame["delta_hi95"] = frame["delta"] * 0.5
    return frame


@pytest.mark.parametrize("band", [True, False])
@pytest.mark.parametrize("labels", [{"title": "Looked-after children", "unit_label": "children"},
                                    {"title": "<b>Bold</b> & <a href='x'>link</a>", "unit_label": "£ <i>"},
                                    {"title": ""}])
def test_the_chart_is_the_figure_built_step_by_step(band, labels):
    _same(_toy(band), **labels)


def test_a_band_of_zero_width_is_not_drawn():
    frame = _toy(True).assign(delta_lo95=0.0, delta_hi95=0.0)
    _same(frame, title="flat")
    assert len(scenario_chart(frame, title="flat").data) == 2


def test_every_embedded_measure_draws_the_same(embedded_dataset):
    from pathlib import Path

    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario

    params = load_parameters()
    baseline, calibration = build_baseline(embedded_dataset, run_forecast(embedded_dataset), params)
    plan = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "combined-plan.yaml")
    result = apply_scenario(baseline, plan, calibration, params)
    drawn = 0
    for measure in result.table["measure"].unique():
        frame = result.measure(measure)
        _same(frame, title=str(measure), unit_label="£")
        drawn += bool(np.any(frame["delta_hi95"] != frame["delta_lo95"]))
    assert drawn > 5  # bands were compared too


def test_a_band_with_a_missing_month_is_drawn_as_before_and_an_empty_one_is_not():
    frame = _toy(True)
    frame.loc[1, "delta_lo95"] = np.nan
    _same(frame, title="gap")
    assert len(scenario_chart(frame, title="gap").data) == 3
    empty = _toy(True).assign(delta_lo95=np.nan, delta_hi95=np.nan)
    _same(empty, title="none")
    assert len(scenario_chart(empty, title="none").data) == 2
    _same(_toy(False).iloc[:0], title="no months")


def test_the_figure_can_be_updated_and_read_as_before():
    fast, slow = scenario_chart(_toy(True), title="T"), _reference(_toy(True), title="T")
    for figure in (fast, slow):
        figure.update_yaxes(rangemode="tozero", tickprefix="£")
        figure.add_trace(go.Scatter(x=_toy(True)["month"], y=[400.0] * 4, name="Target", mode="lines"))
    assert json.loads(fast.to_json()) == json.loads(slow.to_json())
    assert fast.layout.title.text == "T" and [trace.name for trace in fast.data][-1] == "Target"
