"""Costs of the plan itself: what delivering each lever costs, and the allowances that follow children out of
care, by month, so a scenario's net cost is placements + staff + delivery + allowances.

Rules (cash; each cost inflated from its price year at `general_inflation_pct`, forecasting.planning.prices):
- Edge-of-care service: `edge_of_care_service_cost_per_year` / 12 a month from the lever's start month while
  either edge-of-care lever is on (staff are paid before the effect ramps up), times the service's size for
  the effect asked of it (`levers.edge_of_care_scale`: 1 at the central evidence values, 10% of entries and
  1 extra exit; growing with each lever), so a larger effect costs more.
- Early Help step-down: `early_help_cost_per_family_month` x the extra families open to Early Help that month
  (the pipeline's `early_help_open`).
- Extra in-house foster carers: `in_house_carer_recruitment_cost` for each carer approved in the month (the
  increase of extra carers x ramp) plus `in_house_carer_support_cost_per_year` / 12 for each extra carer
  so far. Their placements are costed at the in-house unit cost by forecasting.planning.costs.
- Allowances: the edge-of-care service's extra planned exits (lever x its ramp) leave care to special
  guardianship (`extra_exits_to_sgo_pct`) or adoption (`extra_exits_to_adoption_pct`); of those,
  `*_take_up_pct` receive an allowance of `*_allowance_per_week` x weeks_per_year / 12 a month, from the month
  after they leave until they turn 18: a child leaving at the route's average age (`sgo_exit_age_years`,
  `adoption_exit_age_years`) is paid for round((18 - age) x 12) months, then the allowance stops. With the
  ages of the children who left by that route in an SSDA903 return (`exit_ages_903`, from each child's DOB
  and exit date) each leaver is paid to their own 18th birthday instead: the share of a month's leavers
  still paid k months on is the share of those children with at least k months to 18.
- Staffing (recruits, agency) is costed by the workforce model as `staffing_cost` when it provides one; until
  then it counts as 0 and a note says so.
- Net cost a month = placement_cost + staffing_cost + delivery_cost + allowances_cost; every lever neutral:
  delivery and allowances are exactly 0, so the scenario's net cost equals the baseline's.
Figures are a point result; `components` works on any set of lever values, so a simulation of the levers'
ranges (intervals) can call it once per draw.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.planning.levers import edge_of_care_scale, ramp
from forecasting.planning.parameters import Parameter, value
from forecasting.planning.prices import GENERAL_INFLATION, cost_factor, weeks_per_month

log = logging.getLogger(__name__)
ADULT_AGE = 18  # allowances (special guardianship, adoption) are for children: they stop at 18
EXIT_ROUTE_903 = {"sgo": "sgo_cao", "adoption": "adoption"}  # allowance route -> exit route (ssda903.yaml)
__all__ = ["COMPONENTS", "PLAN_COST_PARAMETERS", "STAFFING_NOTE", "allowance_survival", "components",
           "exit_ages_903", "paid_by_survival", "plan_cost_measures"]

# component -> (measure it adds to, words)
COMPONENTS: dict[str, tuple[str, str]] = {
    "edge_of_care_service": ("delivery_cost", "Edge-of-care service"),
    "early_help_step_down": ("delivery_cost", "Early Help for stepped-down families"),
    "in_house_carer_recruitment": ("delivery_cost", "Recruiting extra in-house foster carers"),
    "in_house_carer_support": ("delivery_cost", "Supporting extra in-house foster carers"),
    "sgo_allowances": ("allowances_cost", "Special guardianship allowances after extra exits"),
    "adoption_allowances": ("allowances_cost", "Adoption allowances after extra exits"),
}
PLAN_COST_PARAMETERS = (
    "edge_of_care_service_cost_per_year",
    "early_help_cost_per_family_month",
    "in_house_carer_recruitment_cost",
    "in_house_carer_support_cost_per_year",
    "sgo_allowance_per_week",
    "adoption_allowance_per_week",
)
STAFFING_NOTE = (
    "Staffing cost (recruits, agency staff) is not yet costed: the workforce model does not give "
    "staffing_cost, so it counts as £0 in the net cost."
)


def _start(levers, name: str, months: pd.DatetimeIndex) -> pd.Timestamp:
    month = getattr(levers, name)
    return pd.Timestamp(month) if month else months[0]


def extra_carers(months: pd.DatetimeIndex, levers) -> np.ndarray:
    """Extra in-house carers approved so far, by month (the lever x its ramp)."""
    return levers.extra_in_house_carers * ramp(
        months, _start(levers, "in_house_carers_start", months), levers.in_house_carers_ramp_months
    )


def extra_exits(months: pd.DatetimeIndex, levers) -> np.ndarray:
    """The edge-of-care service's extra planned exits a month (the lever x its ramp)."""
    return levers.edge_of_care_extra_exits * ramp(
        months, _start(levers, "edge_of_care_start", months), levers.edge_of_care_ramp_months
    )


def allowance_months(params: dict[str, Parameter], route: str) -> int:
    """Months a child leaving care by `route` (sgo, adoption) is paid an allowance: until 18, from the
    route's average age at exit."""
    return int(round(max(ADULT_AGE - value(params, f"{route}_exit_age_years"), 0.0) * 12))


def allowance_survival(params: dict[str, Parameter], route: str, n: int, ages=None) -> np.ndarray:
    """Share of a month's leavers by `route` still paid an allowance k months after leaving (k = 0 .. n-1;
    0 at k = 0, paid from the month after). With `ages` (each leaver's age at exit in years, e.g. from an
    SSDA903 return: exit_ages_903) child i is paid round((18 - age_i) x 12) months; without, every child is
    paid allowance_months (the route's average age, a named assumption)."""
    k = np.arange(n)
    ages = None if ages is None else np.asarray(ages, dtype=float)
    if ages is None or not len(ages):
        return ((k >= 1) & (k <= allowance_months(params, route))).astype(float)
    paid = np.round(np.maximum(ADULT_AGE - ages, 0.0) * 12)
    return np.array([0.0] + [float(np.mean(paid >= m)) for m in k[1:]])


def paid_by_survival(exits: np.ndarray, survival: np.ndarray) -> np.ndarray:
    """Children paid in each month: sum over earlier months s of exits[s] x survival[t - s]."""
    exits = np.asarray(exits, dtype=float)
    n = len(exits)
    return np.array([float(exits[:t + 1][::-1] @ survival[:t + 1]) for t in range(n)])


def exit_ages_903(clean, authority: str | None = None) -> dict[str, np.ndarray]:
    """{sgo, adoption: each leaver's age at exit in years} from an SSDA903 return's clean episodes (the last
    episode of each period in care ending by that route: special guardianship or child arrangements order
    codes for `sgo`, adoption codes for `adoption`; age = (DEC - DOB) / 365.25). Leavers without a DOB are
    left out."""
    episodes = clean.episodes
    if authority is not None:
        episodes = episodes[episodes["la"] == authority]
    out = {}
    for route, code in EXIT_ROUTE_903.items():
        rows = episodes[(episodes["route"] == code) & episodes["DEC"].notna() & episodes["DOB"].notna()]
        age = (pd.to_datetime(rows["DEC"]) - pd.to_datetime(rows["DOB"])).dt.days / 365.25
        out[route] = age[age >= 0].to_numpy(dtype=float)
    return out


def paid_children(exits: np.ndarray, months_paid: int) -> np.ndarray:
    """Children paid in each month: those who left in the `months_paid` months before it (paid from the
    month after leaving, for `months_paid` months)."""
    exits = np.asarray(exits, dtype=float)
    left = np.concatenate([[0.0], np.cumsum(exits)])  # left[k]: exits in months 0 .. k-1
    t = np.arange(len(exits))
    return left[t] - left[np.maximum(t - int(months_paid), 0)]


def components(
    months: pd.DatetimeIndex, levers, early_help_open: np.ndarray | None, params: dict[str, Parameter],
    exit_ages: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """£ a month for each COMPONENTS entry (columns), by month (index). Rules in the module docstring;
    `exit_ages` ({sgo, adoption: ages at exit}, exit_ages_903) replaces the average exit age."""
    months = pd.DatetimeIndex(months)
    n = len(months)
    price = lambda name: cost_factor(params, name, months, GENERAL_INFLATION)  # noqa: E731
    out = {}
    edge_on = levers.edge_of_care_entry_reduction > 0 or levers.edge_of_care_extra_exits > 0
    running = ramp(months, _start(levers, "edge_of_care_start", months), 0) if edge_on else np.zeros(n)
    size = edge_of_care_scale(levers, value(params, "edge_of_care_cost_share_entries_pct"))
    out["edge_of_care_service"] = running * size * price("edge_of_care_service_cost_per_year") / 12.0
    families = np.zeros(n) if early_help_open is None else np.maximum(np.asarray(early_help_open, float), 0.0)
    out["early_help_step_down"] = families * price("early_help_cost_per_family_month")
    carers = extra_carers(months, levers)
    approved = np.diff(np.concatenate([[0.0], carers]))
    out["in_house_carer_recruitment"] = np.maximum(approved, 0.0) * price("in_house_carer_recruitment_cost")
    out["in_house_carer_support"] = carers * price("in_house_carer_support_cost_per_year") / 12.0
    weekly_to_monthly = weeks_per_month(params)
    for route in ("sgo", "adoption"):
        survival = allowance_survival(params, route, n, (exit_ages or {}).get(route))
        children = (
            paid_by_survival(extra_exits(months, levers), survival)
            * value(params, f"extra_exits_to_{route}_pct")
            / 100.0
            * value(params, f"{route}_allowance_take_up_pct")
            / 100.0
        )
        out[f"{route}_allowances"] = children * price(f"{route}_allowance_per_week") * weekly_to_monthly
    return pd.DataFrame(out, index=pd.DatetimeIndex(months, name="month"))[list(COMPONENTS)]


def plan_cost_measures(
    months: pd.DatetimeIndex,
    levers,
    deltas: dict[str, np.ndarray],
    params,
    measures: dict[str, tuple[np.ndarray, np.ndarray]],
    notes: list[str],
    exit_ages: dict[str, np.ndarray] | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{measure: (baseline, delta)} for delivery_cost, allowances_cost and net_cost, given the other measures
    already worked out (`placement_cost`, and `staffing_cost` when the workforce model gives it)."""
    table = components(months, levers, deltas.get("early_help_open"), params, exit_ages)
    zero = np.zeros(len(months))
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for measure in ("delivery_cost", "allowances_cost"):
        columns = [c for c, (m, _) in COMPONENTS.items() if m == measure]
        out[measure] = (zero, table[columns].sum(axis=1).to_numpy(dtype=float))
    if "staffing_cost" not in measures:
        notes.append(STAFFING_NOTE)
    base, delta = zero.copy(), zero.copy()
    for measure in ("placement_cost", "staffing_cost"):
        if measure in measures:
            base = base + measures[measure][0]
            delta = delta + measures[measure][1]
    out["net_cost"] = (base, delta + out["delivery_cost"][1] + out["allowances_cost"][1])
    return out
