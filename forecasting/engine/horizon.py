"""Back-test by months ahead (issue 12 part 3): how the forecast in use did 1-3, 4-9, 10-15 and 16-21 months
out, as far as the history allows.

The engine's own back-test (`backtest.py`) scores forecasts 1-3 months ahead only (it chooses and calibrates
on them). Targets sit 9-21 months ahead, so `horizon_accuracy` asks a longer question of the same forecasts:
for every indicator, the model the forecast uses (`ForecastResult.backtest`'s chosen row: the Combination,
or the back-test's choice) is refitted on the first c months for every c from its minimum history (the
Combination needs 8 months, a simple model `backtest.MIN_TRAIN`) to n - 1, and forecasts every month it can
still be checked against, i.e. up to n - c months ahead. Each forecast gets the interval the forecast uses
(one-step spread x the horizon prior's growth, `intervals.forecast_spread`), so the coverage measured is of
the intervals shown. Every point is scored; a band's row pools its points over indicators:
- `n_points`, `n_indicators`, `n_origins` (forecast dates c), `coverageL` (share of actuals inside the L%
  interval), `mase` (mean absolute error / the indicator's mean month-to-month change, pooled over points:
  the engine's MASE scale) and `naive_mase` (the same points forecast by carrying the last value forward);
- `note`: in words (no colon: it goes into markdown tables), why a band has few or no points (on 13 months
  the Combination is checked up to 5 months ahead, a simple model up to 10).
Indicators forecast as `Derived(...)` from their parts (rates from counts, percentages from two counts) are
left out (a rate's coverage is its count's exactly); a `+holiday` model is measured without its holiday
adjustment; with `pooled_calibration` the data set factor is not applied. The notes say so.
The forecasts are short-history in-sample refits, so the first bands hold more points than the last: read the
`n_points` column before the coverage.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.engine import backtest as bt
from forecasting.engine import intervals
from forecasting.engine.cache import cached, dataset_fingerprint
from forecasting.engine.forecast import run_forecast
from forecasting.engine.models import (
    COMBINATION_PARTS,
    SPECS,
    combination_weights,
    combine,
    from_model_scale,
    spec_for,
)

log = logging.getLogger(__name__)
__all__ = ["HORIZON_BANDS", "describe_horizon_accuracy", "horizon_accuracy", "horizon_points", "summarise"]

HORIZON_BANDS: tuple[tuple[int, int], ...] = ((1, 3), (4, 9), (10, 15), (16, 21))  # months ahead


def _model_forecast(name: str, z: np.ndarray, steps: int, fallback_sigma: float,
                    weights: dict[str, float] | None = None, scale: str = "identity"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(mean, sigma of the model, Naive's mean, the Combination's parts' means) on the model scale, fitted on
    `z` (a series on model scale `scale`), for `steps` months, each model as the engine runs it on that many
    months (`models.spec_for`); the Combination averages its parts with `weights` (None: equal)."""
    naive_mean, naive_sigma = bt._fit(SPECS["Naive"], z, steps, None, None, fallback_sigma)
    if name == "Naive":
        return naive_mean, naive_sigma, naive_mean, {}
    if name == "Combination":
        parts = {"Naive": (naive_mean, naive_sigma)} if "Naive" in COMBINATION_PARTS else {}
        for part in COMBINATION_PARTS:
            if part != "Naive" and len(z) >= SPECS[part].min_obs:
                parts[part] = bt._fit(spec_for(part, len(z), scale), z, steps, None, None, fallback_sigma)
        mean, sigma = combine(parts, weights)
        return mean, sigma, naive_mean, {part: forecast[0] for part, forecast in parts.items()}
    mean, sigma = bt._fit(spec_for(name, len(z), scale), z, steps, None, None, fallback_sigma)
    return mean, sigma, naive_mean, {}


def _weights_at(history: bt.History, cutoff: int, past: dict[int, dict[str, np.ndarray]], cv_horizon: int,
                n_windows: int) -> dict[str, float]:
    """The Combination's weights as the engine would set them on the first `cutoff` months: from its parts'
    errors in the engine's back-test windows of that history (`backtest.rolling_origins`), read from the
    parts' forecasts already made at those origins (`past`); equal where none was made. Those are fresh fits
    at every origin, i.e. the weights of `ForecastSettings(refit_backtest=True)`; the default engine carries
    AutoETS/AutoTheta forward from its first window (`backtest.run_model`), so its weights can differ a
    little (on M3 the Combination's MASE moved by 0.002-0.006, benchmarks/accuracy.py)."""
    windows, h = bt.rolling_origins(cutoff, cv_horizon, n_windows)
    errors: dict[str, list[np.ndarray]] = {}
    for origin in windows:
        observed = np.where(np.isfinite(history.y[origin:origin + h]), history.z[origin:origin + h], np.nan)
        for part, mean in past.get(origin, {}).items():
            errors.setdefault(part, []).append(observed - mean[:h])
    return combination_weights({part: np.concatenate(chunks) for part, chunks in errors.items()})


def _min_train(name: str) -> int:
    return max(bt.MIN_TRAIN, SPECS[name].min_obs)


def _indicator_points(history: bt.History, name: str, max_steps: int, levels: Sequence[int],
                      fallback_sigma: float, cv_horizon: int = 3, n_windows: int = 3) -> list[dict]:
    rows = []
    scale_mase = bt.scale_for_mase(history.y)
    past: dict[int, dict[str, np.ndarray]] = {}   # origin -> the Combination's parts' means made there
    for cutoff in range(_min_train(name), history.n):
        steps = min(history.n - cutoff, max_steps)
        weights = _weights_at(history, cutoff, past, cv_horizon, n_windows) if name == "Combination" else None
        try:
            mean, sigma, naive, parts = _model_forecast(name, history.z[:cutoff], steps, fallback_sigma,
                                                        weights, history.scale)
        except Exception as exc:  # noqa: BLE001  (statsforecast fails in many ways on tiny or flat series)
            log.info("%s could not be refitted on %s's first %d months: %s", name, history.indicator,
                     cutoff, exc)
            continue
        past[cutoff] = parts
        log_history = history.z[:cutoff] if history.scale == "log1p" else None   # the span cap
        sd = intervals.forecast_spread(sigma, cutoff, log_history)
        actual = history.y[cutoff:cutoff + steps]
        forecast = from_model_scale(mean, history.scale)
        naive_forecast = from_model_scale(naive, history.scale)
        for step in range(1, steps + 1):
            if not np.isfinite(actual[step - 1]):
                continue
            row = {"indicator": history.indicator, "model": name, "origin": history.months[cutoff - 1],
                   "step": step, "actual": actual[step - 1], "forecast": forecast[step - 1],
                   "naive": naive_forecast[step - 1], "mase_scale": scale_mase}
            for level in levels:
                width = bt.z_score(level) * sd[step - 1]
                lo = from_model_scale(np.array([mean[step - 1] - width]), history.scale)[0]
                hi = from_model_scale(np.array([mean[step - 1] + width]), history.scale)[0]
                row[f"inside{level}"] = bool(lo - 1e-9 <= actual[step - 1] <= hi + 1e-9)
            rows.append(row)
    return rows


def _points(dataset, result, max_steps: int) -> pd.DataFrame:
    settings = result.settings
    unit_of = dataset.indicators["unit"].to_dict() if "unit" in dataset.indicators else {}
    chosen = result.backtest[result.backtest["chosen"]].set_index("indicator")["model"]
    rows: list[dict] = []
    for code, observed in dataset.observations.groupby("unique_id", sort=False):
        name = str(chosen.get(code, "")).split("+")[0]
        if name not in SPECS:  # Derived(...) or nothing forecast
            continue
        history = bt.prepare_history(str(code), observed["ds"], observed["y"], unit_of.get(code))
        if history is None:
            continue
        rows.extend(_indicator_points(history, name, max_steps, settings.levels, settings.fallback_sigma,
                                      settings.cv_horizon, settings.n_windows))
    columns = ["indicator", "model", "origin", "step", "actual", "forecast", "naive", "mase_scale"] + [
        f"inside{level}" for level in settings.levels]
    return pd.DataFrame(rows, columns=columns)


def horizon_points(dataset, result=None, *, max_steps: int | None = None) -> pd.DataFrame:
    """Every scored point of the long back-test (indicator, model, origin, step, actual, forecast, naive,
    mase_scale, insideL). `result` is the dataset's ForecastResult (computed with defaults if None). Never
    cached: it holds the data's own values."""
    result = result if result is not None else run_forecast(dataset)
    return _points(dataset, result, int(max_steps or max(high for _, high in HORIZON_BANDS)))


def summarise(points: pd.DataFrame, levels: Sequence[int] = (80, 95),
              bands: Sequence[tuple[int, int]] = HORIZON_BANDS, n_months: int | None = None) -> pd.DataFrame:
    """One row per band (see module docstring) from `horizon_points`."""
    rows = []
    for low, high in bands:
        inside = points[(points["step"] >= low) & (points["step"] <= high)]
        scaled = inside[np.isfinite(inside["mase_scale"])]
        row = {"band": f"{low}-{high} months", "months_from": low, "months_to": high,
               "n_points": len(inside), "n_indicators": int(inside["indicator"].nunique()),
               "n_origins": int(inside["origin"].nunique())}
        for level in levels:
            row[f"coverage{level}"] = float(inside[f"inside{level}"].mean()) if len(inside) else np.nan
        for column, forecast in (("mase", "forecast"), ("naive_mase", "naive")):
            errors = (scaled["actual"] - scaled[forecast]).abs() / scaled["mase_scale"]
            row[column] = float(errors.mean()) if len(scaled) else np.nan
        row["note"] = _band_note(len(inside), low, high, int(points["step"].max()) if len(points) else 0,
                                 n_months)
        rows.append(row)
    return pd.DataFrame(rows)


def _band_note(n_points: int, low: int, high: int, furthest: int, n_months: int | None) -> str:
    why = f"the longest history is {n_months} months" if n_months else "the histories are short"
    if n_points == 0:
        most = f"; the furthest checked is {furthest} months ahead" if furthest else ""
        return f"not measurable - {why}, so no forecast can be checked {low} or more months ahead{most}"
    if furthest < high:
        return f"only {low}-{furthest} months ahead could be checked ({why})"
    return ""


def horizon_accuracy(dataset, result=None, *, bands: Sequence[tuple[int, int]] = HORIZON_BANDS,
                     use_cache: bool = True, cache_dir=None) -> pd.DataFrame:
    """Back-test coverage and accuracy of the forecast in use by months ahead, one row per band: band,
    months_from, months_to, n_points, n_indicators, n_origins, coverageL, mase, naive_mase, note (see the
    module docstring). `result`: the data set's `ForecastResult` if already computed."""
    result = result if result is not None else run_forecast(dataset, use_cache=use_cache, cache_dir=cache_dir)
    bands = tuple((int(low), int(high)) for low, high in bands)

    def compute() -> pd.DataFrame:
        points = horizon_points(dataset, result, max_steps=max(high for _, high in bands))
        lengths = dataset.observations.dropna(subset=["y"]).groupby("unique_id")["ds"].nunique()
        return summarise(points, result.settings.levels, bands, int(lengths.max()) if len(lengths) else None)

    if not use_cache:
        return compute()
    # the summary only (scores, never the data's values) is cached, keyed by the data, settings and choice
    choice = pd.util.hash_pandas_object(result.backtest[["indicator", "model", "chosen"]], index=False)
    key = ("horizon_accuracy", dataset_fingerprint(dataset), result.settings.cache_key(), bands,
           int(choice.sum()))
    return cached(key, compute, cache_dir=cache_dir)


def describe_horizon_accuracy(table: pd.DataFrame) -> list[str]:
    """One plain-words line per band of `horizon_accuracy` (for the CLI and the Forecasts page)."""
    levels = [int(c.removeprefix("coverage")) for c in table.columns if c.startswith("coverage")]
    lines = []
    for row in table.to_dict("records"):
        if row["n_points"] == 0:
            lines.append(f"{row['band']}: {row['note']}.")
            continue
        held = ", ".join(f"{level}% intervals held {row[f'coverage{level}']:.0%}" for level in levels)
        text = (f"{row['band']}: {row['n_points']} past forecasts checked "
                f"({row['n_indicators']} indicators); {held}; typical error {row['mase']:.2f} x the usual "
                f"month-to-month change (naive {row['naive_mase']:.2f})")
        lines.append(text + (f"; {row['note']}." if row["note"] else "."))
    return lines
