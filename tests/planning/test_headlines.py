"""Headline table: latest value, change on a year before, projections, targets with RAG."""
import pandas as pd

from forecasting import evaluate_targets, run_forecast
from forecasting.planning.headlines import _direction, headline_table
from forecasting.planning.projection import Projection


def test_direction_words():
    assert _direction(6.2, "neutral") == "+6% on a year before"
    assert _direction(-41.0, "higher_is_better") == "-41% on a year before (worse)"
    assert _direction(-10.0, "lower_is_better") == "-10% on a year before (better)"
    assert _direction(1.0, "lower_is_better") == "+1% on a year before"
    assert _direction(None, "neutral") == "-"


def test_headline_table_on_embedded(embedded_dataset):
    result = run_forecast(embedded_dataset)
    projection = Projection.from_forecast(embedded_dataset, result)
    table = headline_table(projection, evaluate_targets(projection)).set_index("indicator")
    assert list(table.index) == ["M1", "M2", "CP6B", "LAC1", "EH4-QL"]
    assert table.at["LAC1", "latest"] == 534 and table.at["LAC1", "latest_month"] == "Jun-18"
    assert table.at["LAC1", "target_2019_20"] == 390 and table.at["LAC1", "target_2018_19"] == 460
    assert table.at["LAC1", "rag_2019_20"] in ("Red", "Amber", "Green")
    march = result.forecasts[(result.forecasts.indicator == "CP6B")
                             & (result.forecasts.month == pd.Timestamp("2020-03-01"))]["mean"].iloc[0]
    assert table.at["CP6B", "projected_2019_20"] == march
    assert table.at["M1", "vs_year_before"] == "+6% on a year before"  # 1433 vs 1357
