"""Candidate models: one contract test over every model, domain scales, exclusion reasons."""
import numpy as np
import pytest

from forecasting.engine.models import (
    MODEL_ORDER,
    SPECS,
    candidate_models,
    combine,
    forecast_model,
    from_model_scale,
    to_model_scale,
)


@pytest.mark.parametrize("name", [n for n in MODEL_ORDER if SPECS[n].build is not None])
def test_every_model_contract(name):
    rng = np.random.default_rng(0)
    n = max(SPECS[name].min_obs, 13)
    z = np.log1p(200 + rng.normal(0, 20, n))
    mean, sigma = forecast_model(SPECS[name], z, 21)
    assert mean.shape == sigma.shape == (21,)
    assert np.all(np.isfinite(mean))
    assert np.all(np.isfinite(sigma)) and np.all(sigma >= 0)


def test_candidates_by_history_length():
    for n, expected in [
        (1, ["Naive"]),
        (2, ["Naive", "HistoricAverage"]),
        (5, ["Naive", "HistoricAverage", "RandomWalkWithDrift"]),
        (13, ["Naive", "HistoricAverage", "RandomWalkWithDrift", "AutoETS", "AutoTheta", "Combination"]),
        # AutoARIMA from 48 months by default since issue 12 (was 24): intended, see models.ARIMA_MIN_OBS
        (36, [name for name in MODEL_ORDER if name != "AutoARIMA"]),
        (48, list(MODEL_ORDER)),
    ]:
        chosen, excluded = candidate_models(n)
        assert [spec.name for spec in chosen] == expected
        assert set(excluded) == set(MODEL_ORDER) - set(expected)
        assert all("months" in reason or "two of" in reason for reason in excluded.values())
    _, excluded = candidate_models(13)
    assert "two full years" in excluded["SeasonalNaive"]
    chosen, _ = candidate_models(13, arima_min_obs=8)
    assert "AutoARIMA" in [spec.name for spec in chosen]


def test_unknown_model_name_says_what_to_choose():
    with pytest.raises(ValueError, match="choose from"):
        candidate_models(13, ["Prophet"])


def test_scales_keep_domain_and_round_trip():
    counts = np.array([0.0, 3.0, 1500.0])
    assert np.allclose(from_model_scale(to_model_scale(counts, "log1p"), "log1p"), counts)
    assert from_model_scale(np.array([-50.0]), "log1p")[0] == 0.0
    percents = np.array([0.0, 12.5, 50.0, 99.0, 100.0])
    back = from_model_scale(to_model_scale(percents, "logit"), "logit")
    assert np.allclose(back, percents)
    assert np.all(from_model_scale(np.array([-1e3, 0.0, 1e3]), "logit") == [0.0, 50.0, 100.0])
    grid = np.linspace(-10, 10, 101)
    assert np.all(np.diff(from_model_scale(grid, "logit")) >= 0)


def test_combination_averages_parts_and_needs_two():
    parts = {"AutoETS": (np.ones(3), np.ones(3)), "AutoTheta": (3 * np.ones(3), 2 * np.ones(3))}
    mean, sigma = combine(parts)
    assert np.allclose(mean, 2) and np.allclose(sigma, 1.5)
    with pytest.raises(ValueError):
        combine({"AutoETS": parts["AutoETS"]})


@pytest.mark.parametrize("name", ["Naive", "HistoricAverage", "RandomWalkWithDrift"])
@pytest.mark.parametrize("n", [2, 3, 5, 13, 36])
def test_fast_spread_matches_statsforecast_intervals(name, n):
    if n < SPECS[name].min_obs:
        pytest.skip("model needs more history")
    z = np.log1p(100 + np.random.default_rng(n).normal(0, 10, n))
    fast_mean, fast_sigma = forecast_model(SPECS[name], z, 21)
    slow_mean, slow_sigma = forecast_model(SPECS[name], z, 21, fast=False)
    assert np.allclose(fast_mean, slow_mean)
    assert np.allclose(fast_sigma, slow_sigma, rtol=1e-6, atol=1e-9)


def test_total_of_months_bounds_and_consistency():
    from scipy.stats import norm

    from forecasting.engine.totals import total_probability_below, total_quantile

    loc, sd = np.log1p(np.array([100.0, 120.0, 80.0])), np.array([0.1, 0.2, 0.15])
    expected = sum(np.expm1(loc + sd * norm.ppf(0.9)))  # comonotone: the sum of the monthly quantiles
    assert total_quantile(loc, sd, "log1p", 1.0, 0.9) == pytest.approx(expected)
    assert total_quantile(loc, sd, "log1p", 1.0, 0.9, "independent") < expected  # independence: narrower
    assert total_quantile(loc, sd, "log1p", 1.0, 0.1, "independent") > total_quantile(
        loc, sd, "log1p", 1.0, 0.1
    )
    for dependence in ("comonotone", "independent"):
        value = total_quantile(loc, sd, "log1p", 2.0, 0.3, dependence)
        assert total_probability_below(loc, sd, "log1p", 2.0, value, dependence) == pytest.approx(
            0.3, abs=0.02
        )
    assert total_probability_below(loc, sd, "log1p", 1.0, -1.0) == 0.0
    assert total_probability_below(loc, sd, "log1p", 1.0, 1e9) == 1.0
    with pytest.raises(ValueError, match="dependence"):
        total_quantile(loc, sd, "log1p", 1.0, 0.5, "partial")
