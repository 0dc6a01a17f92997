"""Finance: a plan's net position by full financial year (placements, staff, the plan's own costs), payback,
NPV and cost per child; spend by placement type; editable costs with their price year; budget and actual
spend uploads. The figures are those of `python -m forecasting finance` (same functions, same horizon: full
financial years to the fifth 31 March by default). Edits apply as they are typed and, with the uploads and
choices, are kept in this session's state, so going to another page and back loses nothing."""

import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    MEDIUM_TERM_YEARS,
    baseline_spend,
    coverage,
    current_financial_year,
    finance_horizon,
    read_actual_spend,
    read_budget,
    statement,
)
from forecasting.reports import (
    baseline_sheets,
    finance_workbook,
    grouped_bars,
    lines,
)
from ui import derived, saved_scenarios, state
from ui.downloads import download_buttons
from ui.finance_inputs import (
    FINANCE_INPUTS,
    MARGINAL_MIX,
    care_mix_of,
    cost_inputs,
    keep,
    kept,
    money_columns,
    upload,
)
from ui.lazy import lazy_expander
from ui.notices import show_coverage

st.title("Finance")
basis = derived.current()  # the data set and this session's edits: the key of the shared tables below
dataset = basis.dataset
show_coverage(dataset, "finance")
params = basis.params
base = current_financial_year(dataset)
last_month = dataset.observations["ds"].max()
YEARS = {n: f"{n} year{'s' if n > 1 else ''}, to Mar {last_month.year + (last_month.month >= 3) + n - 1}"
         for n in range(1, MEDIUM_TERM_YEARS + 1)}
years_ahead = st.radio(
    "Financial years ahead", list(YEARS), index=list(YEARS).index(kept("years", MEDIUM_TERM_YEARS)),
    format_func=YEARS.get, horizontal=True, key="finance-years", on_change=keep,
    args=("years", "finance-years"),
    help="Full financial years to the N-th 31 March after the last data month (5: the medium term); the "
    "forecast is run once for it.",
)
horizon = finance_horizon(dataset, years_ahead)
st.caption(statement(params, base))
# the inputs (about 40) are drawn only when asked for: hidden in an expander the browser still draws them all
# on every run (issue 16 part 6, a page switch under 1 s); shown at once in a session that has edited them
edited = bool(set(FINANCE_INPUTS + MARGINAL_MIX) & set(state.parameter_overrides()))
st.session_state.setdefault("finance-edit-costs", kept("edit-costs", edited))
if st.toggle("Costs, inflation and discount rate (editable; defaults from public sources)",
             key="finance-edit-costs", on_change=keep, args=("edit-costs", "finance-edit-costs"),
             help="Show the costs and rates to change them; a change applies at once to every page."):
    with st.container(border=True):
        cost_inputs(params, base)

if not coverage(dataset, "scenarios").usable:  # the levers start at contacts (M1); said above when missing
    with st.expander("Upload actual spend (CSV or XLSX)", expanded=kept("actual-spend") is not None):
        st.caption("Columns month, placement_type, spend. Uploaded spend replaces the costed figure for its "
                   "months and types; the table says which months are actual spend, actual children in care "
                   "or forecast. A file is kept for this session until you stop using it.")
        actual_spend = upload("actual-spend", "Actual spend by month and placement type", read_actual_spend)
    try:
        spend = baseline_spend(dataset, state.forecast_result(dataset, horizon), params,
                               actual_spend=actual_spend, care_mix=care_mix_of(dataset, horizon))
    except UserFacingError as exc:
        st.error(str(exc))
        st.stop()
    sheets = baseline_sheets(spend, params, base)
    st.subheader("Placement spend by type and full financial year (baseline, no plan)")
    st.caption(sheets["Notes"]["Note"].iloc[2])
    for note in spend.notes:  # e.g. uploaded spend for months outside the table
        st.warning(note)
    st.dataframe(money_columns(sheets["Spend by type and year"]), hide_index=True, width="stretch")
    download_buttons(sheets["Spend by type and year"], "spend by financial year", key="years")
    st.stop()

with st.expander("Upload actual spend or a budget (CSV or XLSX)", expanded=kept("budget") is not None):
    st.caption(
        "Actual spend: columns month, placement_type, spend. Budget: columns line, financial_year, budget "
        "(lines: in-house fostering, IFA, residential, kinship, supported / other, all placements, plan "
        "delivery, allowances, staffing, net cost). A file is kept for this session until you stop using it."
    )
    actual_spend = upload("actual-spend", "Actual spend by month and placement type", read_actual_spend)
    budget = upload("budget", "Budget by line and financial year", read_budget)

plans = saved_scenarios.choices()  # the user's own saved scenarios first, then the shipped examples
saved = list(plans)
default_plan = kept("plan", "combined-plan")
chosen = st.selectbox(
    "Plan (scenario)", saved, index=saved.index(default_plan) if default_plan in saved else 0,
    key="finance-plan", on_change=keep, args=("plan", "finance-plan"),
    format_func=lambda key: plans.get(key, key),
)
try:
    plan = saved_scenarios.load(chosen)
except UserFacingError as exc:  # a saved file that no longer reads: say which, never an error box
    st.error(str(exc))
    st.stop()
try:  # finance_view and finance_sheets of apply_scenario, once per (data set, edits, plan, uploads)
    view, sheets = derived.finance(basis, plan, horizon, actual_spend=actual_spend, budget=budget)
except UserFacingError as exc:
    st.error(str(exc))
    st.stop()

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
if "Avoided spend by lever" in sheets:
    st.subheader("Placement spend avoided by lever")
    st.caption("Each lever's part of the children kept out of care, costed at that lever's marginal mix (set "
               "under 'Costs, inflation and discount rate'); the parts add up to the plan's change.")
    st.dataframe(money_columns(sheets["Avoided spend by lever"]), hide_index=True, width="stretch")
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
with lazy_expander("Plan costs by month, assumptions and notes", "finance_details_open") as shown:
    if shown:  # drawn when opened (ui/lazy.py)
        st.dataframe(money_columns(sheets["Plan costs by month"]), hide_index=True, width="stretch")
        st.dataframe(sheets["Assumptions"], hide_index=True, width="stretch")
        for note in sheets["Notes"]["Note"]:
            st.caption(note)
st.download_button(  # the workbook is built when asked for, not on every rerun
    "Finance workbook (XLSX)",
    lambda: finance_workbook(view, params),
    file_name=f"finance-{chosen}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
