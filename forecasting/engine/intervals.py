"""Interval width by months ahead: a model's one-step spread, grown by an empirical prior, calibrated on the
data set's own back-test pooled across its series (issue 12).

Rules (model scale, normal intervals loc +- z * sd):
- sd(h) = sigma1 * growth(h) * k, where sigma1 is the model's own one-step spread (its in-sample residual
  spread), growth(h) the prior below and k one factor per model and data set.
- growth(h) comes from `horizon_prior.csv`, built by `tools/horizon_prior.py` from public data (the M3
  monthly series *outside* the accuracy benchmark's sample, so the prior never sees the series or test
  windows it is judged on): per step h = 1..18, the factors m80(h) and m95(h) by which sigma1 must grow for
  normal 80% / 95% intervals to hold that share of the Combination's real errors. growth is their mean
  (`GROWTH_LEVELS`), made non-decreasing in h by a least-squares monotone fit (`isotonic`). Why one spread
  for both levels: the forecast is one normal distribution on the model scale, which the tables, P(target
  met) and every planning figure read, so the two levels cannot have separate spreads without the 95%
  interval disagreeing with that distribution. Real errors have heavier tails than a normal (m95 > m80), so
  m80 alone left 95% intervals holding ~91% of values 4-15 months ahead on 13-month M3 histories, m95 alone
  80% intervals ~86-88%; the mean of the two held both within 77-85% / 92-97% in every band except 80% at
  10-15 months on 36-month histories (~85.5%; benchmarks/accuracy.py, models/accuracy.md). It is kept
  - per history length (13, 24, 36, 48 months; linear in the length between them, the nearest table outside
    them; a back-test window uses its own training length). Why: sigma1 is measured in-sample, and on a short
    history the models' level and trend are known less well, so errors grow faster relative to sigma1 than
    on a long one;
  - per band of sigma1, six quantile bands within each length (a noisy series' errors grow less with h,
    relative to sigma1, than a smooth series'; six bands, ~100 cuts each, fit the smoothest and noisiest
    series better than terciles: M3 MSIS 19.4 -> 17.7 at 13 months).
  Beyond the prior's last step it grows as sqrt(h).
- A cap where a count's history spans more than threefold (`SPAN_CAP_RATIO`: (1 + max) / (1 + min) > 3,
  log1p scale only): sd(h) is at most the standard deviation of the history's own log1p values, the width a
  flat mean of the log history would give. Why: on log1p a dip from 4,000 to 200 is as large a move as a rise
  to 80,000, so a history with deep dips has a large one-step spread and the back-transformed 95% upper bound
  lands far above anything seen (on 13-month M3 histories ~3% of series had an upper bound above 5x the
  history's maximum). The ratio was chosen on the whole benchmark among 10 (an order of magnitude), 5 and 3:
  MSIS 17.34/17.29/17.30 at 13 months, 14.91/14.88/14.87 at 24, 14.71/14.69/14.68 at 36; series above 5x
  the maximum at 13 months 1.3/0.3/0.3%; 3 alone kept 80% coverage 10-15 months ahead on 36-month histories
  within 85% (85.5/85.3/84.7%). On 300 held-out M3 series (outside the benchmark's sample) the cap at 3 took
  that share from 2.7% to 0% with MSIS 16.46 -> 16.30 at 13 months and coverage still within 77-85 / 92-97.
- k (only with `ForecastSettings(pooled_calibration=True)`; default k = 1, the prior alone, because back-test
  windows trained on 8-10 months made k too wide for the 13-month forecast on M3): the back-test errors of
  every series of the data set, each divided by sigma1 * growth(step) of its
  window, pooled; k is the mean over levels of quantile_L(|error|) / z_L, so it can widen or narrow. Fewer
  than `MIN_POOLED_ERRORS` errors (too few to measure a quantile of 95%): k = 1, the prior alone. The
  back-test table reports coverage with k from all *other* series (out of sample for the series it
  describes).
- Known limits: the band edges make growth jump where sigma1 crosses them; the back-test table's coverage
  (`cv_spread`) does not apply the span cap (a window's history is not at hand there).
Why: a model's own spread stops growing (level models) or grows without limit (random walks) in ways a
13-month history cannot check; on public series the old rule (model spread x a 1-3-month factor, floored by
past moves) gave 80% intervals that held ~50-70% of values 10-15 months ahead.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.engine.backtest import ModelRun, z_score
from forecasting.engine.models import from_model_scale

PRIOR_FILE = Path(__file__).with_name("horizon_prior.csv")
MIN_POOLED_ERRORS = 40   # back-test errors pooled over the data set before k is measured (else k = 1)
GROWTH_LEVELS = (80, 95)  # growth is the mean of the prior's factors for these levels (docstring)
SPAN_CAP_RATIO = 3.0      # (1 + max) / (1 + min) of a log1p history above which the span cap applies


@functools.cache
def _prior() -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """{history length: (upper sigma1 edge of each band, growth per band and step)}."""
    table = pd.read_csv(PRIOR_FILE, comment="#")
    if "length" not in table:   # a table pooled over history lengths
        table["length"] = 0
    prior = {}
    for length in sorted(table["length"].unique()):
        block = table[table["length"] == length]
        edges, rows = [], []
        for upper in sorted(block["sigma1_below"].astype(float).unique()):
            band = block[block["sigma1_below"] == upper].sort_values("step")
            # never shrinking with h: a dip from one step to the next is sampling noise
            factors = np.mean([band[f"m{level}"].to_numpy(dtype=float) for level in GROWTH_LEVELS], axis=0)
            rows.append(isotonic(factors))
            edges.append(float(upper))
        prior[int(length)] = (np.array(edges), np.array(rows))
    return prior


def isotonic(values: np.ndarray) -> np.ndarray:
    """Least-squares non-decreasing fit (pool adjacent violators): a dip from one step to the next is
    sampling noise, so neighbouring steps are averaged, not raised to the running maximum (which is biased
    upwards by that same noise)."""
    blocks: list[list[float]] = []  # [mean, count]
    for value in np.asarray(values, dtype=float):
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (high, n_high), (low, n_low) = blocks[-2], blocks[-1]
            blocks[-2:] = [[(high * n_high + low * n_low) / (n_high + n_low), n_high + n_low]]
    return np.concatenate([np.full(int(count), mean) for mean, count in blocks]) if blocks else np.array([])


def _table_growth(length: int, steps: int, sigma1: float) -> np.ndarray:
    """growth(h), h = 1..steps, from the prior table of one history length (sigma1's band)."""
    edges, rows = _prior()[length]
    prior = rows[min(int(np.searchsorted(edges, sigma1, side="right")), len(rows) - 1)] \
        if np.isfinite(sigma1) else rows[-1]
    h = np.arange(1, steps + 1)
    last = len(prior)
    beyond = prior[-1] * np.sqrt(np.maximum(h, last) / last)
    return np.where(h <= last, prior[np.minimum(h, last) - 1], beyond)


def growth(steps: int, sigma1: float, n_obs: int | None = None) -> np.ndarray:
    """growth(h) for h = 1..steps of a model fitted on `n_obs` months whose one-step spread is `sigma1` (see
    the module docstring): linear in the history length between the prior's lengths, the nearest length's
    table outside them; `n_obs` None (not known) reads the shortest length's table."""
    lengths = sorted(_prior())
    n = float(lengths[0] if n_obs is None else np.clip(n_obs, lengths[0], lengths[-1]))
    upper = min(int(np.searchsorted(lengths, n, side="left")), len(lengths) - 1)
    if lengths[upper] == n or upper == 0:
        return _table_growth(lengths[upper], steps, sigma1)
    low, high = lengths[upper - 1], lengths[upper]
    weight = (n - low) / (high - low)
    return (1 - weight) * _table_growth(low, steps, sigma1) + weight * _table_growth(high, steps, sigma1)


def cv_spread(cv: pd.DataFrame) -> np.ndarray:
    """Uncalibrated sd of each back-test row: its window's one-step sigma x growth(step) for the window's
    training length (`n_train`; not known without that column)."""
    sigma = cv["sigma"].to_numpy(dtype=float)
    if np.isnan(sigma).any():   # pandas' "first" skips missing values
        first = cv.groupby("cutoff", sort=False)["sigma"].transform("first").to_numpy(dtype=float)
    else:                       # the same, faster: each window's first row
        codes = pd.factorize(cv["cutoff"])[0]
        first = sigma[np.unique(codes, return_index=True)[1][codes]] if len(codes) else sigma
    steps = cv["step"].to_numpy(dtype=int)
    if not len(steps):
        return first
    n_train = cv["n_train"].to_numpy(dtype=int) if "n_train" in cv else [None] * len(steps)
    furthest, by_window = int(steps.max()), {}
    factor = np.empty(len(steps))
    for row, (step, sigma1, n) in enumerate(zip(steps, first, n_train, strict=True)):
        key = (sigma1, n)       # one growth curve per window, read at each row's step
        if key not in by_window:
            by_window[key] = growth(furthest, sigma1, None if n is None else int(n))
        factor[row] = by_window[key][step - 1]
    return first * factor


def run_spread(run: ModelRun) -> np.ndarray:
    """`cv_spread(run.cv)`, computed once per run (kept on `run.spread`)."""
    assert run.cv is not None, "only back-tested runs have a spread"
    if run.spread is None or len(run.spread) != len(run.cv):
        run.spread = cv_spread(run.cv)
    return run.spread


def forecast_spread(sigma: np.ndarray, n_obs: int | None = None, log_history: np.ndarray | None = None
                    ) -> np.ndarray:
    """Uncalibrated sd of a final forecast from the model's sigma per step (its first step is sigma1), fitted
    on `n_obs` months; `log_history` (the log1p values of a log1p-scale history) applies the span cap."""
    sigma = np.asarray(sigma, dtype=float)
    return span_cap(sigma[0] * growth(len(sigma), sigma[0], n_obs), log_history)


def span_cap(sd: np.ndarray, log_history: np.ndarray | None) -> np.ndarray:
    """sd capped at the standard deviation of `log_history` (log1p values) when the history spans more than
    SPAN_CAP_RATIO from its smallest to its largest value (see the module docstring); else sd unchanged."""
    if log_history is None:
        return sd
    values = np.asarray(log_history, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 3 or values.max() - values.min() <= np.log(SPAN_CAP_RATIO):
        return sd
    return np.minimum(sd, float(np.std(values, ddof=1)))


def prior_standardised_errors(run: ModelRun) -> np.ndarray:
    """(actual - forecast) / (sigma1 x growth(step)) on the model scale, for scored rows with a spread: errors
    in units of the prior's spread, what k is measured from (`calibration.standardised_errors` divides by
    the model's own sigma of each step instead)."""
    if run.cv is None or "z_actual" not in run.cv:
        return np.array([])
    cv = run.cv
    spread = run_spread(run)
    keep = np.isfinite(cv["y"].to_numpy(dtype=float)) & (spread > 0)
    errors = cv["z_actual"].to_numpy(dtype=float)[keep] - cv["mu"].to_numpy(dtype=float)[keep]
    return errors / spread[keep]


def pooled_factor(errors: np.ndarray, levels: Sequence[int] = (80, 95)) -> float:
    """k from pooled standardised errors: mean over levels of quantile_L(|e|) / z_L; 1.0 if too few."""
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors[np.isfinite(errors)]
    if errors.size < MIN_POOLED_ERRORS:
        return 1.0
    return float(np.mean([np.quantile(errors, level / 100) / z_score(level) for level in levels]))


def pooled_factors(errors_by_series: Mapping[str, np.ndarray], levels: Sequence[int] = (80, 95)
                   ) -> tuple[float, dict[str, float]]:
    """(k from all series, {series: k from all *other* series}) for one model."""
    everything = [errors for errors in errors_by_series.values() if errors.size]
    pooled = pooled_factor(np.concatenate(everything) if everything else np.array([]), levels)
    loo = {}
    for series in errors_by_series:
        others = [e for s, e in errors_by_series.items() if s != series and e.size]
        loo[series] = pooled_factor(np.concatenate(others) if others else np.array([]), levels)
    return pooled, loo


def coverage(run: ModelRun, scale: str, factor: float, level: int, steps: tuple[int, int] | None = None
             ) -> float:
    """Share of scored back-test actuals inside the level% interval sd = sigma1 x growth(step) x factor,
    optionally only for back-test steps first..last."""
    if run.cv is None:
        return np.nan
    cv = run.cv
    actual = cv["y"].to_numpy(dtype=float)
    keep = np.isfinite(actual)
    if steps is not None:
        keep &= (cv["step"].to_numpy() >= steps[0]) & (cv["step"].to_numpy() <= steps[1])
    if not keep.any():
        return np.nan
    mu, sd = cv["mu"].to_numpy(dtype=float)[keep], run_spread(run)[keep] * factor
    width = z_score(level) * sd
    lo, hi = from_model_scale(mu - width, scale), from_model_scale(mu + width, scale)
    return float(np.mean((actual[keep] >= lo - 1e-9) & (actual[keep] <= hi + 1e-9)))
