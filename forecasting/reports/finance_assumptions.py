"""The finance workbook's Assumptions sheet: the price base rule, every cost with its price year, inflation
and value in the price base, and the rates, shares and ages used, each with its source (split from
forecasting.reports.finance_workbook to keep each module short)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.planning import prices
from forecasting.planning.lever_mix import MIX_LEVERS, mix_parameter
from forecasting.planning.parameters import Parameter
from forecasting.planning.placement_shares import PLACEMENT_TYPES

__all__ = ["assumptions_sheet"]


def assumptions_sheet(view, params: dict[str, Parameter], scenario=None) -> pd.DataFrame:
    table = prices.price_base_table(params, view.price_base)
    rates = [
        params[name]
        for name in (
            *dict.fromkeys(prices.INFLATION_PARAMETER.values()),
            prices.GENERAL_INFLATION,
            "weeks_per_year",
            "discount_rate_pct",
            "extra_exits_to_sgo_pct",
            "extra_exits_to_adoption_pct",
            "sgo_allowance_take_up_pct",
            "adoption_allowance_take_up_pct",
            "children_per_in_house_carer",
            "share_residential",
            "marginal_share_in_house_fostering",
            "marginal_share_ifa",
            "marginal_share_residential",
            "marginal_share_kinship",
            *(mix_parameter(key, kind) for key in MIX_LEVERS for kind in PLACEMENT_TYPES[:-1]),
            "sgo_exit_age_years",
            "adoption_exit_age_years",
        )
        if name in params
    ]
    costs = pd.DataFrame(
        {
            "What": table["cost"],
            "Parameter": table["parameter"],
            "Value": table["value"],
            "Unit": table["unit"],
            "Price year": table["price_year"],
            "Inflation a year (%)": table["inflation_pct_a_year"],
            f"Value in {view.price_base} prices": table[f"value_in_{view.price_base}_prices"],
            "Source": table["source"],
        }
    )
    others = pd.DataFrame(
        {
            "What": [p.label for p in rates],
            "Parameter": [p.name for p in rates],
            "Value": [p.value for p in rates],
            "Unit": [p.unit for p in rates],
            "Price year": ["" for _ in rates],
            "Source": [f"{p.source} ({p.year})" for p in rates],
        }
    )
    rule = pd.DataFrame(
        {
            "What": ["Price base"],
            "Parameter": [""],
            "Value": [np.nan],
            "Unit": [""],
            "Price year": [view.price_base],
            "Source": [prices.statement(params, view.price_base)],
        }
    )
    return pd.concat([rule, costs, others], ignore_index=True)
