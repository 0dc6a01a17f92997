"""Candidate statsforecast models, chosen by history length, and the domain they live in: model scales and
coherence rules (which percents and rates are derived from their parts); sums of monthly distributions are in
`forecasting.engine.totals`.

Every model is fitted on a *model scale* that respects the indicator's domain, so a back-transformed forecast
can never leave it (transform rather than clip):
  count, rate_per_10k -> log1p(y)            back: max(expm1(z), 0)        (never below 0)
  percent             -> logit(y / 100)      back: 100 * expit(z)          (always within 0-100)
  anything else       -> y                   (no bounds known)
Percentages are clipped to [PERCENT_EDGE, 100 - PERCENT_EDGE] before the logit (a 100% month is finite on the
logit scale) and back-transformed values within PERCENT_EDGE of 0 or 100 snap to the edge, so a series that is
always 100% forecasts exactly 100%.

Every candidate returns, on the model scale, a point forecast `mean` and a standard deviation `sigma` per step
(from its own 95% interval: (hi95 - lo95) / (2 * 1.96)); intervals are normal on the model scale
(`forecasting.engine.intervals`). On short count/rate histories AutoTheta is fitted on the original values and
mapped back (`spec_for`, `forecasting.engine.original_scale`).

Minimum history per model (statsforecast 2.1.1, ../shared/reference/statsforecast-notes.md): AutoETS fails on
<= 6 points, AutoTheta on <= 3, seasonal models drop seasonality under two full seasons, RandomWalkWithDrift
gives NaN on 1 point. AutoARIMA costs ~50-180 ms per fit on 8-36 points (others < 6 ms), on public monthly
series cut to 13-36 months (benchmarks/accuracy.py) was the least accurate standard model, and is not part of
the combination: by default it runs only from `ARIMA_MIN_OBS` months (`arima_min_obs` lower includes it).
"""
from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from scipy.stats import norm

log = logging.getLogger(__name__)

SEASON_LENGTH = 12          # monthly data
PERCENT_EDGE = 0.5          # percentage points kept away from 0 and 100 before the logit (see docstring)
ARIMA_MIN_OBS = 48          # four years; below, AutoARIMA is excluded by default (accuracy and speed, above)
Z95 = float(norm.ppf(0.975))

MODEL_ORDER = ("Naive", "HistoricAverage", "RandomWalkWithDrift", "SeasonalNaive", "AutoETS", "AutoTheta",
               "AutoARIMA", "Combination")
# The combination averages these (where they ran; weights: `combination_weights`). Naive was a part until the
# M3 benchmark (benchmarks/accuracy.py, h = 15, issue 12) showed the mean without it more accurate at 13, 24
# and 36 months of history (mean MASE 2.325/2.036/1.968 -> 2.302/1.989/1.928); it stays a candidate.
COMBINATION_PARTS = ("AutoETS", "AutoTheta")
# ORIGINAL_SCALE_MODELS run on the original values on count/rate histories shorter than ORIGINAL_SCALE_BELOW
# (`original_scale`: a straight-line trend, not compound growth). Combination's mean MASE on M3, Theta on
# original values vs log1p: 13 months 2.245 vs 2.302, but 24/36 months 1.994/1.959 vs 1.989/1.928.
ORIGINAL_SCALE_BELOW = 24
ORIGINAL_SCALE_MODELS = ("AutoTheta",)


# ---------------------------------------------------------------------------------------------- model scale
def model_scale(unit: str | None) -> str:
    """Name of the transform used for an indicator unit: `log1p`, `logit` or `identity`."""
    if unit in ("count", "rate_per_10k"):
        return "log1p"
    if unit == "percent":
        return "logit"
    return "identity"


def to_model_scale(values, scale: str) -> np.ndarray:
    """Original units -> model scale (see module docstring)."""
    values = np.asarray(values, dtype=float)
    if scale == "log1p":
        return np.log1p(np.maximum(values, 0.0))
    if scale == "logit":
        share = np.clip(values, PERCENT_EDGE, 100.0 - PERCENT_EDGE) / 100.0
        return logit(share)
    return values.copy()


def from_model_scale(values, scale: str) -> np.ndarray:
    """Model scale -> original units, within the domain (monotone non-decreasing, so quantiles map to
    quantiles)."""
    values = np.asarray(values, dtype=float)
    if scale == "log1p":
        return np.maximum(np.expm1(values), 0.0)
    if scale == "logit":
        percent = 100.0 * expit(values)
        percent = np.where(percent <= PERCENT_EDGE + 1e-9, 0.0, percent)
        return np.where(percent >= 100.0 - PERCENT_EDGE - 1e-9, 100.0, percent)
    return values.copy()


# ------------------------------------------------------------------------------------------------ candidates
@dataclass(frozen=True)
class ModelSpec:
    """One candidate: `name` (the alias used in every output), minimum history, and how to build it."""

    name: str
    min_obs: int
    build: Callable[[], Any] | None  # None for the combination (built from other candidates' forecasts)
    description: str


class _Normal:
    """The parts of scipy's frozen normal that statsforecast 2.1.1 reads (`ppf` for ETS intervals, `rvs` for
    Theta's simulated ones), without freezing one per call: scipy writes a docstring for every frozen
    distribution (~1.5 ms, a third of a 13-month series' fitting time). It makes the same calls to
    `scipy.stats.norm` a frozen one would, so the numbers are the same (tests/engine/test_models.py); any
    other attribute is read from a real frozen distribution."""

    def __init__(self, sigma: float):
        self.sigma = sigma

    def ppf(self, q):
        return norm.ppf(q, scale=self.sigma)

    def rvs(self, size=None, random_state=None):
        return norm.rvs(scale=self.sigma, size=size, random_state=random_state)

    def __getattr__(self, name: str):
        return getattr(norm(scale=self.sigma), name)


@functools.cache
def _fast_normal_errors() -> None:
    """Route statsforecast's normal error distribution through `_Normal` (once per process)."""
    from statsforecast import distributions, simulation

    original = distributions.frozen_error_distribution

    def frozen_error_distribution(sigma: float, distribution: str, params=None):
        if distribution == "normal":
            return _Normal(sigma)
        return original(sigma, distribution, params)

    distributions.frozen_error_distribution = frozen_error_distribution
    simulation.frozen_error_distribution = frozen_error_distribution


def _build(name: str) -> Callable[[], Any]:
    def make():
        from statsforecast import models as sf_models  # imported lazily: ~1.5 s, only when a model is fitted

        _fast_normal_errors()

        if name == "SeasonalNaive":
            return sf_models.SeasonalNaive(season_length=SEASON_LENGTH)
        if name == "AutoETS":   # AutoETS's search without its costliest forms where no season shows
            from forecasting.engine.ets_search import ETSSearch

            return ETSSearch(season_length=SEASON_LENGTH)
        if name in ("AutoTheta", "AutoARIMA"):
            return getattr(sf_models, name)(season_length=SEASON_LENGTH)
        return getattr(sf_models, name)()

    return make


SPECS: dict[str, ModelSpec] = {
    "Naive": ModelSpec("Naive", 1, _build("Naive"), "next month = last month"),
    "HistoricAverage": ModelSpec(
        "HistoricAverage", 2, _build("HistoricAverage"), "average of all past months"
    ),
    "RandomWalkWithDrift": ModelSpec(
        "RandomWalkWithDrift",
        3,
        _build("RandomWalkWithDrift"),
        "last month plus the average monthly change (a straight line)",
    ),
    "SeasonalNaive": ModelSpec(
        "SeasonalNaive", 2 * SEASON_LENGTH, _build("SeasonalNaive"), "same month last year"
    ),
    "AutoETS": ModelSpec(
        "AutoETS", 8, _build("AutoETS"), "exponential smoothing (level/trend chosen by AICc)"
    ),
    "AutoTheta": ModelSpec("AutoTheta", 6, _build("AutoTheta"), "theta method (damped trend)"),
    "AutoARIMA": ModelSpec("AutoARIMA", 8, _build("AutoARIMA"), "ARIMA (orders chosen by AICc)"),
    "Combination": ModelSpec(
        "Combination", 8, None, "average of exponential smoothing and theta"
    ),
}


def spec_for(name: str, n_obs: int, scale: str) -> ModelSpec:
    """The candidate `name` as it runs on `n_obs` months of a series on model scale `scale`: on the original
    values below ORIGINAL_SCALE_BELOW months of a log1p series for ORIGINAL_SCALE_MODELS, else SPECS[name]."""
    spec = SPECS[name]
    if name in ORIGINAL_SCALE_MODELS and scale == "log1p" and n_obs < ORIGINAL_SCALE_BELOW and spec.build:
        from forecasting.engine.original_scale import OriginalScale

        build = spec.build
        return ModelSpec(name, spec.min_obs, lambda: OriginalScale(build(), scale),
                         spec.description + ", on the original values")
    return spec


def candidate_models(
    n_obs: int,
    names: Sequence[str] | None = None,
    *,
    arima_min_obs: int = ARIMA_MIN_OBS,
    scale: str = "identity",
) -> tuple[list[ModelSpec], dict[str, str]]:
    """Candidates that can run on `n_obs` months of a series on model scale `scale` (`spec_for`), and
    {excluded model: plain-words reason}.

    `names` restricts the candidate set (default: all of MODEL_ORDER). Unknown names raise ValueError.
    """
    names = list(MODEL_ORDER if names is None else names)
    unknown = [name for name in names if name not in SPECS]
    if unknown:
        raise ValueError(f"Unknown model name(s) {unknown}; choose from {', '.join(MODEL_ORDER)}.")
    chosen, excluded = [], {}
    for name in MODEL_ORDER:
        if name not in names:
            continue
        spec = SPECS[name]
        min_obs = max(spec.min_obs, arima_min_obs) if name == "AutoARIMA" else spec.min_obs
        if name == "AutoARIMA" and n_obs < min_obs and n_obs >= 8:
            excluded[name] = (
                f"needs {min_obs} months by default ({n_obs} available): on shorter public series it was "
                "less accurate than AutoETS/AutoTheta at 10-40x their run time"
            )
        elif n_obs < min_obs:
            why = " (two full years for a seasonal model)" if name == "SeasonalNaive" else ""
            excluded[name] = f"needs at least {min_obs} months{why}; {n_obs} available"
        else:
            chosen.append(spec_for(name, n_obs, scale) if name != "AutoARIMA"
                          else ModelSpec(name, min_obs, spec.build, spec.description))
    if "Combination" in [spec.name for spec in chosen]:
        parts = [spec.name for spec in chosen if spec.name in COMBINATION_PARTS]
        if len(parts) < 2:
            chosen = [spec for spec in chosen if spec.name != "Combination"]
            excluded["Combination"] = f"needs at least two of {', '.join(COMBINATION_PARTS)} to average"
    return chosen, excluded


# ------------------------------------------------------------------------------------------------ forecasts
# Spread growth of the simple models, exactly as statsforecast 2.1.1 computes it (sigma_h = sigma * growth),
# with sigma = sqrt(sum(residuals^2) / (number of residuals - 1)). Computing it here skips statsforecast's
# per-call scipy distribution set-up (~1 ms a call, most of the run time on 13-month series);
# tests/test_models.py checks it against statsforecast's own intervals.
_SPREAD_GROWTH = {
    "Naive": lambda steps, n: np.sqrt(steps),
    "HistoricAverage": lambda steps, n: np.full(steps.shape, np.sqrt(1 + 1 / n)),
    "RandomWalkWithDrift": lambda steps, n: np.sqrt(steps * (1 + steps / (n - 1))),
}


def _simple_model_forecast(model, name: str, z: np.ndarray, horizon: int) -> dict:
    result = model.forecast(y=z, h=horizon, fitted=True)
    residuals = z - np.asarray(result["fitted"], dtype=float)
    count = residuals.size - 1
    sigma = np.sqrt(np.nansum(residuals ** 2) / count) if count > 0 else 0.0
    spread = sigma * _SPREAD_GROWTH[name](np.arange(1, horizon + 1), z.size)
    return {
        "mean": result["mean"],
        "lo-95": result["mean"] - Z95 * spread,
        "hi-95": result["mean"] + Z95 * spread,
    }


def forecast_model(
    spec: ModelSpec, z: np.ndarray, horizon: int, *, fast: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Fit `spec` on model-scale history `z` and return (mean, sigma) for `horizon` steps ahead.

    sigma is NaN where the model gives no usable interval (the caller fills it). Raises on a failed fit.
    `fast=False` asks statsforecast for the interval of the simple models too (the slow reference).
    """
    if spec.build is None:
        raise ValueError("The combination is built from other models' forecasts, not fitted.")
    model = spec.build()
    z = np.asarray(z, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            if fast and spec.name in _SPREAD_GROWTH:
                result = _simple_model_forecast(model, spec.name, z, int(horizon))
            else:
                result = model.forecast(y=z, h=int(horizon), level=[95])
    return _mean_sigma(spec, result, horizon)


# Models whose later back-test windows reuse the fit made at the first window (statsforecast's
# cross_validation(refit=False); the model's `forward`): the form and parameters chosen on the first window's
# months only, the states run on through each later window's own months; nothing after a window's cutoff is
# used. Why: fitting AutoETS/AutoTheta (AutoARIMA when it runs) afresh in every window was ~2/3 of the
# engine's run time; see backtest.run_model.
CARRIED_FORWARD = ("AutoETS", "AutoTheta", "AutoARIMA")


def forecast_carried(spec: ModelSpec, z: np.ndarray, horizon: int, fitted: Any = None
                     ) -> tuple[np.ndarray, np.ndarray, Any]:
    """(mean, sigma, fitted model) like `forecast_model`, for a model in CARRIED_FORWARD: with `fitted`
    None the model is fitted on `z` (its form and parameters chosen as usual); else `fitted`'s form and
    parameters are applied to `z` (statsforecast's `forward`: states and residual spread recomputed on `z`,
    nothing re-estimated)."""
    if spec.name not in CARRIED_FORWARD or spec.build is None:
        raise ValueError(f"{spec.name} is not carried forward; use forecast_model")
    z = np.asarray(z, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            if fitted is None:
                fitted = spec.build().fit(y=z)
                result = fitted.predict(h=int(horizon), level=[95])
            else:
                result = fitted.forward(y=z, h=int(horizon), level=[95])
    mean, sigma = _mean_sigma(spec, result, horizon)
    return mean, sigma, fitted


def _mean_sigma(spec: ModelSpec, result: dict, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    mean = np.asarray(result["mean"], dtype=float)
    lo = np.asarray(result.get("lo-95", np.full(horizon, np.nan)), dtype=float)
    hi = np.asarray(result.get("hi-95", np.full(horizon, np.nan)), dtype=float)
    if mean.shape != (horizon,) or not np.all(np.isfinite(mean)):
        raise ValueError(f"{spec.name} returned a non-finite point forecast")
    sigma = (hi - lo) / (2 * Z95)
    sigma = np.where(np.isfinite(sigma) & (sigma >= 0), sigma, np.nan)
    return mean, sigma


# Weight of the parts' back-test accuracy in the Combination; the rest is equal weights. Weights estimated
# from a short back-test are noisy and equal weights are hard to beat with them (the "forecast combination
# puzzle": Smith & Wallis 2009, Oxford Bull. Econ. Stat. 71(3); Claeskens et al. 2016, IJF 32(3)), so they are
# shrunk halfway to equal. On the M3 benchmark (benchmarks/accuracy.py, 2026) weights from the back-test alone
# (1.0) were worse than equal at 13 and 24 months on a 100-series subset, halfway (0.5) better on all 300 at
# 13, 24 and 36 months.
COMBINATION_SHRINKAGE = 0.5


def combination_weights(errors: dict[str, np.ndarray], shrinkage: float = COMBINATION_SHRINKAGE
                        ) -> dict[str, float]:
    """Weights of the Combination's parts from their back-test errors on the model scale: (1 - shrinkage) x
    equal + shrinkage x inverse mean squared error, normalised. Equal weights when a part has no scored error
    or an error of exactly zero (nothing to compare)."""
    names = [name for name in COMBINATION_PARTS if name in errors]
    mse = []
    for name in names:
        values = np.asarray(errors[name], dtype=float)
        values = values[np.isfinite(values)]
        mse.append(float(np.mean(values ** 2)) if values.size else np.nan)
    equal = {name: 1.0 / len(names) for name in names} if names else {}
    if not names or not np.all(np.isfinite(mse)) or min(mse) <= 0:
        return equal
    inverse = 1.0 / np.array(mse)
    return {name: (1 - shrinkage) * equal[name] + shrinkage * float(inv / inverse.sum())
            for name, inv in zip(names, inverse, strict=True)}


def combine(forecasts: dict[str, tuple[np.ndarray, np.ndarray]], weights: dict[str, float] | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """Weighted average of the available COMBINATION_PARTS (mean and sigma averaged on the model scale with
    the same weights; `weights` None or not covering the parts: equal weights).

    Averaging sigmas ignores the diversification gain, so the combined interval is if anything too wide before
    calibration; the back-test measures it like any other.
    """
    names = [name for name in COMBINATION_PARTS if name in forecasts]
    if len(names) < 2:
        raise ValueError(f"needs at least two of {', '.join(COMBINATION_PARTS)}")
    if weights is None or any(name not in weights for name in names):
        return (np.mean([forecasts[name][0] for name in names], axis=0),
                np.mean([forecasts[name][1] for name in names], axis=0))
    share = np.array([weights[name] for name in names], dtype=float)
    share = share / share.sum()
    pairs = list(zip(share, names, strict=True))
    mean = np.sum([w * np.asarray(forecasts[n][0], dtype=float) for w, n in pairs], axis=0)
    sigma = np.sum([w * np.asarray(forecasts[n][1], dtype=float) for w, n in pairs], axis=0)
    return mean, sigma


# ------------------------------------------------------------------------------------------------ coherence
def population(dataset) -> float | None:
    """Children aged 0-17: `dataset.context["population_0_17"]`, else None (rates are then forecast
    directly)."""
    given = (getattr(dataset, "context", None) or {}).get("population_0_17")
    if given is None:
        return None
    try:
        value = float(given)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) and value > 0 else None


def derivations(catalogue: pd.DataFrame, histories: dict, pop: float | None) -> dict[str, tuple]:
    """{indicator: ("percent", numerator, denominator) | ("rate", count, multiplier)} where the parts
    exist."""
    result: dict[str, tuple] = {}
    for key, row in catalogue.iterrows():
        code = str(key)  # the catalogue is indexed by indicator code
        if histories.get(code) is None:
            continue
        numerator, denominator = row.get("numerator"), row.get("denominator")
        if not isinstance(numerator, str) or histories.get(numerator) is None:
            continue
        if (
            row.get("unit") == "percent"
            and isinstance(denominator, str)
            and histories.get(denominator) is not None
        ):
            result[code] = ("percent", numerator, denominator)
        elif row.get("unit") == "rate_per_10k" and denominator == "population_0_17" and pop:
            result[code] = ("rate", numerator, 10_000 / pop)
    return result
