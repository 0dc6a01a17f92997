"""Accuracy by months ahead for the Forecasts page: the engine's `horizon_accuracy` (the same function and
words as `python -m forecasting forecast`), computed once per data set and forecast settings and shared
read-only by every session (`st.cache_resource`, bounded like the forecast in `ui.state`); the engine also
keeps the summary in its disk cache."""
from __future__ import annotations

import streamlit as st

from forecasting.engine import describe_horizon_accuracy, horizon_accuracy
from ui import state


@st.cache_resource(show_spinner=False, max_entries=state.MAX_DATA_SETS, ttl=state.CACHE_TTL_SECONDS)
def _by_months_ahead(key: str, settings_key: str, _dataset, _result):
    return horizon_accuracy(_dataset, _result)


def accuracy_by_months_ahead(dataset, result):
    """(table, one plain-words line per band) of how the forecasts in use did 1-3, 4-9, 10-15 and 16-21
    months ahead on the data set's own past."""
    with st.spinner("Checking past forecasts by months ahead (first time only)..."):
        table = _by_months_ahead(state.fingerprint(dataset), result.settings.cache_key(), dataset, result)
    return table, describe_horizon_accuracy(table)
