"""Does the timeliness-from-load model earn its place? Rolling-origin errors against naive and the engine.

Rules:
- Windows: the engine's own back-test origins (`forecasting.engine.backtest.rolling_origins` with the forecast
  settings' `cv_horizon` and `n_windows`), so the three errors are measured on the same months.
- Load model: at each origin the flow teams' throughput is calibrated and the timeliness curves fitted on the
  months before it only (`workforce_history.calibrate_capacity`, `fit_timeliness`), then the queue is run on
  to the scored months with their actual demand. The model therefore knows the demand of the months it
  predicts, which the engine and naive do not: an advantage, so a model that still loses to them is not
  earning its place as a forecast.
- Variants: EH4-QL (single assessments within 45 working days) is scored with the assessment team's load
  measured on work done (assessments completed, EH3) and on work arriving (referrals, M2); M8-QL on contacts
  arriving (M1); CP8-QL on open CIN cases and CP plans (EH2 + CP6B).
- Naive: the last observed month before the origin, carried forward. Engine: the chosen model's mean absolute
  error in the engine's back-test (`ForecastResult.backtest`).
- Errors are mean absolute errors in percentage points over every scored month of every window.
Whatever the verdict, the engine's forecast is the baseline on every page and the load model only gives the
change staffing or a scenario makes (`scenario_effects.staffing_projection`, `apply_scenario`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from forecasting.engine.backtest import rolling_origins
from forecasting.planning.parameters import Parameter, load_parameters
from forecasting.planning.staffing import StaffingPlan
from forecasting.planning.workforce import TIMELINESS_TEAM, project_workforce
from forecasting.planning.workforce_history import calibrate_capacity, fit_timeliness, history_demand

log = logging.getLogger(__name__)
__all__ = ["VARIANTS", "describe_validation", "rolling_validation"]


def _as_completed(demand: pd.DataFrame) -> pd.DataFrame:
    return demand


def _as_arriving(demand: pd.DataFrame) -> pd.DataFrame:
    """The assessment team's work = referrals arriving (M2) instead of assessments completed (EH3)."""
    return demand.assign(assessments=demand["referrals"]) if "referrals" in demand else demand.iloc[:, :0]


# measure -> [(variant words, demand transform)]
VARIANTS: dict[str, list[tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]]] = {
    "M8-QL": [("load on contacts arriving (M1)", _as_completed)],
    "EH4-QL": [
        ("load on assessments completed (EH3)", _as_completed),
        ("load on referrals arriving (M2)", _as_arriving),
    ],
    "CP8-QL": [("load on open CIN cases and CP plans (EH2 + CP6B)", _as_completed)],
}


def _predict(
    demand: pd.DataFrame,
    observed: dict[str, pd.Series],
    cutoff: int,
    steps: int,
    measure: str,
    plan: StaffingPlan,
    params: dict[str, Parameter],
) -> np.ndarray:
    """The load model's on-time % for months cutoff .. cutoff + steps - 1, fitted on the months before."""
    train = demand.iloc[:cutoff]
    capacity = calibrate_capacity(train, plan, params).per_fte
    curves = fit_timeliness(
        train, {m: s.reindex(train.index) for m, s in observed.items()}, plan, params, capacity
    )
    timeliness = project_workforce(demand.iloc[: cutoff + steps], plan, params, curves, capacity).timeliness
    rows = timeliness[timeliness["measure"] == measure]
    return rows["on_time_pct"].to_numpy()[cutoff : cutoff + steps]


def rolling_validation(dataset, forecast_result, params: dict[str, Parameter] | None = None) -> pd.DataFrame:
    """One row per measure and variant: measure, team, model, windows, months_scored, mae_model, mae_naive,
    mae_engine, engine_model, beats_naive, beats_engine, verdict (rules in the module docstring)."""
    params = params or load_parameters(include_levers=False)
    settings = getattr(forecast_result, "settings", None)
    horizon, n_windows = int(getattr(settings, "cv_horizon", 3)), int(getattr(settings, "n_windows", 3))
    columns = [
        "measure",
        "team",
        "model",
        "windows",
        "months_scored",
        "mae_model",
        "mae_naive",
        "mae_engine",
        "engine_model",
        "beats_naive",
        "beats_engine",
        "verdict",
    ]
    try:
        demand = history_demand(dataset)
    except ValueError as exc:  # no team's workload in the data: nothing to validate
        log.info("timeliness model not validated: %s", exc)
        return pd.DataFrame(columns=columns)
    plan = StaffingPlan.from_parameters(params)
    present = set(dataset.observations.dropna(subset=["y"])["unique_id"])
    observed = {m: dataset.series(m).reindex(demand.index) for m in TIMELINESS_TEAM if m in present}
    backtest = forecast_result.backtest
    rows = []
    for measure, variants in VARIANTS.items():
        if measure not in observed:
            continue
        actual = observed[measure].to_numpy(dtype=float)
        cutoffs, steps = rolling_origins(len(actual), horizon, n_windows)
        chosen = backtest[(backtest["indicator"] == measure) & backtest["chosen"]]
        engine_mae = float(chosen["mae"].iloc[0]) if len(chosen) else np.nan
        engine_model = str(chosen["model"].iloc[0]) if len(chosen) else ""
        for words, transform in variants:
            frame = transform(demand)
            model_errors, naive_errors = [], []
            try:
                for cutoff in cutoffs:
                    predicted = _predict(frame, observed, cutoff, steps, measure, plan, params)
                    truth = actual[cutoff : cutoff + steps]
                    naive = actual[:cutoff][~np.isnan(actual[:cutoff])][-1]
                    ok = ~np.isnan(truth)
                    if len(predicted) != len(truth):
                        raise ValueError(f"the data set lacks the workload {words} needs")
                    model_errors += list(np.abs(predicted[ok] - truth[ok]))
                    naive_errors += list(np.abs(naive - truth[ok]))
            except (ValueError, KeyError, IndexError) as exc:  # the history cannot fit this variant
                log.info("%s %s not validated: %s", measure, words, exc)
                continue
            if not model_errors:
                continue
            mae_model, mae_naive = float(np.mean(model_errors)), float(np.mean(naive_errors))
            rows.append(
                {
                    "measure": measure,
                    "team": TIMELINESS_TEAM[measure],
                    "model": words,
                    "windows": len(cutoffs),
                    "months_scored": len(model_errors),
                    "mae_model": mae_model,
                    "mae_naive": mae_naive,
                    "mae_engine": engine_mae,
                    "engine_model": engine_model,
                    "beats_naive": mae_model < mae_naive,
                    "beats_engine": bool(np.isfinite(engine_mae) and mae_model < engine_mae),
                    "verdict": _verdict(mae_model, mae_naive, engine_mae),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _verdict(model: float, naive: float, engine: float) -> str:
    if model < naive and np.isfinite(engine) and model < engine:
        return (
            "beats naive and the engine even though it is given the actual demand; the engine's forecast "
            "stays the baseline and the model gives the change staffing makes"
        )
    if model < naive:
        return (
            "beats naive but not the engine: the engine's forecast is the baseline, the model only gives "
            "the change staffing makes"
        )
    return (
        "does not beat naive: the engine's forecast is the baseline and the model's change for staffing "
        "is indicative only"
    )


def describe_validation(table: pd.DataFrame) -> list[str]:
    """One plain-words line per row."""
    return [
        f"{r.measure} ({r.model}): error {r.mae_model:.1f} points vs naive {r.mae_naive:.1f} and the "
        f"engine's {r.engine_model} {r.mae_engine:.1f} over {r.months_scored} months in {r.windows} windows; "
        f"{r.verdict}."
        for r in table.itertuples()
    ]
