"""Finance: placements and spend by type and financial year, baseline against scenario, editable unit
costs."""
import pandas as pd
import streamlit as st

from forecasting.planning.costs import project_placement_costs, savings
from forecasting.planning.coverage import coverage
from forecasting.planning.scenarios import apply_scenario, load_scenario
from forecasting.planning.workforce_history import forecast_demand
from forecasting.reports.charts import grouped_bars, stacked_area
from ui import state
from ui.downloads import download_buttons
from ui.lever_widgets import SCENARIO_DIR
from ui.notices import show_coverage

COSTS = (
    "unit_cost_residential",
    "unit_cost_ifa",
    "unit_cost_in_house_fostering",
    "unit_cost_supported_other",
    "placement_inflation_pct",
)

st.title("Finance")
dataset = state.active_dataset()
show_coverage(dataset, "finance")
params = state.parameters()

with st.expander("Unit costs (editable; defaults from public sources)", expanded=False):
    overrides = state.parameter_overrides()
    for name in COSTS:
        spec = params[name]
        overrides[name] = st.number_input(f"{spec.label} ({spec.unit})", min_value=float(spec.low),
                                          max_value=float(spec.high), value=float(spec.value),
                                          help=f"Source: {spec.source} ({spec.year})")
        st.caption(f"{spec.source} ({spec.year})")
    if st.button("Use these costs everywhere"):
        state.set_parameter_overrides(overrides)
        st.rerun()

base_costs = project_placement_costs(forecast_demand(state.forecast_result(dataset).forecasts)["lac"], params,
                                     dataset=dataset)
years, scenario_costs = [base_costs.by_financial_year.assign(case="baseline")], None
if coverage(dataset, "scenarios").usable:     # the levers start at contacts (M1); said above when missing
    baseline, calibration = state.scenario_baseline(dataset)
    saved = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
    chosen = st.selectbox("Compare with scenario", saved,
                          index=saved.index("combined-plan") if "combined-plan" in saved else 0)
    result = apply_scenario(baseline, load_scenario(SCENARIO_DIR / f"{chosen}.yaml"), calibration, params)
    lac = result.measure("lac").set_index("month")
    carers = result.indicator_deltas.get("LAC16")
    scenario_costs = project_placement_costs(
        lac["scenario"],
        params,
        dataset=dataset,
        extra_in_house_carers=pd.Series(carers, index=lac.index) if carers is not None else 0.0,
    )
    years.append(scenario_costs.by_financial_year.assign(case=chosen))
st.plotly_chart(stacked_area(base_costs.by_month, x="month", y="children", colour="placement_type",
                             title="Children by placement type (baseline forecast)", y_title="children"),
                width="stretch")
download_buttons(base_costs.by_month, "placements by month", key="placements")
years = pd.concat(years)
st.plotly_chart(
    grouped_bars(
        years.groupby(["financial_year", "case"], as_index=False)["spend"].sum(),
        x="financial_year",
        y="spend",
        colour="case",
        title="Placement spend by financial year",
        y_title="£",
    ),
    width="stretch",
)
download_buttons(years, "spend by financial year", key="years")
if scenario_costs is None:
    st.stop()
saving = savings(base_costs, scenario_costs)
st.subheader(f"Savings from '{chosen}' (baseline minus scenario)")
st.caption(
    "Part years (the forecast starts in July 2018) are marked in the download; savings are against the "
    "statistical baseline, not against a budget."
)
st.dataframe(saving, hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="£%.0f") for c in
                            ("baseline_spend", "scenario_spend", "saving")})
download_buttons(saving, "savings", key="savings")
