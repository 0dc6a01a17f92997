"""What load drives each timeliness measure: the work a team has done, or the work arriving at it.

Definitions (`LOADS`, per measure; `TEAM_LOAD` is the team's own load of forecasting.planning.workforce):
- M8-QL (MASH decisions within 24 hours): contacts arriving (M1) through the MASH queue. The team's own load
  is already work arriving, so there is one definition.
- EH4-QL (single assessments within 45 working days): work done = assessments completed (EH3) through the
  assessment team's queue; work arriving = referrals (M2), the mean of the last `assessment_window_months`
  months (an assessment has 45 working days, about 2 months: the referrals of this month and the last are
  what an assessment completed this month competed with).
- CP8-QL (children on CP plans seen within 15 working days): the caseload = open CIN cases and CP plans
  (EH2 + CP6B) per case-holding FTE; work arriving = S47 enquiries started (CP1) plus new CP plans
  (CP4 (val)), the mean of the last `cp_arrivals_window_months` months.
Utilisation of an arriving load = windowed arrivals / (the team's FTE carrying work x throughput per FTE).
Throughput per FTE is read off the history like a flow team's (`calibrate_arrivals`): the busiest
`capacity_window_months` run of the windowed arrivals / the history plan's mean FTE carrying work, so the
busiest run of the history is utilisation 1. At the start of a series the window has fewer months: the mean
is over the months there are.

Which definition is used (`adopted_loads`): a work-arriving definition is adopted for a measure only where its
rolling-origin error beats "same as last month" (naive) (forecasting.planning.workforce_history
.score_load); otherwise the team's own load stays. Either way the engine's forecast stays the baseline and
the curve gives only the change staffing makes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from forecasting.planning.parameters import Parameter, value

__all__ = [
    "LOADS",
    "TEAM_LOAD",
    "LoadDefinition",
    "TimelinessCurve",
    "default_curves",
    "measure_utilisation",
    "arrivals",
    "calibrate_arrivals",
    "load_definition",
    "utilisation_from_arrivals",
]

log = logging.getLogger(__name__)
TEAM_LOAD = "team"
_EPS = 1e-6
MEASURES = ("M8-QL", "EH4-QL", "CP8-QL")


@dataclass(frozen=True)
class TimelinessCurve:
    """on-time % = 100 / (1 + exp(-(intercept - slope x utilisation))); utilisation read with the load
    `load` (a key of LOADS[measure]; `per_fte` = its calibrated throughput per FTE if it is work arriving)."""

    measure: str
    intercept: float
    slope: float
    fitted: bool
    note: str = ""
    load: str = TEAM_LOAD
    per_fte: float = float("nan")

    def on_time(self, utilisation) -> np.ndarray:
        return 100.0 / (1.0 + np.exp(-(self.intercept - self.slope * np.asarray(utilisation, dtype=float))))

    def utilisation_for(self, on_time_pct: float) -> float:
        """Highest utilisation that still gives `on_time_pct` (inf if load does not matter)."""
        if self.slope <= 0:
            return np.inf if self.on_time(0.0) >= on_time_pct else 0.0
        share = np.clip(on_time_pct / 100.0, _EPS, 1 - _EPS)
        return float((self.intercept - np.log(share / (1 - share))) / self.slope)


def default_curves(params: dict[str, Parameter]) -> dict[str, TimelinessCurve]:
    """Curves from parameters alone (the team's own load): on-time % at full load (u = 1), default slope."""
    slope = value(params, "timeliness_default_slope")
    out = {}
    for measure in MEASURES:
        share = value(params, f"on_time_at_full_load_{measure.split('-')[0].lower()}_pct") / 100.0
        out[measure] = TimelinessCurve(
            measure, float(np.log(share / (1 - share)) + slope), slope, False, "from parameters (no fit)"
        )
    return out


def measure_utilisation(
    curve: TimelinessCurve,
    team_utilisation: np.ndarray,
    fte: np.ndarray,
    demand: dict[str, np.ndarray],
    params: dict[str, Parameter],
) -> np.ndarray:
    """The utilisation `curve` reads: the team's own (`team_utilisation`) or its arriving load / (`fte` x
    the curve's per_fte)."""
    if curve.load == TEAM_LOAD:
        return team_utilisation
    definition = load_definition(curve.measure, curve.load)
    try:
        windowed = arrivals(demand, definition, params)
    except KeyError as exc:  # fitted on work the forecast does not have: unknown, never a made-up figure
        log.warning("%s; its timeliness is left blank", exc)
        return np.full(len(np.asarray(fte)), np.nan)
    return utilisation_from_arrivals(windowed, fte, curve.per_fte)


@dataclass(frozen=True)
class LoadDefinition:
    """One way to measure a timeliness measure's load. `columns` () = the team's own load (queue or
    caseload); otherwise the demand columns whose arrivals are summed over `window_parameter` months."""

    key: str
    measure: str
    words: str
    arriving: bool
    columns: tuple[str, ...] = ()
    window_parameter: str | None = None

    def window(self, params: dict[str, Parameter]) -> int:
        return max(int(round(value(params, self.window_parameter))), 1) if self.window_parameter else 1


LOADS: dict[str, tuple[LoadDefinition, ...]] = {
    "M8-QL": (
        LoadDefinition(TEAM_LOAD, "M8-QL", "contacts arriving (M1) through the MASH queue", arriving=True),
    ),
    "EH4-QL": (
        LoadDefinition(
            TEAM_LOAD, "EH4-QL", "work done: assessments completed (EH3) through the queue", arriving=False
        ),
        LoadDefinition(
            "referrals",
            "EH4-QL",
            "work arriving: referrals (M2) over the assessment window",
            arriving=True,
            columns=("referrals",),
            window_parameter="assessment_window_months",
        ),
    ),
    "CP8-QL": (
        LoadDefinition(
            TEAM_LOAD, "CP8-QL", "caseload: open CIN cases and CP plans (EH2 + CP6B)", arriving=False
        ),
        LoadDefinition(
            "cp_arrivals",
            "CP8-QL",
            "work arriving: S47 enquiries (CP1) and new CP plans (CP4 (val))",
            arriving=True,
            columns=("s47_enquiries", "new_cp_plans"),
            window_parameter="cp_arrivals_window_months",
        ),
    ),
}


def load_definition(measure: str, key: str) -> LoadDefinition:
    for definition in LOADS.get(measure, ()):
        if definition.key == key:
            return definition
    raise ValueError(
        f"{measure} has no load {key!r}; known: {', '.join(d.key for d in LOADS.get(measure, ()))}"
    )


def arrivals(demand: dict[str, np.ndarray], definition: LoadDefinition, params: dict[str, Parameter]):
    """Arrivals by month: the sum of the definition's columns, the mean of the last `window` months (fewer at
    the start). KeyError naming the missing column when the demand lacks one."""
    missing = [c for c in definition.columns if c not in demand]
    if missing:
        raise KeyError(f"{definition.measure} {definition.words} needs {', '.join(missing)}")
    total = np.sum([np.asarray(demand[c], dtype=float) for c in definition.columns], axis=0)
    window = definition.window(params)
    cumulative = np.concatenate([[0.0], np.cumsum(total)])
    idx = np.arange(len(total))
    start = np.maximum(idx - window + 1, 0)
    return (cumulative[idx + 1] - cumulative[start]) / (idx + 1 - start)


def utilisation_from_arrivals(windowed: np.ndarray, fte: np.ndarray, per_fte: float) -> np.ndarray:
    """windowed arrivals / (FTE x throughput per FTE); infinite where no FTE carries work."""
    capacity = np.asarray(fte, dtype=float) * per_fte
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(capacity > 0, np.asarray(windowed, dtype=float) / np.maximum(capacity, _EPS), np.inf)


def calibrate_arrivals(windowed: np.ndarray, fte: np.ndarray, params: dict[str, Parameter]) -> float:
    """Throughput per FTE: the busiest `capacity_window_months` run of the windowed arrivals / mean FTE
    carrying work (nan when the history is shorter than the run or no FTE carries work)."""
    run = max(int(value(params, "capacity_window_months")), 1)
    windowed = np.asarray(windowed, dtype=float)
    staffed = float(np.mean(fte)) if len(fte) else 0.0
    if len(windowed) < run or staffed <= 0:
        return float("nan")
    busiest = max(float(np.mean(windowed[i : i + run])) for i in range(len(windowed) - run + 1))
    return busiest / staffed
