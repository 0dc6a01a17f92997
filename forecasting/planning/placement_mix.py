"""Placement mix by type and month from SSDA903 files: observed month ends, then the care model's projection.

This is what the finance calculations need when the data come from a 903 return: instead of one assumed
residential share, each month's children by placement type (in-house fostering, IFA, residential, supported,
kinship, placed with parents, other). `children` x a type's weekly unit cost x weeks in the month gives the
month's placement cost of that type; `share` shows the drift (e.g. residential holding while fostering falls).

Into costs (forecasting.planning.costs): the 903 types become the cost types by `COST_TYPE` (in-house
fostering, IFA, residential and kinship keep their own unit costs; supported accommodation, placed with
parents and other are costed together as supported / other, whose unit cost is a supported-accommodation
price, so placed-with-parents children are over-costed and secure/health placements under-costed: stated,
not hidden).
A data set converted from a 903 return carries each type's month-end count (`PL-<TYPE>`, the same month-end
states as `placement_mix`), so `cost_shares(children_by_type(dataset, months, projection))` is the mix the
costs use: observed months as counted, later months from the baseline projection of each count.
"""

from __future__ import annotations

import pandas as pd

from forecasting.data.ssda903_config import Codes903, load_codes
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_monthly import placement_code, placement_mix
from forecasting.planning.care_model import CareProjection, fit_care_model

MIX_COLUMNS = ["month", "placement_type", "basis", "children", "lo80", "hi80", "share"]
# 903 placement type -> the cost type it is costed as (forecasting.planning.costs.PLACEMENT_TYPES)
COST_TYPE = {
    "in_house_fostering": "in_house_fostering",
    "ifa": "ifa",
    "residential": "residential",
    "kinship": "kinship",
    "supported": "supported_other",
    "placed_with_parents": "supported_other",
    "other": "supported_other",
}


def type_codes(codes: Codes903 | None = None) -> dict[str, str]:
    """{903 placement type: its indicator code in a converted data set}, e.g. ifa -> PL-IFA."""
    codes = codes or load_codes()
    return {kind: placement_code(kind) for kind in codes.placement_types}


def has_903_mix(dataset) -> bool:
    """True when the data set counts children by every 903 placement type (it came from a 903 return)."""
    present = set(getattr(dataset, "indicator_codes", ()) or ())
    return dataset is not None and set(type_codes().values()) <= present


def cost_shares(children: pd.DataFrame) -> pd.DataFrame:
    """Shares of children by cost type (columns: the distinct COST_TYPE values, rows summing to 1) from
    children by 903 type (columns, any index, e.g. month); a row with no children is NaN."""
    unknown = set(children.columns) - set(COST_TYPE)
    if unknown:
        raise ValueError(f"placement types {sorted(unknown)} have no cost type; add them to COST_TYPE")
    by_cost = children.T.groupby(children.columns.map(COST_TYPE)).sum().T
    total = by_cost.sum(axis=1)
    kinds = list(dict.fromkeys(COST_TYPE.values()))
    return by_cost.reindex(columns=kinds, fill_value=0.0).div(total.where(total > 0), axis=0)


def projected_mix(projection: CareProjection, codes: Codes903 | None = None) -> pd.DataFrame:
    """Projected children by placement type and month (mean and 80% interval) and each type's share of the
    projected total (shares of the means, so they add up to 1 each month)."""
    codes = codes or load_codes()
    by_code = {placement_code(kind): kind for kind in codes.placement_types}
    rows = projection.table[projection.table["indicator"].isin(by_code)]
    mix = rows.assign(placement_type=rows["indicator"].map(by_code), basis="projected", children=rows["mean"])
    totals = mix.groupby("month")["children"].transform("sum")
    mix["share"] = (mix["children"] / totals.where(totals > 0)).fillna(0.0)
    return mix[MIX_COLUMNS].reset_index(drop=True)


def placement_mix_table(
    clean: Episodes903,
    authority: str,
    *,
    reference_months: int = 12,
    horizon: int = 24,
    n_sims: int = 500,
    codes: Codes903 | None = None,
) -> pd.DataFrame:
    """Observed mix at every month end of the data, then the projected mix for `horizon` months.

    Columns: month (month start), placement_type, basis (observed | projected), children, lo80, hi80 (the
    observed rows have lo80 = hi80 = children), share (0-1 of all children in care that month).
    """
    codes = codes or load_codes()
    observed = placement_mix(clean, authority, codes).assign(basis="observed")
    observed["lo80"] = observed["hi80"] = observed["children"]
    projection = fit_care_model(
        clean, authority, reference_months=reference_months, horizon=horizon, n_sims=n_sims, codes=codes
    )
    return pd.concat([observed[MIX_COLUMNS], projected_mix(projection, codes)], ignore_index=True)


__all__ = ["COST_TYPE", "MIX_COLUMNS", "cost_shares", "has_903_mix", "placement_mix_table", "projected_mix",
           "type_codes"]
