"""Overview: the headline measures at a glance, their projections to March 2019 and 2020, targets and RAG."""
import pandas as pd
import streamlit as st

from forecasting.planning import HEADLINES, headline_table
from forecasting.reports import small_multiples
from ui import state
from ui.downloads import download_buttons
from ui.notices import show_coverage, show_missing_targets

st.title("Overview")
dataset = state.active_dataset()
coverage = show_coverage(dataset, "overview")
show_missing_targets(dataset)
projection = state.projection(dataset)
targets = state.target_table(dataset)
table = headline_table(projection, targets)
st.caption("Projections are the central forecast with the 95% range; P(met) is the chance of meeting the "
           "target on the forecast's own uncertainty. RAG: Green at 80% or more, Amber 50-80%, Red below "
           "(thresholds on the Method page).")
cards = st.columns(max(len(table), 1))
for card, row in zip(cards, table.to_dict("records"), strict=False):  # one card even with no rows
    target = row.get("target_2019_20")
    status = f" · target {target:,.0f}: {row.get('rag_2019_20')}" if pd.notna(target) else ""
    card.metric(
        f"{row['measure']} ({row['latest_month']})",
        f"{row['latest']:,.0f}",
        row["vs_year_before"],
        delta_color="off",
        help=f"Mar-20 projection {row.get('projected_2019_20', float('nan')):,.0f} "
        f"(95% range {row.get('range95_2019_20', '-')}){status}",
    )
    card.caption(
        f"Mar-20: {row.get('projected_2019_20', float('nan')):,.0f} ({row.get('range95_2019_20', '-')})"
        + status
    )
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "latest": st.column_config.NumberColumn(format="%.0f"),
    "projected_2018_19": st.column_config.NumberColumn("Mar-19 projection", format="%.0f"),
    "projected_2019_20": st.column_config.NumberColumn("Mar-20 projection", format="%.0f"),
    "p_met_2018_19": st.column_config.NumberColumn("P(met) 18/19", format="%.2f"),
    "p_met_2019_20": st.column_config.NumberColumn("P(met) 19/20", format="%.2f")})
download_buttons(table, "headline measures")

if coverage.has("caseload"):       # from the scenario baseline (needs M1) on open CIN cases and CP plans
    baseline, calibration = state.scenario_baseline(dataset)
    caseload = baseline.effects.base_workforce["caseload_cin_cp"]
    st.caption(
        f"CIN/CP caseload per social worker (workforce model on the baseline forecast, assumed team sizes "
        f"on the Workforce page): {caseload.iloc[0]:.1f} in {caseload.index[0]:%b-%y}, "
        f"{caseload.iloc[-1]:.1f} by {caseload.index[-1]:%b-%y} against a norm of "
        f"{baseline.params['caseload_norm_cin_cp'].value:g}."
    )

panels = []
for code, label in HEADLINES:
    if code in dataset.indicator_codes:
        panels.append(
            (label, dataset.series(code), projection.forecasts[projection.forecasts["indicator"] == code])
        )
if panels:
    st.plotly_chart(small_multiples(panels), width="stretch")

st.subheader("Every target in the scorecard")
st.dataframe(
    targets[
        [
            "indicator",
            "period",
            "target",
            "basis",
            "projected",
            "lo95",
            "hi95",
            "probability_met",
            "rag",
            "explanation",
        ]
    ],
    hide_index=True,
    width="stretch",
)
download_buttons(targets, "targets")
