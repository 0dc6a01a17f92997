"""Investment view of a plan: cumulative net position, payback month, net present value and cost per child
kept out of care, from the monthly net saving (baseline net cost minus the plan's net cost).

Rules:
- Net saving in a month = baseline net cost - scenario net cost (positive = the plan saves money that month);
  the cumulative net position is its running total from the first month shown.
- Payback month: the first month from which the cumulative net position stays at or above £0 to the end of the
  horizon, after having been below £0; None when it is still below £0 in the last month ("not within the
  horizon"); the first month when it never goes below £0.
- Net present value (HM Treasury Green Book): each financial year's net saving (cash) is put into the price
  base's prices, divided by (1 + general_inflation_pct)^t, then discounted by (1 + discount_rate_pct)^t, with
  t = financial years after the price base year (t = 0 for the price base year itself, undiscounted).
  A part year (e.g. a horizon ending in June) is counted as it is, not scaled up.
- Cost per child kept out of care = the plan's own cost over the horizon (delivery + allowances + staffing) /
  the fall in children looked after in the last month; "cost per care-year avoided" divides by the child-years
  of care avoided (sum of monthly falls / 12). Neither is given when care is not reduced.
Every function takes plain arrays, so an interval (the scenario issue's simulated draws) is the same function
applied per draw.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, value
from forecasting.planning.prices import fy_start, year_label

log = logging.getLogger(__name__)
__all__ = ["cost_per_child", "cumulative", "discount_factors", "intervals", "net_present_value",
           "payback_month"]


def cumulative(net_saving) -> np.ndarray:
    """Running total of the monthly net saving."""
    return np.cumsum(np.asarray(net_saving, dtype=float))


def payback_month(months, net_saving) -> pd.Timestamp | None:
    """First month from which the cumulative net position stays >= 0 (rules in the module docstring)."""
    months = pd.DatetimeIndex(months)
    running = cumulative(net_saving)
    if not len(running) or running[-1] < 0:
        return None
    below = np.flatnonzero(running < 0)
    return months[0] if not len(below) else months[below[-1] + 1]


def discount_factors(years: list[str] | pd.Index, base: str, params: dict[str, Parameter]) -> np.ndarray:
    """Factor turning each financial year's cash into present value in `base` prices: 1 / ((1+g)(1+r))^t."""
    t = np.array([int(str(y)[:4]) - int(base[:4]) for y in years], dtype=float)
    general = 1.0 + value(params, "general_inflation_pct") / 100.0
    discount = 1.0 + value(params, "discount_rate_pct") / 100.0
    return 1.0 / (general * discount) ** t


def net_present_value(
    months, net_saving, base: str, params: dict[str, Parameter]
) -> tuple[float, pd.DataFrame]:
    """(NPV in `base` prices, table by financial year: net_saving, real_net_saving, present_value)."""
    frame = pd.DataFrame(
        {
            "financial_year": [year_label(fy_start(m)) for m in pd.DatetimeIndex(months)],
            "net_saving": np.asarray(net_saving, dtype=float),
        }
    )
    years = frame.groupby("financial_year", sort=True)["net_saving"].sum()
    t = np.array([int(y[:4]) - int(base[:4]) for y in years.index], dtype=float)
    real = years.to_numpy() / (1.0 + value(params, "general_inflation_pct") / 100.0) ** t
    present = years.to_numpy() * discount_factors(years.index, base, params)
    table = pd.DataFrame(
        {
            "financial_year": years.index,
            "years_from_price_base": t.astype(int),
            "net_saving": years.to_numpy(),
            "real_net_saving": real,
            "present_value": present,
        }
    )
    return float(present.sum()), table


def cost_per_child(plan_cost: float, lac_fall_by_month) -> tuple[float | None, float | None, float, float]:
    """(cost per child fewer in care at the end, cost per care-year avoided, children fewer at the end,
    care-years avoided); None where care is not reduced."""
    falls = np.asarray(lac_fall_by_month, dtype=float)
    fewer = float(falls[-1]) if len(falls) else 0.0
    care_years = float(falls.sum() / 12.0)
    per_child = plan_cost / fewer if fewer > 0 else None
    per_year = plan_cost / care_years if care_years > 0 else None
    return per_child, per_year, fewer, care_years


def intervals(months, saving_draws: np.ndarray, base: str, params: dict[str, Parameter]) -> pd.DataFrame:
    """Spread of the investment figures over simulated draws of the monthly net saving (draws x months, e.g.
    the scenario issue's effect draws): for the net saving by financial year, over the horizon and the NPV,
    the 2.5th, 10th, 50th, 90th and 97.5th percentiles; and the share of draws paid back within the
    horizon."""
    draws = np.atleast_2d(np.asarray(saving_draws, dtype=float))
    months = pd.DatetimeIndex(months)
    years = np.array([year_label(fy_start(m)) for m in months])
    labels = sorted(set(years))
    by_year = np.column_stack([draws[:, years == y].sum(axis=1) for y in labels])
    factors = discount_factors(labels, base, params)
    rows = {f"net_saving_{y}": by_year[:, i] for i, y in enumerate(labels)}
    rows["net_saving_total"] = draws.sum(axis=1)
    rows["npv"] = by_year @ factors
    table = pd.DataFrame([{"figure": name, "lo95": np.quantile(v, 0.025), "lo80": np.quantile(v, 0.10),
                           "median": np.quantile(v, 0.5), "hi80": np.quantile(v, 0.90),
                           "hi95": np.quantile(v, 0.975)} for name, v in rows.items()])
    # payback_month(months, d) is not None for each draw d: its running total does not end below 0 (the same
    # running sums, all draws at once)
    ends = np.cumsum(draws, axis=1)[:, -1] if draws.shape[1] else np.full(len(draws), -1.0)
    table.attrs["share_paid_back"] = float(np.mean(~(ends < 0)))
    return table
