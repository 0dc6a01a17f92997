"""Each page's derived tables, computed once per (data set, edits, plan) and shared read-only by every session
(issue 16, speed): a page switch or a second user finds them ready instead of running the planning work again.

Every cache here is keyed by strings and tuples, never by large frames:
- the data set's fingerprint (`state.fingerprint`: observations, catalogue, context, targets, benchmarks), so
  two data sets never share an entry, and an upload's entries are reachable only with its fingerprint, which
  only a session holding that upload works out (uploads live in that session's state);
- the session's edits (`state.edits_key`: changed assumptions and the price year of typed-in costs);
- the horizon, and a plan's canonical hash (`plan_key`: the scenario's full content, name included);
- for uploaded spend or a budget, a hash of the file's table.
The functions are the package's own (`apply_scenario`, `evaluate_targets`, `workforce_view`, `finance_view`,
`finance_sheets`, `headline_table`), called with the same arguments a page would pass, so a cached table is
the package's answer (tests/app/test_derived_cache.py). Pages only read what these return.

Bounded: each cache keeps at most a few dozen entries (least recently used dropped) for at most
`state.CACHE_TTL_SECONDS`; a scenario result is the largest object (about 4 MB with its effect draws, so the
results cache holds at most about 64 MB).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    HEADLINES,
    apply_scenario,
    evaluate_targets,
    finance_view,
    headline_table,
    scenario_file_name,
    scenario_from_dict,
    workforce_view,
)
from forecasting.reports import finance_sheets, small_multiples
from ui import state

MAX_RESULTS = 16     # scenario results (every session's recent slider positions and saved plans share these)
MAX_TABLES = 32      # target tables, workforce and finance views
TTL = state.CACHE_TTL_SECONDS


@dataclass(frozen=True)
class Basis:
    """What a derived table is worked out from: a data set and the assumptions in force (with their key)."""

    dataset: object
    params: dict
    edits: tuple

    @property
    def key(self) -> str:
        return state.fingerprint(self.dataset)


def current() -> Basis:
    """This session's data set and edits."""
    return Basis(state.active_dataset(), state.parameters(), state.edits_key(state.parameter_overrides(),
                                                                              state.price_year()))


def shipped(dataset) -> Basis:
    """A data set with the shipped assumptions: what a new session sees before it edits anything."""
    return Basis(dataset, state.parameters_for(dataset, {}, None), state.NO_EDITS)


def plan_key(scenario) -> str:
    """A scenario's canonical hash: its whole content (name, levers, every setting)."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


def page_scenario(values: dict, name: str | None):
    """The Scenarios page's scenario from its levers' values (None: not set) and the name typed in the save
    form ('Scenario' when there is none, or one the save form refuses)."""
    name = name or "Scenario"
    try:
        scenario_file_name(name)
    except UserFacingError:
        name = "Scenario"  # the save form says what is wrong with the name
    return scenario_from_dict({"schema_version": 1, "name": name,
                               "levers": {k: v for k, v in values.items() if v is not None}}, "levers")


def frame_key(frame: pd.DataFrame | None) -> str:
    """A table's content hash ('' for none): uploaded spend or a budget."""
    if frame is None:
        return ""
    digest = hashlib.sha256(repr(list(frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def baseline(basis: Basis, horizon: int | None = None):
    """(baseline, calibration) of `basis` to `horizon` months (None: the engine's default)."""
    return state.baseline_for(basis.dataset, basis.params, basis.edits, horizon)


# ------------------------------------------------------------------------------------------- scenarios
@st.cache_resource(show_spinner=False, max_entries=MAX_RESULTS, ttl=TTL)
def _scenario_result(key: str, edits: tuple, horizon, plan: str, _basis: Basis, _scenario):
    built, calibration = baseline(_basis, horizon)
    return apply_scenario(built, _scenario, calibration, _basis.params)


def scenario_result(basis: Basis, scenario, horizon: int | None = None):
    """`apply_scenario(baseline, scenario, calibration, params)` on `basis`'s baseline to `horizon`."""
    return _scenario_result(basis.key, basis.edits, horizon, plan_key(scenario), basis, scenario)


@st.cache_data(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _scenario_targets(key: str, edits: tuple, horizon, plan: str, _basis: Basis, _scenario) -> pd.DataFrame:
    result = scenario_result(_basis, _scenario, horizon)
    return evaluate_targets(result.projection, params=_basis.params)


def scenario_targets(basis: Basis, scenario, horizon: int | None = None) -> pd.DataFrame:
    """Every target under `scenario` (`evaluate_targets` on its projection); a copy of its own."""
    return _scenario_targets(basis.key, basis.edits, horizon, plan_key(scenario), basis, scenario)


@st.cache_data(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _baseline_targets(key: str, edits: tuple, horizon, _basis: Basis) -> pd.DataFrame:
    built, _ = baseline(_basis, horizon)
    return evaluate_targets(built.projection, params=_basis.params)


@st.cache_data(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _scenario_headlines(key: str, edits: tuple, horizon, plan: str, _basis: Basis, _scenario) -> pd.DataFrame:
    return headline_table(scenario_result(_basis, _scenario, horizon).projection,
                          scenario_targets(_basis, _scenario, horizon))


def scenario_headlines(basis: Basis, scenario, horizon: int | None = None) -> pd.DataFrame:
    """The headline table under `scenario` (`headline_table` on its projection and targets)."""
    return _scenario_headlines(basis.key, basis.edits, horizon, plan_key(scenario), basis, scenario)


def baseline_targets(basis: Basis, horizon: int | None = None) -> pd.DataFrame:
    """Every target on the scenario baseline's projection (no levers moved); a copy of its own."""
    return _baseline_targets(basis.key, basis.edits, horizon, basis)


# ------------------------------------------------------------------------------------------- overview
@st.cache_data(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _headlines(key: str, edits: tuple, _basis: Basis) -> pd.DataFrame:
    return headline_table(state.projection_for(_basis.dataset), state.targets_for(
        _basis.dataset, _basis.params, _basis.edits))


def headlines(basis: Basis) -> pd.DataFrame:
    """The Overview's headline table (`headline_table` on the baseline projection and its targets)."""
    return _headlines(basis.key, basis.edits, basis)


@st.cache_resource(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _overview_chart(key: str, _dataset):
    projection = state.projection_for(_dataset)
    panels = [(label, _dataset.series(code), projection.forecasts[projection.forecasts["indicator"] == code])
              for code, label in HEADLINES if code in _dataset.indicator_codes]
    return small_multiples(panels) if panels else None


def overview_chart(basis: Basis):
    """The Overview's small multiples (history and forecast of each headline measure held), or None; one
    figure per data set, shared read-only (building it was half the page's server time; st.plotly_chart
    copies a figure, never changes it)."""
    return _overview_chart(basis.key, basis.dataset)


# ------------------------------------------------------------------------------------------- workforce
@st.cache_resource(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _workforce(key: str, edits: tuple, norms: tuple, targets: tuple, _basis: Basis):
    built, _ = baseline(_basis)
    return workforce_view(built, _basis.params, dict(norms), dict(targets))


def workforce(basis: Basis, norms: dict[str, float], targets: dict[str, float]):
    """`workforce_view(baseline, params, norms, targets)` on the engine's default horizon (read only)."""
    return _workforce(basis.key, basis.edits, tuple(sorted(norms.items())), tuple(sorted(targets.items())),
                      basis)


# ------------------------------------------------------------------------------------------- finance
@st.cache_resource(show_spinner=False, max_entries=MAX_TABLES, ttl=TTL)
def _finance(key: str, edits: tuple, horizon, plan: str, spend: str, budget_key: str, _basis: Basis,
             _scenario, _actual_spend, _budget):
    result = scenario_result(_basis, _scenario, horizon)
    view = finance_view(result, _basis.params, actual_spend=_actual_spend, budget=_budget)
    return view, finance_sheets(view, _basis.params)


def finance(basis: Basis, scenario, horizon: int, actual_spend: pd.DataFrame | None = None,
            budget: pd.DataFrame | None = None):
    """(finance_view, finance_sheets) of `scenario` on `basis` to `horizon` (read only)."""
    return _finance(basis.key, basis.edits, horizon, plan_key(scenario), frame_key(actual_spend),
                    frame_key(budget), basis, scenario, actual_spend, budget)


CACHES = (_scenario_result, _scenario_targets, _scenario_headlines, _baseline_targets, _headlines,
          _overview_chart, _workforce, _finance)
