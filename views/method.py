"""Method & assumptions: every parameter with its source and year; the back-test of every model; whether the
timeliness-from-load model beats naive and the engine."""
import streamlit as st

from forecasting.planning import describe_validation, parameter_table, rolling_validation
from ui import state
from ui.downloads import download_buttons

st.title("Method & assumptions")
st.markdown(
    "**Forecasts.** Every indicator is forecast with statsforecast models chosen by how much history there "
    "is. Each candidate is back-tested on the council's own past (rolling origin: fit on the months up to a "
    "point, forecast the next 1-3, repeat) and the one with the smallest scaled error (MASE; 1.0 = as good "
    "as 'next month = this month') is used. Intervals are widened until they covered 80% / 95% of past "
    "errors, checked on other indicators. Counts never go below zero and percentages stay within 0-100; "
    "rates per 10,000 are their count's forecast divided by the 0-17 population, so they always agree.\n\n"
    "**Scenarios** are applied as changes on top of these forecasts: with every lever at its neutral value "
    "the scenario equals the forecast exactly."
)

st.subheader("Assumptions")
st.caption("Change unit costs on the Finance page; scenario levers on the Scenarios page. 'Assumption' means "
           "no public figure was found: replace it with local evidence.")
table = parameter_table(state.parameters())
st.dataframe(table, hide_index=True, width="stretch")
download_buttons(table, "assumptions")

st.subheader("Back-test of every model on every indicator")
result = state.forecast_result()
backtest = result.backtest
st.dataframe(backtest, hide_index=True, width="stretch")
download_buttons(backtest, "back-test")

st.subheader("Timeliness from staffing: does the load model earn its place?")
st.markdown(
    "The Workforce and Scenarios pages move timeliness (M8-QL, EH4-QL, CP8-QL) with staffing through a "
    "model of each team's load (work arriving or open cases against the FTE carrying work, with a queue "
    "that carries over at most a set number of months of work). It is scored below on the engine's own "
    "back-test months: fitted on the months before each origin, then run on with the **actual** demand of "
    "the months it predicts (an advantage naive and the engine do not have). Errors are in percentage "
    "points. Whatever the result, the engine's forecast is the baseline everywhere; the model only gives the "
    "change staffing makes."
)


@st.cache_data(show_spinner=False, max_entries=8)
def _validation(key: str, _dataset, _result):
    return rolling_validation(_dataset, _result)


validation = _validation(state.fingerprint(state.active_dataset()), state.active_dataset(), result)
if validation.empty:
    st.info("This data set lacks the history the timeliness model needs (contacts, assessments or open cases "
            "with their timeliness measures).")
else:
    for line in describe_validation(validation):
        st.markdown(f"- {line}")
    st.dataframe(validation, hide_index=True, width="stretch")
    download_buttons(validation, "timeliness model validation", key="timeliness-validation")
