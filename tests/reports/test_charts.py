"""Chart builders return plotly figures with the traces a reader expects."""
import pandas as pd

from forecasting.reports.charts import decomposition_chart, fan_chart, scenario_chart, small_multiples

MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")
FORECAST = pd.DataFrame({"month": MONTHS, "mean": [10.0, 11, 12], "lo80": [8.0, 8, 8], "hi80": [12.0, 14, 16],
                         "lo95": [6.0, 6, 6], "hi95": [14.0, 16, 18]})
HISTORY = pd.Series([9.0, 10.0], index=pd.date_range("2018-05-01", periods=2, freq="MS"))


def test_fan_chart_has_bands_actuals_forecast_target_and_benchmark():
    targets = pd.DataFrame(
        {"period": ["2019-20"], "target": [390.0], "target_date": [pd.Timestamp("2020-03-31")]}
    )
    benchmarks = pd.DataFrame({"comparator": ["england"], "value": [11.0]})
    figure = fan_chart(HISTORY, FORECAST, title="LAC", targets=targets, benchmarks=benchmarks)
    names = [trace.name for trace in figure.data]
    assert names[:4] == ["95% range", "80% range", "Actual", "Forecast (central)"]
    assert "Target 2019-20" in names
    assert figure.layout.shapes and figure.layout.shapes[0].y0 == 11.0
    forecast_line = figure.data[3]
    assert list(forecast_line.y) == [10.0, 10.0, 11.0, 12.0]  # joined to the last actual


def test_percent_axis_is_0_to_100():
    figure = fan_chart(HISTORY, FORECAST, unit="percent")
    assert tuple(figure.layout.yaxis.range) == (0, 100)


def test_small_multiples_one_panel_each():
    figure = small_multiples([("A", HISTORY, FORECAST), ("B", HISTORY, FORECAST)], columns=2)
    assert [a.text for a in figure.layout.annotations] == ["A", "B"]


def test_scenario_and_decomposition_charts():
    measure = pd.DataFrame({"month": MONTHS, "baseline": [1.0, 2, 3], "scenario": [1.0, 1.5, 2]})
    assert [t.name for t in scenario_chart(measure, title="x").data] == ["Baseline forecast", "Scenario"]
    parts = pd.DataFrame({"measure": ["lac", "lac"], "lever_group": ["early_help", "edge_of_care"],
                          "contribution": [-8.0, -63.0]})
    figure = decomposition_chart(parts)
    assert [t.name for t in figure.data] == ["early help", "edge of care"]
    assert sum(t.x[0] for t in figure.data) == -71.0
