"""Targets at their edges, by hand (forecasting.planning.targets):
- an outturn (every month of the year observed) exactly equal to its target is met ("at least" / "at most"),
  P = 1, whichever way is better;
- the words say the forecast months were summed as correlated as soon as there are two of them (one month
  alone has nothing to correlate with)."""

import datetime as dt

import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.parameters import load_parameters, value
from forecasting.planning.projection import Projection
from forecasting.planning.targets import evaluate_targets

Z95 = 1.959963984540054


def _row(last_observed: str, polarity: str, target: float, basis: str = "annual_total"):
    """Indicator X = 10 a month observed from Apr 2017 to `last_observed`, forecast N(10, 1) for 12 months
    after it; one 2018-19 target."""
    history = pd.date_range("2017-04-01", last_observed, freq="MS")
    future = pd.date_range(history[-1] + pd.offsets.MonthBegin(1), periods=12, freq="MS")
    obs = pd.DataFrame({"unique_id": "X", "ds": history, "y": 10.0})
    catalogue = pd.DataFrame({"unit": ["count"], "polarity": [polarity]},
                             index=pd.Index(["X"], name="indicator"))
    targets = pd.DataFrame([("X", "2018-19", target, basis)],
                           columns=["indicator", "period", "target", "basis"])
    dataset = Dataset(obs, catalogue, targets=targets,
                      benchmarks=pd.DataFrame(columns=["indicator", "comparator", "value"]))
    forecast = pd.DataFrame({"indicator": "X", "month": future, "mean": 10.0, "lo95": 10.0 - Z95,
                             "hi95": 10.0 + Z95})
    params = load_parameters(include_levers=False)
    projection = Projection.from_table(dataset, forecast)
    table = evaluate_targets(projection, today=dt.date(2019, 6, 1), params=params)
    return table.iloc[0], params


@pytest.mark.parametrize("polarity", ["higher_is_better", "lower_is_better"])
def test_an_outturn_exactly_on_its_target_is_met(polarity):
    # Apr 2018 - Mar 2019 all observed at 10 a month: total 120 = target 120, met either way (P = 1)
    row, _ = _row("2019-03-01", polarity, 120.0)
    assert row["projected"] == 120.0 and row["lo95"] == 120.0 and row["hi95"] == 120.0
    assert row["probability_met"] == 1.0
    assert "this is an outturn, not a forecast" in row["explanation"]


def test_an_outturn_one_short_of_its_target_is_not_met_when_higher_is_better():
    row, _ = _row("2019-03-01", "higher_is_better", 121.0)
    assert row["probability_met"] == 0.0


def test_an_outturn_average_exactly_on_a_monthly_rate_target_is_met():
    # monthly_rate: the year's total / 12 = 120 / 12 = 10 against a target of 10
    row, _ = _row("2019-03-01", "higher_is_better", 10.0, basis="monthly_rate")
    assert row["projected"] == pytest.approx(10.0) and row["probability_met"] == 1.0


def test_two_forecast_months_are_said_to_be_summed_as_correlated():
    # observed to Jan 2019: 2018-19 is 10 observed months (Apr 2018 - Jan 2019) and 2 forecast (Feb, Mar 2019)
    row, params = _row("2019-01-01", "higher_is_better", 100.0)
    rho = value(params, "annual_total_month_correlation")
    assert (f"Based on 10 observed and 2 forecast month(s) (forecast months assumed correlated at {rho:g})."
            in row["explanation"])


def test_one_forecast_month_has_nothing_to_be_correlated_with():
    # observed to Feb 2019: 11 observed months and 1 forecast (Mar 2019)
    row, _ = _row("2019-02-01", "higher_is_better", 100.0)
    assert "Based on 11 observed and 1 forecast month(s). " in row["explanation"]
    assert "correlated" not in row["explanation"]
