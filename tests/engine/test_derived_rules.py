"""Hand-computed toy cases for the derived indicators' back-test rows, scores and interval columns.

Derived indicators (a rate per 10,000 from a count, a percentage from two counts) are not fitted: their
back-test is built from their parts' back-tests (`_derived_cv`) and scored against what was observed
(`_derived_scores`). Each number below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit
from scipy.stats import norm

from forecasting.engine import intervals
from forecasting.engine.backtest import History
from forecasting.engine.forecast import _derived_cv, _derived_scores, _interval_columns

MONTHS = pd.date_range("2018-01-01", periods=4, freq="MS")


def _history(y, scale="identity") -> History:
    y = np.asarray(y, dtype=float)
    return History("X", MONTHS[: len(y)], y, y.copy(), scale)


def _frame(ds_index, forecast, lo, hi, cutoffs=None) -> pd.DataFrame:
    ds = MONTHS[list(ds_index)]
    return pd.DataFrame(
        {
            "cutoff": cutoffs if cutoffs is not None else [MONTHS[0]] * len(ds),
            "ds": ds,
            "forecast": forecast,
            "lo80": lo,
            "hi80": hi,
        }
    )


# ---------------------------------------------------------------------------------------------- scores
def test_scores_by_hand():
    # history 10, 12, 11, 13: mean absolute month-to-month change (2 + 1 + 2) / 3 = 5/3
    history = _history([10, 12, 11, 13])
    # forecasts for months 2..4: 11, 12, 10 -> errors |12-11|=1, |11-12|=1, |13-10|=3 -> MAE 5/3
    frame = _frame([1, 2, 3], [11, 12, 10], lo=[11.5, 10, 9], hi=[12.5, 11, 12])
    scores = _derived_scores(frame, history, [80])
    assert scores["mae"] == pytest.approx(5 / 3)
    assert scores["mase"] == pytest.approx((5 / 3) / (5 / 3))
    # MAPE: mean(1/12, 1/11, 3/13) * 100
    assert scores["mape"] == pytest.approx((1 / 12 + 1 / 11 + 3 / 13) / 3 * 100)
    # inside: 12 in [11.5, 12.5] yes; 11 in [10, 11] yes (the edge counts); 13 in [9, 12] no -> 2/3
    assert scores["coverage80"] == pytest.approx(2 / 3)
    assert scores["n_windows"] == 1


def test_scores_scale_is_mean_absolute_change_not_its_square_or_sum():
    history = _history([10, 14, 12, 13])  # changes 4, 2, 1 -> scale 7/3
    frame = _frame([3], [12], lo=[0], hi=[20])  # error 1
    assert _derived_scores(frame, history, [80])["mase"] == pytest.approx(1 / (7 / 3))


def test_flat_history_has_no_mase_and_a_zero_actual_has_no_mape():
    flat = _history([5, 5, 5, 5])
    frame = _frame([2, 3], [4, 6], lo=[0, 0], hi=[10, 10])
    scores = _derived_scores(frame, flat, [80])
    assert scores["mae"] == pytest.approx(1.0)
    assert np.isnan(scores["mase"])  # no month-to-month change to scale by
    assert scores["mape"] == pytest.approx(20.0)  # 1/5 and 1/5
    with_zero = _history([0, 3, 0, 6])
    scores = _derived_scores(_frame([1, 2], [2, 1], lo=[0, 0], hi=[9, 9]), with_zero, [80])
    assert np.isnan(scores["mape"])  # an actual of 0 makes a percentage error meaningless
    assert scores["mase"] == pytest.approx(1.0 / 4.0)  # errors 1, 1; changes 3, 3, 6 -> scale 4


def test_windows_counted_by_cutoff_and_unobserved_months_dropped():
    history = _history([10, np.nan, 11, 13])
    frame = _frame(
        [1, 2, 3], [9, 12, 12], lo=[0, 0, 0], hi=[1, 1, 1], cutoffs=[MONTHS[0], MONTHS[0], MONTHS[1]]
    )
    scores = _derived_scores(frame, history, [80])
    assert scores["n_windows"] == 2
    assert scores["mae"] == pytest.approx(1.0)  # month 2 unobserved: errors |11-12|, |13-12|
    assert scores["coverage80"] == 0.0


def test_no_observed_month_gives_blank_scores():
    scores = _derived_scores(_frame([1], [3], lo=[0], hi=[9]), _history([1, np.nan]), [80])
    assert np.isnan(scores["mae"]) and np.isnan(scores["coverage80"])


# ----------------------------------------------------------------------------------- interval columns
def test_interval_columns_by_hand_identity_and_log():
    z80 = norm.ppf(0.9)
    columns = _interval_columns(
        "X", MONTHS[:2], "m", "identity", np.array([10.0, 20.0]), np.array([1.0, 2.0]), 3.0, [80]
    )
    np.testing.assert_allclose(columns["mean"], [30.0, 60.0])
    np.testing.assert_allclose(columns["lo80"], [3 * (10 - z80), 3 * (20 - 2 * z80)])
    np.testing.assert_allclose(columns["hi80"], [3 * (10 + z80), 3 * (20 + 2 * z80)])
    logged = _interval_columns(
        "X", MONTHS[:1], "m", "log1p", np.array([np.log1p(9.0)]), np.array([0.5]), 1.0, [80]
    )
    np.testing.assert_allclose(logged["mean"], [9.0])
    np.testing.assert_allclose(logged["lo80"], [np.expm1(np.log1p(9.0) - 0.5 * z80)])
    np.testing.assert_allclose(logged["hi80"], [np.expm1(np.log1p(9.0) + 0.5 * z80)])


# ------------------------------------------------------------------------------------- derived back-test
def _fit(cv: pd.DataFrame, model="AutoETS"):
    return SimpleNamespace(chosen=model, runs={model: SimpleNamespace(cv=cv)})


def _cv(mu, sigma) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cutoff": [MONTHS[0]] * len(mu),
            "ds": MONTHS[1 : 1 + len(mu)],
            "mu": mu,
            "sigma": sigma,
            "step": np.arange(1, len(mu) + 1),
        }
    )


def test_rate_backtest_is_the_count_times_the_factor_with_the_widened_spread():
    cv = _cv([100.0, 110.0], [5.0, 5.0])
    spread = intervals.cv_spread(cv)
    fits = {"M1": _fit(cv)}
    histories = {"M1": _history([90, 100, 110], "identity")}
    factors = {"AutoETS": (1.0, {"M1": 2.0})}  # the rate's parts' spread widened x2
    frame = _derived_cv(("rate", "M1", 0.5), fits, histories, factors, "R1", [80])
    z80 = norm.ppf(0.9)
    np.testing.assert_allclose(frame["forecast"], [50.0, 55.0])
    np.testing.assert_allclose(frame["lo80"], 0.5 * (np.array([100.0, 110.0]) - z80 * 2.0 * spread))
    np.testing.assert_allclose(frame["hi80"], 0.5 * (np.array([100.0, 110.0]) + z80 * 2.0 * spread))


def test_rate_without_a_part_backtest_has_none():
    fits = {"M1": SimpleNamespace(chosen="AutoETS", runs={"AutoETS": SimpleNamespace(cv=None)})}
    assert _derived_cv(("rate", "M1", 0.5), fits, {"M1": _history([1, 2])}, {}, "R1", [80]) is None


def test_percent_backtest_is_numerator_over_denominator_on_the_logit_scale():
    numerator, denominator = _cv([30.0, 0.0], [1.0, 1.0]), _cv([120.0, 0.0], [1.0, 1.0])
    own = _cv([0.0, 0.0], [0.4, 0.4])  # the percentage's own back-test gives the spread only
    fits = {"N": _fit(numerator), "D": _fit(denominator), "P": _fit(own)}
    histories = {code: _history([1, 2, 3], "identity") for code in ("N", "D", "P")}
    factors = {"AutoETS": (1.0, {"P": 1.5})}
    frame = _derived_cv(("percent", "N", "D"), fits, histories, factors, "P", [80])
    # 30 / 120 = 25%; the month with a zero denominator has no percentage and is dropped
    assert len(frame) == 1
    assert frame["forecast"].iloc[0] == pytest.approx(25.0)
    sd = intervals.cv_spread(own)[0] * 1.5
    z80 = norm.ppf(0.9)
    assert frame["lo80"].iloc[0] == pytest.approx(100 * expit(logit(0.25) - z80 * sd))
    assert frame["hi80"].iloc[0] == pytest.approx(100 * expit(logit(0.25) + z80 * sd))


def test_a_percentage_of_nothing_is_zero_not_the_smallest_share():
    numerator, denominator = _cv([0.0], [1.0]), _cv([50.0], [1.0])
    fits = {"N": _fit(numerator), "D": _fit(denominator), "P": _fit(_cv([0.0], [0.3]))}
    histories = {code: _history([1, 2, 3], "identity") for code in ("N", "D", "P")}
    frame = _derived_cv(("percent", "N", "D"), fits, histories, {}, "P", [80])
    assert frame["forecast"].iloc[0] == 0.0
