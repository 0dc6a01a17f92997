"""The interval code's own arithmetic on back-test rows (forecasting.engine.intervals, the functions the
forecast uses), by hand. The horizon prior is replaced by a known growth (growth(h) = h, or 1), so what is
checked is how rows are read, not the prior's table:
- a row's spread is its window's FIRST sigma x growth(step); standardised error = (z_actual - mu) / spread;
  no model-scale actuals yet (or no back-test) gives no errors;
- coverage counts an actual exactly on either edge of the interval as inside."""

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import intervals
from forecasting.engine.backtest import ModelRun

Z80 = 1.2815515655446004


def _cv(**columns) -> pd.DataFrame:
    n = len(columns["mu"])
    base = {"cutoff": pd.Timestamp("2018-01-01"), "step": 1, "sigma": 1.0, "y": 0.0}
    return pd.DataFrame({**{k: [v] * n for k, v in base.items()}, **columns})


def test_standardised_errors_read_each_windows_first_sigma_times_the_growth_of_the_step(monkeypatch):
    monkeypatch.setattr(intervals, "growth", lambda steps, sigma1, n_obs=None: np.arange(1.0, steps + 1))
    # window 1 (sigma 2 at its first row): steps 1 and 2 -> spreads 2 and 4; window 2 (sigma 0.5): 0.5
    cv = _cv(cutoff=pd.to_datetime(["2018-01-01", "2018-01-01", "2018-02-01"]), step=[1, 2, 1],
             mu=[1.0, 1.0, 0.0], sigma=[2.0, 3.0, 0.5], y=[3.0, 5.0, -1.0])
    run = ModelRun("m", cv=cv)
    assert list(intervals.prior_standardised_errors(run)) == []  # no model-scale actuals yet
    run.cv = cv.assign(z_actual=[3.0, 5.0, -1.0])
    # (3 - 1) / 2 = 1, (5 - 1) / 4 = 1, (-1 - 0) / 0.5 = -2
    assert list(intervals.prior_standardised_errors(run)) == pytest.approx([1.0, 1.0, -2.0])
    assert list(intervals.prior_standardised_errors(ModelRun("none"))) == []


def test_a_row_without_an_actual_or_a_spread_is_not_scored(monkeypatch):
    monkeypatch.setattr(intervals, "growth", lambda steps, sigma1, n_obs=None: np.ones(steps))
    cv = _cv(cutoff=pd.to_datetime(["2018-01-01", "2018-02-01", "2018-03-01"]), mu=[0.0, 0.0, 0.0],
             sigma=[1.0, 1.0, 0.0], y=[2.0, np.nan, 1.0], z_actual=[2.0, np.nan, 1.0])
    assert list(intervals.prior_standardised_errors(ModelRun("m", cv=cv))) == [2.0]


def test_an_actual_exactly_on_an_edge_of_the_interval_is_inside(monkeypatch):
    monkeypatch.setattr(intervals, "growth", lambda steps, sigma1, n_obs=None: np.ones(steps))
    # mu 0, spread 1: the 80% interval is -1.28155 .. +1.28155. Actuals on each edge, at 0 and at 3:
    # 3 of 4 inside
    run = ModelRun("m", cv=_cv(mu=[0.0] * 4, y=[-Z80, Z80, 0.0, 3.0]))
    assert intervals.coverage(run, "identity", 1.0, 80) == pytest.approx(3 / 4)
    # just outside the lower edge (by more than rounding): 2 of 4
    run = ModelRun("m", cv=_cv(mu=[0.0] * 4, y=[-Z80 - 1e-6, Z80, 0.0, 3.0]))
    assert intervals.coverage(run, "identity", 1.0, 80) == pytest.approx(2 / 4)
