"""How a scenario's count changes move a derived percentage (planning.scenario_moves), hand-computed:
children taken out of the numerator scale it, children added add percentage points, the denominator scales
it; the multiplier stays bounded when the numerator's baseline is near zero (LAC12, SGO exits)."""

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.projection import Projection
from forecasting.planning.scenario_moves import percent_move

Z95 = 1.959963984540054
JUL = pd.Timestamp("2018-07-01")


def test_children_added_to_a_numerator_near_zero_add_points_not_a_multiple():
    # N 0.1 SGO exits a month, D 20 exits: P = 0.5%. Four more SGO exits and four more exits: N' 4.1, D' 24.
    # multiplier = min(4.1 / 0.1, 1) x 20 / 24 = 0.8333; shift = 100 x 4 / 24 = 16.667 points.
    # At the median 0.5 x 0.8333 + 16.667 = 17.083 = 100 x 4.1 / 24. (Scaling by (4.1/0.1) / (24/20) = 34.2
    # would also give 17.1 at the median, but a 95% point of 3% would become 102.5% -> clipped at 100.)
    multiplier, shift = percent_move(np.array([0.1]), np.array([20.0]), np.array([4.0]), np.array([4.0]))
    assert multiplier[0] == pytest.approx(20 / 24)
    assert shift[0] == pytest.approx(100 * 4 / 24)
    assert 0.5 * multiplier[0] + shift[0] == pytest.approx(100 * 4.1 / 24)
    assert 3.0 * multiplier[0] + shift[0] == pytest.approx(19.1667, abs=1e-4)


def test_children_taken_out_scale_the_percentage_and_none_left_is_zero():
    # N 20 -> 15 (x 0.75), D 100 unchanged: multiplier 0.75, no points added; N -> 0: multiplier 0
    multiplier, shift = percent_move(np.array([20.0, 20.0]), np.array([100.0, 100.0]),
                                     np.array([-5.0, -20.0]), np.zeros(2))
    assert list(multiplier) == pytest.approx([0.75, 0.0])
    assert list(shift) == [0.0, 0.0]


def test_a_baseline_of_exactly_zero_still_takes_the_added_children():
    # N 0 -> 2, D 40 -> 40: 100 x 2 / 40 = 5 points; the rule before left the percentage unchanged (0 / 0)
    multiplier, shift = percent_move(np.array([0.0]), np.array([40.0]), np.array([2.0]), np.array([0.0]))
    assert (multiplier[0], shift[0]) == (1.0, pytest.approx(5.0))


def test_a_denominator_that_falls_to_nothing_leaves_the_percentage_as_it_was():
    multiplier, shift = percent_move(np.array([5.0]), np.array([10.0]), np.array([1.0]), np.array([-12.0]))
    assert (multiplier[0], shift[0]) == (1.0, 0.0)


def test_draws_broadcast_and_the_multiplier_never_exceeds_the_denominators_change():
    rng = np.random.default_rng(4)
    n = rng.uniform(0.0, 2.0, (50, 1))
    d = rng.uniform(5.0, 30.0, (50, 1))
    d_n, d_d = rng.uniform(-1.0, 5.0, (50, 3)), rng.uniform(0.0, 5.0, (50, 3))
    multiplier, shift = percent_move(n, d, d_n, d_d)
    assert multiplier.shape == shift.shape == (50, 3)
    assert (multiplier <= d / (d + d_d) + 1e-12).all()
    # at the baseline median 100 N / D the rule gives the scenario's own percentage 100 N' / D'
    np.testing.assert_allclose(100 * n / d * multiplier + shift, 100 * np.maximum(n + d_n, 0) / (d + d_d))


def test_a_projection_moves_a_percentage_by_its_counts_with_a_bounded_spread():
    catalogue = pd.DataFrame({"unit": ["count", "count", "percent"], "kind": ["flow", "flow", "ratio"],
                              "numerator": [None, None, "N"], "denominator": [None, None, "D"]},
                             index=pd.Index(["N", "D", "P"], name="indicator"))
    obs = pd.DataFrame({"unique_id": ["N", "D", "P"], "ds": pd.Timestamp("2018-06-01"), "y": 1.0})
    dataset = Dataset(obs, catalogue)
    # baseline N 0.1, D 20, P 0.5% with sd 1 (95% point 0.5 + 1.96 = 2.46%)
    table = pd.DataFrame([{"indicator": c, "month": JUL, "mean": m, "lo95": m - Z95 * s, "hi95": m + Z95 * s}
                          for c, m, s in (("N", 0.1, 0.0), ("D", 20.0, 0.0), ("P", 0.5, 1.0))])
    moved = Projection.from_table(dataset, table).with_deltas({"N": np.array([4.0]), "D": np.array([4.0])},
                                                              "more SGO exits")
    p = moved.table(["P"]).iloc[0]
    assert p["mean"] == pytest.approx(100 * 4.1 / 24)
    assert p["hi95"] == pytest.approx((0.5 + Z95) * 20 / 24 + 100 * 4 / 24)
    assert moved.distribution.set_index("indicator").at["P", "multiplier"] == pytest.approx(20 / 24)
