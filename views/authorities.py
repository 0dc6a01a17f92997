"""Authorities: load several councils at once, compare them on one indicator, pick one to work with."""
import plotly.express as px
import streamlit as st

from forecasting.data import PANEL_SECONDS, panel_from_903, panel_isolated
from forecasting.planning import indicator_words
from forecasting.reports import markdown_text, plain_text
from ui import state
from ui.downloads import download_buttons
from ui.tables import show_table

st.title("Compare authorities")
st.write("Upload one long file with columns **authority, indicator, month, value** (CSV or XLSX). Each "
         "authority's rows are checked like a single scorecard; problems name the original row.")
upload = st.file_uploader("Multi-authority file", type=["csv", "xlsx", "xlsm"], key="panel_upload")
if upload is not None:
    with st.spinner(f"Reading and checking every authority (stopped after {PANEL_SECONDS:g} s)..."):
        st.session_state["panel"] = panel_isolated(upload.name, upload.getvalue())  # a worker process
panel = st.session_state.get("panel")
loaded_903 = st.session_state.get("ssda903")  # SSDA903 files read on the Data page (this session only)
if panel is None and loaded_903 is not None and len(loaded_903.authorities) > 1:
    panel = panel_from_903(loaded_903)
    st.caption("Showing the authorities of the SSDA903 files read on the Data page.")
if panel is None:
    st.info("No multi-authority file loaded yet (or SSDA903 files of several authorities on the Data page). "
            "The other pages use one authority at a time.")
    st.stop()
for authority, report in panel.reports.items():
    st.error(f"{markdown_text(authority)}: not used ({len(report.errors)} blocking problem(s))")
    show_table(report.to_frame()[["severity", "file", "row", "column", "message", "hint"]])
if not panel.datasets:
    st.stop()

codes = sorted({code for d in panel.datasets.values() for code in d.indicator_codes})
code = st.selectbox("Indicator", codes, index=codes.index("LAC1") if "LAC1" in codes else 0,
                    format_func=indicator_words)
compare = panel.compare(code)
figure = px.line(compare, x="ds", y="y", color="authority", title=f"{indicator_words(code)} by council",
                 labels={"ds": "Month", "y": indicator_words(code), "authority": "Council"})
st.plotly_chart(plain_text(figure.update_yaxes(tickformat=",")), width="stretch")
download_buttons(compare, f"{code} by authority", key="compare")

chosen = st.selectbox("Work with one authority on the other pages", panel.authorities)
if st.button(f"Use {markdown_text(chosen)}"):
    state.use_dataset(panel.datasets[chosen])
    st.success(f"{markdown_text(chosen)} is now the active data set on every page.")
