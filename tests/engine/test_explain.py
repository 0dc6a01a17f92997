"""Plain-words explanations of the model choice."""
import math

from forecasting import run_forecast
from forecasting.engine.explain import error_words


def test_error_words():
    assert error_words({"mae": 10.0, "mape": 6.4}) == "6%"
    assert error_words({"mae": 2.345, "mape": math.nan}) == "2.35 (in the indicator's units)"
    assert error_words({"mae": math.nan, "mape": math.nan}) == "not measurable"
    assert error_words(None) == "not measurable"


def test_every_forecast_indicator_has_a_sentence(embedded_dataset):
    result = run_forecast(embedded_dataset)
    assert set(result.explanations) >= set(result.forecasts["indicator"])
    assert "typical error was" in result.explanations["LAC1"] and "naive's" in result.explanations["LAC1"]
    assert "no readable values" in result.explanations["EH5"]
