"""Finance view of a scenario: spend by placement type and full financial year, the plan's net position by
year and month, and its investment figures; the one function behind the Finance page and
`python -m forecasting finance`.

Rules:
- Months: from the April of the first forecast month's financial year to the end of the scenario's horizon.
  The elapsed months are costed from the children in care observed then (`actual`), or from spend the user
  uploaded (`actual spend`); the rest come from the scenario (`forecast`). Baseline and plan are the same in
  actual months. Every table says which months are which (`months_basis`).
- Forecast months read the scenario table's own measures (`placement_cost`, `delivery_cost`,
  `allowances_cost`, `staffing_cost` when present, `net_cost`), so these figures are the scenario CSV's;
  spend by type splits `placement_cost` with the same call (scenario_effects.placement_costs), the children
  the plan keeps out of care at the marginal mix of the lever that kept them out (the scenario's
  `lac_change_<lever>` measures, forecasting.planning.lever_mix), the mix moving by month
  (costs.mix_by_month: actual months at their own observed mix).
- Staffing: forecast months read the scenario's `staffing_cost` (the workforce model, costed by
  forecasting.planning.workforce_cost); the elapsed months of the first year cost the staffing plan in the
  parameters with the same function (workforce_cost.staffing_cost_frame: no payroll actuals are read), the
  same for baseline and plan. So a year's net cost (placements + staffing + delivery + allowances) covers all
  twelve months and a staffing budget line can be compared with it.
- Net saving = baseline net cost - plan net cost = avoided placement spend - delivery cost - allowances -
  extra staffing cost. Payback, NPV and cost per child: forecasting.planning.investment. Prices:
  forecasting.planning.prices (price base = the data's current financial year).
- Point figures: intervals from the scenario issue's simulated draws can be added by running `net_saving`
  per draw through forecasting.planning.investment (the `intervals` field is kept for them, empty now).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.errors import UserFacingError
from forecasting.planning import budgets, costs, investment, lever_mix, plan_costs, prices
from forecasting.planning import placement_mix as mix_903
from forecasting.planning.costs import (
    BASIS_ACTUAL_SPEND,
    BASIS_FORECAST,
    financial_years,
    full_year_lac,
    months_in_words,
)
from forecasting.planning.horizon import horizon_to_march
from forecasting.planning.parameters import Parameter
from forecasting.planning.scenario_effects import placement_costs

log = logging.getLogger(__name__)
__all__ = ["CARE_MIX_SIMULATIONS", "MEDIUM_TERM_YEARS", "FinanceView", "baseline_spend", "care_model_mix",
           "care_scenario_costs",
           "finance_horizon", "finance_view"]

# Councils plan money on a 3-5-year medium-term financial strategy; the finance view runs to the fifth
# 31 March (the scenario issue's five-year horizon, forecasting.planning.horizon), so every year is complete.
MEDIUM_TERM_YEARS = 5
CARE_MIX_SIMULATIONS = 500  # the care model's simulated paths behind a 903 mix (as the Children in care page)

STAFFING_ACTUAL_NOTE = (
    "Staffing in the elapsed months of the first financial year is the staffing plan (Workforce page or "
    "--staffing) costed by month, the same for baseline and plan; no payroll actuals are read."
)
COST_MEASURES = ("placement_cost", "staffing_cost", "delivery_cost", "allowances_cost", "net_cost")


@dataclass
class FinanceView:
    """Everything the Finance page and the finance workbook show for one scenario (see module docstring).

    `spend_by_type`: financial_year, placement_type, case (baseline / plan), months_basis, actual_months,
    forecast_months, child_months, spend. `by_month`: month, financial_year, basis, baseline and plan costs by
    measure, net_saving, cumulative_net_saving (staffing is in forecast months only: the workforce model has
    no actual staffing cost, so net cost totals are by month; the net saving is unaffected). `by_year`:
    placement spend, the plan's costs and net saving by financial year, plus present values.
    `investment`: payback, NPV, cost per child. `components`: the plan's own costs by month and component."""

    scenario_name: str
    price_base: str
    spend_by_type: pd.DataFrame
    by_month: pd.DataFrame
    by_year: pd.DataFrame
    investment: dict
    components: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    intervals: pd.DataFrame | None = None  # filled when the scenario gives simulated draws (scenario issue)
    budget_variance: pd.DataFrame | None = None  # with a budget: forecast - budget by line and year
    by_lever: pd.DataFrame | None = None  # placement spend each lever avoids by year (lever_mix)


def finance_horizon(dataset, years: int = MEDIUM_TERM_YEARS) -> int:
    """Forecast months the Finance page and `finance` command ask the engine for: to the `years`-th 31 March
    after the data's last month (horizon.horizon_to_march; 57 for the Jun-18 data and 5 years)."""
    return horizon_to_march(dataset, years)


def baseline_spend(dataset, forecast_result, params: dict[str, Parameter],
                   actual_spend: pd.DataFrame | None = None, care_mix: pd.DataFrame | None = None
                   ) -> costs.PlacementCosts:
    """Placement spend by type and month with no plan (for data the scenario levers cannot run on, e.g. an
    SSDA903 return): children in care from the observed LAC1 (elapsed months of the first year, `actual`)
    and the engine's forecast (`forecast`), split at the mix by month (costs.mix_by_month: a 903 return's own
    counts by placement type, observed then projected: by the care model when `care_mix`,
    placement_mix.placement_mix_table of the return's episodes, is given). The one function behind the
    Finance page and the `finance` command for such data."""
    from forecasting.planning.projection import Projection
    from forecasting.planning.workforce_history import forecast_demand

    demand = forecast_demand(forecast_result.forecasts)
    if "lac" not in demand:
        raise UserFacingError("Placement costs need children looked after (LAC1) in the data; this data set "
                              "has no LAC1 forecast. Add LAC1 (children looked after at month end).")
    lac, basis = full_year_lac(dataset, demand["lac"])
    projection = Projection.from_forecast(dataset, forecast_result)
    mix = costs.mix_by_month(params, dataset, pd.DatetimeIndex(lac.index), projection, care_mix=care_mix)
    return costs.project_placement_costs(lac, params, mix=mix, dataset=dataset, basis=basis,
                                         actual_spend=actual_spend)


def care_model_mix(clean, authority: str, horizon: int) -> pd.DataFrame:
    """The care model's placement mix for a 903 return (placement_mix.placement_mix_table: observed month
    ends, then `horizon` months projected), for baseline_spend."""
    from forecasting.planning.placement_mix import placement_mix_table

    return placement_mix_table(clean, authority, horizon=horizon, n_sims=CARE_MIX_SIMULATIONS)


def care_scenario_costs(baseline, scenario, params: dict[str, Parameter]) -> pd.DataFrame:
    """What a placement-transition scenario on the care model (care_levers.scenario_projection: more
    step-downs, entries redirected) does to placement spend: financial_year, months_basis, baseline_spend,
    scenario_spend, saving (baseline - scenario), by financial year of the projected months. Children by type
    are each projection's means (placement_mix.projected_mix), grouped into cost types, at the unit costs in
    `params`."""
    from forecasting.planning.placement_mix import projected_mix

    spend = {}
    for case, projection in (("baseline", baseline), ("scenario", scenario)):
        children = projected_mix(projection).pivot_table(index="month", columns="placement_type",
                                                         values="children", aggfunc="sum")
        children.index = pd.DatetimeIndex(children.index, name="month")
        lac = children.sum(axis=1)
        mix = mix_903.cost_shares(children).fillna(0.0)
        spend[case] = costs.project_placement_costs(lac, params, mix=mix).by_financial_year
    years = spend["baseline"].groupby("financial_year").agg(months_basis=("months_basis", "first"),
                                                            baseline_spend=("spend", "sum"))
    years["scenario_spend"] = spend["scenario"].groupby("financial_year")["spend"].sum()
    years["saving"] = years["baseline_spend"] - years["scenario_spend"]
    return years.reset_index()


def _measure(table: pd.DataFrame, name: str, months: pd.DatetimeIndex, column: str) -> np.ndarray:
    rows = table[table["measure"] == name]
    if rows.empty:
        return np.zeros(len(months))
    return rows.set_index(pd.to_datetime(rows["month"]))[column].reindex(months).to_numpy(dtype=float)


def _neutral_levers():
    """Every lever at its neutral value (the baseline's plan)."""
    from forecasting.planning.levers import LEVERS
    from forecasting.planning.scenarios import Levers

    return Levers(**{name: spec.neutral for name, spec in LEVERS.items()})


def finance_view(
    result,
    params: dict[str, Parameter],
    actual_spend: pd.DataFrame | None = None,
    budget: pd.DataFrame | None = None,
) -> FinanceView:
    """The finance figures of `result` (a ScenarioResult, computed with `params`); `actual_spend` (month,
    placement_type, spend) replaces costed spend in the months it covers; `budget` (line, financial_year,
    budget; forecasting.planning.budgets) adds the variance."""
    baseline = result.baseline
    dataset = baseline.dataset
    months = pd.DatetimeIndex(baseline.months)
    table = result.table
    price_base = (
        prices.current_financial_year(dataset) if dataset is not None else prices.financial_year(months[0])
    )
    notes = []
    lac_base, basis = full_year_lac(
        dataset, pd.Series(_measure(table, "lac", months, "baseline"), index=months)
    )
    lac_plan, _ = full_year_lac(dataset, pd.Series(_measure(table, "lac", months, "scenario"), index=months))
    full = pd.DatetimeIndex(lac_base.index)
    actual = full[~full.isin(months)]
    by_case = {}
    mix = costs.mix_by_month(params, dataset, full, getattr(baseline, "projection", None))
    parts = lever_mix.parts_from_table(table, months)  # each lever's part of the change, at its own mix
    for case, lac, levers in (
        ("baseline", lac_base, _neutral_levers()),
        ("plan", lac_plan, result.scenario.levers),
    ):
        forecast = placement_costs(lac.reindex(months).to_numpy(), months, levers, params, dataset,
                                   baseline_lac=lac_base.reindex(months).to_numpy(), mix=mix,
                                   lever_parts=parts if case == "plan" else None)
        observed = (
            placement_costs(
                lac.reindex(actual).to_numpy(),
                actual,
                _neutral_levers(),
                params,
                dataset,
                basis=basis.reindex(actual),
                actual_spend=actual_spend,
                mix=mix,
            )
            if len(actual)
            else None
        )
        frames = [f.by_month for f in (observed, forecast) if f is not None]
        by_case[case] = pd.concat(frames, ignore_index=True)
    if "placement_cost" in set(table["measure"]):
        check = by_case["plan"].groupby("month")["spend"].sum().reindex(months).to_numpy()
        if not np.allclose(
            check, _measure(table, "placement_cost", months, "scenario"), rtol=1e-9, atol=1e-6
        ):
            raise ValueError(
                "finance view: placement spend by type does not add up to the scenario's "
                "placement_cost; the parameters differ from those the scenario was run with"
            )
    if actual_spend is not None and len(actual_spend):  # only the elapsed months take uploaded spend
        notes.extend(costs.unused_spend_note(actual_spend, actual) if len(actual) else [
            "Uploaded actual spend was not used: with a plan only the elapsed months of the first financial "
            "year (before the forecast starts) are costed from actual spend, and there are none here."])
    spend_by_type = _spend_by_type(by_case)
    staffed = "staffing_cost" in set(table["measure"])
    staff_actual = _staffing_in(actual, params) if staffed and len(actual) else None
    by_month = _by_month(table, months, full, basis, by_case, staff_actual)
    if not staffed:
        notes.append(plan_costs.STAFFING_NOTE)
    elif staff_actual is not None:
        notes.append(STAFFING_ACTUAL_NOTE)
    npv, by_year_pv = investment.net_present_value(
        by_month["month"], by_month["net_saving"], price_base, params
    )
    by_year = _by_year(by_month, by_year_pv)
    components = plan_costs.components(
        months, result.scenario.levers, _measure(table, "early_help_extra_open", months, "delta"), params
    )
    plan_cost = float(
        by_month[["delivery_cost", "allowances_cost"]].sum().sum()
        + (by_month["plan_staffing_cost"] - by_month["baseline_staffing_cost"]).sum()
    )
    lac_fall = (lac_base - lac_plan).reindex(full).to_numpy(dtype=float)
    per_child, per_year, fewer, care_years = investment.cost_per_child(plan_cost, lac_fall)
    summary = {
        "payback_month": investment.payback_month(by_month["month"], by_month["net_saving"]),
        "npv": npv,
        "net_saving_total": float(by_month["net_saving"].sum()),
        "plan_cost_total": plan_cost,
        "avoided_placement_spend": float(by_month["avoided_placement_spend"].sum()),
        "cost_per_child_kept_out": per_child,
        "cost_per_care_year_avoided": per_year,
        "children_fewer_at_end": fewer,
        "care_years_avoided": care_years,
        "first_month": full[0],
        "last_month": full[-1],
        "price_base": price_base,
        "lowest_cumulative": float(by_month["cumulative_net_saving"].min()),
    }
    variance = budgets.budget_variance(budget, spend_by_type, by_year) if budget is not None else None
    spread = _intervals(result, months, full, price_base, params)
    by_lever = lever_mix.avoided_by_lever(parts, months, params, mix,
                                          by_year.set_index("financial_year")["avoided_placement_spend"])
    return FinanceView(
        result.scenario.name,
        price_base,
        spend_by_type,
        by_month,
        by_year,
        summary,
        components,
        notes + list(dict.fromkeys(result.notes)),
        budget_variance=variance,
        intervals=spread,
        by_lever=by_lever,
    )


def month_basis(by_month: pd.DataFrame) -> pd.Series:
    """One word per month from a by-type table: `actual spend` when any type's spend was uploaded, else the
    month's first row's word (sorted by month)."""
    frame = by_month.loc[by_month["month"].notna(), ["month", "basis"]]
    words = frame.drop_duplicates("month").set_index("month")["basis"].sort_index(kind="stable")
    uploaded = frame.loc[frame["basis"] == BASIS_ACTUAL_SPEND, "month"]
    return words.where(~words.index.isin(uploaded), BASIS_ACTUAL_SPEND)


def _spend_by_type(by_case: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = []
    words_by_month = month_basis(by_case["plan"])
    for case, frame in by_case.items():
        frame = frame.assign(financial_year=financial_years(frame["month"]))
        frame["is_actual"] = frame["basis"] != BASIS_FORECAST
        table = (
            frame.groupby(["financial_year", "placement_type"], sort=True)
            .agg(
                months=("month", "nunique"),
                actual_months=("is_actual", "sum"),
                child_months=("children", "sum"),
                spend=("spend", "sum"),
            )
            .reset_index()
        )
        table["actual_months"] = (table["actual_months"]).astype(int)
        table["forecast_months"] = table["months"] - table["actual_months"]
        words = {
            y: months_in_words(g["month"], g["month"].map(words_by_month))
            for y, g in frame.groupby("financial_year")
        }
        table["months_basis"] = table["financial_year"].map(words)
        frames.append(table.assign(case=case))
    return pd.concat(frames, ignore_index=True)


def _staffing_in(months: pd.DatetimeIndex, params: dict[str, Parameter]) -> pd.Series:
    """The staffing plan in the parameters costed month by month (all teams), by workforce_cost."""
    from forecasting.planning.staffing import StaffingPlan
    from forecasting.planning.workforce_cost import staffing_cost_frame

    frame = staffing_cost_frame(StaffingPlan.from_parameters(params), months, params)
    return frame.groupby("month")["staffing_cost"].sum().reindex(months)


def _by_month(table, months, full, basis, by_case, staff_actual: pd.Series | None = None) -> pd.DataFrame:
    words = month_basis(by_case["plan"])
    out = pd.DataFrame(
        {
            "month": full,
            "financial_year": [prices.financial_year(m) for m in full],
            "basis": words.reindex(full).fillna(basis.reindex(full)).to_numpy(),
        }
    )
    for case, column in (("baseline", "baseline"), ("plan", "scenario")):
        spend = by_case[case].groupby("month")["spend"].sum().reindex(full).to_numpy(dtype=float)
        out[f"{case}_placement_cost"] = spend
        staffing = pd.Series(_measure(table, "staffing_cost", months, column), index=months).reindex(full)
        if staff_actual is not None:
            staffing = staffing.fillna(staff_actual.reindex(full))
        out[f"{case}_staffing_cost"] = staffing.fillna(0.0).to_numpy()
    for name in ("delivery_cost", "allowances_cost"):
        out[name] = (
            pd.Series(_measure(table, name, months, "scenario"), index=months)
            .reindex(full)
            .fillna(0.0)
            .to_numpy()
        )
    out["baseline_net_cost"] = out["baseline_placement_cost"] + out["baseline_staffing_cost"]
    out["plan_net_cost"] = (
        out["plan_placement_cost"] + out["plan_staffing_cost"] + out["delivery_cost"] + out["allowances_cost"]
    )
    out["avoided_placement_spend"] = out["baseline_placement_cost"] - out["plan_placement_cost"]
    out["extra_staffing_cost"] = out["plan_staffing_cost"] - out["baseline_staffing_cost"]
    out["net_saving"] = out["baseline_net_cost"] - out["plan_net_cost"]
    out["cumulative_net_saving"] = investment.cumulative(out["net_saving"])
    return out


def _by_year(by_month: pd.DataFrame, by_year_pv: pd.DataFrame) -> pd.DataFrame:
    sums = [
        "baseline_placement_cost",
        "plan_placement_cost",
        "avoided_placement_spend",
        "baseline_staffing_cost",
        "plan_staffing_cost",
        "extra_staffing_cost",
        "delivery_cost",
        "allowances_cost",
        "baseline_net_cost",
        "plan_net_cost",
        "net_saving",
    ]
    grouped = by_month.groupby("financial_year", sort=True)
    table = grouped[sums].sum().reset_index()
    table.insert(1, "months_basis", [months_in_words(g["month"], g["basis"]) for _, g in grouped])
    table.insert(2, "months", grouped["month"].nunique().to_numpy())
    table["cumulative_net_saving"] = table["net_saving"].cumsum()
    pv = by_year_pv.set_index("financial_year")
    table["net_saving_in_base_prices"] = pv["real_net_saving"].reindex(table["financial_year"]).to_numpy()
    table["present_value"] = pv["present_value"].reindex(table["financial_year"]).to_numpy()
    return table


def _intervals(result, months, full, price_base, params) -> pd.DataFrame | None:
    """Investment figures over the scenario's effect draws (`result.delta_draws["net_cost"]`, draws x forecast
    months, when the scenario engine gives them): net saving = minus the change in net cost; actual months
    0."""
    draws = (getattr(result, "delta_draws", None) or {}).get("net_cost")
    if draws is None or not np.size(draws):
        return None
    saving = np.zeros((np.shape(draws)[0], len(full)))
    saving[:, np.asarray(full.isin(months))] = -np.asarray(draws, dtype=float)
    return investment.intervals(full, saving, price_base, params)
