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
- EH4-QL, work waiting (`assessment_queue`, `queue_load`): assessments started = referrals (M2, lagged
  `assessment_start_lag_months`) x assessments per referral (`conversion`: completed / referrals over the
  fitted history, so the queue balances over it); the team completes this month's completions (EH3: observed,
  or the engine's forecast) scaled by its FTE carrying work / the FTE they were done with (`reference_fte`);
  the queue carries the rest, at most `backlog_ceiling_months` of capacity. Load = the queue waiting at the
  start of the month in months of the team's usual capacity (FTE x `per_fte`, mean completions per FTE): the
  assessments completed this month were drawn from it, so the longer it is, the more finish late. The queue
  starts empty at the start of the history; a run that carries on from the fitted history (its first month
  is `queue_from`) starts from the history's last queue (`queue_start`).
Utilisation of an arriving load = windowed arrivals / (the team's FTE carrying work x throughput per FTE).
Throughput per FTE is read off the history like a flow team's (`calibrate_arrivals`): the busiest
`capacity_window_months` run of the windowed arrivals / the history plan's mean FTE carrying work, so the
busiest run of the history is utilisation 1. At the start of a series the window has fewer months: the mean
is over the months there are.

Which definition is used (`workforce_history.adopt_loads`): a work-arriving (or work-waiting) definition is
adopted for a measure only where its rolling-origin error (forecasting.planning.workforce_history.score_load)
beats "same as last month" (naive) and the engine's own back-test error, with a load effect at every origin;
otherwise the team's own load stays. Either way the engine's forecast stays the baseline and
the curve gives only the change staffing makes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, value

__all__ = [
    "LOADS",
    "TEAM_LOAD",
    "LoadDefinition",
    "TimelinessCurve",
    "default_curves",
    "measure_utilisation",
    "arrivals",
    "calibrate_queue",
    "queue_load",
    "keep_pace_fte",
    "queue_history",
    "started_assessments",
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
    conversion: float = float("nan")  # queue load: assessments started per referral
    reference_fte: float = float("nan")  # queue load: FTE carrying work when the completions were made
    queue_start: float = 0.0  # queue load: assessments waiting at the end of the fitted history
    queue_from: pd.Timestamp | None = None  # queue load: the month after the fitted history

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
    months: pd.DatetimeIndex | None = None,
) -> np.ndarray:
    """The utilisation `curve` reads: the team's own (`team_utilisation`), its arriving load / (`fte` x
    the curve's per_fte), or its queue of work waiting (`queue_load`; `months` says whether the run carries on
    from the fitted history's queue)."""
    if curve.load == TEAM_LOAD:
        return team_utilisation
    definition = load_definition(curve.measure, curve.load)
    try:
        if definition.queue:
            carries_on = months is not None and len(months) and months[0] == curve.queue_from
            return queue_load(
                demand, fte, curve.conversion, curve.reference_fte, curve.per_fte, params,
                curve.queue_start if carries_on else 0.0,
            )[0]  # fmt: skip
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
    queue: bool = False  # the work waiting in a queue (queue_load), not windowed arrivals

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
        LoadDefinition(
            "assessment_queue",
            "EH4-QL",
            "work waiting: assessments started (referrals (M2) x assessments per referral) less those "
            "completed (EH3), the queue at the start of the month",
            arriving=True,
            columns=("referrals", "assessments"),
            queue=True,
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


def _lagged(values: np.ndarray, lag: int) -> np.ndarray:
    """`values` moved `lag` months later; the first months repeat the first value."""
    values = np.asarray(values, dtype=float)
    if lag <= 0 or not len(values):
        return values
    return np.concatenate([np.full(lag, values[0]), values])[: len(values)]


def started_assessments(demand: dict[str, np.ndarray], params: dict[str, Parameter]) -> np.ndarray:
    """Referrals by month, `assessment_start_lag_months` later (0 if the parameter is absent)."""
    name = "assessment_start_lag_months"
    lag = int(round(value(params, name))) if name in params else 0
    return _lagged(demand["referrals"], lag)


def calibrate_queue(
    demand: dict[str, np.ndarray], fte: np.ndarray, params: dict[str, Parameter]
) -> tuple[float, float, float]:
    """(conversion, reference_fte, per_fte) of the assessment queue read off a history (module docstring):
    assessments completed per (lagged) referral, the mean FTE carrying work, mean completions per FTE. NaN
    where the history has no referrals or no FTE."""
    missing = [c for c in ("referrals", "assessments") if c not in demand]
    if missing:
        raise KeyError(f"EH4-QL work waiting needs {', '.join(missing)}")
    referrals, done = started_assessments(demand, params), np.asarray(demand["assessments"], dtype=float)
    reference = float(np.mean(fte)) if len(fte) else 0.0
    conversion = float(done.sum() / referrals.sum()) if referrals.sum() > 0 else float("nan")
    per_fte = float(done.mean() / reference) if reference > 0 else float("nan")
    return conversion, reference, per_fte


def queue_load(
    demand: dict[str, np.ndarray],
    fte: np.ndarray,
    conversion: float,
    reference_fte: float,
    per_fte: float,
    params: dict[str, Parameter],
    start: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(load, queue at the end of each month) of the assessment queue (module docstring): each month the
    queue waiting at its start / (FTE x per_fte); then started = conversion x referrals, done = min(waiting +
    started, completions x FTE / reference_fte), and the rest carried, at most `backlog_ceiling_months` of
    capacity. KeyError naming a missing column."""
    missing = [c for c in ("referrals", "assessments") if c not in demand]
    if missing:
        raise KeyError(f"EH4-QL work waiting needs {', '.join(missing)}")
    started = conversion * started_assessments(demand, params)
    fte = np.broadcast_to(np.asarray(fte, dtype=float), started.shape)
    can_do = np.asarray(demand["assessments"], dtype=float) * fte / reference_fte
    usual = fte * per_fte
    ceiling = value(params, "backlog_ceiling_months") if "backlog_ceiling_months" in params else np.inf
    load, end = np.empty_like(started), np.empty_like(started)
    waiting = float(start)
    for i in range(len(started)):
        load[i] = waiting / usual[i] if usual[i] > 0 else np.inf
        work = waiting + started[i]
        waiting = min(work - min(work, can_do[i]), ceiling * usual[i])
        end[i] = waiting
    return load, end


def keep_pace_fte(
    curve: TimelinessCurve, arrays: dict[str, np.ndarray], params: dict[str, Parameter], u_max
) -> np.ndarray:
    """FTE for a timeliness target on the assessment queue (timeliness_load.queue_load), steady state: the FTE
    that completes as many assessments as start (started x reference_fte / completions), where the target is
    met with the queue at or below `u_max` months of capacity (u_max >= 0); infinite where even an empty queue
    falls short."""
    started = curve.conversion * started_assessments(arrays, params)
    completions = np.asarray(arrays["assessments"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(completions > 0, started * curve.reference_fte / completions, np.inf)
    return np.where(np.isfinite(u_max) & (u_max >= 0), pace, np.inf)


def queue_history(
    arrays: dict[str, np.ndarray], fte: pd.Series, params: dict[str, Parameter]
) -> tuple[pd.Series, dict]:
    """The assessment queue's load over a history (`queue_load`, starting empty; `fte` carrying work by month)
    and its calibration: {per_fte, conversion, reference_fte, queue_start, queue_from}."""
    months = pd.DatetimeIndex(fte.index)
    staff = fte.to_numpy(dtype=float)
    conversion, reference, per_fte = calibrate_queue(arrays, staff, params)
    load, end = queue_load(arrays, staff, conversion, reference, per_fte, params)
    calibration = {
        "per_fte": per_fte,
        "conversion": conversion,
        "reference_fte": reference,
        "queue_start": float(end[-1]) if len(end) else 0.0,
        "queue_from": months[-1] + pd.DateOffset(months=1) if len(months) else None,
    }
    return pd.Series(load, index=months), calibration

