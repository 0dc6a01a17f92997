"""Rolling-origin back-test: windows by history length, scores against hand-computed values, calibration."""
import numpy as np
import pandas as pd
import pytest

from forecasting.engine.backtest import (
    ModelRun,
    calibration_factor,
    calibration_factors,
    coverage,
    fit_indicator,
    prepare_history,
    rolling_origins,
    scale_for_mase,
    scores,
)


def _history(values, unit="count", start="2017-06-01"):
    months = pd.date_range(start, periods=len(values), freq="MS")
    return prepare_history("X", months, values, unit)


@pytest.mark.parametrize(
    "n, cutoffs, h",
    [
        (13, [8, 9, 10], 3),
        (36, [31, 32, 33], 3),
        (5, [3], 2),
        (4, [3], 1),
        (3, [], 0),
        (2, [], 0),
        (1, [], 0),
    ],
)
def test_rolling_origins_by_history_length(n, cutoffs, h):
    assert rolling_origins(n, 3, 3) == (cutoffs, h)


def test_naive_scores_match_hand_computation():
    values = [10, 12, 11, 13, 15, 14, 16]
    fit = fit_indicator(_history(values, unit=None), horizon=2, names=["Naive"], cv_horizon=2, n_windows=2)
    run = fit.runs["Naive"]
    # cutoffs 4 and 5: forecasts 13,13 for actuals 15,14 ; 15,15 for actuals 14,16
    assert list(run.cv["y"]) == [15, 14, 14, 16]
    errors = np.array([2, 1, 1, 1])
    score = scores(run, fit.history)
    assert score["mae"] == pytest.approx(errors.mean())
    assert score["mase"] == pytest.approx(errors.mean() / np.mean(np.abs(np.diff(values))))
    assert score["mape"] == pytest.approx(np.mean(errors / np.array([15, 14, 14, 16])) * 100)
    assert score["n_windows"] == 2


def test_mase_scale_is_nan_for_constant_series():
    assert np.isnan(scale_for_mase([5, 5, 5]))
    assert scale_for_mase([1, 3, 2]) == pytest.approx(1.5)


def test_unreadable_months_are_interpolated_for_fitting_but_not_scored():
    values = [100, 110, np.nan, 120, 118, 125, 119, 130, 128, 131, np.nan, 127, 133]
    history = _history(values)
    assert np.all(np.isfinite(history.z))
    fit = fit_indicator(history, horizon=4)
    assert fit.runs["Naive"].cv["y"].isna().sum() >= 1
    assert scores(fit.runs["Naive"], history)["mae"] > 0


def test_leading_and_trailing_gaps_are_dropped():
    history = _history([np.nan, 5, 6, np.nan])
    assert history.n == 2 and history.months[0] == pd.Timestamp("2017-07-01")
    assert _history([np.nan, np.nan]) is None


def test_every_excluded_model_says_why():
    fit = fit_indicator(_history(np.arange(1, 14) * 10.0), horizon=3)
    for name, run in fit.runs.items():
        assert run.mean is not None or run.excluded_reason, name
    assert "two full years" in fit.runs["SeasonalNaive"].excluded_reason


def test_too_short_to_backtest_uses_naive_and_says_so():
    fit = fit_indicator(_history([4.0, 6.0]), horizon=3)
    assert fit.chosen == "Naive" and "too short to back-test" in fit.choice_note


def test_calibration_factor_widens_only_when_too_narrow():
    rng = np.random.default_rng(0)
    assert calibration_factor(rng.normal(0, 1, 5000)) == pytest.approx(1.0, abs=0.05)
    assert calibration_factor(rng.normal(0, 0.5, 5000)) == 1.0  # never narrows
    assert calibration_factor(rng.normal(0, 2, 5000)) == pytest.approx(2.0, rel=0.08)
    assert calibration_factor(np.array([5.0, 5.0])) == 1.0  # too few errors to judge


def test_leave_one_series_out_factor_ignores_own_errors():
    errors = {"a": np.full(20, 10.0), "b": np.linspace(-1, 1, 20), "c": np.linspace(-1, 1, 20)}
    pooled, loo = calibration_factors(errors)
    assert loo["a"] == 1.0 and loo["b"] > 1.0 and pooled > 1.0


def test_coverage_counts_actuals_inside_interval():
    run = ModelRun(
        "m", cv=pd.DataFrame({"mu": [0.0, 0.0, 0.0, 0.0], "sigma": [1.0] * 4, "y": [0.0, 1.0, 1.5, 3.0]})
    )
    assert coverage(run, "identity", 1.0, 80) == pytest.approx(0.5)   # +-1.28 holds 0 and 1
    assert coverage(run, "identity", 1.0, 95) == pytest.approx(0.75)  # +-1.96 holds 0, 1, 1.5
    assert coverage(run, "identity", 2.0, 95) == pytest.approx(1.0)


def test_movement_floor_matches_hand_computed_changes_beyond_backtested_months():
    from forecasting.engine.backtest import movement_floor

    history = _history([0.0, 1.0, 0.0, 1.0, 0.0, 1.0], unit=None)
    floor = movement_floor(history, steps=5, measured_steps=2)
    assert floor[0] == floor[1] == 0.0                 # back-tested months are left to the calibration
    three_month = np.std([1.0, -1.0, 1.0], ddof=1)     # 3-month changes: 1-0, 0-1, 1-0
    assert floor[2] == pytest.approx(three_month)
    assert floor[3] == pytest.approx(three_month * np.sqrt(4 / 3))  # only 2 pairs: grows with sqrt(h)
    assert floor[4] == pytest.approx(three_month * np.sqrt(5 / 3))
    steady_trend = movement_floor(_history(np.arange(8.0), unit=None), steps=4, measured_steps=2)
    assert np.allclose(steady_trend, 0.0)              # a steady trend is not uncertainty


def test_spread_beyond_backtest_uses_last_measured_spread_or_past_moves():
    from forecasting.engine.backtest import beyond_backtest_spread

    history = _history([0.0, 1.0, 0.0, 1.0, 0.0, 1.0], unit=None)
    three_month = np.std([1.0, -1.0, 1.0], ddof=1)
    sd = np.array([0.5, 0.7, 100.0, 100.0, 0.1])
    out = beyond_backtest_spread(sd, history, measured_steps=2)
    assert list(out[:2]) == [0.5, 0.7]                     # measured months untouched
    assert out[2] == pytest.approx(three_month) and out[4] == pytest.approx(three_month * np.sqrt(5 / 3))
    flat = _history([1.0, 1.0, 1.0, 1.0, 1.0, 1.0], unit=None)
    assert list(beyond_backtest_spread(sd, flat, 2)[2:]) == [0.7, 0.7, 0.7]  # never below the last measured
    assert list(beyond_backtest_spread(sd, history, 0)) == list(sd)          # nothing back-tested: as is
