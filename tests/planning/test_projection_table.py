"""The table read in parts (`Projection.table(indicators)`) and the quantiles read one at a time are the same
numbers as the whole table (`forecasts`) solved at once, with effect draws; each mixture is solved once."""

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.projection import Projection

Z95 = 1.959963984540054
MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")


def _moved():
    codes = ["X", "Y", "Z"]
    catalogue = pd.DataFrame({"unit": "count", "kind": "flow"}, index=pd.Index(codes, name="indicator"))
    obs = pd.DataFrame({"unique_id": codes, "ds": pd.Timestamp("2018-06-01"), "y": 1.0})
    table = pd.DataFrame([{"indicator": c, "month": m, "mean": 100.0 * (i + 1), "lo95": 100.0 * (i + 1) - 10,
                           "hi95": 100.0 * (i + 1) + 10} for i, c in enumerate(codes) for m in MONTHS])
    base = Projection.from_table(Dataset(obs, catalogue), table)
    rng = np.random.default_rng(2)
    draws = {"X": rng.normal(-10, 4, (60, 3)), "Z": rng.normal(5, 2, (60, 3))}
    return base.with_deltas({"X": np.full(3, -10.0), "Z": np.full(3, 5.0)}, "s", draws=draws)


def test_the_table_in_parts_equals_the_whole_table():
    whole = _moved().forecasts
    parts = _moved()
    x_and_y = parts.table(["X", "Y"])
    pd.testing.assert_frame_equal(x_and_y, whole[whole["indicator"].isin(["X", "Y"])].reset_index(drop=True))
    pd.testing.assert_frame_equal(parts.table(["Z"]), whole[whole["indicator"] == "Z"].reset_index(drop=True))
    pd.testing.assert_frame_equal(parts.forecasts, whole)
    assert parts.table(["nothing"]).empty


def test_a_quantile_read_alone_is_the_tables_number_and_is_solved_once():
    whole = _moved().forecasts.set_index(["indicator", "month"])
    alone = _moved()
    for code in ("X", "Z"):
        for month in MONTHS:
            assert alone.quantile(code, month, 0.975) == whole.at[(code, month), "hi95"]
            assert alone.quantile(code, month, 0.1) == whole.at[(code, month), "lo80"]
    # Y has no draws: its 97.5% point is the closed form 200 + 10
    assert alone.quantile("Y", MONTHS[0], 0.975) == pytest.approx(210.0)
    # kept: every draw row now solved, the store holds no blank
    assert not np.isnan(alone.__dict__["_solved_levels"].store).any()
    # a level outside the table is solved on its own: between the 80% and 95% points
    q = alone.quantile("X", MONTHS[1], 0.95)
    assert whole.at[("X", MONTHS[1]), "hi80"] < q < whole.at[("X", MONTHS[1]), "hi95"]


def test_the_table_for_some_months_is_those_rows_of_the_whole_table():
    whole = _moved().forecasts
    parts = _moved()
    wanted = [MONTHS[2], MONTHS[0], pd.Timestamp("2030-03-01")]              # a month without a forecast
    got = parts.table(["Z", "X"], months=wanted)
    expected = whole[whole["indicator"].isin(["X", "Z"]) & whole["month"].isin(MONTHS[[0, 2]])]
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
    # only those rows solved: X and Z in August are not
    assert np.isnan(parts.__dict__["_solved_levels"].store).any()
    pd.testing.assert_frame_equal(parts.table(months=[MONTHS[1]]),
                                  whole[whole["month"] == MONTHS[1]].reset_index(drop=True))


def test_observed_is_read_once_shared_with_its_scenarios_and_handed_out_as_a_copy():
    moved = _moved()
    first = moved.observed("X")
    assert list(first) == [1.0]
    first.iloc[0] = 99.0                                       # a caller's change stays with the caller
    assert list(moved.observed("X")) == [1.0]
    assert moved.observed("nothing").empty
    again = moved.with_deltas({"X": np.full(3, 1.0)}, "again")
    assert again._observed is moved._observed                  # the same data set: read once
    assert set(moved._observed) == {"X", "nothing"}
