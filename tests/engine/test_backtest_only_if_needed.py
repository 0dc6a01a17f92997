"""AutoARIMA (slow, not part of the Combination) runs under the default choice only when the Combination
cannot be used: it could not change the forecast otherwise (60-month series: ~1.3 s -> ~0.3 s of CPU)."""
import numpy as np
import pandas as pd

from forecasting.engine.backtest import fit_indicator, prepare_history

NOT_RUN = "not run: the forecast is the average of AutoETS and AutoTheta, which does not use it"


def _history(n=50):
    rng = np.random.default_rng(4)
    values = np.round(200 + 2 * np.arange(n) + rng.normal(0, 8, n))
    return prepare_history("M1", pd.date_range("2014-01-01", periods=n, freq="MS"), values, "count")


def test_default_choice_leaves_autoarima_out_when_the_combination_runs():
    fit = fit_indicator(_history(), horizon=6)
    assert fit.chosen == "Combination"
    arima = fit.runs["AutoARIMA"]
    assert arima.mean is None and arima.cv is None and arima.excluded_reason == NOT_RUN
    assert list(fit.runs).index("AutoARIMA") < list(fit.runs).index("Combination")   # table order kept


def test_choice_by_backtest_runs_it():
    fit = fit_indicator(_history(), horizon=6, choice="backtest")
    arima = fit.runs["AutoARIMA"]
    assert arima.mean is not None and arima.cv is not None and arima.excluded_reason == ""


def test_it_runs_when_the_combination_cannot():
    # only one part of the Combination (Naive) is asked for, so the Combination cannot run
    fit = fit_indicator(_history(), horizon=6, names=("Naive", "AutoARIMA", "Combination"))
    assert fit.runs["Combination"].mean is None
    arima = fit.runs["AutoARIMA"]
    assert arima.mean is not None and arima.cv is not None and fit.chosen in ("Naive", "AutoARIMA")
