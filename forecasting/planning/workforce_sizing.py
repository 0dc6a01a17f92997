"""The workforce planner's answer: FTE needed by team and month for a caseload norm per team and a timeliness
target per measure, the gap to filled posts, the recruits needed and by when, and what closing the gap costs.

Rules:
- FTE needed by month and team: `scenario_effects.staffing_fte_needed` (the one sizing function; timeliness
  starts from the engine's forecast, the workforce model gives the change), the larger of the caseload norm's
  and the timeliness target's FTE. A target the fitted curve cannot reach by staffing alone is infinite and
  reported in words, never as a number.
- Staff in the plan (forecasting.planning.staffing): filled posts, agency and FTE carrying work, by month.
- Per team (`summary`): peak FTE needed over the horizon and its month; gap to filled posts = peak needed -
  filled (the posts recruitment must fill if agency cover is to end); gap to staff in post = peak needed - FTE
  carrying work now (agency included). Recruits needed = the gap to filled posts if positive (by the
  recruitment order they fill vacancies, release agency, then add posts; posts to add = needed above
  establishment). The first month need exceeds filled posts is when they must carry a full caseload; a recruit
  does so in their m-th month (m = months to a full caseload), so they must start m - 1 months earlier
  (`start_by`; before the first forecast month means already late); the post must be approved
  `recruitment_lead_time_months` before that (`approve_by`). `schedule`: each month the gap to filled
  posts reaches a new high, its increase is recruits to start ramp-up months earlier (and to approve the
  lead time before). Replacements to stand still = filled x turnover a year (leavers the plan assumes are
  replaced).
- Cost of closing the gap for a year: employed = recruits x full employed cost x 12 + recruits x recruitment
  cost per hire; agency = recruits x agency cost x 12; both + posts to add x the management and support a
  post needs x 12 (forecasting.planning.workforce_cost).
- Early Help family workers (forecasting.planning.early_help_load): open families = a share of the Universal
  Help Plans opened (EH1b) x months a plan stays open, plus a step-down scenario's extra families; FTE
  needed = open / `caseload_norm_early_help`. Without EH1b the plan's family workers are taken to meet
  today's demand and only the step-down's extra families are sized (said in `notes`).
- Totals: `all_social_work` (MASH, assessment, CIN/CP, LAC) and `all` (every team sized, Early Help too).
- With a scenario (`scenario=`), the demand sized is the scenario's (baseline + its changes); the plan is the
  one in `params`, before the scenario's own workforce levers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.planning.early_help_load import early_help_open
from forecasting.planning.parameters import Parameter, value
from forecasting.planning.scenario_effects import ARRIVING_COLUMNS, DEMAND_COLUMNS, staffing_fte_needed
from forecasting.planning.staffing import TEAM_NAMES, StaffingPlan, staffing_flows
from forecasting.planning.workforce_cost import (
    agency_cost_per_fte_month,
    full_cost_per_fte_month,
    overhead_per_post_month,
)
from forecasting.planning.workforce_targets import target_lines
from forecasting.planning.workforce_targets import timeliness_targets as target_table

__all__ = ["WorkforceSizing", "size_workforce"]


@dataclass
class WorkforceSizing:
    """`by_month`: month, team, workload, fte_for_norm, fte_for_timeliness, fte_needed, filled_fte,
    agency_fte, fte_working, gap_to_filled, gap_to_working. `summary`: one row per team plus the total rows
    (`all_social_work` when Early Help is sized, `all`). `schedule`: team, team_name, fte_to_recruit,
    approve_by, start_by, full_caseload_by (one row per month the gap to filled posts grows, the recruits to
    start for it). `notes`: plain-words caveats."""

    by_month: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    schedule: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeliness: pd.DataFrame = field(default_factory=pd.DataFrame)

    def answer(self) -> list[str]:
        """The summary in plain words, one line per team and a total."""
        lines = []
        rows: list[Any] = list(self.summary.itertuples())
        for row in rows:
            if not np.isfinite(row.fte_needed):
                workload = self.by_month[self.by_month["team"] == row.team]
                words = (
                    f"{row.team_name}: the timeliness target cannot be reached by staffing alone (see the "
                    "timeliness line below)"
                )
                if len(workload) and np.isfinite(workload["fte_for_norm"]).any():
                    peak = workload.loc[workload["fte_for_norm"].idxmax()]
                    when = _month_label(pd.Timestamp(peak["month"]))
                    words += (
                        f"; its workload alone needs {peak['fte_for_norm']:,.1f} FTE at the peak ({when}), "
                        f"against {row.filled_fte:,.1f} filled posts and {row.agency_fte:,.1f} agency"
                    )
                lines.append(words + ".")
                continue
            words = (
                f"{row.team_name}: {row.fte_needed:,.1f} FTE needed at the peak ({row.peak_month}), "
                f"{row.filled_fte:,.1f} filled posts and {row.agency_fte:,.1f} agency"
            )
            if row.recruits_needed > 0:
                words += (
                    f"; recruit {row.recruits_needed:,.1f} FTE, approved by {row.approve_by} to start by "
                    f"{row.start_by} "
                    f"(closing the gap costs £{row.cost_employed_year:,.0f} a year employed or "
                    f"£{row.cost_agency_year:,.0f} a year with agency staff)"
                )
            else:
                words += f"; no gap ({-row.gap_to_filled:,.1f} FTE to spare against filled posts)"
            lines.append(words + ".")
        return lines + target_lines(self.timeliness)


def _month_label(month: pd.Timestamp) -> str:
    return f"{month:%b %Y}"


def size_workforce(
    baseline,
    params: dict[str, Parameter],
    caseload_norms: dict[str, float] | None = None,
    timeliness_targets: dict[str, float] | None = None,
    scenario=None,
) -> WorkforceSizing:
    """The planner's answer on `baseline` (scenarios.build_baseline) for the staffing plan in `params`
    (rules in the module docstring). `caseload_norms` {team: cases (or contacts/assessments a month) per FTE},
    default the parameters; `timeliness_targets` {measure: percent}, default none; `scenario` (a
    scenarios.ScenarioResult): size for the scenario's demand instead of the baseline's."""
    months = pd.DatetimeIndex(baseline.months)
    deltas = _demand_deltas(scenario)
    needed = staffing_fte_needed(baseline, params, caseload_norms, timeliness_targets or None, deltas or None)
    plan = StaffingPlan.from_parameters(params)
    extra_families = deltas.get("early_help_extra_open", np.zeros(len(months)))
    plans_opened = baseline.flows.get("early_help_plans")
    if plans_opened is not None or np.any(extra_families > 0):
        needed = pd.concat(
            [needed, _early_help_need(months, plans_opened, extra_families, plan, params)], ignore_index=True
        )
    flows = staffing_flows(plan, months)
    staff = pd.concat(
        [
            pd.DataFrame(
                {
                    "month": months,
                    "team": team,
                    "filled_fte": f["filled"],
                    "agency_fte": f["agency"],
                    "fte_working": f["fte_working"],
                }
            )
            for team, f in flows.items()
        ],
        ignore_index=True,
    )
    by_month = needed.merge(staff, on=["month", "team"], how="left")
    by_month["gap_to_filled"] = by_month["fte_needed"] - by_month["filled_fte"]
    by_month["gap_to_working"] = by_month["fte_needed"] - by_month["fte_working"]
    lead = value(params, "recruitment_lead_time_months")
    notes = [
        (
            "Early Help family workers: open families = "
            f"{value(params, 'early_help_family_worker_share_pct'):g}% of the Universal Help Plans opened "
            f"(EH1b) x {value(params, 'early_help_plan_months'):g} months a plan stays open, sized at "
            f"{value(params, 'caseload_norm_early_help'):g} families per worker: all three are assumptions."
            if plans_opened is not None
            else "Early Help family workers: the data has no Universal Help Plans (EH1b), so the plan's "
            "family workers are taken to meet today's demand; only a step-down scenario's extra families "
            "are sized (at caseload_norm_early_help)."
        ),
        f"Recruitment takes {lead:g} months from approval to start (recruitment_lead_time_months, an "
        "assumption): 'approve by' is that much before 'start by'.",
    ]
    if scenario is not None:
        notes.append(
            f"Sized for the scenario '{scenario.scenario.name}' (its demand; the plan before its "
            "workforce levers)."
        )
    rows, schedule = [], []
    for key, group in by_month.groupby("team", sort=False):
        team = str(key)
        group = group.reset_index(drop=True)
        peak = int(np.nanargmax(np.where(np.isfinite(group["fte_needed"]), group["fte_needed"], np.inf)))
        need = float(group["fte_needed"].iloc[peak])
        filled, agency = float(group["filled_fte"].iloc[0]), float(group["agency_fte"].iloc[0])
        working = float(group["fte_working"].iloc[0])
        est = plan.establishment.get(team, 0.0)
        recruits = max(need - filled, 0.0) if np.isfinite(need) else np.nan
        short = group.index[group["gap_to_filled"] > 1e-9]
        ramp = plan.months_to_full_caseload.get(team, 0.0)
        if np.isfinite(need):
            schedule += _schedule(team, group, ramp, months[0], lead)
        if len(short) and np.isfinite(need):
            first_short = group["month"].iloc[short[0]]
            start = first_short - pd.DateOffset(months=max(int(np.ceil(ramp)) - 1, 0))
            start_by, approve_by = _start_and_approve(start, lead, months[0])
            needed_from = _month_label(first_short)
        else:
            start_by = approve_by = needed_from = ""
        posts_to_add = max(need - est, 0.0) if np.isfinite(need) else np.nan
        overhead_year = posts_to_add * overhead_per_post_month(params) * 12
        employed_year = recruits * full_cost_per_fte_month(params, team) * 12 + overhead_year
        rows.append(
            {
                "team": team,
                "team_name": TEAM_NAMES.get(team, team),
                "fte_needed": need,
                "peak_month": _month_label(group["month"].iloc[peak]),
                "establishment_fte": est,
                "filled_fte": filled,
                "agency_fte": agency,
                "fte_working": working,
                "gap_to_filled": need - filled,
                "gap_to_working": need - working,
                "recruits_needed": recruits,
                "posts_to_add": posts_to_add,
                "needed_from": needed_from,
                "months_to_full_caseload": ramp,
                "start_by": start_by,
                "approve_by": approve_by,
                "replacements_a_year": filled * plan.turnover_pct.get(team, 0.0) / 100.0,
                "cost_employed_year": employed_year + recruits * value(params, "recruitment_cost_per_hire"),
                "cost_agency_year": recruits * agency_cost_per_fte_month(params, team) * 12 + overhead_year,
            }
        )
        if not np.isfinite(need):
            notes.append(
                f"{TEAM_NAMES.get(team, team)}: the timeliness target is out of reach of staffing alone "
                "on the fitted curve (the most it gives is in the timeliness line; the curve's validation is "
                "on the Method page)."
            )
    summary = pd.DataFrame(rows)
    social_work = [r for r in rows if r["team"] != "early_help"]
    totals = [_all_teams(by_month, summary, rows)]
    if len(social_work) < len(rows):
        totals.insert(
            0, _all_teams(by_month, summary, social_work, "all_social_work", "All social work teams")
        )
    summary = pd.concat([summary, pd.DataFrame(totals)], ignore_index=True)
    return WorkforceSizing(
        by_month,
        summary,
        notes,
        pd.DataFrame(schedule, columns=SCHEDULE_COLUMNS),
        target_table(baseline, timeliness_targets),
    )


SCHEDULE_COLUMNS = ["team", "team_name", "fte_to_recruit", "approve_by", "start_by", "full_caseload_by"]


def _start_and_approve(start: pd.Timestamp, lead: float, first: pd.Timestamp) -> tuple[str, str]:
    """('start by' label, 'approve by' label = start - lead time (ceil)), each '(already late)' if before
    the first forecast month."""
    approve = start - pd.DateOffset(months=int(np.ceil(max(lead, 0.0))))
    return tuple(  # type: ignore[return-value]
        _month_label(m) + (" (already late)" if m < first else "") for m in (start, approve)
    )


def _schedule(team: str, group: pd.DataFrame, ramp: float, first: pd.Timestamp, lead: float) -> list[dict]:
    """Recruits by when: each month the gap to filled posts reaches a new high, the increase must be carrying
    a full caseload that month, so it starts ceil(ramp) - 1 months earlier and is approved the lead time
    before (module docstring)."""
    gap = np.clip(group["gap_to_filled"].to_numpy(dtype=float), 0.0, None)
    increments = np.diff(np.maximum.accumulate(gap), prepend=0.0)
    out = []
    for month, fte in zip(group["month"], increments, strict=True):
        if fte > 1e-9:
            start = pd.Timestamp(month) - pd.DateOffset(months=max(int(np.ceil(ramp)) - 1, 0))
            start_by, approve_by = _start_and_approve(start, lead, first)
            out.append(
                {
                    "team": team,
                    "team_name": TEAM_NAMES.get(team, team),
                    "fte_to_recruit": float(fte),
                    "approve_by": approve_by,
                    "start_by": start_by,
                    "full_caseload_by": _month_label(pd.Timestamp(month)),
                }
            )
    return out


def _demand_deltas(scenario) -> dict[str, np.ndarray]:
    """{demand column: the scenario's change by month} from a ScenarioResult's table (empty for None)."""
    if scenario is None:
        return {}
    table = scenario.table
    names = [*DEMAND_COLUMNS, *ARRIVING_COLUMNS, "early_help_extra_open"]
    return {
        name: table.loc[table["measure"] == name, "delta"].to_numpy(dtype=float)
        for name in names
        if (table["measure"] == name).any()
    }


def _early_help_need(
    months: pd.DatetimeIndex,
    plans_opened,
    extra_families: np.ndarray,
    plan: StaffingPlan,
    params: dict[str, Parameter],
) -> pd.DataFrame:
    """Early Help FTE needed (module docstring): open families / norm, the open families from the plans
    opened (EH1b) when the baseline has them, else the plan's family workers at work plus the step-down's."""
    norm = value(params, "caseload_norm_early_help")
    extra = np.clip(np.asarray(extra_families, dtype=float), 0.0, None)
    if plans_opened is not None:
        open_families = early_help_open(plans_opened, params) + extra
        need = open_families / norm
    else:
        open_families = extra
        need = staffing_flows(plan, months)["early_help"]["fte_working"] + extra / norm
    return pd.DataFrame(
        {
            "month": months,
            "team": "early_help",
            "workload": open_families,
            "fte_for_norm": need,
            "fte_for_timeliness": np.nan,
            "fte_needed": need,
        }
    )


def _all_teams(
    by_month: pd.DataFrame,
    summary: pd.DataFrame,
    rows: list[dict],
    key: str = "all",
    words: str = "All teams sized",
) -> dict:
    """The total row over `rows`' teams whose need is finite: peak of the monthly total need; recruits = the
    sum of each team's recruits (a spare worker in one team does not fill another team's gap)."""
    teams = {r["team"] for r in rows}
    finite = summary.loc[np.isfinite(summary["fte_needed"]) & summary["team"].isin(teams), "team"].tolist()
    monthly = by_month[by_month["team"].isin(finite)].groupby("month")["fte_needed"].sum()
    part = summary[summary["team"].isin(finite)]
    sums = {
        c: float(part[c].sum())
        for c in (
            "establishment_fte",
            "filled_fte",
            "agency_fte",
            "fte_working",
            "recruits_needed",
            "posts_to_add",
            "replacements_a_year",
            "cost_employed_year",
            "cost_agency_year",
        )
    }
    need = float(monthly.max()) if len(monthly) else 0.0
    left_out = [r["team_name"] for r in rows if r["team"] not in finite]
    return {
        "team": key,
        "team_name": words + (f" (not {', '.join(left_out)})" if left_out else ""),
        "fte_needed": need,
        "peak_month": _month_label(pd.Timestamp(monthly.idxmax())) if len(monthly) else "",
        "gap_to_filled": need - sums["filled_fte"],
        "gap_to_working": need - sums["fte_working"],
        "needed_from": "",
        "months_to_full_caseload": np.nan,
        **{
            column: min(
                (r[column] for r in rows if r[column] and r["team"] in finite), default="", key=_sort_key
            )
            for column in ("start_by", "approve_by")
        },
        **sums,
    }


def _sort_key(label: str) -> pd.Timestamp:
    return pd.Timestamp(pd.to_datetime(label.split(" (")[0], format="%b %Y"))
