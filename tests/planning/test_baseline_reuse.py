"""A cost edit rebuilds the baseline without refitting the timeliness curves (issue 16, speed): the kept
curves give exactly the numbers a fresh fit gives, and any parameter the fit reads refits them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.forecast import run_forecast
from forecasting.planning import finance_view, memo, scenario_effects
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.prices import current_financial_year, enter_costs
from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario
from forecasting.planning.targets import evaluate_targets

PLAN = Path(__file__).resolve().parents[2] / "scenarios" / "combined-plan.yaml"


@pytest.fixture(scope="module")
def forecast(embedded_dataset):
    return run_forecast(embedded_dataset)


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(memo, "STRICT", True)  # a kept result that reads its parameters later fails


def _everything(dataset, forecast, params):
    """What a cost edit reaches: the baseline, the plan on it, its targets and the finance view."""
    baseline, calibration = build_baseline(dataset, forecast, params)
    result = apply_scenario(baseline, load_scenario(PLAN), calibration, params)
    view = finance_view(result, params)
    return baseline, result, evaluate_targets(result.projection, params=params), view


def _assert_same(kept, fresh):
    (b1, r1, t1, v1), (b2, r2, t2, v2) = kept, fresh
    assert repr(b1.effects.curves) == repr(b2.effects.curves)  # repr: nan fields compare unequal
    pd.testing.assert_frame_equal(b1.effects.base_workforce, b2.effects.base_workforce, check_exact=True)
    pd.testing.assert_frame_equal(r1.table, r2.table, check_exact=True)
    pd.testing.assert_frame_equal(r1.projection.forecasts, r2.projection.forecasts, check_exact=True)
    pd.testing.assert_frame_equal(t1, t2, check_exact=True)
    pd.testing.assert_frame_equal(v1.by_month, v2.by_month, check_exact=True)
    pd.testing.assert_frame_equal(v1.spend_by_type, v2.spend_by_type, check_exact=True)


def test_a_cost_edit_reuses_the_curves_and_gives_the_fresh_numbers(embedded_dataset, forecast):
    shipped = load_parameters()
    _everything(embedded_dataset, forecast, shipped)  # the shipped baseline, as the app builds first
    edited = enter_costs(shipped, {"unit_cost_residential": 5000.0}, current_financial_year(embedded_dataset))
    store = scenario_effects._CURVES
    hits = store.hits
    kept = _everything(embedded_dataset, forecast, edited)
    assert store.hits > hits  # the fit was not run again
    store.clear()
    fresh = _everything(embedded_dataset, forecast, edited)
    assert store.misses >= 1
    _assert_same(kept, fresh)
    assert kept[0].effects.curves is not None
    # the cost edit does move the money
    before = _everything(embedded_dataset, forecast, shipped)[3].by_month
    assert not np.allclose(kept[3].by_month["cumulative_net_saving"], before["cumulative_net_saving"])


def test_a_staffing_edit_refits_the_curves(embedded_dataset, forecast):
    shipped = load_parameters()
    _everything(embedded_dataset, forecast, shipped)
    name = "establishment_fte_assessment"
    edited = with_overrides(shipped, {name: shipped[name].value + 5})
    misses = scenario_effects._CURVES.misses
    kept = _everything(embedded_dataset, forecast, edited)
    assert scenario_effects._CURVES.misses == misses + 1
    scenario_effects._CURVES.clear()
    _assert_same(kept, _everything(embedded_dataset, forecast, edited))
