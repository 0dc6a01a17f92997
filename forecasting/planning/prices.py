"""Price base: the one place that says in which year's prices every cost is, and how it is inflated.

Rules (every figure is a named parameter in data/assumptions.yaml):
- A cost parameter's price year is the first financial year in its `year` ("2018-19", "2020" -> 2020-21 ...).
  A cost the user types in is in the price year the user says; by default the data's current financial year
  (the year of its last observed month), so IFA £900 typed for the Jun-18 scorecard is £900 in 2018-19 and
  £900 x (1 + IFA inflation) in 2019-20 (`enter_costs`).
- Inflation is by type: each placement type has its own yearly rate (`placement_inflation_pct_<type>`;
  kinship placements use the in-house fostering rate, their carers being paid fostering allowances); the
  costs of the plan itself (delivery, allowances) use `general_inflation_pct`. A cost in financial year Y is
  cost x (1 + rate)^(Y - price year); a price year later than Y deflates it.
- Weekly costs become monthly with `weeks_per_year` / 12 (52.18 = 365.25 / 7: an average year, leap years
  included).
- Present values (forecasting.planning.investment) are in the data's current financial year's prices: cash in
  year Y is divided by (1 + general inflation)^(Y - price base) before discounting.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, ParameterError, value, with_overrides

log = logging.getLogger(__name__)
__all__ = [
    "INFLATION_PARAMETER",
    "cost_factor",
    "current_financial_year",
    "enter_costs",
    "financial_year",
    "fy_start",
    "inflation_factors",
    "price_base_table",
    "price_year",
    "weeks_per_month",
]

PLACEMENT_TYPES: tuple[str, ...] = ("in_house_fostering", "ifa", "residential", "kinship", "supported_other")
# kinship carers are paid the council's fostering allowances, so kinship costs rise at the in-house rate
INFLATION_PARAMETER = {
    kind: f"placement_inflation_pct_{'in_house_fostering' if kind == 'kinship' else kind}"
    for kind in PLACEMENT_TYPES
}
GENERAL_INFLATION = "general_inflation_pct"


def fy_start(month) -> int:
    """Calendar year in which the month's financial year starts (Apr 2018 .. Mar 2019 -> 2018)."""
    month = pd.Timestamp(month)
    return month.year if month.month >= 4 else month.year - 1


def financial_year(month) -> str:
    """'2018-19' for any month from Apr 2018 to Mar 2019."""
    start = fy_start(month)
    return f"{start}-{(start + 1) % 100:02d}"


def year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def current_financial_year(dataset) -> str:
    """The financial year of the data set's last observed month (the default price base)."""
    return financial_year(pd.Timestamp(dataset.observations["ds"].max()))


def price_year(parameter: Parameter) -> int:
    """First year of the parameter's `year` (its price base), e.g. '2018-19' -> 2018."""
    digits = "".join(ch for ch in parameter.year[:4] if ch.isdigit())
    if len(digits) != 4:
        raise ParameterError(
            f"parameter {parameter.name}: year {parameter.year!r} must start with a 4-digit year "
            "(e.g. 2018-19) so costs can be inflated from it"
        )
    return int(digits)


def weeks_per_month(params: dict[str, Parameter]) -> float:
    """Weeks in an average month: weeks_per_year / 12."""
    return value(params, "weeks_per_year") / 12.0


def inflation_factors(months, rate_pct: float, base_year: int) -> np.ndarray:
    """(1 + rate)^(financial year - base year) for each month."""
    years = np.array([fy_start(m) for m in months], dtype=float)
    return (1.0 + rate_pct / 100.0) ** (years - base_year)


def cost_factor(
    params: dict[str, Parameter], name: str, months, rate_name: str = GENERAL_INFLATION
) -> np.ndarray:
    """Cost parameter `name` in each month's financial year, inflated at `rate_name` from its price year."""
    parameter = params[name]
    return parameter.value * inflation_factors(months, value(params, rate_name), price_year(parameter))


def enter_costs(
    params: dict[str, Parameter], costs: dict[str, float] | None, year: str
) -> dict[str, Parameter]:
    """`params` with costs the user typed, each now priced in financial year `year` (e.g. '2018-19')."""
    if not costs:
        return dict(params)
    if len("".join(ch for ch in str(year)[:4] if ch.isdigit())) != 4:
        raise ParameterError(f"price year {year!r}: expected a financial year such as 2018-19")
    out = with_overrides(params, costs)
    for name in costs:
        parameter = out[name]
        out[name] = Parameter(
            name=name,
            label=parameter.label,
            value=parameter.value,
            unit=parameter.unit,
            default=parameter.default,
            low=parameter.low,
            high=parameter.high,
            source=f"Entered by the user in {year} prices. Shipped default: {parameter.source}",
            year=str(year),
            note=parameter.note,
        )
    return out


def price_base_table(params: dict[str, Parameter], base: str) -> pd.DataFrame:
    """Every cost parameter: its value, price year, inflation rate and its value in the price base `base`."""
    from forecasting.planning.plan_costs import PLAN_COST_PARAMETERS  # plan costs import prices

    rows = []
    base_year = int(base[:4])
    named = [(f"unit_cost_{kind}", INFLATION_PARAMETER[kind]) for kind in PLACEMENT_TYPES]
    named += [(name, GENERAL_INFLATION) for name in PLAN_COST_PARAMETERS]
    for name, rate_name in named:
        if name not in params:
            continue
        parameter = params[name]
        rate = value(params, rate_name)
        rows.append(
            {
                "cost": parameter.label,
                "parameter": name,
                "value": parameter.value,
                "unit": parameter.unit,
                "price_year": year_label(price_year(parameter)),
                "inflation_pct_a_year": rate,
                "inflation_parameter": rate_name,
                f"value_in_{base}_prices": parameter.value
                * (1 + rate / 100.0) ** (base_year - price_year(parameter)),
                "source": parameter.source,
            }
        )
    return pd.DataFrame(rows)


def statement(params: dict[str, Parameter], base: str) -> str:
    """The price base rules in one sentence for pages and workbooks."""
    return (
        f"Money is in cash (each year's own prices) unless marked 'in {base} prices'. Each cost is inflated "
        "from its own price year at its placement type's own cost inflation a year (under Costs; plan "
        f"delivery costs and allowances at general inflation, {value(params, GENERAL_INFLATION):g}% a year). "
        f"A cost you type in is in {base} prices unless you say otherwise. Weekly costs x "
        f"{value(params, 'weeks_per_year'):g} "
        "weeks a year / 12 a month. Present values are in "
        f"{base} prices, discounted at {value(params, 'discount_rate_pct'):g}% a year "
        "(HM Treasury Green Book)."
    )
