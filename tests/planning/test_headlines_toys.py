"""Headline rules on a hand-worked toy, each named by the rule it checks: no change on a year before when that
month was zero, no better/worse for an indicator the catalogue does not describe, the year-end projection and
its 95% range in words, and the target columns only where a target exists."""

from types import SimpleNamespace

import pandas as pd

from forecasting.planning.headlines import headline_table

MONTHS = pd.date_range("2017-06-01", "2018-06-01", freq="MS")  # Jun 2017 .. Jun 2018


def _toy(targets=None):
    observed = {
        "A": pd.Series([0.0] + [40.0] * 11 + [50.0], index=MONTHS),  # a year before the latest: 0
        "B": pd.Series([100.0] + [110.0] * 11 + [120.0], index=MONTHS),  # +20%, not in the catalogue
    }
    catalogue = pd.DataFrame({"polarity": ["higher_is_better"]}, index=pd.Index(["A"], name="indicator"))
    forecasts = pd.DataFrame({"indicator": ["A", "A"], "month": pd.to_datetime(["2019-03-01", "2020-03-01"]),
                              "mean": [55.0, 60.0], "lo95": [40.2, 44.5], "hi95": [69.8, 1234.5]})
    projection = SimpleNamespace(dataset=SimpleNamespace(indicators=catalogue), forecasts=forecasts,
                                 table=lambda codes, months: forecasts[forecasts["indicator"].isin(codes)
                                                                       & forecasts["month"].isin(months)],
                                 observed=lambda code: observed.get(code, pd.Series(dtype=float)))
    targets = targets if targets is not None else pd.DataFrame(
        columns=["indicator", "period", "target", "probability_met", "rag"])
    return headline_table(projection, targets, headlines=(("A", "Alpha"), ("B", "Beta"), ("C", "Gamma")))


def test_no_change_on_a_year_before_when_that_month_was_zero():
    table = _toy().set_index("indicator")
    assert table.at["A", "vs_year_before"] == "-"
    assert table.at["A", "latest"] == 50.0 and table.at["A", "latest_month"] == "Jun-18"


def test_an_indicator_the_catalogue_does_not_describe_gets_no_better_or_worse():
    # B: 120 against 100 a year before = +20%, and no polarity: the change without a judgement
    table = _toy().set_index("indicator")
    assert table.at["B", "vs_year_before"] == "+20% on a year before"
    assert list(table.index) == ["A", "B"]  # C has no data: no row


def test_the_year_end_projections_and_their_95_ranges_in_words():
    table = _toy().set_index("indicator")
    assert table.at["A", "projected_2018_19"] == 55.0 and table.at["A", "projected_2019_20"] == 60.0
    assert table.at["A", "range95_2018_19"] == "40 to 70"
    assert table.at["A", "range95_2019_20"] == "44 to 1,234"  # 44.5 and 1,234.5 round to even
    assert pd.isna(table.at["B", "projected_2018_19"])
    assert "target_2018_19" not in table.columns  # no targets at all: no target columns


def test_a_target_fills_its_year_only():
    targets = pd.DataFrame([{"indicator": "A", "period": "2019-20", "target": 65.0, "probability_met": 0.3,
                             "rag": "Red"},
                            {"indicator": "B", "period": "2018-19", "target": 1.0, "probability_met": 0.9,
                             "rag": "Green"}])
    table = _toy(targets).set_index("indicator")
    assert table.at["A", "target_2019_20"] == 65.0
    assert (table.at["A", "p_met_2019_20"], table.at["A", "rag_2019_20"]) == (0.3, "Red")
    assert pd.isna(table.at["A", "target_2018_19"])
    assert (table.at["B", "target_2018_19"], table.at["B", "rag_2018_19"]) == (1.0, "Green")
    assert pd.isna(table.at["B", "target_2019_20"])
