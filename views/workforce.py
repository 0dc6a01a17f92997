"""Workforce: the staffing plan (upload, edit, download), the planner's answer (FTE needed, gap, recruits by
when, cost), staffing and cost month by month, caseload per worker and timeliness."""

import numpy as np
import streamlit as st

from forecasting.planning import (
    TEAMS,
    StaffingPlan,
    cost_by_financial_year,
    flows_frame,
    size_workforce,
    staffing_cost_frame,
    staffing_projection,
)
from forecasting.reports import lines
from ui import state
from ui.downloads import download_buttons
from ui.notices import show_coverage
from ui.plan_editor import staffing_plan_editor

MEASURE_WORDS = {
    "M8-QL": "MASH decisions within 24 hours (M8-QL)",
    "EH4-QL": "Single assessments within 45 working days (EH4-QL)",
    "CP8-QL": "Children on CP plans seen within 15 working days (CP8-QL)",
}

st.title("Workforce")
dataset = state.active_dataset()
coverage = show_coverage(dataset, "workforce")
teams = [team for team in TEAMS if coverage.has(team)]  # a team without its demand in the data is left out
baseline, calibration = state.scenario_baseline(dataset)
params = state.parameters()
capacity = baseline.effects.capacity

st.subheader("The answer: staff needed, the gap, recruits by when and the cost")
left, right = st.columns(2)
norms = {}
for column, team, label in (
    (left, "cin_cp", "CIN/CP teams"),
    (right, "lac", "looked-after children's teams"),
):
    spec = params[f"caseload_norm_{team}"]
    norms[team] = column.number_input(
        f"Caseload norm, {label} (children per worker)",
        float(spec.low),
        float(spec.high),
        float(spec.value),
        0.5,
        help=f"{spec.source} ({spec.year})",
    )
targets = {}
columns = st.columns(3)
for column, (measure, words) in zip(columns, MEASURE_WORDS.items(), strict=True):
    if measure in baseline.projection.indicators:
        pct = column.number_input(
            f"Target: {words}, % (0 = none)", 0.0, 99.0, 0.0, 1.0, key=f"target-{measure}"
        )
        if pct > 0:
            targets[measure] = pct
sizing = size_workforce(baseline, params, norms, targets or None)
summary = sizing.summary[sizing.summary["team"].isin(teams)]
st.dataframe(summary, hide_index=True, width="stretch", column_config={"team": None})  # words, not codes
total = sizing.summary[sizing.summary["team"] == "all"].iloc[0]
metrics = st.columns(4)
metrics[0].metric(
    "FTE needed at the peak, teams sized",
    f"{total['fte_needed']:,.1f}",
    help=f"{total['team_name']}; peak {total['peak_month']}",
)
metrics[1].metric(
    "Recruits needed",
    f"{total['recruits_needed']:,.1f}",
    help="Filling vacancies first, then replacing agency workers, then new posts",
)
metrics[2].metric("Closing the gap, employed, a year", f"£{total['cost_employed_year']:,.0f}")
metrics[3].metric("Closing the gap, agency, a year", f"£{total['cost_agency_year']:,.0f}")
st.markdown("\n".join(f"- {line}" for line in sizing.answer() if not line.startswith("All teams")))
for note in sizing.notes:
    st.caption(note)
needed = sizing.by_month[sizing.by_month["team"].isin(teams)]
st.plotly_chart(
    lines(needed, x="month", y="fte_needed", colour="team", title="FTE needed by month", y_title="FTE"),
    width="stretch",
)
download_buttons(sizing.summary, "workforce answer", key="answer")
schedule = sizing.schedule[sizing.schedule["team"].isin([*teams, "early_help"])]
if len(schedule):
    with st.expander("Recruits by when: each month the gap grows, who must start and when"):
        st.dataframe(schedule, hide_index=True, width="stretch", column_config={"team": None})
        download_buttons(schedule, "recruitment schedule", key="schedule")
download_buttons(needed, "FTE needed by month", key="fte")

st.subheader("Staffing plan")
staffing_plan_editor(params)

st.subheader("Staffing and cost month by month")
plan = StaffingPlan.from_parameters(params)
flows = flows_frame(plan, baseline.months)
totals = (
    flows.groupby("month")[["filled", "vacancies", "agency"]]
    .sum()
    .reset_index()
    .melt(id_vars="month", var_name="measure", value_name="fte")
)
st.plotly_chart(
    lines(
        totals,
        x="month",
        y="fte",
        colour="measure",
        title="Filled posts, vacancies and agency cover, all teams (leavers replaced as now)",
        y_title="FTE",
    ),
    width="stretch",
)
download_buttons(flows, "staffing flows by team and month", key="flows")
costs = staffing_cost_frame(plan, baseline.months, params)
by_year = cost_by_financial_year(costs)
st.caption(
    "Front-line staff only (salary with on-costs by grade, agency premium, recruitment and retention); "
    "a part year says how many months it covers."
)
st.dataframe(
    by_year,
    hide_index=True,
    width="stretch",
    column_config={
        c: st.column_config.NumberColumn(format="£%,.0f")
        for c in ("employed_cost", "agency_cost", "recruitment_cost", "staffing_cost")
    },
)
download_buttons(costs, "staffing cost by team and month", key="costs")

st.subheader("Caseload and timeliness with this plan")
st.caption(
    "MASH and assessment capacity per worker is read off the history: "
    + (" ".join(capacity.describe()) if capacity is not None else "not possible on this data set.")
)
projection = staffing_projection(baseline, params)
by_team = projection.by_team[projection.by_team["team"].isin(teams)]
holding = by_team[by_team["team"].isin(["cin_cp", "lac"])]
flow = by_team[by_team["team"].isin(["mash", "assessment"])]
left, right = st.columns(2)
if not holding.empty:
    left.plotly_chart(
        lines(
            holding,
            x="month",
            y="caseload_per_worker",
            colour="team",
            title="Children per worker (CIN/CP and LAC teams)",
            y_title="children per FTE",
            reference=norms["cin_cp"],
            reference_label=f"CIN/CP norm {norms['cin_cp']:g}",
        ),
        width="stretch",
    )
if not flow.empty:
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
if np.any(flow["triaged"] > 0) if "triaged" in flow else False:
    st.caption("The queue reached its ceiling (backlog_ceiling_months): the excess is triaged, not queued.")
st.caption(
    "Timeliness is the forecast on every other page: the plan in force is the service as it is, so it "
    "changes timeliness only through the workforce levers of a scenario (Scenarios page)."
)
if not projection.timeliness.empty:
    st.plotly_chart(
        lines(
            projection.timeliness,
            x="month",
            y="on_time_pct",
            colour="measure",
            title="Timeliness: forecast",
            y_title="% on time",
        ),
        width="stretch",
    )
    download_buttons(projection.timeliness, "timeliness", key="timeliness")
