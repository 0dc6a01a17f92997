"""Placement costs: children looked after by placement type, weekly unit costs with inflation, spend by month
and by financial year, and savings of a scenario against the baseline.

Rules (all figures are named parameters in data/assumptions.yaml):
- Placement types: `in_house_fostering`, `ifa`, `residential`, `supported_other`.
- Mix (shares of LAC): IFA from the scorecard where it counts them (LAC9 (val) / LAC1, latest month); in-house
  from in-house foster carers (LAC16) x `children_per_in_house_carer` / LAC1; residential from `share_residential`;
  supported/other takes what is left. Without the scorecard counts, `share_ifa` and `share_in_house_fostering`.
  Any share can be overridden (`mix_overrides`); the remainder is always re-derived so shares sum to 1.
- Extra in-house carers (a lever; a number or a month-indexed series) each take `children_per_in_house_carer`
  children out of IFA placements, never more than are in IFA that month.
- Unit cost in a month = base weekly cost x (1 + inflation)^(financial years since the cost's base year), the
  base year being the first year in the parameter's `year` (e.g. "2018-19" -> 2018-19; deflated when later).
- Spend in a month = children x weekly unit cost x 52/12 (weeks in an average month).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, ParameterError, value

log = logging.getLogger(__name__)
__all__ = ["PLACEMENT_TYPES", "WEEKS_PER_MONTH", "PlacementCosts", "financial_year", "placement_mix",
           "project_placement_costs", "savings", "unit_costs"]

PLACEMENT_TYPES: tuple[str, ...] = ("in_house_fostering", "ifa", "residential", "supported_other")
UNIT_COST_PARAMETER = {kind: f"unit_cost_{kind}" for kind in PLACEMENT_TYPES}
WEEKS_PER_MONTH = 52 / 12   # a definition (52 weeks over 12 months), not an assumption


def financial_year(month) -> str:
    """'2018-19' for any month from Apr 2018 to Mar 2019."""
    month = pd.Timestamp(month)
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _fy_start(month: pd.Timestamp) -> int:
    return month.year if month.month >= 4 else month.year - 1


def _base_year(parameter: Parameter) -> int:
    digits = "".join(ch for ch in parameter.year[:4] if ch.isdigit())
    if len(digits) != 4:
        raise ParameterError(f"parameter {parameter.name}: year {parameter.year!r} must start with a 4-digit year "
                             "(e.g. 2018-19) so costs can be inflated from it")
    return int(digits)


def unit_costs(months: pd.DatetimeIndex, params: dict[str, Parameter]) -> pd.DataFrame:
    """Weekly unit cost per placement type (columns) for each month (index), inflated from each base year."""
    rate = value(params, "placement_inflation_pct") / 100.0
    years = np.array([_fy_start(pd.Timestamp(m)) for m in months])
    out = {}
    for kind, name in UNIT_COST_PARAMETER.items():
        parameter = params[name]
        out[kind] = parameter.value * (1.0 + rate) ** (years - _base_year(parameter))
    return pd.DataFrame(out, index=pd.DatetimeIndex(months, name="month"))


def placement_mix(params: dict[str, Parameter], dataset=None, mix_overrides: dict[str, float] | None = None
                  ) -> dict[str, float]:
    """Shares of LAC by placement type (sum 1): from the scorecard's LAC9/LAC16 where given, else parameters."""
    per_carer = value(params, "children_per_in_house_carer")
    shares = {"ifa": value(params, "share_ifa"), "in_house_fostering": value(params, "share_in_house_fostering"),
              "residential": value(params, "share_residential")}
    if dataset is not None:
        lac = _latest(dataset, "LAC1")
        ifa, carers = _latest(dataset, "LAC9 (val)"), _latest(dataset, "LAC16")
        if lac and ifa is not None:
            shares["ifa"] = ifa / lac
        if lac and carers is not None:
            shares["in_house_fostering"] = carers * per_carer / lac
    for kind, share in (mix_overrides or {}).items():
        if kind not in shares:
            raise ParameterError(f"placement mix: {kind!r} is not an editable share; choose from "
                                 f"{', '.join(shares)} (supported_other is the remainder)")
        if not 0.0 <= float(share) <= 1.0:
            raise ParameterError(f"placement mix: share of {kind} must be between 0 and 1, got {share}")
        shares[kind] = float(share)
    total = sum(shares.values())
    if total > 1.0:
        raise ParameterError(f"placement mix: IFA + in-house + residential shares add to {total:.2f}, more than 1; "
                             "lower one of them or children_per_in_house_carer")
    shares["supported_other"] = 1.0 - total
    return {kind: shares[kind] for kind in PLACEMENT_TYPES}


def _latest(dataset, code: str) -> float | None:
    """Latest non-missing value of one indicator (numpy, so a scenario recompute stays fast)."""
    observations = dataset.observations
    mask = observations["unique_id"].to_numpy() == code
    values = observations["y"].to_numpy(dtype=float)[mask]
    months = observations["ds"].to_numpy()[mask]
    ok = ~np.isnan(values)
    return float(values[ok][np.argmax(months[ok])]) if ok.any() else None


@dataclass
class PlacementCosts:
    """`by_month`: month, placement_type, children, weekly_unit_cost, spend.
    `by_financial_year` (computed when first asked): financial_year, placement_type, months, child_months, spend,
    complete_year (False for a part year)."""

    by_month: pd.DataFrame
    mix: dict[str, float]
    total_by_month: pd.Series     # spend per month, all placement types
    children_by_type: pd.DataFrame  # month (index) x placement type (columns): children

    @cached_property
    def by_financial_year(self) -> pd.DataFrame:
        return _by_financial_year(self.by_month)


def project_placement_costs(lac: pd.Series, params: dict[str, Parameter], mix: dict[str, float] | None = None,
                            mix_overrides: dict[str, float] | None = None, extra_in_house_carers=0.0,
                            dataset=None) -> PlacementCosts:
    """Children and spend by placement type for each month of `lac` (month-indexed numbers of LAC)."""
    lac = pd.Series(lac, dtype=float).sort_index()
    lac.index = pd.DatetimeIndex(lac.index, name="month")
    if (lac < 0).any() or lac.isna().any():
        raise ParameterError("placement costs need a non-negative number of children looked after in every month")
    mix = dict(mix) if mix is not None else placement_mix(params, dataset, mix_overrides)
    children = pd.DataFrame({kind: lac * mix[kind] for kind in PLACEMENT_TYPES}, index=lac.index)
    extra = pd.Series(extra_in_house_carers, index=lac.index, dtype=float) if np.isscalar(extra_in_house_carers) \
        else pd.Series(extra_in_house_carers, dtype=float).reindex(lac.index).fillna(0.0)
    moved = np.minimum(extra.clip(lower=0.0) * value(params, "children_per_in_house_carer"), children["ifa"])
    children["ifa"] -= moved
    children["in_house_fostering"] += moved
    costs = unit_costs(lac.index, params)
    spend = children[list(PLACEMENT_TYPES)].to_numpy() * costs[list(PLACEMENT_TYPES)].to_numpy() * WEEKS_PER_MONTH
    by_month = pd.DataFrame({
        "month": np.repeat(lac.index.values, len(PLACEMENT_TYPES)),
        "placement_type": np.tile(PLACEMENT_TYPES, len(lac)),
        "children": children[list(PLACEMENT_TYPES)].to_numpy().ravel(),
        "weekly_unit_cost": costs[list(PLACEMENT_TYPES)].to_numpy().ravel(),
        "spend": spend.ravel(),
    })
    return PlacementCosts(by_month=by_month, mix=mix,
                          total_by_month=pd.Series(spend.sum(axis=1), index=lac.index, name="spend"),
                          children_by_type=children[list(PLACEMENT_TYPES)])


def _by_financial_year(by_month: pd.DataFrame) -> pd.DataFrame:
    frame = by_month.assign(financial_year=by_month["month"].map(financial_year))
    table = frame.groupby(["financial_year", "placement_type"], sort=True).agg(
        months=("month", "nunique"), child_months=("children", "sum"), spend=("spend", "sum")).reset_index()
    table["complete_year"] = table["months"] == 12
    return table


def savings(baseline: PlacementCosts, scenario: PlacementCosts, by: str = "financial_year") -> pd.DataFrame:
    """Baseline spend minus scenario spend (positive = the scenario saves money), by financial year or month."""
    if by not in ("financial_year", "month"):
        raise ValueError("by must be 'financial_year' or 'month'")
    table_of = (lambda c: c.by_financial_year) if by == "financial_year" else (lambda c: c.by_month)
    base = table_of(baseline).groupby(by)["spend"].sum()
    scen = table_of(scenario).groupby(by)["spend"].sum()
    out = pd.DataFrame({"baseline_spend": base, "scenario_spend": scen.reindex(base.index)})
    out["saving"] = out["baseline_spend"] - out["scenario_spend"]
    return out.reset_index()
