"""The horizon prior is made non-decreasing in h by a least-squares monotone fit (pool adjacent violators),
not by the running maximum, which noise biases upwards; hand-computed."""
import numpy as np
import pandas as pd

from forecasting.engine import intervals
from forecasting.engine.intervals import isotonic


def test_isotonic_pools_adjacent_violators():
    assert isotonic(np.array([1.0, 3.0, 2.0, 4.0])).tolist() == [1.0, 2.5, 2.5, 4.0]      # 3 > 2 -> both 2.5
    assert isotonic(np.array([3.0, 2.0, 1.0])).tolist() == [2.0, 2.0, 2.0]                # one block, mean 2
    assert isotonic(np.array([1.0, 4.0, 2.0, 3.0])).tolist() == [1.0, 3.0, 3.0, 3.0]      # (4+2)/2=3 then 3
    assert isotonic(np.array([1.0, 2.0, 2.0, 5.0])).tolist() == [1.0, 2.0, 2.0, 5.0]      # already monotone
    assert isotonic(np.array([])).size == 0


def test_prior_rows_are_the_isotonic_fit_of_the_table():
    table = pd.read_csv(intervals.PRIOR_FILE, comment="#")
    prior = intervals._prior()
    # issue 12: one table per history length (was one pooled table; its rows are checked the same way)
    lengths = sorted(table["length"].unique()) if "length" in table else [0]
    assert sorted(prior) == lengths
    for length in lengths:
        block = table[table["length"] == length] if "length" in table else table
        edges, rows = prior[length]
        for index, upper in enumerate(sorted(block["sigma1_below"].unique())):
            band = block[block["sigma1_below"] == upper].sort_values("step")
            factors = (band["m80"].to_numpy() + band["m95"].to_numpy()) / 2   # intervals.GROWTH_LEVELS
            assert edges[index] == upper
            assert np.all(np.diff(rows[index]) >= 0)
            np.testing.assert_allclose(rows[index], isotonic(factors))
            # the fit keeps the table's total (least squares with equal weights), the running maximum does not
            assert np.isclose(rows[index].sum(), factors.sum())
