"""The Finance view's month words and financial years worked out without a row-by-row lambda (issue 16,
speed) give exactly what the old code gave: the old functions are kept here verbatim as the reference and
compared on toy tables (uploaded spend in one type of one month, months out of order, a month given twice
with two words) and on the embedded combined plan's finance view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.forecast import run_forecast
from forecasting.planning import finance_view
from forecasting.planning.costs import (
    BASIS_ACTUAL,
    BASIS_ACTUAL_SPEND,
    BASIS_FORECAST,
    PLACEMENT_TYPES,
    financial_years,
    months_in_words,
)
from forecasting.planning.finance import month_basis
from forecasting.planning.parameters import load_parameters
from forecasting.planning.prices import financial_year
from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario

PLAN = Path(__file__).resolve().parents[2] / "scenarios" / "combined-plan.yaml"


def _old_month_basis(by_month: pd.DataFrame) -> pd.Series:
    return by_month.groupby("month")["basis"].agg(
        lambda b: BASIS_ACTUAL_SPEND if (b == BASIS_ACTUAL_SPEND).any() else b.iloc[0]
    )


def _old_months_in_words(months: pd.Series, basis: pd.Series) -> str:
    frame = pd.DataFrame({"month": pd.to_datetime(months), "basis": basis}).drop_duplicates("month")
    frame = frame.sort_values("month")
    parts, run = [], None
    for month, word in frame.itertuples(index=False):
        if run and run[2] == word and (month.year - run[1].year) * 12 + month.month - run[1].month == 1:
            run[1] = month
        else:
            if run:
                parts.append(run)
            run = [month, month, word]
    if run:
        parts.append(run)
    return ", ".join((f"{a:%b %Y}" if a == b else f"{a:%b %Y}-{b:%b %Y}") + f" {w}" for a, b, w in parts)


def _by_type(months, words) -> pd.DataFrame:
    """A by-type table: a row per month and placement type, each month's word on every type."""
    return pd.DataFrame({"month": np.repeat(pd.DatetimeIndex(months), len(PLACEMENT_TYPES)),
                         "placement_type": np.tile(PLACEMENT_TYPES, len(months)),
                         "basis": np.repeat(words, len(PLACEMENT_TYPES))})


def test_month_words_by_hand():
    months = pd.date_range("2018-04-01", periods=6, freq="MS")
    table = _by_type(months, [BASIS_ACTUAL] * 3 + [BASIS_FORECAST] * 3)
    table.loc[7, "basis"] = BASIS_ACTUAL_SPEND  # one type of May 2018 uploaded: the month is actual spend
    words = month_basis(table)
    assert words.tolist() == [BASIS_ACTUAL, BASIS_ACTUAL_SPEND, BASIS_ACTUAL] + [BASIS_FORECAST] * 3
    pd.testing.assert_series_equal(words, _old_month_basis(table))
    shuffled = table.sample(frac=1.0, random_state=3)
    pd.testing.assert_series_equal(month_basis(shuffled), _old_month_basis(shuffled))
    text = months_in_words(table["month"], table["month"].map(words))
    assert text == "Apr 2018 actual, May 2018 actual spend, Jun 2018 actual, Jul 2018-Sep 2018 forecast"
    assert text == _old_months_in_words(table["month"], table["month"].map(words))


@pytest.mark.parametrize("seed", range(5))
def test_month_words_agree_with_the_old_code_on_shuffled_tables(seed):
    rng = np.random.default_rng(seed)
    months = pd.date_range("2017-10-01", periods=30, freq="MS")
    table = _by_type(months, rng.choice([BASIS_ACTUAL, BASIS_FORECAST, BASIS_ACTUAL_SPEND], 30))
    table = table.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    pd.testing.assert_series_equal(month_basis(table), _old_month_basis(table))
    for _, group in table.groupby(financial_years(table["month"])):
        assert months_in_words(group["month"], group["basis"]) == _old_months_in_words(group["month"],
                                                                                        group["basis"])
    # a month given twice with two words: the first one counts, as before
    twice = pd.Series(pd.to_datetime(["2018-05-01", "2018-04-01", "2018-05-01"]), index=[4, 9, 2])
    words = pd.Series([BASIS_FORECAST, BASIS_ACTUAL, BASIS_ACTUAL], index=[4, 9, 2])
    assert months_in_words(twice, words) == _old_months_in_words(twice, words) == (
        "Apr 2018 actual, May 2018 forecast")
    assert months_in_words(twice, words.to_numpy()) == _old_months_in_words(twice, words.to_numpy())
    years = financial_years(table["month"])
    pd.testing.assert_series_equal(years, table["month"].map(financial_year))
    assert years.iloc[0] == financial_year(table["month"].iloc[0])


def test_the_embedded_finance_view_is_unchanged_in_its_words(embedded_dataset):
    params = load_parameters()
    forecast = run_forecast(embedded_dataset, horizon=57)
    baseline, calibration = build_baseline(embedded_dataset, forecast, params)
    view = finance_view(apply_scenario(baseline, load_scenario(PLAN), calibration, params), params)
    by_type = view.spend_by_type
    for (_year, _case), group in by_type.groupby(["financial_year", "case"]):
        assert group["months_basis"].nunique() == 1
    first = by_type.iloc[0]
    assert first["financial_year"] == "2018-19"
    assert first["months_basis"] == "Apr 2018-Jun 2018 actual, Jul 2018-Mar 2019 forecast"
    assert set(view.by_year["months_basis"]) >= {"Apr 2019-Mar 2020 forecast"}
