"""Back-test rules on hand-computed toys: calibration factor, published coverage, choice of model, windows."""
import numpy as np
import pandas as pd
import pytest

from forecasting.engine.backtest import (
    History,
    IndicatorRuns,
    ModelRun,
    add_model_scale_actuals,
    beyond_backtest_spread,
    calibration_factor,
    calibration_factors,
    choose,
    coverage,
    fit_indicator,
    movement_floor,
    prepare_history,
    rolling_origins,
    scale_for_mase,
    scores,
    selection_check,
    standardised_errors,
    z_score,
)

Z80, Z95 = 1.2815515655446004, 1.959963984540054


def _history(values, unit=None):
    months = pd.date_range("2018-01-01", periods=len(values), freq="MS")
    return prepare_history("X", months, values, unit)


def _run(name, mu, y, cutoffs=None, sigma=None, mean=(1.0,)):
    cutoffs = cutoffs if cutoffs is not None else [pd.Timestamp("2018-03-01")] * len(mu)
    cv = pd.DataFrame({"cutoff": cutoffs, "ds": pd.date_range("2018-04-01", periods=len(mu), freq="MS"),
                       "step": np.arange(1, len(mu) + 1), "mu": np.asarray(mu, float),
                       "sigma": np.asarray(sigma if sigma is not None else [1.0] * len(mu), float),
                       "y": np.asarray(y, float)})
    return ModelRun(name, cv=cv, mean=None if mean is None else np.asarray(mean, float),
                    sigma=None if mean is None else np.ones(len(mean)))


# ------------------------------------------------------------------------------------- calibration factor
def test_z_scores_are_the_normal_points():
    assert z_score(80) == pytest.approx(Z80)
    assert z_score(95) == pytest.approx(Z95)


def test_calibration_factor_hand_computed():
    # |errors| = 0, 0.25, ..., 2.5 (11 values, signs mixed): np.quantile (linear) at 0.80 -> position 8 ->
    # 2.0,
    # at 0.95 -> position 9.5 -> 2.375. Factors 2.0 / 1.28155 = 1.56061 and 2.375 / 1.95996 = 1.21176;
    # the larger one (80%) is needed so both levels cover their share.
    errors = np.array([0, -0.25, 0.5, -0.75, 1.0, -1.25, 1.5, -1.75, 2.0, -2.25, 2.5])
    assert calibration_factor(errors) == pytest.approx(2.0 / Z80, rel=1e-9)
    assert calibration_factor(errors) == pytest.approx(1.560608, abs=1e-6)
    # one level at a time: 95% alone needs 2.375 / 1.95996
    assert calibration_factor(errors, levels=(95,)) == pytest.approx(2.375 / Z95, rel=1e-9)
    # scaled down 10x the errors are well inside: never narrower than the model's own interval
    assert calibration_factor(errors / 10) == 1.0


def test_calibration_factor_needs_min_errors_and_ignores_non_finite():
    errors = np.full(10, 3.0)  # quantiles all 3.0: factor max(3/1.28155, 3/1.95996) = 2.34091
    assert calibration_factor(errors) == pytest.approx(3.0 / Z80)
    assert calibration_factor(errors[:9]) == 1.0                              # 9 < min_errors = 10
    assert calibration_factor(np.append(errors[:9], np.nan)) == 1.0           # NaN is not an error
    assert calibration_factor(errors[:5], min_errors=5) == pytest.approx(3.0 / Z80)


def test_leave_one_series_out_factor_hand_computed():
    # a: 10 errors of 2.6 -> alone 2.6/1.28155 = 2.02880; b: 10 errors of 0.1; c: none.
    # pooled = a+b (20 values, sorted 10 x 0.1 then 10 x 2.6): q80 at position 15.2 -> 2.6, q95 -> 2.6:
    #   factor 2.6 / 1.28155 = 2.02880
    # loo[a] = b only -> 0.1/z < 1 -> 1.0 ; loo[b] = a only -> 2.02880 ; loo[c] = a+b -> 2.02880
    errors = {"a": np.full(10, 2.6), "b": np.full(10, 0.1), "c": np.array([])}
    pooled, loo = calibration_factors(errors)
    assert pooled == pytest.approx(2.6 / Z80)
    assert loo == {"a": 1.0, "b": pytest.approx(2.6 / Z80), "c": pytest.approx(2.6 / Z80)}


def test_standardised_errors_use_model_scale_actuals():
    # identity scale: (actual - mu) / sigma = (3 - 1) / 2 = 1, (0 - 1) / 0.5 = -2; the NaN actual and the zero
    # sigma
    # are dropped
    run = _run("m", mu=[1.0, 1.0, 1.0, 1.0], y=[3.0, 0.0, np.nan, 5.0], sigma=[2.0, 0.5, 1.0, 0.0])
    assert list(standardised_errors(run)) == []            # no model-scale actuals yet
    add_model_scale_actuals(run, "identity")
    assert list(standardised_errors(run)) == pytest.approx([1.0, -2.0])
    # log1p scale: z_actual = log1p(y)
    run = _run("m", mu=[np.log1p(9.0)], y=[99.0], sigma=[0.5])
    add_model_scale_actuals(run, "log1p")
    assert standardised_errors(run)[0] == pytest.approx((np.log1p(99.0) - np.log1p(9.0)) / 0.5)
    assert list(standardised_errors(ModelRun("none"))) == []


# ------------------------------------------------------------------------------------- published coverage
def test_coverage_hand_computed_with_and_without_factor():
    # mu 0, sigma 1: the 80% interval is +-1.28155. Actuals 0.5, 1.2, -1.0 inside; 1.3, 2.0 outside -> 3/5.
    # With factor 1.1 the half-width is 1.40971: 1.3 comes inside -> 4/5. The NaN actual is not scored.
    run = _run("m", mu=[0.0] * 6, y=[0.5, 1.2, 1.3, -1.0, 2.0, np.nan])
    assert coverage(run, "identity", 1.0, 80) == pytest.approx(3 / 5)
    assert coverage(run, "identity", 1.1, 80) == pytest.approx(4 / 5)
    # 95%: +-1.95996 holds all but 2.0 -> 4/5; with factor 1.1 (+-2.15596) all five
    assert coverage(run, "identity", 1.0, 95) == pytest.approx(4 / 5)
    assert coverage(run, "identity", 1.1, 95) == pytest.approx(1.0)


def test_coverage_bounds_are_inclusive_and_on_the_original_scale():
    # an actual exactly on a bound counts as inside
    run = _run("m", mu=[0.0, 0.0], y=[Z80, -Z80])
    assert coverage(run, "identity", 1.0, 80) == pytest.approx(1.0)
    # log1p: mu = log1p(9), sigma 0.5 -> 80% bounds expm1(log1p(9) -+ 0.64078) = 4.27 .. 17.98 children
    run = _run("m", mu=[np.log1p(9.0)] * 3, y=[4.0, 10.0, 18.5], sigma=[0.5] * 3)
    assert coverage(run, "log1p", 1.0, 80) == pytest.approx(1 / 3)
    assert np.isnan(coverage(ModelRun("none"), "identity", 1.0, 80))
    assert np.isnan(coverage(_run("m", mu=[0.0], y=[np.nan]), "identity", 1.0, 80))


# ------------------------------------------------------------------------------------- scores and choice
def test_scores_hand_computed():
    # history 10, 12, 11, 13 -> month-to-month changes 2, 1, 2 -> MASE scale 5/3
    history = _history([10.0, 12.0, 11.0, 13.0])
    assert scale_for_mase(history.y) == pytest.approx(5 / 3)
    # errors |12-10|, |11-12|, |13-10| = 2, 1, 3 -> MAE 2, MASE 2 / (5/3) = 1.2, MAPE mean(2/12, 1/11, 3/13)
    run = _run("m", mu=[10.0, 12.0, 10.0], y=[12.0, 11.0, 13.0],
               cutoffs=[pd.Timestamp("2018-02-01")] * 2 + [pd.Timestamp("2018-03-01")])
    score = scores(run, history)
    assert score["mae"] == pytest.approx(2.0)
    assert score["mase"] == pytest.approx(1.2)
    assert score["mape"] == pytest.approx((2 / 12 + 1 / 11 + 3 / 13) / 3 * 100)
    assert score["n_windows"] == 2
    # a zero actual: MAPE undefined
    assert np.isnan(scores(_run("m", mu=[1.0], y=[0.0]), history)["mape"])
    assert scores(ModelRun("none"), history)["n_windows"] == 0


def _indicator(runs, values=(10.0, 12.0, 11.0, 13.0)):
    result = IndicatorRuns(_history(list(values)))
    result.runs = {run.name: run for run in runs}
    return result


def test_the_model_with_the_lowest_backtest_error_is_chosen():
    # actuals 12, 11; MAEs: Naive |10-12|,|10-11| -> 1.5 ; AutoETS 0.5 ; AutoTheta 1.0 -> AutoETS
    y = [12.0, 11.0]
    runs = [
        _run("Naive", [10.0, 10.0], y),
        _run("AutoETS", [12.5, 10.5], y),
        _run("AutoTheta", [11.0, 12.0], y),
    ]
    result = _indicator(runs)
    choose(result, [3])
    assert result.chosen == "AutoETS" and result.choice_note == ""
    # a model that was not fitted (no final forecast) is never chosen, however good its back-test
    runs.append(_run("AutoARIMA", [12.0, 11.0], y, mean=None))
    result = _indicator(runs)
    choose(result, [3])
    assert result.chosen == "AutoETS"


def test_choice_is_by_scaled_error_not_percentage_error():
    # actuals 10 and 100. Naive misses the small month by 5: MAE 2.5, MAPE (50% + 0%) / 2 = 25%.
    # AutoETS misses the big month by 10: MAE 5, MAPE (0% + 10%) / 2 = 5%. MASE follows MAE -> Naive.
    y = [10.0, 100.0]
    result = _indicator([_run("Naive", [15.0, 100.0], y), _run("AutoETS", [10.0, 110.0], y)])
    choose(result, [3])
    assert result.chosen == "Naive"


def test_ties_go_to_the_earlier_model_in_the_documented_order():
    # MODEL_ORDER: Naive, HistoricAverage, RandomWalkWithDrift, SeasonalNaive, AutoETS, AutoTheta, AutoARIMA,
    # ...
    y = [12.0, 11.0]
    tie = [_run("AutoTheta", [12.5, 10.5], y), _run("RandomWalkWithDrift", [11.5, 11.5], y),
           _run("Naive", [10.0, 10.0], y)]                         # MAE 0.5, 0.5, 1.5
    result = _indicator(tie)
    choose(result, [3])
    assert result.chosen == "RandomWalkWithDrift"
    # the order of the runs dict does not matter
    result = _indicator(list(reversed(tie)))
    choose(result, [3])
    assert result.chosen == "RandomWalkWithDrift"


def test_choice_uses_mae_when_the_series_never_changes_and_naive_when_nothing_was_scored():
    # constant history: MASE undefined -> lowest MAE wins (AutoETS 0.5 < Naive 1.0)
    y = [5.0, 5.0]
    result = _indicator([_run("Naive", [4.0, 6.0], y), _run("AutoETS", [5.5, 4.5], y)], values=(5.0,) * 4)
    choose(result, [3])
    assert result.chosen == "AutoETS"
    # nothing back-tested: Naive, and the note says why
    result = _indicator([ModelRun("AutoETS", mean=np.ones(2))], values=(5.0, 6.0))
    choose(result, [])
    assert result.chosen == "Naive"
    assert result.choice_note.startswith("only 2 month(s) of history")


def test_fit_indicator_uses_the_lowest_error_model_on_a_real_fit():
    # a straight line: the drift model forecasts it exactly (MAE 0); Naive lags by 1, 2, 3
    history = _history([float(v) for v in range(10, 23)])
    fit = fit_indicator(history, horizon=3, names=["Naive", "HistoricAverage", "RandomWalkWithDrift"])
    maes = {name: scores(run, history)["mae"] for name, run in fit.runs.items()}
    assert maes["RandomWalkWithDrift"] == pytest.approx(0.0, abs=1e-9)
    assert maes["Naive"] == pytest.approx(2.0)                     # (1 + 2 + 3) / 3 in each window
    assert fit.chosen == "RandomWalkWithDrift"
    assert list(fit.runs["RandomWalkWithDrift"].mean) == pytest.approx([23.0, 24.0, 25.0])


def test_selection_check_chooses_on_early_windows_and_scores_the_last():
    # history changes 1 a month -> scale 1. Windows at cutoffs A (early) and B (last).
    a, b = pd.Timestamp("2018-02-01"), pd.Timestamp("2018-03-01")
    y = [3.0, 4.0]
    fit = _indicator([_run("Naive", [2.0, 2.0], y, cutoffs=[a, b]),          # early error 1, last 2
                      _run("AutoETS", [3.0, 6.0], y, cutoffs=[a, b])],       # early error 0, last 2
                     values=(1.0, 2.0, 3.0, 4.0))
    check = selection_check(fit)
    assert check == {"indicator": "X", "selected": "AutoETS", "mase_last_window": pytest.approx(2.0),
                     "naive_mase_last_window": pytest.approx(2.0)}
    one_window = _indicator([_run("Naive", [2.0, 2.0], y)], values=(1.0, 2.0, 3.0, 4.0))
    assert selection_check(one_window) is None


# ------------------------------------------------------------------------------------- windows and spreads
@pytest.mark.parametrize("n, max_h, windows, expected", [
    (13, 3, 3, ([8, 9, 10], 3)),     # cutoffs n-h-w+1 .. n-h = 8..10
    (7, 3, 3, ([3, 4], 3)),          # only 7-3-3+1 = 2 windows with 3 training months
    (6, 3, 3, ([3], 3)),
    (5, 3, 3, ([3], 2)),             # h shrinks to 2 so one window trains on 3 months
    (13, 2, 1, ([11], 2)),
])
def test_rolling_origins_hand_computed(n, max_h, windows, expected):
    assert rolling_origins(n, max_h, windows) == expected


def test_movement_floor_and_spread_beyond_the_backtest():
    # z = 0, 2, 4, 6, 8, 10 (steady trend): every h-month change is the same, so sd 0 -> floor 0
    history = _history([0.0, 2.0, 4.0, 6.0, 8.0, 10.0])
    assert list(movement_floor(history, 4, 1)) == pytest.approx([0, 0, 0, 0])
    # z = 0, 1, 0, 3, 0: 1-month changes 1, -1, 3, -3 -> sd (ddof 1) sqrt(20/3) = 2.58199;
    # 2-month changes 0, 2, 0 -> sd sqrt(4/3) = 1.15470; 3-month changes 3, -1 (2 pairs < 3): the last
    # measured
    # (h=2) grown by sqrt(3/2) -> 1.41421. Zero for the back-tested month (1).
    history = _history([0.0, 1.0, 0.0, 3.0, 0.0])
    floor = movement_floor(history, 3, 1)
    assert floor == pytest.approx([0.0, np.sqrt(4 / 3), np.sqrt(4 / 3) * np.sqrt(3 / 2)])
    # spread beyond 2 measured months: max(spread at month 2 (0.5), the floor); month 4 has one 4-month pair,
    # so its floor is the h=2 value grown by sqrt(4/2) = 1.63299
    sd = beyond_backtest_spread(np.array([0.2, 0.5, 0.6, 0.7]), history, 2)
    assert sd == pytest.approx([0.2, 0.5, np.sqrt(4 / 3) * np.sqrt(3 / 2), np.sqrt(4 / 3) * np.sqrt(2)])
    sd = beyond_backtest_spread(np.array([0.2, 3.0, 0.6]), history, 2)       # 3.0 beats the floor 1.41421
    assert sd == pytest.approx([0.2, 3.0, 3.0])
    assert list(beyond_backtest_spread(np.array([0.2, 0.3]), history, 0)) == [0.2, 0.3]


def test_history_on_a_monthly_grid_with_gaps_interpolated_on_the_model_scale():
    months = pd.to_datetime(["2018-01-01", "2018-03-01", "2018-04-01"])
    history = prepare_history("X", months, [1.0, 7.0, 3.0], "count")
    assert isinstance(history, History) and history.n == 4 and history.scale == "log1p"
    assert np.isnan(history.y[1])
    assert history.z[1] == pytest.approx((np.log1p(1.0) + np.log1p(7.0)) / 2)
    assert prepare_history("X", months, [np.nan] * 3, "count") is None


def test_fallback_spread_when_the_training_window_is_too_short_to_measure_one():
    from forecasting.engine.backtest import _fill_sigma

    # NaN spreads are filled with fallback x sqrt(step): 0.25, 0.25 x sqrt(2), 0.25 x sqrt(3); finite kept
    assert list(_fill_sigma(np.array([np.nan, 0.1, np.nan]), 0.25)) == pytest.approx(
        [0.25, 0.1, 0.25 * np.sqrt(3)])
    # 2 months of history (fewer than MIN_TRAIN = 3): no back-test; the final spread is the fallback
    fit = fit_indicator(_history([10.0, 12.0], unit=None), horizon=3, names=["Naive"], fallback_sigma=0.5)
    run = fit.runs["Naive"]
    assert run.cv is None and list(run.mean) == pytest.approx([12.0] * 3)
    assert list(run.sigma) == pytest.approx([0.5, 0.5 * np.sqrt(2), 0.5 * np.sqrt(3)])
    assert fit.chosen == "Naive" and "too short to back-test" in fit.choice_note


def test_models_needing_more_months_than_the_first_window_are_excluded_with_the_reason():
    # AutoETS needs 8 months: with 7 it is excluded and says so
    fit = fit_indicator(_history([float(v) for v in (5, 7, 6, 8, 9, 8, 10)], unit=None), horizon=2,
                        names=["Naive", "AutoETS"])
    assert fit.runs["AutoETS"].excluded_reason == "needs at least 8 months; 7 available"
    assert fit.runs["AutoETS"].mean is None
    # with 9 months it is a candidate, but the first back-test window (9 - 3 - 3 + 1 = 4) trains on 4 months
    # only -> excluded with that reason
    fit9 = fit_indicator(_history([float(v) for v in (5, 7, 6, 8, 9, 8, 10, 9, 11)], unit=None), horizon=2,
                         names=["Naive", "AutoETS"])
    reason = fit9.runs["AutoETS"].excluded_reason
    assert reason == "needs 8 months to fit; the first back-test window has only 4"
    # 7 months, 3 windows of 3 months: cutoffs 3 and 4 -> two windows
    assert fit.runs["Naive"].cv["cutoff"].nunique() == 2
    assert list(fit.runs["Naive"].cv["step"]) == [1, 2, 3, 1, 2, 3]
    # the cutoff is the last training month; the scored months follow it
    first = fit.runs["Naive"].cv.iloc[0]
    assert first["cutoff"] == pd.Timestamp("2018-03-01") and first["ds"] == pd.Timestamp("2018-04-01")
    assert first["mu"] == pytest.approx(6.0) and first["y"] == 8.0


def test_boundaries_of_the_first_window_and_of_the_measured_months():
    # 13 months: the first window trains on exactly 8 months, which AutoETS needs -> it is back-tested
    values = [float(v) for v in (5, 7, 6, 8, 9, 8, 10, 9, 11, 12, 11, 13, 14)]
    fit = fit_indicator(_history(values), horizon=2, names=["Naive", "AutoETS"])
    assert fit.runs["AutoETS"].excluded_reason == "" and fit.runs["AutoETS"].cv["cutoff"].nunique() == 3
    # one measured month: from month 2 on the spread is at least the series' own past moves
    history = _history([0.0, 1.0, 0.0, 3.0, 0.0])
    sd = beyond_backtest_spread(np.array([0.2, 0.2]), history, 1)
    assert sd == pytest.approx([0.2, np.sqrt(4 / 3)])
