"""Hand-worked cases for the children-in-care model's rates: estimated from counts, and drawn for the
simulation around them (centred on the point rates, as uncertain as the counts behind them)."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.care_model import CareRates, TransitionCounts, _draw_rates, estimate_rates

REFERENCE = (pd.Timestamp("2017-04-01"), pd.Timestamp("2018-03-01"))


def _counts(exposure=((100.0, 0.0),), months=12) -> TransitionCounts:
    # one age band, two placement types, one exit route; 100 child-months in type 0, none in type 1
    exposure = np.array(exposure)
    moves = np.zeros((1, 2, 2))
    moves[0, 0] = [80.0, 10.0]  # 80 stayed put, 10 moved to type 1
    exits = np.array([[[10.0], [0.0]]])
    return TransitionCounts(
        exposure,
        moves,
        exits,
        aged=np.array([0.0]),
        stayed=np.array([0.0]),
        entries=np.array([[24.0, 12.0]]),
        months=months,
    )


def test_rates_are_counts_over_exposure_and_an_unseen_type_stays_put():
    rates = estimate_rates(_counts(), widths=np.array([0.0]), reference=REFERENCE)
    np.testing.assert_allclose(rates.move[0, 0], [0.8, 0.1])
    np.testing.assert_allclose(rates.exit[0, 0], [0.1])
    np.testing.assert_allclose(rates.move[0, 1], [0.0, 1.0])  # nobody seen in type 1: stays put
    np.testing.assert_allclose(rates.exit[0, 1], [0.0])
    np.testing.assert_allclose(rates.entries, [[2.0, 1.0]])  # 24 and 12 entries over 12 months
    assert rates.ageing[0] == 0.0  # a band of width 0 has no ageing out by default


def test_ageing_falls_back_to_one_over_twelve_times_the_band_width():
    rates = estimate_rates(_counts(), widths=np.array([4.0]), reference=REFERENCE)
    assert rates.ageing[0] == pytest.approx(1 / 48)


def test_drawn_rates_are_centred_on_the_point_rates_with_the_entry_counts_spread():
    rates = estimate_rates(_counts(), widths=np.array([0.0]), reference=REFERENCE)
    rng = np.random.default_rng(7)
    draws = [_draw_rates(rates, rng) for _ in range(4000)]
    rows = np.array([d[0] for d in draws])
    entries = np.array([d[1] for d in draws])
    np.testing.assert_allclose(rows.sum(axis=3), 1.0)  # each state's outcomes are shares of 1
    np.testing.assert_allclose(rows[:, 0, 0].mean(axis=0), [0.8, 0.1, 0.1], atol=0.01)
    np.testing.assert_allclose(rows[:, 0, 1], np.tile([0.0, 1.0, 0.0], (4000, 1)))  # no data: the rule
    # entries: Gamma(rate x months) / months -> mean = rate, variance = rate / months
    np.testing.assert_allclose(entries[:, 0].mean(axis=0), [2.0, 1.0], rtol=0.03)
    np.testing.assert_allclose(entries[:, 0].var(axis=0), [2.0 / 12, 1.0 / 12], rtol=0.1)
    assert isinstance(rates, CareRates)
