"""The timeliness half of the planner's answer: for each timeliness target, the scorecard's own forecast (the
engine's, the figure every page shows), the most staffing alone can give on the measure's fitted curve, and
whether and when the target is reached.

Rules (forecasting.planning.scenario_effects: timeliness = the engine's forecast + the change the workforce
model makes against the baseline plan):
- forecast_t = the engine's forecast mean of the measure in month t (baseline plan).
- best_t = forecast_t + curve(load 0) - curve(the baseline plan's load in t), kept in 0-100: the measure
  with no load at all (an empty queue, or no work per worker), the most any number of staff could give on
  the curve.
- reachable where best_t >= target; the FTE it takes are the sizing's `fte_for_timeliness`
  (forecasting.planning.workforce.fte_needed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecasting.planning.coverage import indicator_words
from forecasting.planning.scenario_effects import staffing_projection

__all__ = ["TARGET_COLUMNS", "target_lines", "timeliness_targets"]

TARGET_COLUMNS = [
    "measure",
    "measure_name",
    "target_pct",
    "forecast_last_pct",
    "last_month",
    "best_pct",
    "best_month",
    "reachable_from",
    "months_reachable",
    "load",
]


def timeliness_targets(baseline, targets: dict[str, float] | None) -> pd.DataFrame:
    """One row per target measure the baseline forecasts (TARGET_COLUMNS; rules in the module docstring)."""
    rows = []
    if not targets:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    curves = baseline.effects.curves or {}
    timeliness = staffing_projection(baseline, baseline.params).timeliness
    for measure, target in targets.items():
        part = timeliness[timeliness["measure"] == measure].reset_index(drop=True)
        if part.empty or measure not in curves:
            continue
        curve = curves[measure]
        forecast = part["on_time_pct"].to_numpy(dtype=float)
        load = part["utilisation"].to_numpy(dtype=float)
        best = np.clip(forecast + curve.on_time(0.0) - curve.on_time(load), 0.0, 100.0)
        best = np.where(np.isfinite(best), best, forecast)
        months = pd.DatetimeIndex(part["month"])
        reached = np.flatnonzero(best >= target - 1e-9)
        peak = int(np.argmax(best))
        rows.append(
            {
                "measure": measure,
                "measure_name": indicator_words(measure),
                "target_pct": float(target),
                "forecast_last_pct": float(forecast[-1]),
                "last_month": f"{months[-1]:%b %Y}",
                "best_pct": float(best[peak]),
                "best_month": f"{months[peak]:%b %Y}",
                "reachable_from": f"{months[reached[0]]:%b %Y}" if len(reached) else "",
                "months_reachable": int(len(reached)),
                "load": curve.load,
            }
        )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def target_lines(table: pd.DataFrame) -> list[str]:
    """One plain-words line per row of `timeliness_targets`."""
    out = []
    rows: list[Any] = list(table.itertuples())  # rows of TARGET_COLUMNS
    for r in rows:
        words = (
            f"{r.measure_name}: the forecast (as on the scorecard and every page) is "
            f"{r.forecast_last_pct:.1f}% in {r.last_month} with the plan as it is; target {r.target_pct:g}%: "
        )
        if not r.reachable_from:
            words += (
                "out of reach by staffing alone: on the fitted curve even no backlog at all gives at most "
                f"{r.best_pct:.1f}% ({r.best_month}); the rest of the gap is not about staff numbers."
            )
        else:
            words += (
                f"reachable by staffing in {r.months_reachable} of the months ahead, from {r.reachable_from} "
                "(the FTE it takes are in the team's line)."
            )
        out.append(words)
    return out
