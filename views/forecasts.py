"""Forecasts: any indicator's history and forecast fan, the model used and why, accuracy against naive."""
import streamlit as st

from forecasting.reports import fan_chart, markdown_text
from ui import state
from ui.downloads import download_buttons
from ui.notices import show_missing_targets

st.title("Forecasts")
dataset = state.active_dataset()
result = state.forecast_result(dataset)
projection = state.projection(dataset)
catalogue = dataset.indicators
codes = [c for c in dataset.indicator_codes if c in set(result.forecasts["indicator"])]
labels = {
    c: f"{c} — {catalogue.at[c, 'name']}" if "name" in catalogue and c in catalogue.index else c
    for c in codes
}
default = codes.index("LAC1") if "LAC1" in codes else 0
code = st.selectbox("Indicator", codes, index=default, format_func=labels.get)
unit = catalogue.at[code, "unit"] if code in catalogue.index else "count"

forecast = projection.forecasts[projection.forecasts["indicator"] == code]
targets = state.target_table(dataset)
show_missing_targets(dataset)
own_targets = targets[targets["indicator"] == code]
benchmarks = dataset.benchmarks[dataset.benchmarks["indicator"] == code]
compare = st.toggle("Compare all candidate models", value=False)
candidates = None
if compare:
    candidates = result.all_forecasts[(result.all_forecasts["indicator"] == code)
                                      & (result.all_forecasts["model"] != forecast["model"].iloc[0])]
st.plotly_chart(fan_chart(dataset.series(code), forecast, title=labels[code], unit=unit, targets=own_targets,
                          benchmarks=benchmarks, candidates=candidates), width="stretch")
st.info(markdown_text(result.explanations.get(code, "")))
download_buttons(forecast, f"{code} forecast", key="forecast")

if not own_targets.empty:
    st.subheader("Targets")
    for row in own_targets.itertuples():
        st.markdown(f"- **{markdown_text(row.period)}** ({row.rag}): {markdown_text(row.explanation)}")

st.subheader("How each model did on past data")
backtest = result.backtest[result.backtest["indicator"] == code].drop(columns="indicator")
st.caption(
    "MASE below 1 means smaller errors than 'next month = this month' had in sample; coverage is how often "
    "the 80% / 95% range held the actual value in the back-test (checked on other indicators)."
)
st.dataframe(backtest, hide_index=True, width="stretch")
download_buttons(backtest, f"{code} back-test", key="backtest")
