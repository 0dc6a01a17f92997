"""The one projection object: hand-computed toy cases, a slow obvious version beside the fast one, and the
derived-indicator rule that used to leave P(met) behind under a scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from forecasting.data import Dataset
from forecasting.engine.models import from_model_scale
from forecasting.planning.projection import Projection
from forecasting.planning.targets import evaluate_targets

MONTHS = pd.date_range("2018-07-01", "2019-03-01", freq="MS")  # 9 forecast months
N = len(MONTHS)
POPULATION = 50_000.0


def toy_dataset(targets=()) -> Dataset:
    history = pd.date_range("2018-04-01", periods=3, freq="MS")
    obs = pd.concat(
        [
            pd.DataFrame({"unique_id": code, "ds": history, "y": value})
            for code, value in (
                ("LAC1", 500.0),
                ("LAC1-NI", 100.0),
                ("M1", 1000.0),
                ("M2", 250.0),
                ("M3", 25.0),
            )
        ],
        ignore_index=True,
    )
    indicators = pd.DataFrame(
        {
            "unit": ["count", "rate_per_10k", "count", "count", "percent"],
            "polarity": ["lower_is_better"] * 2 + ["neutral"] * 3,
            "numerator": [np.nan, "LAC1", np.nan, np.nan, "M2"],
            "denominator": [np.nan, "population_0_17", np.nan, np.nan, "M1"],
        },
        index=pd.Index(["LAC1", "LAC1-NI", "M1", "M2", "M3"], name="indicator"),
    )
    return Dataset(
        observations=obs,
        indicators=indicators,
        targets=pd.DataFrame(list(targets), columns=["indicator", "period", "target", "basis"]),
        context={"population_0_17": POPULATION},
    )


class EngineLike:
    """Stands in for forecasting.engine.forecast.ForecastResult: a distribution and the interval levels."""

    def __init__(self, rows):
        self.distribution = pd.DataFrame(
            [
                {
                    "indicator": code,
                    "month": month,
                    "model": "toy",
                    "scale": scale,
                    "loc": loc,
                    "sd": sd,
                    "multiplier": multiplier,
                }
                for code, scale, loc, sd, multiplier in rows
                for month in MONTHS
            ]
        )

        class Settings:
            levels = (80, 95)

        self.settings = Settings()


def toy_projection(targets=()) -> Projection:
    lac = ("LAC1", "identity", 500.0, 10.0, 1.0)
    rate = ("LAC1-NI", "identity", 500.0, 10.0, 10_000 / POPULATION)  # = LAC1 per 10,000 children
    m1, m2 = ("M1", "identity", 1000.0, 50.0, 1.0), ("M2", "identity", 250.0, 20.0, 1.0)
    m3 = ("M3", "logit", 0.0, 0.2, 1.0)  # 50% at the centre
    return Projection.from_forecast(toy_dataset(targets), EngineLike([lac, rate, m1, m2, m3]))


def test_table_is_read_off_the_distribution():
    projection = toy_projection()
    row = projection.forecasts.query("indicator == 'LAC1'").iloc[0]
    assert row["mean"] == 500.0
    assert row["hi95"] == pytest.approx(500 + 10 * norm.ppf(0.975))
    assert row["lo80"] == pytest.approx(500 - 10 * norm.ppf(0.9))
    rate = projection.forecasts.query("indicator == 'LAC1-NI'").iloc[0]
    assert rate["mean"] == pytest.approx(100.0)  # 500 x 10,000 / 50,000


def test_a_count_delta_moves_the_derived_rate_and_its_probability():
    """The reported bug: a scenario lowered LAC1-NI's projection but P(rate <= target) did not move."""
    projection = toy_projection()
    moved = projection.with_deltas({"LAC1": np.full(N, -50.0)}, "edge of care")
    month = MONTHS[-1]
    # LAC1 500 -> 450, so LAC1-NI 100 -> 90 (450 x 10,000 / 50,000); its sd is 10 x 0.2 = 2 a child
    assert moved.quantile("LAC1-NI", month, 0.5) == pytest.approx(90.0)
    assert moved.probability_below("LAC1-NI", month, 91.0) == pytest.approx(norm.cdf((91 - 90) / 2))
    assert projection.probability_below("LAC1-NI", month, 91.0) == pytest.approx(norm.cdf((91 - 100) / 2))
    # targets read the same: P(LAC1-NI <= 95 at 31 Mar 2019), baseline N(100, 2) and scenario N(90, 2)
    with_target = toy_projection([("LAC1-NI", "2018-19", 95, "year_end_level")])
    assert evaluate_targets(with_target)["probability_met"].iloc[0] == pytest.approx(norm.cdf(-2.5))
    scenario = with_target.with_deltas({"LAC1": np.full(N, -50.0)}, "edge of care")
    assert evaluate_targets(scenario)["probability_met"].iloc[0] == pytest.approx(norm.cdf(2.5))


def test_a_derived_percentage_scales_with_its_parts():
    projection = toy_projection()
    moved = projection.with_deltas({"M2": np.full(N, -25.0)}, "fewer referrals")  # M2 250 -> 225 (x 0.9)
    assert moved.quantile("M3", MONTHS[0], 0.5) == pytest.approx(50.0 * 0.9)
    assert moved.quantile("M1", MONTHS[0], 0.5) == 1000.0  # untouched
    both = projection.with_deltas({"M2": np.full(N, -25.0), "M1": np.full(N, -100.0)}, "both")
    assert both.quantile("M3", MONTHS[0], 0.5) == pytest.approx(50.0 * 0.9 / 0.9)


def test_bounds_hold_after_a_large_delta():
    moved = toy_projection().with_deltas({"LAC1": np.full(N, -600.0)}, "too many exits")
    assert moved.quantile("LAC1", MONTHS[0], 0.5) == 0.0  # a count never goes below zero
    assert moved.probability_below("LAC1", MONTHS[0], -1.0) == 0.0
    assert moved.probability_below("LAC1", MONTHS[0], 0.0) == 1.0


def test_neutral_deltas_give_the_same_table_bit_for_bit():
    projection = toy_projection()
    same = projection.with_deltas({"LAC1": np.zeros(N)}, "neutral")
    pd.testing.assert_frame_equal(same.forecasts, projection.forecasts, check_exact=True)


def _slow_value(row, z: float) -> float:
    """The rule written out for one row: clip(multiplier x back(loc + sd z) + shift, lower, upper)."""
    back = float(from_model_scale(np.array([row["loc"] + row["sd"] * z]), row["scale"])[0])
    return min(max(row["multiplier"] * back + row["shift"], row["lower"]), row["upper"])


def test_fast_values_equal_the_slow_version_and_quantiles_invert_probabilities():
    projection = toy_projection().with_deltas(
        {"LAC1": np.linspace(-600.0, 7.0, N), "M2": np.full(N, 30.0)}, "mix"
    )
    rng = np.random.default_rng(1)
    for row in projection.distribution.to_dict("records"):
        z = rng.normal(size=4)
        fast = projection.values_at(row["indicator"], [row["month"]], z[:, None])[:, 0]
        np.testing.assert_allclose(fast, [_slow_value(row, v) for v in z], rtol=1e-12)
        value = _slow_value(row, 0.3)
        if row["lower"] < value < row["upper"]:
            assert projection.probability_below(row["indicator"], row["month"], value) == pytest.approx(
                norm.cdf(0.3), abs=1e-9
            )


def test_from_table_uses_the_95_interval_as_a_normal():
    frame = pd.DataFrame(
        {
            "indicator": "LAC1",
            "month": MONTHS,
            "mean": 480.0,
            "lo95": 480 - 1.959963984540054 * 10,
            "hi95": 480 + 1.959963984540054 * 10,
        }
    )
    projection = Projection.from_table(toy_dataset(), frame)
    assert projection.probability_below("LAC1", MONTHS[0], 490.0) == pytest.approx(norm.cdf(1.0))


# ------------------------------------------------------------------ effect draws (issue 13), hand-computed
def _two_draws():
    """LAC1 moved by -50 at the point; the effect's two draws move it by -40 and -60."""
    projection = toy_projection()
    draws = {"LAC1": np.array([np.full(N, -40.0), np.full(N, -60.0)])}
    moved = projection.with_deltas({"LAC1": np.full(N, -50.0)}, "edge of care", draws=draws, seed=7)
    return projection, moved


def test_effect_draws_probability_is_the_mean_of_each_draws_exact_probability():
    _, moved = _two_draws()
    month = MONTHS[-1]
    # LAC1 ~ N(500, 10): the draws make it N(460, 10) and N(440, 10), each with probability 1/2
    expected = (norm.cdf((455 - 460) / 10) + norm.cdf((455 - 440) / 10)) / 2
    assert moved.probability_below("LAC1", month, 455.0) == pytest.approx(expected)
    # the derived rate follows draw by draw: 460 -> 92 and 440 -> 88 per 10,000, sd 2
    expected_rate = (norm.cdf((91 - 92) / 2) + norm.cdf((91 - 88) / 2)) / 2
    assert moved.probability_below("LAC1-NI", month, 91.0) == pytest.approx(expected_rate)
    # the point scenario alone would say N(450, 10)
    assert expected != pytest.approx(norm.cdf(0.5))


def test_effect_draws_quantiles_are_the_exact_mixture_quantiles():
    _, moved = _two_draws()
    # the two draws make LAC1 N(460, 10) and N(440, 10), each with probability 1/2: the mixture median is 450
    # (symmetry) and its 2.5% / 97.5% points solve (Phi((v - 460) / 10) + Phi((v - 440) / 10)) / 2 = q
    month = MONTHS[0]
    assert moved.quantile("LAC1", month, 0.5) == pytest.approx(450.0)
    row = moved.forecasts.query("indicator == 'LAC1'").iloc[0]
    assert row["mean"] == pytest.approx(450.0)  # the table reads the same values
    for column, q in (("lo95", 0.025), ("hi95", 0.975), ("lo80", 0.10), ("hi80", 0.90)):
        exact = brentq(lambda v, q=q: (norm.cdf((v - 460) / 10) + norm.cdf((v - 440) / 10)) / 2 - q, 300, 600,
                       xtol=1e-10)
        assert row[column] == pytest.approx(exact, abs=1e-5), column
        assert moved.quantile("LAC1", month, q) == pytest.approx(exact, abs=1e-5)
        assert moved.probability_below("LAC1", month, row[column]) == pytest.approx(q, abs=1e-7)
    # by symmetry around 450, and wider than a certain -50 (450 -+ 19.6)
    assert row["hi95"] - 450 == pytest.approx(450 - row["lo95"], abs=1e-5)
    assert row["hi95"] - row["lo95"] > 2 * 19.6
    assert moved.has_effect_draws


def test_effect_draws_equal_to_the_point_keep_the_exact_distribution():
    projection = toy_projection()
    point = projection.with_deltas({"LAC1": np.full(N, -50.0)}, "x")
    same = projection.with_deltas({"LAC1": np.full(N, -50.0)}, "x", draws={"LAC1": np.full((3, N), -50.0)})
    assert not same.has_effect_draws
    pd.testing.assert_frame_equal(same.forecasts, point.forecasts)


def test_simulated_years_take_one_effect_draw_each():
    point_projection = toy_projection().with_deltas({"LAC1": np.full(N, -50.0)}, "x")
    _, moved = _two_draws()
    months = MONTHS[:4]
    difference = moved.draws("LAC1", months, 4, 0.5, 11) - point_projection.draws("LAC1", months, 4, 0.5, 11)
    # year i takes draw i % 2: -40 is 10 above the point's -50, -60 is 10 below (identity scale, no clipping)
    np.testing.assert_allclose(difference, np.array([[10.0] * 4, [-10.0] * 4, [10.0] * 4, [-10.0] * 4]))
