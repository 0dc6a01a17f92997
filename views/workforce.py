"""Workforce: the staffing plan (upload, edit, download), the planner's answer (FTE needed, gap, recruits by
when, cost), staffing and cost month by month, caseload per worker and timeliness (which load each timeliness
curve reads, scored against naive). Every figure comes from `planning.workforce_view`, the function the
`workforce` command calls; the page's choices are kept for the session (they survive going to another page
and back)."""

import streamlit as st

from forecasting.planning import (
    TEAMS,
    describe_validation,
    rolling_validation,
    validation_summary,
)
from forecasting.reports import header_words, lines
from ui import derived, state
from ui.downloads import download_buttons
from ui.lazy import lazy_expander
from ui.notices import show_coverage
from ui.plan_editor import queue_rules_editor, staffing_plan_editor

MEASURE_WORDS = {
    "M8-QL": "MASH decisions within 24 hours (M8-QL)",
    "EH4-QL": "Single assessments within 45 working days (EH4-QL)",
    "CP8-QL": "Children on CP plans seen within 15 working days (CP8-QL)",
}
QUEUE_WORDS = {
    "backlog": "Waiting at the end of the month",
    "triage_threshold": "Triage starts above",
    "ceiling": "Most carried over (ceiling)",
    "screened_out": "Triaged out on the day",
    "over_ceiling": "Closed past the ceiling",
}
MONEY = (
    "employed_cost",
    "agency_cost",
    "recruitment_cost",
    "management_cost",
    "support_cost",
    "staffing_cost",
)


def kept_input(key: str, default: float) -> str:
    """The widget key, its value restored from where it is kept (Streamlit drops a widget's own state when
    the page is left)."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(f"workforce-kept-{key}", default)
    return key


def keep(key: str) -> None:
    """on_change: copy a widget's value to where it is kept for this session."""
    st.session_state[f"workforce-kept-{key}"] = st.session_state[key]


def answer_columns(frame) -> dict:
    """The answer tables' headers in words and figures rounded (FTE to one decimal, money in whole pounds);
    the values stay the package's own (the CLI's, exactly), only what is shown changes."""
    config: dict = {"team": None}  # the team in words is beside it
    for name in frame.columns.drop("team", errors="ignore"):
        label = header_words(name, spell_out=True)
        if name.startswith("cost_"):
            config[name] = st.column_config.NumberColumn(label, format="£%,.0f")
        elif frame[name].dtype.kind == "f":
            config[name] = st.column_config.NumberColumn(label, format="%,.1f")
        else:
            config[name] = st.column_config.Column(label)
    return config


def chart_wanted(name: str, label: str) -> bool:
    """A toggle for a chart below the answer: each chart takes the browser a moment to draw, so only the
    answer's chart is drawn unasked (issue 16 part 6, a page switch under 1 s); the choice is kept."""
    key = kept_input(f"chart-{name}", False)
    return st.toggle(label, key=key, on_change=keep, args=(key,))


@st.cache_data(show_spinner=False, max_entries=8)
def _validation(key: str, _dataset, _result):
    return rolling_validation(_dataset, _result)


st.title("Workforce")
basis = derived.current()
dataset = basis.dataset
coverage = show_coverage(dataset, "workforce")
teams = [team for team in TEAMS if coverage.has(team)] + ["early_help"]  # a team without demand is left out
baseline, calibration = derived.baseline(basis)
params = basis.params
capacity = baseline.effects.capacity

st.subheader("The answer: staff needed, the gap, recruits by when and the cost")
left, right = st.columns(2)
norms = {}
for column, team, label in (
    (left, "cin_cp", "CIN/CP teams"),
    (right, "lac", "looked-after children's teams"),
):
    spec = params[f"caseload_norm_{team}"]
    key = kept_input(f"norm-{team}", float(spec.value))
    norms[team] = column.number_input(
        f"Caseload norm, {label} (children per worker)",
        float(spec.low),
        float(spec.high),
        step=0.5,
        key=key,
        on_change=keep,
        args=(key,),
        help=f"{spec.source} ({spec.year})",
    )
targets = {}
columns = st.columns(3)
for column, (measure, words) in zip(columns, MEASURE_WORDS.items(), strict=True):
    if measure in baseline.projection.indicators:
        key = kept_input(f"target-{measure}", 0.0)
        pct = column.number_input(
            f"Target: {words}, % (0 = none)", 0.0, 99.0, step=1.0, key=key, on_change=keep, args=(key,)
        )
        if pct > 0:
            targets[measure] = pct
view = derived.workforce(basis, norms, targets)  # workforce_view(baseline, params, norms, targets), shared
sizing = view.sizing
summary = sizing.summary[sizing.summary["team"].isin(teams)]
st.dataframe(summary, hide_index=True, width="stretch", column_config=answer_columns(summary))
totals = sizing.summary.set_index("team")
st.dataframe(
    sizing.summary[sizing.summary["team"].isin(["all_social_work", "all"])],
    hide_index=True,
    width="stretch",
    column_config=answer_columns(summary),
)
social = totals.loc["all_social_work"] if "all_social_work" in totals.index else totals.loc["all"]
metrics = st.columns(4)
metrics[0].metric(
    "Social workers needed at the peak",
    f"{social['fte_needed']:,.1f}",
    help=f"{social['team_name']}; peak {social['peak_month']}",
)
metrics[1].metric(
    "Social workers to recruit",
    f"{social['recruits_needed']:,.1f}",
    help="Filling vacancies first, then replacing agency workers, then new posts",
)
metrics[2].metric("Closing the gap, employed, a year", f"£{social['cost_employed_year']:,.0f}")
metrics[3].metric("Closing the gap, agency, a year", f"£{social['cost_agency_year']:,.0f}")
if "early_help" in totals.index:
    early, everyone = totals.loc["early_help"], totals.loc["all"]
    st.caption(
        f"Early Help family workers: {early['fte_needed']:,.1f} FTE needed at the peak against "
        f"{early['filled_fte']:,.1f} filled posts; all teams together need {everyone['fte_needed']:,.1f} "
        f"FTE and {everyone['recruits_needed']:,.1f} recruits."
    )
st.markdown("\n".join(f"- {line}" for line in sizing.answer() if not line.startswith("All ")))
for note in sizing.notes:
    st.caption(note)
needed = sizing.by_month[sizing.by_month["team"].isin(teams)]
st.plotly_chart(
    lines(needed, x="month", y="fte_needed", colour="team", title="FTE needed by month", y_title="FTE"),
    width="stretch",
)
download_buttons(sizing.summary, "workforce answer", key="answer")
schedule = sizing.schedule[sizing.schedule["team"].isin(teams)]
if len(schedule):
    with lazy_expander("Recruits by when: each month the gap grows, who to approve, start and when",
                       "workforce_schedule_open") as shown:
        if shown:  # drawn when opened (ui/lazy.py)
            st.dataframe(schedule, hide_index=True, width="stretch", column_config=answer_columns(schedule))
            download_buttons(schedule, "recruitment schedule", key="schedule")
download_buttons(needed, "FTE needed by month", key="fte")

st.subheader("Staffing plan")
staffing_plan_editor(params)

st.subheader("Staffing and cost month by month")
totals_by_month = (
    view.flows.groupby("month")[["filled", "vacancies", "agency"]]
    .sum()
    .reset_index()
    .melt(id_vars="month", var_name="measure", value_name="fte")
)
if chart_wanted("staffing", "Chart: filled posts, vacancies and agency cover by month"):
    st.plotly_chart(
        lines(
            totals_by_month,
            x="month",
            y="fte",
            colour="measure",
            title="Filled posts, vacancies and agency cover, all teams (leavers replaced as now)",
            y_title="FTE",
        ),
        width="stretch",
    )
download_buttons(view.flows, "staffing flows by team and month", key="flows")
st.caption(
    "Front-line staff (salary with on-costs by grade, agency premium, recruitment and retention) plus the "
    "team managers and business support staff their posts need (named ratios and salaries, under 'Where "
    "the figures come from'); a part year says how many months it covers."
)
st.dataframe(
    view.cost_by_year,
    hide_index=True,
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="£%,.0f") for c in MONEY},
)
download_buttons(view.costs, "staffing cost by team and month", key="costs")

st.subheader("Caseload and timeliness with this plan")
st.caption(
    "MASH and assessment capacity per worker is read off the history: "
    + (" ".join(capacity.describe()) if capacity is not None else "not possible on this data set.")
)
by_team = view.projection.by_team[view.projection.by_team["team"].isin(teams)]
holding = by_team[by_team["team"].isin(["cin_cp", "lac"])]
flow = by_team[by_team["team"].isin(["mash", "assessment"])]
wanted = chart_wanted("caseload", "Charts: children and work per worker by month")
left, right = st.columns(2) if wanted else (None, None)
if left is not None and not holding.empty:
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
if right is not None and not flow.empty:
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

st.markdown("**The front door and assessment queues: ceiling and triage**")
for line in view.queue_words:
    st.markdown(f"- {line}")
with lazy_expander("Change the queue rules (assumptions: set them to your service's)",
                   "workforce_rules_open") as shown:
    if shown:
        queue_rules_editor(params)
queue = view.queue[view.queue["team"].isin(teams)]
if len(queue) and queue["backlog"].max() > 0.5 and chart_wanted(
        "queue", "Chart: MASH contacts waiting, the triage threshold and ceiling, contacts triaged out"):
    front = queue[queue["team"] == "mash"].melt(
        id_vars="month", value_vars=list(QUEUE_WORDS), var_name="measure", value_name="contacts"
    ).replace({"measure": QUEUE_WORDS})  # fmt: skip
    st.plotly_chart(
        lines(front, x="month", y="contacts", colour="measure", y_title="contacts",
              title="MASH: contacts waiting, when triage starts, the ceiling, contacts triaged out a month"),
        width="stretch",
    )  # fmt: skip
download_buttons(queue, "queue and triage by month", key="queue")
st.caption(
    "Timeliness is the forecast on every other page: the plan in force is the service as it is, so it "
    "changes timeliness only through the workforce levers of a scenario (Scenarios page)."
)
timeliness = view.projection.timeliness
if not timeliness.empty:
    if chart_wanted("timeliness", "Chart: timeliness forecast by month"):
        st.plotly_chart(
            lines(
                timeliness, x="month", y="on_time_pct", colour="measure", title="Timeliness: forecast",
                y_title="% on time",
            ),
            width="stretch",
        )  # fmt: skip
    download_buttons(timeliness, "timeliness", key="timeliness")

st.subheader("Which load moves timeliness: work arriving, work waiting or work done")
st.markdown(
    "Each timeliness measure moves with staffing through the load on its team. The load can be the work the "
    "team has done (assessments completed, open cases), the work arriving at it (referrals, S47 enquiries "
    "and new CP plans) or the work waiting in its queue (assessments started less those completed). Each is "
    "scored on the engine's own back-test months against 'same as last month' (naive) and the engine's "
    "forecast: a load other than the team's own is used only where it beats both, with a load effect. "
    "Errors are in percentage points; the same table is on the Method page."
)
for line in view.loads["words"]:
    st.markdown(f"- {line}")
validation = _validation(state.fingerprint(dataset), dataset, state.forecast_result(dataset))
if len(validation):
    for line in validation_summary(validation)[1:]:  # the baseline's why is in the caption above the chart
        st.markdown(f"- {line}")
    with lazy_expander("The errors side by side (model, naive, the engine's forecast)",
                       "workforce_errors_open") as shown:
        if shown:
            for line in describe_validation(validation):
                st.markdown(f"- {line}")
            st.dataframe(validation, hide_index=True, width="stretch")
            download_buttons(validation, "timeliness load validation", key="timeliness-validation")
