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


def test_direction_boundary_at_two_percent():
    assert _direction(2.0, "lower_is_better") == "+2% on a year before (worse)"
    assert _direction(-2.0, "lower_is_better") == "-2% on a year before (better)"
    assert _direction(1.99, "higher_is_better") == "+2% on a year before"  # under 2%: no judgement
    assert _direction(float("nan"), "higher_is_better") == "-"


def test_headline_words_use_each_indicators_polarity_and_the_target_table(embedded_dataset):
    result = run_forecast(embedded_dataset)
    projection = Projection.from_forecast(embedded_dataset, result)
    targets = evaluate_targets(projection)
    table = headline_table(projection, targets).set_index("indicator")
    # EH4-QL (higher is better): 48% in Jun-18 against 82% in Jun-17 -> -41%, worse
    assert table.at["EH4-QL", "vs_year_before"] == "-41% on a year before (worse)"
    # M2 (no polarity): 215 against 307 -> -30%, no judgement; LAC1 534 vs 526 = +1.5%: under 2%
    assert table.at["M2", "vs_year_before"] == "-30% on a year before"
    assert table.at["LAC1", "vs_year_before"] == "+2% on a year before"
    row = targets[(targets.indicator == "LAC1") & (targets.period == "2018-19")].iloc[0]
    assert table.at["LAC1", "p_met_2018_19"] == row["probability_met"]
    assert table.at["LAC1", "rag_2018_19"] == row["rag"]
    march = result.forecasts[(result.forecasts.indicator == "LAC1")
                             & (result.forecasts.month == pd.Timestamp("2019-03-01"))].iloc[0]
    assert table.at["LAC1", "range95_2018_19"] == f"{march['lo95']:,.0f} to {march['hi95']:,.0f}"
    assert "target_2018_19" in table.columns and pd.isna(table.at["M1", "target_2018_19"])
