"""Forecasts: any indicator's history and forecast fan, the model used and why, accuracy against naive."""
import streamlit as st

from forecasting.planning import indicator_words
from forecasting.reports import fan_chart, figure_text, markdown_text, probability_text
from ui import state
from ui.downloads import download_buttons
from ui.horizon_accuracy import accuracy_by_months_ahead
from ui.notices import show_missing_targets
from ui.rag import rag_badge
from ui.tables import show_table

st.title("Forecasts")
dataset = state.active_dataset()
result = state.forecast_result(dataset)
projection = state.projection(dataset)
catalogue = dataset.indicators
codes = [c for c in dataset.indicator_codes if c in set(result.forecasts["indicator"])]
labels = {code: indicator_words(code, catalogue) for code in codes}
default = codes.index("LAC1") if "LAC1" in codes else 0
code = st.selectbox("Indicator", codes, index=default, format_func=labels.get)
unit = catalogue.at[code, "unit"] if "unit" in catalogue and code in catalogue.index else "count"
if "name" in catalogue and code in catalogue.index:
    st.caption(f"{markdown_text(code)}: {markdown_text(catalogue.at[code, 'name'])}")

forecast = projection.forecasts[projection.forecasts["indicator"] == code]
targets = state.target_table(dataset)
show_missing_targets(dataset)
own_targets = targets[targets["indicator"] == code]
benchmarks = dataset.benchmarks[dataset.benchmarks["indicator"] == code]
compare = st.toggle("Compare all candidate methods", value=False)
candidates = None
if compare:
    candidates = result.all_forecasts[(result.all_forecasts["indicator"] == code)
                                      & (result.all_forecasts["model"] != forecast["model"].iloc[0])]
st.plotly_chart(fan_chart(dataset.series(code), forecast, title=labels[code], unit=unit, targets=own_targets,
                          benchmarks=benchmarks, candidates=candidates), width="stretch")
st.info(markdown_text(result.explanations.get(code, "")))
with st.expander("The forecast month by month"):
    show_table(forecast, units={code: unit})
    download_buttons(forecast, f"{code} forecast", key="forecast")

if not own_targets.empty:
    st.subheader("Targets")
    for row in own_targets.itertuples():
        range95 = (f" (95% range {figure_text(row.lo95, unit)} to {figure_text(row.hi95, unit)})"
                   if row.lo95 == row.lo95 and row.lo95 != row.hi95 else "")
        st.markdown(
            f"{rag_badge(row.rag)} **{markdown_text(row.period)}**: target {figure_text(row.target, unit)}, "
            f"projected {figure_text(row.projected, unit)}{range95}, chance of meeting it "
            f"{probability_text(row.probability_met)}.  \n{markdown_text(row.explanation)}"
        )

st.subheader("How each method did on past data")
backtest = result.backtest[result.backtest["indicator"] == code].drop(columns="indicator")
st.caption(
    "MASE below 1 means smaller errors than 'next month = this month' had on the same months; coverage is "
    "how often the 80% / 95% range held the actual value in the back-test (checked on other indicators). "
    "Every term is explained in the glossary on the Method page."
)
show_table(backtest)
download_buttons(backtest, f"{code} back-test", key="backtest")

st.subheader("How far ahead the forecasts held (every indicator)")
st.caption(
    "Each indicator's forecast method was refitted at every past month and checked against every later month "
    "the data has, pooled over indicators by months ahead. Targets sit 9 to 21 months after the last data "
    "month, so the later bands matter most; where the history is too short to check them, it says so."
)
_, lines = accuracy_by_months_ahead(dataset, result)
st.markdown("\n".join(f"- {markdown_text(line)}" for line in lines))
