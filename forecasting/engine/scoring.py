"""Scoring a back-test and choosing by it: MASE's scale, each model's back-test scores, the lowest-MASE choice
and the honest check of that choice (choose on early windows, score on the last).

Split from `forecasting.engine.backtest` (which runs the models and re-exports these names), because scoring
and choosing are their own rules: a wrong scale or tie-break changes which model every page shows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from forecasting.engine.models import MODEL_ORDER, from_model_scale

if TYPE_CHECKING:  # annotations only: backtest imports this module
    from forecasting.engine.backtest import History, IndicatorRuns, ModelRun

__all__ = ["choose", "scale_for_mase", "scores", "selection_check"]


def scale_for_mase(y: np.ndarray) -> float:
    """Mean absolute month-to-month change over the observed history (NaN if none or zero)."""
    diffs = np.abs(np.diff(np.asarray(y, dtype=float)))
    diffs = diffs[np.isfinite(diffs)]
    scale = float(diffs.mean()) if diffs.size else np.nan
    return scale if scale > 0 else np.nan


def scores(run: ModelRun, history: History) -> dict[str, float]:
    """MAE, MASE, MAPE and the number of windows of a model's back-test (NaN when not back-tested)."""
    if run.cv is None or run.cv.empty:
        return {"mae": np.nan, "mase": np.nan, "mape": np.nan, "n_windows": 0}
    if run.scores is not None:
        return run.scores
    actual, mu = run.cv["y"].to_numpy(), run.cv["mu"].to_numpy()
    keep = np.isfinite(actual)
    result = {"mae": np.nan, "mase": np.nan, "mape": np.nan, "n_windows": int(run.cv["cutoff"].nunique())}
    if keep.any():
        actual = actual[keep]
        errors = np.abs(actual - from_model_scale(mu[keep], history.scale))
        mae = float(errors.mean())
        result.update(mae=mae, mase=mae / scale_for_mase(history.y),
                      mape=float(np.mean(errors / actual) * 100) if np.all(actual > 0) else np.nan)
    run.scores = result
    return result


def choose(result: IndicatorRuns, cutoffs: list[int]) -> None:
    """Pick the lowest MASE (MAE when the series never changes); Naive when nothing could be back-tested."""
    table = []
    for order, (name, run) in enumerate(result.runs.items()):
        if run.mean is None:
            continue
        score = scores(run, result.history)
        key = score["mase"] if np.isfinite(score["mase"]) else score["mae"]
        if np.isfinite(key):
            table.append((round(key, 12), MODEL_ORDER.index(name) if name in MODEL_ORDER else order, name))
    if table:
        result.chosen = min(table)[2]
        result.choice_note = ""
    else:
        result.chosen = "Naive"
        result.choice_note = (
            f"only {result.history.n} month(s) of history: too short to back-test, so Naive "
            "(last value carried forward) is used"
        )


def selection_check(fit: IndicatorRuns) -> dict | None:
    """Is choosing by back-test itself better than naive? Choose on all windows but the last, score the last.

    The chosen model's back-test MASE is optimistic (it won on those same windows); this check is not.
    Returns None when there are fewer than two windows or Naive did not run.
    """
    naive = fit.runs.get("Naive")
    if naive is None or naive.cv is None or naive.cv["cutoff"].nunique() < 2:
        return None
    last = naive.cv["cutoff"].max()
    scale = scale_for_mase(fit.history.y)
    table = {}
    for order, (name, run) in enumerate(fit.runs.items()):
        if run.cv is None or run.mean is None or "+" in name:
            continue
        actual = run.cv["y"].to_numpy()
        error = np.abs(actual - from_model_scale(run.cv["mu"].to_numpy(), fit.history.scale))
        early, late = (run.cv["cutoff"] < last).to_numpy(), (run.cv["cutoff"] == last).to_numpy()
        if np.isfinite(error[early]).any() and np.isfinite(error[late]).any():
            table[name] = (
                np.nanmean(error[early]),
                MODEL_ORDER.index(name) if name in MODEL_ORDER else order,
                np.nanmean(error[late]),
            )
    if "Naive" not in table or not np.isfinite(scale):
        return None
    selected = min(table, key=lambda name: table[name][:2])
    return {
        "indicator": fit.history.indicator,
        "selected": selected,
        "mase_last_window": table[selected][2] / scale,
        "naive_mase_last_window": table["Naive"][2] / scale,
    }
