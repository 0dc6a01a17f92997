"""Projection rules on hand-worked toys, each named by the rule it checks: which month is read, derived
indicators that have their own change, a denominator that falls alone, a count's chance of being zero, a table
with no interval, the spread of joint draws. Numbers are worked by hand in the comments."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from forecasting.data import Dataset
from forecasting.planning.projection import Projection

Z95 = 1.959963984540054
JUL, AUG = pd.Timestamp("2018-07-01"), pd.Timestamp("2018-08-01")


def _dataset(units, rules=None, population=None):
    rules = rules or {}
    catalogue = pd.DataFrame(
        {
            "unit": list(units.values()),
            "numerator": [rules.get(c, (None, None))[0] for c in units],
            "denominator": [rules.get(c, (None, None))[1] for c in units],
        },
        index=pd.Index(list(units), name="indicator"),
    )
    obs = pd.DataFrame({"unique_id": list(units), "ds": pd.Timestamp("2018-06-01"), "y": 1.0})
    return Dataset(obs, catalogue, context={"population_0_17": population} if population else {})


def _table(rows):
    """(indicator, month, mean, sd) -> a forecast table whose 95% interval is mean +- 1.96 sd."""
    return pd.DataFrame(
        [
            {"indicator": code, "month": month, "mean": mean,
             "lo95": mean - Z95 * sd, "hi95": mean + Z95 * sd}
            for code, month, mean, sd in rows
        ]
    )


def _means(projection, code):
    return list(projection.forecasts[projection.forecasts["indicator"] == code]["mean"])


class _EngineLike:
    """A ForecastResult stand-in: one distribution row per (indicator, month, scale, loc, sd)."""

    def __init__(self, rows):
        self.distribution = pd.DataFrame(
            [
                {"indicator": c, "month": m, "model": "toy", "scale": s, "loc": loc, "sd": sd,
                 "multiplier": 1.0}
                for c, m, s, loc, sd in rows
            ]
        )

        class Settings:
            levels = (80, 95)

        self.settings = Settings()


def test_each_month_is_read_from_its_own_distribution():
    # X is 100 (sd 10) in July and 200 (sd 20) in August: asking for August must not read July, and v.v.
    projection = Projection.from_table(
        _dataset({"X": "count"}), _table([("X", JUL, 100.0, 10.0), ("X", AUG, 200.0, 20.0)])
    )
    assert projection.quantile("X", AUG, 0.5) == pytest.approx(200.0)
    assert projection.quantile("X", JUL, 0.5) == pytest.approx(100.0)
    assert list(projection.means("X", [AUG, JUL])) == pytest.approx([200.0, 100.0])
    # P(X <= 220 in August) = Phi((220 - 200) / 20) = Phi(1); in July Phi(12) = 1
    assert projection.probability_below("X", AUG, 220.0) == pytest.approx(norm.cdf(1.0))
    assert projection.probability_below("X", JUL, 110.0) == pytest.approx(norm.cdf(1.0))


def test_a_one_month_projection_reads_its_only_month():
    projection = Projection.from_table(_dataset({"X": "count"}), _table([("X", JUL, 42.0, 1.0)]))
    assert list(projection.means("X")) == [42.0]
    assert projection.indicators == ["X"]


def test_rows_are_given_in_the_order_of_the_months_asked_and_a_missing_month_is_named():
    projection = Projection.from_table(
        _dataset({"X": "count", "Y": "count"}),
        _table([("X", JUL, 100.0, 10.0), ("X", AUG, 200.0, 10.0), ("Y", JUL, 7.0, 1.0)]),
    )
    rows = projection.rows("X", [AUG, JUL])
    assert list(rows["loc"]) == [200.0, 100.0]
    assert list(rows.index) == [AUG, JUL]
    assert list(projection.rows("Y")["loc"]) == [7.0]
    with pytest.raises(KeyError, match="No forecast for Y in 2018-08"):
        projection.rows("Y", [JUL, AUG])
    with pytest.raises(KeyError, match="No forecast for Z in 2018-07"):
        projection.rows("Z", [JUL])


def test_a_derived_rate_with_its_own_change_does_not_also_follow_its_count():
    # R = N per 10,000 of 20,000 children (x 0.5). The scenario moves N by -10 and R itself by +1: R takes its
    # own change only, 10 + 1 = 11 (following N as well would give 10 + 1 - 5 = 6).
    dataset = _dataset({"N": "count", "R": "rate_per_10k"}, rules={"R": ("N", "population_0_17")},
                       population=20000)
    base = Projection.from_table(dataset, _table([("N", JUL, 20.0, 1.0), ("R", JUL, 10.0, 1.0)]))
    moved = base.with_deltas({"N": np.array([-10.0]), "R": np.array([1.0])}, "own change")
    assert _means(moved, "N") == pytest.approx([10.0])
    assert _means(moved, "R") == pytest.approx([11.0])
    # without its own change it follows N: 10 - 10 x 0.5 = 5
    follows = base.with_deltas({"N": np.array([-10.0])}, "follows")
    assert _means(follows, "R") == pytest.approx([5.0])


def test_a_percentage_rises_when_its_denominator_alone_falls():
    # P = 100 x N / D = 100 x 20 / 100 = 20%. D falls by 20 to 80 (x 0.8), N unchanged: P = 20 / 0.8 = 25%;
    # in August D falls by 50 to 50 (x 0.5): P = 20 / 0.5 = 40%
    dataset = _dataset({"N": "count", "D": "count", "P": "percent"}, rules={"P": ("N", "D")})
    parts = (("N", 20.0), ("D", 100.0), ("P", 20.0))
    base = Projection.from_table(dataset, _table([(c, m, v, 1.0) for c, v in parts for m in (JUL, AUG)]))
    moved = base.with_deltas({"D": np.array([-20.0, -50.0])}, "fewer in the denominator")
    assert _means(moved, "P") == pytest.approx([25.0, 40.0])
    assert _means(moved, "D") == pytest.approx([80.0, 50.0])


def test_a_count_on_the_log_scale_has_a_chance_of_being_exactly_zero():
    # log1p scale, loc 1, sd 1: value(Z) = max(expm1(1 + Z), 0), which is 0 when Z <= -1, so
    # P(X <= 0) = Phi(-1) = 0.158655; and a value below 0 has probability 0
    engine = _EngineLike([("X", JUL, "log1p", 1.0, 1.0)])
    projection = Projection.from_forecast(_dataset({"X": "count"}), engine)
    assert projection.probability_below("X", JUL, 0.0) == pytest.approx(norm.cdf(-1.0))
    assert projection.probability_below("X", JUL, -0.5) == 0.0
    # and at the median: expm1(1) = 1.718282
    assert projection.probability_below("X", JUL, float(np.expm1(1.0))) == pytest.approx(0.5)


def test_a_table_with_no_interval_is_a_certain_value():
    # lo95 = hi95 = 100: sd 0, so P(X <= 100.1) = 1 and P(X <= 99.9) = 0 (not a normal with some spread)
    projection = Projection.from_table(_dataset({"X": "count"}), _table([("X", JUL, 100.0, 0.0)]))
    assert projection.probability_below("X", JUL, 100.1) == 1.0
    assert projection.probability_below("X", JUL, 99.9) == 0.0
    assert projection.forecasts[["lo95", "hi95"]].iloc[0].tolist() == [100.0, 100.0]


def test_joint_draws_keep_each_months_spread_and_full_correlation_moves_months_together():
    projection = Projection.from_table(
        _dataset({"X": "count"}), _table([("X", JUL, 1000.0, 10.0), ("X", AUG, 1000.0, 10.0)])
    )
    # equal pairwise correlation 0.5: each month is still N(1000, 10) (variance 0.5 + 0.5 of the sd squared)
    draws = projection.draws("X", [JUL, AUG], 20_000, 0.5, 3)
    assert draws.shape == (20_000, 2)
    assert draws.std(axis=0) == pytest.approx([10.0, 10.0], rel=0.03)
    assert np.corrcoef(draws.T)[0, 1] == pytest.approx(0.5, abs=0.03)
    # correlation 1: one shock drives both months, which are the same distribution, so they are equal
    together = projection.draws("X", [JUL, AUG], 50, 1.0, 3)
    np.testing.assert_allclose(together[:, 0], together[:, 1])


def test_an_unknown_indicator_is_named_with_the_months_asked():
    projection = Projection.from_table(_dataset({"X": "count"}), _table([("X", JUL, 100.0, 10.0)]))
    with pytest.raises(KeyError, match="No forecast for Z in 2018-07"):
        projection.probability_below("Z", JUL, 1.0)
    with pytest.raises(KeyError, match="No forecast for X in 2018-08"):
        projection.quantile("X", AUG, 0.5)


def test_a_percentage_follows_a_count_whose_baseline_is_below_one():
    # N is 0.5 a month at baseline, P = 100 x N / D = 0.5%; N rises by 0.5 to 1.0 (x 2), so P = 1.0%
    dataset = _dataset({"N": "count", "D": "count", "P": "percent"}, rules={"P": ("N", "D")})
    base = Projection.from_table(dataset, _table([("N", JUL, 0.5, 0.0), ("D", JUL, 100.0, 1.0),
                                                  ("P", JUL, 0.5, 0.1)]))
    moved = base.with_deltas({"N": np.array([0.5])}, "more")
    assert _means(moved, "P") == pytest.approx([1.0])


def test_a_percentage_whose_numerator_falls_to_nothing_is_certainly_zero():
    # N 20 -> 0: P = 100 x 0 / 100 = 0 whatever its own spread, so P(P <= 5) = 1 and every quantile is 0
    dataset = _dataset({"N": "count", "D": "count", "P": "percent"}, rules={"P": ("N", "D")})
    base = Projection.from_table(dataset, _table([("N", JUL, 20.0, 1.0), ("D", JUL, 100.0, 1.0),
                                                  ("P", JUL, 20.0, 2.0)]))
    moved = base.with_deltas({"N": np.array([-20.0])}, "none left")
    assert moved.probability_below("P", JUL, 5.0) == 1.0
    assert moved.probability_below("P", JUL, 0.0) == 1.0
    assert moved.quantile("P", JUL, 0.975) == 0.0


def test_an_indicator_a_scenario_does_not_move_keeps_its_baseline_quantiles_beside_effect_draws():
    # X moved by -10 at the point, its two effect draws by -5 and -15; Y untouched: Y's 97.5% point stays
    # 50 + 1.96 x 2 = 53.92 and its P(Y <= 52) = Phi(1)
    base = Projection.from_table(_dataset({"X": "count", "Y": "count"}),
                                 _table([("X", JUL, 100.0, 10.0), ("Y", JUL, 50.0, 2.0)]))
    moved = base.with_deltas({"X": np.array([-10.0])}, "x", draws={"X": np.array([[-5.0], [-15.0]])})
    assert moved.has_effect_draws
    assert moved.quantile("Y", JUL, 0.975) == pytest.approx(50 + Z95 * 2)
    assert moved.probability_below("Y", JUL, 52.0) == pytest.approx(norm.cdf(1.0))
    y = moved.forecasts[moved.forecasts["indicator"] == "Y"].iloc[0]
    assert y["mean"] == 50.0
    assert (y["lo95"], y["hi95"]) == (pytest.approx(50 - Z95 * 2), pytest.approx(50 + Z95 * 2))


def test_months_given_as_text_are_read_as_dates():
    distribution = pd.DataFrame({"indicator": ["X", "X"], "month": ["2018-07-01", "2018-08-01"],
                                 "model": "toy", "scale": "identity", "loc": [100.0, 200.0], "sd": 10.0,
                                 "multiplier": 1.0, "shift": 0.0, "lower": 0.0, "upper": np.inf})
    projection = Projection(_dataset({"X": "count"}), distribution)
    assert pd.api.types.is_datetime64_any_dtype(projection.distribution["month"])
    assert list(projection.months) == [JUL, AUG]
    assert projection.quantile("X", AUG, 0.5) == 200.0
