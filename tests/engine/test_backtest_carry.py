"""Back-test windows after the first carry the first window's fit forward (statsforecast's refit=False):
same model form and parameters, states run on through each window's own months, nothing after its cutoff."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from forecasting.engine.backtest import History, prepare_history, run_model
from forecasting.engine.models import SPECS, _Normal, forecast_carried, forecast_model

# 14 months of a level with noise: AutoETS picks simple exponential smoothing on the first 10
VALUES = [50.0, 53.0, 49.0, 55.0, 52.0, 58.0, 54.0, 51.0, 57.0, 60.0, 56.0, 62.0, 59.0, 61.0]


def _history(values) -> History:
    y = np.asarray(values, dtype=float)
    return History("X", pd.date_range("2018-01-01", periods=len(y), freq="MS"), y, y.copy(), "identity")


def test_later_windows_run_the_first_windows_smoothing_by_hand():
    history = _history(VALUES)
    run = run_model(history, SPECS["AutoETS"], cutoffs=[10, 11], h=2, horizon=3, fallback_sigma=0.25)
    _, _, fitted = forecast_carried(SPECS["AutoETS"], history.z[:10], 2)
    # simple exponential smoothing (additive or multiplicative error: the same level update)
    assert fitted.model_["components"][1:] == "NNN"
    alpha, level = fitted.model_["par"][0], fitted.model_["par"][4]
    for value in VALUES[:11]:                              # by hand: level += alpha * (y - level)
        level += alpha * (value - level)
    np.testing.assert_allclose(run.cv_mu[11], [level, level], rtol=1e-9)
    # the first window is a fresh fit on its 10 months, the final forecast a fresh fit on all 14
    np.testing.assert_allclose(run.cv_mu[10], forecast_model(SPECS["AutoETS"], history.z[:10], 2)[0])
    np.testing.assert_allclose(run.mean, forecast_model(SPECS["AutoETS"], history.z, 3)[0])


@pytest.mark.parametrize("name", ["AutoETS", "AutoTheta"])
def test_no_window_sees_a_month_after_its_cutoff(name):
    base = run_model(_history(VALUES), SPECS[name], cutoffs=[10, 11, 12], h=2, horizon=2, fallback_sigma=0.25)
    changed = list(VALUES)
    changed[12:] = [500.0, 900.0]   # months 13-14 only: windows ending at months 10, 11, 12 cannot move
    other = run_model(_history(changed), SPECS[name], cutoffs=[10, 11, 12], h=2, horizon=2,
                      fallback_sigma=0.25)
    for cutoff in (10, 11, 12):
        np.testing.assert_array_equal(base.cv_mu[cutoff], other.cv_mu[cutoff])
        np.testing.assert_array_equal(base.cv_sigma[cutoff], other.cv_sigma[cutoff])
    assert not np.allclose(base.mean, other.mean)   # the final forecast does see them


def test_refit_true_fits_every_window_afresh():
    history = _history(VALUES)
    run = run_model(history, SPECS["AutoETS"], cutoffs=[10, 11], h=2, horizon=2, fallback_sigma=0.25,
                    refit=True)
    for cutoff in (10, 11):
        fresh = forecast_model(SPECS["AutoETS"], history.z[:cutoff], 2)[0]
        np.testing.assert_allclose(run.cv_mu[cutoff], fresh)


def test_carried_windows_equal_statsforecasts_own_refit_false_cross_validation():
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    history = _history(VALUES)
    run = run_model(history, SPECS["AutoETS"], cutoffs=[10, 11, 12], h=2, horizon=2, fallback_sigma=0.25)
    frame = pd.DataFrame({"unique_id": "X", "ds": history.months, "y": history.y})
    cv = StatsForecast(models=[AutoETS(season_length=12)], freq="MS").cross_validation(
        df=frame, h=2, n_windows=3, step_size=1, refit=False)
    np.testing.assert_allclose(run.cv["mu"].to_numpy(), cv["AutoETS"].to_numpy(), rtol=1e-9)


def test_fast_normal_gives_scipys_numbers():
    frozen, fast = norm(scale=0.7), _Normal(0.7)
    q = np.array([0.025, 0.5, 0.9, 0.975])
    np.testing.assert_array_equal(fast.ppf(q), frozen.ppf(q))
    np.testing.assert_array_equal(fast.rvs(size=(3, 4), random_state=np.random.default_rng(5)),
                                  frozen.rvs(size=(3, 4), random_state=np.random.default_rng(5)))
    assert fast.mean() == frozen.mean()   # anything else is read from scipy's own frozen normal


def test_prepare_history_without_group_by_equals_the_grouped_path():
    months = pd.date_range("2019-01-01", periods=6, freq="MS")
    values = [3.0, np.nan, 5.0, 9.0, np.nan, 4.0]
    in_order = prepare_history("A", months, values, "count")
    order = [5, 0, 3, 1, 4, 2]
    shuffled = prepare_history("A", months[order], np.asarray(values)[order], "count")
    for got in (in_order.z, shuffled.z):
        # interior gaps interpolated on the log1p scale: Feb halfway between Jan and Mar
        np.testing.assert_allclose(got[1], (np.log1p(3.0) + np.log1p(5.0)) / 2)
    np.testing.assert_array_equal(in_order.z, shuffled.z)
    np.testing.assert_array_equal(in_order.y, shuffled.y)


def test_back_test_first_and_final_forecast_later_equals_both_at_once():
    from forecasting.engine.backtest import finish_model

    history = _history(VALUES)

    def adjustment(_cutoff_month, months):
        return np.where(pd.DatetimeIndex(months).month == 8, -2.0, 0.0)

    at_once, later = {}, {}
    for name in ("Naive", "AutoETS", "AutoTheta"):
        at_once[name] = run_model(history, SPECS[name], [10, 11], 2, 3, 0.25, adjustment=adjustment)
        later[name] = run_model(history, SPECS[name], [10, 11], 2, 3, 0.25, adjustment=adjustment,
                                final=False)
        assert later[name].mean is None
        pd.testing.assert_frame_equal(later[name].cv, at_once[name].cv)
        assert finish_model(later[name], history, SPECS[name], 3, 0.25, adjustment=adjustment)
        np.testing.assert_array_equal(later[name].mean, at_once[name].mean)
    combined = run_model(history, SPECS["Combination"], [10, 11], 2, 3, 0.25, parts=at_once)
    deferred = run_model(history, SPECS["Combination"], [10, 11], 2, 3, 0.25, parts=later, final=False)
    assert finish_model(deferred, history, SPECS["Combination"], 3, 0.25, parts=later)
    np.testing.assert_array_equal(deferred.mean, combined.mean)
    assert deferred.weights == combined.weights
