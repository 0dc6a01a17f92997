"""The Combination's weights (issue 12): halfway between equal weights and inverse mean squared back-test
error, from errors known at the time (a back-test window's weights use only months before its cutoff).
Hand-computed toys."""
import numpy as np
import pandas as pd
import pytest

from forecasting.engine.backtest import History, ModelRun, part_errors, run_model
from forecasting.engine.models import (
    COMBINATION_PARTS,
    COMBINATION_SHRINKAGE,
    SPECS,
    combination_weights,
    combine,
)


def test_weights_are_halfway_between_equal_and_inverse_mse():
    # MSE: AutoETS 1, AutoTheta 4 -> inverse 1, 0.25 (sum 1.25) -> shares 0.8, 0.2; halfway to 1/2 each:
    # 0.65, 0.35. Naive is not a part (models.COMBINATION_PARTS): its errors are ignored, however small.
    errors = {"AutoETS": np.array([1.0, -1.0]), "AutoTheta": np.array([2.0, 2.0]),
              "Naive": np.array([0.5, -0.5])}
    assert COMBINATION_SHRINKAGE == 0.5 and COMBINATION_PARTS == ("AutoETS", "AutoTheta")
    weights = combination_weights(errors)
    assert weights == pytest.approx({"AutoETS": 0.65, "AutoTheta": 0.35})
    assert combination_weights(errors, shrinkage=0.0) == pytest.approx({"AutoETS": 0.5, "AutoTheta": 0.5})
    assert combination_weights(errors, shrinkage=1.0) == pytest.approx({"AutoETS": 0.8, "AutoTheta": 0.2})


def test_weights_fall_back_to_equal_when_errors_cannot_be_compared():
    two = {"AutoETS": np.array([1.0]), "AutoTheta": np.array([np.nan])}    # AutoTheta has no scored error
    assert combination_weights(two) == {"AutoETS": 0.5, "AutoTheta": 0.5}
    perfect = {"AutoETS": np.array([0.0, 0.0]), "AutoTheta": np.array([1.0])}  # an error of exactly zero
    assert combination_weights(perfect) == {"AutoETS": 0.5, "AutoTheta": 0.5}
    assert combination_weights({}) == {}
    # NaN errors are ignored, not counted as zero: MSE 1 and 4 -> shares 0.8 / 0.2 -> 0.65 / 0.35
    mixed = {"AutoETS": np.array([1.0, np.nan]), "AutoTheta": np.array([2.0])}
    assert combination_weights(mixed) == pytest.approx({"AutoETS": 0.65, "AutoTheta": 0.35})


def test_combine_applies_the_weights_to_mean_and_sigma():
    forecasts = {"AutoETS": (np.array([1.0]), np.array([0.1])),
                 "AutoTheta": (np.array([2.0]), np.array([0.2])),
                 "Naive": (np.array([4.0]), np.array([0.4]))}                # not a part: left out
    weights = {"AutoETS": 0.65, "AutoTheta": 0.35}
    mean, sigma = combine(forecasts, weights)
    assert mean == pytest.approx([0.65 * 1 + 0.35 * 2])
    assert sigma == pytest.approx([0.65 * 0.1 + 0.35 * 0.2])
    assert combine(forecasts)[0] == pytest.approx([1.5])                        # no weights: equal
    assert combine(forecasts, {"AutoETS": 1.0})[0] == pytest.approx([1.5])      # weights not covering: equal


def _history(values) -> History:
    y = np.asarray(values, dtype=float)
    return History("X", pd.date_range("2018-01-01", periods=len(y), freq="MS"), y, y.copy(), "identity")


def _part(name: str, history: History, cutoffs, h: int, forecast: float, final: float) -> ModelRun:
    """A part that forecast `forecast` at every back-test step and `final` for the future."""
    rows = [pd.DataFrame({"cutoff": history.months[c - 1], "ds": history.months[c:c + h], "step": [1, 2][:h],
                          "mu": forecast, "sigma": 1.0, "y": history.y[c:c + h]}) for c in cutoffs]
    run = ModelRun(name, cv=pd.concat(rows, ignore_index=True), mean=np.array([final]), sigma=np.array([1.0]))
    run.cv_mu = {c: np.full(h, forecast) for c in cutoffs}
    run.cv_sigma = {c: np.ones(h) for c in cutoffs}
    return run


def test_backtest_windows_weigh_parts_only_by_errors_known_at_their_cutoff():
    # history 0,0,0,0,0,0,0,0 then 10, 10: AutoETS always says 10, AutoTheta always says 0.
    history = _history([0, 0, 0, 0, 0, 0, 10, 10])
    cutoffs, h = [5, 6], 2
    parts = {"AutoETS": _part("AutoETS", history, cutoffs, h, 10.0, 10.0),
             "AutoTheta": _part("AutoTheta", history, cutoffs, h, 0.0, 0.0)}
    run = run_model(history, SPECS["Combination"], cutoffs=cutoffs, h=h, horizon=1, fallback_sigma=0.25,
                    parts=parts)
    # window at 5 (months 6-7 scored): no part error is known before month 6 -> equal weights -> 5, 5
    np.testing.assert_allclose(run.cv["mu"].iloc[:2], [5.0, 5.0])
    # window at 6: known errors are month 6 of the first window only: AutoETS 0 - 10 = -10 (MSE 100),
    # AutoTheta 0 - 0 = 0 -> an error of zero: equal weights again -> 5, 5
    np.testing.assert_allclose(run.cv["mu"].iloc[2:], [5.0, 5.0])
    # final: every error. AutoETS: month 6 -10, month 7 0, month 7 0, month 8 0 -> MSE 25;
    # AutoTheta: 0, 10, 10, 10 -> MSE 75. Shares 0.75 / 0.25 -> weights 0.625 / 0.375 -> 6.25
    errors = part_errors(parts, history)
    assert np.mean(errors["AutoETS"] ** 2) == 25 and np.mean(errors["AutoTheta"] ** 2) == 75
    assert run.weights == pytest.approx({"AutoETS": 0.625, "AutoTheta": 0.375})
    np.testing.assert_allclose(run.mean, [6.25])


def test_back_test_by_months_ahead_sets_the_weights_the_engine_would():
    from forecasting.engine.horizon import _weights_at

    history = _history(np.zeros(12))
    # on 10 months the engine's windows are cutoffs 5, 6, 7 with 3 steps each (backtest.rolling_origins)
    past = {origin: {"AutoETS": np.full(5, 1.0), "AutoTheta": np.full(5, 2.0)} for origin in (5, 6, 7)}
    # errors: AutoETS -1 x 9 (MSE 1), AutoTheta -2 x 9 (MSE 4) -> shares 0.8 / 0.2 -> weights 0.65 / 0.35
    assert _weights_at(history, 10, past, 3, 3) == pytest.approx({"AutoETS": 0.65, "AutoTheta": 0.35})
    assert _weights_at(history, 10, {}, 3, 3) == {}                           # nothing made yet: equal
    past[4] = {"AutoETS": np.full(5, 100.0), "AutoTheta": np.full(5, 0.0)}   # not a 10-month window
    assert _weights_at(history, 10, past, 3, 3) == pytest.approx({"AutoETS": 0.65, "AutoTheta": 0.35})


def test_explanation_gives_the_weights_in_words():
    from forecasting.engine.backtest import IndicatorRuns
    from forecasting.engine.explain import explain_choice

    table = pd.DataFrame([
        {"indicator": "X", "model": "Naive", "mae": 2.0, "mase": 1.0, "mape": 10.0, "coverage80": 0.8,
         "n_windows": 3, "chosen": False},
        {"indicator": "X", "model": "Combination", "mae": 1.0, "mase": 0.5, "mape": 5.0, "coverage80": 0.75,
         "n_windows": 3, "chosen": True}])
    fit = IndicatorRuns(_history([1, 2, 3]))
    weights = {"AutoETS": 0.5, "AutoTheta": 0.2, "Naive": 0.3}
    fit.runs["Combination"] = ModelRun("Combination", weights=weights)
    text = explain_choice("X", table, fit, "", "", (80,))
    assert "weighted halfway between equal shares and how well each did on the back-test: exponential " \
           "smoothing 50%, theta 20%, naive 30%." in text
    fit.runs["Combination"].weights = {"AutoETS": 1 / 3, "AutoTheta": 1 / 3, "Naive": 1 / 3}
    assert "weighted" not in explain_choice("X", table, fit, "", "", (80,))    # equal: nothing to say
