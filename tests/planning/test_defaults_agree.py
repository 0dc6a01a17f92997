"""Defaults that must agree with the number they stand for (one number, two places):
- the timeliness validation of a forecast result that does not carry its settings uses the engine's own
  default back-test (ForecastSettings: 3 windows of 3 months); a result's own settings win;
- a data set without any team's workload gives an empty validation table (with its columns), not an error;
- the pipeline's default months a stepped-down family stays open to Early Help is the lever's neutral
  value."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.forecast import ForecastSettings
from forecasting.planning import timeliness_validation as tv
from forecasting.planning.levers import LEVERS
from forecasting.planning.pipeline import PipelineChanges


@pytest.fixture
def asked(monkeypatch):
    seen = {}
    months = pd.date_range("2018-01-01", periods=4, freq="MS")
    monkeypatch.setattr(tv, "history_demand", lambda dataset: pd.DataFrame(index=months))
    monkeypatch.setattr(tv, "StaffingPlan", SimpleNamespace(from_parameters=lambda params: "plan"))
    monkeypatch.setattr(tv, "engine_errors", lambda backtest: {})

    def adopt_loads(demand, observed, plan, params, *, horizon, n_windows, engine_mae):
        seen.update(horizon=horizon, n_windows=n_windows)
        return SimpleNamespace(table=pd.DataFrame())

    monkeypatch.setattr(tv, "adopt_loads", adopt_loads)
    dataset = SimpleNamespace(observations=pd.DataFrame({"unique_id": ["M1"], "y": [1.0]}),
                              series=lambda code: pd.Series(dtype=float))
    return seen, dataset


def test_a_result_without_settings_is_validated_with_the_engines_default_back_test(asked):
    seen, dataset = asked
    table = tv.rolling_validation(dataset, SimpleNamespace(backtest=pd.DataFrame()), {})
    defaults = ForecastSettings()
    assert seen == {"horizon": defaults.cv_horizon, "n_windows": defaults.n_windows} == {"horizon": 3,
                                                                                          "n_windows": 3}
    assert list(table.columns) == tv.COLUMNS and table.empty
    settings = SimpleNamespace(cv_horizon=6, n_windows=2)
    tv.rolling_validation(dataset, SimpleNamespace(backtest=pd.DataFrame(), settings=settings), {})
    assert seen == {"horizon": 6, "n_windows": 2}


def test_no_team_workload_gives_an_empty_validation_table(monkeypatch):
    def no_workload(dataset):
        raise ValueError("no team's workload in the data")

    monkeypatch.setattr(tv, "history_demand", no_workload)
    table = tv.rolling_validation(None, SimpleNamespace(backtest=pd.DataFrame()), {})
    assert list(table.columns) == tv.COLUMNS and table.empty


def test_the_pipelines_default_early_help_episode_is_the_levers_neutral_value():
    zero = np.zeros(3)
    changes = PipelineChanges(zero, zero, np.ones(3), zero, zero)
    assert changes.early_help_episode_months == LEVERS["early_help_episode_months"].neutral == 6
