"""The active data set (per session) and cached thin wrappers around the forecasting package.

Uploaded data lives in `st.session_state` (one user's upload never reaches another's session); computations
are cached by a fingerprint of the data, so switching back and forth is instant.

Memory is bounded: the forecast of a data set is computed once and shared read-only by every session
(`st.cache_resource`: one object, no per-session copy), as are its projection and the scenario baseline;
each cache keeps at most `MAX_DATA_SETS` data sets (x a few parameter edits) and drops an entry after
`CACHE_TTL_SECONDS`. Pages only read these objects, never change them.
"""
from __future__ import annotations

import contextlib
import hashlib
import threading
import weakref

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from forecasting import load_dataset, load_parameters, run_forecast
from forecasting.engine import dataset_fingerprint
from forecasting.planning import (
    PLACEMENT_TYPES,
    PLAN_COST_PARAMETERS,
    Projection,
    build_baseline,
    current_financial_year,
    enter_costs,
    evaluate_targets,
    with_overrides,
)

DATASET_KEY = "active_dataset"
OVERRIDES_KEY = "parameter_overrides"
PRICE_YEAR_KEY = "price_year"
MAX_DATA_SETS = 8            # data sets whose forecasts are kept at once (the embedded one + recent uploads)
MAX_EDITED = 16              # (data set, parameter edits) pairs whose targets and baselines are kept
CACHE_TTL_SECONDS = 6 * 3600  # an entry is rebuilt after six hours (the engine's disk cache makes it quick)
COST_PARAMETERS = (*(f"unit_cost_{kind}" for kind in PLACEMENT_TYPES), *PLAN_COST_PARAMETERS)


@st.cache_resource(show_spinner=False, max_entries=1)
def embedded_dataset():
    return load_dataset()


def active_dataset():
    """The session's uploaded data set, or the embedded Jun-18 scorecard."""
    return st.session_state.get(DATASET_KEY) or embedded_dataset()


def use_dataset(dataset) -> None:
    st.session_state[DATASET_KEY] = dataset


def use_embedded() -> None:
    st.session_state.pop(DATASET_KEY, None)


def is_embedded() -> bool:
    return DATASET_KEY not in st.session_state


_FINGERPRINTS: dict[int, tuple[weakref.ref, str]] = {}
_FINGERPRINTS_LOCK = threading.Lock()


def fingerprint(dataset) -> str:
    """The cache key of a data set: everything a page reads (the engine's fingerprint of the observations,
    catalogue and context, plus the targets and benchmarks, which a side-table upload replaces). Worked out
    once per Dataset object: a Dataset is never changed in place (an upload or a side table makes a new
    one)."""
    with _FINGERPRINTS_LOCK:
        found = _FINGERPRINTS.get(id(dataset))
    if found is not None and found[0]() is dataset:
        return found[1]
    digest = hashlib.sha256(dataset_fingerprint(dataset).encode())
    for table in (getattr(dataset, "targets", None), getattr(dataset, "benchmarks", None)):
        digest.update(b"\x1f")
        if table is not None:
            digest.update(table.to_json(orient="split", double_precision=15, date_format="iso",
                                        default_handler=str).encode())
    value, key = digest.hexdigest(), id(dataset)

    def forget(_ref) -> None:  # called as the object is freed, before its id can be reused
        with _FINGERPRINTS_LOCK:
            _FINGERPRINTS.pop(key, None)

    with _FINGERPRINTS_LOCK:
        _FINGERPRINTS[key] = (weakref.ref(dataset, forget), value)
    return value


@st.cache_resource(show_spinner=False, max_entries=MAX_DATA_SETS, ttl=CACHE_TTL_SECONDS)
def _forecast(key: str, _dataset, horizon: int | None = None):
    return run_forecast(_dataset, horizon=horizon)


def forecast_result(dataset=None, horizon: int | None = None):
    """Back-tested forecasts of every indicator (computed once per data set and horizon, shared read-only by
    every session, and cached on disk); `horizon` None is the engine's default."""
    dataset = dataset or active_dataset()
    # a spinner only in a page's run (the background work of ui/precompute.py has no page to show it on)
    waiting = (st.spinner("Back-testing and forecasting every indicator (first time only, a few seconds)...")
               if get_script_run_ctx(suppress_warning=True) is not None else contextlib.nullcontext())
    with waiting:
        return _forecast(fingerprint(dataset), dataset, horizon)


def parameter_overrides() -> dict[str, float]:
    return dict(st.session_state.get(OVERRIDES_KEY, {}))


def set_parameter_overrides(overrides: dict[str, float]) -> None:
    st.session_state[OVERRIDES_KEY] = dict(overrides)


def price_year() -> str | None:
    """Financial year the session's typed-in costs are priced in (None: the data's current financial year)."""
    return st.session_state.get(PRICE_YEAR_KEY)


def set_price_year(year: str | None) -> None:
    st.session_state[PRICE_YEAR_KEY] = year


def parameters_for(dataset, overrides: dict[str, float], year: str | None):
    """Named assumptions with `overrides` applied; typed-in costs are in the financial year `year` (None: the
    data's current financial year; forecasting.planning.prices)."""
    costs = {name: v for name, v in overrides.items() if name in COST_PARAMETERS}
    params = with_overrides(load_parameters(), {n: v for n, v in overrides.items() if n not in costs})
    return enter_costs(params, costs, year or current_financial_year(dataset))


def parameters():
    """Named assumptions with this session's edits applied, in the session's price year."""
    return parameters_for(active_dataset(), parameter_overrides(), price_year())


def edits_key(overrides: dict[str, float], year: str | None) -> tuple:
    """Cache key of a set of edits (values and the price year of typed-in costs)."""
    return (*sorted(overrides.items()), ("price_year", year or ""))


def _overrides_key() -> tuple:
    """Cache key of this session's edits."""
    return edits_key(parameter_overrides(), price_year())


NO_EDITS = edits_key({}, None)  # the shipped assumptions: what a new session and the background work use


@st.cache_resource(show_spinner=False, max_entries=MAX_DATA_SETS, ttl=CACHE_TTL_SECONDS)
def _projection(key: str, _dataset, _result):
    return Projection.from_forecast(_dataset, _result)


def projection(dataset=None):
    """The baseline projection every page reads (read-only, shared): the same object the CLI builds."""
    return projection_for(dataset or active_dataset())


def projection_for(dataset):
    return _projection(fingerprint(dataset), dataset, forecast_result(dataset))


@st.cache_data(show_spinner=False, max_entries=MAX_EDITED, ttl=CACHE_TTL_SECONDS)
def _target_table(key: str, overrides_key: tuple, _projection, _params):
    return evaluate_targets(_projection, params=_params)


def target_table(dataset=None):
    """Every target of the data set on the baseline projection (P(met), RAG), with this session's
    parameters."""
    dataset = dataset or active_dataset()
    return targets_for(dataset, parameters(), _overrides_key())


def targets_for(dataset, params, edits: tuple):
    """Every target of `dataset` on the baseline projection with `params` (whose key is `edits`)."""
    return _target_table(fingerprint(dataset), edits, projection_for(dataset), params)


@st.cache_resource(show_spinner=False, max_entries=MAX_EDITED, ttl=CACHE_TTL_SECONDS)
def _baseline(key: str, overrides_key: tuple, _dataset, _params, _result, horizon: int | None = None):
    return build_baseline(_dataset, _result, _params)


def scenario_baseline(dataset=None, horizon: int | None = None):
    """(baseline flows, calibration) for the scenario engine, on top of the forecasts to `horizon` months
    (None: the engine's default)."""
    dataset = dataset or active_dataset()
    return baseline_for(dataset, parameters(), _overrides_key(), horizon)


def baseline_for(dataset, params, edits: tuple, horizon: int | None = None):
    """(baseline flows, calibration) of `dataset` with `params` (whose key is `edits`) to `horizon`."""
    return _baseline(fingerprint(dataset), edits, dataset, params, forecast_result(dataset, horizon), horizon)
