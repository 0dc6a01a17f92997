"""Scenarios: move the levers, see baseline against scenario for every measure leaders are judged by."""
from pathlib import Path

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    LEVERS,
    PairResult,
    apply_scenario,
    decompose,
    evaluate_targets,
    evidence_table,
    goal_seek,
    goal_seek_pair,
    headline_table,
    horizon_to_march,
    load_scenario,
    save_scenario,
    scenario_from_dict,
    steady_state,
)
from forecasting.reports import decomposition_chart, markdown_text, scenario_chart, scenario_html_report
from ui import state
from ui.downloads import download_buttons
from ui.lever_widgets import GROUP_TITLES, SCENARIO_DIR, lever_inputs, load_into_widgets
from ui.notices import show_coverage

CHARTS = [
    ("referrals", "Referrals a month", "referrals"),
    ("cp_plans", "Children on CP plans", "children"),
    ("lac", "Looked-after children", "children"),
    ("caseload_cin_cp", "CIN/CP caseload per worker", "cases"),
    ("EH4-QL", "Single assessments in 45 days", "%"),
    ("M8-QL", "MASH decisions in 24 hours", "%"),
    ("placement_cost", "Placement spend a month", "£"),
    ("staffing_cost", "Front-line staffing cost a month", "£"),
]

st.title("Scenarios")
dataset = state.active_dataset()
show_coverage(dataset, "scenarios")
last_month = dataset.observations["ds"].max()
five_years = horizon_to_march(dataset, 5)
HORIZONS = {"Engine's default horizon": None,
            f"Five years, to Mar {(last_month + pd.DateOffset(months=five_years)).year}": five_years}
horizon = HORIZONS[st.radio("Horizon", list(HORIZONS), horizontal=True, key="scenario_horizon",
                            help="Five years runs to the fifth 31 March after the last data month; the "
                                 "forecast is run once for it (a few seconds the first time).")]
baseline, calibration = state.scenario_baseline(dataset, horizon)
params = state.parameters()

saved = sorted(SCENARIO_DIR.glob("*.yaml"))
chosen = st.selectbox("Start from a saved scenario", ["(all levers neutral)", *[p.stem for p in saved]])
if st.button("Load it into the levers"):
    levers = (
        {} if chosen.startswith("(") else load_scenario(SCENARIO_DIR / f"{chosen}.yaml").levers.model_dump()
    )
    neutral = {name: spec.neutral for name, spec in LEVERS.items()}
    load_into_widgets(neutral | levers)
    st.rerun()


@st.fragment
def scenario_panel():
    values = {}
    tabs = st.tabs(list(GROUP_TITLES.values()))
    for tab, group in zip(tabs, GROUP_TITLES, strict=True):
        with tab:
            values.update(lever_inputs(group, baseline.months))
    try:
        scenario = scenario_from_dict(
            {
                "schema_version": 1,
                "name": st.session_state.get("scenario_name") or "App scenario",
                "levers": {k: v for k, v in values.items() if v is not None},
            },
            "levers",
        )
    except UserFacingError as exc:
        st.error(str(exc))
        return
    result = apply_scenario(baseline, scenario, calibration, params)
    table = result.table
    last = table["month"].max()
    end = table[table["month"] == last].set_index("measure")
    metrics = st.columns(4)
    for column, (measure, label, _) in zip(metrics, CHARTS[:4], strict=True):
        if measure in end.index:
            delta = end.at[measure, "delta"]
            low, high = end.at[measure, "delta_lo95"], end.at[measure, "delta_hi95"]
            column.metric(f"{label}, {last:%b-%y}", f"{end.at[measure, 'scenario']:,.0f}",
                          f"{delta:+,.1f} vs baseline" if abs(delta) >= 0.05 else None, delta_color="inverse",
                          help=f"95% interval of the change: {low:+,.1f} to {high:+,.1f}" if low != high
                          else None)
    if result.delta_draws:
        st.caption("The change is the levers as set; the shaded bands and the 95% intervals simulate the "
                   "effects over their evidence bands and the calibrated rates (see 'Evidence behind the "
                   "effect levers').")
    for warning in result.flags:
        st.warning(f"Beyond the evidence: {warning}")
    long_run = [stock.sentence() for stock in steady_state(result, calibration)]
    for sentence in long_run:
        st.info(sentence)
    st.session_state["scenario_on_page"] = scenario.levers.model_dump()
    figures = []
    grid = st.columns(2)
    for number, (measure, label, unit) in enumerate(CHARTS):
        frame = result.measure(measure)
        if frame.empty:
            continue
        figure = scenario_chart(frame, title=label, unit_label=unit)
        figures.append((label, figure))
        grid[number % 2].plotly_chart(figure, width="stretch")
    download_buttons(table, "scenario results", key="scenario")
    scenario_targets = evaluate_targets(result.projection, params=params)
    st.subheader("Targets under this scenario")
    st.dataframe(
        scenario_targets[
            ["indicator", "period", "target", "projected", "lo95", "hi95", "probability_met", "rag"]
        ],
        hide_index=True,
        width="stretch",
        key="scenario_targets",
    )
    download_buttons(scenario_targets, "targets under the scenario", key="scenario_targets_download")
    with st.expander("Headline measures under this scenario"):
        st.dataframe(headline_table(result.projection, scenario_targets), hide_index=True, width="stretch",
                     key="scenario_headlines")
    for note in result.notes:
        st.caption(note)
    if scenario.active_groups():
        parts = decompose(baseline, scenario, calibration, params)
        st.plotly_chart(decomposition_chart(parts), width="stretch")
        download_buttons(parts, "decomposition", key="decomposition")
    report = scenario_html_report(
        scenario.name,
        figures,
        {"Scenario results at the last month": end.reset_index(), "Levers": _lever_table(scenario)},
        notes=[*(f"Beyond the evidence: {flag}" for flag in result.flags), *long_run, *result.notes],
        data_source=str(dataset.source),
    )
    st.download_button("Download the scenario report (HTML, opens offline)", report.encode(),
                       file_name="scenario-report.html", mime="text/html")
    with st.form("save"):
        name = st.text_input("Save these levers as (file name)", key="scenario_name")
        overwrite = st.checkbox("Replace a saved scenario with the same name")
        if st.form_submit_button("Save scenario") and name:
            try:
                path = save_scenario(scenario.model_copy(update={"name": name}),
                                     SCENARIO_DIR / f"{Path(name).stem}.yaml", overwrite=overwrite)
                st.success(f"Saved {markdown_text(path.name)}")
            except UserFacingError as exc:
                st.error(str(exc))


def _evidence_expander():
    with st.expander("Evidence behind the effect levers (central value, band, grade, source)"):
        st.dataframe(evidence_table(), hide_index=True, width="stretch", key="evidence_table")


def _lever_table(scenario):
    values = scenario.levers.model_dump()
    return pd.DataFrame(
        [
            {"lever": n, "value": values[n], "unit": s.unit, "neutral": s.neutral, "source": s.source}
            for n, s in LEVERS.items()
        ]
    )


scenario_panel()
_evidence_expander()

st.subheader("Compare saved scenarios")
picked = st.multiselect("Scenarios", [p.stem for p in saved], default=[p.stem for p in saved][:3])
if picked:
    rows = []
    for stem in picked:
        table = apply_scenario(
            baseline, load_scenario(SCENARIO_DIR / f"{stem}.yaml"), calibration, params
        ).table
        end = table[table["month"] == table["month"].max()].set_index("measure")["scenario"]
        rows.append({"scenario": stem, **{label: end.get(measure) for measure, label, _ in CHARTS}})
    comparison = pd.DataFrame(rows)
    st.dataframe(comparison, hide_index=True, width="stretch")
    download_buttons(comparison, "scenario comparison", key="comparison")

st.subheader("Goal-seek: what would it take?")
# only what the data has
targets = dataset.targets[dataset.targets["indicator"].isin(dataset.indicator_codes)]
options = [f"{r.indicator}:{r.period}" for r in targets.itertuples()]
numeric = [n for n, s in LEVERS.items() if s.low is not None and s.monotone]
if not options:
    st.info("No target in this data set is for an indicator it holds; add your targets on the Data page.")
    st.stop()
on_page = st.session_state.get("scenario_on_page")
with st.form("goalseek"):
    target = st.selectbox(
        "Target", options, index=options.index("LAC1:2019-20") if "LAC1:2019-20" in options else 0
    )
    lever = st.selectbox("Lever", numeric, index=numeric.index("edge_of_care_extra_exits")
                         if "edge_of_care_extra_exits" in numeric else 0)
    probability = st.slider("Chance of meeting it", 0.1, 0.9, 0.5, 0.05)
    second = st.selectbox("Second lever (optional): the cheapest combination of the two",
                          ["(none)", *numeric],
                          help="Tries five values of the first lever from neutral to the end of its range "
                               "and goal-seeks the second at each; cost is the net cost change over the "
                               "horizon.")
    on_top = st.checkbox("On top of the levers above (the sought lever starts from neutral)", value=True,
                         disabled=on_page is None)
    if st.form_submit_button("Find the smallest lever value"):
        plan = None
        if on_top and on_page is not None:
            chosen_levers = {k: v for k, v in on_page.items() if v is not None}
            plan = scenario_from_dict(
                {"schema_version": 1, "name": "plan on the page", "levers": chosen_levers}, "levers")
        try:
            with st.spinner("Searching..."):
                if second == "(none)":
                    answer = goal_seek(baseline, calibration, dataset, target, lever, probability,
                                       scenario=plan, params=params)
                else:
                    answer = goal_seek_pair(baseline, calibration, dataset, target, lever, second,
                                            probability, scenario=plan, params=params)
            st.session_state["goalseek_answer"] = answer
        except UserFacingError as exc:
            st.session_state.pop("goalseek_answer", None)
            st.error(str(exc))


def _apply_answer(values: dict[str, float]) -> None:
    """Button callback (runs before the widgets are drawn again): the answer goes into the levers' sliders."""
    load_into_widgets(values)
    st.session_state.pop("goalseek_answer", None)


answer = st.session_state.get("goalseek_answer")
if isinstance(answer, PairResult):
    (st.success if answer.best is not None else st.warning)(answer.message)
    st.dataframe(answer.options, hide_index=True, width="stretch", key="goalseek_pair_options")
    if answer.best is not None:
        chosen = {name: float(answer.best[name]) for name in answer.levers}
        words = " and ".join(f"{name.replace('_', ' ')} = {value:g}" for name, value in chosen.items())
        st.button(f"Apply {words} to the levers above", on_click=_apply_answer, args=(chosen,))
elif answer is not None:
    (st.success if answer.met else st.warning)(answer.message)
    if answer.met and answer.value is not None and answer.lever in LEVERS:
        st.button(f"Apply {answer.lever.replace('_', ' ')} = {answer.value:g} to the levers above",
                  on_click=_apply_answer, args=({answer.lever: float(answer.value)},))
