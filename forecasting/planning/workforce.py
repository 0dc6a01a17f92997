"""Workforce: case-holding capacity by team, caseload per worker, timeliness as a function of load, FTE
sizing.

Teams (`TEAMS`) and their work (all rates are named parameters in data/assumptions.yaml):
- `mash`: contacts a month (flow), capacity = FTE x throughput per FTE (calibrated; else
  `contacts_per_fte_mash`).
- `assessment`: single assessments a month (flow), capacity = FTE x throughput per FTE (calibrated; else
  `assessments_per_fte_month`).
- `cin_cp`: open CIN cases + CP plans (stock), capacity = FTE x `caseload_norm_cin_cp`.
- `lac`: looked-after children (stock), capacity = FTE x `caseload_norm_lac`.

Capacity calibration (`calibrate_capacity`, flow teams): the scorecard has no FTE, so throughput per FTE is
read off the history, not assumed. The team decided every month's arrivals without a lasting backlog (M8-QL
stayed in 57-81%), so it can sustain at least its busiest run of `capacity_window_months` (3) months;
throughput per FTE = that / the history plan's staffed FTE. Embedded data: the MASH cleared 1,545 contacts a
month in Apr-Jun 2018, so the baseline (~1,430 a month) holds a steady utilisation ~0.93 whatever FTE is
assumed (FTE only scales contacts per worker). The figures are reported
(`CapacityCalibration.table`/`describe`, CLI calibration notes) and the timeliness curves are fitted on
utilisation computed with them; `contacts_per_fte_mash` / `assessments_per_fte_month` apply only when the
history cannot calibrate a team.

Queue rule for flow teams: workload_t = arrivals_t - screened_t + backlog_{t-1}; done_t = min(workload_t,
capacity_t); backlog_t = min(workload_t - done_t, ceiling x capacity_t) with ceiling =
`backlog_ceiling_months`; the rest (over_ceiling_t) is closed or passed on rather than queued (backlog starts
at 0). Front-door triage (the MASH only, `TRIAGE_TEAMS`): when the backlog carried in, backlog_{t-1}, is above
`triage_threshold_months` x capacity_t, `triage_screen_out_pct` % of the month's contacts are screened out on
the day (no further action, or advice and Early Help) and never join the queue: screened_t = min(share x
arrivals_t, backlog_{t-1} - threshold x capacity_t), else 0 (triage brings the queue back to the threshold,
not below it, so it does not switch on and off month by month). triaged_t = screened_t + over_ceiling_t, all
reported month by month. Screened-out contacts take no case capacity and change M8-QL only through the lower
load; they are not passed on as referrals or Early Help demand (those are forecast separately). For stock
teams workload = open cases.
Utilisation u = workload / capacity; caseload per worker = workload / FTE (0 with no work, infinite with
work and no FTE).
Partial data: a team whose demand columns are not in the demand frame (the data set lacks, say, EH3) is left
out of every table, never counted as zero work; at least one team's demand is needed (`teams_with_demand`).

Timeliness vs load: on-time % = 100 x logistic(intercept - slope x u) for M8-QL (MASH decisions in 24h, mash),
EH4-QL (single assessments within 45 working days, assessment) and CP8-QL (CP children seen within 15 working
days, cin_cp). `fit_timeliness` fits logit(on-time share) on u with scikit-learn over the history; the slope
is clipped at `timeliness_min_slope` (>= 0), so more load never improves timeliness and more FTE never
worsens it. Each curve reads the load it was fitted on (forecasting.planning.timeliness_load): the team's
own u above, or the work arriving at the team (referrals; S47 enquiries and new CP plans) per FTE, adopted
only where it beats naive on rolling origins with a real load effect.

Staffing: the plan and its monthly flows (recruitment order, turnover, ramp-up, ASYE) are in
`forecasting.planning.staffing`; FTE carrying work = filled + agency - ramp-up and ASYE shortfall. History:
the scorecard has no FTE figures, so the history uses the `StaffingPlan.from_parameters` plan held flat, an
assumption: utilisation in the history then moves with demand only. The Chair's 11 vacancies (May 2018) are
spread over teams in proportion to establishment in the shipped plan.

Validation on rolling origins (`forecasting.planning.timeliness_validation`, the engine's back-test windows:
3 origins x 3 months on the embedded data; mean absolute error in percentage points, model / naive / engine):
M8-QL on contacts arriving 5.6 / 7.2 / 7.3; EH4-QL on assessments completed 14.3, on referrals arriving
13.4, on the queue of assessments waiting 6.8 / 9.6 / 9.0 (adopted: it beats both with a positive slope at
every origin); CP8-QL on open cases 4.8 / 4.6 / 4.6, on S47 enquiries and new CP plans arriving 3.8, but
with every fitted slope held at 0 (a historical average, not the load), so it is not adopted and the
caseload stays. The model is given the actual demand. The engine's forecast is the baseline for every
measure and the model gives only the change staffing makes (shown on the Workforce and Method pages). The
older 9/4-month split (`workforce_history.validate_timeliness`) is kept for comparison.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, load_parameters, value
from forecasting.planning.staffing import Recruit, StaffingPlan
from forecasting.planning.timeliness_load import (
    TEAM_LOAD,
    TimelinessCurve,
    arrivals,
    default_curves,
    keep_pace_fte,
    load_definition,
    measure_utilisation,
)

log = logging.getLogger(__name__)
__all__ = [
    "DEMAND_COLUMNS",
    "TEAMS",
    "TIMELINESS_TEAM",
    "Recruit",
    "StaffingPlan",
    "TimelinessCurve",
    "WorkforceProjection",
    "fte_needed",
    "project_workforce",
    "teams_with_demand",
]

TEAMS: tuple[str, ...] = ("mash", "assessment", "cin_cp", "lac")
DEMAND_COLUMNS: tuple[str, ...] = (
    "contacts",
    "referrals",
    "assessments",
    "cin_open",
    "cp_plans",
    "lac",
    "s47_enquiries",
    "new_cp_plans",
)
TEAM_WORK = {
    "mash": ("flow", ("contacts",), "contacts_per_fte_mash"),
    "assessment": ("flow", ("assessments",), "assessments_per_fte_month"),
    "cin_cp": ("stock", ("cin_open", "cp_plans"), "caseload_norm_cin_cp"),
    "lac": ("stock", ("lac",), "caseload_norm_lac"),
}
TIMELINESS_TEAM = {"M8-QL": "mash", "EH4-QL": "assessment", "CP8-QL": "cin_cp"}
TRIAGE_TEAMS = ("mash",)  # the front door: its contacts can be screened out on the day
HISTORY_INDICATORS = {
    "contacts": "M1",
    "referrals": "M2",
    "assessments": "EH3",
    "cin_open": "EH2",
    "cp_plans": "CP6B",
    "lac": "LAC1",
    "s47_enquiries": "CP1",
    "new_cp_plans": "CP4 (val)",
}
_EPS = 1e-6


@dataclass
class WorkforceProjection:
    """`by_team`: month, team, workload, fte, capacity, utilisation, caseload_per_worker, backlog, triaged,
    screened_out, over_ceiling (the queue and triage rule of the module docstring).
    `timeliness`: month, measure, team, utilisation, on_time_pct. `curves`: the timeliness curves used."""

    by_team: pd.DataFrame
    timeliness: pd.DataFrame
    curves: dict[str, TimelinessCurve] = field(default_factory=dict)

    def wide(self) -> pd.DataFrame:
        """One row per month: caseload_<team> and each timeliness measure (as scenario measures)."""
        caseload = self.by_team.pivot(index="month", columns="team", values="caseload_per_worker")
        caseload = caseload[[t for t in TEAMS if t in caseload.columns]].add_prefix("caseload_")
        on_time = self.timeliness.pivot(index="month", columns="measure", values="on_time_pct")
        return caseload.join(on_time[[m for m in TIMELINESS_TEAM if m in on_time.columns]])


def teams_with_demand(columns) -> list[str]:
    """The teams whose every demand column (TEAM_WORK) is among `columns`, in TEAMS order."""
    columns = set(columns)
    return [team for team in TEAMS if set(TEAM_WORK[team][1]) <= columns]


def _check_demand(demand: pd.DataFrame) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """(months, {column: non-negative values}) for the DEMAND_COLUMNS `demand` has; one team's at least."""
    if not teams_with_demand(demand.columns):
        raise ValueError(
            f"demand has none of the columns a team works on ({', '.join(DEMAND_COLUMNS)}); got "
            f"{', '.join(map(str, demand.columns)) or 'no columns'}"
        )
    return (
        pd.DatetimeIndex(demand.index),
        {
            c: np.clip(demand[c].to_numpy(dtype=float), 0.0, None)
            for c in DEMAND_COLUMNS
            if c in demand.columns
        },
    )


def _per_fte(team: str, params: dict[str, Parameter], capacity: dict[str, float] | None) -> float:
    """Throughput (flow teams) or caseload norm (stock teams) per FTE: the calibrated figure if given."""
    if capacity and team in capacity:
        return float(capacity[team])
    return value(params, TEAM_WORK[team][2])


def _backlog_ceiling(params: dict[str, Parameter]) -> float:
    """Months of capacity a flow team carries over at most (no ceiling if the parameter is absent)."""
    return value(params, "backlog_ceiling_months") if "backlog_ceiling_months" in params else np.inf


def _team_arrays(
    demand: dict[str, np.ndarray],
    fte: dict[str, np.ndarray],
    params: dict[str, Parameter],
    capacity: dict[str, float] | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """The queue rule of the module docstring: {team: {workload, fte, capacity, utilisation,
    caseload_per_worker, backlog}} for the teams whose demand is given. `capacity` = calibrated throughput per
    FTE by team (else the parameters)."""
    out = {}
    for team in teams_with_demand(demand):
        kind, columns, _ = TEAM_WORK[team]
        staff = np.asarray(fte[team], dtype=float)
        capacity_t = staff * _per_fte(team, params, capacity)
        arrivals = np.sum([demand[c] for c in columns], axis=0)
        if kind == "flow":
            workload, backlog, triaged, screened = _queue(
                arrivals, capacity_t, _backlog_ceiling(params), *_triage(team, params)
            )
        else:
            workload, backlog = arrivals, np.zeros_like(arrivals)
            triaged, screened = np.zeros_like(arrivals), np.zeros_like(arrivals)
        with np.errstate(divide="ignore", invalid="ignore"):
            utilisation = np.where(capacity_t > 0, workload / np.maximum(capacity_t, _EPS), np.inf)
            no_staff = np.where(workload > 0, np.inf, 0.0)  # no work: a caseload of 0 whoever is in post
            per_worker = np.where(staff > 0, workload / np.maximum(staff, _EPS), no_staff)
        out[team] = {
            "workload": workload,
            "fte": staff,
            "capacity": capacity_t,
            "utilisation": utilisation,
            "caseload_per_worker": per_worker,
            "backlog": backlog,
            "triaged": triaged,
            "screened_out": screened,
            "over_ceiling": np.clip(triaged - screened, 0.0, None),
        }
    return out


def _triage(team: str, params: dict[str, Parameter]) -> tuple[float, float]:
    """(threshold in months of capacity, share of arrivals screened out) of the front-door triage rule; the
    MASH only (no triage when the parameters are absent)."""
    if team not in TRIAGE_TEAMS or not all(name in params for name in ("triage_threshold_months",
                                                                       "triage_screen_out_pct")):
        return np.inf, 0.0
    return value(params, "triage_threshold_months"), value(params, "triage_screen_out_pct") / 100.0


def _queue(
    arrivals: np.ndarray, capacity: np.ndarray, ceiling: float, threshold: float = np.inf, share: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The queue and triage rule of the module docstring: (workload, backlog, triaged, screened out) a month.
    Triage is on in a month when the backlog carried in is above `threshold` months of capacity; then
    `share` of the month's arrivals is screened out on the day, at most the backlog above the threshold
    (triage brings the queue back to the threshold, not below it); work past `ceiling` months of capacity is
    closed too. triaged = screened out + closed past the ceiling."""
    workload, backlog = np.empty_like(arrivals), np.empty_like(arrivals)
    triaged, screened = np.zeros_like(arrivals), np.zeros_like(arrivals)
    carried = 0.0
    for i, (arriving, cap) in enumerate(zip(arrivals.tolist(), capacity.tolist(), strict=True)):
        screened[i] = min(share * arriving, max(carried - threshold * cap, 0.0))
        workload[i] = arriving - screened[i] + carried
        left = workload[i] - min(workload[i], cap)
        carried = min(left, ceiling * cap)
        triaged[i] = screened[i] + left - carried
        backlog[i] = carried
    return workload, backlog, triaged, screened


def team_load(
    demand: pd.DataFrame,
    fte: pd.DataFrame,
    params: dict[str, Parameter],
    capacity: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The queue rule of the module docstring, per team and month (long frame `by_team`)."""
    months, arrays = _check_demand(demand)
    teams = _team_arrays(
        arrays, {team: fte[team].to_numpy(dtype=float) for team in fte.columns}, params, capacity
    )
    return _long(months, teams)


def _long(months: pd.DatetimeIndex, teams: dict[str, dict[str, np.ndarray]]) -> pd.DataFrame:
    return pd.concat(
        [pd.DataFrame({"month": months, "team": team, **columns}) for team, columns in teams.items()],
        ignore_index=True,
    )


def project_workforce(
    demand: pd.DataFrame,
    staffing: StaffingPlan,
    params: dict[str, Parameter] | None = None,
    curves: dict[str, TimelinessCurve] | None = None,
    capacity: dict[str, float] | None = None,
) -> WorkforceProjection:
    """Caseload, utilisation and timeliness by month and team for `demand` (columns DEMAND_COLUMNS).

    `capacity`: calibrated throughput per FTE by flow team (`calibrate_capacity(...).per_fte`); default the
    parameters."""
    params = params or load_parameters(include_levers=False)
    curves = curves or default_curves(params)
    months, arrays = _check_demand(demand)
    teams = _team_arrays(arrays, staffing.fte_arrays(months), params, capacity)
    rows = []
    for measure, team in TIMELINESS_TEAM.items():
        if team not in teams:
            continue
        load = _measure_load(curves[measure], teams[team], arrays, params, months)
        rows.append(
            pd.DataFrame(
                {
                    "month": months,
                    "measure": measure,
                    "team": team,
                    "utilisation": load,
                    "on_time_pct": curves[measure].on_time(load),
                }
            )
        )
    timeliness = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["month", "measure", "team", "utilisation", "on_time_pct"])
    )
    return WorkforceProjection(_long(months, teams), timeliness, curves)


def _measure_load(
    curve: TimelinessCurve,
    team: dict[str, np.ndarray],
    arrays: dict[str, np.ndarray],
    params,
    months: pd.DatetimeIndex | None = None,
) -> np.ndarray:
    """The utilisation a timeliness curve reads (forecasting.planning.timeliness_load): the team's own, its
    arriving work per FTE carrying work, or its queue of work waiting (from `months`' first month)."""
    return measure_utilisation(curve, team["utilisation"], team["fte"], arrays, params, months)


# ------------------------------------------------------------------------------------------------ sizing
def fte_needed(
    demand: pd.DataFrame,
    params: dict[str, Parameter] | None = None,
    caseload_norm=None,
    timeliness_target=None,
    curves: dict[str, TimelinessCurve] | None = None,
    capacity: dict[str, float] | None = None,
    offsets: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """FTE needed by month and team: for a caseload norm (default: the norm parameters; a number applies to
    the case-holding teams, a dict sets teams) and, if given, a timeliness target (percent; a number for every
    measure or {measure: percent}). Steady state: flow teams clear each month's arrivals (no backlog).
    `offsets` {measure: by month}: the engine's forecast minus the curve at the baseline plan's load; the
    curve must then reach target - offset (timeliness = engine forecast + the change staffing makes).
    Columns: month, team, workload, fte_for_norm, fte_for_timeliness, fte_needed (the larger)."""
    params = params or load_parameters(include_levers=False)
    curves = curves or default_curves(params)
    months, arrays = _check_demand(demand)
    norms = {team: _per_fte(team, params, capacity) for team in TEAMS}
    if isinstance(caseload_norm, dict):
        norms.update({team: float(v) for team, v in caseload_norm.items()})
    elif caseload_norm is not None:
        norms.update({team: float(caseload_norm) for team in ("cin_cp", "lac")})
    if isinstance(timeliness_target, dict):
        targets = dict(timeliness_target)
    else:
        targets = (
            {m: float(timeliness_target) for m in TIMELINESS_TEAM} if timeliness_target is not None else {}
        )
    unknown = sorted(set(norms) - set(TEAMS)) + sorted(set(targets) - set(TIMELINESS_TEAM))
    if unknown:
        raise ValueError(
            f"unknown team or measure {', '.join(unknown)}; teams are {', '.join(TEAMS)}, "
            f"timeliness measures {', '.join(TIMELINESS_TEAM)}"
        )
    frames = []
    for team in teams_with_demand(arrays):
        workload = np.sum([arrays[c] for c in TEAM_WORK[team][1]], axis=0)
        for_norm = workload / norms[team]
        for_time = np.full(len(workload), np.nan)
        for measure, pct in targets.items():
            if TIMELINESS_TEAM.get(measure) == team:
                offset = np.broadcast_to((offsets or {}).get(measure, 0.0), workload.shape)
                curve = curves[measure]
                u_max = np.array([curve.utilisation_for(pct - o) for o in offset])
                # the curve's load per FTE at u = 1 (the throughput or norm it was fitted with, not a
                # caseload norm the user asks for)
                load, per_fte = workload, _per_fte(team, params, capacity)
                definition = load_definition(measure, curve.load)
                if definition.queue:
                    for_time = keep_pace_fte(curve, arrays, params, u_max)
                else:
                    if curve.load != TEAM_LOAD:
                        load = arrivals(arrays, definition, params)
                        per_fte = curve.per_fte
                    with np.errstate(divide="ignore"):
                        for_time = np.where(u_max > 0, load / (per_fte * np.maximum(u_max, _EPS)), np.inf)
                if not np.all(np.isfinite(for_time)):
                    log.warning("%s target %s%%: the curve cannot reach it by staffing alone", measure, pct)
        frames.append(
            pd.DataFrame(
                {
                    "month": months,
                    "team": team,
                    "workload": workload,
                    "fte_for_norm": for_norm,
                    "fte_for_timeliness": for_time,
                    "fte_needed": np.fmax(for_norm, for_time),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)

