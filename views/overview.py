"""Overview: the headline measures at a glance, their projections to March 2019 and 2020, targets and RAG."""
import pandas as pd
import streamlit as st

from forecasting.reports import figure_text, probability_text
from ui import derived, state
from ui.downloads import download_buttons
from ui.lazy import lazy_expander
from ui.notices import show_coverage, show_missing_targets
from ui.rag import rag_badge
from ui.tables import show_table

YEAR_ENDS = (("2018_19", "Mar 2019"), ("2019_20", "Mar 2020"))
CARDS_PER_ROW = 3  # readable at 1024 px (a projector) as well as on a wide screen

st.title("Overview")
basis = derived.current()
dataset = basis.dataset
coverage = show_coverage(dataset, "overview")
show_missing_targets(dataset)
targets = state.targets_for(dataset, basis.params, basis.edits)
table = derived.headlines(basis)  # headline_table(projection, targets), once per data set and edits
units = dataset.indicators["unit"].to_dict() if "unit" in dataset.indicators else {}
st.caption("Each projection at 31 March is the central forecast with its 95% range in brackets. The chance "
           "of meeting a target comes from the forecast's own uncertainty. RAG: Green at 80% or more, Amber "
           "50-80%, Red below 50% (terms and thresholds on the Method page).")


def _year_end(row: dict, suffix: str, when: str, unit: str) -> str:
    """One line of a card: the projection at a year end, and the target, chance and RAG when there is one."""
    projected = row.get(f"projected_{suffix}")
    if projected is None or pd.isna(projected):
        return f"**{when}:** not available"
    line = f"**{when}:** {figure_text(projected, unit)} ({row.get(f'range95_{suffix}', '')})"
    target = row.get(f"target_{suffix}")
    if target is None or pd.isna(target):
        return line + ", no target"
    chance = probability_text(row.get(f"p_met_{suffix}"))
    return (f"{line}  \ntarget {figure_text(target, unit)}, chance of meeting it {chance}  \n"
            f"{rag_badge(row.get(f'rag_{suffix}'))}")


records = table.to_dict("records")
# measures with a target first: a leader reads the RAG before the context
records.sort(key=lambda row: not any(pd.notna(row.get(f"target_{suffix}")) for suffix, _ in YEAR_ENDS))
for start in range(0, max(len(records), 1), CARDS_PER_ROW):
    columns = st.columns(CARDS_PER_ROW)
    for column, row in zip(columns, records[start:start + CARDS_PER_ROW], strict=False):
        unit = units.get(row["indicator"], "count")
        with column.container(border=True):
            st.markdown(f"**{row['measure']}**")  # wraps, where a metric's label would be cut at 1024 px
            st.metric(f"Latest, {row['latest_month']}", figure_text(row["latest"], unit),
                      help=f"Indicator {row['indicator']}")
            st.caption(row["vs_year_before"])
            st.markdown("\n\n".join(_year_end(row, suffix, when, unit) for suffix, when in YEAR_ENDS))

with lazy_expander("The headline measures as a table", "overview_table_open") as shown:
    if shown:  # drawn when opened (ui/lazy.py)
        show_table(table, units=units)
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

if (chart := derived.overview_chart(basis)) is not None:  # built once per data set, shared
    st.plotly_chart(chart, width="stretch")

st.subheader("Every target in the scorecard")
shown = ["indicator", "period", "target", "basis", "projected", "lo95", "hi95", "probability_met", "rag",
         "explanation"]
show_table(targets[[c for c in shown if c in targets.columns]], catalogue=dataset.indicators)
download_buttons(targets, "targets")
