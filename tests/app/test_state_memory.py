"""Bounded app memory (issue 18 part 5): every cache in ui/state.py keeps a bounded number of entries for a
bounded time, and the forecast of a data set is computed once and shared read-only by every session."""

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from ui import state

ROOT = Path(__file__).resolve().parents[2]


def test_every_cache_is_bounded_in_count_and_time():
    caches = [state.embedded_dataset, state._forecast, state._projection, state._target_table,
              state._baseline]
    for cached in caches:
        info = cached._info
        assert info.max_entries is not None and info.max_entries <= 16, info.func.__name__
    for cached in caches[1:]:
        assert cached._info.ttl == state.CACHE_TTL_SECONDS, cached._info.func.__name__


def test_forecast_is_computed_once_and_shared_by_sessions(monkeypatch):
    calls = []
    real = state.run_forecast

    def counting(dataset, horizon=None):
        calls.append(horizon)
        return real(dataset, horizon=horizon)

    monkeypatch.setattr(state, "run_forecast", counting)
    st.cache_resource.clear()
    st.cache_data.clear()
    for _ in range(2):                      # two separate sessions of the Forecasts page
        app = AppTest.from_file(str(ROOT / "views" / "forecasts.py"), default_timeout=180).run()
        assert not app.exception
    assert calls == [None]                  # one computation for both sessions
    # shared as one object (a resource), not unpickled into a copy for each session as cache_data would
    assert type(state._forecast._info).__name__ == "CachedResourceFuncInfo"
