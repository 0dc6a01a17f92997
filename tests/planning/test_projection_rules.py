"""Projection rules on hand-computed toys: a table's normal distribution, quantiles and P(value <= v), bounds,
and a scenario's shift of counts and of the rates and percentages derived from them."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from forecasting.data import Dataset
from forecasting.planning.projection import Projection

Z95 = 1.959963984540054
MONTHS = pd.date_range("2018-07-01", periods=2, freq="MS")


def _dataset(units, rules=None, population=None):
    rules = rules or {}
    catalogue = pd.DataFrame({"unit": list(units.values()),
                              "kind": ["ratio" if u == "percent" else "flow" for u in units.values()],
                              "numerator": [rules.get(c, (None, None))[0] for c in units],
                              "denominator": [rules.get(c, (None, None))[1] for c in units]},
                             index=pd.Index(list(units), name="indicator"))
    obs = pd.DataFrame({"unique_id": list(units), "ds": pd.Timestamp("2018-06-01"), "y": 1.0})
    return Dataset(obs, catalogue, context={"population_0_17": population} if population else {})


def _table(rows):
    return pd.DataFrame([{"indicator": code, "month": month, "mean": mean, "lo95": mean - Z95 * sd,
                          "hi95": mean + Z95 * sd} for code, mean, sd in rows for month in MONTHS])


def test_a_table_is_normal_with_sd_from_its_95_interval():
    projection = Projection.from_table(_dataset({"X": "count"}), _table([("X", 100.0, 10.0)]))
    # sd = (hi95 - lo95) / (2 x 1.96) = 10: 80% interval 100 +- 1.28155 x 10
    row = projection.forecasts.iloc[0]
    assert row["mean"] == pytest.approx(100.0)
    assert (row["lo80"], row["hi80"]) == (pytest.approx(87.184484), pytest.approx(112.815516))
    assert projection.quantile("X", MONTHS[0], 0.975) == pytest.approx(100 + Z95 * 10)
    # P(X <= 110) = Phi(1) = 0.841345 ; P(X <= 90) = Phi(-1)
    assert projection.probability_below("X", MONTHS[0], 110.0) == pytest.approx(norm.cdf(1.0))
    assert projection.probability_below("X", MONTHS[1], 90.0) == pytest.approx(norm.cdf(-1.0))
    # a count never goes below 0: P(X <= -1) = 0, and the lower quantiles are floored at 0
    assert projection.probability_below("X", MONTHS[0], -1.0) == 0.0
    small = Projection.from_table(_dataset({"X": "count"}), _table([("X", 5.0, 10.0)]))
    assert small.forecasts["lo95"].iloc[0] == 0.0
    assert small.quantile("X", MONTHS[0], 0.1) == 0.0
    with pytest.raises(KeyError, match="No forecast for X in 2019-01"):
        projection.probability_below("X", "2019-01-01", 1.0)


def test_percentages_stay_within_0_and_100():
    projection = Projection.from_table(_dataset({"P": "percent"}), _table([("P", 95.0, 5.0)]))
    assert projection.forecasts["hi95"].iloc[0] == 100.0        # 95 + 9.8 clipped
    assert projection.probability_below("P", MONTHS[0], 100.0) == 1.0
    assert projection.probability_below("P", MONTHS[0], 95.0) == pytest.approx(0.5)


def test_a_scenario_shifts_counts_and_what_is_derived_from_them():
    dataset = _dataset({"N": "count", "D": "count", "P": "percent", "R": "rate_per_10k"},
                       rules={"P": ("N", "D"), "R": ("N", "population_0_17")}, population=20000)
    base = Projection.from_table(dataset, _table([("N", 20.0, 1.0), ("D", 100.0, 1.0), ("P", 20.0, 1.0),
                                                  ("R", 10.0, 1.0)]))
    moved = base.with_deltas({"N": np.array([-5.0, 0.0]), "D": np.array([0.0, 25.0])}, "scenario")
    n, d, p = (moved.forecasts[moved.forecasts["indicator"] == c]["mean"].to_numpy() for c in ("N", "D", "P"))
    assert list(n) == pytest.approx([15.0, 20.0])                # shifted by the delta, spread kept
    assert list(d) == pytest.approx([100.0, 125.0])
    # P = 100 x N / D follows its parts: x (15/20) / (100/100) = 0.75 in July, x 1 / (125/100) = 0.8 in August
    assert list(p) == pytest.approx([15.0, 16.0])
    # the rate per 10,000 moves with its count by delta x 10,000 / 20,000: -5 x 0.5 = -2.5 in July
    r = moved.forecasts[moved.forecasts["indicator"] == "R"]["mean"].to_numpy()
    assert list(r) == pytest.approx([7.5, 10.0])
    # the shift moves the whole distribution: P(N <= 15) under the scenario = P(N <= 20) at baseline = 0.5
    assert moved.probability_below("N", MONTHS[0], 15.0) == pytest.approx(0.5)
    assert moved.quantile("N", MONTHS[0], 0.975) == pytest.approx(15 + Z95)
    # no change -> the same table, bit for bit
    same = base.with_deltas({"N": np.zeros(2)}, "neutral")
    pd.testing.assert_frame_equal(same.forecasts, base.forecasts)
