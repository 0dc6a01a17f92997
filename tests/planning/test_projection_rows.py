"""forecasting.planning.projection_rows.RowIndex by hand: a table of 5 rows, LAC1 in Jul-Sep 2018 and CP6B in
Jul and Sep only, given out of order; positions are the table's row numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.projection_rows import RowIndex

JUL, AUG, SEP = (pd.Timestamp(f"2018-{m:02d}-01") for m in (7, 8, 9))


@pytest.fixture()
def index():
    frame = pd.DataFrame({"indicator": ["LAC1", "CP6B", "LAC1", "LAC1", "CP6B"],
                          "month": [SEP, SEP, JUL, AUG, JUL]})
    return RowIndex.of(frame)


def test_months_and_grid(index):
    assert list(index.months) == [JUL, AUG, SEP]
    assert index.indicators == ["LAC1", "CP6B"]
    assert index.grid["LAC1"].tolist() == [2, 3, 0]
    assert index.grid["CP6B"].tolist() == [4, -1, 1]
    assert index.month_at == {JUL: 0, AUG: 1, SEP: 2}


def test_where_in_the_order_asked(index):
    assert index.where("LAC1").tolist() == [2, 3, 0]
    assert index.where("CP6B").tolist() == [4, 1]
    assert index.where("LAC1", [SEP, JUL]).tolist() == [0, 2]
    assert index.where("LAC1", pd.DatetimeIndex([AUG])).tolist() == [3]
    assert index.where("LAC1", ["2018-09-01"]).tolist() == [0]  # text months read as months


def test_a_month_without_a_forecast_is_named(index):
    with pytest.raises(KeyError, match="No forecast for CP6B in 2018-08"):
        index.where("CP6B", [JUL, AUG])
    with pytest.raises(KeyError, match="No forecast for M1 in any month"):
        index.where("M1")
    with pytest.raises(KeyError, match="2018-10"):
        index.where("LAC1", [pd.Timestamp("2018-10-01")])


def test_positions_rows_and_months(index):
    assert index.positions().tolist() == [0, 1, 2, 3, 4]
    assert index.positions(["CP6B"]).tolist() == [1, 4]
    assert index.positions(["CP6B", "M1"], [AUG, SEP]).tolist() == [1]
    assert index.positions([], None).tolist() == []
    rows, months = index.rows_and_months("CP6B")
    assert rows.tolist() == [4, 1] and months.tolist() == [0, 2]
    assert [a.tolist() for a in index.rows_and_months("M1")] == [[], []]
    assert list(index.forecast_months("CP6B")) == [JUL, SEP]
    assert len(index.forecast_months("M1")) == 0
    assert np.issubdtype(index.positions(["LAC1"]).dtype, np.integer)
