"""Finance: a plan's net position by full financial year (placements, staff, the plan's own costs), payback,
NPV and cost per child; spend by placement type; editable costs with their price year; budget and actual
spend uploads. The figures are those of `python -m forecasting finance` (same functions)."""

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    INFLATION_PARAMETER,
    PLAN_COST_PARAMETERS,
    apply_scenario,
    coverage,
    current_financial_year,
    finance_view,
    forecast_demand,
    full_year_lac,
    load_scenario,
    project_placement_costs,
    read_actual_spend,
    read_budget,
    statement,
)
from forecasting.reports import finance_sheets, finance_workbook, grouped_bars, lines, money
from ui import state
from ui.downloads import download_buttons
from ui.lever_widgets import SCENARIO_DIR
from ui.notices import show_coverage

UNIT_COSTS = (
    "unit_cost_residential",
    "unit_cost_ifa",
    "unit_cost_in_house_fostering",
    "unit_cost_supported_other",
)
RATES = (*INFLATION_PARAMETER.values(), "general_inflation_pct", "discount_rate_pct")
MARGINAL_MIX = ("marginal_share_in_house_fostering", "marginal_share_ifa", "marginal_share_residential")


def money_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Money (columns headed '(£)') as £1,234,567 text for reading; the downloads keep numbers."""
    shown = frame.copy()
    for column in shown.columns:
        if str(column).endswith("(£)"):
            shown[column] = shown[column].map(lambda v: money(None if pd.isna(v) else float(v)))
    return shown


def cost_inputs(params, base: str) -> None:
    """Costs and rates a finance user edits; typed-in costs are in the chosen price year."""
    overrides = state.parameter_overrides()
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(int(base[:4]) - 3, int(base[:4]) + 3)]
    year = st.selectbox(
        "Costs you type are in the prices of",
        years,
        index=years.index(state.price_year() or base),
        help="Each typed cost is inflated from this financial year at its type's rate.",
    )
    for name in (*UNIT_COSTS, *PLAN_COST_PARAMETERS, *RATES, *MARGINAL_MIX):
        spec = params[name]
        typed = st.number_input(
            f"{spec.label} ({spec.unit}; price year {spec.year})",
            min_value=float(spec.low),
            max_value=float(spec.high),
            value=float(spec.value),
            key=f"cost-{name}",
            help=f"Source: {spec.source} ({spec.year})",
        )
        if typed != spec.value:
            overrides[name] = typed
    if st.button("Use these costs everywhere"):
        state.set_parameter_overrides(overrides)
        state.set_price_year(year)
        st.rerun()


st.title("Finance")
dataset = state.active_dataset()
show_coverage(dataset, "finance")
params = state.parameters()
base = current_financial_year(dataset)
st.caption(statement(params, base))
with st.expander(
    "Costs, inflation and discount rate (editable; defaults from public sources)", expanded=False
):
    cost_inputs(params, base)

if not coverage(dataset, "scenarios").usable:  # the levers start at contacts (M1); said above when missing
    lac, basis = full_year_lac(dataset, forecast_demand(state.forecast_result(dataset).forecasts)["lac"])
    base_costs = project_placement_costs(lac, params, dataset=dataset, basis=basis)
    st.subheader("Placement spend by full financial year (baseline)")
    st.dataframe(base_costs.by_financial_year, hide_index=True, width="stretch")
    download_buttons(base_costs.by_financial_year, "spend by financial year", key="years")
    st.stop()

with st.expander("Upload actual spend or a budget (CSV or XLSX)", expanded=False):
    st.caption(
        "Actual spend: columns month, placement_type, spend. Budget: columns line, financial_year, budget "
        "(lines: in-house fostering, IFA, residential, supported / other, all placements, plan delivery, "
        "allowances)."
    )
    spend_file = st.file_uploader("Actual spend by month and placement type", type=["csv", "xlsx"])
    budget_file = st.file_uploader("Budget by line and financial year", type=["csv", "xlsx"])
try:
    actual_spend = read_actual_spend(spend_file.getvalue(), spend_file.name) if spend_file else None
    budget = read_budget(budget_file.getvalue(), budget_file.name) if budget_file else None
except UserFacingError as exc:
    st.error(str(exc))
    actual_spend = budget = None

baseline, calibration = state.scenario_baseline(dataset)
saved = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
chosen = st.selectbox(
    "Plan (scenario)", saved, index=saved.index("combined-plan") if "combined-plan" in saved else 0
)
result = apply_scenario(baseline, load_scenario(SCENARIO_DIR / f"{chosen}.yaml"), calibration, params)
view = finance_view(result, params, actual_spend=actual_spend, budget=budget)
sheets = finance_sheets(view, params)

st.subheader(f"Savings from '{view.scenario_name}': the investment")
st.dataframe(sheets["Investment summary"], hide_index=True, width="stretch")
cumulative = view.by_month.assign(line="cumulative net saving")
st.plotly_chart(
    lines(
        cumulative,
        x="month",
        y="cumulative_net_saving",
        colour="line",
        title="Cumulative net position of the plan (above £0 = paid back)",
        y_title="£",
    ),
    width="stretch",
)
st.subheader("Net position by financial year")
st.caption(
    "Net saving = avoided placement spend - delivery cost - allowances after extra exits - extra staffing. "
    "Each year says which months are actual and which forecast."
)
st.dataframe(money_columns(sheets["Net position by year"]), hide_index=True, width="stretch")
st.subheader("Placement spend by type and financial year")
years = view.spend_by_type.groupby(["financial_year", "case"], as_index=False)["spend"].sum()
st.plotly_chart(
    grouped_bars(
        years,
        x="financial_year",
        y="spend",
        colour="case",
        title="Placement spend by financial year",
        y_title="£",
    ),
    width="stretch",
)
st.dataframe(money_columns(sheets["Spend by type and year"]), hide_index=True, width="stretch")
if "Budget variance" in sheets:
    st.subheader("Against the budget")
    st.dataframe(money_columns(sheets["Budget variance"]), hide_index=True, width="stretch")
with st.expander("Plan costs by month, assumptions and notes"):
    st.dataframe(money_columns(sheets["Plan costs by month"]), hide_index=True, width="stretch")
    st.dataframe(sheets["Assumptions"], hide_index=True, width="stretch")
    for note in sheets["Notes"]["Note"]:
        st.caption(note)
st.download_button(
    "Finance workbook (XLSX)",
    finance_workbook(view, params),
    file_name=f"finance-{chosen}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
