"""What the staffing plan costs: employed staff by grade with on-costs, agency workers at a premium,
recruitment and retention payments, by team and month (and financial year).

Rules (every rate a named parameter in data/assumptions.yaml with its source and year):
- Full cost of an employed worker a month = salary x (1 + employer_oncost_pct / 100) / 12, salary by grade:
  `salary_asye` for newly qualified social workers (the plan's ASYE FTE), `salary_social_worker` for the
  other social workers, `salary_family_worker` for Early Help family workers.
- Employed cost = filled ASYE x ASYE full cost + other filled x grade full cost + retention payments
  (`retention_payment_per_fte` a year / 12 for each filled social worker who is not ASYE).
- Agency cost = agency FTE x the grade's full cost x (1 + agency_premium_pct / 100).
- Recruitment cost = starters in the month (recruits and replacements for leavers) x
  `recruitment_cost_per_hire`.
- Management and support (`overhead_per_post_month`): team managers and business support staff scale with the
  front-line establishment (a plan's added posts included): establishment x
  `team_managers_per_front_line_fte` x the manager's full cost (`salary_team_manager` + on-costs) and
  establishment x `support_staff_per_front_line_fte` x the support officer's (`salary_support_staff` +
  on-costs); those posts are taken as filled and employed.
- staffing_cost = employed + agency + recruitment + management + support (£ a month); the scenario measure of
  that name is the sum over every team in the plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, value
from forecasting.planning.staffing import StaffingPlan, staffing_flows

__all__ = [
    "COST_COLUMNS",
    "cost_by_financial_year",
    "full_cost_per_fte_month",
    "overhead_per_post_month",
    "staffing_cost_frame",
    "team_costs",
]

COST_COLUMNS = (
    "employed_cost",
    "agency_cost",
    "recruitment_cost",
    "management_cost",
    "support_cost",
    "staffing_cost",
)


def full_cost_per_fte_month(params: dict[str, Parameter], team: str, newly_qualified: bool = False) -> float:
    """Employed full cost (salary + on-costs) of one FTE a month, £."""
    if team == "early_help":
        salary = value(params, "salary_family_worker")
    else:
        salary = value(params, "salary_asye" if newly_qualified else "salary_social_worker")
    return salary * (1.0 + value(params, "employer_oncost_pct") / 100.0) / 12.0


def _full(params: dict[str, Parameter], salary: str) -> float:
    return value(params, salary) * (1.0 + value(params, "employer_oncost_pct") / 100.0) / 12.0


def management_per_post_month(params: dict[str, Parameter]) -> float:
    """Team managers' full cost a month for one front-line post, £."""
    return value(params, "team_managers_per_front_line_fte") * _full(params, "salary_team_manager")


def support_per_post_month(params: dict[str, Parameter]) -> float:
    """Business support staff's full cost a month for one front-line post, £."""
    return value(params, "support_staff_per_front_line_fte") * _full(params, "salary_support_staff")


def overhead_per_post_month(params: dict[str, Parameter]) -> float:
    """Management and support a month for one front-line post, £ (module docstring)."""
    return management_per_post_month(params) + support_per_post_month(params)


def agency_cost_per_fte_month(params: dict[str, Parameter], team: str) -> float:
    """An agency worker's cost a month, £: the grade's full employed cost plus the agency premium."""
    return full_cost_per_fte_month(params, team) * (1.0 + value(params, "agency_premium_pct") / 100.0)


def team_costs(
    team: str, flows: dict[str, np.ndarray], asye_fte: float, params: dict[str, Parameter]
) -> dict[str, np.ndarray]:
    """{employed_cost, agency_cost, recruitment_cost, staffing_cost} by month for one team's flows."""
    filled = np.asarray(flows["filled"], dtype=float)
    asye = np.minimum(asye_fte if team != "early_help" else 0.0, filled)
    others = filled - asye
    retention = value(params, "retention_payment_per_fte") / 12.0 if team != "early_help" else 0.0
    employed = asye * full_cost_per_fte_month(params, team, newly_qualified=True) + others * (
        full_cost_per_fte_month(params, team) + retention
    )
    agency = np.asarray(flows["agency"], dtype=float) * agency_cost_per_fte_month(params, team)
    starters = np.asarray(flows["recruits"], dtype=float) + np.asarray(
        flows["replacement_starters"], dtype=float
    )
    recruitment = starters * value(params, "recruitment_cost_per_hire")
    posts = np.asarray(flows["establishment"], dtype=float)
    management = posts * management_per_post_month(params)
    support = posts * support_per_post_month(params)
    return {
        "employed_cost": employed,
        "agency_cost": agency,
        "recruitment_cost": recruitment,
        "management_cost": management,
        "support_cost": support,
        "staffing_cost": employed + agency + recruitment + management + support,
    }


def staffing_cost_frame(
    plan: StaffingPlan,
    months: pd.DatetimeIndex,
    params: dict[str, Parameter],
    flows: dict[str, dict[str, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """Long frame month, team, filled, agency, starters and COST_COLUMNS (£ a month), every team of `plan`."""
    months = pd.DatetimeIndex(months)
    if flows is None:
        flows = staffing_flows(plan, months)
    frames = []
    for team, team_flows in flows.items():
        costs = team_costs(team, team_flows, plan.asye.get(team, 0.0), params)
        frames.append(
            pd.DataFrame(
                {
                    "month": months,
                    "team": team,
                    "filled_fte": team_flows["filled"],
                    "agency_fte": team_flows["agency"],
                    "starters_fte": team_flows["recruits"] + team_flows["replacement_starters"],
                    **costs,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def financial_year(month: pd.Timestamp) -> str:
    """'2018-19' for Apr 2018 .. Mar 2019."""
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def cost_by_financial_year(costs: pd.DataFrame) -> pd.DataFrame:
    """Sum of a `staffing_cost_frame` by team and financial year (months in the window only; `months` counts
    them, so a part year is visible)."""
    frame = costs.assign(financial_year=pd.to_datetime(costs["month"]).map(financial_year))
    summed = frame.groupby(["financial_year", "team"], sort=True)[list(COST_COLUMNS)].sum().reset_index()
    counts = (
        frame.groupby(["financial_year", "team"], sort=True)["month"].nunique().rename("months").reset_index()
    )
    return summed.merge(counts, on=["financial_year", "team"])
