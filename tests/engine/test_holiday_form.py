"""The holiday variant re-estimates the chosen model in the form it already chose (seasonality.same_form)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.engine import backtest as bt
from forecasting.engine.models import SPECS, forecast_carried
from forecasting.engine.seasonality import holiday_adjuster, same_form, try_holiday


def _series(n: int = 48, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    months = np.arange(n)
    return np.log1p(200 + 2 * months + 15 * rng.normal(size=n))


def test_same_form_holds_the_form_and_gives_the_free_fit_when_the_data_are_the_same():
    z = _series()
    _, _, free = forecast_carried(SPECS["AutoETS"], z, 6)
    held = same_form(SPECS["AutoETS"], free)
    model = held.build()
    form = free.model_["components"]
    assert model.model == form[:3] and model.damped == (form[3] == "D")
    _, _, again = forecast_carried(held, z, 6)
    assert again.model_["components"] == form
    # the same form on the same months: the same parameters, so the same forecast to the last digit
    np.testing.assert_array_equal(again.predict(6, level=[95])["hi-95"], free.predict(6, level=[95])["hi-95"])


def test_same_form_leaves_other_models_and_missing_fits_alone():
    z = _series()
    _, _, theta = forecast_carried(SPECS["AutoTheta"], z, 6)
    assert same_form(SPECS["AutoTheta"], theta) is SPECS["AutoTheta"]
    assert same_form(SPECS["AutoETS"], None) is SPECS["AutoETS"]
    assert same_form(SPECS["Naive"], theta) is SPECS["Naive"]


def test_the_holiday_variant_of_the_combination_uses_each_parts_own_form(monkeypatch):
    from forecasting.engine import seasonality

    # 23 months, under two seasons: AutoETS cannot learn the dip as a seasonal pattern itself, so the holiday
    # adjustment helps the Combination (on 60 months the seasonal AutoETS + AutoTheta Combination already fits
    # it and the dip is, rightly, not kept)
    months = pd.date_range("2014-04-01", periods=23, freq="MS")
    rng = np.random.default_rng(7)
    dip = np.where(np.isin(months.month, (8, 12)), 0.8, 1.0)
    group = {}
    for k in range(4):
        y = np.round((100 + 20 * k) * dip * np.exp(rng.normal(0, 0.05, len(months))))
        group[f"S{k}"] = bt.prepare_history(f"S{k}", months, y, "count")
    full, adjustment = holiday_adjuster(group)
    assert full.detected
    fit = bt.fit_indicator(group["S0"], horizon=12)
    assert fit.chosen == "Combination"
    base_first = fit.runs["AutoETS"].first_fit.model_["components"]
    base_final = fit.runs["AutoETS"].final_fit.model_["components"]
    forms = {"back-test": [], "final": []}
    real_run, real_finish = seasonality.run_model, seasonality.finish_model

    def run_model(history, spec, *args, **kwargs):
        if spec.name == "AutoETS":
            forms["back-test"].append(spec.build().model)
        return real_run(history, spec, *args, **kwargs)

    def finish_model(run, history, spec, *args, **kwargs):
        if spec.name == "AutoETS":
            forms["final"].append(spec.build().model)
        return real_finish(run, history, spec, *args, **kwargs)

    monkeypatch.setattr(seasonality, "run_model", run_model)
    monkeypatch.setattr(seasonality, "finish_model", finish_model)
    series = {c: (h.months, h.z) for c, h in group.items()}
    note = try_holiday(fit, adjustment, series, steps=12, cv_horizon=3, n_windows=3, fallback_sigma=0.25,
                       known=full)
    # the adjusted AutoETS part: the form the unadjusted AutoETS chose on the same first window, and (when
    # the dip is kept) on all months
    assert forms["back-test"] == [base_first[:3]]
    assert "dip is included" in note     # a clear 20% dip in every series: kept
    assert fit.chosen == "Combination+holiday" and fit.runs["Combination+holiday"].mean is not None
    assert forms["final"] == [base_final[:3]]
