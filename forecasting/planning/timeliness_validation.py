"""Does the timeliness-from-load model earn its place? Rolling-origin errors against naive and the engine, for
each way of measuring load (the work a team has done, or the work arriving at it).

Rules:
- Windows: the engine's own back-test origins (`forecasting.engine.backtest.rolling_origins` with the forecast
  settings' `cv_horizon` and `n_windows`), so the three errors are measured on the same months.
- Load model (`workforce_history.score_load`): at each origin the flow teams' throughput is calibrated and the
  timeliness curve fitted on the months before it only, then the queue is run on to the scored months with
  their actual demand. The model therefore knows the demand of the months it predicts, which the engine and
  naive do not: an advantage, so a model that still loses to them is not earning its place as a forecast.
- Loads (forecasting.planning.timeliness_load.LOADS): M8-QL on contacts arriving (M1) through the MASH queue;
  EH4-QL on assessments completed (EH3, work done), on referrals arriving (M2) over the assessment
  window and on the queue of assessments waiting (referrals x assessments per referral less completions);
  CP8-QL on open CIN cases and CP plans (EH2 + CP6B) and on S47 enquiries and new CP plans arriving
  (CP1 + CP4 (val)).
- Adoption (`workforce_history.adopt_loads`): a work-arriving load is adopted for a measure only where its
  error beats naive and the engine's (the smallest such error if more than one) and its load has an effect
  (the fitted slope above `timeliness_min_slope` at every origin: a curve held flat is a historical average,
  whose edge over naive says nothing about the load); otherwise the team's own load stays. On the embedded
  data (3 windows x 3 months, percentage points, model / naive / engine): M8-QL contacts arriving 5.6 / 7.2 /
  7.3 (its own load, already arriving); EH4-QL assessments completed 14.3, referrals arriving 13.4, the queue
  of assessments waiting 6.8 / 9.6 / 9.0 with slopes 0.78-1.42 at the three origins: the queue is adopted.
  It is sensitive to its settings: with assessments starting a month after the referral
  (assessment_start_lag_months 1) it scores 11.6, worse than naive; 2 months 8.6 with a flat curve at one
  origin; a ceiling of half a month 8.1 (the default lag 0 is Working Together's). CP8-QL open cases 4.8,
  S47 enquiries and new CP plans arriving 3.8 / 4.6 / 4.6, but every curve fitted on the arrivals is flat
  (more arrivals went with better timeliness, so the slope is held at 0): its edge is the historical
  average, it is not adopted and the caseload load stays.
- Naive: the last observed month before the origin, carried forward. Engine: the chosen model's mean absolute
  error in the engine's back-test (`ForecastResult.backtest`).
- Errors are mean absolute errors in percentage points over every scored month of every window.
Whatever the verdict, the engine's forecast is the baseline on every page and the load model only gives the
change staffing or a scenario makes (`scenario_effects.staffing_projection`, `apply_scenario`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, load_parameters
from forecasting.planning.staffing import StaffingPlan
from forecasting.planning.workforce import TIMELINESS_TEAM
from forecasting.planning.workforce_history import adopt_loads, engine_errors, history_demand

log = logging.getLogger(__name__)
__all__ = ["COLUMNS", "describe_validation", "rolling_validation", "validation_summary"]

COLUMNS = [
    "measure",
    "team",
    "load",
    "model",
    "arriving",
    "windows",
    "months_scored",
    "mae_model",
    "mae_naive",
    "mae_engine",
    "engine_model",
    "beats_naive",
    "beats_engine",
    "smallest_slope",
    "load_effect",
    "adopted",
    "verdict",
]


def rolling_validation(dataset, forecast_result, params: dict[str, Parameter] | None = None) -> pd.DataFrame:
    """One row per measure and load definition (COLUMNS; rules in the module docstring). `model` says the
    load in words; `adopted` marks the load the workforce model uses for the measure."""
    params = params or load_parameters(include_levers=False)
    settings = getattr(forecast_result, "settings", None)
    horizon, n_windows = int(getattr(settings, "cv_horizon", 3)), int(getattr(settings, "n_windows", 3))
    try:
        demand = history_demand(dataset)
    except ValueError as exc:  # no team's workload in the data: nothing to validate
        log.info("timeliness model not validated: %s", exc)
        return pd.DataFrame(columns=COLUMNS)
    present = set(dataset.observations.dropna(subset=["y"])["unique_id"])
    observed = {m: dataset.series(m).reindex(demand.index) for m in TIMELINESS_TEAM if m in present}
    scores = adopt_loads(
        demand,
        observed,
        StaffingPlan.from_parameters(params),
        params,
        horizon=horizon,
        n_windows=n_windows,
        engine_mae=engine_errors(forecast_result.backtest),
    ).table
    backtest = forecast_result.backtest
    rows = []
    scored: list[Any] = list(scores.itertuples())  # rows of adopt_loads(...).table
    for r in scored:
        chosen = backtest[(backtest["indicator"] == r.measure) & backtest["chosen"]]
        engine_mae = float(chosen["mae"].iloc[0]) if len(chosen) else np.nan
        rows.append(
            {
                "measure": r.measure,
                "team": TIMELINESS_TEAM[r.measure],
                "load": r.load,
                "model": r.words,
                "arriving": bool(r.arriving),
                "windows": r.windows,
                "months_scored": r.months_scored,
                "mae_model": r.mae_model,
                "mae_naive": r.mae_naive,
                "mae_engine": engine_mae,
                "engine_model": str(chosen["model"].iloc[0]) if len(chosen) else "",
                "beats_naive": bool(r.beats_naive),
                "beats_engine": bool(np.isfinite(engine_mae) and r.mae_model < engine_mae),
                "smallest_slope": r.smallest_slope,
                "load_effect": bool(r.load_effect),
                "adopted": bool(r.adopted),
                "verdict": _verdict(r, engine_mae),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _verdict(r, engine: float) -> str:
    """Plain words for one scored load (a row of `adopt_loads(...).table`)."""
    if r.mae_model < r.mae_naive and np.isfinite(engine) and r.mae_model < engine:
        fit = "beats naive and the engine even though it is given the actual demand"
    elif r.mae_model < r.mae_naive:
        fit = "beats naive but not the engine"
    else:
        fit = "does not beat naive"
    if not r.load_effect:
        fit += (
            ", but its fitted curve is flat (in the history more of this load went with better, not worse, "
            "timeliness), so its edge is a historical average, not the load"
        )
    if r.adopted:
        use = "used for the change staffing makes"
    elif r.arriving and r.load != "team":
        use = "not used"
    else:
        use = "not used: a work-arriving load earns its place here"
    return f"{fit}; {use}; the engine's forecast stays the baseline"


def describe_validation(table: pd.DataFrame) -> list[str]:
    """One plain-words line per row."""
    return [
        f"{r.measure} ({r.model}): error {r.mae_model:.1f} points vs naive {r.mae_naive:.1f} and the "
        f"engine's {r.engine_model} {r.mae_engine:.1f} over {r.months_scored} months in {r.windows} windows; "
        f"{r.verdict}."
        for r in table.itertuples()
    ]


BASELINE_WHY = (
    "The engine's statistical forecast is the baseline of every timeliness measure, on every page: the load "
    "model is scored with the actual demand of the months it predicts, which a forecast does not have, so "
    "even where it beats the engine it is not a forecast. A scenario or staffing plan changes the measure by "
    "the model's change only (the curve at the plan's load minus the curve at the baseline plan's load)."
)


def validation_summary(table: pd.DataFrame) -> list[str]:
    """In plain words: why the engine's forecast is the baseline (BASELINE_WHY), then per measure which load
    the change staffing makes is read on, and why (its rolling-origin errors against naive and the engine)."""
    if table.empty:
        return []
    out = [BASELINE_WHY]
    for measure, rows in table.groupby("measure", sort=False):
        used = rows[rows["adopted"]]
        if used.empty:
            continue
        r = used.iloc[0]
        figures = (
            f"{r['mae_model']:.1f} points vs naive {r['mae_naive']:.1f} and the engine {r['mae_engine']:.1f}"
        )
        if r["load"] != "team":
            why = (
                f"the change staffing makes is read on {r['model']}, adopted because it beats naive and the "
                f"engine on the rolling back-test ({figures}) with a load effect at every origin"
            )
        elif r["beats_naive"] and r["beats_engine"]:
            why = f"the change staffing makes is read on {r['model']}, which beats naive and the engine "
            why += f"({figures})"
        else:
            tried = rows[(rows["load"] != "team")]
            others = "; ".join(
                f"{t['model']}: {t['mae_model']:.1f}"
                + ("" if t["load_effect"] else ", with a flat curve (no load effect)")
                for _, t in tried.iterrows()
            )
            why = (
                f"no load beats naive and the engine with a load effect ({others or 'none other to try'}), "
                f"so the change staffing makes is read on {r['model']} ({figures}): treat it as indicative"
            )
        out.append(f"{measure}: baseline = the engine's forecast ({r['engine_model']}); {why}.")
    return out
