"""Back-test of the children-in-care model on the file's own history, beside the engine's forecast of LAC1.

Rewind `rewind` months: the cut-off is the month end `rewind` months before the last one. The care model's
rates come from the `reference_months` months up to the cut-off and it projects `rewind` months from the
cut-off's stock; the engine (`run_forecast`) sees LAC1 up to the cut-off only and forecasts the same months.
Month-end states before the cut-off use only episodes that had started by then, so nothing after the cut-off
leaks into the rates or the start stock (except the cleaning of overlaps, which uses later returns).
Scores per indicator: MAE, MAPE (% of the actual, months with actual > 0), bias (mean of projected - actual),
coverage of the 80% interval, and the error at the last month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.data.contract import Dataset
from forecasting.data.ssda903_config import Codes903
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_monthly import catalogue, placement_code
from forecasting.planning.care_model import (
    DEFAULT_SIMULATIONS,
    band_widths,
    count_transitions,
    estimate_rates,
    project_care,
    state_panel,
)

CARE_MODEL = "care model (903 transitions)"


@dataclass(frozen=True)
class CareBacktest:
    """table: indicator, month, actual, model, mean, lo80, hi80; scores: indicator, model, mae, mape, bias,
    coverage80, error_last (projected - actual at the last month), months."""

    table: pd.DataFrame
    scores: pd.DataFrame
    cutoff: pd.Timestamp
    reference: tuple[pd.Timestamp, pd.Timestamp]


def backtest_care(
    clean: Episodes903,
    authority: str,
    *,
    rewind: int = 12,
    reference_months: int = 12,
    with_engine: bool = True,
    n_sims: int = DEFAULT_SIMULATIONS,
    codes: Codes903 | None = None,
) -> CareBacktest:
    """Rewind, project, compare (module docstring). Raises ValueError when the history is too short."""
    panel = state_panel(clean, authority, codes)
    last = len(panel.months) - 1
    cutoff = last - rewind
    if rewind < 1 or cutoff < 2:
        raise ValueError(f"cannot rewind {rewind} months: the data has {last} months")
    first = max(cutoff - reference_months + 1, 1)
    counts = count_transitions(panel, first, cutoff)
    reference = (_month(panel.months[first]), _month(panel.months[cutoff]))
    rates = estimate_rates(counts, band_widths(panel, codes), reference)
    projection = project_care(panel, rates, cutoff, rewind, n_sims)
    actual = _actuals(panel, cutoff + 1, last)
    care = projection.table.merge(actual, on=["indicator", "month"])
    care = care[care["indicator"].isin(actual["indicator"].unique())].assign(model=CARE_MODEL)
    frames = [care[["indicator", "month", "actual", "model", "mean", "lo80", "hi80"]]]
    if with_engine:
        frames.append(_engine_lac1(panel, cutoff, rewind, actual))
    table = pd.concat(frames, ignore_index=True)
    scores = pd.DataFrame(
        [
            {"indicator": indicator, "model": model, **_score(rows)}
            for (indicator, model), rows in table.groupby(["indicator", "model"], sort=False)
        ]
    )
    return CareBacktest(table, scores, _month(panel.months[cutoff]), reference)


def _month(end: pd.Timestamp) -> pd.Timestamp:
    return end.to_period("M").to_timestamp()


def _actuals(panel, first: int, last: int) -> pd.DataFrame:
    rows = []
    for t in range(first, last + 1):
        stock = panel.stock(t)
        month = _month(panel.months[t])
        rows.append(("LAC1", month, stock.sum()))
        rows += [(placement_code(kind), month, stock[:, i].sum()) for i, kind in enumerate(panel.types)]
    return pd.DataFrame(rows, columns=["indicator", "month", "actual"])


def _engine_lac1(panel, cutoff: int, rewind: int, actual: pd.DataFrame) -> pd.DataFrame:
    """The engine's statistical forecast of LAC1 from the history up to the cut-off (months 1..cutoff)."""
    from forecasting.engine.forecast import run_forecast

    months = [_month(panel.months[t]) for t in range(1, cutoff + 1)]
    history = pd.DataFrame(
        {"unique_id": "LAC1", "ds": months, "y": [panel.stock(t).sum() for t in range(1, cutoff + 1)]}
    )
    dataset = Dataset(observations=history, indicators=catalogue().loc[["LAC1"]], source="903 back-test")
    result = run_forecast(dataset, horizon=rewind, use_cache=False)
    forecast = result.forecasts.rename(columns={"model": "engine_model"})
    merged = forecast.merge(actual[actual["indicator"] == "LAC1"], on=["indicator", "month"])
    merged["model"] = "engine: " + merged["engine_model"].astype(str)
    return merged[["indicator", "month", "actual", "model", "mean", "lo80", "hi80"]]


def _score(rows: pd.DataFrame) -> dict[str, float]:
    error = rows["mean"] - rows["actual"]
    positive = rows["actual"] > 0
    inside = (rows["actual"] >= rows["lo80"]) & (rows["actual"] <= rows["hi80"])
    relative = error.abs()[positive] / rows["actual"][positive]
    mape = float(relative.mean() * 100) if positive.any() else np.nan
    return {"mae": float(error.abs().mean()), "mape": mape, "bias": float(error.mean()),
            "coverage80": float(inside.mean() * 100), "error_last": float(error.iloc[-1]),
            "months": float(len(rows))}


__all__ = ["CARE_MODEL", "CareBacktest", "backtest_care"]
