"""Workforce: FTE by team, caseload per worker against a norm, timeliness, and the FTE needed by month."""
import streamlit as st

from forecasting.planning.parameters import value, with_overrides
from forecasting.planning.scenario_effects import staffing_fte_needed, staffing_projection
from forecasting.planning.workforce import TEAMS, StaffingPlan
from forecasting.reports.charts import lines
from ui import state
from ui.downloads import download_buttons
from ui.notices import show_coverage

st.title("Workforce")
dataset = state.active_dataset()
coverage = show_coverage(dataset, "workforce")
teams = [team for team in TEAMS if coverage.has(team)]     # a team without its demand in the data is left out
baseline, calibration = state.scenario_baseline(dataset)
params = state.parameters()
capacity = baseline.effects.capacity

st.caption(
    "The scorecard has no staffing figures: team sizes below start from the named assumptions on the Method "
    "page; set them to your establishment. MASH and assessment capacity per worker is read off the "
    "history: "
    + (" ".join(capacity.describe()) if capacity is not None else "not possible on this data set.")
)
columns = st.columns(len(TEAMS))
overrides = {}
for column, team in zip(columns, TEAMS, strict=True):
    name = f"establishment_fte_{team}"
    overrides[name] = column.number_input(f"{team.replace('_', '/')} FTE", min_value=0.0, max_value=500.0,
                                          value=value(params, name), step=1.0)
params = with_overrides(params, overrides)
plan = StaffingPlan.from_parameters(params)
projection = staffing_projection(baseline, params)

left, right = st.columns(2)
cin_spec, lac_spec = params["caseload_norm_cin_cp"], params["caseload_norm_lac"]
norm = left.slider(
    "Caseload norm, CIN/CP teams (children per worker)",
    float(cin_spec.low),
    float(cin_spec.high),
    float(cin_spec.value),
    0.5,
    help=f"{cin_spec.source} ({cin_spec.year})",
)
lac_norm = right.slider(
    "Caseload norm, looked-after children's teams (children per worker)",
    float(lac_spec.low),
    float(lac_spec.high),
    float(lac_spec.value),
    0.5,
    help=f"{lac_spec.source} ({lac_spec.year})",
)
by_team = projection.by_team[projection.by_team["team"].isin(teams)]
holding = by_team[by_team["team"].isin(["cin_cp", "lac"])]
flow = by_team[by_team["team"].isin(["mash", "assessment"])]
left, right = st.columns(2)
if not holding.empty:
    left.plotly_chart(lines(holding, x="month", y="caseload_per_worker", colour="team",
                            title="Children per worker (CIN/CP and LAC teams)", y_title="children per FTE",
                            reference=norm, reference_label=f"CIN/CP norm {norm:g}"), width="stretch")
right.plotly_chart(
    lines(
        flow,
        x="month",
        y="caseload_per_worker",
        colour="team",
        title="Work per worker a month (MASH contacts, assessments)",
        y_title="per FTE a month",
    ),
    width="stretch",
)
download_buttons(by_team, "caseload by team", key="caseload")
st.caption(
    "Timeliness starts from the forecast on every other page; the staffing above changes it through the "
    "load on each team (the change is zero at the assumed establishment)."
)
if not projection.timeliness.empty:
    st.plotly_chart(
        lines(
            projection.timeliness,
            x="month",
            y="on_time_pct",
            colour="measure",
            title="Timeliness: forecast with this staffing",
            y_title="% on time",
        ),
        width="stretch",
    )
    download_buttons(projection.timeliness, "timeliness", key="timeliness")

st.subheader("FTE needed")
target = st.slider("Timeliness target (% on time, all measures)", 50.0, 95.0, 80.0, 1.0)
needed = staffing_fte_needed(baseline, params, {"cin_cp": norm, "lac": lac_norm}, target)
needed = needed[needed["team"].isin(teams)]
staffed = plan.fte(baseline.months).stack().rename("fte_staffed").reset_index().rename(
    columns={"level_0": "month", "level_1": "team"})
needed = needed.merge(staffed, on=["month", "team"], how="left")
needed["gap_fte"] = needed["fte_needed"] - needed["fte_staffed"]
st.plotly_chart(
    lines(
        needed,
        x="month",
        y="fte_needed",
        colour="team",
        title="FTE needed for the norm and target",
        y_title="FTE",
    ),
    width="stretch",
)
st.dataframe(needed[needed["month"] == needed["month"].max()], hide_index=True, width="stretch")
download_buttons(needed, "FTE needed", key="fte")
