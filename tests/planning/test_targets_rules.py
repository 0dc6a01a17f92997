"""Target rules on hand-computed toys: which month is the year end, what an annual total adds up,
RAG thresholds."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.targets import evaluate_targets, period_months, rag_status

try:        # the "one projection object" rewrite reads a Projection; before it, the forecast table itself
    from forecasting.planning.projection import Projection
except ImportError:  # pragma: no cover - depends on which side of the rewrite this runs
    Projection = None

Z95 = 1.959963984540054


def _evaluate(dataset, forecasts):
    source = Projection.from_table(dataset, forecasts) if Projection is not None else forecasts
    return evaluate_targets(source, today=dt.date(2018, 7, 1), params=load_parameters(include_levers=False))


def _dataset(targets) -> Dataset:
    # observed Apr-Jun 2018 (10 a month), forecast Jul 2018 .. Jun 2019
    observed = pd.date_range("2018-04-01", periods=3, freq="MS")
    obs = pd.DataFrame({"unique_id": "X", "ds": observed, "y": 10.0})
    catalogue = pd.DataFrame({"unit": ["count"], "polarity": ["lower_is_better"]},
                             index=pd.Index(["X"], name="indicator"))
    return Dataset(
        obs, catalogue, targets=pd.DataFrame(targets, columns=["indicator", "period", "target", "basis"])
    )


def _forecasts(sd=1.0):
    # the forecast in month k (Jul 2018 = 1) is 100 x k: Feb 2019 800, Mar 2019 900, Apr 2019 1000
    months = pd.date_range("2018-07-01", periods=12, freq="MS")
    means = 100.0 * np.arange(1, 13)
    return pd.DataFrame({"indicator": "X", "month": months, "mean": means, "lo95": means - Z95 * sd,
                         "hi95": means + Z95 * sd})


def test_a_financial_year_runs_april_to_march():
    months = period_months("2018-19")
    assert (months[0], months[-1], len(months)) == (
        pd.Timestamp("2018-04-01"),
        pd.Timestamp("2019-03-01"),
        12,
    )
    assert period_months("2019-20")[-1] == pd.Timestamp("2020-03-01")
    with pytest.raises(ValueError, match="financial year"):
        period_months("FY19")


def test_year_end_level_is_the_march_value():
    # 2018-19 year end = March 2019, forecast 900 (sd 1); February (800) or April (1000) would be wrong.
    # target 905, lower is better: P(<= 905) = Phi(5) ~ 1 -> Green; gap 900 - 905 = -5
    table = _evaluate(_dataset([("X", "2018-19", 905.0, "year_end_level")]), _forecasts())
    row = table.iloc[0]
    assert row["projected"] == pytest.approx(900.0)
    assert row["target_date"] == dt.date(2019, 3, 31)
    assert row["gap"] == pytest.approx(-5.0)
    assert row["probability_met"] == pytest.approx(1.0, abs=1e-6)
    assert row["lo95"] == pytest.approx(900 - Z95) and row["hi95"] == pytest.approx(900 + Z95)
    # target 899: P(<= 899) = Phi(-1) = 0.158655 -> Red
    row = _evaluate(_dataset([("X", "2018-19", 899.0, "year_end_level")]), _forecasts()).iloc[0]
    assert row["probability_met"] == pytest.approx(0.158655, abs=1e-5)
    assert row["rag"] == "Red"


def test_annual_total_adds_april_to_march():
    # observed Apr-Jun 10 + 10 + 10 = 30; forecast Jul..Mar = 100 + 200 + ... + 900 = 4,500 -> 4,530
    # (a spread of ~0 so the total is exact whichever way it is computed)
    table = _evaluate(_dataset([("X", "2018-19", 5000.0, "annual_total"),
                                ("X", "2018-19", 400.0, "monthly_rate")]), _forecasts(sd=1e-6))
    total, rate = table.iloc[0], table.iloc[1]
    assert total["projected"] == pytest.approx(4530.0, rel=1e-6)
    assert total["probability_met"] == pytest.approx(1.0)
    assert rate["projected"] == pytest.approx(4530.0 / 12, rel=1e-6)           # 377.5 <= 400
    assert rate["probability_met"] == pytest.approx(1.0)


def test_rag_thresholds_are_inclusive():
    params = with_overrides(load_parameters(include_levers=False),
                            {"rag_green_probability": 0.8, "rag_amber_probability": 0.5})
    assert rag_status(0.8, params) == "Green"        # exactly at the green threshold is Green
    assert rag_status(0.7999, params) == "Amber"
    assert rag_status(0.5, params) == "Amber"        # exactly at the amber threshold is Amber
    assert rag_status(0.4999, params) == "Red"
    assert rag_status(1.0, params) == "Green" and rag_status(0.0, params) == "Red"
    assert rag_status(np.nan, params) == "Grey" and rag_status(None, params) == "Grey"
    # the thresholds are the parameters, not fixed numbers
    params = with_overrides(params, {"rag_green_probability": 0.9, "rag_amber_probability": 0.6})
    assert [rag_status(p, params) for p in (0.85, 0.9, 0.55, 0.6)] == ["Amber", "Green", "Red", "Amber"]
