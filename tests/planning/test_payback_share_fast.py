"""The share of draws paid back (investment.intervals) worked out for all draws at once equals asking
payback_month of each draw (the old code, kept here as the reference): by hand and on random draws with
ties at 0, negatives and a missing value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.planning.investment import intervals, payback_month
from forecasting.planning.parameters import load_parameters

MONTHS = pd.date_range("2018-07-01", periods=6, freq="MS")


def _old_share(draws: np.ndarray) -> float:
    return float(np.mean([payback_month(MONTHS, d) is not None for d in draws]))


def test_by_hand():
    draws = np.array([[-10.0, 5.0, 5.0, 0.0, 0.0, 0.0],     # ends at 0: paid back (stays >= 0 from Sep)
                      [-10.0, 5.0, 4.0, 0.0, 0.0, 0.0],     # ends at -1: not paid back
                      [1.0, 1.0, 1.0, 1.0, 1.0, -4.0]])     # ends at 1: paid back from the start
    table = intervals(MONTHS, draws, "2018-19", load_parameters())
    assert table.attrs["share_paid_back"] == 2 / 3 == _old_share(draws)


def test_random_draws_agree_with_the_old_code():
    rng = np.random.default_rng(7)
    params = load_parameters()
    for _ in range(20):
        draws = np.round(rng.normal(0.0, 3.0, size=(50, 6)), 1)  # rounded: many running totals end at 0
        draws[rng.integers(0, 50), rng.integers(0, 6)] = np.nan
        assert intervals(MONTHS, draws, "2018-19", params).attrs["share_paid_back"] == _old_share(draws)
