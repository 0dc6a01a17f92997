"""Children in care (SSDA903): start stock by placement type, projection with intervals, back-test."""
import plotly.graph_objects as go
import streamlit as st

from forecasting.planning import (
    CARE_SIMULATIONS,
    backtest_care,
    care_scenario_costs,
    fit_care_model,
    scenario_projection,
)
from forecasting.reports import markdown_text, money
from ui import state
from ui.downloads import download_buttons

st.title("Children in care by placement type")
loaded = st.session_state.get("ssda903")
if loaded is None or loaded.clean is None:
    st.info("Upload your SSDA903 return files (episodes and header) on the Data page: this page projects "
            "children in care by placement type and age from them.")
    st.stop()
authorities = list(loaded.datasets)
authority = st.selectbox("Authority", authorities) if len(authorities) > 1 else authorities[0]
if loaded.refused:
    st.caption(f"Not used (blocking errors in their own rows, listed on the Data page): "
               f"{markdown_text(', '.join(sorted(loaded.refused)))}.")
left, middle, right = st.columns(3)
reference = left.slider("Reference period (months of history the rates come from)", 3, 36, 12)
horizon = middle.select_slider("Months to project", options=[6, 12, 18, 24, 36], value=24)
rewind = right.slider("Back-test: months to rewind", 3, 24, 12)

projection = fit_care_model(
    loaded.clean, authority, reference_months=reference, horizon=horizon, n_sims=CARE_SIMULATIONS
)
first, last = projection.rates.reference
st.caption(f"Rates: monthly moves between placement types, exits by route, ageing and entries over "
           f"{first:%b %Y}-{last:%b %Y}; intervals from {CARE_SIMULATIONS:,} simulated paths (as the care "
           "command). Every figure counts children at month ends; child-level rows stay in this session.")
st.subheader(f"Start stock, end of {projection.start_month:%b %Y}: {projection.start.sum():.0f} children")
st.dataframe(projection.start.rename("children").to_frame(), width="stretch")

table = projection.table
codes = list(dict.fromkeys(table["indicator"]))
code = st.selectbox("Projected measure", codes, index=0)
rows = table[table["indicator"] == code]
observed = loaded.datasets[authority]
history = observed.series(code) if code in observed.indicator_codes else None
figure = go.Figure()
if history is not None:
    figure.add_scatter(x=history.index, y=history.values, name="observed", mode="lines")
figure.add_scatter(x=rows["month"], y=rows["hi80"], line={"width": 0}, showlegend=False, hoverinfo="skip")
figure.add_scatter(x=rows["month"], y=rows["lo80"], fill="tonexty", line={"width": 0}, name="80% interval")
figure.add_scatter(x=rows["month"], y=rows["mean"], name="projection", mode="lines")
figure.update_layout(height=380, margin={"t": 20}, yaxis_title="children")
st.plotly_chart(figure, width="stretch")
download_buttons(table, "children in care projection")

st.subheader("Scenario: placement moves")
one, two = st.columns(2)
step = one.number_input("Extra share of residential children stepping down to in-house fostering each month",
                        0.0, 0.5, 0.0, step=0.005, format="%.3f")
redirect = two.number_input("Share of IFA entries placed with in-house carers instead", 0.0, 1.0, 0.0,
                            step=0.05)
levers = [lever for lever in [("step_down", "residential", "in_house_fostering", step),
                              ("redirect_entries", "ifa", "in_house_fostering", redirect)] if lever[3] > 0]
if levers:
    scenario = scenario_projection(loaded.clean, authority, projection, levers, n_sims=CARE_SIMULATIONS)
    last_month = table["month"].max()
    compare = (table[table["month"] == last_month].set_index("indicator")[["mean"]]
               .join(scenario.table[scenario.table["month"] == last_month].set_index("indicator")[["mean"]],
                     lsuffix="_baseline", rsuffix="_scenario"))
    compare["change"] = compare["mean_scenario"] - compare["mean_baseline"]
    st.caption(f"Children at the end of {last_month:%b %Y}, baseline and scenario (means).")
    st.dataframe(compare.loc[[c for c in compare.index if c.startswith(("LAC1", "PL-"))]].round(1),
                 width="stretch")
    spend = care_scenario_costs(projection, scenario, state.parameters())  # unit costs: the Finance page's
    st.caption("Placement spend of the projected months by financial year, at the Finance page's unit costs "
               "(saving = baseline - scenario).")
    words = {"financial_year": "Financial year", "months_basis": "Months",
             "baseline_spend": "Baseline spend (£)", "scenario_spend": "Scenario spend (£)",
             "saving": "Saving (£)"}
    money_cells = {c: spend[c].map(money) for c in ("baseline_spend", "scenario_spend", "saving")}
    st.dataframe(spend.assign(**money_cells).rename(columns=words), hide_index=True, width="stretch")
else:
    st.caption("Set a share above to see how the placement mix (and so the cost) would move.")

st.subheader("Back-test on this file's own history")
st.write(f"Rewind {rewind} months, estimate the rates over the {reference} months before, project and "
         "compare with what happened; the engine's statistical forecast of the total (LAC1) is scored on the "
         "same months.")
settings = (id(loaded), authority, rewind, reference)
if st.button("Run the back-test"):
    with st.spinner("Back-testing (the engine's forecast takes a few seconds)..."):
        st.session_state["ssda903_backtest"] = settings, backtest_care(
            loaded.clean, authority, rewind=rewind, reference_months=reference, n_sims=CARE_SIMULATIONS)
stored_settings, result = st.session_state.get("ssda903_backtest", (None, None))
if result is not None and stored_settings == settings:
    st.caption(f"Rewound to {result.cutoff:%b %Y}. MAE and bias in children; MAPE and coverage in %.")
    st.dataframe(result.scores.round(2), hide_index=True, width="stretch")
    download_buttons(result.table, "children in care back-test")
