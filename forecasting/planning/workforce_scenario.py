"""The workforce model as the scenario engine sees it: the plan after a scenario's workforce levers, and the
monthly measures a scenario reports (caseload and FTE gap by team, timeliness, filled posts, vacancies, agency
cover, staffing cost). Rules: forecasting.planning.workforce (load, queue, timeliness),
forecasting.planning.staffing (the plan's flows), forecasting.planning.workforce_cost (cost).

FTE gap (`fte_gap_<team>`, `fte_gap_total`): FTE needed for the team's norm (its arrivals or open cases /
throughput or caseload norm per FTE, as `workforce.fte_needed`'s `fte_for_norm`) minus the FTE carrying work
under the scenario's plan; positive = short of staff. The total sums the teams (a spare worker in one team is
counted against another team's gap here; the sizing answer does not net them).
Queue (flow teams, forecasting.planning.workforce): `backlog_<team>` (work carried into next month) and
`triaged_<team>` (work triaged rather than queued: screened out at the front door plus work past the backlog
ceiling), a month; `screened_out_mash`: contacts the MASH screens out on the day while triage is on.
Early Help family workers (when the demand has `early_help_plans`): open families
(forecasting.planning.early_help_load, plus a step-down's `early_help_extra_open`) give `caseload_early_help`
(families per family worker at work: 0 with no families, infinite with families and no one at work) and
`fte_gap_early_help` (open / `caseload_norm_early_help` - at work),
counted in the total.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from forecasting.planning.early_help_load import early_help_open
from forecasting.planning.parameters import Parameter, load_parameters, value
from forecasting.planning.staffing import Recruit, StaffingPlan, staffing_flows
from forecasting.planning.timeliness_load import TimelinessCurve, default_curves
from forecasting.planning.workforce import (
    TEAM_WORK,
    TEAMS,
    TIMELINESS_TEAM,
    TRIAGE_TEAMS,
    _check_demand,
    _measure_load,
    _per_fte,
    _team_arrays,
)
from forecasting.planning.workforce_cost import team_costs

__all__ = ["STAFFING_MEASURES", "first_start", "plan_with_levers", "scenario_measures"]


def plan_with_levers(
    plan: StaffingPlan, levers, first_month: pd.Timestamp, lead_time_months: float = 0.0
) -> StaffingPlan:
    """The plan after a scenario's workforce levers (forecasting.planning.levers): recruits_fte joining
    recruits_team at recruits_start (with no start month: approved in the first month, they start
    `lead_time_months` later, `recruitment_lead_time_months`; placed by the recruitment order of
    forecasting.planning.staffing),
    agency_fte_change and vacancy_fte_change spread over the social-work teams in proportion to establishment
    (agency never below 0, vacancies never above establishment), turnover_pct_change leavers not replaced."""

    def get(name, default=0.0):
        return getattr(levers, name, default)

    weights = {team: plan.establishment.get(team, 0.0) for team in TEAMS}
    total = sum(weights.values()) or 1.0
    vacancies = dict(plan.vacancies)
    agency = dict(plan.agency)
    for team, fte in weights.items():
        share = fte / total
        moved = plan.vacancies.get(team, 0.0) + get("vacancy_fte_change") * share
        vacancies[team] = min(max(moved, 0.0), fte)
        agency[team] = max(plan.agency.get(team, 0.0) + get("agency_fte_change") * share, 0.0)
    plan = replace(
        plan,
        vacancies=vacancies,
        agency=agency,
        unreplaced_turnover_pct=max(float(get("turnover_pct_change")), 0.0),
    )
    if get("recruits_fte"):
        start = get("recruits_start", None)
        plan = replace(
            plan,
            recruits=plan.recruits
            + (
                Recruit(
                    get("recruits_team", "cin_cp"),
                    float(get("recruits_fte")),
                    pd.Timestamp(start) if start else first_start(first_month, lead_time_months),
                    float(get("recruits_months_to_full_caseload")),
                ),
            ),
        )
    return plan


def first_start(first_month: pd.Timestamp, lead_time_months: float) -> pd.Timestamp:
    """The first month a recruit approved in `first_month` can start: `lead_time_months` later (rounded up
    to whole months)."""
    return pd.Timestamp(first_month) + pd.DateOffset(months=int(np.ceil(max(lead_time_months, 0.0))))


STAFFING_MEASURES = ("filled_fte", "vacancies_fte", "agency_fte", "staffing_cost")


def _lead_time(params: dict[str, Parameter]) -> float:
    """Months from approval to start (0 if the parameter is absent)."""
    return value(params, "recruitment_lead_time_months") if "recruitment_lead_time_months" in params else 0.0


def scenario_measures(
    demand: pd.DataFrame,
    levers,
    params: dict[str, Parameter] | None = None,
    curves: dict[str, TimelinessCurve] | None = None,
    capacity: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Caseload by team, timeliness and the staffing measures by month for the scenario engine
    (`forecasting.planning.scenario_effects`): the plan in `params` after the workforce levers
    (`plan_with_levers`). Per team: caseload_<team> and fte_gap_<team> (module docstring), fte_gap_total,
    backlog_<team> and triaged_<team> for the flow teams, screened_out_mash for the front door.
    Staffing measures, all teams of the plan: filled_fte, vacancies_fte, agency_fte (end of month) and
    staffing_cost (£ a month, forecasting.planning.workforce_cost).
    """
    params = params or load_parameters(include_levers=False)
    months, arrays = _check_demand(demand)
    plan = plan_with_levers(StaffingPlan.from_parameters(params), levers, months[0], _lead_time(params))
    flows = staffing_flows(plan, months)
    # fast path (a scenario recompute must stay well under 50 ms); equals project_workforce(...).wide()
    curves = curves or default_curves(params)
    teams = _team_arrays(arrays, {team: f["fte_working"] for team, f in flows.items()}, params, capacity)
    columns = {f"caseload_{team}": teams[team]["caseload_per_worker"] for team in teams}
    columns.update(
        {
            m: curves[m].on_time(_measure_load(curves[m], teams[team], arrays, params, months))
            for m, team in TIMELINESS_TEAM.items()
            if team in teams
        }
    )
    gaps = {
        team: np.sum([arrays[c] for c in TEAM_WORK[team][1]], axis=0) / _per_fte(team, params, capacity)
        - teams[team]["fte"]
        for team in TEAMS
        if team in teams
    }
    if "early_help_plans" in demand and "early_help" in flows:
        working = flows["early_help"]["fte_working"]
        open_families = early_help_open(demand["early_help_plans"].to_numpy(dtype=float), params)
        if "early_help_extra_open" in demand:
            open_families = open_families + np.clip(demand["early_help_extra_open"].to_numpy(float), 0, None)
        with np.errstate(divide="ignore", invalid="ignore"):  # no families: 0; families, no one at work: inf
            columns["caseload_early_help"] = np.where(
                working > 0, open_families / working, np.where(open_families > 0, np.inf, 0.0)
            )
        gaps["early_help"] = open_families / value(params, "caseload_norm_early_help") - working
    columns.update({f"fte_gap_{team}": gap for team, gap in gaps.items()})
    for team in (team for team in TEAMS if team in teams and TEAM_WORK[team][0] == "flow"):
        columns[f"backlog_{team}"] = teams[team]["backlog"]
        columns[f"triaged_{team}"] = teams[team]["triaged"]
        if team in TRIAGE_TEAMS:
            columns[f"screened_out_{team}"] = teams[team]["screened_out"]
    columns["fte_gap_total"] = np.sum(list(gaps.values()), axis=0)
    columns["filled_fte"] = np.sum([f["filled"] for f in flows.values()], axis=0)
    columns["vacancies_fte"] = np.sum([f["vacancies"] for f in flows.values()], axis=0)
    columns["agency_fte"] = np.sum([f["agency"] for f in flows.values()], axis=0)
    columns["staffing_cost"] = np.sum(
        [team_costs(team, f, plan.asye.get(team, 0.0), params)["staffing_cost"] for team, f in flows.items()],
        axis=0,
    )
    return pd.DataFrame(columns, index=months)
