"""Method & assumptions: every parameter with its source and year; the back-test of every model; whether the
timeliness-from-load model beats naive and the engine; a glossary of every term and indicator code."""
import pandas as pd
import streamlit as st

from forecasting.planning import (
    describe_validation,
    indicator_words,
    parameter_table,
    rolling_validation,
    validation_summary,
)
from forecasting.reports import GLOSSARY, VALUE_WORDS
from ui import state
from ui.downloads import download_buttons
from ui.tables import show_table

st.title("Method & assumptions")
st.markdown(
    "**Forecasts.** Every indicator is forecast with statsforecast methods suited to how much history there "
    "is. Each method is back-tested on the council's own past (pretend it is an earlier month, forecast the "
    "next 1-3 months, compare with what happened, repeat). By default the forecast is the Combination (an "
    "average of exponential smoothing and theta, weighted halfway between equal shares and how well "
    "each did on the back-test), which on public series was more accurate than "
    "picking whichever method did best on a few back-test months; each indicator's page says which method "
    "it uses and how it did against 'next month = this month' (MASE). The 80% / 95% ranges start from each "
    "method's own month-to-month spread and grow with the months ahead as forecast errors grew on public "
    "series with the same length of history; the back-test shows how often they held this data's past. "
    "Counts never go below zero and percentages stay within 0-100; rates per 10,000 are their count's "
    "forecast divided by the 0-17 population, so they always agree. Terms are explained in the glossary "
    "at the end of this page.\n\n"
    "**Scenarios** are applied as changes on top of these forecasts: with every lever at its neutral value "
    "the scenario equals the forecast exactly."
)

st.subheader("Assumptions")
st.caption("Change unit costs on the Finance page; scenario levers on the Scenarios page. 'Assumption' means "
           "no public figure was found: replace it with local evidence.")
table = parameter_table(state.parameters())
show_table(table)
download_buttons(table, "assumptions")

st.subheader("Back-test of every model on every indicator")
result = state.forecast_result()
backtest = result.backtest
show_table(backtest, catalogue=state.active_dataset().indicators)
download_buttons(backtest, "back-test")

st.subheader("Timeliness from staffing: does the load model earn its place?")
st.markdown(
    "The Workforce and Scenarios pages move timeliness (M8-QL, EH4-QL, CP8-QL) with staffing through a "
    "model of each team's load (work arriving, work waiting in a queue, or open cases against the FTE "
    "carrying work, with a queue that carries over at most a set number of months of work). Each way of "
    "measuring the load is scored below on the engine's own back-test months: fitted on the months before "
    "each origin, then run on with the **actual** demand of the months it predicts (an advantage naive and "
    "the engine do not have). Errors are mean absolute errors in percentage points. A load other than the "
    "team's own is used only where it beats both 'same as last month' (naive) and the engine's forecast, "
    "with a load effect at every origin. The same figures are in `python -m forecasting workforce` (sheet "
    "'timeliness validation')."
)


@st.cache_data(show_spinner=False, max_entries=state.MAX_DATA_SETS, ttl=state.CACHE_TTL_SECONDS)
def _validation(key: str, _dataset, _result):
    return rolling_validation(_dataset, _result)


validation = _validation(state.fingerprint(state.active_dataset()), state.active_dataset(), result)
if validation.empty:
    st.info("This data set lacks the history the timeliness model needs (contacts, assessments or open cases "
            "with their timeliness measures).")
else:
    st.markdown("**Which measures use what, and why**")
    for line in validation_summary(validation):
        st.markdown(f"- {line}")
    st.markdown("**Every load scored**")
    for line in describe_validation(validation):
        st.markdown(f"- {line}")
    show_table(validation)
    download_buttons(validation, "timeliness model validation", key="timeliness-validation")

st.subheader("Glossary")
st.caption("Every term, abbreviation and indicator code the pages use, in plain words.")
glossary = pd.DataFrame(GLOSSARY, columns=["Term", "Meaning"])
st.dataframe(glossary, hide_index=True, width="stretch", row_height=60,
             column_config={"Meaning": st.column_config.TextColumn(width="large")})
catalogue = state.active_dataset().indicators
codes = pd.DataFrame({
    "Code": catalogue.index,
    "In short": [indicator_words(code).removesuffix(f" ({code})") if indicator_words(code) != code else ""
                 for code in catalogue.index],
    "Full name": catalogue.get("name", pd.Series("", index=catalogue.index)).fillna("").to_numpy(),
    "Unit": [VALUE_WORDS.get(str(unit), str(unit)) for unit in catalogue.get("unit", [""] * len(catalogue))],
    "Better when": [VALUE_WORDS.get(str(p), str(p)).replace("neither", "")
                    for p in catalogue.get("polarity", [""] * len(catalogue))],
})
st.markdown("**Indicator codes in this data set**")
st.dataframe(codes, hide_index=True, width="stretch")
download_buttons(pd.concat([glossary, codes.rename(columns={"Code": "Term", "Full name": "Meaning"})[
    ["Term", "Meaning"]]]), "glossary", key="glossary")
