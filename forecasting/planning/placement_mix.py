"""Placement mix by type and month from SSDA903 files: observed month ends, then the care model's projection.

This is what the finance calculations need when the data come from a 903 return: instead of one assumed
residential share, each month's children by placement type (in-house fostering, IFA, residential, supported,
kinship, placed with parents, other). `children` x a type's weekly unit cost x weeks in the month gives the
month's placement cost of that type; `share` shows the drift (e.g. residential holding while fostering falls).
"""

from __future__ import annotations

import pandas as pd

from forecasting.data.ssda903_config import Codes903, load_codes
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_monthly import placement_code, placement_mix
from forecasting.planning.care_model import CareProjection, fit_care_model

MIX_COLUMNS = ["month", "placement_type", "basis", "children", "lo80", "hi80", "share"]


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


__all__ = ["MIX_COLUMNS", "placement_mix_table", "projected_mix"]
