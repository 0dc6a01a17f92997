"""Interval checks on a model's own back-test spread (split from `backtest.py`, which fits and scores): the
raw coverage of a model's own interval (`coverage`, the back-test table's raw_coverageL), model-scale actuals
for the standardised errors (`add_model_scale_actuals`), and the pre-issue-12 calibration rules kept as
documented alternatives (`calibration_factor(s)`: sigma widened to cover the back-test errors;
`movement_floor` / `beyond_backtest_spread`: a spread floored by the series' own past h-month moves).

The forecast's intervals are built by `forecasting.engine.intervals` (one-step spread x the horizon prior);
the functions here measure and describe the models' own spreads.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import norm

from forecasting.engine.models import from_model_scale, to_model_scale

if TYPE_CHECKING:  # types only: backtest.py re-exports this module's functions (no run-time cycle)
    from forecasting.engine.backtest import History, ModelRun


@functools.cache
def z_score(level: float) -> float:
    """Half-width of a central level% normal interval in standard deviations (80 -> 1.2816)."""
    return float(norm.ppf(0.5 + level / 200))


def standardised_errors(run: ModelRun) -> np.ndarray:
    """(actual - forecast) / sigma on the model scale, for scored back-test rows with sigma > 0 (the model's
    own sigma of each step; `intervals.prior_standardised_errors` divides by the prior's spread)."""
    if run.cv is None:
        return np.array([])
    cv = run.cv
    keep = np.isfinite(cv["y"]) & (cv["sigma"] > 0)
    return ((cv["z_actual"] - cv["mu"]) / cv["sigma"])[keep].to_numpy() if "z_actual" in cv else np.array([])


def calibration_factor(errors: np.ndarray, levels: Sequence[int] = (80, 95), min_errors: int = 10) -> float:
    """Smallest factor >= 1 by which sigma must grow so that each level's interval covers its share of
    errors."""
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors[np.isfinite(errors)]
    if errors.size < min_errors:
        return 1.0
    factors = [np.quantile(errors, level / 100) / z_score(level) for level in levels]
    return float(max(1.0, *factors))


def calibration_factors(errors_by_series: Mapping[str, np.ndarray], levels: Sequence[int] = (80, 95)
                        ) -> tuple[float, dict[str, float]]:
    """(factor from all series, {series: factor from all *other* series}) for one model.

    The leave-one-series-out factors are what the back-test coverage is measured with, so the reported
    coverage is out-of-sample; the all-series factor widens the final forecasts.
    """
    everything = [errors for errors in errors_by_series.values() if errors.size]
    pooled = calibration_factor(np.concatenate(everything) if everything else np.array([]), levels)
    loo = {}
    for series in errors_by_series:
        others = [e for s, e in errors_by_series.items() if s != series and e.size]
        loo[series] = calibration_factor(np.concatenate(others) if others else np.array([]), levels)
    return pooled, loo


def coverage(run: ModelRun, scale: str, factor: float, level: int) -> float:
    """Share of scored back-test actuals inside the level% interval with sigma widened by `factor`."""
    if run.cv is None:
        return np.nan
    actual = run.cv["y"].to_numpy()
    keep = np.isfinite(actual)
    if not keep.any():
        return np.nan
    mu, sigma = run.cv["mu"].to_numpy()[keep], run.cv["sigma"].to_numpy()[keep]
    width = z_score(level) * factor * sigma
    lo, hi = from_model_scale(mu - width, scale), from_model_scale(mu + width, scale)
    actual = actual[keep]
    return float(np.mean((actual >= lo - 1e-9) & (actual <= hi + 1e-9)))


def add_model_scale_actuals(run: ModelRun, scale: str) -> None:
    if run.cv is not None:
        run.cv["z_actual"] = to_model_scale(run.cv["y"].to_numpy(), scale)


def movement_floor(history: History, steps: int, measured_steps: int, min_pairs: int = 3) -> np.ndarray:
    """Lower bound on the model-scale spread for each of `steps` months ahead, beyond the back-tested ones.

    The back-test only measures errors up to `measured_steps` months ahead. Further out, an interval is never
    allowed to be narrower than how much the series itself has moved over the same number of months: the
    standard deviation of its observed h-month changes, i.e. the in-sample h-month error of a random walk with
    drift (a steady trend is not uncertainty, so the mean change is removed). It needs at least `min_pairs`
    pairs; beyond that the last measurable value grows with the square root of h. Zero for back-tested months.
    """
    z = history.z
    floor = np.zeros(steps)
    last_h, last_rms = 0, 0.0
    for h in range(1, steps + 1):
        changes = z[h:] - z[:-h] if h < len(z) else np.array([])
        changes = changes[np.isfinite(changes)]
        if changes.size >= min_pairs:
            last_h, last_rms = h, float(np.std(changes, ddof=1))
            rms = last_rms
        else:
            rms = last_rms * np.sqrt(h / last_h) if last_h else 0.0
        if h > measured_steps:
            floor[h - 1] = rms
    return floor


def beyond_backtest_spread(sd: np.ndarray, history: History, measured_steps: int) -> np.ndarray:
    """Spread for months further ahead than the back-test measured: max(spread at the last measured month,
    the series' own past moves over that many months). Unchanged where measured or nothing was back-tested.

    Models extrapolate their spread from 13 points in ways no data here can check (a random walk's grows with
    the square root of h without limit; a level model's stays flat). Past h-month moves are the data's own
    answer to "how far can this indicator move in h months, beyond its steady trend".
    """
    sd = np.asarray(sd, dtype=float).copy()
    if measured_steps < 1 or len(sd) <= measured_steps:
        return sd
    floor = movement_floor(history, len(sd), measured_steps)
    sd[measured_steps:] = np.maximum(sd[measured_steps - 1], floor[measured_steps:])
    return sd
