"""The Scenarios page's charts: baseline against scenario for each measure, with the target lines in the
chart's months, drawn once per (data set, edits, horizon, plan) and shared read-only by every session (issue
16, speed: building eight figures is a good part of a page run; st.plotly_chart copies a figure, never
changes it)."""

from __future__ import annotations

import streamlit as st

from forecasting.reports import scenario_chart
from ui import derived
from ui.scenario_targets import add_target_lines

# measure, title, unit, the scorecard indicator whose targets are drawn on its chart
CHARTS = [
    ("referrals", "Referrals a month", "referrals", "M2"),
    ("cp_plans", "Children on CP plans", "children", "CP6B"),
    ("lac", "Looked-after children", "children", "LAC1"),
    ("caseload_cin_cp", "CIN/CP caseload per worker", "cases", None),
    ("EH4-QL", "Single assessments in 45 days", "%", "EH4-QL"),
    ("M8-QL", "MASH decisions in 24 hours", "%", "M8-QL"),
    ("placement_cost", "Placement spend a month", "£", None),
    ("staffing_cost", "Staffing cost a month (managers and support included)", "£", None),
]


@st.cache_resource(show_spinner=False, max_entries=derived.MAX_RESULTS, ttl=derived.TTL)
def _charts(key: str, edits: tuple, horizon, plan: str, _basis, _scenario) -> list[tuple[int, str, object]]:
    result = derived.scenario_result(_basis, _scenario, horizon)
    targets = derived.scenario_targets(_basis, _scenario, horizon)
    charts = []
    for number, (measure, label, unit, indicator) in enumerate(CHARTS):
        frame = result.measure(measure)
        if frame.empty:
            continue
        figure = add_target_lines(scenario_chart(frame, title=label, unit_label=unit), targets, indicator,
                                  frame["month"])
        if unit == "£":  # money from zero: a small change never looks like a cliff
            figure.update_yaxes(rangemode="tozero", tickprefix="£")
        charts.append((number, label, figure))
    return charts


def scenario_charts(basis, scenario, horizon: int | None = None) -> list[tuple[int, str, object]]:
    """(position in CHARTS, title, figure) of each chart with data, for `scenario` on `basis` to `horizon`."""
    return _charts(basis.key, basis.edits, horizon, derived.plan_key(scenario), basis, scenario)
