"""Data: which data set is active; upload a scorecard (wide or long, CSV/XLSX) and see located problems."""
import io

import pandas as pd
import streamlit as st

from forecasting.data import (
    UPLOAD_SECONDS,
    load_903_isolated,
    load_upload_isolated,
    month_label,
    replace_side_table,
)
from forecasting.reports import markdown_text, write_template
from ui import state
from ui.downloads import download_buttons
from ui.tables import show_table

st.title("Data")
active = st.container()

with st.expander("Upload your own scorecard", expanded=True):
    st.write(
        "A CSV or Excel file, either **wide** (one row per indicator, one column per month, headings like "
        "Jun-17, 2017-06 or real Excel dates) or **long** (columns indicator, month, value). Problems are "
        "listed with their sheet, row and column; the data in use does not change unless the file is usable."
    )
    generation = st.session_state.setdefault("upload_generation", 0)
    use_reference = st.checkbox(
        "This is the reference council's own data: use its targets, benchmarks and population",
        value=False, help="Leave this off for any other council: its projections are then shown without RAG "
                          "until you add its own targets below.")
    upload = st.file_uploader("Scorecard file", type=["csv", "xlsx", "xlsm", "xls", "txt"],
                              key=f"scorecard_upload_{generation}")
    template = io.BytesIO()
    write_template(template, form="wide", file_format="xlsx")
    st.download_button(
        "Download a blank template (XLSX)",
        template.getvalue(),
        file_name="scorecard-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    if upload is not None:
        reading = f"Reading and checking {markdown_text(upload.name)} (stopped after {UPLOAD_SECONDS:g} s)..."
        with st.spinner(reading):
            uploaded, report = load_upload_isolated(upload.name, upload.getvalue(),  # a worker process
                                                    reference_side_tables=use_reference)
        problems = report.to_frame()
        if report.ok and uploaded is not None:
            state.use_dataset(uploaded)
            st.success(f"Now using {markdown_text(upload.name)}: {len(uploaded.indicator_codes)} indicators, "
                       "last month "
                       f"{month_label(uploaded.last_month)}." + (f" {len(report.warnings)} warning(s) below."
                                                                  if report.warnings else ""))
        else:
            st.error(f"{markdown_text(upload.name)} cannot be used yet: "
                     f"{len(report.errors)} blocking problem(s). "
                     "The data in use has not changed.")
        if not problems.empty:
            show_table(problems[["severity", "file", "sheet", "row", "column", "message", "hint"]])
            download_buttons(problems, "validation report")

with st.expander("Your council's targets, benchmarks or population (optional)"):
    st.write(
        "An uploaded scorecard has no targets, benchmarks or 0-17 population until you give your own "
        "(another council's are never borrowed unless you tick the box above): a CSV with **indicator, "
        "period, target, basis** (targets), **indicator, comparator, value** (benchmarks) or **key, value** "
        "(e.g. population_0_17)."
    )
    side = st.file_uploader("Targets, benchmarks or context CSV", type=["csv"],
                            key=f"side_upload_{st.session_state.get('upload_generation', 0)}")
    if side is not None:
        updated, side_report = replace_side_table(state.active_dataset(), side.name, side.getvalue())
        if updated is not None:
            state.use_dataset(updated)
            st.success(f"{markdown_text(side.name)} is now used for the active data set.")
        else:
            st.error(f"{markdown_text(side.name)} cannot be used yet: "
                     f"{len(side_report.errors)} blocking problem(s).")
        if side_report.problems:
            show_table(side_report.to_frame()[["severity", "row", "column", "message", "hint"]])

with st.expander("Upload SSDA903 return files (children looked after)"):
    st.write("The episodes and header files (and UASC, optional) of one or more 903 returns, CSV or XLSX. "
             "They are turned into monthly counts here (children in care, entries, exits, placement types, "
             "age bands); the child-level rows stay in this session only, never stored or sent anywhere.")
    files_903 = st.file_uploader("903 files", type=["csv", "xlsx"], accept_multiple_files=True,
                                 key=f"ssda903_upload_{st.session_state.get('upload_generation', 0)}")
    if files_903:
        with st.spinner(f"Reading the 903 files (at most {UPLOAD_SECONDS:g} seconds)..."):
            loaded_903 = load_903_isolated([(f.name, f.getvalue()) for f in files_903],
                                           source="uploaded 903 files")  # a worker process
        if loaded_903.ok:
            names_903 = list(loaded_903.datasets)
            authority = st.selectbox("Authority", names_903) if len(names_903) > 1 else names_903[0]
            chosen = loaded_903.datasets[authority]
            state.use_dataset(chosen)
            st.session_state["ssda903"] = loaded_903  # this session only: the Children in care page reads it
            st.success(f"Now using the 903 files ({markdown_text(authority)}): "
                       f"{len(chosen.indicator_codes)} monthly "
                       f"indicators, last month {month_label(chosen.last_month)}.")
            if loaded_903.refused:
                st.warning(f"Not used: {markdown_text(', '.join(sorted(loaded_903.refused)))} — blocking "
                           "errors in their own rows, listed below with file, row and column. The other "
                           f"{len(names_903)} authorit{'y is' if len(names_903) == 1 else 'ies are'} used.")
        else:
            st.error(f"The 903 files cannot be used yet: {len(loaded_903.report.errors)} blocking "
                     "problem(s). The data in use has not changed.")
        if loaded_903.report.problems:
            by_authority = ["authority"] if len(loaded_903.authorities) > 1 else []
            columns_903 = [*by_authority, "severity", "file", "row", "column", "message", "hint"]
            show_table(loaded_903.problems_frame()[columns_903])

dataset = state.active_dataset()
source = (
    "the embedded Jun-18 scorecard (Southampton)" if state.is_embedded() else markdown_text(dataset.source)
)
active.markdown(f"**Active data set:** {source} — {len(dataset.indicator_codes)} indicators, "
                f"last month {month_label(dataset.last_month)}.")
if not state.is_embedded() and active.button("Switch back to the embedded data"):
    state.use_embedded()
    st.session_state["upload_generation"] += 1  # a fresh, empty uploader
    st.rerun()
wide = dataset.observations.pivot(index="unique_id", columns="ds", values="y")
wide.columns = [month_label(m) for m in wide.columns]
names = dataset.indicators.get("name")
if names is not None:
    wide.insert(0, "name", names.reindex(wide.index))
wide.index.name = "indicator"
st.subheader("Monthly values")
st.caption("Blank = not readable in the source or not supplied; it is never guessed.")
months = list(wide.columns[1:] if names is not None else wide.columns)
show_table(wide.reset_index(), units=dataset.indicators.get("unit", pd.Series(dtype=str)).to_dict(),
           value_columns=months)
download_buttons(wide.reset_index(), "monthly values")
if dataset.warnings:
    with st.expander(f"{len(dataset.warnings)} note(s) from loading"):
        for warning in dataset.warnings:
            st.text(warning)
