"""Back-test mechanics on hand-computed toys: the seasonal/holiday adjustment, the per-window blocks the
Combination is built from, and the Combination itself (equal-weight mean of its parts on the model scale)."""

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.backtest import History, ModelRun, _fill_sigma, cv_by_cutoff, run_model
from forecasting.engine.models import COMBINATION_PARTS, SPECS, combine


def _history(values) -> History:
    y = np.asarray(values, dtype=float)
    return History("X", pd.date_range("2018-01-01", periods=len(y), freq="MS"), y, y.copy(), "identity")


def test_adjustment_is_taken_off_before_fitting_and_put_back_on_the_forecast():
    # Naive forecasts the last training value. History 1..6; adjustment +10 in May and June only.
    history = _history([1, 2, 3, 4, 5, 6])
    adjust = {
        pd.Timestamp("2018-05-01"): 10.0,
        pd.Timestamp("2018-06-01"): 10.0,
        pd.Timestamp("2018-07-01"): 100.0,
    }

    def adjustment(_cutoff_month, months):
        return np.array([adjust.get(m, 0.0) for m in months])

    run = run_model(
        history, SPECS["Naive"], cutoffs=[4], h=2, horizon=1, fallback_sigma=0.25, adjustment=adjustment
    )
    # back-test window: train Jan-Apr (no adjustment) -> naive 4; May/June get +10 back: 14, 14
    np.testing.assert_allclose(run.cv["mu"], [14.0, 14.0])
    np.testing.assert_allclose(run.cv["y"], [5.0, 6.0])
    # final: train 1,2,3,4,5-10,6-10 -> last adjusted value -4; July adds 100 -> 96
    np.testing.assert_allclose(run.mean, [96.0])


def test_backtest_rows_carry_cutoff_steps_and_actuals():
    history = _history([3, 1, 4, 1, 5, 9, 2])
    run = run_model(history, SPECS["Naive"], cutoffs=[3, 5], h=2, horizon=2, fallback_sigma=0.25)
    cv = run.cv
    assert list(cv["cutoff"]) == list(history.months[[2, 2, 4, 4]])  # the last training month
    assert list(cv["ds"]) == list(history.months[[3, 4, 5, 6]])
    assert list(cv["step"]) == [1, 2, 1, 2]
    np.testing.assert_allclose(cv["mu"], [4, 4, 5, 5])  # last of [3,1,4] and of [3,1,4,1,5]
    np.testing.assert_allclose(cv["y"], [1, 5, 9, 2])
    np.testing.assert_allclose(run.mean, [2, 2])


def test_cv_by_cutoff_splits_the_backtest_into_its_windows():
    cv = pd.DataFrame({"mu": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "sigma": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]})
    run = ModelRun("m", cv=cv)
    cv_by_cutoff(run, [4, 6, 8], h=2)
    np.testing.assert_allclose(run.cv_mu[4], [1, 2])
    np.testing.assert_allclose(run.cv_mu[6], [3, 4])
    np.testing.assert_allclose(run.cv_mu[8], [5, 6])
    np.testing.assert_allclose(run.cv_sigma[6], [0.3, 0.4])


def test_combination_is_the_equal_weight_mean_of_the_parts_present():
    a, b = COMBINATION_PARTS[:2]
    mean, sigma = combine(
        {
            a: (np.array([1.0, 2.0]), np.array([0.2, 0.4])),
            b: (np.array([3.0, 6.0]), np.array([0.4, 0.8])),
            "NotAPart": (np.array([100.0, 100.0]), np.array([9.0, 9.0])),
        }
    )
    np.testing.assert_allclose(mean, [2.0, 4.0])
    np.testing.assert_allclose(sigma, [0.3, 0.6])
    mean, _ = combine(
        {
            a: (np.array([0.0]), np.array([1.0])),
            b: (np.array([6.0]), np.array([1.0])),
            "Naive": (np.array([300.0]), np.array([1.0])),   # not a part (models.COMBINATION_PARTS)
        }
    )
    np.testing.assert_allclose(mean, [3.0])
    with pytest.raises(ValueError, match="at least two"):
        combine({a: (np.array([1.0]), np.array([1.0]))})


def test_combination_backtest_uses_its_parts_window_by_window():
    history = _history([1, 2, 3, 4, 5, 6, 7, 8])
    a, b = COMBINATION_PARTS[:2]
    parts = {
        a: ModelRun(
            a,
            mean=np.array([10.0]),
            sigma=np.array([1.0]),
            cv_mu={6: np.array([6.0, 7.0])},
            cv_sigma={6: np.array([1.0, 2.0])},
        ),
        b: ModelRun(
            b,
            mean=np.array([20.0]),
            sigma=np.array([3.0]),
            cv_mu={6: np.array([8.0, 9.0])},
            cv_sigma={6: np.array([3.0, 4.0])},
        ),
    }
    run = run_model(
        history, SPECS["Combination"], cutoffs=[6], h=2, horizon=1, fallback_sigma=0.25, parts=parts
    )
    np.testing.assert_allclose(run.cv["mu"], [7.0, 8.0])
    np.testing.assert_allclose(run.cv["sigma"], [2.0, 3.0])
    np.testing.assert_allclose(run.mean, [15.0])
    np.testing.assert_allclose(run.sigma, [2.0])


def test_missing_spread_falls_back_to_a_random_walk_spread():
    # unknown step-h spread -> fallback x sqrt(h); known spreads are kept
    np.testing.assert_allclose(
        _fill_sigma(np.array([0.5, np.nan, np.nan, 2.0]), 0.25),
        [0.5, 0.25 * np.sqrt(2), 0.25 * np.sqrt(3), 2.0],
    )
