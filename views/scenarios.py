"""Scenarios: move the levers and see, against the targets, whether the plan gets there: baseline and scenario
at every target date still ahead (chance of meeting it, RAG), the charts with their target lines, saved
scenarios compared, goal-seek."""

from pathlib import Path

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    LEVERS,
    PairResult,
    decompose,
    evidence_table,
    goal_seek,
    goal_seek_pair,
    horizon_to_march,
    indicator_words,
    pathway_evidence_table,
    scenario_file_name,
    scenario_from_dict,
    scenario_yaml,
    steady_state,
)
from forecasting.reports import scenario_html_report
from ui import derived, saved_scenarios
from ui.downloads import download_buttons
from ui.lazy import lazy_expander
from ui.lever_widgets import (
    GROUP_TITLES,
    lever_label,
    lever_panel,
    levers_to_url,
    load_into_widgets,
    neutral_levers,
    restore_levers,
    show_group,
)
from ui.notices import show_coverage
from ui.scenario_charts import CHARTS, scenario_charts
from ui.scenario_compare import (
    comparison,
    decomposition_figures,
    format_change,
    format_measure,
    lever_rows,
    results_table,
    scenario_title,
)
from ui.scenario_targets import show_answer, styled_targets
from ui.tables import show_table

NEUTRAL = "(all levers neutral)"
CHARTS_KEY, CHARTS_KEPT = "scenario_charts_shown", "scenario-kept-charts"
DEFAULT_CHARTS = ["Looked-after children"]  # the leader's first question: children in care against targets

st.title("Scenarios")
basis = derived.current()  # the data set and this session's edits: the key of every shared table below
dataset = basis.dataset
show_coverage(dataset, "scenarios")
last_month = dataset.observations["ds"].max()
UNITS = dataset.indicators["unit"].to_dict() if "unit" in dataset.indicators else {}
five_years = horizon_to_march(dataset, 5)
HORIZONS = {"Engine's default horizon": None,
            f"Five years, to Mar {(last_month + pd.DateOffset(months=five_years)).year}": five_years}
horizon = HORIZONS[st.radio("Horizon", list(HORIZONS), horizontal=True, key="scenario_horizon",
                            help="Five years runs to the fifth 31 March after the last data month; the "
                                 "forecast is run once for it (a few seconds the first time).")]
try:
    baseline, calibration = derived.baseline(basis, horizon)
except UserFacingError as exc:  # e.g. a data set without contacts (M1): say so, never an error box
    st.error(str(exc))
    st.stop()
params = basis.params
if (problem := restore_levers()) is not None:
    st.warning(problem)
if (message := st.session_state.pop(saved_scenarios.FLASH_KEY, None)) is not None:
    st.success(message)

choices = saved_scenarios.choices()
chosen = st.selectbox("Start from a saved scenario", [NEUTRAL, *choices],
                      format_func=lambda key: choices.get(key, key))
if st.button("Load it into the levers"):
    try:
        levers = {} if chosen == NEUTRAL else saved_scenarios.load(chosen).levers.model_dump()
        load_into_widgets(neutral_levers() | levers)
        st.rerun()
    except UserFacingError as exc:
        st.error(str(exc))
upload = st.file_uploader("Open a scenario file (YAML) you saved before", type=["yaml", "yml"],
                          key="scenario_upload")
if upload is not None and st.session_state.get("scenario_upload_done") != upload.file_id:
    st.session_state["scenario_upload_done"] = upload.file_id
    try:
        stem = saved_scenarios.add_upload(upload.name, upload.getvalue())
        st.session_state[saved_scenarios.FLASH_KEY] = f"Added {stem} to your scenarios: choose it above."
        st.rerun()
    except UserFacingError as exc:
        st.error(str(exc))


def _scenario(values: dict):
    return derived.page_scenario(values, st.session_state.get("scenario_name"))


def _save_form(scenario) -> None:
    signed_in = saved_scenarios.identity() is not None
    with st.form("save"):
        name = st.text_input("Save these levers as", key="scenario_name", max_chars=120,
                             help="A name in words, e.g. 'Edge of care, 2 more exits a month'.")
        overwrite = st.checkbox("Replace a saved scenario with the same name")
        submitted = st.form_submit_button("Save scenario" if signed_in else "Keep in this session's list")
    if submitted:
        try:
            st.session_state[saved_scenarios.FLASH_KEY] = saved_scenarios.keep(scenario, name, overwrite)
            st.rerun()
        except UserFacingError as exc:
            st.error(str(exc))
    if not signed_in:
        try:
            file_name, named = scenario_file_name(name), scenario.model_copy(update={"name": name.strip()})
        except UserFacingError:  # no name yet, or one the save form refuses in words
            file_name, named = "scenario.yaml", scenario
        st.download_button("Download these levers as a scenario file (YAML)", scenario_yaml(named).encode(),
                           file_name=file_name, mime="application/x-yaml", key="scenario_yaml_download",
                           help="Sign-in is off, so nothing is kept on the server: keep the file and open it "
                                "here again later.")


def _baseline_targets() -> pd.DataFrame:
    """Every target on the baseline, worked out once per baseline and shared (a slider change does not move
    it)."""
    return derived.baseline_targets(basis, horizon)


def _metrics(end: pd.DataFrame, last) -> None:
    columns = [*st.columns(2), *st.columns(2)]  # two by two: labels stay whole at 1024 px
    for column, (measure, label, unit, _) in zip(columns, CHARTS[:4], strict=True):
        if measure in end.index:
            delta = end.at[measure, "delta"]
            low, high = end.at[measure, "delta_lo95"], end.at[measure, "delta_hi95"]
            column.metric(f"{label}, {last:%b-%y}", format_measure(end.at[measure, "scenario"], unit),
                          f"{format_change(delta, unit)} vs baseline" if abs(delta) >= 0.05 else None,
                          delta_color="inverse",
                          help=f"95% interval of the change: {format_change(low, unit)} to "
                               f"{format_change(high, unit)}" if low != high else None)


def _draw_charts(figures: list) -> None:
    """The charts the user picks (Looked-after children first): each chart is drawn by the browser, a few
    hundred milliseconds apiece on a busy machine, so only the chosen ones are (issue 16 part 6, a page switch
    under 1 s). The choice is kept for the session; the report download still holds every chart."""
    labels = [label for label, _ in figures]
    if CHARTS_KEY not in st.session_state:  # Streamlit drops a widget's own state when the page is left
        kept = st.session_state.get(CHARTS_KEPT, DEFAULT_CHARTS)
        st.session_state[CHARTS_KEY] = [label for label in kept if label in labels] or (
            [] if CHARTS_KEPT in st.session_state else labels[:1])
    chosen = st.pills("Charts: baseline against the scenario, with the target lines", labels,
                      selection_mode="multi", key=CHARTS_KEY, on_change=_keep_charts,
                      help="Pick the measures to chart; each extra chart takes the browser a moment to "
                           "draw. The downloadable report holds them all.")
    shown = [(label, figure) for label, figure in figures if label in chosen]
    if not shown:
        st.caption("No chart picked: choose a measure above to see its chart.")
        return
    grid = st.columns(2) if len(shown) > 1 else [st.container()]
    for number, (_, figure) in enumerate(shown):
        grid[number % len(grid)].plotly_chart(figure, width="stretch")


def _keep_charts() -> None:
    st.session_state[CHARTS_KEPT] = list(st.session_state[CHARTS_KEY] or [])


def _targets_table(scenario_targets: pd.DataFrame) -> None:
    st.dataframe(
        styled_targets(scenario_targets[["indicator", "period", "target", "projected", "lo95", "hi95",
                                         "probability_met", "rag", "explanation"]], dataset),
        hide_index=True, width="stretch", key="scenario_targets",
        column_config={"indicator": "Indicator", "period": "Year", "target": "Target",
                       "projected": "Projected", "lo95": "95% range from", "hi95": "95% range to",
                       "probability_met": "Chance of meeting it", "rag": "RAG",
                       "explanation": "In words"})
    download_buttons(scenario_targets, "targets under the scenario", key="scenario_targets_download")


@st.fragment
def scenario_panel():
    answer_box = st.container()  # the answer first, above the levers that change it
    values = lever_panel(baseline.months)
    try:
        scenario = _scenario(values)
    except UserFacingError as exc:
        st.error(str(exc))
        return
    levers_to_url(scenario.levers.model_dump())
    st.session_state["scenario_on_page"] = scenario.levers.model_dump()
    result = derived.scenario_result(basis, scenario, horizon)  # apply_scenario, shared by every session
    baseline_targets = _baseline_targets()
    scenario_targets = derived.scenario_targets(basis, scenario, horizon)  # evaluate_targets, shared
    table = result.table
    last = table["month"].max()
    end = table[table["month"] == last].set_index("measure")
    with answer_box:
        answer = show_answer(baseline_targets, scenario_targets, dataset)
        _metrics(end, last)
    if result.delta_draws:

        st.caption("The change is the levers as set; the shaded bands and the 95% intervals simulate the "
                   "effects and the care pathway's assumptions over their evidence bands, and the calibrated "
                   "rates (see 'Evidence behind the effect levers and the care pathway').")
    for warning in result.flags:
        st.warning(f"Beyond the evidence: {warning}")
    long_run = [stock.sentence() for stock in steady_state(result, calibration)]
    for sentence in long_run:
        st.info(sentence)
    figures = [(label, figure) for _, label, figure in scenario_charts(basis, scenario, horizon)]
    _draw_charts(figures)
    download_buttons(table, "scenario results", key="scenario")
    with lazy_expander("Every target under this scenario (all periods, with the explanation)",
                       "scenario_targets_open") as shown:
        if shown:
            _targets_table(scenario_targets)
    with lazy_expander("Headline measures under this scenario", "scenario_headlines_open") as shown:
        if shown:
            show_table(derived.scenario_headlines(basis, scenario, horizon), units=UNITS,
                       key="scenario_headlines")
    for note in result.notes:
        st.caption(note)
    if scenario.active_groups() and st.toggle(
            "Show where the change comes from (each group of levers' share)", key="scenario_decompose",
            help="Runs the scenario once for every combination of lever groups (a second or two), so it is "
                 "worked out only when shown."):
        parts = decompose(baseline, scenario, calibration, params)
        for title, figure in decomposition_figures(parts, {m: t for m, t, _, _ in CHARTS}, GROUP_TITLES):
            st.plotly_chart(figure, width="stretch")
            figures.append((title, figure))
        download_buttons(parts, "decomposition", key="decomposition")
    title = scenario_title(st.session_state.get("scenario_name"), scenario)
    tables = {"Will we hit the targets?": answer,
              f"Results at {last:%b %Y}": results_table(end, [(m, t, u) for m, t, u, _ in CHARTS]),
              "Levers changed": lever_rows(scenario)}
    notes = [*(f"Beyond the evidence: {flag}" for flag in result.flags), *long_run, *result.notes]
    source = Path(str(dataset.source)).name  # the data set's name, never the server's folder
    st.download_button(  # the report is built when asked for, not on every slider change
        "Download the scenario report (HTML, opens offline)", file_name="scenario-report.html",
        mime="text/html",
        data=lambda: scenario_html_report(title, figures, tables, notes=notes, data_source=source).encode())
    _save_form(scenario)


def _evidence_expander():
    with lazy_expander("Evidence behind the effect levers and the care pathway (central value, band, grade, "
                       "source)", "scenario_evidence_open") as shown:
        if not shown:
            return
        show_table(evidence_table().assign(lever=lambda f: f["lever"].map(lever_label)), key="evidence_table")
        st.caption("The care pathway's assumptions, drawn over their bands in the intervals too (a band "
                   "scales with the value in force):")
        pathway = pathway_evidence_table().assign(parameter=lambda f: f["parameter"].map(
            lambda name: params[name].label if name in params else name))
        show_table(pathway.rename(columns={"parameter": "Assumption"}), key="pathway_evidence_table")


scenario_panel()
_evidence_expander()

st.subheader("Compare saved scenarios")
mine = list(choices)
picked = st.multiselect("Scenarios", mine, default=[key for key in mine if key != "baseline"][:3],
                        format_func=lambda key: choices.get(key, key))
if picked:
    try:
        loaded = {choices[key]: saved_scenarios.load(key) for key in picked}
    except UserFacingError as exc:
        st.error(str(exc))
        loaded = {}
    if loaded:
        results = {label: (derived.scenario_result(basis, plan, horizon),
                           derived.scenario_targets(basis, plan, horizon)) for label, plan in loaded.items()}
        numbers, words = comparison(_baseline_targets(), results, dataset,
                                    [(m, t, u) for m, t, u, _ in CHARTS])
        st.dataframe(words, hide_index=True, width="stretch", key="scenario_comparison",
                     height=35 * (len(words) + 1) + 3)  # every row shown, no inner scroll
        download_buttons(numbers, "scenario comparison", key="comparison")

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
        "Target", options, index=options.index("LAC1:2019-20") if "LAC1:2019-20" in options else 0,
        format_func=lambda key: "{}, {}".format(indicator_words(key.split(":")[0], dataset.indicators),
                                                key.split(":")[1]))
    lever = st.selectbox("Lever", numeric, index=numeric.index("edge_of_care_extra_exits")
                         if "edge_of_care_extra_exits" in numeric else 0, format_func=lever_label)
    probability = st.slider("Chance of meeting it", 10, 90, 50, 5, format="%d%%") / 100
    second = st.selectbox("Second lever (optional): the cheapest combination of the two",
                          ["(none)", *numeric], format_func=lambda n: n if n == "(none)" else lever_label(n),
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
    show_group(next(iter(values)))  # the sought lever's group, so the user sees it moved
    st.session_state.pop("goalseek_answer", None)


answer = st.session_state.get("goalseek_answer")
if isinstance(answer, PairResult):
    (st.success if answer.best is not None else st.warning)(answer.message)
    st.dataframe(answer.table(), hide_index=True, width="stretch", key="goalseek_pair_options")  # words
    if answer.best is not None:
        chosen = {name: float(answer.best[name]) for name in answer.levers}
        words = " and ".join(f"{lever_label(name).lower()} = {value:g}" for name, value in chosen.items())
        st.button(f"Apply {words} to the levers above", on_click=_apply_answer, args=(chosen,))
elif answer is not None:
    (st.success if answer.met else st.warning)(answer.message)
    if answer.met and answer.value is not None and answer.lever in LEVERS:
        st.button(f"Apply {lever_label(answer.lever).lower()} = {answer.value:g} to the levers above",
                  on_click=_apply_answer, args=({answer.lever: float(answer.value)},))
