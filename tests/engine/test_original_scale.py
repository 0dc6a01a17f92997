"""A model fitted on the original values inside the log1p model scale (issue 12): which candidates, how the
forecast is mapped back (hand-computed), and that it equals statsforecast's own fit on the original values."""
import numpy as np
import pandas as pd
import pytest

from forecasting.engine.backtest import fit_indicator, prepare_history
from forecasting.engine.models import (
    ORIGINAL_SCALE_BELOW,
    SPECS,
    Z95,
    candidate_models,
    forecast_carried,
    forecast_model,
    spec_for,
)
from forecasting.engine.original_scale import OriginalScale


def test_only_theta_on_short_log1p_histories_runs_on_the_original_values():
    assert ORIGINAL_SCALE_BELOW == 24
    assert spec_for("AutoTheta", 23, "log1p").description.endswith("on the original values")
    assert spec_for("AutoTheta", 24, "log1p") is SPECS["AutoTheta"]        # two years: the log1p scale
    assert spec_for("AutoTheta", 13, "logit") is SPECS["AutoTheta"]        # percentages: as before
    assert spec_for("AutoTheta", 13, "identity") is SPECS["AutoTheta"]
    assert spec_for("AutoETS", 13, "log1p") is SPECS["AutoETS"]
    specs, _ = candidate_models(13, scale="log1p")
    theta = next(spec for spec in specs if spec.name == "AutoTheta")
    assert isinstance(theta.build(), OriginalScale)
    specs, _ = candidate_models(13)                                        # scale not given: as before
    assert next(spec for spec in specs if spec.name == "AutoTheta") is SPECS["AutoTheta"]


def test_forecast_maps_back_by_the_log_normal_with_the_same_coefficient_of_variation():
    # mean 9 -> log1p(9) = log(10); sigma_y = 7.5 -> cv = 7.5 / (1 + 9) = 0.75 -> sqrt(log(1.5625)) = 0.668
    result = {"mean": np.array([9.0, -2.0]), "lo-95": np.array([9 - Z95 * 7.5, -2 - Z95 * 0.5]),
              "hi-95": np.array([9 + Z95 * 7.5, -2 + Z95 * 0.5])}
    out = OriginalScale.to_model(result)
    np.testing.assert_allclose(out["mean"], [np.log(10.0), 0.0])           # below zero: the domain's edge
    sigma = (out["hi-95"] - out["lo-95"]) / (2 * Z95)
    # a negative mean counts as 0: cv = 0.5 / 1 -> sqrt(log(1.25)) = 0.4724
    np.testing.assert_allclose(sigma, [np.sqrt(np.log(1.5625)), np.sqrt(np.log(1.25))])
    assert sigma[0] == pytest.approx(0.6681, abs=1e-4)
    assert set(OriginalScale.to_model({"mean": np.array([1.0])})) == {"mean"}   # no interval in, none out
    with pytest.raises(ValueError, match="log1p"):
        OriginalScale(SPECS["AutoTheta"].build(), "logit")


def test_the_wrapped_model_equals_statsforecast_on_the_original_values():
    from statsforecast.models import AutoTheta

    y = np.array([12.0, 15, 14, 18, 21, 19, 24, 26, 25, 30, 31, 33, 36])
    z = np.log1p(y)
    spec = spec_for("AutoTheta", len(y), "log1p")
    mean, sigma = forecast_model(spec, z, 4)
    direct = AutoTheta(season_length=12).forecast(y=y, h=4, level=[95])
    np.testing.assert_allclose(mean, np.log1p(direct["mean"]), rtol=1e-9)
    cv = (direct["hi-95"] - direct["lo-95"]) / (2 * Z95) / (1 + direct["mean"])
    np.testing.assert_allclose(sigma, np.sqrt(np.log1p(cv ** 2)), rtol=1e-5)
    # fitted on the first 10 months and carried forward to all 13 (the back-test's refit=False path)
    _, _, fitted = forecast_carried(spec, z[:10], 3)
    carried, _, _ = forecast_carried(spec, z, 4, fitted)
    reference = AutoTheta(season_length=12).fit(y=y[:10]).forward(y=y, h=4, level=[95])
    np.testing.assert_allclose(carried, np.log1p(reference["mean"]), rtol=1e-9)


def test_engine_uses_it_for_a_short_count_series_only():
    y = np.array([12.0, 15, 14, 18, 21, 19, 24, 26, 25, 30, 31, 33, 36])
    months = pd.date_range("2017-06-01", periods=len(y), freq="MS")
    short = fit_indicator(prepare_history("X", months, y, "count"), horizon=3)
    from statsforecast.models import AutoTheta

    direct = AutoTheta(season_length=12).forecast(y=y, h=3)["mean"]
    np.testing.assert_allclose(short.runs["AutoTheta"].mean, np.log1p(direct), rtol=1e-9)
    assert short.chosen == "Combination"
    assert set(short.runs["Combination"].weights) == {"AutoETS", "AutoTheta"}


def test_the_holiday_variant_fits_theta_as_the_unadjusted_run_did(monkeypatch):
    from forecasting.engine import seasonality

    months = pd.date_range("2014-04-01", periods=23, freq="MS")   # under 24 months: Theta on originals
    rng = np.random.default_rng(7)
    dip = np.where(np.isin(months.month, (8, 12)), 0.8, 1.0)
    values = {k: np.round((100 + 20 * k) * dip * np.exp(rng.normal(0, 0.05, 23))) for k in range(4)}
    group = {f"S{k}": prepare_history(f"S{k}", months, values[k], "count") for k in range(4)}
    full, adjustment = seasonality.holiday_adjuster(group)
    fit = fit_indicator(group["S0"], horizon=6)
    built = []
    real_run = seasonality.run_model

    def run_model(history, spec, *args, **kwargs):
        if spec.name == "AutoTheta" and spec.build is not None:
            built.append(type(spec.build()).__name__)
        return real_run(history, spec, *args, **kwargs)

    monkeypatch.setattr(seasonality, "run_model", run_model)
    seasonality.try_holiday(fit, adjustment, {c: (h.months, h.z) for c, h in group.items()}, steps=6,
                            cv_horizon=3, n_windows=3, fallback_sigma=0.25, known=full)
    assert built == ["OriginalScale"]
