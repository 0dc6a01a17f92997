"""The staffing plan on the Workforce page: upload a sheet, edit it in place, download it; the plan becomes
this session's parameters, so every page, scenario and goal-seek uses it. Edits apply as they are typed (a
plan with problems is kept, with the problems, until fixed), so nothing is lost on going to another page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasting.planning import QUEUE_RULES, plan_sources, plan_table, read_plan
from forecasting.reports import to_csv
from ui import state
from ui.downloads import download_buttons
from ui.lazy import lazy_expander

EDITABLE = [
    "establishment_fte",
    "vacancies_fte",
    "agency_fte",
    "turnover_pct",
    "months_to_full_caseload",
    "asye_fte",
]
LABELS = {
    "team_name": "Team",
    "establishment_fte": "Establishment (FTE)",
    "filled_fte": "Filled posts (FTE)",
    "vacancies_fte": "Vacancies (FTE)",
    "agency_fte": "Agency (FTE)",
    "turnover_pct": "Turnover (% a year)",
    "months_to_full_caseload": "Months to a full caseload",
    "asye_fte": "Newly qualified, ASYE (FTE)",
}


EDITOR_KEY = "staffing_plan_editor"
DRAFT_KEY = "workforce-kept-plan-draft"  # an edited plan with problems, kept until fixed (not lost)


def merge_edits(table: pd.DataFrame, edits: dict) -> pd.DataFrame:
    """`table` with a data editor's `edited_rows` ({row: {column: value}}) applied."""
    edited = table.copy()
    for row, changes in (edits or {}).get("edited_rows", {}).items():
        for column, number in changes.items():
            edited.loc[edited.index[int(row)], column] = number
    return edited


def _on_edit(table: pd.DataFrame, params) -> None:
    """on_change: an edit applies at once to every page of this session when the plan is valid; otherwise
    the edited plan is kept, with its problems shown, so nothing is lost on leaving the page."""
    edited = merge_edits(table, st.session_state.get(EDITOR_KEY))
    overrides, report = read_plan("the edited plan", to_csv(edited), params)
    if overrides is None:
        st.session_state[DRAFT_KEY] = (edited, report.to_frame())
        return
    st.session_state.pop(DRAFT_KEY, None)
    state.set_parameter_overrides({**state.parameter_overrides(), **overrides})


def _use(overrides: dict[str, float]) -> None:
    """Make the plan this session's: merged into the parameter overrides every page reads (an edited plan
    kept with problems is replaced by it)."""
    st.session_state.pop(DRAFT_KEY, None)
    state.set_parameter_overrides({**state.parameter_overrides(), **overrides})
    st.rerun()


def _apply(filename: str, content: bytes, params) -> None:
    overrides, report = read_plan(filename, content, params)
    if overrides is None:
        st.error("The plan was not used: fix these problems and try again.")
        st.dataframe(report.to_frame(), hide_index=True, width="stretch")
        return
    for problem in report.warnings:
        st.caption(f"Note: {problem.message}")
    if any(params[name].value != number for name, number in overrides.items()):
        _use(overrides)


def staffing_plan_editor(params) -> None:
    """Upload / edit / download the plan; says which figures are assumptions."""
    sources = plan_sources(params)
    assumed = sources[
        sources["status"].str.startswith("assumption")
        & sources["parameter"].str.match(r"(establishment|vacancies|agency|asye)_fte_")
    ]
    if len(assumed):
        st.warning(
            f"{len(assumed)} figures in this plan are assumptions, not your council's (the scorecard has no "
            "staffing figures): enter your establishment, vacancies and agency cover below or upload your "
            "plan. The full list with sources is under 'Where the figures come from'."
        )
    table = plan_table(params)
    draft = st.session_state.get(DRAFT_KEY)
    shown = (draft[0] if draft is not None else table)[["team", "team_name", *EDITABLE]]
    if draft is not None:
        st.error("Your edited plan is not in use yet: fix these problems (it is kept until you do).")
        st.dataframe(draft[1], hide_index=True, width="stretch")
    st.data_editor(
        shown,
        hide_index=True,
        width="stretch",
        key=EDITOR_KEY,
        on_change=_on_edit,
        args=(shown, params),
        disabled=["team", "team_name"],
        column_config={
            name: st.column_config.NumberColumn(label, min_value=0.0, format="%.2f")
            for name, label in LABELS.items()
            if name in EDITABLE
        }
        | {"team": None, "team_name": LABELS["team_name"]},
    )
    st.caption("Edits apply as you type, here and on Scenarios and goal-seek, and are kept for the session.")
    upload = st.file_uploader(
        "Upload your plan (CSV or XLSX, the layout of the download below)",
        type=["csv", "xlsx"],
        key="staffing_plan_upload",
    )
    if upload is not None:
        _apply(upload.name, upload.getvalue(), params)
    download_buttons(table, "staffing plan", key="plan")
    with lazy_expander("Where the figures come from (each with its source and year)",
                       "workforce_sources_open") as shown:
        if shown:  # drawn when opened (ui/lazy.py)
            st.dataframe(sources, hide_index=True, width="stretch")
            download_buttons(sources, "workforce assumptions", key="plan-sources")


def _set_rule(name: str) -> None:
    """on_change: a queue rule typed on the page becomes this session's parameter (every page reads it)."""
    typed = float(st.session_state[f"rule-{name}"])
    state.set_parameter_overrides({**state.parameter_overrides(), name: typed})


def queue_rules_editor(params) -> None:
    """The queue rules (QUEUE_RULES: backlog ceiling, triage threshold and share) as number inputs, each
    within its plausible range, with its source; they apply at once to every page of the session."""
    columns = st.columns(len(QUEUE_RULES))
    for column, name in zip(columns, QUEUE_RULES, strict=True):
        spec = params[name]
        key = f"rule-{name}"
        st.session_state[key] = float(spec.value)  # the value in force (kept in the session's parameters)
        column.number_input(
            f"{spec.label} ({spec.unit})",
            float(spec.low),
            float(spec.high),
            step=0.05 if spec.unit.startswith("months") else 1.0,
            key=key,
            on_change=_set_rule,
            args=(name,),
            help=f"{spec.source} ({spec.year})",
        )
