"""Scenario levers as Streamlit inputs, built from forecasting.planning.levers.LEVERS (unit, range,
source)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from forecasting.planning import LEVERS, MONTH_UNIT, TEAMS

GROUP_TITLES = {
    "early_help": "Early Help step-down",
    "edge_of_care": "Edge of care",
    "workforce": "Social workers",
    "placement_mix": "Placement mix (in-house foster carers)",
    "demand_shock": "Demand shock",
}
PREFIX = "lever__"
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def widget_key(name: str) -> str:
    return PREFIX + name


def load_into_widgets(levers: dict) -> None:
    """Set every lever widget to a scenario's values (call before the widgets are drawn)."""
    for name, value in levers.items():
        if name in LEVERS:
            st.session_state[widget_key(name)] = value if value is not None else None


def lever_inputs(group: str, months: pd.DatetimeIndex) -> dict:
    """Draw the inputs for one group; returns {lever: value}."""
    values = {}
    month_options = [None, *[f"{m:%Y-%m}" for m in months]]
    for name, spec in LEVERS.items():
        if spec.group != group:
            continue
        key = widget_key(name)
        help_text = f"{spec.description}\n\nSource: {spec.source}"
        if spec.unit == MONTH_UNIT:
            current = st.session_state.get(key)
            if current not in month_options:
                st.session_state[key] = None
            values[name] = st.selectbox(
                f"{name.replace('_', ' ')} (month)",
                month_options,
                key=key,
                help=help_text,
                format_func=lambda m: "first forecast month" if m is None else m,
            )
        elif spec.unit == "team":
            st.session_state.setdefault(key, spec.default or TEAMS[0])
            values[name] = st.selectbox("team the recruits join", list(TEAMS), key=key, help=help_text)
        else:
            st.session_state.setdefault(key, float(spec.neutral))
            values[name] = st.slider(
                f"{name.replace('_', ' ')} ({spec.unit})",
                float(spec.low),
                float(spec.high),
                key=key,
                help=help_text,
                step=_step(spec),
            )
    return values


def _step(spec) -> float:
    span = float(spec.high) - float(spec.low)
    return 1.0 if span >= 20 else 0.5 if span >= 5 else 0.1
