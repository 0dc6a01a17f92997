"""Method & assumptions: every parameter with its source and year; the back-test of every model."""
import streamlit as st

from forecasting.planning.parameters import parameter_table
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
